/**
 * Inventory paths, resolved once for every front end: offline against an inventory snapshot,
 * live against the snapshot the vsphere package captures from the server. The rules follow
 * govmomi's `find.Finder` (what `govc` does): a reference is a moref, an absolute path
 * (`/DC0/host/DC0_C0/Resources`), a path relative to the datacenter's folder for its kind
 * (`DC0_C0/Resources` under `host`, `LocalDS_0` under `datastore`), or a bare name searched
 * everywhere under that folder. Names are compared as vSphere stores them (`/` `%2f`, `\` `%5c`,
 * `%` `%25`), so `10.0.0.0/24` finds the port group vCenter lists as `10.0.0.0%2f24`.
 * @see vim25 SearchIndex.FindByInventoryPath, ManagedEntity.name
 */
import { escapeEntityName } from '../importspec/names';

/**
 * What a placement input names. `computeResource` is a cluster or a standalone host's compute
 * resource; `entity` a VM or vApp as export and govc name it (under the datacenter's VM folder).
 */
export type InventoryKind = 'datacenter' | 'folder' | 'computeResource' | 'host' | 'resourcePool' | 'datastore' | 'network' | 'entity';

/** One object as the resolver sees it. */
export interface InventoryObject {
  kind: InventoryKind;
  /** vim25 type: `Folder`, `HostSystem`, `ResourcePool`, `VirtualApp`, `Datastore`, `DistributedVirtualPortgroup`, … */
  type: string;
  moref: string;
  /** The name as the inventory stores it (escaped). */
  name: string;
  /** Absolute inventory path, names escaped; absent when the snapshot does not say. */
  path?: string;
}

/** The objects of one datacenter, the input of {@link resolveInventoryRef}. */
export interface InventoryTree {
  datacenter: InventoryObject;
  objects: InventoryObject[];
}

/** The datacenter folder an inventory kind lives under (`host` for hosts, clusters and pools). */
export const KIND_FOLDER: Record<InventoryKind, string> = {
  datacenter: '',
  folder: 'vm',
  computeResource: 'host',
  host: 'host',
  resourcePool: 'host',
  datastore: 'datastore',
  network: 'network',
  entity: 'vm',
};

/** A name as the inventory stores it (core's entity-name escaping), its escapes in vCenter's lower case (`%2F` is `%2f`). */
export function inventoryName(name: string): string {
  return escapeEntityName(name).replace(/%2F|%5C/g, (m) => m.toLowerCase());
}

/** An inventory path with every name escaped as vSphere stores it; escaping twice changes nothing. */
export function normalizeInventoryPath(path: string): string {
  return path.split('/').map((s) => inventoryName(s)).join('/');
}

/** The inventory path of an entity from its ancestors' names (root folder excluded), as {@link normalizeInventoryPath} writes it. */
export function inventoryPathOf(names: string[]): string {
  return '/' + names.map((n) => inventoryName(n)).join('/');
}

/** The outcome of resolving one reference: the object, or every match (none, or more than one). */
export type InventoryResolution = { found: InventoryObject } | { found?: undefined; matches: InventoryObject[] };

/** The parent of an absolute inventory path (`/DC0/host/C0` of `/DC0/host/C0/Resources`). */
export const inventoryParentPath = (p: string): string => p.slice(0, p.lastIndexOf('/'));
const lastOf = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** The absolute paths a reference may mean, most literal first (a name with `/` is tried as one name too). */
function candidatePaths(tree: InventoryTree, kind: InventoryKind, ref: string): string[] {
  const parts = ref.split('/').filter((s) => s !== '' && s !== '.');
  if (!parts.length) return [];
  const dc = tree.datacenter.path ?? `/${inventoryName(tree.datacenter.name)}`;
  const folder = KIND_FOLDER[kind];
  let base: string[];
  if (ref.startsWith('/')) base = [];
  else if (kind === 'datacenter') base = [];
  // `DC0/host/…` without the leading slash: the datacenter's own path, not a folder under it.
  else if (parts.length > 1 && inventoryName(parts[0]!) === lastOf(dc) && parts[1] === folder) base = [];
  else base = [...dc.split('/').filter(Boolean), ...(folder ? [folder] : [])];
  const out: string[] = [];
  // The last j parts as one name: `a/b/c` is also `a/b%2fc` and `a%2fb%2fc`.
  for (let j = 1; j <= parts.length; j++) {
    const segs = [...parts.slice(0, parts.length - j), parts.slice(parts.length - j).join('/')];
    out.push(inventoryPathOf([...base, ...segs]));
  }
  return [...new Set(out)];
}

/** Every object of `kind` whose path is one of `paths` (a pool also through its cluster's implicit `Resources`). */
function byPath(tree: InventoryTree, kind: InventoryKind, paths: string[]): InventoryObject[] {
  const want = new Set(paths);
  if (kind === 'resourcePool') {
    // vSphere Client hides a cluster's or host's root pool: `C0` is `C0/Resources`, `C0/web` is `C0/Resources/web`.
    const crs = tree.objects.filter((o) => o.kind === 'computeResource' && o.path).map((o) => normalizeInventoryPath(o.path!));
    for (const p of paths) {
      for (const c of crs) {
        if (p === c) want.add(`${c}/Resources`);
        else if (p.startsWith(`${c}/`) && !p.startsWith(`${c}/Resources/`)) want.add(`${c}/Resources/${p.slice(c.length + 1)}`);
      }
    }
  }
  return tree.objects.filter((o) => o.kind === kind && o.path !== undefined && want.has(normalizeInventoryPath(o.path)));
}

/**
 * Resolves one user reference to one object of `kind`: a moref value or `Type:value`, then an
 * inventory path (absolute or relative to the datacenter's folder for the kind), then a name
 * anywhere under that folder. For a resource pool a cluster or host stands for its root pool
 * `Resources` and may be left out of a child pool's path, and a vApp is a pool.
 * @example resolveInventoryRef(tree, 'resourcePool', 'DC0_C0') // { found: { path: '/DC0/host/DC0_C0/Resources', … } }
 */
export function resolveInventoryRef(tree: InventoryTree, kind: InventoryKind, ref: string): InventoryResolution {
  const ofKind = (kind === 'datacenter' ? [tree.datacenter] : tree.objects).filter((o) => o.kind === kind);
  const one = (list: InventoryObject[]): InventoryResolution => (list.length === 1 ? { found: list[0]! } : { matches: list });
  const byMoref = ofKind.filter((o) => o.moref === ref || `${o.type}:${o.moref}` === ref);
  if (byMoref.length) return one(byMoref);
  const all: InventoryTree = kind === 'datacenter' ? { ...tree, objects: [tree.datacenter] } : tree;
  const exact = byPath(all, kind, candidatePaths(tree, kind, ref));
  if (exact.length) return one(exact);
  if (ref.startsWith('/')) return { matches: [] };
  // A name (it may hold `/`) anywhere under the kind's folder, as govc's find mode.
  const dc = tree.datacenter.path ?? `/${inventoryName(tree.datacenter.name)}`;
  const under = KIND_FOLDER[kind] ? `${normalizeInventoryPath(dc)}/${KIND_FOLDER[kind]}/` : '/';
  const name = inventoryName(ref.replace(/^\.\//, ''));
  const inFolder = (o: InventoryObject): boolean => o.path === undefined || normalizeInventoryPath(o.path).startsWith(under);
  const named = ofKind.filter((o) => inventoryName(o.name) === name && inFolder(o));
  if (named.length || kind !== 'resourcePool') return one(named);
  // A cluster or host by name: its root pool.
  const crs = tree.objects.filter((o) => o.kind === 'computeResource' && o.path && inventoryName(o.name) === name);
  return one(byPath(tree, 'resourcePool', crs.map((c) => `${normalizeInventoryPath(c.path!)}/Resources`)));
}

/** How an object is shown in a message: its path relative to the kind's datacenter folder, else absolute, else its name. */
export function displayPath(tree: InventoryTree, o: InventoryObject): string {
  if (!o.path) return o.name;
  const dc = normalizeInventoryPath(tree.datacenter.path ?? `/${inventoryName(tree.datacenter.name)}`);
  const folder = KIND_FOLDER[o.kind];
  const p = normalizeInventoryPath(o.path);
  return folder && p.startsWith(`${dc}/${folder}/`) ? p.slice(dc.length + folder.length + 2) : p;
}

/** Edit distance of two short strings, a swap of neighbours counting one (optimal string alignment). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The objects of `kind` a mistyped reference most likely meant ("did you mean"): its path, name or
 * one of its path's names within a third of the reference's last name in edits (case ignored);
 * nearest first, at most 3.
 */
export function closestObjects(tree: InventoryTree, kind: InventoryKind, ref: string): InventoryObject[] {
  const want = inventoryName(lastOf(ref.replace(/\/+$/, ''))).toLowerCase();
  if (!want) return [];
  const scored = (kind === 'datacenter' ? [tree.datacenter] : tree.objects)
    .filter((o) => o.kind === kind)
    .map((o) => {
      const whole = displayPath(tree, o).toLowerCase();
      // Any segment counts, so a mistyped cluster finds its pools (`DC0_C1` → `DC0_C0/Resources`).
      const names = [inventoryName(o.name).toLowerCase(), ...whole.split('/')];
      const d = Math.min(distance(normalizeInventoryPath(ref).toLowerCase(), whole), ...names.map((n) => distance(want, n)));
      return { o, d };
    })
    .filter((x) => x.d <= Math.max(1, Math.floor(want.length / 3)))
    .sort((a, b) => a.d - b.d);
  return scored.slice(0, 3).map((x) => x.o);
}
