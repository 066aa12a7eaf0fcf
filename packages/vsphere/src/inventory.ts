import { closestObjects, inventoryPathOf, OvfkitError, resolveInventoryRef, UsageError, type InventoryObject as TreeObject, type InventoryTree } from '@ovfkit/core';
import type { ManagedObjectReference } from './soap/codec';
import { CreateContainerView, DestroyView, FindByInventoryPath } from './soap/methods';
import type { VimSession } from './session';

/** An inventory object found by path or id: its reference, name and (for a listing) properties. */
export interface InventoryObject {
  ref: ManagedObjectReference;
  name: string;
  props: Record<string, unknown>;
}

/** What {@link Inventory.resolve} looks for: the vim25 types of a kind, the types listed to build their paths with the properties naming each one's parent (first set wins), and the words of its messages. */
const RESOLVED: Record<'entity' | 'host', { types: string[]; parents: Record<string, string[]>; one: string; many: string; path: string; moref: string }> = {
  entity: {
    types: ['VirtualMachine', 'VirtualApp'],
    parents: { Folder: ['parent'], VirtualMachine: ['parentVApp', 'parent'], VirtualApp: ['parentVApp', 'parentFolder'] },
    one: 'VM or vApp', many: 'VMs and vApps', path: '/DC/vm/folder/name', moref: 'VirtualMachine:vm-42',
  },
  host: {
    types: ['HostSystem'],
    parents: { Folder: ['parent'], ComputeResource: ['parent'], ClusterComputeResource: ['parent'], HostSystem: ['parent'] },
    one: 'host', many: 'hosts', path: '/DC/host/cluster/name', moref: 'HostSystem:host-21',
  },
};

/**
 * Resolves vSphere inventory paths (`/dc/host/cluster/Resources/pool`, `/dc/datastore/ds1`,
 * `/dc/network/VM Network`, `/dc/vm/folder/vm`) and MoRef ids (`VirtualMachine:vm-42`) to
 * managed object references, through SearchIndex.FindByInventoryPath.
 * @see vim25 SearchIndex.FindByInventoryPath
 */
export class Inventory {
  constructor(readonly session: VimSession) {}

  /** The object at `path`, or undefined. A `Type:id` argument is taken as a MoRef as-is (checked to exist). */
  async find(path: string, signal?: AbortSignal): Promise<ManagedObjectReference | undefined> {
    const id = /^([A-Za-z]+):(.+)$/.exec(path);
    if (id && !path.startsWith('/')) {
      const ref = { type: id[1]!, value: id[2]! };
      try {
        const p = await this.session.properties(ref, ['name'], signal);
        return 'name' in p ? ref : undefined;
      } catch (e) {
        if ((e as { _typeName?: string })._typeName === 'ManagedObjectNotFound') return undefined;
        throw e;
      }
    }
    const clean = path.replace(/\/+$/, '');
    return this.session.client.send(new FindByInventoryPath({ _this: this.session.serviceContent.searchIndex, inventoryPath: clean.replace(/^\//, '') }), signal);
  }

  /** Like {@link find}, but a missing object is a clear usage error naming what was looked for. */
  async get(path: string, what: string, expectTypes?: string[], signal?: AbortSignal): Promise<ManagedObjectReference> {
    const ref = await this.find(path, signal);
    if (!ref) throw new UsageError(`no ${what} at inventory path ${JSON.stringify(path)}`);
    if (expectTypes && !expectTypes.includes(ref.type)) {
      throw new UsageError(`${JSON.stringify(path)} is a ${ref.type}, not a ${what} (${expectTypes.join(' or ')})`);
    }
    return ref;
  }

  /**
   * A VM or vApp by moref, absolute inventory path, path under its datacenter's VM folder
   * (`apps/web01`) or bare name when it is unique (govc's rules; {@link resolve}).
   * @example await inv.entity('web01') // { type: 'VirtualMachine', value: 'vm-42' } when one VM is named web01
   */
  entity(ref: string, signal?: AbortSignal): Promise<ManagedObjectReference> {
    return this.resolve('entity', ref, signal);
  }

  /**
   * A VM or vApp (`entity`) or a host by moref, absolute inventory path, path under its
   * datacenter's folder for the kind (`apps/web01`, `DC0_C0/DC0_C0_H0`) or bare name when it is
   * unique: an exact reference through FindByInventoryPath first, else core's
   * {@link resolveInventoryRef} over every datacenter's objects of the kind (the rules placement
   * and the offline plan use). Several matches are an error listing their paths; none names the
   * nearest ("did you mean").
   */
  async resolve(kind: keyof typeof RESOLVED, ref: string, signal?: AbortSignal): Promise<ManagedObjectReference> {
    const r = await this.lookup(kind, ref, signal);
    if ('missing' in r) throw new UsageError(r.missing);
    return r.ref;
  }

  /**
   * {@link resolve}, with nothing found as a value (`missing`: the message with its "did you
   * mean"), for callers where absence is an answer (`destroy --if-exists`). A reference naming
   * several objects, or one of another kind, is still an error.
   */
  async lookup(kind: keyof typeof RESOLVED, ref: string, signal?: AbortSignal): Promise<{ ref: ManagedObjectReference } | { missing: string }> {
    const k = RESOLVED[kind];
    const direct = await this.find(ref, signal);
    if (direct) {
      if (!k.types.includes(direct.type)) throw new UsageError(`${JSON.stringify(ref)} is a ${direct.type}, not a ${k.one} (${k.types.join(' or ')})`);
      return { ref: direct };
    }
    const trees = await this.trees(kind, signal);
    const found: TreeObject[] = [];
    const matches: TreeObject[] = [];
    for (const tree of trees) {
      const r = resolveInventoryRef(tree, kind, ref);
      if (r.found) found.push(r.found);
      else matches.push(...r.matches);
    }
    if (found.length === 1 && matches.length === 0) return { ref: { type: found[0]!.type, value: found[0]!.moref } };
    const all = [...found, ...matches];
    if (all.length > 1) {
      const paths = all.map((o) => JSON.stringify(o.path ?? o.name)).sort();
      throw new UsageError(`${JSON.stringify(ref)} names ${all.length} ${k.many}: ${paths.join(', ')}; give the inventory path of the one you mean`);
    }
    const near = trees.flatMap((t) => closestObjects(t, kind, ref)).map((o) => JSON.stringify(o.path ?? o.name));
    return { missing: `no ${k.one} ${JSON.stringify(ref)} in the inventory; ${near.length ? `did you mean ${near.join(' or ')}?` : `give its inventory path (${k.path}), its name or its moref (${k.moref})`}` };
  }

  /** Every datacenter's objects of `kind` with their inventory paths, as core's resolver reads them (one listing per datacenter; the folders and parents on the way listed too). */
  private async trees(kind: keyof typeof RESOLVED, signal?: AbortSignal): Promise<InventoryTree[]> {
    const k = RESOLVED[kind];
    const trees: InventoryTree[] = [];
    for (const dc of await this.list(['Datacenter'], [], undefined, signal)) {
      const dcNames = await this.namesOf(dc.ref, signal);
      const listed = await this.list(Object.keys(k.parents), k.parents, dc.ref, signal);
      // The parent an inventory path goes through: the first of the type's parent properties set (a vApp's VM folder, not its resource pool).
      const walked = listed.map((o) => ({ ...o, props: { parent: (k.parents[o.ref.type] ?? []).map((p) => o.props[p]).find((v) => v !== undefined) } }));
      const paths = pathsUnder(dc.ref, dcNames, walked);
      const seen = new Set<string>();
      trees.push({
        datacenter: { kind: 'datacenter', type: 'Datacenter', moref: dc.ref.value, name: dc.name, path: inventoryPathOf(dcNames) },
        objects: walked
          .filter((o) => k.types.includes(o.ref.type) && !seen.has(o.ref.value) && seen.add(o.ref.value))
          .map((o) => ({ kind, type: o.ref.type, moref: o.ref.value, name: o.name, path: paths.get(`${o.ref.type}:${o.ref.value}`)! })),
      });
    }
    return trees;
  }

  /** Every object of the given types under `container` (recursive), with the requested properties (the same for every type, or per type). */
  async list(types: string[], pathSet: string[] | Record<string, string[]>, container: ManagedObjectReference = this.session.serviceContent.rootFolder, signal?: AbortSignal): Promise<InventoryObject[]> {
    const vm = this.session.serviceContent.viewManager;
    if (!vm) throw new OvfkitError('VIM_PROTOCOL', 'the server has no ViewManager');
    const view = await this.session.client.send(new CreateContainerView({ _this: vm, container, type: types, recursive: true }), signal);
    try {
      const objs = await this.session.retrieve(
        [
          {
            propSet: types.map((type) => ({ type, pathSet: ['name', ...(Array.isArray(pathSet) ? pathSet : (pathSet[type] ?? [])).filter((p) => p !== 'name')] })),
            objectSet: [{ obj: view, skip: true, selectSet: [{ _typeName: 'TraversalSpec', name: 'view', type: 'ContainerView', path: 'view', skip: false }] }],
          },
        ],
        signal,
      );
      return objs.map((o) => {
        const props: Record<string, unknown> = {};
        for (const p of o.propSet) props[p.name] = p.val;
        return { ref: o.obj, name: String(props['name'] ?? ''), props };
      });
    } finally {
      await this.session.client.send(new DestroyView({ _this: view })).catch(() => undefined);
    }
  }

  /** The names of an entity and its ancestors below the root folder, as stored, by walking `parent`. */
  async namesOf(ref: ManagedObjectReference, signal?: AbortSignal): Promise<string[]> {
    const names: string[] = [];
    let cur: ManagedObjectReference | undefined = ref;
    while (cur && cur.value !== this.session.serviceContent.rootFolder.value) {
      const p = await this.session.properties(cur, ['name', 'parent'], signal);
      names.unshift(String(p['name'] ?? cur.value));
      cur = p['parent'] as ManagedObjectReference | undefined;
    }
    return names;
  }

  /** The inventory path of an entity; names escaped as vSphere stores them (core's inventoryPathOf). */
  async pathOf(ref: ManagedObjectReference, signal?: AbortSignal): Promise<string> {
    return inventoryPathOf(await this.namesOf(ref, signal));
  }
}

/**
 * The inventory path of every object of a listing under a datacenter (each with its `parent`
 * property; the folders on the way listed too), keyed `Type:value`: one listing, not one round
 * trip per ancestor. `datacenterNames` are the datacenter's {@link Inventory.namesOf}.
 */
export function pathsUnder(datacenter: ManagedObjectReference, datacenterNames: string[], listed: InventoryObject[]): Map<string, string> {
  const byKey = new Map(listed.map((o) => [`${o.ref.type}:${o.ref.value}`, o]));
  const out = new Map<string, string>();
  for (const o of listed) {
    const names: string[] = [];
    let cur: InventoryObject | undefined = o;
    // Up the parents listed here; the datacenter ends the walk (its folders are its children).
    for (let guard = 0; cur && guard < 256; guard++) {
      names.unshift(cur.name);
      const parent = cur.props['parent'] as ManagedObjectReference | undefined;
      if (!parent || parent.value === datacenter.value) break;
      cur = byKey.get(`${parent.type}:${parent.value}`);
    }
    out.set(`${o.ref.type}:${o.ref.value}`, inventoryPathOf([...datacenterNames, ...names]));
  }
  return out;
}
