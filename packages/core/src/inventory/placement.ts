/**
 * Placement against an inventory snapshot: datacenter, folder, host, resource pool (or vApp) and
 * datastore resolved by {@link resolveInventoryRef}, every problem reported at once as an issue
 * (unknown, ambiguous, a host outside the pool, a folder with a vApp), never thrown. The plan
 * runs it offline against a snapshot file and live against the snapshot the vsphere package
 * captures, so both refuse the same inputs with the same codes.
 */
import type { OvfIssue, OvfInvalidValueReference } from '../faults';
import { issue, qv, type OvfManagerIssueCode } from '../importspec/issues';
import type { InventoryDatastore, InventoryFolder, InventoryHost, InventoryNetwork, InventoryResourcePool, InventorySnapshot } from './index';
import { closestObjects, displayPath, inventoryName, inventoryParentPath, normalizeInventoryPath, resolveInventoryRef, type InventoryKind, type InventoryObject, type InventoryTree } from './paths';

/** The snapshot as resolver objects; paths the snapshot leaves out are the datacenter folder's (`/DC/datastore/name`). */
export function inventoryTree(inv: InventorySnapshot): InventoryTree {
  const dc = `/${inventoryName(inv.datacenter.name)}`;
  const under = (folder: string, name: string): string => `${dc}/${folder}/${inventoryName(name)}`;
  const objects: InventoryObject[] = [];
  const poolPaths = new Set(inv.resourcePools.filter((p) => p.path).map((p) => normalizeInventoryPath(p.path!)));
  // Clusters and hosts' compute resources are not in the snapshot: each is the parent of a host,
  // or of a root pool (a pool named Resources whose parent is no pool).
  const crs = new Set<string>();
  for (const h of inv.hosts) if (h.path) crs.add(inventoryParentPath(normalizeInventoryPath(h.path)));
  for (const p of poolPaths) if (p.endsWith('/Resources') && !poolPaths.has(inventoryParentPath(p))) crs.add(inventoryParentPath(p));
  for (const c of crs) objects.push({ kind: 'computeResource', type: 'ComputeResource', moref: '', name: c.slice(c.lastIndexOf('/') + 1), path: c });
  for (const f of inv.folders) objects.push({ kind: 'folder', type: 'Folder', moref: f.moref, name: f.name, path: f.path ?? (f.name === 'vm' ? `${dc}/vm` : under('vm', f.name)) });
  const rootOf = new Map<string, string>();
  for (const p of inv.resourcePools) {
    const path = p.path ? normalizeInventoryPath(p.path) : undefined;
    if (path && crs.has(inventoryParentPath(path)) && path.endsWith('/Resources')) for (const h of p.hosts) rootOf.set(h, inventoryParentPath(path));
    objects.push({ kind: 'resourcePool', type: p.type === 'vApp' ? 'VirtualApp' : 'ResourcePool', moref: p.moref, name: p.name, ...(path ? { path } : {}) });
  }
  for (const h of inv.hosts) {
    const cr = rootOf.get(h.moref) ?? rootOf.get(h.name);
    const path = h.path ?? (cr ? `${cr}/${inventoryName(h.name)}` : undefined);
    objects.push({ kind: 'host', type: 'HostSystem', moref: h.moref, name: h.name, ...(path ? { path } : {}) });
  }
  for (const d of inv.datastores) objects.push({ kind: 'datastore', type: 'Datastore', moref: d.moref, name: d.name, path: d.path ?? under('datastore', d.name) });
  for (const n of inv.networks) {
    const type = n.type === 'dvportgroup' ? 'DistributedVirtualPortgroup' : n.type === 'opaque' ? 'OpaqueNetwork' : 'Network';
    objects.push({ kind: 'network', type, moref: n.moref, name: n.name, path: n.path ?? under('network', n.name) });
  }
  return { datacenter: { kind: 'datacenter', type: 'Datacenter', moref: inv.datacenter.moref, name: inv.datacenter.name, path: dc }, objects };
}

/** Placement as a user gives it, each by moref, inventory path or name. */
export interface InventoryPlacementInput {
  datacenter?: string;
  /** VM folder. */
  folder?: string;
  host?: string;
  /** Resource pool or vApp. */
  resourcePool?: string;
  datastore?: string;
}

/** What the placement resolved to, and every problem found. */
export interface InventoryPlacement {
  folder?: InventoryFolder;
  host?: InventoryHost;
  resourcePool?: InventoryResourcePool;
  datastore?: InventoryDatastore;
  issues: OvfIssue[];
}

/** The kinds a placement names (a VM or vApp is never placed into). */
type PlacementKind = Exclude<InventoryKind, 'entity'>;

const WORDS: Record<PlacementKind, [one: string, many: string, code: OvfManagerIssueCode]> = {
  datacenter: ['datacenter', 'datacenters', 'UNKNOWN_DATACENTER'],
  folder: ['folder', 'folders', 'UNKNOWN_FOLDER'],
  computeResource: ['cluster or host', 'clusters and hosts', 'UNKNOWN_RESOURCE_POOL'],
  host: ['host', 'hosts', 'UNKNOWN_HOST'],
  resourcePool: ['resource pool or vApp', 'resource pools and vApps', 'UNKNOWN_RESOURCE_POOL'],
  datastore: ['datastore', 'datastores', 'UNKNOWN_DATASTORE'],
  network: ['network', 'networks', 'UNKNOWN_MAPPED_NETWORK'],
};

const fault = (elementName: string, attributeName: string, value: string): OvfInvalidValueReference => ({ _typeName: 'OvfInvalidValueReference', lineNumber: 0, elementName, attributeName, value });

/** At most ten entries (quoted for a message), then how many more. */
function listed(values: string[], quoted = false): string {
  const shown = values.slice(0, 10).map((v) => (quoted ? qv(v) : v)).join(', ');
  return values.length > 10 ? `${shown} and ${values.length - 10} more` : shown || 'none';
}

/**
 * The issue for a reference that resolved to no object or to several: the candidates in
 * `allowed`, the likeliest ("did you mean") or the ones it matched in `fix`.
 * `input` names the field (`datastore`, `networkMapping`); `message` overrides the first sentence.
 */
export function unresolvedIssue(tree: InventoryTree, kind: PlacementKind, ref: string, matches: InventoryObject[], input: string, message?: string): OvfIssue {
  const [one, many, code] = WORDS[kind];
  const all = (kind === 'datacenter' ? [tree.datacenter] : tree.objects).filter((o) => o.kind === kind).map((o) => displayPath(tree, o));
  if (matches.length > 1) {
    const paths = matches.map((o) => displayPath(tree, o));
    return issue('AMBIGUOUS_INVENTORY_PATH', fault(input === 'networkMapping' ? 'networkMapping' : 'placement', input === 'networkMapping' ? 'network' : input, ref), `${message ?? `${one} ${qv(ref)}`} matches ${matches.length} ${many}: ${listed(paths, true)}`, {
      value: ref,
      allowed: listed(paths),
      fix: `give the inventory path of the one you mean, e.g. ${qv(paths[0]!)}`,
    });
  }
  const near = closestObjects(tree, kind, ref).map((o) => displayPath(tree, o));
  return issue(code, fault(input === 'networkMapping' ? 'networkMapping' : 'placement', input === 'networkMapping' ? 'network' : input, ref), `${message ?? `${one} ${qv(ref)}`} is not in the inventory of datacenter ${qv(tree.datacenter.name)}`, {
    value: ref,
    allowed: listed(all),
    fix: near.length ? `did you mean ${near.map((n) => qv(n)).join(' or ')}?` : `name one of the datacenter's ${many} (inventory path, name or moref), or capture the inventory again`,
  });
}

/**
 * Resolves the network an OVF network is mapped to, or gives the issue saying why it cannot be.
 * @example resolveMappedNetwork(inv, 'VM Network', '10.0.0.0/24') // { network: { name: '10.0.0.0%2f24', … } }
 */
export function resolveMappedNetwork(inv: InventorySnapshot, ovfNetwork: string, ref: string, tree: InventoryTree = inventoryTree(inv)): { network?: InventoryNetwork; issue?: OvfIssue } {
  const r = resolveInventoryRef(tree, 'network', ref);
  if (r.found) return { network: inv.networks.find((n) => n.moref === r.found.moref)! };
  return { issue: unresolvedIssue(tree, 'network', ref, r.matches, 'networkMapping', `networkMapping sends ${qv(ovfNetwork)} to ${qv(ref)}, which`) };
}

/**
 * Resolves every placement input against a snapshot and reports every problem at once. With
 * `complete` (a live import, which must name a pool and a datastore), a pool or datastore left
 * out is the only one there is (a host's own root pool and datastores first), else an issue.
 * @example
 * const { resourcePool, datastore, issues } = resolveInventoryPlacement(inv, { resourcePool: 'DC0_C0', datastore: 'LocalDS_0' });
 */
export function resolveInventoryPlacement(inv: InventorySnapshot, input: InventoryPlacementInput, options: { complete?: boolean; tree?: InventoryTree } = {}): InventoryPlacement {
  const tree = options.tree ?? inventoryTree(inv);
  const out: InventoryPlacement = { issues: [] };
  const look = (kind: PlacementKind, field: keyof InventoryPlacementInput): InventoryObject | undefined => {
    const ref = input[field];
    if (ref === undefined || ref === '') return undefined;
    const r = resolveInventoryRef(tree, kind, ref);
    if (r.found) return r.found;
    out.issues.push(unresolvedIssue(tree, kind, ref, r.matches, field));
    return undefined;
  };
  look('datacenter', 'datacenter');
  const folder = look('folder', 'folder');
  const host = look('host', 'host');
  const pool = look('resourcePool', 'resourcePool');
  const datastore = look('datastore', 'datastore');
  if (folder) out.folder = inv.folders.find((f) => f.moref === folder.moref)!;
  if (host) out.host = inv.hosts.find((h) => h.moref === host.moref)!;
  if (pool) out.resourcePool = inv.resourcePools.find((p) => p.moref === pool.moref)!;
  if (datastore) out.datastore = inv.datastores.find((d) => d.moref === datastore.moref)!;
  const inPool = (p: InventoryResourcePool, h: InventoryHost): boolean => p.hosts.some((r) => r === h.moref || r === h.name);
  if (out.host && out.resourcePool && out.resourcePool.hosts.length && !inPool(out.resourcePool, out.host)) {
    const p = displayPath(tree, pool!);
    out.issues.push(issue('HOST_NOT_IN_POOL', fault('placement', 'host', input.host!), `host ${qv(out.host.name)} is not one of the hosts of resource pool ${qv(p)}`, {
      value: input.host!,
      allowed: listed(out.resourcePool.hosts.map((r) => inv.hosts.find((h) => h.moref === r || h.name === r)?.name ?? r)),
      fix: 'choose a host of the pool\'s cluster, or the pool of the host\'s cluster',
    }));
  }
  if (out.folder && out.resourcePool?.type === 'vApp') {
    out.issues.push(issue('FOLDER_WITH_VAPP', fault('placement', 'folder', input.folder!), `a folder cannot be given when the resource pool is a vApp (${qv(displayPath(tree, pool!))}): the imported entity goes inside the vApp`, {
      value: input.folder!,
      fix: 'leave the folder out, or choose a resource pool that is not a vApp',
    }));
  }
  if (!options.complete) return out;
  const required = (field: keyof InventoryPlacementInput, what: string, choices: string[]): void => {
    out.issues.push(issue('PLACEMENT_REQUIRED', fault('placement', field, ''), `the datacenter ${qv(tree.datacenter.name)} has ${choices.length} ${what}: choose one`, {
      value: '',
      allowed: listed(choices),
      fix: `name the ${field === 'resourcePool' ? 'resource pool' : field} to import into`,
    }));
  };
  if (!out.resourcePool && input.resourcePool === undefined) {
    // A compute resource's root pool: named Resources, its parent no pool.
    const roots = tree.objects.filter((o) => o.kind === 'resourcePool' && o.path && o.type === 'ResourcePool' && tree.objects.some((c) => c.kind === 'computeResource' && `${c.path}/Resources` === normalizeInventoryPath(o.path!)));
    const mine = out.host ? roots.filter((o) => inPool(inv.resourcePools.find((p) => p.moref === o.moref)!, out.host!)) : roots;
    if (mine.length === 1) out.resourcePool = inv.resourcePools.find((p) => p.moref === mine[0]!.moref)!;
    else if (input.host === undefined || out.host) required('resourcePool', 'clusters and hosts', roots.map((o) => displayPath(tree, o)));
  }
  if (!out.datastore && input.datastore === undefined) {
    const usable = inv.datastores.filter((d) => d.accessible !== false && (!out.host || out.host.datastores.some((r) => r === d.moref || r === d.name)));
    if (usable.length === 1) out.datastore = usable[0]!;
    else required('datastore', 'datastores', usable.map((d) => d.name));
  }
  if (!out.folder && input.folder === undefined && out.resourcePool?.type !== 'vApp') {
    const vm = `${tree.datacenter.path}/vm`;
    const f = inv.folders.find((x) => x.path !== undefined && normalizeInventoryPath(x.path) === vm) ?? (inv.folders.length === 1 ? inv.folders[0] : undefined);
    if (f) out.folder = f;
  }
  return out;
}
