import { createHash } from 'node:crypto';
import { PassThrough, Transform, pipeline as pipelineCb, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { DESCRIPTOR_DIGEST_PATTERN, OvfkitError, UsageError, descriptorDigest, parseDescriptor, type OvfParseDescriptorResult, type OvfCreateImportSpecParams, type OvfNetworkMapping, type OvfFileItem } from '@ovfkit/core';
import type { OvfCreateImportSpecParamsDiskProvisioningType } from '@ovfkit/core';
import { readReferences, type FileReference } from '@ovfkit/package';
import { Inventory, type Placement, type PlacementInput, resolvePlacement } from './inventory';
import { withLease } from './lease';
import { ServerManifest, type ServerManifestCheck, importedFiles, manifestAlgorithmOf } from './lease-manifest';
import { agentFor, deviceUrlFor, nfcUpload } from './nfc';
import type { ManagedObjectReference } from './soap/codec';
import { isVimFault } from './soap/fault';
import { CreateImportSpec, ImportVApp, type LocalizedMethodFaultWire, MarkAsTemplate, ParseDescriptor, PowerOnVAppTask, PowerOnVMTask, ReconfigVMTask, UpdateVAppConfig } from './soap/methods';
import type { VimSession } from './session';

/** Buffer of each pass-through stage: the 16 KiB default pauses the socket on nearly every TLS read. */
const STAGE_HWM = 4 << 20;
import type { PackageSource } from './source';
import { destroyEntity } from './destroy';
import { injectOvfEnv } from './ovf-env';

/** Progress of one file of a transfer, for a progress bar. */
export interface TransferProgress {
  path: string;
  bytes: number;
  /** Size when known. */
  total: number | undefined;
  done: boolean;
}

/** What to import and where. @see vsphere-ovf-api.md §1 "Typical flows" */
export interface ImportOvfOptions extends PlacementInput {
  source: PackageSource;
  /** Inventory name of the new VM/vApp. @default the descriptor's (product name or ovf:id) */
  name?: string;
  /** OVF network name → vSphere network (inventory path, or a name under `<dc>/network/`). */
  networkMapping?: Record<string, string>;
  /** Property values by full key `[classId.]id[.instanceId]`. */
  propertyMapping?: Record<string, string>;
  deploymentOption?: string;
  /** @see OvfCreateImportSpecParamsDiskProvisioningType */
  diskProvisioning?: string;
  ipAllocationPolicy?: string;
  ipProtocol?: string;
  /** Required when the package has EULAs. @default false */
  acceptAllEulas?: boolean;
  /** @default false */
  powerOn?: boolean;
  /**
   * Writes each imported VM's OVF environment (DSP8027, from its vApp properties) into ExtraConfig
   * `guestinfo.ovfEnv` after the upload and before power-on, as govc does for a bare ESXi host
   * where no vCenter delivers it. A failure rolls the import back. @default false
   */
  injectOvfEnv?: boolean;
  /** Replaces the VM's annotation after import. */
  annotation?: string;
  /** Marks the imported VM as a template (VMs only). @default false */
  markAsTemplate?: boolean;
  /**
   * How the package manifest is used: `require` refuses a package without one, `verify-if-present`
   * checks the files it lists, `skip` ignores it. @default 'verify-if-present'
   */
  manifestPolicy?: 'require' | 'verify-if-present' | 'skip';
  /**
   * The plan's `descriptorDigest` (`sha256:<hex>`, core's {@link descriptorDigest}): the import
   * refuses, before anything is created, a package whose descriptor is not the one planned.
   * @default no check
   */
  expectedDescriptorDigest?: string;
  /** Concurrent uploads. @default 2 */
  parallel?: number;
  signal?: AbortSignal;
  onProgress?: (p: TransferProgress) => void;
  log?: (line: string) => void;
}

/** The outcome of an import. */
export interface ImportOvfResult {
  /** The new VirtualMachine or VirtualApp. */
  entity: ManagedObjectReference;
  name: string;
  placement: Placement;
  files: Array<{ path: string; bytes: number; manifestVerified: boolean }>;
  warning: LocalizedMethodFaultWire[];
  poweredOn: boolean;
  /** With `injectOvfEnv`: the VMs that received `guestinfo.ovfEnv`. */
  ovfEnvInjected?: string[];
  /** The server's own checksums (HttpNfcLeaseGetManifest) compared with the manifest, before HttpNfcLeaseComplete. */
  serverManifest: ServerManifestCheck;
}

/** CreateImportSpec returned errors: nothing was created. Carries every error and warning. */
export class ImportSpecError extends OvfkitError {
  constructor(
    readonly error: LocalizedMethodFaultWire[],
    readonly warning: LocalizedMethodFaultWire[],
  ) {
    super('IMPORT_SPEC', `vSphere rejected the descriptor (${error.length} error${error.length === 1 ? '' : 's'}): ${error.map((e) => e.localizedMessage ?? e.fault._typeName).join('; ')}`);
  }
}

/**
 * Imports an OVF package: CreateImportSpec → ImportVApp → lease → every fileItem uploaded from the
 * source, hashed against the manifest on the way → HttpNfcLeaseComplete → optional annotation,
 * template, power-on. On any failure or interrupt the lease is aborted and whatever was created is
 * destroyed before the error is rethrown: nothing is left behind.
 * @example
 * const r = await importOvf(session, { source: await openLocalPackage('web.ova'), datastore: 'ds1', pool: 'cluster/Resources' });
 */
export async function importOvf(session: VimSession, options: ImportOvfOptions): Promise<ImportOvfResult> {
  const { source, signal } = options;
  const log = options.log ?? ((): void => undefined);
  const inv = new Inventory(session);
  if (options.expectedDescriptorDigest !== undefined && !DESCRIPTOR_DIGEST_PATTERN.test(options.expectedDescriptorDigest)) {
    throw new UsageError(`the expected descriptor digest must be sha256: and 64 lowercase hex digits (as a plan shows it), got ${JSON.stringify(options.expectedDescriptorDigest)}`);
  }
  const descriptorFile = await source.descriptor();
  const descriptor = descriptorFile.text;
  // The plan was made from the bytes read then; these are the bytes read now. Checked before any
  // vSphere call, so a package changed or swapped since it was planned creates nothing.
  if (options.expectedDescriptorDigest !== undefined) {
    const seen = descriptorDigest(descriptorFile.bytes);
    if (seen !== options.expectedDescriptorDigest) {
      throw new OvfkitError('INTEGRITY', `the package changed since it was planned: the descriptor ${descriptorFile.name} of ${source.name} is ${seen}, the plan expected ${options.expectedDescriptorDigest}; nothing was imported (plan again to import the package as it is now)`);
    }
  }
  const manifestPolicy = options.manifestPolicy ?? 'verify-if-present';
  const manifest = manifestPolicy === 'skip' ? undefined : await source.manifest();
  // An OVA read in one pass may carry its manifest at the end: hash now, compare when it arrives
  // (before HttpNfcLeaseComplete, so a mismatch still rolls everything back).
  const trailing = !manifest && manifestPolicy !== 'skip' && source.trailingManifest ? new Map<string, Record<string, string>>() : undefined;
  if (!manifest && !trailing && manifestPolicy === 'require') throw new OvfkitError('INTEGRITY', `${source.name} has no manifest (.mf), and the manifest policy requires one`);
  if (manifest) verifyDigest(descriptorFile.name, descriptorFile.bytes, manifest, source.name);

  const placement = await resolvePlacement(inv, options, signal);
  const networkMapping: OvfNetworkMapping[] = [];
  for (const [ovfName, target] of Object.entries(options.networkMapping ?? {})) {
    const p = target.startsWith('/') || /^[A-Za-z]+:/.test(target) ? target : `${placement.datacenterPath}/network/${target}`;
    networkMapping.push({ name: ovfName, network: await inv.get(p, 'network', ['Network', 'DistributedVirtualPortgroup', 'OpaqueNetwork'], signal) });
  }
  const common = { locale: '', deploymentOption: options.deploymentOption ?? '' };
  const local = parseLocally(descriptor, common);
  // Password property values must not come back in an error or a log line, whatever the server echoes.
  for (const p of local?.property ?? []) {
    if (!p.type?.startsWith('password')) continue;
    const key = [p.classId, p.id, p.instanceId].filter(Boolean).join('.');
    const value = options.propertyMapping?.[key] ?? (p.id ? options.propertyMapping?.[p.id] : undefined);
    if (value) session.client.secrets.add(value);
  }
  await checkEulas(session, descriptor, common, options.acceptAllEulas ?? false, local, signal);

  const cisp: OvfCreateImportSpecParams & { _typeName: string } = {
    _typeName: 'OvfCreateImportSpecParams',
    ...common,
    entityName: options.name ?? '',
    ...(placement.host ? { hostSystem: placement.host } : {}),
    ...(networkMapping.length ? { networkMapping } : {}),
    ...(options.ipAllocationPolicy ? { ipAllocationPolicy: options.ipAllocationPolicy } : {}),
    ...(options.ipProtocol ? { ipProtocol: options.ipProtocol } : {}),
    ...(options.propertyMapping ? { propertyMapping: Object.entries(options.propertyMapping).map(([key, value]) => ({ key, value })) } : {}),
    ...(options.diskProvisioning ? { diskProvisioning: options.diskProvisioning as OvfCreateImportSpecParamsDiskProvisioningType } : {}),
  };
  const ovfManager = requireOvfManager(session);
  const spec = await session.client.send(new CreateImportSpec({ _this: ovfManager, ovfDescriptor: descriptor, resourcePool: placement.resourcePool, datastore: placement.datastore, cisp }), signal);
  if (spec.error.length || !spec.importSpec) throw new ImportSpecError(spec.error, spec.warning);
  const plan = await planUploads(source, withPackageLayout(spec.fileItem, descriptor), manifest);
  const entityName = importSpecName(spec.importSpec._raw) ?? options.name ?? 'imported entity';

  if (signal?.aborted) throw new OvfkitError('ABORTED', 'interrupted before anything was created');
  const leaseRef = await session.client.send(new ImportVApp({ _this: placement.resourcePool, spec: spec.importSpec, ...(placement.folder ? { folder: placement.folder } : {}), ...(placement.host ? { host: placement.host } : {}) }), signal);
  let entity: ManagedObjectReference | undefined;
  const files: ImportOvfResult['files'] = [];
  let serverManifest: ServerManifestCheck | undefined;
  try {
    await withLease(
      session,
      leaseRef,
      async (lease) => {
        entity = lease.info.entity;
        const totalBytes = plan.reduce((n, f) => n + (f.size ?? 0), 0) || 1;
        let sentBytes = 0;
        const byImportKey = new Map(lease.info.deviceUrl.map((d) => [d.importKey, d]));
        const serverCheck = await ServerManifest.begin(session, lease.ref, manifest ? manifestAlgorithmOf(manifest) : trailing ? 'unknown' : undefined, lease.info.deviceUrl.map((d) => d.key), { signal: lease.signal, log });
        const tasks = plan.map((item) => async (): Promise<void> => {
          const dev = byImportKey.get(item.fileItem.deviceId);
          if (!dev) throw new OvfkitError('LEASE', `the lease offers no upload URL for ${item.fileItem.path} (device ${item.fileItem.deviceId})`);
          const u = deviceUrlFor(session, dev.url);
          // create=false updates an existing backing (a disk: POST streamOptimized); create=true
          // makes a new file (an ISO, a floppy image: PUT as is).
          const disk = !item.fileItem.create;
          const vmdk = disk && (item.fileItem.cimType === 17 || dev.disk === true);
          let fileBytes = 0;
          const counter = new Transform({
            highWaterMark: STAGE_HWM,
            transform(chunk: Buffer, _enc, cb) {
              fileBytes += chunk.length;
              sentBytes += chunk.length;
              lease.progress((sentBytes / totalBytes) * 100);
              options.onProgress?.({ path: item.fileItem.path, bytes: fileBytes, total: item.size, done: false });
              cb(null, chunk);
            },
          });
          if (item.fileItem.compressionMethod && item.fileItem.compressionMethod !== 'gzip') {
            throw new OvfkitError('UNSUPPORTED', `${item.fileItem.path} is compressed with ${item.fileItem.compressionMethod}; ovfkit reads gzip only`);
          }
          const { stream, verified } = await openVerified(source, item, manifest, trailing);
          const stages: NodeJS.ReadWriteStream[] = [counter];
          if (item.fileItem.compressionMethod === 'gzip') stages.push(createGunzip());
          if (vmdk) stages.push(streamOptimizedCheck(item.fileItem.path));
          // pipeline, not pipe: an error at any stage (a failed read, a bad VMDK header) must end the upload.
          const body = stages[stages.length - 1] as unknown as Readable;
          pipelineCb([stream, ...stages] as never, () => undefined);
          const length = item.fileItem.compressionMethod ? undefined : item.size;
          await nfcUpload(u, disk ? 'POST' : 'PUT', disk ? 'application/x-vnd.vmware-streamVmdk' : 'application/octet-stream', length, body, agentFor(session, u, dev.sslThumbprint), lease.signal, session.client.timeoutMs * 2);
          await verified();
          files.push({ path: item.fileItem.path, bytes: fileBytes, manifestVerified: manifest !== undefined });
          options.onProgress?.({ path: item.fileItem.path, bytes: fileBytes, total: item.size, done: true });
        });
        await runLimited(tasks, source.sequentialOnly ? 1 : Math.max(1, options.parallel ?? 2), lease.signal);
        let trailingMf: Map<string, { algorithm: string; digest: string }> | undefined;
        if (trailing) {
          const mf = await source.trailingManifest!();
          trailingMf = mf;
          if (!mf && manifestPolicy === 'require') throw new OvfkitError('INTEGRITY', `${source.name} has no manifest (.mf), and the manifest policy requires one; the import was rolled back`);
          if (mf) {
            verifyDigest(descriptorFile.name, descriptorFile.bytes, mf, source.name);
            for (const [part, digests] of trailing) {
              const expected = mf.get(part);
              if (!expected) throw new OvfkitError('INTEGRITY', `${part} is not listed in the package manifest; the import was rolled back`);
              const seen = digests[expected.algorithm];
              if (seen === undefined) throw new OvfkitError('INTEGRITY', `the manifest at the end of ${source.name} uses ${expected.algorithm}, which ovfkit cannot check in one pass (SHA256 and SHA1 are hashed on the way); the import was rolled back`);
              if (seen !== expected.digest) throw new OvfkitError('INTEGRITY', `${part} does not match the package manifest (${expected.algorithm} ${seen}, manifest says ${expected.digest}); the import was rolled back`);
            }
            for (const f of files) f.manifestVerified = true;
          }
        }
        // Before HttpNfcLeaseComplete, so a mismatch still rolls everything back.
        const mfUsed = manifest ?? trailingMf;
        if (trailingMf) serverCheck.useAlgorithm(manifestAlgorithmOf(trailingMf) ?? 'SHA512');
        if (mfUsed) await serverCheck.verify(importedFiles(plan, lease.info.deviceUrl, mfUsed), lease.signal);
        serverManifest = mfUsed ? serverCheck.result() : { ran: false, verified: [], skipped: [], note: 'the package has no manifest to compare with' };
      },
      { ...(signal ? { signal } : {}), log },
    );
  } catch (e) {
    // The aborted lease makes vSphere remove the entity; make sure of it rather than trust it.
    if (entity) await destroyEntity(session, entity, { log, ignoreMissing: true }).catch((d: unknown) => log(`cleanup of ${entity!.value} failed: ${(d as Error).message}`));
    throw e;
  }
  const created = entity!;
  let poweredOn = false;
  let ovfEnvInjected: string[] | undefined;
  try {
    if (options.injectOvfEnv) ovfEnvInjected = await injectOvfEnv(session, created, spec.importSpec, { descriptor, ...(options.propertyMapping ? { propertyMapping: options.propertyMapping } : {}) }, log, signal);
    if (options.annotation !== undefined) {
      if (created.type === 'VirtualMachine') await session.waitForTask(await session.client.send(new ReconfigVMTask({ _this: created, spec: { annotation: options.annotation } })));
      else await session.client.send(new UpdateVAppConfig({ _this: created, spec: { annotation: options.annotation } }));
    }
    if (options.markAsTemplate) {
      if (created.type !== 'VirtualMachine') throw new UsageError('only a VM can be marked as a template, not a vApp');
      await session.client.send(new MarkAsTemplate({ _this: created }));
    }
    if (options.powerOn && !options.markAsTemplate) {
      const task = created.type === 'VirtualMachine' ? new PowerOnVMTask({ _this: created }) : new PowerOnVAppTask({ _this: created });
      await session.waitForTask(await session.client.send(task));
      poweredOn = true;
    }
  } catch (e) {
    await destroyEntity(session, created, { log, ignoreMissing: true }).catch((d: unknown) => log(`cleanup of ${created.value} failed: ${(d as Error).message}`));
    throw e;
  }
  return { entity: created, name: entityName, placement, files, warning: spec.warning, poweredOn, ...(ovfEnvInjected ? { ovfEnvInjected } : {}), serverManifest: serverManifest ?? { ran: false, verified: [], skipped: [] } };
}

function requireOvfManager(session: VimSession): ManagedObjectReference {
  const m = session.serviceContent.ovfManager;
  if (!m) throw new OvfkitError('VIM_PROTOCOL', 'this server has no OvfManager');
  return m;
}

/** The local (offline) ParseDescriptor result, or undefined if core cannot read the descriptor at all. */
function parseLocally(descriptor: string, common: { locale: string; deploymentOption: string }): OvfParseDescriptorResult | undefined {
  try {
    return parseDescriptor(descriptor, common);
  } catch {
    return undefined;
  }
}

async function checkEulas(session: VimSession, descriptor: string, common: { locale: string; deploymentOption: string }, accepted: boolean, local: OvfParseDescriptorResult | undefined, signal?: AbortSignal): Promise<void> {
  if (accepted) return;
  let eulas: string[];
  try {
    const r = await session.client.send(new ParseDescriptor({ _this: requireOvfManager(session), ovfDescriptor: descriptor, pdp: common }), signal);
    eulas = r.eula ?? [];
  } catch (e) {
    if (!isVimFault(e, 'MethodNotFound')) throw e;
    // A server without ParseDescriptor: the local one reads the same EulaSections.
    eulas = local?.eula ?? (/<([\w.-]+:)?EulaSection[\s>]/.test(descriptor) ? ['(license text in the descriptor)'] : []);
  }
  if (eulas.length) {
    throw new UsageError(`the package has ${eulas.length} license agreement${eulas.length === 1 ? '' : 's'}; read ${eulas.length === 1 ? 'it' : 'them'} (ovfkit inspect) and pass --accept-all-eulas to accept`);
  }
}

/**
 * Fills a fileItem's `chunkSize` / `compressionMethod` from the descriptor's References when the
 * server left them out (the simulator does): how the bytes are stored is the package's fact, and
 * sending a gzip or a first chunk as if it were the whole disk would corrupt the import.
 */
function withPackageLayout(items: OvfFileItem[], descriptor: string): OvfFileItem[] {
  let refs: FileReference[] = [];
  try {
    refs = readReferences(descriptor);
  } catch {
    return items;
  }
  const byHref = new Map(refs.map((r) => [r.href, r]));
  return items.map((fi) => {
    const r = byHref.get(fi.path);
    return {
      ...fi,
      ...(fi.chunkSize === undefined && r?.chunkSize ? { chunkSize: r.chunkSize } : {}),
      ...(fi.compressionMethod === undefined && r?.compression && r.compression !== 'identity' ? { compressionMethod: r.compression } : {}),
    };
  });
}

interface PlannedUpload {
  fileItem: OvfFileItem;
  /** Package files that make up the item (one, or the `.000000000` chunks in order). */
  parts: string[];
  size: number | undefined;
}

/** Checks every file is present before anything is created, and orders uploads as the source reads cheapest. */
async function planUploads(source: PackageSource, items: OvfFileItem[], manifest: Map<string, { algorithm: string; digest: string }> | undefined): Promise<PlannedUpload[]> {
  const order = (await source.order()) ?? [];
  const position = new Map(order.map((n, i) => [n, i]));
  const plan: PlannedUpload[] = [];
  for (const fileItem of items) {
    const parts: string[] = [];
    if (fileItem.chunkSize) {
      // DSP0243 §7.3: chunks are href.000000000, href.000000001, … in order.
      for (let i = 0; i < 1_000_000_000; i++) {
        const chunk = `${fileItem.path}.${String(i).padStart(9, '0')}`;
        if (!(await source.has(chunk))) break;
        parts.push(chunk);
      }
      if (parts.length === 0) throw new OvfkitError('IO', `the package ${source.name} has no chunks of ${JSON.stringify(fileItem.path)} (expected ${fileItem.path}.000000000, …)`);
    } else {
      if (!(await source.has(fileItem.path))) throw new OvfkitError('IO', `the package ${source.name} has no file ${JSON.stringify(fileItem.path)}, which the descriptor references`);
      parts.push(fileItem.path);
    }
    for (const p of parts) {
      if (manifest && !manifest.has(p)) throw new OvfkitError('INTEGRITY', `${p} is not listed in the package manifest; refusing to upload an unverified file`);
    }
    let size: number | undefined = 0;
    for (const p of parts) {
      const s = await source.size(p);
      size = s === undefined || size === undefined ? undefined : size + s;
    }
    plan.push({ fileItem, parts, size: size ?? fileItem.size });
  }
  return plan.sort((a, b) => (position.get(a.parts[0]!) ?? 0) - (position.get(b.parts[0]!) ?? 0));
}

/** Streams the parts of an item, hashing each; `verified()` throws on a manifest mismatch. */
async function openVerified(
  source: PackageSource,
  item: PlannedUpload,
  manifest: Map<string, { algorithm: string; digest: string }> | undefined,
  trailing: Map<string, Record<string, string>> | undefined,
): Promise<{ stream: Readable; verified: () => Promise<void> }> {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  const digests: Array<{ part: string; hex: string }> = [];
  const done = (async (): Promise<void> => {
    for (const part of item.parts) {
      const expected = manifest?.get(part);
      const hash = expected ? createHash(expected.algorithm.toLowerCase()) : undefined;
      const later = trailing ? { SHA256: createHash('sha256'), SHA1: createHash('sha1') } : undefined;
      const input = await source.open(part);
      await pipeline(
        input,
        new Transform({
            highWaterMark: STAGE_HWM,
          transform(chunk: Buffer, _e, cb) {
            hash?.update(chunk);
            later?.SHA256.update(chunk);
            later?.SHA1.update(chunk);
            cb(null, chunk);
          },
        }),
        out,
        { end: false },
      );
      if (hash) digests.push({ part, hex: hash.digest('hex') });
      if (later) trailing!.set(part, { SHA256: later.SHA256.digest('hex'), SHA1: later.SHA1.digest('hex') });
    }
    out.end();
  })();
  done.catch((e: unknown) => out.destroy(e as Error));
  return {
    stream: out,
    verified: async () => {
      await done;
      for (const d of digests) {
        const expected = manifest!.get(d.part)!;
        if (expected.digest !== d.hex) {
          throw new OvfkitError('INTEGRITY', `${d.part} does not match the package manifest (${expected.algorithm} ${d.hex}, manifest says ${expected.digest}); the import was rolled back`);
        }
      }
    },
  };
}

function verifyDigest(file: string, bytes: Buffer, manifest: Map<string, { algorithm: string; digest: string }>, name: string): void {
  const entry = manifest.get(file) ?? manifest.get(file.split('/').pop() ?? file);
  if (!entry) throw new OvfkitError('INTEGRITY', `the manifest of ${name} does not list the descriptor ${file}`);
  const hex = createHash(entry.algorithm.toLowerCase()).update(bytes).digest('hex');
  if (hex !== entry.digest) throw new OvfkitError('INTEGRITY', `the descriptor ${file} of ${name} does not match its manifest digest; refusing to import`);
}

/**
 * Fails the upload at the first bytes when a disk is not a streamOptimized VMDK (sparse header
 * `KDMV`, version 3, compressed-grains flag): the NFC disk endpoint accepts nothing else.
 */
function streamOptimizedCheck(path: string): Transform {
  let head = Buffer.alloc(0);
  let checked = false;
  return new Transform({
            highWaterMark: STAGE_HWM,
    transform(chunk: Buffer, _e, cb) {
      if (!checked) {
        head = Buffer.concat([head, chunk]);
        if (head.length < 80) return cb();
        checked = true;
        const ok = head.toString('latin1', 0, 4) === 'KDMV' && head.readUInt32LE(4) === 3 && (head.readUInt32LE(8) & 0x10000) !== 0;
        if (!ok) return cb(new UsageError(`${path} is not a streamOptimized VMDK, which is what vSphere accepts for a disk upload; convert it: qemu-img convert -O vmdk -o subformat=streamOptimized in.vmdk out.vmdk`));
        const h = head;
        head = Buffer.alloc(0);
        return cb(null, h);
      }
      cb(null, chunk);
    },
    flush(cb) {
      if (!checked) return cb(new UsageError(`${path} is too short to be a VMDK disk`));
      cb();
    },
  });
}

async function runLimited(tasks: Array<() => Promise<void>>, limit: number, signal: AbortSignal): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (next < tasks.length && failed === undefined && !signal.aborted) {
      const t = tasks[next++]!;
      try {
        await t();
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (failed !== undefined) throw failed;
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new OvfkitError('ABORTED', 'interrupted');
}

function importSpecName(node: { children: Array<{ name: string; text: string; children: unknown[] }> }): string | undefined {
  const n = node.children.find((c) => c.name === 'name')?.text;
  if (n) return n;
  const config = node.children.find((c) => c.name === 'configSpec') as typeof node | undefined;
  return config?.children.find((c) => c.name === 'name')?.text;
}
