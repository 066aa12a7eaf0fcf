import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { type PieceSource, fromReadable } from './nfc-get';
import { OvfkitError } from '@ovfkit/core';
import { tarHeader as ustarHeader } from '@ovfkit/package';

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
  ) {
    this.pos = BLOCK + roundUp(reserveBytes);
  }

  /** Creates `file` (refusing to overwrite) with room for a descriptor of up to `reserveBytes`. */
  static async create(file: string, reserveBytes: number): Promise<OvaWriter> {
    const fh = await fs.promises.open(file, 'wx').catch((e: NodeJS.ErrnoException) => {
      throw new OvfkitError('IO', e.code === 'EEXIST' ? `${file} already exists; ovfkit does not overwrite` : `cannot create ${file}: ${e.code ?? e.message}`);
    });
    return new OvaWriter(fh, file, reserveBytes);
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
    const input = 'pipe' in body && 'resume' in body && !(body instanceof Readable) ? body : fromReadable(body as Readable | AsyncIterable<Buffer>);
    // Refuse a name that needs more than one header block before any byte is read.
    tarHeader(name, 0);
    this.membersAdded = true;
    const headerAt = this.pos;
    const size = await writeSourceAt(this.fh, input, headerAt + BLOCK, onChunk);
    await this.writeAll(tarHeader(name, size), headerAt);
    const pad = roundUp(size) - size;
    if (pad) await this.writeAll(Buffer.alloc(pad), headerAt + BLOCK + size);
    this.pos = headerAt + BLOCK + roundUp(size);
    return size;
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
    await this.writeAll(tarHeader(name, padded.length), 0);
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
 * piece first (hashing, progress) while it is still in the CPU cache. Pieces (16 KiB TLS records)
 * are copied into reused {@link WRITE_BATCH} buffers written positionally, up to
 * {@link WRITES_IN_FLIGHT} at once, the source paused while that many are outstanding: no
 * allocation per piece, one thread-pool round trip per batch. The batch is small on purpose: the
 * kernel copies it into the page cache while it is still in the CPU cache (4 MiB batches cost
 * twice the system time per GiB: docs/vsphere.md "Speed and memory").
 */
export async function writeSourceAt(fh: fs.promises.FileHandle, source: PieceSource, at: number, onChunk?: (chunk: Buffer) => void): Promise<number> {
  const free: Buffer[] = [];
  let current: Buffer = Buffer.allocUnsafe(WRITE_BATCH);
  let filled = 0;
  let inFlight = 0;
  let paused = false;
  let failure: { error: Error } | undefined;
  let drained: (() => void) | undefined;
  const submit = (): void => {
    const buf = current;
    const length = filled;
    const where = at;
    at += length;
    inFlight++;
    writeAllAt(fh, buf.subarray(0, length), where).then(
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
    current = free.pop() ?? Buffer.allocUnsafe(WRITE_BATCH);
    filled = 0;
  };
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
        if (filled === WRITE_BATCH) submit();
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
 */
export function descriptorReservation(dryRunBytes: number, fileNames: readonly string[] = []): number {
  const perFile = fileNames.reduce((n, f) => n + 256 + 2 * Buffer.byteLength(f), 0);
  return roundUp(dryRunBytes + Math.ceil(dryRunBytes / 4) + 16 * 1024 + perFile);
}

/**
 * The one-block ustar header of a regular file, as @ovfkit/package writes it. A member whose
 * size is only known after it is written needs exactly one block, so where the package writer
 * would add a pax record this refuses a name over 100 bytes and writes a size of 8 GiB or more
 * in GNU base-256 (read by GNU tar, bsdtar and @ovfkit/package) instead.
 */
export function tarHeader(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new OvfkitError('UNSAFE_PATH', `cannot store ${JSON.stringify(name)} in an OVA: member names are at most 100 bytes; pass a shorter --name`);
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
