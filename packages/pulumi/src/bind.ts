/**
 * The default {@link OvfkitBackend}: @ovfkit/package reads sources, @ovfkit/core parses and
 * validates offline, @ovfkit/vsphere talks to vCenter. The three packages are looked up when a
 * call is served, so a layer that is missing in an installation gives a clear error naming it
 * instead of a failed load of the whole provider.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';

import type { OvfIssue, OvfParseDescriptorParams, OvfParseDescriptorResult } from '@ovfkit/core';
import { OvfkitError } from '@ovfkit/core';

import type { DescriptorRead, ImportSpecRequest, ImportValidation, ManifestPolicy, OvfkitBackend, VsphereSession } from './backend';
import type { ConnectionSettings } from './connection';

type Fn = (...args: any[]) => any;

/** A named export of a layer, or a clear error saying which layer lacks it. */
function layer<T = Fn>(pkg: '@ovfkit/core' | '@ovfkit/package' | '@ovfkit/vsphere', name: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(pkg) as Record<string, unknown>;
  const v = mod[name];
  if (v === undefined) throw new OvfkitError('INTERNAL', `${pkg} in this installation has no ${name}(); update @ovfkit packages to matching versions`);
  return v as T;
}
function hasExport(pkg: '@ovfkit/core' | '@ovfkit/package' | '@ovfkit/vsphere', name: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(pkg) as Record<string, unknown>)[name] !== undefined;
}

/** `sha256:<hex>` of descriptor bytes. */
export function descriptorDigest(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function readDescriptor(source: string, options: { manifestPolicy: ManifestPolicy }): Promise<DescriptorRead> {
  if (!hasExport('@ovfkit/package', 'openSource')) {
    // Until @ovfkit/package exports sources, a lone local .ovf is all we can read.
    if (/^https?:/i.test(source) || !source.toLowerCase().endsWith('.ovf')) {
      throw new OvfkitError('INTERNAL', `reading ${source} needs openSource() from @ovfkit/package, which this installation lacks`);
    }
    const bytes = await fs.readFile(source);
    return { ovfDescriptor: bytes.toString('utf8'), descriptorDigest: descriptorDigest(bytes), error: [], warning: [] };
  }
  const openSource = layer<(p: string, o?: object) => Promise<{ descriptor(): Promise<{ bytes: Buffer; text: string }>; close(): Promise<void> }>>('@ovfkit/package', 'openSource');
  const src = await openSource(source, {});
  try {
    const d = await src.descriptor();
    const read: DescriptorRead = { ovfDescriptor: d.text, descriptorDigest: descriptorDigest(d.bytes), error: [], warning: [] };
    if (options.manifestPolicy !== 'skip' && hasExport('@ovfkit/package', 'checkPackageManifest')) {
      const r = await layer('@ovfkit/package', 'checkPackageManifest')(src, { require: options.manifestPolicy === 'require' }) as { error?: OvfIssue[]; warning?: OvfIssue[] };
      read.error.push(...(r.error ?? []));
      read.warning.push(...(r.warning ?? []));
    }
    return read;
  } finally {
    await src.close();
  }
}

async function parseDescriptor(ovfDescriptor: string, pdp: OvfParseDescriptorParams): Promise<OvfParseDescriptorResult> {
  return await layer('@ovfkit/core', 'parseDescriptor')(ovfDescriptor, pdp) as OvfParseDescriptorResult;
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
  const connectVsphere = layer<(o: object) => Promise<VsphereSession>>('@ovfkit/vsphere', 'connectOvfSession');
  return connectVsphere({
    server: connection.server,
    userName: connection.user,
    password: connection.password.reveal(),
    ...(connection.thumbprint ? { thumbprint: connection.thumbprint } : {}),
    ...(connection.insecure ? { insecure: true } : {}),
  });
}

/** The backend the published providers use. */
export function defaultBackend(): OvfkitBackend {
  return { readDescriptor, parseDescriptor, validateLocal, connect };
}
