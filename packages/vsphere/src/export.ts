import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OvfkitError, UsageError, type OvfCreateDescriptorParams, type OvfFile, type OvfIssue } from '@ovfkit/core';
import { chunkName, signManifest } from '@ovfkit/package';
import { Inventory } from './inventory';
import { withLease } from './lease';
import { ServerManifest, type ServerManifestCheck } from './lease-manifest';
import { agentFor, deviceUrlFor } from './nfc';
import { NfcGet, type PieceSource } from './nfc-get';
import { ChunkHasher, checkChunkSize, withChunkSize } from './export-chunks';
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
  /** Sign the manifest: writes `<name>.cert` (signature + certificate) after the manifest. */
  signing?: { privateKeyPem: string; certificatePem: string };
  signal?: AbortSignal;
  onProgress?: (p: TransferProgress) => void;
  log?: (line: string) => void;
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
  /** Writes a member from `body`; `onChunk` sees every piece as it passes (hashing, progress). */
  addStream(name: string, body: PieceSource, onChunk: (chunk: Buffer) => void): Promise<number>;
  /** Writes a file as its chunk files `name.000000000`, … (see {@link ExportOvfOptions.chunkSize}). */
  addChunked(name: string, body: PieceSource, chunkSize: number, onChunk: (chunk: Buffer) => void): Promise<{ size: number; chunks: StoredChunk[] }>;
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
  const algorithm = options.manifestAlgorithm ?? 'SHA256';
  const signing = options.signing;
  const chunkSize = options.chunkSize;
  if (chunkSize !== undefined) checkChunkSize(chunkSize);
  // Fail on a bad key before anything is downloaded.
  if (signing) signManifest(Buffer.from('check'), 'check.mf', signing.privateKeyPem, signing.certificatePem, algorithm);
  const inv = new Inventory(session);
  const entity = await inv.entity(options.entity, signal);
  const name = options.name ?? String((await session.properties(entity, ['name'], signal))['name'] ?? entity.value);
  if (!/^[\w.-][\w .-]*$/.test(name)) throw new UsageError(`${JSON.stringify(name)} cannot be used as a file name; pass a plain name with --name`);
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
  const sink = await openSink(options.destination, descriptorReservation(dryBytes));
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
        for (const { dev, u, base } of devices) {
          const body = await NfcGet.open(u, agentFor(session, u, dev.sslThumbprint), lease.signal, session.client.timeoutMs * 2, base);
          let bytes = 0;
          const progress = (chunk: Buffer): void => {
            bytes += chunk.length;
            received += chunk.length;
            lease.progress(Math.min(99, (received / total) * 100));
            options.onProgress?.({ path: base, bytes, total: dev.fileSize, done: false });
          };
          let size: number;
          try {
            if (chunkSize === undefined) {
              const hash = createHash(algorithm.toLowerCase());
              size = await sink.addStream(base, body, (chunk) => {
                hash.update(chunk);
                progress(chunk);
              });
              files.push({ path: base, size, digest: hash.digest('hex') });
              await serverCheck.verify([{ path: base, deviceKey: dev.key, digest: files[files.length - 1]!.digest }], lease.signal);
            } else {
              // The manifest lists each chunk file; the server reports the whole file, hashed only
              // when it will be compared.
              const hasher = new ChunkHasher(algorithm.toLowerCase(), chunkSize, serverCheck.comparesDigests);
              const stored = await sink.addChunked(base, body, chunkSize, (chunk) => {
                hasher.update(chunk);
                progress(chunk);
              });
              size = stored.size;
              const digests = hasher.finish();
              if (digests.chunks.length !== stored.chunks.length) throw new OvfkitError('INTERNAL', `${base}: ${digests.chunks.length} chunk digests for ${stored.chunks.length} chunk files`);
              stored.chunks.forEach((c, k) => files.push({ path: c.name, size: c.size, digest: digests.chunks[k]! }));
              await serverCheck.verify([{ path: base, deviceKey: dev.key, ...(digests.whole !== undefined ? { digest: digests.whole } : { reason: 'stored in chunks; no whole-file digest was computed' }) }], lease.signal);
            }
          } catch (e) {
            // Whatever failed (the sink, a hash, the server check), the connection is not left open.
            body.destroy(e instanceof Error ? e : new Error(String(e)));
            throw e;
          }
          ovfFiles.push({ deviceId: dev.key, path: base, size });
          options.onProgress?.({ path: base, bytes: size, total: size, done: true });
        }
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

async function openSink(destination: string, descriptorBytes: number): Promise<Sink> {
  if (destination.toLowerCase().endsWith('.ova')) {
    const w = await OvaWriter.create(destination, descriptorBytes);
    return {
      reserveDescriptor(bytes) {
        w.reservedBytes = bytes;
      },
      addStream: (n, body, onChunk) => w.addStream(n, body, onChunk),
      addChunked: (n, body, chunkSize, onChunk) => w.addChunkedStream(n, body, chunkSize, onChunk),
      async finish(dn, d, mn, manifest, certificate) {
        const bytes = await w.writeDescriptor(dn, d);
        const mf = Buffer.from(manifest(bytes));
        await w.addBuffer(mn, mf);
        if (certificate) await w.addBuffer(certificate.name, Buffer.from(certificate.text(mf)));
        await w.close();
        return bytes;
      },
      discard: () => w.discard(),
    };
  }
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
    async addStream(n, body, onChunk) {
      const p = path.join(destination, n);
      const fh = await fs.promises.open(p, 'wx');
      written.push(p);
      try {
        return await writeSourceAt(fh, body, 0, onChunk);
      } finally {
        await fh.close();
      }
    },
    addChunked: (n, body, chunkSize, onChunk) => writeChunkFiles(n, (k) => path.join(destination, chunkName(n, k)), body, chunkSize, onChunk, (p) => written.push(p)),
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
