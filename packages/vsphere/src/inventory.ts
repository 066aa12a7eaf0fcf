import { OvfkitError, UsageError } from '@ovfkit/core';
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

  /** Every object of the given types under `container` (recursive), with the requested properties. */
  async list(types: string[], pathSet: string[], container: ManagedObjectReference = this.session.serviceContent.rootFolder, signal?: AbortSignal): Promise<InventoryObject[]> {
    const vm = this.session.serviceContent.viewManager;
    if (!vm) throw new OvfkitError('VIM_PROTOCOL', 'the server has no ViewManager');
    const view = await this.session.client.send(new CreateContainerView({ _this: vm, container, type: types, recursive: true }), signal);
    try {
      const objs = await this.session.retrieve(
        [
          {
            propSet: types.map((type) => ({ type, pathSet: ['name', ...pathSet.filter((p) => p !== 'name')] })),
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

  /** The inventory path of an entity, built by walking `parent` up to the root folder. */
  async pathOf(ref: ManagedObjectReference, signal?: AbortSignal): Promise<string> {
    const parts: string[] = [];
    let cur: ManagedObjectReference | undefined = ref;
    while (cur && cur.value !== this.session.serviceContent.rootFolder.value) {
      const p = await this.session.properties(cur, ['name', 'parent'], signal);
      parts.unshift(String(p['name'] ?? cur.value).replace(/\//g, '%2f'));
      cur = p['parent'] as ManagedObjectReference | undefined;
    }
    return '/' + parts.join('/');
  }
}

/** What an import is placed into, resolved from user-given paths and the inventory's defaults. */
export interface Placement {
  datacenter: ManagedObjectReference;
  datacenterPath: string;
  /** A ResourcePool or a VirtualApp. */
  resourcePool: ManagedObjectReference;
  datastore: ManagedObjectReference;
  /** Omitted when the pool is a VirtualApp (vCenter rejects a folder there). */
  folder: ManagedObjectReference | undefined;
  host: ManagedObjectReference | undefined;
}

/** User choices for {@link resolvePlacement}; paths may be relative to the datacenter. */
export interface PlacementInput {
  datacenter?: string;
  pool?: string;
  datastore?: string;
  folder?: string;
  host?: string;
}

/**
 * Resolves datacenter, pool, datastore, folder and host. Each may be an absolute inventory path,
 * a path relative to its datacenter folder (`ds1` → `/dc/datastore/ds1`), or left out when the
 * inventory has exactly one candidate.
 */
export async function resolvePlacement(inv: Inventory, input: PlacementInput, signal?: AbortSignal): Promise<Placement> {
  let datacenterPath: string;
  let datacenter: ManagedObjectReference;
  if (input.datacenter) {
    datacenterPath = input.datacenter.startsWith('/') ? input.datacenter : `/${input.datacenter}`;
    datacenter = await inv.get(datacenterPath, 'datacenter', ['Datacenter'], signal);
  } else {
    const dcs = await inv.list(['Datacenter'], [], undefined, signal);
    if (dcs.length !== 1) throw new UsageError(`the inventory has ${dcs.length} datacenters (${dcs.map((d) => d.name).join(', ')}): choose one with --datacenter`);
    datacenter = dcs[0]!.ref;
    datacenterPath = await inv.pathOf(datacenter, signal);
  }
  const under = (p: string, folder: string): string => (p.startsWith('/') || /^[A-Za-z]+:/.test(p) ? p : `${datacenterPath}/${folder}/${p}`);

  let datastore: ManagedObjectReference;
  if (input.datastore) datastore = await inv.get(under(input.datastore, 'datastore'), 'datastore', ['Datastore'], signal);
  else datastore = await only(inv, datacenter, 'Datastore', 'datastore', '--datastore', signal);

  let host: ManagedObjectReference | undefined;
  if (input.host) host = await inv.get(under(input.host, 'host'), 'host', ['HostSystem'], signal);

  let resourcePool: ManagedObjectReference;
  if (input.pool) {
    resourcePool = await inv.get(under(input.pool, 'host'), 'resource pool', ['ResourcePool', 'VirtualApp'], signal);
  } else if (host) {
    const parent = (await inv.session.properties(host, ['parent'], signal))['parent'] as ManagedObjectReference;
    resourcePool = (await inv.session.properties(parent, ['resourcePool'], signal))['resourcePool'] as ManagedObjectReference;
  } else {
    const crs = await inv.list(['ComputeResource'], ['resourcePool'], datacenter, signal);
    if (crs.length !== 1) throw new UsageError(`the datacenter has ${crs.length} clusters/hosts (${crs.map((c) => c.name).join(', ')}): choose a resource pool with --pool`);
    resourcePool = crs[0]!.props['resourcePool'] as ManagedObjectReference;
  }

  let folder: ManagedObjectReference | undefined;
  if (resourcePool.type !== 'VirtualApp') {
    if (input.folder) folder = await inv.get(under(input.folder, 'vm'), 'folder', ['Folder'], signal);
    else folder = (await inv.session.properties(datacenter, ['vmFolder'], signal))['vmFolder'] as ManagedObjectReference;
  } else if (input.folder) {
    throw new UsageError('--folder cannot be used when --pool is a vApp: the imported entity goes inside the vApp');
  }
  return { datacenter, datacenterPath, resourcePool, datastore, folder, host };
}

/** A network of `--net OVF=NET`: an absolute path, `Type:id`, or a path under the datacenter's network folder. */
export function resolveNetwork(inv: Inventory, placement: Placement, target: string, signal?: AbortSignal): Promise<ManagedObjectReference> {
  const p = target.startsWith('/') || /^[A-Za-z]+:/.test(target) ? target : `${placement.datacenterPath}/network/${target}`;
  return inv.get(p, 'network', ['Network', 'DistributedVirtualPortgroup', 'OpaqueNetwork'], signal);
}

async function only(inv: Inventory, dc: ManagedObjectReference, type: string, what: string, flag: string, signal?: AbortSignal): Promise<ManagedObjectReference> {
  const all = await inv.list([type], [], dc, signal);
  if (all.length !== 1) throw new UsageError(`the datacenter has ${all.length} ${what}s (${all.map((d) => d.name).join(', ')}): choose one with ${flag}`);
  return all[0]!.ref;
}
