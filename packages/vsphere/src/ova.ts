import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { type PieceSource, fromReadable } from './nfc-get';
import { OvfkitError, wordsOf, type Vocabulary } from '@ovfkit/core';
import { chunkName, tarHeader as ustarHeader } from '@ovfkit/package';
import { chunkIndexOf, chunkSizes } from './export-chunks';

const BLOCK = 512;
/** Bytes gathered before one positional write (see {@link writeSourceAt}). */
const WRITE_BATCH = 256 << 10;
/** Gathered writes outstanding before the source is paused. */
const WRITES_IN_FLIGHT = 4;

/**
 * Writes an OVA (USTAR) in one pass with flat memory. The descriptor must be the first member but
 * is only known once the disks are downloaded (CreateDescriptor needs their sizes), so its slot is
 * reserved up front (sized by the caller from the CreateDescriptor dry run, see
 * {@link descriptorReservation}) and filled at the end, padded with trailing whitespace (allowed
 * after the root element); the manifest goes at the end, as DSP0243 permits.
 * @see ovf-spec-notes.md §2.1
 */
export class OvaWriter {
  private pos: number;
  private descriptorWritten = false;
  private membersAdded = false;

  private constructor(
    private readonly fh: fs.promises.FileHandle,
    readonly file: string,
    private reserveBytes: number,
    /** Whose words a refused member name is named in. */
    private readonly vocabulary: Vocabulary,
  ) {
    this.pos = BLOCK + roundUp(reserveBytes);
  }

  /** Creates `file` (refusing to overwrite) with room for a descriptor of up to `reserveBytes`; a member name too long is refused in `vocabulary`'s words. */
  static async create(file: string, reserveBytes: number, vocabulary: Vocabulary = 'api'): Promise<OvaWriter> {
    const fh = await fs.promises.open(file, 'wx').catch((e: NodeJS.ErrnoException) => {
      throw new OvfkitError('IO', e.code === 'EEXIST' ? `${file} already exists; ovfkit does not overwrite` : `cannot create ${file}: ${e.code ?? e.message}`);
    });
    return new OvaWriter(fh, file, reserveBytes, vocabulary);
  }

  /** The descriptor slot's size; can be changed until the first member is added. */
  get reservedBytes(): number {
    return this.reserveBytes;
  }

  set reservedBytes(bytes: number) {
    if (this.membersAdded) throw new OvfkitError('INTERNAL', 'the descriptor slot cannot be resized once a member has been written after it');
    this.reserveBytes = bytes;
    this.pos = BLOCK + roundUp(bytes);
  }

  /**
   * Appends a member from a stream of unknown length; its header is written once the size is known.
   * `onChunk` sees every chunk (hashing, progress) without another stream stage in between.
   */
  async addStream(name: string, body: Readable | AsyncIterable<Buffer> | PieceSource, onChunk?: (chunk: Buffer) => void): Promise<number> {
    const input = body instanceof Readable ? fromReadable(body) : 'pipe' in body && 'resume' in body ? body : fromReadable(Readable.from(body));
    // Refuse a name that needs more than one header block before any byte is read.
    tarHeader(name, 0, this.vocabulary);
    this.membersAdded = true;
    const headerAt = this.pos;
    const size = await writeSourceAt(this.fh, input, headerAt + BLOCK, onChunk);
    await this.writeAll(tarHeader(name, size, this.vocabulary), headerAt);
    const pad = roundUp(size) - size;
    if (pad) await this.writeAll(Buffer.alloc(pad), headerAt + BLOCK + size);
    this.pos = headerAt + BLOCK + roundUp(size);
    return size;
  }

  /**
   * Appends a file as its chunks `name.000000000`, `name.000000001`, … (consecutive members, every
   * one but the last `chunkSize` bytes, at least one). As every full chunk has a known size, each
   * byte's place in the archive is known as it arrives: the download goes through the same batches
   * as {@link addStream}, a batch never spanning two chunks, and the headers are written at the end.
   * @see DSP0243 §7.3
   */
  async addChunkedStream(name: string, body: PieceSource, chunkSize: number, onChunk?: (chunk: Buffer) => void): Promise<{ size: number; chunks: StoredChunk[] }> {
    tarHeader(chunkName(name, 0), 0, this.vocabulary);
    this.membersAdded = true;
    const first = this.pos;
    const stride = BLOCK + roundUp(chunkSize);
    const size = await pumpSource(
      body,
      (batch, offset) => {
        const k = chunkIndexOf(offset, chunkSize, name);
        return this.writeAll(batch, first + k * stride + BLOCK + (offset - k * chunkSize));
      },
      onChunk,
      chunkSize,
    );
    const chunks = chunkSizes(size, chunkSize).map((n, k) => ({ name: chunkName(name, k), size: n }));
    for (const [k, c] of chunks.entries()) {
      const at = first + k * stride;
      await this.writeAll(tarHeader(c.name, c.size, this.vocabulary), at);
      const pad = roundUp(c.size) - c.size;
      if (pad) await this.writeAll(Buffer.alloc(pad), at + BLOCK + c.size);
    }
    const last = chunks[chunks.length - 1]!;
    this.pos = first + (chunks.length - 1) * stride + BLOCK + roundUp(last.size);
    return { size, chunks };
  }

  async addBuffer(name: string, data: Buffer): Promise<void> {
    await this.addStream(name, (async function* () {
      yield data;
    })());
  }

  /** Fills the reserved first slot. Throws if the descriptor is larger than the reservation. */
  async writeDescriptor(name: string, text: string): Promise<Buffer> {
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > this.reserveBytes) {
      throw new OvfkitError('INPUT_TOO_LARGE', `the final descriptor is ${bytes.length} bytes, more than the ${this.reserveBytes} reserved for it at the front of the OVA (sized from the CreateDescriptor dry run); nothing is kept. Export to a directory instead (it has no such limit)`);
    }
    const padded = Buffer.concat([bytes, Buffer.alloc(this.reserveBytes - bytes.length, 0x20)]);
    if (padded.length > bytes.length) padded[padded.length - 1] = 0x0a;
    await this.writeAll(tarHeader(name, padded.length, this.vocabulary), 0);
    await this.writeAll(padded, BLOCK);
    const pad = roundUp(padded.length) - padded.length;
    if (pad) await this.writeAll(Buffer.alloc(pad), BLOCK + padded.length);
    this.descriptorWritten = true;
    return padded;
  }

  /** Writes the end-of-archive blocks and closes the file. */
  async close(): Promise<void> {
    if (!this.descriptorWritten) throw new OvfkitError('INTERNAL', 'OvaWriter closed before the descriptor was written');
    await this.writeAll(Buffer.alloc(2 * BLOCK), this.pos);
    await this.fh.truncate(this.pos + 2 * BLOCK);
    await this.fh.close();
  }

  /** Closes and deletes the partial file (on failure). */
  async discard(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    await fs.promises.rm(this.file, { force: true });
  }

  private writeAll(buf: Buffer, at: number): Promise<void> {
    return writeAllAt(this.fh, buf, at);
  }
}

/**
 * Writes `source` into `fh` from offset `at` on, returning the byte count; `onChunk` sees every
 * piece first (hashing, progress) while it is still in the CPU cache. See {@link pumpSource}.
 */
export function writeSourceAt(fh: fs.promises.FileHandle, source: PieceSource, at: number, onChunk?: (chunk: Buffer) => void): Promise<number> {
  return pumpSource(source, (batch, offset) => writeAllAt(fh, batch, at + offset), onChunk);
}

/**
 * Writes one gathered batch: bytes `[offset, offset + batch.length)` of the source. With a
 * `boundary`, a batch never spans a multiple of it (a chunk file's end). The batch's memory is
 * reused once the promise settles.
 */
export type BatchWrite = (batch: Buffer, offset: number) => Promise<void>;

/**
 * Pumps `source` into `write`, returning the byte count; `onChunk` sees every piece first
 * (hashing, progress) while it is still in the CPU cache. Pieces (16 KiB TLS records) are copied
 * into reused {@link WRITE_BATCH} buffers, up to {@link WRITES_IN_FLIGHT} writes at once, the
 * source paused while that many are outstanding: no allocation per piece, one thread-pool round
 * trip per batch. The batch is small on purpose: the kernel copies it into the page cache while it
 * is still in the CPU cache (4 MiB batches cost twice the system time per GiB: docs/vsphere.md
 * "Speed and memory"). `boundary` (ovf:chunkSize) ends a batch early at each multiple of it, so
 * every batch belongs to one chunk file; without it the batches are always full.
 */
export async function pumpSource(source: PieceSource, write: BatchWrite, onChunk?: (chunk: Buffer) => void, boundary = 0): Promise<number> {
  const free: Buffer[] = [];
  /** Room of the current batch: WRITE_BATCH, or less up to the next boundary. */
  const room = (offset: number): number => (boundary ? Math.min(WRITE_BATCH, boundary - (offset % boundary)) : WRITE_BATCH);
  let base: Buffer = Buffer.allocUnsafe(WRITE_BATCH);
  let offset = 0;
  // The batch is a view of `base` as long as its room, so Buffer.copy stops at the boundary by
  // itself: the copy loop below is the same with and without chunks.
  let current: Buffer = base;
  let filled = 0;
  let inFlight = 0;
  let paused = false;
  let failure: { error: Error } | undefined;
  let drained: (() => void) | undefined;
  const submit = (): void => {
    const buf = base;
    const length = filled;
    const where = offset;
    offset += length;
    inFlight++;
    let written: Promise<void>;
    try {
      written = write(buf.subarray(0, length), where);
    } catch (e) {
      written = Promise.reject(e);
    }
    written.then(
      () => {
        inFlight--;
        free.push(buf);
        if (paused && inFlight < WRITES_IN_FLIGHT) {
          paused = false;
          source.resume();
        }
        if (!inFlight) drained?.();
      },
      (error: unknown) => {
        inFlight--;
        failure ??= { error: error as Error };
        source.destroy(failure.error);
        if (!inFlight) drained?.();
      },
    );
    // A piece may still arrive after the source was asked to pause: take a new buffer then.
    base = free.pop() ?? Buffer.allocUnsafe(WRITE_BATCH);
    const r = room(offset);
    current = r === WRITE_BATCH ? base : base.subarray(0, r);
    filled = 0;
  };
  if (boundary) current = base.subarray(0, room(0));
  let size: number;
  try {
    size = await source.pipe((piece) => {
      if (failure) return false;
      onChunk?.(piece);
      let off = 0;
      while (off < piece.length) {
        const n = piece.copy(current, filled, off);
        filled += n;
        off += n;
        if (filled === current.length) submit();
      }
      paused = inFlight >= WRITES_IN_FLIGHT;
      return !paused;
    });
    if (filled) submit();
  } finally {
    if (inFlight) await new Promise<void>((r) => (drained = r));
  }
  if (failure) throw failure.error;
  return size;
}

/** One chunk file as stored: its name and byte count. */
export interface StoredChunk {
  name: string;
  size: number;
}

/**
 * Writes `source` as the chunk files `pathOf(0)`, `pathOf(1)`, … (created, never overwritten;
 * every one but the last `chunkSize` bytes, at least one), through the same batches as
 * {@link writeSourceAt}. A chunk file is opened when its first batch is written and closed once
 * its last byte is. `created` is told each path made, so a failure can remove them all.
 * @see DSP0243 §7.3
 */
export async function writeChunkFiles(
  href: string,
  pathOf: (index: number) => string,
  source: PieceSource,
  chunkSize: number,
  onChunk: ((chunk: Buffer) => void) | undefined,
  created: (path: string) => void,
): Promise<{ size: number; chunks: StoredChunk[] }> {
  const open = new Map<number, { fh: Promise<fs.promises.FileHandle>; bytes: number }>();
  const handle = (k: number): { fh: Promise<fs.promises.FileHandle>; bytes: number } => {
    let h = open.get(k);
    if (!h) {
      const p = pathOf(k);
      h = {
        fh: fs.promises.open(p, 'wx').then((fh) => {
          created(p);
          return fh;
        }),
        bytes: 0,
      };
      open.set(k, h);
    }
    return h;
  };
  let size: number;
  try {
    size = await pumpSource(
      source,
      async (batch, offset) => {
        const k = chunkIndexOf(offset, chunkSize, href);
        const h = handle(k);
        const fh = await h.fh;
        await writeAllAt(fh, batch, offset - k * chunkSize);
        h.bytes += batch.length;
        if (h.bytes === chunkSize) {
          open.delete(k);
          await fh.close();
        }
      },
      onChunk,
      chunkSize,
    );
    // An empty file is still stored as one (empty) chunk.
    if (size === 0) await handle(0).fh;
  } finally {
    for (const h of open.values()) await h.fh.then((fh) => fh.close()).catch(() => undefined);
  }
  return { size, chunks: chunkSizes(size, chunkSize).map((n, k) => ({ name: path.basename(pathOf(k)), size: n })) };
}

async function writeAllAt(fh: fs.promises.FileHandle, buf: Buffer, at: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off, at + off);
    off += bytesWritten;
  }
}

function roundUp(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

/** Largest size a ustar octal size field holds (8 GiB − 1). */
const USTAR_MAX_SIZE = 0o77777777777;

/**
 * Bytes to reserve for the final descriptor: the dry run's size plus a margin for what
 * CreateDescriptor adds once it knows the files (a References/File element per file, an
 * `ovf:fileRef` per disk, sizes that grow by digits), rounded up to the block size. The margin
 * (a quarter, 16 KiB, and 256 bytes plus twice the name per file) is far above what the
 * simulator and vCenter add, yet keeps the slot near the descriptor's size rather than 1 MiB.
 * With `chunkSize`, each file's entry also has room for the `ovf:chunkSize` attribute ovfkit adds.
 */
export function descriptorReservation(dryRunBytes: number, fileNames: readonly string[] = [], chunkSize?: number): number {
  // A chunked export adds ` <prefix>:chunkSize="<n>"` to each File (the prefix vSphere chose: room for 32 bytes).
  const chunkAttribute = chunkSize === undefined ? 0 : 32 + Buffer.byteLength(` :chunkSize="${chunkSize}"`);
  const perFile = fileNames.reduce((n, f) => n + 256 + 2 * Buffer.byteLength(f) + chunkAttribute, 0);
  return roundUp(dryRunBytes + Math.ceil(dryRunBytes / 4) + 16 * 1024 + perFile);
}

/**
 * The one-block ustar header of a regular file, as @ovfkit/package writes it. A member whose
 * size is only known after it is written needs exactly one block, so where the package writer
 * would add a pax record this refuses a name over 100 bytes and writes a size of 8 GiB or more
 * in GNU base-256 (read by GNU tar, bsdtar and @ovfkit/package) instead.
 */
export function tarHeader(name: string, size: number, vocabulary: Vocabulary = 'api'): Buffer {
  if (Buffer.byteLength(name) > 100) throw new OvfkitError('UNSAFE_PATH', `cannot store ${JSON.stringify(name)} in an OVA: member names are at most 100 bytes; pass a shorter ${wordsOf(vocabulary).exportName}`);
  const h = ustarHeader(name, Math.min(size, USTAR_MAX_SIZE));
  if (h.length !== BLOCK) throw new OvfkitError('UNSAFE_PATH', `cannot store ${JSON.stringify(name)} in an OVA with a one-block header`);
  if (size > USTAR_MAX_SIZE) {
    h.fill(0, 124, 136);
    h[124] = 0x80;
    let n = size;
    for (let i = 135; i > 124; i--) {
      h[i] = n % 256;
      n = Math.floor(n / 256);
    }
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  }
  return h;
}
