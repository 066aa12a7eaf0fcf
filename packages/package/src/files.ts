/**
 * Files as the descriptor references them: the stored bytes of `References/File` joined across
 * chunk files (`href.000000000`, …), counted against `ovf:size`, and inflated when
 * `ovf:compression="gzip"` — all on the fly, one pass, no temporary files.
 * @see DSP0243 §7.1 (ovf:size, ovf:compression, ovf:chunkSize)
 */
import { createHash, type Hash } from 'node:crypto';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { OvfkitError } from '@ovfkit/core';
import { nodeHashName, type ManifestAlgorithm } from './manifest';
import { chunkIndex, chunkName, chunkSequence, inflatedLimit, type FileReference } from './references';
import { TAR_LIMITS } from './tar';
import type { PackageEntry, PackageSource } from './source';

/**
 * Buffer of each pass-through stage, in bytes: one of the 1 MiB reads of a local file (a stage
 * then holds a piece or two, so the next read overlaps the upload), and 64 of the 16 KiB TLS reads
 * of a URL (the 16 KiB default paused the socket at nearly every read). It was 4 MiB: each of the
 * four stages of an upload then held up to 10 MiB, ~40 MiB per upload in flight (docs/performance.md).
 */
const STAGE_HWM = 1 << 20;

/** Fails the stream as soon as more bytes than `ovf:size` pass, or at the end when fewer did. */
export class SizeCheck extends Transform {
  bytes = 0;
  constructor(
    private readonly expected: number | undefined,
    private readonly what: string,
  ) {
    super({ highWaterMark: STAGE_HWM });
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expected !== undefined && this.bytes > this.expected) {
      cb(new OvfkitError('INTEGRITY', `${this.what} is larger than its ovf:size of ${this.expected} bytes`));
      return;
    }
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    if (this.expected !== undefined && this.bytes !== this.expected) {
      cb(new OvfkitError('INTEGRITY', `${this.what} has ${this.bytes} bytes but its ovf:size says ${this.expected}`));
      return;
    }
    cb();
  }
}

/** Fails the inflated stream as soon as it passes the bound its disk's capacity sets. */
class InflatedCheck extends Transform {
  private bytes = 0;
  constructor(
    private readonly limit: number,
    private readonly ref: FileReference,
  ) {
    super({ highWaterMark: STAGE_HWM });
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      cb(new OvfkitError('INTEGRITY', `${this.ref.href} inflates to more than ${this.limit} bytes, beyond what its disk's capacity of ${this.ref.capacityBytes} bytes can hold (bound: inflatedLimit)`));
      return;
    }
    cb(null, chunk);
  }
}

/**
 * Chunk indexes looked for past the last chunk found, in a source that cannot list its files:
 * a gap that wide or narrower is found; a wider one only with `ovf:size` (documented limit).
 */
export const CHUNK_GAP_PROBE = 8;

/**
 * The stored member names of a reference, in order: the href, or its chunk files. Chunk files
 * are counted from `ovf:size` when given; otherwise from the source's listing, which must run
 * without a gap, or, for a source that cannot list, by asking until one is missing and then
 * {@link CHUNK_GAP_PROBE} more: a later chunk found is a gap (INTEGRITY), never a short file.
 */
export async function storedNames(source: PackageSource, ref: FileReference): Promise<string[]> {
  if (ref.chunkSize === undefined) return [ref.href];
  if (ref.size !== undefined) {
    const n = Math.max(1, Math.ceil(ref.size / ref.chunkSize));
    return Array.from({ length: n }, (_, i) => chunkName(ref.href, i));
  }
  const listed = await source.chunkNames(ref.href);
  if (listed) return chunkSequence(listed, ref.href);
  const names: string[] = [];
  for (let i = 0; i < TAR_LIMITS.members && (await source.has(chunkName(ref.href, i))); i++) names.push(chunkName(ref.href, i));
  for (let i = names.length + 1; i <= names.length + CHUNK_GAP_PROBE; i++) {
    if (await source.has(chunkName(ref.href, i))) return chunkSequence([...names, chunkName(ref.href, i)], ref.href);
  }
  if (names.length === 0) throw new OvfkitError('IO', `${ref.href} is chunked but ${chunkName(ref.href, 0)} is not in the package`);
  return names;
}

/**
 * Joins chunk streams, checking that every chunk but the last has exactly `chunkSize` bytes.
 * Opens each chunk only when the previous one is done.
 */
export function joinChunks(open: (name: string) => Promise<Readable>, names: string[], chunkSize: number | undefined, href: string, storedParts?: StoredPartsHook): Readable {
  return Readable.from(
    (async function* () {
      for (const [i, name] of names.entries()) {
        const part = storedParts ? new PartWatch(name, storedParts) : undefined;
        let n = 0;
        for await (const chunk of await open(name)) {
          n += (chunk as Buffer).length;
          if (chunkSize !== undefined && n > chunkSize) throw new OvfkitError('INTEGRITY', `${name} is larger than the ovf:chunkSize of ${chunkSize} bytes of ${href}`);
          part?.update(chunk as Buffer);
          yield chunk as Buffer;
        }
        if (chunkSize !== undefined && i < names.length - 1 && n !== chunkSize) {
          throw new OvfkitError('INTEGRITY', `${name} has ${n} bytes; every chunk of ${href} but the last must have ovf:chunkSize ${chunkSize}`);
        }
        part?.end();
      }
    })(),
    { objectMode: false },
  );
}

/**
 * One stored part of a referenced file, as a manifest lists it: the href itself, or one chunk file
 * (`href.000000001`), its bytes as stored (still gzip-compressed).
 * @see DSP0243 §5.1 (the manifest digests the files of the package), §7.3 (chunks)
 */
export interface StoredPart {
  /** The part's name relative to the descriptor, as the manifest names it. */
  name: string;
  /** Stored bytes read. */
  bytes: number;
  /** Lower-case hex digest of the stored bytes, for each algorithm asked for. */
  digest: Partial<Record<ManifestAlgorithm, string>>;
}

/**
 * Watches the stored bytes of a file while {@link openFile} or {@link filesInOrder} read it, before
 * the chunks are joined and the gzip inflated: what a manifest check and a progress count in
 * stored bytes need, in the same pass.
 * @example openFile(src, ref, { storedParts: { algorithms: ['SHA256'], onPart: (p) => digests.set(p.name, p.digest.SHA256) } })
 */
export interface StoredPartsHook {
  /** Digests to compute over every part. @default none */
  algorithms?: readonly ManifestAlgorithm[];
  /** Each buffer of stored bytes as it is read (a running count for progress). */
  onData?(bytes: number): void;
  /** A part was read to its end; called before the next part starts and before the file's stream ends. */
  onPart(part: StoredPart): void;
}

/** Hashes and counts one stored part for a {@link StoredPartsHook}. */
class PartWatch {
  private bytes = 0;
  private readonly hashes: Array<[ManifestAlgorithm, Hash]>;
  constructor(
    private readonly name: string,
    private readonly hook: StoredPartsHook,
  ) {
    this.hashes = (hook.algorithms ?? []).map((a) => [a, createHash(nodeHashName(a))]);
  }
  update(chunk: Buffer): void {
    this.bytes += chunk.length;
    for (const [, h] of this.hashes) h.update(chunk);
    this.hook.onData?.(chunk.length);
  }
  end(): void {
    this.hook.onPart({ name: this.name, bytes: this.bytes, digest: Object.fromEntries(this.hashes.map(([a, h]) => [a, h.digest('hex')])) });
  }
  /** A pass-through stage that watches a single-part file. */
  static stage(name: string, hook: StoredPartsHook): Transform {
    const part = new PartWatch(name, hook);
    return new Transform({
      highWaterMark: STAGE_HWM,
      transform(chunk: Buffer, _e, cb) {
        part.update(chunk);
        cb(null, chunk);
      },
      flush(cb) {
        part.end();
        cb();
      },
    });
  }
}

/** How to read a referenced file. */
export interface OpenFileOptions {
  /** Inflate `ovf:compression="gzip"` files. @default true */
  inflate?: boolean;
  /** Digests and counts of the stored parts (the href or its chunk files) as they are read. @default none */
  storedParts?: StoredPartsHook;
}

/**
 * The bytes of one referenced file: chunks joined, size checked against `ovf:size` (the stored,
 * compressed size of the whole file), then inflated when gzip. Errors surface on the stream.
 * @example await pipeline(await openFile(src, { href: 'disk.vmdk', id: 'f1', size: 1024 }), sink)
 */
export async function openFile(source: PackageSource, ref: FileReference, options: OpenFileOptions = {}): Promise<Readable> {
  const compression = ref.compression ?? 'identity';
  if (compression !== 'identity' && compression !== 'gzip') {
    throw new OvfkitError('USAGE', `${ref.href}: ovf:compression "${compression}" is not supported (gzip or identity)`);
  }
  const names = await storedNames(source, ref);
  const raw = names.length === 1 && ref.chunkSize === undefined ? watched(await source.open(names[0] ?? ref.href), ref.href, options) : joinChunks((n) => source.open(n), names, ref.chunkSize, ref.href, options.storedParts);
  return checkedStream(raw, ref, options);
}

/** A single-part file's stored bytes, through a {@link StoredPartsHook} when one is given. */
function watched(stream: Readable, name: string, options: OpenFileOptions): Readable {
  if (!options.storedParts) return stream;
  const stage = PartWatch.stage(name, options.storedParts);
  stream.on('error', (e) => stage.destroy(e));
  stage.on('close', () => stream.destroy());
  return stream.pipe(stage);
}

/** The stored bytes of a reference → size-checked (and inflated) bytes, errors as OvfkitError naming the file. */
function checkedStream(raw: Readable, ref: FileReference, options: OpenFileOptions): Readable {
  const compression = ref.compression ?? 'identity';
  // Wired by hand rather than with pipeline(): the consumer gets one stream whose error is an
  // OvfkitError naming the file, and a consumer that gives up destroys every stage behind it.
  const stages: Readable[] = [raw];
  const check = new SizeCheck(ref.size, ref.href);
  stages.push(check);
  if (compression === 'gzip' && options.inflate !== false) {
    stages.push(createGunzip());
    if (ref.capacityBytes !== undefined) stages.push(new InflatedCheck(inflatedLimit(ref.capacityBytes), ref));
  }
  const out = new PassThrough({ highWaterMark: STAGE_HWM });
  const fail = (e: Error): void => {
    const err = e instanceof OvfkitError ? e : new OvfkitError('INTEGRITY', `${ref.href}: ${compression === 'gzip' ? 'gzip data is damaged' : 'read failed'} (${e.message})`, { cause: e });
    for (const s of stages) s.destroy();
    out.destroy(err);
  };
  for (const s of stages) s.on('error', fail);
  let last: Readable = raw;
  for (const s of stages.slice(1)) last = last.pipe(s as Transform);
  last.pipe(out);
  out.on('close', () => {
    for (const s of stages) if (!s.destroyed) s.destroy();
  });
  return out;
}


/** How to walk a package with {@link filesInOrder}. */
export interface FilesInOrderOptions extends Omit<OpenFileOptions, 'storedParts'> {
  /** A hook for every file, or one per file (undefined: that file is not watched). @default none */
  storedParts?: StoredPartsHook | ((ref: FileReference) => StoredPartsHook | undefined);
  /**
   * Called with each archive member the References do not name (the descriptor, a manifest or
   * certificate, extras), in archive order; with this option the walk goes on to the end of the
   * archive after the last file, so a manifest stored last still arrives in the same pass.
   * A member left unread is skipped. @default members are skipped, and the walk ends after the last file
   */
  onOtherMember?(entry: PackageEntry): Promise<void>;
}

/**
 * Every referenced file in References order from ONE sequential pass over an OVA — the way to
 * import from a source that cannot seek (an .ova URL without Range support). Each yielded stream
 * must be consumed before asking for the next file. Members the References do not name
 * (descriptor, manifest, certificate, extras) are skipped or handed to `onOtherMember`; a file
 * found out of References order is an INTEGRITY error, because a one-pass reader cannot go back
 * for it. Sources that can seek simply open each file.
 * @example for await (const { ref, stream } of filesInOrder(src, refs)) await upload(ref, stream)
 */
export async function* filesInOrder(source: PackageSource, references: FileReference[], options: FilesInOrderOptions = {}): AsyncGenerator<{ ref: FileReference; stream: Readable }> {
  const local = references.filter((r) => !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(r.href));
  const optionsFor = (ref: FileReference): OpenFileOptions => {
    const hook = typeof options.storedParts === 'function' ? options.storedParts(ref) : options.storedParts;
    return { ...(options.inflate !== undefined ? { inflate: options.inflate } : {}), ...(hook ? { storedParts: hook } : {}) };
  };
  const entries = source.entries();
  if (!entries) {
    for (const ref of local) yield { ref, stream: await openFile(source, ref, optionsFor(ref)) };
    return;
  }
  const it = entries[Symbol.asyncIterator]();
  const owner = (name: string): FileReference | undefined => local.find((r) => (r.chunkSize !== undefined ? chunkIndex(name, r.href) !== undefined : name === r.href));
  let peeked: PackageEntry | undefined;
  const other = async (e: PackageEntry): Promise<void> => {
    if (options.onOtherMember) await options.onOtherMember(e);
    e.stream.resume();
  };
  const next = async (): Promise<PackageEntry | undefined> => {
    if (peeked) {
      const p = peeked;
      peeked = undefined;
      return p;
    }
    const r = await it.next();
    return r.done ? undefined : r.value;
  };
  try {
    for (const [index, ref] of local.entries()) {
      let first: PackageEntry | undefined;
      for (let e = await next(); e; e = await next()) {
        const o = owner(e.name);
        if (!o) {
          await other(e);
          continue;
        }
        if (o !== ref) {
          const later = local.indexOf(o) > index;
          throw new OvfkitError('INTEGRITY', later
            ? `${e.name} comes before ${ref.href} in the OVA, against References order: it cannot be read in one pass (repack with "ovfkit ova pack")`
            : `${e.name} appears again after later files in the OVA`);
        }
        first = e;
        break;
      }
      if (!first) throw new OvfkitError('IO', `${ref.href} is referenced but not in the OVA (or not in References order)`);
      if (ref.chunkSize !== undefined && first.name !== chunkName(ref.href, 0)) throw new OvfkitError('INTEGRITY', `${first.name} comes first; chunks of ${ref.href} must start at ${chunkName(ref.href, 0)} and be in order`);
      const fileOptions = optionsFor(ref);
      let raw: Readable;
      if (ref.chunkSize === undefined) raw = watched(first.stream, first.name, fileOptions);
      else {
        const chunkSize = ref.chunkSize;
        const start = first;
        const hook = fileOptions.storedParts;
        raw = Readable.from(
          (async function* () {
            let current: PackageEntry | undefined = start;
            for (let i = 0; current; i++) {
              const part = hook ? new PartWatch(current.name, hook) : undefined;
              let n = 0;
              for await (const c of current.stream) {
                n += (c as Buffer).length;
                if (n > chunkSize) throw new OvfkitError('INTEGRITY', `${current.name} is larger than the ovf:chunkSize of ${chunkSize} bytes of ${ref.href}`);
                part?.update(c as Buffer);
                yield c as Buffer;
              }
              part?.end();
              const following: PackageEntry | undefined = await next();
              if (following && following.name === chunkName(ref.href, i + 1)) {
                if (n !== chunkSize) throw new OvfkitError('INTEGRITY', `${current.name} has ${n} bytes; every chunk of ${ref.href} but the last must have ovf:chunkSize ${chunkSize}`);
                current = following;
              } else if (following && chunkIndex(following.name, ref.href) !== undefined) {
                // The one-pass form of chunkSequence's rule: a later chunk after a gap.
                throw new OvfkitError('INTEGRITY', `chunk ${chunkName(ref.href, i + 1)} of ${ref.href} is missing (${following.name} follows ${current.name}): the file would end early`);
              } else {
                peeked = following;
                current = undefined;
              }
            }
          })(),
          { objectMode: false },
        );
      }
      const stream = checkedStream(raw, ref, fileOptions);
      yield { ref, stream };
      if (!stream.readableEnded && !stream.destroyed) {
        stream.destroy();
        throw new OvfkitError('USAGE', `the stream of ${ref.href} was not read to its end before asking for the next file`);
      }
    }
    // Without ovf:size a chunked file's end is only known from the listing: read to the archive's
    // end so a stray later chunk is an error, not a short file.
    const unsized = local.some((r) => r.chunkSize !== undefined && r.size === undefined);
    if (options.onOtherMember || unsized) {
      for (let e = await next(); e; e = await next()) {
        const o = owner(e.name);
        if (o) throw new OvfkitError('INTEGRITY', `${e.name} of ${o.href} comes after later members of the OVA: ${chunkIndex(e.name, o.href) !== undefined ? 'a chunk is missing or out of order' : 'it is stored twice'}`);
        await other(e);
      }
    }
  } finally {
    await it.return?.();
  }
}
