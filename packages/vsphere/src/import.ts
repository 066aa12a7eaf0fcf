import { createHash } from 'node:crypto';
import { Transform, pipeline as pipelineCb, type Readable } from 'node:stream';
import { DESCRIPTOR_DIGEST_PATTERN, type DescriptorCache, OvfkitError, UsageError, createPlan, judgePackage, type SignaturePolicy, descriptorDigest, type HostProfile, type InventorySnapshot, type OvfParseDescriptorResult, type OvfPlan, type PlanOptions, type PlanVocabulary, type OvfCreateImportSpecParams, type OvfNetworkMapping, type OvfFileItem, type OvfIssue } from '@ovfkit/core';
import type { OvfCreateImportSpecParamsDiskProvisioningType } from '@ovfkit/core';
import { filesInOrder, openFile, packageFacts, readSignatureFacts, readBody, storedNames, type FileReference, type ManifestAlgorithm, type PackageFile, type PackageSource, type StoredPart, type StoredPartsHook, usableManifest } from '@ovfkit/package';
import { Inventory } from './inventory';
import { liveInventory, placementOf, type Placement, type PlacementInput } from './placement';
import { withLease } from './lease';
import { abortError, parallelDisksOf, runLimited } from './parallel';
import { ServerManifest, type ServerManifestCheck, importedFiles, manifestAlgorithmOf } from './lease-manifest';
import { agentFor, deviceUrlFor, nfcUpload } from './nfc';
import type { ManagedObjectReference } from './soap/codec';
import { isVimFault } from './soap/fault';
import { ImportVApp, MarkAsTemplate, PowerOnVAppTask, PowerOnVMTask, ReconfigVMTask, UpdateVAppConfig } from './soap/methods';
import type { VimSession } from './session';
import { destroyEntity } from './destroy';
import { injectOvfEnv } from './ovf-env';
import { VimOvfManager } from './ovf-manager';

/** Buffer of the VMDK check stage: a read or two of the source (as @ovfkit/package's stages); see files.ts STAGE_HWM. */
const STAGE_HWM = 1 << 20;
/** Largest manifest read from the end of an OVA walked in one pass. */
const MAX_TRAILING_MANIFEST_BYTES = 16 * 1024 * 1024;

/** A package manifest by file name: `href` (or chunk file name) → algorithm and lower-case hex digest. */
type ManifestDigests = Map<string, { algorithm: ManifestAlgorithm; digest: string }>;

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
  /**
   * Property values by full key `[classId.]id[.instanceId]`, or by the bare id of exactly one
   * property: the plan resolves each key, and the server is sent the full ids.
   */
  propertyMapping?: Record<string, string>;
  deploymentOption?: string;
  /** `xml:lang` of the texts the descriptor is read with. @default "" (the descriptor's own) */
  locale?: string;
  /**
   * What the local checks (the plan, run before anything is created) take the host to support.
   * @default the newest built-in profile, as `ovfkit plan`
   */
  hostProfile?: HostProfile | string;
  /** @see OvfCreateImportSpecParamsDiskProvisioningType */
  diskProvisioning?: string;
  ipAllocationPolicy?: string;
  ipProtocol?: string;
  /** Required when the package has EULAs (the plan refuses the import without it). @default false */
  acceptAllEulas?: boolean;
  /** OvfManagerCommonParams.importOption keywords (e.g. allowAllExtraConfig), judged by the plan and sent to CreateImportSpec. @default none */
  importOption?: string[];
  /** Whose words the fixes of the plan's issues use (`ovfkit import` gives 'cli'). @default 'api' */
  vocabulary?: PlanVocabulary;
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
   * How the package's signature is judged by the plan the import runs first (`verify`: a `.cert`
   * that is present must be valid; `require`: a valid one must be present; `ignore`), the trusted
   * CA certificates (PEM) its signer must chain to; the fixes are in {@link vocabulary}'s words.
   * @default { policy: 'verify' }
   */
  signature?: { policy?: SignaturePolicy; trustStore?: string[] };
  /**
   * The plan's `descriptorDigest` (`sha256:<hex>`, core's {@link descriptorDigest}): the import
   * refuses, before anything is created, a package whose descriptor is not the one planned.
   * @default no check
   */
  expectedDescriptorDigest?: string;
  /** Keeps the read descriptor by digest: a descriptor already planned in this process (the check before) is not read again. @default none */
  descriptorCache?: DescriptorCache;
  /**
   * Files uploaded at once, each over its own NFC connection, when the source reads any file at
   * any time (a folder, a local `.ova`, a URL that honours Range); a `.ova` streamed in one pass
   * (a URL without Range) is always uploaded one file after the other. 1 uploads sequentially.
   * @default 4 (DEFAULT_PARALLEL_DISKS)
   */
  parallelDisks?: number;
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
  warning: OvfIssue[];
  poweredOn: boolean;
  /** With `injectOvfEnv`: the VMs that received `guestinfo.ovfEnv`. */
  ovfEnvInjected?: string[];
  /** The server's own checksums (HttpNfcLeaseGetManifest) compared with the manifest, before HttpNfcLeaseComplete. */
  serverManifest: ServerManifestCheck;
  /** The local plan the import was checked against (its digest is that of the bytes imported). */
  plan: OvfPlan;
  /** The local ParseDescriptor result behind the plan (which properties are passwords, the default option). */
  parseDescriptor: OvfParseDescriptorResult;
}

/** The local plan of the import has errors: refused before any vSphere call, nothing was created. Carries the whole plan. */
export class PlanRefusedError extends OvfkitError {
  constructor(readonly plan: OvfPlan) {
    super('PLAN_REFUSED', `the plan refuses this import (${plan.errors.length} error${plan.errors.length === 1 ? '' : 's'}): ${plan.errors.map((e) => e.localizedMessage).join('; ')}; nothing was created`);
  }
}

/**
 * The import as `ovfkit plan` checks it: the same CreateImportSpec parameters, with the server's
 * inventory for placement and networks (resolved by core's rules, a pool and a datastore
 * required), and the host profile the options name rather than the inventory hosts' releases.
 */
export function planOptionsOf(options: Omit<ImportOvfOptions, 'source'>, inventory: InventorySnapshot): PlanOptions {
  return {
    inventory,
    hostProfileFromInventory: false,
    requirePlacement: true,
    ...(options.pool !== undefined ? { resourcePool: options.pool } : {}),
    ...(options.datastore !== undefined ? { datastore: options.datastore } : {}),
    ...(options.folder !== undefined ? { folder: options.folder } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.hostProfile !== undefined ? { hostProfile: options.hostProfile } : {}),
    ...(options.name ? { entityName: options.name } : {}),
    deploymentOption: options.deploymentOption ?? '',
    locale: options.locale ?? '',
    ...(options.networkMapping ? { networkMapping: options.networkMapping } : {}),
    ...(options.propertyMapping ? { propertyMapping: options.propertyMapping } : {}),
    ...(options.diskProvisioning ? { diskProvisioning: options.diskProvisioning } : {}),
    ...(options.ipAllocationPolicy ? { ipAllocationPolicy: options.ipAllocationPolicy } : {}),
    ...(options.ipProtocol ? { ipProtocol: options.ipProtocol } : {}),
    ...(importOptionsOf(options).length ? { importOption: importOptionsOf(options) } : {}),
    ...(options.vocabulary ? { vocabulary: options.vocabulary } : {}),
    ...(options.descriptorCache ? { descriptorCache: options.descriptorCache } : {}),
  };
}

/** The importOption keywords of an import: the given ones and acceptAllEulas. */
function importOptionsOf(options: Pick<ImportOvfOptions, 'importOption' | 'acceptAllEulas'>): string[] {
  return [...new Set([...(options.importOption ?? []), ...(options.acceptAllEulas ? ['acceptAllEulas'] : [])])];
}

/** CreateImportSpec returned errors: nothing was created. Carries every error and warning. */
export class ImportSpecError extends OvfkitError {
  constructor(
    readonly error: OvfIssue[],
    readonly warning: OvfIssue[],
  ) {
    super('IMPORT_SPEC', `vSphere rejected the descriptor (${error.length} error${error.length === 1 ? '' : 's'}): ${error.map((e) => e.localizedMessage).join('; ')}`);
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
  const parallelDisks = parallelDisksOf(options.parallelDisks);
  const descriptorFile = await source.descriptor();
  // The plan was made from the bytes read then; these are the bytes read now. Checked before any
  // vSphere call, so a package changed or swapped since it was planned creates nothing.
  if (options.expectedDescriptorDigest !== undefined) {
    const seen = descriptorDigest(descriptorFile.bytes);
    if (seen !== options.expectedDescriptorDigest) {
      throw new OvfkitError('INTEGRITY', `the package changed since it was planned: the descriptor ${descriptorFile.name} of ${source.location} is ${seen}, the plan expected ${options.expectedDescriptorDigest}; nothing was imported (plan again to import the package as it is now)`);
    }
  }
  // The same local checks as `ovfkit plan`, over these bytes, before anything is created: what
  // the plan refuses is refused here, whatever the server would accept.
  // The server's inventory, read once: placement and every network mapping are resolved by
  // core's rules against it, each problem an error of the plan, before anything is created.
  const inventory = await liveInventory(inv, options.datacenter, signal);
  // The package is judged too: a referenced file missing or short is refused here, not at upload,
  // and so is a signature that does not hold, or a manifest the policy demands (none under
  // require, a descriptor it does not list with this digest). One parse: the facts are gathered
  // for the files the plan lists.
  const signaturePolicy = options.signature?.policy ?? 'verify';
  const manifestPolicy = options.manifestPolicy ?? 'verify-if-present';
  const facts = signaturePolicy === 'ignore' && manifestPolicy === 'skip' ? undefined : await readSignatureFacts(source, descriptorFile, options.signature?.trustStore ? { trustStore: options.signature.trustStore } : {});
  const planned = createPlan(descriptorFile.bytes, {
    ...planOptionsOf(options, inventory),
    signature: { policy: signaturePolicy, ...(facts ? { facts } : {}) },
    manifestPolicy,
  });
  judgePackage(planned.plan, await packageFacts(source, descriptorFile, planned.plan.package.files));
  if (!planned.plan.ok) throw new PlanRefusedError(planned.plan);
  // What the server receives is the plan's text: core's one decoding of the planned bytes (by
  // their BOM or declared encoding, the declaration made to say UTF-8), of digest
  // plan.descriptorTextDigest; not the package's UTF-8 reading of them, not decoded again here.
  const descriptor = planned.descriptorText;
  // The plan judged the manifest against the policy (present under require, the descriptor listed
  // with this digest); its lines for the other files are checked as they are read.
  const manifest = manifestPolicy === 'skip' ? undefined : manifestDigests(await source.manifest());
  // An OVA read in one pass may carry its manifest at the end: hash now, compare when it arrives
  // (before HttpNfcLeaseComplete, so a mismatch still rolls everything back).
  const trailing = !manifest && manifestPolicy !== 'skip' && source.sequentialOnly && source.entries() !== undefined ? new Map<string, StoredPart['digest']>() : undefined;

  const placement = await placementOf(inv, inventory, planned.placement!, signal);
  const networkMapping: OvfNetworkMapping[] = planned.placement!.networkMapping;
  const common = { locale: options.locale ?? '', deploymentOption: options.deploymentOption ?? '' };
  // The values the plan checked, each key resolved to a property's full id: what vSphere matches.
  const propertyMapping = planned.cisp.propertyMapping ?? [];
  // Password property values must not come back in an error or a log line, whatever the server echoes.
  const secretIds = new Set(planned.plan.properties.filter((p) => p.password).map((p) => p.id));
  for (const kv of propertyMapping) if (kv.value && secretIds.has(kv.key)) session.client.secrets.add(kv.value);
  const ovfManager = new VimOvfManager(session, signal ? { signal } : {});

  const cisp: OvfCreateImportSpecParams & { _typeName: string } = {
    _typeName: 'OvfCreateImportSpecParams',
    ...common,
    entityName: options.name ?? '',
    ...(placement.host ? { hostSystem: placement.host } : {}),
    ...(networkMapping.length ? { networkMapping } : {}),
    ...(options.ipAllocationPolicy ? { ipAllocationPolicy: options.ipAllocationPolicy } : {}),
    ...(options.ipProtocol ? { ipProtocol: options.ipProtocol } : {}),
    ...(options.importOption?.length ? { importOption: options.importOption } : {}),
    ...(propertyMapping.length ? { propertyMapping } : {}),
    ...(options.diskProvisioning ? { diskProvisioning: options.diskProvisioning as OvfCreateImportSpecParamsDiskProvisioningType } : {}),
  };
  const spec = await ovfManager.createImportSpec(descriptor, placement.resourcePool, placement.datastore, cisp);
  if (spec.error.length || !spec.importSpec) throw new ImportSpecError(spec.error, spec.warning);
  // A compressed disk file may inflate only to what its disk holds (inflatedLimit): the capacity as the plan resolved it.
  const capacities = new Map<string, number>();
  for (const d of planned.plan.disks) if (d.file !== undefined && d.capacityBytes !== undefined) capacities.set(d.file, Math.max(capacities.get(d.file) ?? 0, d.capacityBytes));
  const plan = await planUploads(source, spec.fileItem, planned.plan.files, manifest, capacities);
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
        // Counted in stored bytes, as the sizes and the manifest are: a gzip file's progress is that of its compressed bytes.
        const hookFor = (item: PlannedUpload): StoredPartsHook => ({
          algorithms: manifest ? [...new Set([...manifest.values()].map((e) => e.algorithm))] : trailing ? ['SHA256', 'SHA1'] : [],
          onData: (n) => {
            item.bytes += n;
            sentBytes += n;
            lease.progress((sentBytes / totalBytes) * 100);
            options.onProgress?.({ path: item.fileItem.path, bytes: item.bytes, total: item.size, done: false });
          },
          onPart: (part) => {
            item.seen.push(part);
            if (!item.partsKnown) item.parts.push(part.name);
          },
        });
        /** Uploads one file from its joined, inflated bytes, then checks what was read of each stored part. */
        const upload = async (item: PlannedUpload, stream: Readable, signal: AbortSignal): Promise<void> => {
          try {
            await send(item, stream, signal);
          } catch (e) {
            // Cut off (another file failed, an interrupt): the file stays open otherwise.
            stream.destroy();
            throw e;
          }
          checkParts(item, manifest, trailing);
          files.push({ path: item.fileItem.path, bytes: item.bytes, manifestVerified: manifest !== undefined });
          options.onProgress?.({ path: item.fileItem.path, bytes: item.bytes, total: item.size, done: true });
        };
        const send = async (item: PlannedUpload, stream: Readable, signal: AbortSignal): Promise<void> => {
          const dev = byImportKey.get(item.fileItem.deviceId);
          if (!dev) {
            stream.destroy();
            throw new OvfkitError('LEASE', `the lease offers no upload URL for ${item.fileItem.path} (device ${item.fileItem.deviceId})`);
          }
          const u = deviceUrlFor(session, dev.url);
          // create=false updates an existing backing (a disk: POST streamOptimized); create=true
          // makes a new file (an ISO, a floppy image: PUT as is).
          const disk = !item.fileItem.create;
          const vmdk = disk && (item.fileItem.cimType === 17 || dev.disk === true);
          let body = stream;
          if (vmdk) {
            const check = streamOptimizedCheck(item.fileItem.path);
            // pipeline, not pipe: an error at either end (a failed read, a bad VMDK header) must end the upload.
            pipelineCb(stream, check, () => undefined);
            body = check;
          }
          const length = item.ref.compression ? undefined : item.size;
          await nfcUpload(u, disk ? 'POST' : 'PUT', disk ? 'application/x-vnd.vmware-streamVmdk' : 'application/octet-stream', length, body, agentFor(session, u, dev.sslThumbprint), signal, session.client.timeoutMs * 2, {}, session.vocabulary);
        };
        let walkedManifest: ManifestDigests | undefined;
        if (!source.sequentialOnly) {
          // Any file at any time: up to parallelDisks at once, each over its own NFC connection;
          // the first failure cuts the others off (then the lease is aborted, as for one file).
          const tasks = plan.map((item) => async (signal: AbortSignal): Promise<void> => upload(item, await openFile(source, item.ref, { storedParts: hookFor(item) }), signal));
          await runLimited(tasks, parallelDisks, lease.signal);
        } else {
          // One pass over the archive, one file at a time in References order; a manifest stored
          // after the files is picked up on the way to the archive's end.
          const byHref = new Map(plan.map((item) => [item.ref.href, item]));
          const walk = filesInOrder(source, plan.map((item) => item.ref), {
            storedParts: (ref) => {
              const item = byHref.get(ref.href);
              return item && hookFor(item);
            },
            ...(trailing
              ? {
                  onOtherMember: async (e) => {
                    if (/\.mf$/i.test(e.name) && (e.size ?? 0) <= MAX_TRAILING_MANIFEST_BYTES) walkedManifest = manifestDigests({ name: e.name, bytes: await readBody(e.stream, MAX_TRAILING_MANIFEST_BYTES, e.name) });
                  },
                }
              : {}),
          });
          for await (const { ref, stream } of walk) {
            if (lease.signal.aborted) {
              stream.destroy();
              throw abortError(lease.signal);
            }
            await upload(byHref.get(ref.href)!, stream, lease.signal);
          }
          if (lease.signal.aborted) throw abortError(lease.signal);
        }
        // In the package's order, whatever order the uploads finished in.
        const rank = new Map(plan.map((item, i) => [item.fileItem.path, i]));
        files.sort((a, b) => rank.get(a.path)! - rank.get(b.path)!);
        let trailingMf: Map<string, { algorithm: string; digest: string }> | undefined;
        if (trailing) {
          const mf = walkedManifest;
          trailingMf = mf;
          if (!mf && manifestPolicy === 'require') throw new OvfkitError('INTEGRITY', `${source.location} has no manifest (.mf), and the manifest policy requires one; the import was rolled back`);
          if (mf) {
            verifyDigest(descriptorFile.name, descriptorFile.bytes, mf, source.location);
            for (const [part, digests] of trailing) {
              const expected = mf.get(part);
              if (!expected) throw new OvfkitError('INTEGRITY', `${part} is not listed in the package manifest; the import was rolled back`);
              const seen = digests[expected.algorithm];
              if (seen === undefined) throw new OvfkitError('INTEGRITY', `the manifest at the end of ${source.location} uses ${expected.algorithm}, which ovfkit cannot check in one pass (SHA256 and SHA1 are hashed on the way); the import was rolled back`);
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
    if (options.injectOvfEnv) ovfEnvInjected = await injectOvfEnv(session, created, spec.importSpec, { descriptor, ...(propertyMapping.length ? { propertyMapping: Object.fromEntries(propertyMapping.map((kv) => [kv.key, kv.value])) } : {}) }, log, signal);
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
  return { entity: created, name: entityName, placement, files, warning: spec.warning, poweredOn, ...(ovfEnvInjected ? { ovfEnvInjected } : {}), serverManifest: serverManifest ?? { ran: false, verified: [], skipped: [] }, plan: planned.plan, parseDescriptor: planned.parseDescriptor };
}

/**
 * The entries of a package manifest, or undefined without one; a manifest with any error (a file
 * listed twice, a malformed line) is refused by the package layer's one rule.
 * @see @ovfkit/package usableManifest
 */
function manifestDigests(file: PackageFile | undefined): ManifestDigests | undefined {
  if (!file) return undefined;
  return new Map(usableManifest(file.bytes, file.name).entries.map((e) => [e.name, { algorithm: e.algorithm, digest: e.digest.toLowerCase() }]));
}

interface PlannedUpload {
  /**
   * The server's fileItem, its `chunkSize` / `compressionMethod` filled from the References when
   * the server left them out (the simulator does): how the bytes are stored is the package's fact,
   * and sending a gzip or a first chunk as if it were the whole disk would corrupt the import.
   */
  fileItem: OvfFileItem;
  /** How the package stores the file, for @ovfkit/package to read it. */
  ref: FileReference;
  /** Package files that make up the item (the href, or its `.000000000` chunks in order). */
  parts: string[];
  /** False for a chunked file of a one-pass source without `ovf:size`: its parts are named as they are read. */
  partsKnown: boolean;
  size: number | undefined;
  /** Stored bytes read so far. */
  bytes: number;
  /** Each stored part read, with its digests. */
  seen: StoredPart[];
}

/**
 * Checks every file is present (and listed in the manifest) before anything is created, and
 * orders uploads as the source reads cheapest: archive order, or References order for a source
 * read in one pass.
 */
async function planUploads(source: PackageSource, fileItems: OvfFileItem[], plannedFiles: OvfFileItem[], manifest: ManifestDigests | undefined, capacities: ReadonlyMap<string, number>): Promise<PlannedUpload[]> {
  // How the package stores each file (declared size, chunks, compression), as the plan read the References.
  const references: FileReference[] = plannedFiles.map((f) => {
    const capacityBytes = capacities.get(f.path);
    return { href: f.path, id: f.path, ...(f.size !== undefined ? { size: f.size } : {}), ...(f.compressionMethod ? { compression: f.compressionMethod } : {}), ...(f.chunkSize ? { chunkSize: f.chunkSize } : {}), ...(capacityBytes !== undefined ? { capacityBytes } : {}) };
  });
  const order = (await source.members()) ?? [];
  const position = new Map(order.map((n, i) => [n, i]));
  const plan: PlannedUpload[] = [];
  for (const item of fileItems) {
    const r = references.find((x) => x.href === item.path);
    const chunkSize = item.chunkSize || r?.chunkSize;
    const compression = item.compressionMethod ?? (r?.compression && r.compression !== 'identity' ? r.compression : undefined);
    if (compression && compression !== 'gzip') throw new OvfkitError('UNSUPPORTED', `${item.path} is compressed with ${compression}; ovfkit reads gzip only`);
    const fileItem: OvfFileItem = { ...item, ...(chunkSize ? { chunkSize } : {}), ...(compression ? { compressionMethod: compression } : {}) };
    const ref: FileReference = { href: item.path, id: r?.id ?? item.path, ...(r?.size !== undefined ? { size: r.size } : {}), ...(chunkSize ? { chunkSize } : {}), ...(compression ? { compression } : {}), ...(r?.capacityBytes !== undefined ? { capacityBytes: r.capacityBytes } : {}) };
    // A one-pass source cannot list its members: a chunked file's parts are then known only from ovf:size.
    const partsKnown = !source.sequentialOnly || !chunkSize || ref.size !== undefined;
    let parts: string[] = [];
    if (partsKnown) {
      try {
        parts = await storedNames(source, ref);
      } catch (e) {
        if (e instanceof OvfkitError && e.code === 'IO') throw new OvfkitError('IO', `the package ${source.location} has no chunks of ${JSON.stringify(item.path)} (expected ${item.path}.000000000, …)`, { cause: e });
        throw e;
      }
    }
    // storedNames found a chunked file without ovf:size by asking for each chunk; the others are
    // only named, so ask for each (a one-pass source cannot answer before the walk reaches it).
    if (!source.sequentialOnly && !(chunkSize && ref.size === undefined)) {
      for (const p of parts) {
        if (!(await source.has(p))) throw new OvfkitError('IO', `the package ${source.location} has no file ${JSON.stringify(p)}, which the descriptor references${p === item.path ? '' : ` (a chunk of ${JSON.stringify(item.path)})`}`);
      }
    }
    for (const p of parts) {
      if (manifest && !manifest.has(p)) throw new OvfkitError('INTEGRITY', `${p} is not listed in the package manifest; refusing to upload an unverified file`);
    }
    let size: number | undefined = parts.length ? 0 : undefined;
    for (const p of parts) {
      const s = await source.size(p);
      size = s === undefined || size === undefined ? undefined : size + s;
    }
    plan.push({ fileItem, ref, parts, partsKnown, size: size ?? item.size, bytes: 0, seen: [] });
  }
  if (source.sequentialOnly) {
    const rank = (p: PlannedUpload): number => references.findIndex((r) => r.href === p.ref.href) >>> 0;
    return plan.sort((a, b) => rank(a) - rank(b));
  }
  return plan.sort((a, b) => (position.get(a.parts[0]!) ?? 0) - (position.get(b.parts[0]!) ?? 0));
}

/**
 * After a file's upload: what was read of each stored part against the manifest, or kept to
 * compare with a manifest found at the end of the archive.
 */
function checkParts(item: PlannedUpload, manifest: ManifestDigests | undefined, trailing: Map<string, StoredPart['digest']> | undefined): void {
  for (const part of item.seen) {
    trailing?.set(part.name, part.digest);
    if (!manifest) continue;
    const expected = manifest.get(part.name);
    if (!expected) throw new OvfkitError('INTEGRITY', `${part.name} is not listed in the package manifest; the import was rolled back`);
    const hex = part.digest[expected.algorithm];
    if (hex !== expected.digest) {
      throw new OvfkitError('INTEGRITY', `${part.name} does not match the package manifest (${expected.algorithm} ${hex}, manifest says ${expected.digest}); the import was rolled back`);
    }
  }
}

/** The descriptor against a manifest found at the end of a one-pass archive, which the plan could not see. */
function verifyDigest(file: string, bytes: Buffer, manifest: ManifestDigests, name: string): void {
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


function importSpecName(node: { children: Array<{ name: string; text: string; children: unknown[] }> }): string | undefined {
  const n = node.children.find((c) => c.name === 'name')?.text;
  if (n) return n;
  const config = node.children.find((c) => c.name === 'configSpec') as typeof node | undefined;
  return config?.children.find((c) => c.name === 'name')?.text;
}
