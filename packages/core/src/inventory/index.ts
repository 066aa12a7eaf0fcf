import { IssueCollector, type DocumentIssue } from '../hostprofiles/issues';
import { DISK_PROVISIONING_TYPES, type DiskProvisioningType } from '../hostprofiles/types';
import { inventoryTree } from './placement';
import { resolveInventoryRef, type InventoryKind } from './paths';
import { checkLibraries, type InventoryLibrary } from './libraries';

export * from './paths';
export * from './placement';
export * from './libraries';

/**
 * An inventory snapshot: the part of one vSphere datacenter that ValidateHost and
 * CreateImportSpec look at (datastores with space and provisioning, networks, resource pools and
 * vApps, folders, hosts with their profile), stored as JSON so a CI preview can check against a
 * real site without credentials. Documented in docs/inventory-snapshot.md.
 */
export const INVENTORY_FORMAT = 'ovfkit.inventory/1';

/** A managed object reference. @see vim25 ManagedObjectReference */
export interface MoRef {
  type: string;
  value: string;
}

/** Datastore types as `DatastoreSummary.type` reports them. */
export const DATASTORE_TYPES = ['VMFS', 'NFS', 'NFS41', 'CIFS', 'vsan', 'VVOL', 'PMEM', 'other'] as const;
export type DatastoreType = (typeof DATASTORE_TYPES)[number];

/** @see vim25 DatastoreSummary */
export interface InventoryDatastore {
  name: string;
  /** moref value, e.g. `datastore-11`. */
  moref: string;
  type: DatastoreType;
  /** Capacity in bytes. */
  capacity: number;
  /** Free space in bytes. */
  freeSpace: number;
  /** Provisioning types this datastore accepts; default by type (see {@link defaultDatastoreProvisioning}). */
  supportedDiskProvisioning?: DiskProvisioningType[];
  /** False when the datastore is inaccessible (`DatastoreSummary.accessible`). @default true */
  accessible?: boolean;
  /** Inventory path. @default `/<datacenter>/datastore/<name>` */
  path?: string;
}

export const NETWORK_TYPES = ['standard', 'dvportgroup', 'opaque'] as const;
/** `standard` = vim25 Network, `dvportgroup` = DistributedVirtualPortgroup, `opaque` = OpaqueNetwork. */
export type NetworkType = (typeof NETWORK_TYPES)[number];

export interface InventoryNetwork {
  name: string;
  moref: string;
  type: NetworkType;
  /** For a `dvportgroup`: the distributed switch's UUID (the NIC backing names it). */
  switchUuid?: string;
  /** Inventory path. @default `/<datacenter>/network/<name>` */
  path?: string;
}

export const POOL_TYPES = ['resourcePool', 'vApp'] as const;
export interface InventoryResourcePool {
  name: string;
  moref: string;
  /** `vApp` = a VirtualApp (children are imported into it; no folder is used). */
  type: (typeof POOL_TYPES)[number];
  /** Inventory path, e.g. `/DC1/host/Cluster1/Resources/web`. */
  path?: string;
  /** Names or morefs of the hosts whose resources this pool draws on. */
  hosts: string[];
}

export interface InventoryFolder {
  name: string;
  moref: string;
  path?: string;
}

export interface InventoryHost {
  name: string;
  moref: string;
  /** Host profile name (`esxi-8.0u3`); see docs/host-profiles.md. */
  profile: string;
  /** Datastores mounted on this host (names or morefs). */
  datastores: string[];
  /** Networks the host has (names or morefs). */
  networks: string[];
  /** Host is in maintenance mode or disconnected (imports go elsewhere). @default false */
  unavailable?: boolean;
  /** Inventory path, e.g. `/DC1/host/Cluster1/esx1.example.com`. @default below the cluster of a root pool listing it */
  path?: string;
}

/** One datacenter's inventory. */
export interface InventorySnapshot {
  format: typeof INVENTORY_FORMAT;
  datacenter: { name: string; moref: string };
  /** When and from where it was captured (informative). */
  capturedAt?: string;
  source?: string;
  folders: InventoryFolder[];
  hosts: InventoryHost[];
  datastores: InventoryDatastore[];
  networks: InventoryNetwork[];
  resourcePools: InventoryResourcePool[];
  /** vCenter's content libraries and their OVF items (captured with the REST API; absent from an ESXi or hand-written snapshot). */
  libraries?: InventoryLibrary[];
}

/**
 * Provisioning a datastore type accepts when the snapshot does not say: NFS without the VAAI
 * NAS plug-in only provisions thin; everything else takes all types.
 */
export function defaultDatastoreProvisioning(type: DatastoreType): DiskProvisioningType[] {
  if (type === 'NFS' || type === 'NFS41' || type === 'CIFS') return ['thin', 'sparse', 'monolithicSparse', 'twoGbMaxExtentSparse'];
  if (type === 'vsan' || type === 'VVOL') return ['thin', 'thick', 'eagerZeroedThick', 'sparse', 'flat'];
  return [...DISK_PROVISIONING_TYPES];
}

/** A checked inventory document. */
export interface InventoryCheck {
  inventory?: InventorySnapshot;
  issues: DocumentIssue[];
}

function names(c: IssueCollector, o: Record<string, unknown>, key: string, path: string): string[] {
  const out: string[] = [];
  c.array(o, key, path, false)?.forEach((v, i) => {
    if (typeof v === 'string' && v) out.push(v);
    else c.add('WRONG_TYPE', `${path}.${key}[${i}]`, v, 'a name or moref string', 'write each reference as a string');
  });
  return out;
}

/**
 * Checks an inventory-snapshot JSON value and returns the typed snapshot with every problem
 * found (duplicate names, host → datastore references that point nowhere, free space larger
 * than capacity, …); `inventory` is absent when any issue was found.
 * @example const { inventory, issues } = checkInventory(JSON.parse(text));
 */
export function checkInventory(json: unknown): InventoryCheck {
  const c = new IssueCollector();
  if (!c.isObject(json, '$')) return { issues: c.issues };
  if (json['format'] !== INVENTORY_FORMAT) {
    c.add('WRONG_FORMAT', '$.format', json['format'], `"${INVENTORY_FORMAT}"`, `set "format": "${INVENTORY_FORMAT}" (is this an inventory snapshot?)`);
    // Another kind of document: listing its fields as unknown would only bury the point.
    return { issues: c.issues };
  }
  c.unknownFields(json, '$', ['format', 'datacenter', 'capturedAt', 'source', 'folders', 'hosts', 'datastores', 'networks', 'resourcePools', 'libraries']);
  let datacenter: InventorySnapshot['datacenter'] | undefined;
  if (c.isObject(json['datacenter'], '$.datacenter')) {
    const n = c.string(json['datacenter'], 'name', '$.datacenter');
    const m = c.string(json['datacenter'], 'moref', '$.datacenter');
    if (n && m) datacenter = { name: n, moref: m };
  }
  const capturedAt = c.string(json, 'capturedAt', '$', false);
  const source = c.string(json, 'source', '$', false);
  const seen = new Map<string, Set<string>>();
  const unique = (kind: string, path: string, name: string, moref: string): void => {
    const s = seen.get(kind) ?? new Set<string>();
    seen.set(kind, s);
    for (const [field, v] of [['name', name], ['moref', moref]] as const) {
      if (s.has(`${field}:${v}`)) c.add('DUPLICATE', `${path}.${field}`, v, `a ${field} not used by another ${kind}`, `rename or remove the duplicate ${kind}`);
      s.add(`${field}:${v}`);
    }
  };
  const datastores: InventoryDatastore[] = [];
  c.array(json, 'datastores', '$')?.forEach((v, i) => {
    const p = `$.datastores[${i}]`;
    if (!c.isObject(v, p)) return;
    c.unknownFields(v, p, ['name', 'moref', 'type', 'capacity', 'freeSpace', 'supportedDiskProvisioning', 'accessible', 'path']);
    const name = c.string(v, 'name', p);
    const moref = c.string(v, 'moref', p);
    const type = c.oneOf(v, 'type', p, DATASTORE_TYPES);
    const capacity = c.integer(v, 'capacity', p, 0);
    const freeSpace = c.integer(v, 'freeSpace', p, 0);
    const accessible = c.boolean(v, 'accessible', p);
    const path = c.string(v, 'path', p, false);
    if (capacity !== undefined && freeSpace !== undefined && freeSpace > capacity) {
      c.add('OUT_OF_RANGE', `${p}.freeSpace`, freeSpace, `at most capacity (${capacity})`, 'free space cannot exceed capacity; recapture the snapshot');
    }
    let prov: DiskProvisioningType[] | undefined;
    const provList = c.array(v, 'supportedDiskProvisioning', p, false);
    if (provList) {
      prov = [];
      provList.forEach((x, j) => {
        if (typeof x === 'string' && (DISK_PROVISIONING_TYPES as readonly string[]).includes(x)) prov!.push(x as DiskProvisioningType);
        else c.add('UNKNOWN_VALUE', `${p}.supportedDiskProvisioning[${j}]`, x, DISK_PROVISIONING_TYPES.join(', '), 'use vim25 disk provisioning names');
      });
    }
    if (!name || !moref || !type || capacity === undefined || freeSpace === undefined) return;
    unique('datastore', p, path ?? name, moref);
    const d: InventoryDatastore = { name, moref, type, capacity, freeSpace };
    if (prov) d.supportedDiskProvisioning = prov;
    if (accessible !== undefined) d.accessible = accessible;
    if (path) d.path = path;
    datastores.push(d);
  });
  const networks: InventoryNetwork[] = [];
  c.array(json, 'networks', '$')?.forEach((v, i) => {
    const p = `$.networks[${i}]`;
    if (!c.isObject(v, p)) return;
    c.unknownFields(v, p, ['name', 'moref', 'type', 'switchUuid', 'path']);
    const name = c.string(v, 'name', p);
    const moref = c.string(v, 'moref', p);
    const type = c.oneOf(v, 'type', p, NETWORK_TYPES);
    const switchUuid = c.string(v, 'switchUuid', p, false);
    const path = c.string(v, 'path', p, false);
    if (!name || !moref || !type) return;
    unique('network', p, path ?? name, moref);
    networks.push({ name, moref, type, ...(switchUuid ? { switchUuid } : {}), ...(path ? { path } : {}) });
  });
  const folders: InventoryFolder[] = [];
  c.array(json, 'folders', '$', false)?.forEach((v, i) => {
    const p = `$.folders[${i}]`;
    if (!c.isObject(v, p)) return;
    c.unknownFields(v, p, ['name', 'moref', 'path']);
    const name = c.string(v, 'name', p);
    const moref = c.string(v, 'moref', p);
    const path = c.string(v, 'path', p, false);
    if (!name || !moref) return;
    unique('folder', p, path ?? name, moref);
    folders.push(path ? { name, moref, path } : { name, moref });
  });
  const hosts: InventoryHost[] = [];
  c.array(json, 'hosts', '$')?.forEach((v, i) => {
    const p = `$.hosts[${i}]`;
    if (!c.isObject(v, p)) return;
    c.unknownFields(v, p, ['name', 'moref', 'profile', 'datastores', 'networks', 'unavailable', 'path']);
    const name = c.string(v, 'name', p);
    const moref = c.string(v, 'moref', p);
    const profile = c.string(v, 'profile', p);
    const ds = names(c, v, 'datastores', p);
    const nets = names(c, v, 'networks', p);
    const unavailable = c.boolean(v, 'unavailable', p);
    const path = c.string(v, 'path', p, false);
    ds.forEach((r, j) => {
      if (!datastores.some((d) => d.name === r || d.moref === r)) c.add('DANGLING_REFERENCE', `${p}.datastores[${j}]`, r, 'the name or moref of a datastore in $.datastores', 'add the datastore or fix the reference');
    });
    nets.forEach((r, j) => {
      if (!networks.some((n) => n.name === r || n.moref === r)) c.add('DANGLING_REFERENCE', `${p}.networks[${j}]`, r, 'the name or moref of a network in $.networks', 'add the network or fix the reference');
    });
    if (!name || !moref || !profile) return;
    unique('host', p, path ?? name, moref);
    const h: InventoryHost = { name, moref, profile, datastores: ds, networks: nets };
    if (unavailable !== undefined) h.unavailable = unavailable;
    if (path) h.path = path;
    hosts.push(h);
  });
  const resourcePools: InventoryResourcePool[] = [];
  c.array(json, 'resourcePools', '$')?.forEach((v, i) => {
    const p = `$.resourcePools[${i}]`;
    if (!c.isObject(v, p)) return;
    c.unknownFields(v, p, ['name', 'moref', 'type', 'path', 'hosts']);
    const name = c.string(v, 'name', p);
    const moref = c.string(v, 'moref', p);
    const type = c.oneOf(v, 'type', p, POOL_TYPES, false) ?? 'resourcePool';
    const path = c.string(v, 'path', p, false);
    const hs = names(c, v, 'hosts', p);
    hs.forEach((r, j) => {
      if (!hosts.some((h) => h.name === r || h.moref === r)) c.add('DANGLING_REFERENCE', `${p}.hosts[${j}]`, r, 'the name or moref of a host in $.hosts', 'add the host or fix the reference');
    });
    if (!name || !moref) return;
    unique('resource pool', p, path ?? name, moref);
    const rp: InventoryResourcePool = { name, moref, type, hosts: hs };
    if (path) rp.path = path;
    resourcePools.push(rp);
  });
  const libraries = checkLibraries(c, json);
  if (c.issues.length > 0 || !datacenter) return { issues: c.issues };
  const inventory: InventorySnapshot = { format: INVENTORY_FORMAT, datacenter, folders, hosts, datastores, networks, resourcePools, ...(libraries ? { libraries } : {}) };
  if (capturedAt) inventory.capturedAt = capturedAt;
  if (source) inventory.source = source;
  return { inventory, issues: [] };
}

/** The one object of a snapshot list a reference resolves to ({@link resolveInventoryRef}), else undefined. */
function find<T extends { moref: string }>(inv: InventorySnapshot, kind: InventoryKind, list: T[], ref: string): T | undefined {
  const r = resolveInventoryRef(inventoryTree(inv), kind, ref);
  return r.found ? list.find((x) => x.moref === r.found.moref) : undefined;
}

/** Lookups over a snapshot by moref, inventory path or name, with the resolver's rules; undefined when none or several match. */
export const inventoryLookup = {
  datastore: (inv: InventorySnapshot, ref: string): InventoryDatastore | undefined => find(inv, 'datastore', inv.datastores, ref),
  network: (inv: InventorySnapshot, ref: string): InventoryNetwork | undefined => find(inv, 'network', inv.networks, ref),
  resourcePool: (inv: InventorySnapshot, ref: string): InventoryResourcePool | undefined => find(inv, 'resourcePool', inv.resourcePools, ref),
  host: (inv: InventorySnapshot, ref: string): InventoryHost | undefined => find(inv, 'host', inv.hosts, ref),
  folder: (inv: InventorySnapshot, ref: string): InventoryFolder | undefined => find(inv, 'folder', inv.folders, ref),
};

/** The vim25 type of a network moref. */
export function networkMoRefType(n: InventoryNetwork): string {
  return n.type === 'dvportgroup' ? 'DistributedVirtualPortgroup' : n.type === 'opaque' ? 'OpaqueNetwork' : 'Network';
}
