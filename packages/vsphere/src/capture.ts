import {
  BUILTIN_HOST_PROFILE_NAMES,
  builtinHostProfile,
  checkHostProfile,
  checkInventory,
  compareApiVersions,
  DATASTORE_TYPES,
  DEFAULT_HOST_PROFILE_NAME,
  type HostProfile,
  INVENTORY_FORMAT,
  type InventorySnapshot,
  OvfkitError,
  UsageError,
} from '@ovfkit/core';
import { Inventory } from './inventory';
import type { DataObject, ManagedObjectReference } from './soap/codec';
import { isVimFault } from './soap/fault';
import { QueryConfigOptionDescriptor, QueryConfigOptionEx } from './soap/methods';
import type { VimSession } from './session';

/** The built-in profile closest to (not newer than) a host's API version. */
export function closestBuiltinProfile(apiVersion: string): HostProfile {
  let best: HostProfile | undefined;
  for (const name of BUILTIN_HOST_PROFILE_NAMES) {
    const p = builtinHostProfile(name)!;
    if (compareApiVersions(p.product.apiVersion, apiVersion) <= 0) best = p;
  }
  return best ?? builtinHostProfile(BUILTIN_HOST_PROFILE_NAMES[0]!) ?? builtinHostProfile(DEFAULT_HOST_PROFILE_NAME)!;
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

async function onlyOrGiven(inv: Inventory, type: string, what: string, given: string | undefined, flag: string): Promise<ManagedObjectReference> {
  if (given) return inv.get(given, what, [type]);
  const all = await inv.list([type], []);
  if (all.length !== 1) throw new UsageError(`the inventory has ${all.length} ${what}s (${all.map((h) => h.name).join(', ')}): choose one with ${flag}`);
  return all[0]!.ref;
}

/**
 * Captures a host profile from a live host: starts from the built-in profile of its release and
 * replaces what the host itself reports — product, the hardware versions it can create VMs with
 * and its default (EnvironmentBrowser.QueryConfigOptionDescriptor), and its guest OS ids
 * (QueryConfigOptionEx). The result is the `ovfkit.host-profile/1` JSON the local OvfManager reads.
 */
export async function captureHostProfile(session: VimSession, options: { host?: string; signal?: AbortSignal } = {}): Promise<HostProfile> {
  const inv = new Inventory(session);
  const host = await onlyOrGiven(inv, 'HostSystem', 'host', options.host, '--host');
  const p = await session.properties(host, ['name', 'config.product', 'parent'], options.signal);
  const product = (p['config.product'] ?? session.serviceContent.about) as { name: string; version: string; apiVersion: string };
  const base = closestBuiltinProfile(product.apiVersion);
  const sources = [`captured from ${new URL(session.client.url).host} host ${String(p['name'])} at ${new Date().toISOString()}; unlisted facts from built-in ${base.name}`];
  const profile: HostProfile = structuredClone({ ...base, name: `captured-${String(p['name']).replace(/[^\w.-]/g, '_')}`, product: { name: product.name, version: product.version, apiVersion: product.apiVersion }, sources });
  const parent = p['parent'] as ManagedObjectReference | undefined;
  const browser = parent ? ((await session.properties(parent, ['environmentBrowser'], options.signal))['environmentBrowser'] as ManagedObjectReference | undefined) : undefined;
  if (browser) {
    try {
      const descriptors = await session.client.send(new QueryConfigOptionDescriptor({ _this: browser }), options.signal);
      const versions = descriptors
        .filter((d) => d['createSupported'] !== false)
        .map((d) => ({ n: Number(/^vmx-(\d+)$/.exec(String(d['key']))?.[1]), def: d['defaultConfigOption'] === true }))
        .filter((d) => Number.isInteger(d.n));
      if (versions.length) {
        profile.supportedHardwareVersions = [...new Set(versions.map((v) => v.n))].sort((a, b) => a - b);
        profile.defaultHardwareVersion = versions.find((v) => v.def)?.n ?? Math.max(...profile.supportedHardwareVersions);
      }
      const option = await session.client.send(new QueryConfigOptionEx({ _this: browser, spec: { host } }), options.signal);
      const ids = asArray(option?.['guestOSDescriptor'] as DataObject[] | undefined).map((g) => String(g['id']));
      if (ids.length) {
        const known = new Map(base.guestIds.map((g) => [g.id, g]));
        profile.guestIds = [...new Set(ids)].sort().map((id) => known.get(id) ?? { id });
      }
    } catch (e) {
      if (!isVimFault(e, 'MethodNotFound')) throw e;
      profile.sources!.push('the server does not implement EnvironmentBrowser queries: hardware versions and guest ids are the built-in ones');
    }
  }
  const check = checkHostProfile(profile);
  if (!check.profile) throw new OvfkitError('INTERNAL', `the captured host profile does not validate: ${check.issues.map((i) => JSON.stringify(i)).join('; ')}`);
  return profile;
}

function datastoreType(t: unknown): (typeof DATASTORE_TYPES)[number] {
  const s = String(t ?? '');
  if ((DATASTORE_TYPES as readonly string[]).includes(s)) return s as (typeof DATASTORE_TYPES)[number];
  if (/^vsan$/i.test(s)) return 'vsan';
  return 'other';
}

/**
 * Captures one datacenter's inventory (folders, hosts, datastores with capacity and free space,
 * networks, resource pools and vApps) as the `ovfkit.inventory/1` JSON the local OvfManager reads,
 * so offline previews check against the real site.
 */
export async function captureInventory(session: VimSession, options: { datacenter?: string; signal?: AbortSignal } = {}): Promise<InventorySnapshot> {
  const inv = new Inventory(session);
  const dc = await onlyOrGiven(inv, 'Datacenter', 'datacenter', options.datacenter && !options.datacenter.startsWith('/') ? `/${options.datacenter}` : options.datacenter, '--datacenter');
  const dcName = String((await session.properties(dc, ['name'], options.signal))['name']);
  const folders = await inv.list(['Folder'], ['childType'], dc, options.signal);
  const hosts = await inv.list(['HostSystem'], ['datastore', 'network', 'runtime.connectionState', 'runtime.inMaintenanceMode', 'config.product'], dc, options.signal);
  const datastores = await inv.list(['Datastore'], ['summary'], dc, options.signal);
  const networks = await inv.list(['Network', 'DistributedVirtualPortgroup', 'OpaqueNetwork'], [], dc, options.signal);
  const pools = await inv.list(['ResourcePool', 'VirtualApp'], ['owner'], dc, options.signal);
  const ownerHosts = new Map<string, string[]>();
  for (const pool of pools) {
    const owner = pool.props['owner'] as ManagedObjectReference | undefined;
    if (owner && !ownerHosts.has(owner.value)) ownerHosts.set(owner.value, asArray((await session.properties(owner, ['host'], options.signal))['host'] as ManagedObjectReference[] | undefined).map((h) => h.value));
  }
  const vmFolders = folders.filter((f) => asArray(f.props['childType'] as string[] | undefined).includes('VirtualMachine'));
  const snapshot: InventorySnapshot = {
    format: INVENTORY_FORMAT,
    datacenter: { name: dcName, moref: dc.value },
    capturedAt: new Date().toISOString(),
    source: new URL(session.client.url).host,
    folders: await Promise.all(vmFolders.map(async (f) => ({ name: f.name, moref: f.ref.value, path: await inv.pathOf(f.ref, options.signal) }))),
    hosts: hosts.map((h) => {
      const product = h.props['config.product'] as { apiVersion?: string } | undefined;
      return {
        name: h.name,
        moref: h.ref.value,
        profile: closestBuiltinProfile(product?.apiVersion ?? session.serviceContent.about.apiVersion).name,
        datastores: asArray(h.props['datastore'] as ManagedObjectReference[] | undefined).map((d) => d.value),
        networks: asArray(h.props['network'] as ManagedObjectReference[] | undefined).map((n) => n.value),
        ...(h.props['runtime.connectionState'] !== 'connected' || h.props['runtime.inMaintenanceMode'] === true ? { unavailable: true } : {}),
      };
    }),
    datastores: datastores.map((d) => {
      const s = d.props['summary'] as { type?: string; capacity?: number; freeSpace?: number; accessible?: boolean };
      return { name: d.name, moref: d.ref.value, type: datastoreType(s.type), capacity: Number(s.capacity ?? 0), freeSpace: Number(s.freeSpace ?? 0), ...(s.accessible === false ? { accessible: false } : {}) };
    }),
    networks: networks.map((n) => ({ name: n.name, moref: n.ref.value, type: n.ref.type === 'DistributedVirtualPortgroup' ? 'dvportgroup' : n.ref.type === 'OpaqueNetwork' ? 'opaque' : 'standard' })),
    resourcePools: await Promise.all(
      pools.map(async (p) => ({
        name: p.name,
        moref: p.ref.value,
        type: p.ref.type === 'VirtualApp' ? ('vApp' as const) : ('resourcePool' as const),
        path: await inv.pathOf(p.ref, options.signal),
        hosts: ownerHosts.get((p.props['owner'] as ManagedObjectReference | undefined)?.value ?? '') ?? [],
      })),
    ),
  };
  const check = checkInventory(snapshot);
  if (!check.inventory) throw new OvfkitError('INTERNAL', `the captured inventory does not validate: ${check.issues.map((i) => JSON.stringify(i)).join('; ')}`);
  return snapshot;
}
