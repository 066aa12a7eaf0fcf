/**
 * A streaming reader and writer for the tar archives OVAs are made of (ustar, pax, GNU long
 * names), written for untrusted input: every member name is checked before anything uses it,
 * links, devices and duplicates are refused, and an archive that ends early or whose sizes lie
 * is an error, never a short file.
 * @see DSP0243 §5.3 (OVA: a USTAR archive); POSIX.1-2001 pax; GNU tar's `L`/`K` extensions
 */
import * as fsp from 'node:fs/promises';
import { Readable } from 'node:stream';
import { OvfkitError } from '@ovfkit/core';

export const BLOCK = 512;

/** What a tar member is, as far as an OVA cares. */
export type TarEntryType = 'file' | 'directory';

/** One member of a tar archive, after pax / GNU long-name records were applied. */
export interface TarHeader {
  /** The member's path inside the archive, normalised (no leading `./`), already checked safe. */
  name: string;
  type: TarEntryType;
  /** Size of the member's data in bytes. */
  size: number;
  /** Offset of the member's data from the start of the archive. */
  dataOffset: number;
  /** Offset of the first header block of this member (including pax / long-name records). */
  headerOffset: number;
}

/** A member in a sequential read: its header and its bytes, which must be read or skipped before the next. */
export interface TarEntry extends TarHeader {
  /** The member's bytes; consume it fully (or call `skip`) before asking for the next entry. */
  stream: Readable;
  /**
   * Hands each piece of the member's bytes to `visit`, lent for the call only (from a reused
   * buffer: copy what must outlive it). For consumers that use each piece at once (hashing); it
   * skips the stream stage. Use it or `stream`, not both; await it before the next entry.
   */
  visit(visit: (piece: Buffer) => void): Promise<void>;
}

function archiveError(message: string): OvfkitError {
  return new OvfkitError('INTEGRITY', `tar archive: ${message}`);
}

/** Formats mistaken for an OVA, by their leading bytes, with what to do instead. */
const NOT_TAR: ReadonlyArray<{ magic: number[]; what: string; fix: string }> = [
  { magic: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive', fix: 'extract it (unzip) and use the folder with the .ovf inside, or make an OVA of that folder with "ovfkit ova pack"' },
  { magic: [0x50, 0x4b, 0x05, 0x06], what: 'an empty ZIP archive', fix: 'it holds no package' },
  { magic: [0x1f, 0x8b], what: 'gzip-compressed', fix: 'decompress it first (gunzip -c <file> > appliance.ova); the tar inside is the OVA' },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz-compressed', fix: 'decompress it first (xz -dc <file> > appliance.ova); the tar inside is the OVA' },
  { magic: [0x42, 0x5a, 0x68], what: 'bzip2-compressed', fix: 'decompress it first (bzip2 -dc <file> > appliance.ova); the tar inside is the OVA' },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed', fix: 'decompress it first (zstd -dc <file> > appliance.ova); the tar inside is the OVA' },
];

/**
 * The error for a first block that is no tar header: says so by name for the formats an OVA is
 * mistaken for (ZIP, gzip, xz, bzip2, zstd), since a checksum mismatch tells the user nothing.
 */
function firstBlockError(b: Buffer, fallback: string): OvfkitError {
  if (b.length === 0) return archiveError('the file is empty (0 bytes: truncated, or never written); an OVA is a tar archive (DSP0243 §5.3)');
  const other = NOT_TAR.find((f) => f.magic.every((x, i) => b[i] === x));
  if (!other) return archiveError(fallback);
  return archiveError(`this is ${other.what}, not a tar archive; an OVA is an uncompressed tar (DSP0243 §5.3): ${other.fix}`);
}

/**
 * Checks a member name from an archive and returns it normalised. Refuses absolute paths,
 * drive letters, backslashes, `..` segments, NUL and empty names: an OVA member is always a plain
 * relative path that resolves inside the package.
 */
export function safeMemberName(raw: string): string {
  if (raw.includes('\0')) throw new OvfkitError('UNSAFE_PATH', `tar member name contains NUL: ${JSON.stringify(raw)}`);
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw) || raw.includes('\\')) {
    throw new OvfkitError('UNSAFE_PATH', `tar member has an absolute or non-portable path: ${JSON.stringify(raw)}`);
  }
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw new OvfkitError('UNSAFE_PATH', `tar member escapes the archive with "..": ${JSON.stringify(raw)}`);
  if (parts.length === 0) throw new OvfkitError('UNSAFE_PATH', `tar member has an empty name: ${JSON.stringify(raw)}`);
  return parts.join('/');
}

function cstr(buf: Buffer, start: number, len: number): string {
  const end = buf.indexOf(0, start);
  return buf.toString('utf8', start, end === -1 || end > start + len ? start + len : end);
}

/** Parses a numeric header field: octal text, or GNU base-256 when the high bit of the first byte is set. */
function num(buf: Buffer, start: number, len: number, field: string): number {
  const first = buf[start] ?? 0;
  if (first & 0x80) {
    // GNU base-256: big-endian two's complement, positive only here.
    if (first & 0x40) throw archiveError(`negative ${field} in a header`);
    let v = first & 0x3f;
    for (let i = 1; i < len; i++) {
      v = v * 256 + (buf[start + i] ?? 0);
      if (v > Number.MAX_SAFE_INTEGER) throw archiveError(`${field} too large in a header`);
    }
    return v;
  }
  const text = buf.toString('latin1', start, start + len).replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw archiveError(`${field} field is not octal: ${JSON.stringify(text)}`);
  return parseInt(text, 8);
}

function isZeroBlock(b: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

function checksumOk(b: Buffer): boolean {
  const text = b.toString('latin1', 148, 156).replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (!/^[0-7]+$/.test(text)) return false;
  const stored = parseInt(text, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 32 : (b[i] ?? 0);
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  return stored === unsigned || stored === signed;
}

/** Pax extended-header records: `"<len> <key>=<value>\n"` repeated. */
function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp === -1) throw archiveError('malformed pax record');
    const len = Number(data.toString('latin1', pos, sp));
    if (!Number.isInteger(len) || len <= 0 || pos + len > data.length) throw archiveError('malformed pax record length');
    const rec = data.toString('utf8', sp + 1, pos + len - 1);
    const eq = rec.indexOf('=');
    if (eq === -1 || data[pos + len - 1] !== 0x0a) throw archiveError('malformed pax record');
    out[rec.slice(0, eq)] = rec.slice(eq + 1);
    pos += len;
  }
  return out;
}

/**
 * Bounds on what an archive may make the reader hold, whatever its size: each one is named in
 * the error it raises. Far beyond any real OVA (ovftool's chunking of a 62 TB disk stays below
 * the member count; pax records carry a path and a size), so only hostile input reaches them.
 */
export const TAR_LIMITS = {
  /** Bytes of pax `x` and GNU `L`/`K` records that may precede one member, all records together. */
  metaBytesPerMember: 1 << 20,
  /** Records (`x`, `g`, `L`, `K`) that may precede one member. */
  metaRecordsPerMember: 64,
  /** Bytes of pax `g` (global) records in the whole archive: they stay in effect to the end. */
  globalMetaBytes: 1 << 20,
  /** Members in one archive. */
  members: 100_000,
  /** Bytes of one member name (PATH_MAX). */
  nameBytes: 4096,
  /** Bytes of all member names together: the duplicate check keeps them. */
  totalNameBytes: 16 << 20,
} as const;

const CHUNK_BYTES = 1 << 20;

function tooLarge(bound: string, message: string): OvfkitError {
  return new OvfkitError('INPUT_TOO_LARGE', `tar archive: ${message} (bound: ${bound})`);
}

/** Decisions taken on each raw header block; shared by the sequential reader and the random-access index. */
class HeaderState {
  private longName: string | undefined;
  private pax: Record<string, string> = {};
  private globalPax: Record<string, string> = {};
  private readonly seen = new Set<string>();
  private memberStart: number | undefined;
  /** Record bytes and records seen since the last member, and `g` bytes in the whole archive. */
  private metaBytes = 0;
  private metaRecords = 0;
  private globalBytes = 0;
  private nameBytes = 0;

  /**
   * Interprets one header block at `offset`. Returns `meta` when the member's data is a record
   * (pax / long name) that must be read and fed to {@link meta}, or the finished header.
   */
  block(b: Buffer, offset: number): { kind: 'meta'; size: number; flag: string } | { kind: 'entry'; header: TarHeader } {
    if (!checksumOk(b)) {
      const message = `header checksum mismatch at offset ${offset} (corrupt or not a tar archive)`;
      throw offset === 0 ? firstBlockError(b, message) : archiveError(message);
    }
    this.memberStart ??= offset;
    const flag = String.fromCharCode(b[156] ?? 0);
    const size = num(b, 124, 12, 'size');
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      // Checked before the record is read: its size alone decides, so nothing unbounded is buffered.
      if (++this.metaRecords > TAR_LIMITS.metaRecordsPerMember) {
        throw tooLarge('TAR_LIMITS.metaRecordsPerMember', `more than ${TAR_LIMITS.metaRecordsPerMember} pax / long-name records before one member, at offset ${offset}`);
      }
      if (flag === 'g') {
        this.globalBytes += size;
        if (this.globalBytes > TAR_LIMITS.globalMetaBytes) throw tooLarge('TAR_LIMITS.globalMetaBytes', `pax global records total more than ${TAR_LIMITS.globalMetaBytes} bytes, at offset ${offset}`);
      } else {
        this.metaBytes += size;
        if (this.metaBytes > TAR_LIMITS.metaBytesPerMember) {
          throw tooLarge('TAR_LIMITS.metaBytesPerMember', `pax / long-name records before one member total more than ${TAR_LIMITS.metaBytesPerMember} bytes, at offset ${offset}`);
        }
      }
      return { kind: 'meta', size, flag };
    }
    let name = cstr(b, 0, 100);
    const magic = b.toString('latin1', 257, 263);
    if (magic === 'ustar\0' || magic === 'ustar ') {
      const prefix = magic === 'ustar\0' ? cstr(b, 345, 155) : '';
      if (prefix) name = `${prefix}/${name}`;
    }
    if (this.longName !== undefined) name = this.longName;
    const paxPath = this.pax['path'] ?? this.globalPax['path'];
    if (paxPath !== undefined) name = paxPath;
    let realSize = size;
    const paxSize = this.pax['size'] ?? this.globalPax['size'];
    if (paxSize !== undefined) {
      if (!/^\d+$/.test(paxSize) || !Number.isSafeInteger(Number(paxSize))) throw archiveError(`pax size is not a number: ${paxSize.slice(0, 40)}`);
      realSize = Number(paxSize);
    }
    const headerOffset = this.memberStart;
    this.longName = undefined;
    this.pax = {};
    this.memberStart = undefined;
    this.metaBytes = 0;
    this.metaRecords = 0;
    const nameLength = Buffer.byteLength(name);
    if (nameLength > TAR_LIMITS.nameBytes) throw tooLarge('TAR_LIMITS.nameBytes', `a member name of ${nameLength} bytes at offset ${offset} is longer than ${TAR_LIMITS.nameBytes}`);
    const shown = JSON.stringify(name);
    let type: TarEntryType;
    if (flag === '0' || flag === '\0' || flag === '7') type = 'file';
    else if (flag === '5') type = 'directory';
    else if (flag === '1' || flag === '2') throw new OvfkitError('UNSAFE_PATH', `tar member ${shown} is a ${flag === '1' ? 'hard' : 'symbolic'} link; links are not allowed in an OVA`);
    else if (flag === '3' || flag === '4' || flag === '6') throw new OvfkitError('UNSAFE_PATH', `tar member ${shown} is a device or FIFO; only regular files are allowed in an OVA`);
    else throw archiveError(`member ${shown} has unsupported type ${JSON.stringify(flag)}`);
    const safe = safeMemberName(name);
    if (type === 'directory') realSize = 0;
    if (this.seen.has(safe)) throw archiveError(`duplicate member ${JSON.stringify(safe)}; an OVA names each file once`);
    if (this.seen.size >= TAR_LIMITS.members) throw tooLarge('TAR_LIMITS.members', `more than ${TAR_LIMITS.members} members`);
    this.nameBytes += nameLength;
    if (this.nameBytes > TAR_LIMITS.totalNameBytes) throw tooLarge('TAR_LIMITS.totalNameBytes', `member names total more than ${TAR_LIMITS.totalNameBytes} bytes`);
    this.seen.add(safe);
    return { kind: 'entry', header: { name: safe, type, size: realSize, dataOffset: offset + BLOCK, headerOffset: headerOffset ?? offset } };
  }

  /** Applies the data of a pax / GNU long-name record. */
  meta(flag: string, data: Buffer): void {
    if (flag === 'L') this.longName = cstr(data, 0, data.length);
    else if (flag === 'x') Object.assign(this.pax, parsePax(data));
    else if (flag === 'g') Object.assign(this.globalPax, parsePax(data));
    // 'K' (long link name) only matters for links, which are refused anyway.
  }
}

const padded = (n: number): number => Math.ceil(n / BLOCK) * BLOCK;

/**
 * Where a sequential read gets its bytes: `next` gives the following piece (undefined at the
 * end); a piece from a pool is handed back with `recycle` once nothing refers to it any more.
 */
interface Pull {
  next(): Promise<Buffer | undefined>;
  recycle?(piece: Buffer): void;
  close(): Promise<void>;
}

/** Pieces of an async iterable (a stream): each one is the consumer's to keep. */
function iterablePull(input: AsyncIterable<Buffer> | Readable): Pull {
  const it = (input as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  return {
    async next() {
      const r = await it.next();
      if (r.done) return undefined;
      return Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
    },
    async close() {
      await it.return?.();
    },
  };
}

/** Bytes of one positional read of a local archive (2 MiB: in alternating 256 KiB–4 MiB runs the least CPU per byte). */
const FILE_READ_BYTES = 2 << 20;

/**
 * A local file read positionally into a small pool of reused buffers: no stream stage, no new
 * allocation per read, memory flat at any size. The next read is in flight while the consumer
 * works on the current piece (the kernel's copy overlaps the hashing). The pool grows only while
 * pieces are held. `open` gives the handle on the first read; the pull closes it.
 */
function filePull(open: () => Promise<fsp.FileHandle>): Pull {
  let handle: fsp.FileHandle | undefined;
  let position = 0;
  let ahead: Promise<Buffer | undefined> | undefined;
  const pool: Buffer[] = [];
  const readOne = async (fh: fsp.FileHandle): Promise<Buffer | undefined> => {
    const b = pool.pop() ?? Buffer.allocUnsafeSlow(FILE_READ_BYTES);
    const { bytesRead } = await fh.read(b, 0, b.length, position);
    position += bytesRead;
    if (bytesRead === 0) {
      pool.push(b);
      return undefined;
    }
    return b.subarray(0, bytesRead);
  };
  return {
    async next() {
      handle ??= await open();
      const piece = await (ahead ?? readOne(handle));
      ahead = piece ? readOne(handle) : undefined;
      // A failed read-ahead surfaces on the next call; until then it must not be unhandled.
      ahead?.catch(() => undefined);
      return piece;
    },
    recycle(piece) {
      if (piece.byteOffset === 0 && piece.buffer.byteLength === FILE_READ_BYTES && pool.length < 4) pool.push(Buffer.from(piece.buffer));
    },
    async close() {
      await ahead?.catch(() => undefined);
      ahead = undefined;
      await handle?.close();
      handle = undefined;
    },
  };
}

/**
 * Every byte of an open local file, from its start, lent piece by piece to `visit` for the call
 * only (the same positional reader as an OVA's, see {@link readTar}); closes the handle.
 * @example await lendFile(await fsp.open('disk.vmdk'), (piece) => hash.update(piece))
 */
export async function lendFile(handle: fsp.FileHandle, visit: (piece: Buffer) => void): Promise<void> {
  const pull = filePull(async () => handle);
  try {
    for (let piece = await pull.next(); piece; piece = await pull.next()) {
      visit(piece);
      pull.recycle?.(piece);
    }
  } finally {
    await pull.close();
  }
}

/**
 * Pulls exact byte counts out of a {@link Pull} without copying more than needed; it never
 * buffers more than the pieces one request spans. What `read` and `some` return is lent: valid
 * until the next call, unless asked for `kept` (then its piece never goes back to the pool).
 */
class ByteReader {
  /** Buffered chunks from index `first` on; `head` bytes of that one were already taken. */
  private chunks: Buffer[] = [];
  private first = 0;
  private head = 0;
  private buffered = 0;
  private done = false;
  /** Pieces part of which was handed out to be kept: never recycled. */
  private readonly kept = new WeakSet<ArrayBufferLike>();
  position = 0;
  constructor(private readonly pull: Pull) {}

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const chunk = await this.pull.next();
    if (chunk === undefined) {
      this.done = true;
      return false;
    }
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    return true;
  }

  /** Drops the first buffered chunk (without Array.shift, which is linear in the array). */
  private advance(): void {
    const dropped = this.chunks[this.first];
    if (dropped && this.pull.recycle && !this.kept.has(dropped.buffer)) this.pull.recycle(dropped);
    this.head = 0;
    if (++this.first === this.chunks.length) {
      this.chunks = [];
      this.first = 0;
    }
  }

  /** Takes `n` buffered bytes (n ≤ buffered), copying only when they span chunks: cost linear in n. */
  private take(n: number, keep: boolean): Buffer {
    const first = this.chunks[this.first];
    let out: Buffer;
    if (first && first.length - this.head >= n) {
      out = first.subarray(this.head, this.head + n);
      if (keep) this.kept.add(first.buffer);
      this.head += n;
      if (this.head === first.length) this.advance();
    } else {
      out = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const c = this.chunks[this.first]!;
        const k = Math.min(c.length - this.head, n - at);
        c.copy(out, at, this.head, this.head + k);
        at += k;
        this.head += k;
        if (this.head === c.length) this.advance();
      }
    }
    this.buffered -= n;
    this.position += n;
    return out;
  }

  /** Exactly `n` bytes, or fewer only at the end of the input (lent). */
  async read(n: number): Promise<Buffer> {
    while (this.buffered < n && (await this.fill()));
    return this.take(Math.min(n, this.buffered), false);
  }

  /** Up to `max` bytes of whatever is available (at least one unless at the end); lent unless `keep`. */
  async some(max: number, keep = false): Promise<Buffer> {
    while (this.buffered === 0) if (!(await this.fill())) return Buffer.alloc(0);
    const first = this.chunks[this.first]!;
    return this.take(Math.min(max, first.length - this.head), keep);
  }

  async return(): Promise<void> {
    await this.pull.close();
  }
}

/** What {@link readTar} reads: a stream of pieces, or a local file by path (read positionally). */
export type TarInput = AsyncIterable<Buffer> | Readable | { file: string };

/**
 * Reads a tar archive sequentially, once. Each entry's `stream` yields exactly its bytes; the
 * next entry is available once that stream was consumed (the reader skips whatever is left).
 * Throws (from the iterator or the entry stream) on a truncated archive, a bad checksum, an
 * unsafe name, a link, a device or a duplicate.
 * @example
 * for await (const e of readTar(fs.createReadStream('x.ova'))) { await pipeline(e.stream, sink) }
 */
export async function* readTar(input: TarInput): AsyncGenerator<TarEntry, void, undefined> {
  const r = new ByteReader('file' in input ? filePull(() => fsp.open(input.file, 'r')) : iterablePull(input));
  const state = new HeaderState();
  try {
    for (;;) {
      const offset = r.position;
      const b = await r.read(BLOCK);
      if (offset === 0 && b.length < BLOCK) throw firstBlockError(b, 'truncated inside a header at offset 0');
      if (b.length === 0) throw archiveError(`ends at offset ${offset} without the end-of-archive marker (truncated)`);
      if (b.length < BLOCK) throw archiveError(`truncated inside a header at offset ${offset}`);
      if (isZeroBlock(b)) {
        const b2 = await r.read(BLOCK);
        if (b2.length === BLOCK && !isZeroBlock(b2)) throw archiveError(`a lone zero block at offset ${offset} is followed by data`);
        // Anything after the two zero blocks is padding to the record size: ignored, as tar does.
        return;
      }
      const res = state.block(b, offset);
      if (res.kind === 'meta') {
        const data = await r.read(padded(res.size));
        if (data.length < padded(res.size)) throw archiveError(`truncated inside a ${res.flag} record at offset ${offset}`);
        state.meta(res.flag, data.subarray(0, res.size));
        continue;
      }
      const h = res.header;
      let remaining = h.size;
      let failed: Error | undefined;
      let pending: Promise<void> = Promise.resolve();
      let streamed = false;
      const cutShort = (): OvfkitError =>
        archiveError(`member ${JSON.stringify(h.name)} is cut short: ${h.size - remaining} of ${h.size} bytes present (truncated archive or lying size)`);
      const stream = new Readable({
        highWaterMark: 1 << 16,
        read() {
          streamed = true;
          if (remaining === 0) {
            this.push(null);
            return;
          }
          pending = r.some(Math.min(remaining, CHUNK_BYTES), true).then(
            (chunk) => {
              if (chunk.length === 0) {
                failed = cutShort();
                this.destroy(failed);
                return;
              }
              remaining -= chunk.length;
              if (this.destroyed) return;
              this.push(chunk);
              if (remaining === 0) this.push(null);
            },
            (err: Error) => {
              failed = err;
              this.destroy(err);
            },
          );
        },
      });
      let visiting = false;
      const visit = async (fn: (piece: Buffer) => void): Promise<void> => {
        if (visiting || streamed) throw new OvfkitError('USAGE', `the bytes of ${JSON.stringify(h.name)} were already read`);
        visiting = true;
        stream.destroy();
        while (remaining > 0) {
          const piece = await r.some(Math.min(remaining, CHUNK_BYTES));
          if (piece.length === 0) throw (failed = cutShort());
          remaining -= piece.length;
          fn(piece);
        }
      };
      yield { ...h, stream, visit };
      // The consumer may have read nothing, part, or all of the member: wait for an in-flight
      // read, then skip the rest ourselves.
      await pending;
      if (failed) throw failed;
      if (remaining > 0) {
        stream.destroy();
        while (remaining > 0) {
          const chunk = await r.some(Math.min(remaining, CHUNK_BYTES));
          if (chunk.length === 0) throw cutShort();
          remaining -= chunk.length;
        }
      }
      const pad = padded(h.size) - h.size;
      if (pad > 0) {
        const p = await r.read(pad);
        if (p.length < pad) throw archiveError(`truncated in the padding after ${JSON.stringify(h.name)}`);
      }
    }
  } finally {
    await r.return();
  }
}

/** Reads `length` bytes at `offset`; returns fewer only at the end of the archive. */
export type ReadAt = (offset: number, length: number) => Promise<Buffer>;

/**
 * Lists an archive's members by reading only their headers (random access: a local file or a
 * server that honours HTTP Range). Same checks as {@link readTar}; data is never read, but each
 * member's extent is checked against the archive's length when it is known.
 */
export async function indexTar(readAt: ReadAt, totalBytes?: number): Promise<TarHeader[]> {
  const state = new HeaderState();
  const out: TarHeader[] = [];
  let offset = 0;
  for (;;) {
    const b = await readAt(offset, BLOCK);
    if (offset === 0 && b.length < BLOCK) throw firstBlockError(b, 'truncated inside a header at offset 0');
    if (b.length === 0) throw archiveError(`ends at offset ${offset} without the end-of-archive marker (truncated)`);
    if (b.length < BLOCK) throw archiveError(`truncated inside a header at offset ${offset}`);
    if (isZeroBlock(b)) return out;
    const res = state.block(b, offset);
    if (res.kind === 'meta') {
      const data = await readAt(offset + BLOCK, res.size);
      if (data.length < res.size) throw archiveError(`truncated inside a ${res.flag} record at offset ${offset}`);
      state.meta(res.flag, data);
      offset += BLOCK + padded(res.size);
      continue;
    }
    const h = res.header;
    if (totalBytes !== undefined && h.dataOffset + h.size > totalBytes) {
      throw archiveError(`member ${JSON.stringify(h.name)} claims ${h.size} bytes but the archive ends first (truncated archive or lying size)`);
    }
    out.push(h);
    offset = h.dataOffset + padded(h.size);
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

const USTAR_MAX_SIZE = 0o77777777777;

function writeOctal(b: Buffer, value: number, start: number, len: number): void {
  b.write(value.toString(8).padStart(len - 1, '0') + '\0', start, len, 'latin1');
}

/** One pax extended-header record, `"<length> key=value\n"`, its length counting itself (POSIX.1-2001 pax format). */
export function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return Buffer.from(`${len}${body}`, 'utf8');
}

function rawHeader(name: string, size: number, flag: string, mtime: number, prefix = ''): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(name, 0, 100, 'utf8');
  writeOctal(b, flag === '5' ? 0o755 : 0o644, 100, 8);
  writeOctal(b, 0, 108, 8);
  writeOctal(b, 0, 116, 8);
  writeOctal(b, size, 124, 12);
  writeOctal(b, mtime, 136, 12);
  b.write(flag, 156, 1, 'latin1');
  b.write('ustar\0', 257, 6, 'latin1');
  b.write('00', 263, 2, 'latin1');
  b.write(prefix, 345, 155, 'utf8');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i] ?? 0;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return b;
}

/** Splits a long name into ustar's prefix (≤155) and name (≤100) at a `/`, when possible. */
function splitUstar(name: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', name };
  for (let i = name.lastIndexOf('/'); i > 0; i = name.lastIndexOf('/', i - 1)) {
    const p = name.slice(0, i);
    const n = name.slice(i + 1);
    if (Buffer.byteLength(p) <= 155 && Buffer.byteLength(n) <= 100 && n.length > 0) return { prefix: p, name: n };
  }
  return undefined;
}

/**
 * The header block(s) for one regular file. Plain ustar when the name and size fit; otherwise a
 * pax `x` record first (readers that only know ustar still see a valid archive, with the record as
 * an extra small file), as GNU tar `--format=pax` does.
 */
export function tarHeader(name: string, size: number, mtime = 0): Buffer {
  const safe = safeMemberName(name);
  const split = splitUstar(safe);
  const records: Buffer[] = [];
  if (!split) records.push(paxRecord('path', safe));
  if (size > USTAR_MAX_SIZE) records.push(paxRecord('size', String(size)));
  const main = rawHeader(split?.name ?? safe.slice(-100), Math.min(size, USTAR_MAX_SIZE), '0', mtime, split?.prefix ?? '');
  if (records.length === 0) return main;
  const pax = Buffer.concat(records);
  const paxName = `PaxHeaders/${(split?.name ?? safe.split('/').pop() ?? 'f').slice(0, 80)}`;
  return Buffer.concat([rawHeader(paxName, pax.length, 'x', mtime), pax, Buffer.alloc(padded(pax.length) - pax.length), main]);
}

/** Zero bytes that pad a member of `size` bytes to the block size. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc(padded(size) - size);
}

/** The end-of-archive marker: two zero blocks. */
export function tarTrailer(): Buffer {
  return Buffer.alloc(2 * BLOCK);
}
