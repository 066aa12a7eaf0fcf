import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { OvfkitError } from '@ovfkit/core';

const BLOCK = 512;
/** Bytes gathered before one positional write. */
const WRITE_BATCH = 4 << 20;

/**
 * Writes an OVA (USTAR) in one pass with flat memory. The descriptor must be the first member but
 * is only known once the disks are downloaded (CreateDescriptor needs their sizes), so its slot is
 * reserved up front and filled at the end, padded with trailing whitespace (allowed after the
 * root element); the manifest goes at the end, as DSP0243 permits.
 * @see ovf-spec-notes.md §2.1
 */
export class OvaWriter {
  private pos: number;
  private descriptorWritten = false;

  private constructor(
    private readonly fh: fs.promises.FileHandle,
    readonly file: string,
    private readonly reserveBytes: number,
  ) {
    this.pos = BLOCK + roundUp(reserveBytes);
  }

  /** Creates `file` (refusing to overwrite) with room for a descriptor of up to `reserveBytes`. */
  static async create(file: string, reserveBytes = 1 << 20): Promise<OvaWriter> {
    const fh = await fs.promises.open(file, 'wx').catch((e: NodeJS.ErrnoException) => {
      throw new OvfkitError('IO', e.code === 'EEXIST' ? `${file} already exists; ovfkit does not overwrite` : `cannot create ${file}: ${e.code ?? e.message}`);
    });
    return new OvaWriter(fh, file, reserveBytes);
  }

  /**
   * Appends a member from a stream of unknown length; its header is written once the size is known.
   * `onChunk` sees every chunk (hashing, progress) without another stream stage in between.
   */
  async addStream(name: string, body: Readable | AsyncIterable<Buffer>, onChunk?: (chunk: Buffer) => void): Promise<number> {
    const input = body instanceof Readable ? body : Readable.from(body);
    const headerAt = this.pos;
    let size = 0;
    let at = headerAt + BLOCK;
    // Network reads arrive in 16–64 KiB pieces; one awaited positional write each would cost a
    // thread-pool round trip per piece. Gather them into WRITE_BATCH-sized writes, one in flight
    // while the next is gathered; the source is paused while two batches are outstanding.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let inFlight: Promise<void> = Promise.resolve();
    const flush = (): Promise<void> => {
      const bufs = pending;
      const length = pendingBytes;
      pending = [];
      pendingBytes = 0;
      const where = at;
      at += length;
      const previous = inFlight;
      // writev: the gathered pieces go to the kernel as they are, without copying them into one buffer.
      inFlight = previous.then(() => this.writevAll(bufs, length, where));
      inFlight.catch(() => undefined); // observed by whoever awaits it next; never unhandled
      return previous;
    };
    await new Promise<void>((resolve, reject) => {
      input.on('data', (chunk: Buffer) => {
        onChunk?.(chunk);
        pending.push(chunk);
        pendingBytes += chunk.length;
        size += chunk.length;
        if (pendingBytes >= WRITE_BATCH) {
          input.pause();
          flush().then(() => input.resume(), (e: unknown) => input.destroy(e as Error));
        }
      });
      input.once('error', reject);
      input.once('end', () => {
        if (pendingBytes) void flush();
        inFlight.then(resolve, reject);
      });
    });
    await inFlight;
    await this.writeAll(tarHeader(name, size), headerAt);
    const pad = roundUp(size) - size;
    if (pad) await this.writeAll(Buffer.alloc(pad), at);
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
    if (bytes.length > this.reserveBytes) throw new OvfkitError('INPUT_TOO_LARGE', `the descriptor is ${bytes.length} bytes, more than the ${this.reserveBytes} reserved for it`);
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

  private async writevAll(bufs: Buffer[], length: number, at: number): Promise<void> {
    const { bytesWritten } = await this.fh.writev(bufs, at);
    // A short vectored write is rare (signals, full disks): finish the rest plainly.
    if (bytesWritten < length) await this.writeAll(Buffer.concat(bufs, length).subarray(bytesWritten), at + bytesWritten);
  }

  private async writeAll(buf: Buffer, at: number): Promise<void> {
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await this.fh.write(buf, off, buf.length - off, at + off);
      off += bytesWritten;
    }
  }
}

function roundUp(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

/** A USTAR header for a regular file (base-256 size for members of 8 GiB and more). */
export function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length > 100 || name.includes('..') || name.startsWith('/')) throw new OvfkitError('UNSAFE_PATH', `cannot store ${JSON.stringify(name)} in an OVA`);
  nameBytes.copy(h, 0);
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  if (size < 8 * 1024 ** 3) h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  else {
    h[124] = 0x80;
    let n = size;
    for (let i = 135; i > 124; i--) {
      h[i] = n % 256;
      n = Math.floor(n / 256);
    }
  }
  h.write('00000000000\0', 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write('0', 156, 'latin1');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}
