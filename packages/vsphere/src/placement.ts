/**
 * Live placement: the server's inventory captured as a snapshot ({@link captureInventory}) and
 * resolved by core's rules ({@link resolveInventoryPlacement}), the same ones `ovfkit plan`
 * applies offline, so a path means the same object and a problem gets the same code in both.
 */
import { inventoryParentPath, inventoryTree, networkMoRefType, OvfkitError, resolveInventoryPlacement, resolveMappedNetwork, type InventoryPlacement, type InventorySnapshot, type OvfIssue } from '@ovfkit/core';
import { captureInventory } from './capture';
import type { Inventory } from './inventory';
import type { ManagedObjectReference } from './soap/codec';

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

/** User choices for {@link resolvePlacement}: each a moref, an inventory path or a name (core's resolver). */
export interface PlacementInput {
  datacenter?: string;
  pool?: string;
  datastore?: string;
  folder?: string;
  host?: string;
  /** OVF network name → network (a moref, an inventory path or a name), resolved with the placement. */
  networkMapping?: Record<string, string>;
}

/** The placement cannot be resolved: every problem, with core's codes (UNKNOWN_DATASTORE, …). Nothing was created. */
export class PlacementError extends OvfkitError {
  constructor(readonly issues: OvfIssue[]) {
    super('USAGE', `placement: ${issues.map((i) => `${i.localizedMessage}${i.fix ? ` (${i.fix})` : ''} [${i.code}]`).join('; ')}`);
  }
}

/** The server's inventory of one datacenter (the only one when not named), as core resolves placement against it. */
export function liveInventory(inv: Inventory, datacenter: string | undefined, signal?: AbortSignal): Promise<InventorySnapshot> {
  return captureInventory(inv.session, { ...(datacenter ? { datacenter } : {}), ...(signal ? { signal } : {}) });
}

/**
 * The references an import sends, from what core resolved on the live snapshot. A folder left
 * out (and not a vApp) is the datacenter's VM folder.
 */
export async function placementOf(inv: Inventory, snapshot: InventorySnapshot, r: Omit<InventoryPlacement, 'issues'>, signal?: AbortSignal): Promise<Placement> {
  if (!r.resourcePool || !r.datastore) throw new OvfkitError('INTERNAL', 'placement resolved without a resource pool or datastore');
  const datacenter = { type: 'Datacenter', value: snapshot.datacenter.moref };
  const resourcePool = { type: r.resourcePool.type === 'vApp' ? 'VirtualApp' : 'ResourcePool', value: r.resourcePool.moref };
  let folder: ManagedObjectReference | undefined = r.folder ? { type: 'Folder', value: r.folder.moref } : undefined;
  if (!folder && resourcePool.type !== 'VirtualApp') folder = (await inv.session.properties(datacenter, ['vmFolder'], signal))['vmFolder'] as ManagedObjectReference;
  return {
    datacenter,
    // The datacenter's path is its VM folder's parent (the shortest folder path), read only when the snapshot has no folder path.
    datacenterPath: dcPathOf(snapshot) ?? (await inv.pathOf(datacenter, signal)),
    resourcePool,
    datastore: { type: 'Datastore', value: r.datastore.moref },
    folder,
    host: r.host ? { type: 'HostSystem', value: r.host.moref } : undefined,
  };
}

/** The datacenter path a snapshot implies: the parent of its shortest folder path (the VM folder). */
function dcPathOf(snapshot: InventorySnapshot): string | undefined {
  const shortest = snapshot.folders.map((f) => f.path).filter((p): p is string => p !== undefined).sort((a, b) => a.length - b.length)[0];
  return shortest ? inventoryParentPath(shortest) : undefined;
}

/**
 * Resolves datacenter, pool, datastore, folder, host and each mapped network against the server's
 * inventory with core's rules: a moref, an absolute inventory path, a path relative to the
 * datacenter's folder for the kind (`DC0_C0/Resources`, `LocalDS_0`), a name, or left out when
 * there is one candidate. Every problem at once is a {@link PlacementError}.
 */
export async function resolvePlacement(inv: Inventory, input: PlacementInput, signal?: AbortSignal): Promise<Placement & { networks: Record<string, ManagedObjectReference> }> {
  const snapshot = await liveInventory(inv, input.datacenter, signal);
  const tree = inventoryTree(snapshot);
  const r = resolveInventoryPlacement(
    snapshot,
    {
      ...(input.pool !== undefined ? { resourcePool: input.pool } : {}),
      ...(input.datastore !== undefined ? { datastore: input.datastore } : {}),
      ...(input.folder !== undefined ? { folder: input.folder } : {}),
      ...(input.host !== undefined ? { host: input.host } : {}),
    },
    { complete: true, tree },
  );
  const networks: Record<string, ManagedObjectReference> = {};
  for (const [ovfName, target] of Object.entries(input.networkMapping ?? {})) {
    const n = resolveMappedNetwork(snapshot, ovfName, target, tree);
    if (n.network) networks[ovfName] = { type: networkMoRefType(n.network), value: n.network.moref };
    else if (n.issue) r.issues.push(n.issue);
  }
  if (r.issues.length) throw new PlacementError(r.issues);
  return { ...(await placementOf(inv, snapshot, r, signal)), networks };
}
