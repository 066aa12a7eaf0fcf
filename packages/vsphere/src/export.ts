import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OvfkitError, UsageError, wordsOf, type OvfCreateDescriptorParams, type Vocabulary, type OvfFile, type OvfIssue } from '@ovfkit/core';
import { chunkName, signManifest } from '@ovfkit/package';
import { Inventory } from './inventory';
import { withLease } from './lease';
import { ServerManifest, type ServerManifestCheck, type ServerManifestFile } from './lease-manifest';
import { agentFor, deviceUrlFor } from './nfc';
import { NfcGet, fromReadable, type PieceSource } from './nfc-get';
import { abortError, parallelDisksOf, runLimited } from './parallel';
import { ChunkHasher, checkChunkSize, chunkSizes, withChunkSize } from './export-chunks';
import { OvaWriter, descriptorReservation, writeChunkFiles, writeSourceAt, type StoredChunk } from './ova';
import type { ManagedObjectReference } from './soap/codec';
import { ExportVApp, ExportVm } from './soap/methods';
import { VimOvfManager } from './ovf-manager';
import type { VimSession } from './session';

import type { TransferProgress } from './import';

export type ManifestAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** What to export and where. */
export interface ExportOvfOptions {
  /** The VM or vApp: a moref (`VirtualMachine:vm-42` / `VirtualApp:resgroup-v9`), an inventory path, a path under the VM folder, or a bare name when unique ({@link Inventory.entity}). */
  entity: string;
  /** A `.ova` file to create, or a directory (created; must not exist or be empty). */
  destination: string;
  /** `ovf:id` of the top entity and base name of the files. @default the entity's inventory name */
  name?: string;
  /** @default 'SHA256' */
  manifestAlgorithm?: ManifestAlgorithm;
  /** Keywords of OvfManager.ovfExportOption. */
  exportOption?: string[];
  includeImageFiles?: boolean;
  /**
   * Store each downloaded file as chunk files `<href>.000000000`, `<href>.000000001`, … of this
   * many bytes (the last one shorter; a file smaller than one chunk still gets `.000000000`, as
   * ovftool writes it), with `ovf:chunkSize` on its References/File and each chunk in the
   * manifest. Any positive byte count (DSP0243 requires no multiple of 512).
   * @see DSP0243 §7.3
   */
  chunkSize?: number;
  /**
   * Files downloaded at once, each over its own NFC connection (into an OVA, the ones that cannot
   * go straight in are spooled beside it and appended in order). 1 downloads one after the other.
   * @default 4 (DEFAULT_PARALLEL_DISKS)
   */
  parallelDisks?: number;
  /** Sign the manifest: writes `<name>.cert` (signature + certificate) after the manifest. */
  signing?: { privateKeyPem: string; certificatePem: string };
  signal?: AbortSignal;
  onProgress?: (p: TransferProgress) => void;
  log?: (line: string) => void;
  /** Whose words a refused choice is named in (`--name`, Pulumi's `name`…). @default the session's (ConnectOptions' `vocabulary`) */
  vocabulary?: Vocabulary;
}

export interface ExportOvfResult {
  entity: ManagedObjectReference;
  destination: string;
  /** The files of the package (descriptor first), with sizes and manifest digests: each chunk file when chunked. */
  files: Array<{ path: string; size: number; digest: string }>;
  ovfDescriptor: string;
  manifest: string;
  warning: OvfIssue[];
  /** The server's own checksums (HttpNfcLeaseGetManifest) compared with the digests written to the manifest, file by file. */
  serverManifest: ServerManifestCheck;
}

/** CreateDescriptor returned errors: nothing was (or remains) written. */
export class CreateDescriptorError extends OvfkitError {
  constructor(readonly error: OvfIssue[]) {
    super('EXPORT_DESCRIPTOR', `vSphere cannot describe this entity as OVF: ${error.map((e) => e.localizedMessage).join('; ')}`);
  }
}

interface Sink {
  /** Sizes the room for the descriptor before the first member (OVA only: its first member). */
  reserveDescriptor(bytes: number): void;
  /**
   * Writes member `index` (its place in the package) from `body`; `onChunk` sees every piece as
   * it passes (hashing, progress). Members may be written at once, in any order.
   */
  addStream(index: number, name: string, body: PieceSource, onChunk: (chunk: Buffer) => void): Promise<number>;
  /** Writes a file as its chunk files `name.000000000`, … (see {@link ExportOvfOptions.chunkSize}). */
  addChunked(index: number, name: string, body: PieceSource, chunkSize: number, onChunk: (chunk: Buffer) => void): Promise<{ size: number; chunks: StoredChunk[] }>;
  /** Once every member was written: puts them in place in their order (an OVA's spooled members). */
  flush(signal: AbortSignal): Promise<void>;
  finish(descriptorName: string, descriptor: string, manifestName: string, manifest: (descriptorBytes: Buffer) => string, certificate?: { name: string; text: (manifest: Buffer) => string }): Promise<Buffer>;
  discard(): Promise<void>;
}

/**
 * Exports a VM or vApp: CreateDescriptor dry run (fails before any download) → ExportVm/ExportVApp
 * lease → each device URL streamed to the destination (or to its chunk files, with `chunkSize`),
 * hashed on the way → CreateDescriptor with the real OvfFile list (plus `ovf:chunkSize` when
 * chunked) → manifest → lease complete. On failure the lease is aborted and the partial output
 * (every chunk written so far included) removed.
 * @example await exportOvf(session, { entity: '/DC0/vm/web01', destination: 'web01.ova' });
 */
export async function exportOvf(session: VimSession, options: ExportOvfOptions): Promise<ExportOvfResult> {
  const { signal } = options;
  const vocabulary = options.vocabulary ?? session.vocabulary;
  const algorithm = options.manifestAlgorithm ?? 'SHA256';
  const signing = options.signing;
  const chunkSize = options.chunkSize;
  const parallelDisks = parallelDisksOf(options.parallelDisks);
  if (chunkSize !== undefined) checkChunkSize(chunkSize);
  // Fail on a bad key before anything is downloaded.
  if (signing) signManifest(Buffer.from('check'), 'check.mf', signing.privateKeyPem, signing.certificatePem, algorithm);
  const inv = new Inventory(session);
  const entity = await inv.entity(options.entity, signal);
  const name = options.name ?? String((await session.properties(entity, ['name'], signal))['name'] ?? entity.value);
  if (!/^[\w.-][\w .-]*$/.test(name)) throw new UsageError(`${JSON.stringify(name)} cannot be used as a file name; pass a plain name with ${wordsOf(vocabulary).exportName}`);
  const cdp: OvfCreateDescriptorParams = {
    name,
    ...(options.exportOption?.length ? { exportOption: options.exportOption } : {}),
    ...(options.includeImageFiles !== undefined ? { includeImageFiles: options.includeImageFiles } : {}),
  };
  const dry = await new VimOvfManager(session, signal ? { signal } : {}).createDescriptor(entity, cdp);
  if (dry.error?.length) throw new CreateDescriptorError(dry.error);

  // The final descriptor is the dry run plus References/File entries, fileRef attributes and
  // sizes: the OVA's descriptor slot is sized from it (see descriptorReservation).
  const dryBytes = Buffer.byteLength(dry.ovfDescriptor, 'utf8');
  const sink = await openSink(options.destination, descriptorReservation(dryBytes), vocabulary);
  try {
    const leaseRef = await session.client.send(entity.type === 'VirtualMachine' ? new ExportVm({ _this: entity }) : new ExportVApp({ _this: entity }), signal);
    return await withLease(
      session,
      leaseRef,
      async (lease) => {
        const files: ExportOvfResult['files'] = [];
        const ovfFiles: OvfFile[] = [];
        const total = Math.max(1, lease.info.totalDiskCapacityInKB * 1024);
        let received = 0;
        const used = new Set<string>([`${name}.ovf`, `${name}.mf`]);
        const devices = lease.info.deviceUrl.map((dev) => {
          const u = deviceUrlFor(session, dev.url);
          return { dev, u, base: fileNameFor(name, dev.targetId ?? u.pathname.split('/').pop() ?? 'file', used) };
        });
        // Now the file names are known, the slot also has room for their References entries.
        sink.reserveDescriptor(descriptorReservation(dryBytes, devices.map((d) => d.base), chunkSize));
        // Asked before the downloads (sha256 is computed only for transfers started afterwards);
        // no second hash here: a SHA512 manifest, or SHA256 on a pre-6.7 server, skips the check.
        const serverCheck = await ServerManifest.begin(session, lease.ref, algorithm, devices.map((d) => d.dev.key), { signal: lease.signal, direction: 'export', ...(options.log ? { log: options.log } : {}) });
        // Up to parallelDisks devices at once, each over its own connection; each one's results
        // go to its slot, so the files, the manifest and the archive keep the lease's order
        // whatever order the downloads finish in.
        const slots: Array<{ files: ExportOvfResult['files']; ovfFile: OvfFile; check: ServerManifestFile }> = [];
        const tasks = devices.map(({ dev, u, base }, index) => async (transferSignal: AbortSignal): Promise<void> => {
          const body = await NfcGet.open(u, agentFor(session, u, dev.sslThumbprint), transferSignal, session.client.timeoutMs * 2, base, session.vocabulary);
          let bytes = 0;
          const progress = (chunk: Buffer): void => {
            bytes += chunk.length;
            received += chunk.length;
            lease.progress(Math.min(99, (received / total) * 100));
            options.onProgress?.({ path: base, bytes, total: dev.fileSize, done: false });
          };
          try {
            if (chunkSize === undefined) {
              const hash = createHash(algorithm.toLowerCase());
              const size = await sink.addStream(index, base, body, (chunk) => {
                hash.update(chunk);
                progress(chunk);
              });
              const digest = hash.digest('hex');
              slots[index] = { files: [{ path: base, size, digest }], ovfFile: { deviceId: dev.key, path: base, size }, check: { path: base, deviceKey: dev.key, digest } };
            } else {
              // The manifest lists each chunk file; the server reports the whole file, hashed only
              // when it will be compared.
              const hasher = new ChunkHasher(algorithm.toLowerCase(), chunkSize, serverCheck.comparesDigests);
              const stored = await sink.addChunked(index, base, body, chunkSize, (chunk) => {
                hasher.update(chunk);
                progress(chunk);
              });
              const digests = hasher.finish();
              if (digests.chunks.length !== stored.chunks.length) throw new OvfkitError('INTERNAL', `${base}: ${digests.chunks.length} chunk digests for ${stored.chunks.length} chunk files`);
              slots[index] = {
                files: stored.chunks.map((c, k) => ({ path: c.name, size: c.size, digest: digests.chunks[k]! })),
                ovfFile: { deviceId: dev.key, path: base, size: stored.size },
                check: { path: base, deviceKey: dev.key, ...(digests.whole !== undefined ? { digest: digests.whole } : { reason: 'stored in chunks; no whole-file digest was computed' }) },
              };
            }
          } catch (e) {
            // Whatever failed (the sink, a hash, another download), the connection is not left open.
            body.destroy(e instanceof Error ? e : new Error(String(e)));
            throw e;
          }
          options.onProgress?.({ path: base, bytes: slots[index]!.ovfFile.size, total: slots[index]!.ovfFile.size, done: true });
        });
        await runLimited(tasks, parallelDisks, lease.signal);
        await sink.flush(lease.signal);
        for (const slot of slots) {
          files.push(...slot.files);
          ovfFiles.push(slot.ovfFile);
        }
        await serverCheck.verify(slots.map((slot) => slot.check), lease.signal);
        const final = await new VimOvfManager(session, { signal: lease.signal }).createDescriptor(entity, { ...cdp, ovfFiles });
        if (final.error?.length) throw new CreateDescriptorError(final.error);
        const descriptor = chunkSize === undefined ? final.ovfDescriptor : withChunkSize(final.ovfDescriptor, new Set(devices.map((d) => d.base)), chunkSize);
        let manifest = '';
        let descriptorDigest = '';
        const descriptorBytes = await sink.finish(`${name}.ovf`, descriptor, `${name}.mf`, (d) => {
          descriptorDigest = createHash(algorithm.toLowerCase()).update(d).digest('hex');
          const lines = [{ path: `${name}.ovf`, digest: descriptorDigest }, ...files].map((f) => `${algorithm}(${f.path})= ${f.digest}`);
          manifest = lines.join('\n') + '\n';
          return manifest;
        }, signing ? { name: `${name}.cert`, text: (mf) => signManifest(mf, `${name}.mf`, signing.privateKeyPem, signing.certificatePem, algorithm) } : undefined);
        return {
          entity,
          destination: options.destination,
          files: [{ path: `${name}.ovf`, size: descriptorBytes.length, digest: descriptorDigest }, ...files],
          ovfDescriptor: descriptorBytes.toString('utf8'),
          manifest,
          warning: [...(dry.warning ?? []), ...(final.warning ?? [])],
          serverManifest: serverCheck.result(),
        };
      },
      { ...(signal ? { signal } : {}), ...(options.log ? { log: options.log } : {}) },
    );
  } catch (e) {
    await sink.discard();
    throw e;
  }
}

/** A safe, unique member name for a device: `<name>-<targetId>` (targetId is usually `disk-0.vmdk`). */
function fileNameFor(name: string, targetId: string, used: Set<string>): string {
  const clean = targetId.replace(/[^\w.-]/g, '_').replace(/^\.+/, '') || 'file';
  let candidate = `${name}-${clean}`;
  for (let i = 1; used.has(candidate); i++) candidate = `${name}-${i}-${clean}`;
  used.add(candidate);
  return candidate;
}

async function openSink(destination: string, descriptorBytes: number, vocabulary: Vocabulary): Promise<Sink> {
  if (destination.toLowerCase().endsWith('.ova')) return ovaSink(await OvaWriter.create(destination, descriptorBytes, vocabulary), destination);
  let created = false;
  try {
    const entries = await fs.promises.readdir(destination);
    if (entries.length) throw new UsageError(`${destination} is not empty; export into a new or empty directory, or to a .ova file`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await fs.promises.mkdir(destination, { recursive: true });
    created = true;
  }
  const written: string[] = [];
  return {
    reserveDescriptor() {
      // A directory's descriptor is its own file: nothing to reserve.
    },
    async addStream(_index, n, body, onChunk) {
      const p = path.join(destination, n);
      const fh = await fs.promises.open(p, 'wx');
      written.push(p);
      try {
        return await writeSourceAt(fh, body, 0, onChunk);
      } finally {
        await fh.close();
      }
    },
    addChunked: (_index, n, body, chunkSize, onChunk) => writeChunkFiles(n, (k) => path.join(destination, chunkName(n, k)), body, chunkSize, onChunk, (p) => written.push(p)),
    flush: () => Promise.resolve(),
    async finish(dn, d, mn, manifest, certificate) {
      const bytes = Buffer.from(d, 'utf8');
      const dp = path.join(destination, dn);
      written.push(dp);
      await fs.promises.writeFile(dp, bytes, { flag: 'wx' });
      const mp = path.join(destination, mn);
      written.push(mp);
      const mf = Buffer.from(manifest(bytes));
      await fs.promises.writeFile(mp, mf, { flag: 'wx' });
      if (certificate) {
        const cp = path.join(destination, certificate.name);
        written.push(cp);
        await fs.promises.writeFile(cp, certificate.text(mf), { flag: 'wx' });
      }
      return bytes;
    },
    async discard() {
      if (created) await fs.promises.rm(destination, { recursive: true, force: true });
      else for (const p of written) await fs.promises.rm(p, { force: true });
    },
  };
}

/**
 * An OVA as a sink of members written at once. The archive is written in one pass, in the
 * package's order: a member whose turn it is (every earlier one written) goes straight in while
 * nothing else does; the others are spooled to files in a folder beside the OVA (same file
 * system), appended in order by `flush` and removed. Downloading one member at a time never spools.
 */
function ovaSink(w: OvaWriter, destination: string): Sink {
  /** Members placed in the archive, in order, up to here. */
  let placed = 0;
  let writing = false;
  /** The spool folder, made on first use (a promise: downloads that start together share one). */
  let spoolDir: Promise<string> | undefined;
  const spooled = new Map<number, { name: string; file: string; chunkSize?: number }>();
  const direct = async <T>(index: number, write: () => Promise<T>): Promise<T | undefined> => {
    if (writing || index !== placed) return undefined;
    writing = true;
    try {
      const r = await write();
      placed++;
      return r;
    } finally {
      writing = false;
    }
  };
  const spool = async (index: number, name: string, body: PieceSource, onChunk: (chunk: Buffer) => void, chunkSize?: number): Promise<number> => {
    spoolDir ??= fs.promises.mkdtemp(path.join(path.dirname(destination), `.${path.basename(destination)}.parts-`));
    const file = path.join(await spoolDir, String(index));
    const fh = await fs.promises.open(file, 'wx');
    spooled.set(index, { name, file, ...(chunkSize !== undefined ? { chunkSize } : {}) });
    try {
      return await writeSourceAt(fh, body, 0, onChunk);
    } finally {
      await fh.close();
    }
  };
  const removeSpool = async (): Promise<void> => {
    const dir = await spoolDir?.catch(() => undefined);
    if (dir) await fs.promises.rm(dir, { recursive: true, force: true });
    spoolDir = undefined;
  };
  return {
    reserveDescriptor(bytes) {
      w.reservedBytes = bytes;
    },
    async addStream(index, n, body, onChunk) {
      const size = await direct(index, () => w.addStream(n, body, onChunk));
      return size ?? spool(index, n, body, onChunk);
    },
    async addChunked(index, n, body, chunkSize, onChunk) {
      const stored = await direct(index, () => w.addChunkedStream(n, body, chunkSize, onChunk));
      if (stored) return stored;
      const size = await spool(index, n, body, onChunk, chunkSize);
      return { size, chunks: chunkSizes(size, chunkSize).map((c, k) => ({ name: chunkName(n, k), size: c })) };
    },
    async flush(signal) {
      for (let index = placed; spooled.has(index); index++) {
        if (signal.aborted) throw abortError(signal);
        const m = spooled.get(index)!;
        const body = fromReadable(fs.createReadStream(m.file, { highWaterMark: 1 << 20 }));
        if (m.chunkSize === undefined) await w.addStream(m.name, body);
        else await w.addChunkedStream(m.name, body, m.chunkSize);
        placed++;
      }
      await removeSpool();
    },
    async finish(dn, d, mn, manifest, certificate) {
      const bytes = await w.writeDescriptor(dn, d);
      const mf = Buffer.from(manifest(bytes));
      await w.addBuffer(mn, mf);
      if (certificate) await w.addBuffer(certificate.name, Buffer.from(certificate.text(mf)));
      await w.close();
      return bytes;
    },
    async discard() {
      await removeSpool();
      await w.discard();
    },
  };
}
