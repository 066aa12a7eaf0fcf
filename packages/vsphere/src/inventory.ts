import { inventoryPathOf, OvfkitError, UsageError } from '@ovfkit/core';
import type { ManagedObjectReference } from './soap/codec';
import { CreateContainerView, DestroyView, FindByInventoryPath } from './soap/methods';
import type { VimSession } from './session';

/** An inventory object found by path or id: its reference, name and (for a listing) properties. */
export interface InventoryObject {
  ref: ManagedObjectReference;
  name: string;
  props: Record<string, unknown>;
}

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
