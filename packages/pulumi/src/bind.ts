/**
 * The default {@link OvfkitBackend}: @ovfkit/package reads sources, @ovfkit/core parses and
 * validates offline, @ovfkit/vsphere talks to vCenter. The three packages are looked up when a
 * call is served, so a layer that is missing in an installation gives a clear error naming it
 * instead of a failed load of the whole provider.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';

import type { OvfIssue, OvfParseDescriptorParams, OvfParseDescriptorResult } from '@ovfkit/core';
import { OvfkitError, parseDescriptor as coreParseDescriptor } from '@ovfkit/core';
import { nodeHashName, openSource, parseManifest } from '@ovfkit/package';

import type { DescriptorRead, ImportSpecRequest, ImportValidation, ManifestPolicy, OvfkitBackend, VsphereSession } from './backend';
import type { ConnectionSettings } from './connection';

type Fn = (...args: any[]) => any;

/** A named export of a layer, or a clear error saying which layer lacks it. */
function layer<T = Fn>(pkg: '@ovfkit/core' | '@ovfkit/package' | '@ovfkit/vsphere', name: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(pkg) as Record<string, unknown>;
  const v = mod[name];
  if (v === undefined) throw new OvfkitError('LAYER_MISSING', `${pkg} in this installation has no ${name}(); update @ovfkit packages to matching versions`);
  return v as T;
}

/** `sha256:<hex>` of descriptor bytes. */
export function descriptorDigest(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function packageIssue(code: string, message: string, fix: string, path?: string): OvfIssue {
  // Package problems are not vim25 faults; OvfInvalidPackage-shaped so they list with the rest.
  return { fault: { _typeName: 'OvfXmlFormat', lineNumber: 0, description: message }, localizedMessage: message, code, fix, ...(path ? { path } : {}) } as OvfIssue;
}

/**
 * Reads the descriptor through @ovfkit/package (directory, .ovf, .ova, URL; only the descriptor
 * and manifest are read, never the disks) and checks the manifest policy: a missing manifest
 * under `require`, and the descriptor's own manifest line. Disk digests are verified while the
 * import streams them.
 */
async function readDescriptor(source: string, options: { manifestPolicy: ManifestPolicy }): Promise<DescriptorRead> {
  const src = await openSource(source, {});
  try {
    const d = await src.descriptor();
    const read: DescriptorRead = { ovfDescriptor: d.text, descriptorDigest: descriptorDigest(d.bytes), error: [], warning: [] };
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
  } finally {
    await src.close();
  }
}

async function parseDescriptor(ovfDescriptor: string, pdp: OvfParseDescriptorParams): Promise<OvfParseDescriptorResult> {
  return coreParseDescriptor(ovfDescriptor, pdp);
}

async function validateLocal(ovfDescriptor: string, request: ImportSpecRequest, target: { hostProfile?: string; inventory?: string }): Promise<ImportValidation> {
  const resolveHostProfile = layer<(name?: string) => { name: string }>('@ovfkit/core', 'resolveHostProfile');
  let profile: { name: string };
  if (target.hostProfile !== undefined && /\.json$/i.test(target.hostProfile)) {
    const check = layer<(j: unknown) => { profile?: { name: string }; error?: { message?: string }[] }>('@ovfkit/core', 'checkHostProfile')(JSON.parse(await fs.readFile(target.hostProfile, 'utf8')));
    if (!check.profile) throw new OvfkitError('USAGE', `host profile ${target.hostProfile} is not valid: ${(check.error ?? []).map((e) => e.message).join('; ')}`);
    profile = check.profile;
  } else {
    profile = resolveHostProfile(target.hostProfile);
  }
  let inventory: unknown;
  if (target.inventory !== undefined) {
    const check = layer<(j: unknown) => { inventory?: unknown; error?: { message?: string }[] }>('@ovfkit/core', 'checkInventory')(JSON.parse(await fs.readFile(target.inventory, 'utf8')));
    if (!check.inventory) throw new OvfkitError('USAGE', `inventory snapshot ${target.inventory} is not valid: ${(check.error ?? []).map((e) => e.message).join('; ')}`);
    inventory = check.inventory;
  }
  const Manager = layer<new (o: object) => {
    validateHost(d: string, host: unknown, vhp: object): Promise<{ error?: OvfIssue[]; warning?: OvfIssue[] }>;
    createImportSpec(d: string, pool: unknown, ds: unknown, cisp: object): Promise<{ error?: OvfIssue[]; warning?: OvfIssue[] }>;
  }>('@ovfkit/core', 'LocalOvfManager');
  const manager = new Manager({ hostProfile: profile, ...(inventory !== undefined ? { inventory } : {}) });
  const common = { locale: request.locale, deploymentOption: request.deploymentOption };
  const validateHost = await manager.validateHost(ovfDescriptor, request.placement.host, common);
  const importSpec = await manager.createImportSpec(ovfDescriptor, request.placement.resourcePool ?? request.placement.cluster ?? request.placement.vApp, request.placement.datastore, {
    ...common,
    entityName: request.entityName ?? '',
    networkMapping: Object.entries(request.networkMapping).map(([name, network]) => ({ name, network })),
    propertyMapping: request.propertyMapping,
    ...(request.diskProvisioning ? { diskProvisioning: request.diskProvisioning } : {}),
    ...(request.ipAllocationPolicy ? { ipAllocationPolicy: request.ipAllocationPolicy } : {}),
    ...(request.ipProtocol ? { ipProtocol: request.ipProtocol } : {}),
  });
  return {
    against: `host profile ${profile.name}${target.inventory ? ` and inventory ${target.inventory}` : ''}`,
    validateHost: { ...validateHost },
    importSpec: { error: importSpec.error ?? [], warning: importSpec.warning ?? [] },
  };
}

async function connect(connection: ConnectionSettings): Promise<VsphereSession> {
  // Loaded on first use: offline previews never load the SOAP client.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { connectOvfSession } = require('./vsphere-session') as typeof import('./vsphere-session');
  return connectOvfSession(connection);
}

/** The backend the published providers use. */
export function defaultBackend(): OvfkitBackend {
  return { readDescriptor, parseDescriptor, validateLocal, connect };
}
