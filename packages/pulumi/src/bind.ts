/**
 * The default {@link OvfkitBackend}: @ovfkit/package reads sources, @ovfkit/core parses and
 * validates offline, @ovfkit/vsphere talks to vCenter. The three packages are looked up when a
 * call is served, so a layer that is missing in an installation gives a clear error naming it
 * instead of a failed load of the whole provider.
 */
import { promises as fs } from 'node:fs';

import type { OvfParseDescriptorParams, OvfParseDescriptorResult } from '@ovfkit/core';
import {
  checkHostProfile, checkInventory, createPlan, DescriptorCache, descriptorDigest, judgePackage, parseDescriptor as coreParseDescriptor, resolveHostProfile, UsageError,
  type HostProfile, type InventorySnapshot, type PackageFacts, type PlanPackageFile, type PlanSignatureOptions,
} from '@ovfkit/core';
import { openSource, packageFacts, readSignatureFacts, trustedCertificates, type DescriptorFile, type PackageSource } from '@ovfkit/package';

import type { DescriptorRead, ImportSpecRequest, LocalPlan, ManifestPolicy, OvfkitBackend, OvfkitLibraryBackend, PackageFactsOf, SignatureRead, VsphereSession } from './backend';
import type { ConnectionSettings } from './connection';
import { createLibraryBackend } from './library-bind';

/**
 * Reads the descriptor through @ovfkit/package (directory, .ovf, .ova, URL; only the descriptor,
 * manifest and certificate are read, never the disks), and the signature facts core's plan judges
 * (the descriptor's line in a signed manifest included: the plan's verdict, not one of ours), and
 * what the manifest policy demands of the package (core's manifest verdict, from the same facts).
 * The descriptor is not parsed here: the plan parses it once and says which files to look for ({@link DescriptorRead.package}).
 */
async function readDescriptor(source: string, options: { manifestPolicy: ManifestPolicy } & SignatureRead): Promise<DescriptorRead> {
  const trustStore = trustedCertificates(options.trustedCertificates ?? [], 'trustedCertificates');
  const src = await openSource(source, {});
  try {
    // The package facts are gathered when the plan asks, for the files it lists (the plan's one
    // parse): the source is opened again then; its descriptor is not read again.
    return await describeSource(src, options, trustStore, async (d, declared) => {
      const again = await openSource(source, {});
      try { return await packageFacts(again, d, declared); } finally { await again.close(); }
    });
  } finally {
    await src.close();
  }
}

/**
 * {@link readDescriptor} over an open source (a library item's too); the caller closes it. With
 * `factsOf`, the package facts are gathered when the plan asks, for the files it lists; without
 * (a source that cannot be opened again), now, from the descriptor's own References.
 */
export async function describeSource(
  src: PackageSource,
  options: { manifestPolicy: ManifestPolicy } & SignatureRead,
  trustStore = trustedCertificates(options.trustedCertificates ?? [], 'trustedCertificates'),
  factsOf?: (d: DescriptorFile, declared: readonly PlanPackageFile[]) => Promise<PackageFacts>,
): Promise<DescriptorRead> {
  const d = await src.descriptor();
  const now = factsOf ? undefined : await packageFacts(src, d);
  const facts: PackageFactsOf = factsOf ? (declared) => factsOf(d, declared) : async () => now!;
  // The digest is the source's, taken once.
  const read: DescriptorRead = { ovfDescriptorBytes: d.bytes, descriptorDigest: d.digest ?? descriptorDigest(d.bytes), error: [], warning: [], package: facts };
  // The .mf and .cert facts core's plan judges under the signature and the manifest policy (the
  // same reader as ovfkit plan and the import): the plan's verdicts, not ours.
  if (options.signature !== 'ignore' || options.manifestPolicy !== 'skip') read.signature = await readSignatureFacts(src, d, trustStore.length ? { trustStore } : {});
  return read;
}

async function parseDescriptor(ovfDescriptor: string | Uint8Array, pdp: OvfParseDescriptorParams): Promise<OvfParseDescriptorResult> {
  return coreParseDescriptor(ovfDescriptor, pdp);
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try { text = await fs.readFile(file, 'utf8'); } catch (e) { throw new UsageError(`${what} ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
  try { return JSON.parse(text); } catch (e) { throw new UsageError(`${what} ${file} is not JSON: ${(e as Error).message}`); }
}

/**
 * The descriptors this provider process has read, by digest: the engine checks each resource, then
 * diffs and creates it, in one process, so 100 resources of one appliance read its descriptor once
 * and create() imports over the model check() read (a changed file is another digest: read anew).
 */
const descriptorCache = new DescriptorCache();

const profileCache = new Map<string, HostProfile>();
const inventoryCache = new Map<string, InventorySnapshot>();

/** Freezes an object and everything it holds: a kept profile is shared by every plan of the process. */
function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/**
 * The host profile a plan is checked against, kept per process by name or file: a built-in one
 * is a fresh deep copy at each resolveHostProfile (a tenth of a millisecond per check); createPlan
 * only reads it, and the kept one is frozen so that a write would throw rather than leak into the
 * next check.
 */
async function loadHostProfile(spec: string | undefined): Promise<HostProfile> {
  const key = spec ?? '';
  const cached = profileCache.get(key);
  if (cached) return cached;
  if (spec === undefined || !/\.json$/i.test(spec)) {
    const p = deepFreeze(resolveHostProfile(spec));
    profileCache.set(key, p);
    return p;
  }
  const check = checkHostProfile(await readJson(spec, 'host profile'));
  if (!check.profile) throw new UsageError(`host profile ${spec} is not valid: ${check.issues.map((i) => i.message).join('; ')}`);
  profileCache.set(spec, deepFreeze(check.profile));
  return check.profile;
}

async function loadInventory(file: string): Promise<InventorySnapshot> {
  const cached = inventoryCache.get(file);
  if (cached) return cached;
  const check = checkInventory(await readJson(file, 'inventory snapshot'));
  if (!check.inventory) throw new UsageError(`inventory snapshot ${file} is not valid: ${check.issues.map((i) => i.message).join('; ')}`);
  inventoryCache.set(file, check.inventory);
  return check.inventory;
}

/**
 * core's createPlan: ParseDescriptor + ValidateHost + CreateImportSpec over one parse, planned
 * descriptor-only and then judged against the package facts of the files it lists (as
 * @ovfkit/package's planPackage does for `ovfkit plan`).
 */
async function planLocal(ovfDescriptor: string | Uint8Array, request: ImportSpecRequest & { acceptAllEulas: boolean }, target: { hostProfile?: string; inventory?: string }, pkg: PackageFactsOf, signature?: PlanSignatureOptions, manifestPolicy?: ManifestPolicy, digest?: string): Promise<LocalPlan> {
  const hostProfile = await loadHostProfile(target.hostProfile);
  const inventory = target.inventory !== undefined ? await loadInventory(target.inventory) : undefined;
  const p = request.placement;
  const r = createPlan(ovfDescriptor, {
    hostProfile,
    ...(inventory ? { inventory } : {}),
    // The placement is the plan's target; with a snapshot every input it lacks is also an error of the plan (core resolves them all).
    ...(p.datacenter ? { datacenter: p.datacenter } : {}),
    ...(p.folder ? { folder: p.folder } : {}),
    ...(p.host ? { host: p.host } : {}),
    ...((p.resourcePool ?? p.vApp ?? p.cluster) ? { resourcePool: (p.resourcePool ?? p.vApp ?? p.cluster)! } : {}),
    ...(p.datastore ? { datastore: p.datastore } : {}),
    ...(request.entityName ? { entityName: request.entityName } : {}),
    deploymentOption: request.deploymentOption,
    locale: request.locale,
    networkMapping: request.networkMapping,
    propertyMapping: request.propertyMapping,
    ...(request.diskProvisioning ? { diskProvisioning: request.diskProvisioning } : {}),
    ...(request.ipAllocationPolicy ? { ipAllocationPolicy: request.ipAllocationPolicy } : {}),
    ...(request.ipProtocol ? { ipProtocol: request.ipProtocol } : {}),
    ...(request.acceptAllEulas ? { importOption: ['acceptAllEulas'] } : {}),
    vocabulary: 'pulumi',
    package: 'descriptor-only',
    descriptorCache,
    ...(digest ? { descriptorDigest: digest } : {}),
    ...(signature ? { signature } : {}),
    ...(manifestPolicy ? { manifestPolicy } : {}),
  });
  judgePackage(r.plan, await pkg(r.plan.package.files));
  return {
    against: `host profile ${r.plan.hostProfile}${target.inventory ? ` and inventory ${target.inventory}` : ''}`,
    parse: r.parseDescriptor,
    propertyMapping: r.cisp.propertyMapping ?? [],
    plan: r.plan,
    descriptorText: r.descriptorText,
    validateHost: r.validateHost,
    importSpec: { error: r.createImportSpec.error ?? [], warning: r.createImportSpec.warning ?? [] },
  };
}

async function connect(connection: ConnectionSettings): Promise<VsphereSession> {
  // Loaded on first use: offline previews never load the SOAP client.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { connectOvfSession } = require('@ovfkit/vsphere') as typeof import('@ovfkit/vsphere');
  const session: VsphereSession = await connectOvfSession({
    server: connection.server,
    userName: connection.user,
    password: connection.password.reveal(),
    ...(connection.thumbprint ? { thumbprint: connection.thumbprint } : {}),
    ...(connection.insecure ? { insecure: true } : {}),
    descriptorCache,
    vocabulary: 'pulumi',
  });
  return session;
}

/** The backend the published providers use. */
export function defaultBackend(): OvfkitBackend & OvfkitLibraryBackend {
  return { readDescriptor, parseDescriptor, planLocal, connect, ...createLibraryBackend(describeSource) };
}
