/**
 * The default {@link OvfkitBackend}: @ovfkit/package reads sources, @ovfkit/core parses and
 * validates offline, @ovfkit/vsphere talks to vCenter. The three packages are looked up when a
 * call is served, so a layer that is missing in an installation gives a clear error naming it
 * instead of a failed load of the whole provider.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';

import type { ManifestIssueCode, OvfIssue, OvfParseDescriptorParams, OvfParseDescriptorResult } from '@ovfkit/core';
import {
  checkHostProfile, checkInventory, createPlan, DescriptorCache, descriptorDigest, OvfkitError, parseDescriptor as coreParseDescriptor, resolveHostProfile, UsageError,
  type HostProfile, type InventorySnapshot, type PlanPackageInput, type PlanSignatureOptions,
} from '@ovfkit/core';
import { nodeHashName, openSource, packageFacts, parseManifest, readSignatureFacts, trustedCertificates, type PackageSource } from '@ovfkit/package';

import type { DescriptorRead, ImportSpecRequest, LocalPlan, ManifestPolicy, OvfkitBackend, OvfkitLibraryBackend, SignatureRead, VsphereSession } from './backend';
import type { ConnectionSettings } from './connection';
import { createLibraryBackend } from './library-bind';

function packageIssue(code: ManifestIssueCode, message: string, fix: string, path?: string): OvfIssue {
  // Package problems are not vim25 faults; OvfInvalidPackage-shaped so they list with the rest.
  return { fault: { _typeName: 'OvfXmlFormat', lineNumber: 0, description: message }, localizedMessage: message, code, fix, ...(path ? { path } : {}) };
}

/**
 * Reads the descriptor through @ovfkit/package (directory, .ovf, .ova, URL; only the descriptor
 * and manifest are read, never the disks) and checks the manifest policy: a missing manifest
 * under `require`, and the descriptor's own manifest line. Disk digests are verified while the
 * import streams them.
 */
async function readDescriptor(source: string, options: { manifestPolicy: ManifestPolicy } & SignatureRead): Promise<DescriptorRead> {
  const trustStore = trustedCertificates(options.trustedCertificates ?? [], 'trustedCertificates');
  const src = await openSource(source, {});
  try {
    return await describeSource(src, options, trustStore);
  } finally {
    await src.close();
  }
}

/** {@link readDescriptor} over an open source (a library item's too); the caller closes it. */
export async function describeSource(src: PackageSource, options: { manifestPolicy: ManifestPolicy } & SignatureRead, trustStore = trustedCertificates(options.trustedCertificates ?? [], 'trustedCertificates')): Promise<DescriptorRead> {
  const d = await src.descriptor();
  const read: DescriptorRead = { ovfDescriptor: d.text, ovfDescriptorBytes: d.bytes, descriptorDigest: descriptorDigest(d.bytes), error: [], warning: [], package: await packageFacts(src, d) };
  // The signature facts core's plan judges under the policy (the same reader as ovfkit plan and the import).
  if (options.signature !== 'ignore') read.signature = await readSignatureFacts(src, d, trustStore.length ? { trustStore } : {});
  if (options.manifestPolicy === 'skip') return read;
  const mf = await src.manifest();
  if (!mf) {
    if (options.manifestPolicy === 'require') {
      read.error.push(packageIssue('MANIFEST_ABSENT', `${src.location} has no manifest (.mf), and manifestPolicy is "require"`, 'add a manifest (ovfkit manifest create) or set manifestPolicy: "verify-if-present"'));
    }
    return read;
  }
  const manifest = parseManifest(mf.bytes, mf.name);
  const line = manifest.entries.find((e) => e.name === d.name);
  if (!line) {
    read.warning.push(packageIssue('MANIFEST_MISSING_ENTRY', `the manifest ${mf.name} has no line for the descriptor ${d.name}`, 'recreate the manifest so it lists every file', mf.name));
  } else {
    const actual = createHash(nodeHashName(line.algorithm)).update(d.bytes).digest('hex');
    if (actual !== line.digest.toLowerCase()) {
      read.error.push(packageIssue('MANIFEST_DIGEST_MISMATCH', `the descriptor ${d.name} does not match its ${line.algorithm} digest in ${mf.name}`, 'the package was changed or damaged after the manifest was made: get an intact copy', mf.name));
    }
  }
  return read;
}

async function parseDescriptor(ovfDescriptor: string, pdp: OvfParseDescriptorParams): Promise<OvfParseDescriptorResult> {
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

async function loadHostProfile(spec: string | undefined): Promise<HostProfile> {
  if (spec === undefined || !/\.json$/i.test(spec)) return resolveHostProfile(spec);
  const cached = profileCache.get(spec);
  if (cached) return cached;
  const check = checkHostProfile(await readJson(spec, 'host profile'));
  if (!check.profile) throw new UsageError(`host profile ${spec} is not valid: ${check.issues.map((i) => i.message).join('; ')}`);
  profileCache.set(spec, check.profile);
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

/** core's createPlan: ParseDescriptor + ValidateHost + CreateImportSpec over one parse. */
async function planLocal(ovfDescriptor: string | Uint8Array, request: ImportSpecRequest & { acceptAllEulas: boolean }, target: { hostProfile?: string; inventory?: string }, pkg: PlanPackageInput, signature?: PlanSignatureOptions): Promise<LocalPlan> {
  const hostProfile = await loadHostProfile(target.hostProfile);
  const inventory = target.inventory !== undefined ? await loadInventory(target.inventory) : undefined;
  const p = request.placement;
  const r = createPlan(ovfDescriptor, {
    hostProfile,
    ...(inventory ? { inventory } : {}),
    // With a snapshot, every placement input it lacks is an error of the plan (core resolves them all).
    ...(inventory && p.datacenter ? { datacenter: p.datacenter } : {}),
    ...(inventory && p.folder ? { folder: p.folder } : {}),
    ...(inventory && p.host ? { host: p.host } : {}),
    ...(inventory && (p.resourcePool ?? p.vApp ?? p.cluster) ? { resourcePool: (p.resourcePool ?? p.vApp ?? p.cluster)! } : {}),
    ...(inventory && p.datastore ? { datastore: p.datastore } : {}),
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
    package: pkg,
    descriptorCache,
    ...(signature ? { signature } : {}),
  });
  return {
    against: `host profile ${r.plan.hostProfile}${target.inventory ? ` and inventory ${target.inventory}` : ''}`,
    parse: r.parseDescriptor,
    propertyMapping: r.cisp.propertyMapping ?? [],
    plan: r.plan,
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
  });
  return session;
}

/** The backend the published providers use. */
export function defaultBackend(): OvfkitBackend & OvfkitLibraryBackend {
  return { readDescriptor, parseDescriptor, planLocal, connect, ...createLibraryBackend(describeSource) };
}
