import * as assert from 'node:assert/strict';
import { checkInventory, INVENTORY_FORMAT, type InventorySnapshot } from './index';
import { inventoryTree, resolveInventoryPlacement, resolveMappedNetwork } from './placement';
import { resolveInventoryRef, type InventoryKind } from './paths';

/**
 * A datacenter shaped like the simulator's and a real vCenter's: a cluster of two hosts with a
 * child pool and a vApp, a standalone host, a datastore in a folder, port groups whose names hold
 * `/` (stored escaped, as vCenter does) and one stored raw (as an ESXi or vcsim may).
 */
const DC: InventorySnapshot = checkInventory({
  format: INVENTORY_FORMAT,
  datacenter: { name: 'DC0', moref: 'datacenter-2' },
  folders: [
    { name: 'vm', moref: 'folder-3', path: '/DC0/vm' },
    { name: 'prod', moref: 'folder-30', path: '/DC0/vm/prod' },
  ],
  hosts: [
    { name: 'DC0_H0', moref: 'host-21', profile: 'esxi-8.0u3', datastores: ['ds-1'], networks: ['network-7'], path: '/DC0/host/DC0_H0/DC0_H0' },
    { name: 'DC0_C0_H0', moref: 'host-34', profile: 'esxi-8.0u3', datastores: ['ds-1', 'ds-2'], networks: ['network-7', 'dvportgroup-13'], path: '/DC0/host/DC0_C0/DC0_C0_H0' },
    { name: 'DC0_C0_H1', moref: 'host-42', profile: 'esxi-8.0u3', datastores: ['ds-1', 'ds-2'], networks: ['network-7', 'dvportgroup-13'], path: '/DC0/host/DC0_C0/DC0_C0_H1' },
  ],
  datastores: [
    { name: 'LocalDS_0', moref: 'ds-1', type: 'VMFS', capacity: 2 ** 40, freeSpace: 2 ** 39, path: '/DC0/datastore/LocalDS_0' },
    { name: 'shared', moref: 'ds-2', type: 'VMFS', capacity: 2 ** 40, freeSpace: 2 ** 39, path: '/DC0/datastore/san/shared' },
  ],
  networks: [
    { name: 'VM Network', moref: 'network-7', type: 'standard', path: '/DC0/network/VM Network' },
    { name: '10.0.0.0%2f24', moref: 'dvportgroup-13', type: 'dvportgroup', path: '/DC0/network/10.0.0.0%2f24' },
    { name: 'lab/raw', moref: 'network-9', type: 'standard' },
  ],
  resourcePools: [
    { name: 'Resources', moref: 'resgroup-22', type: 'resourcePool', path: '/DC0/host/DC0_H0/Resources', hosts: ['host-21'] },
    { name: 'Resources', moref: 'resgroup-26', type: 'resourcePool', path: '/DC0/host/DC0_C0/Resources', hosts: ['host-34', 'host-42'] },
    { name: 'web', moref: 'resgroup-40', type: 'resourcePool', path: '/DC0/host/DC0_C0/Resources/web', hosts: ['host-34', 'host-42'] },
    { name: 'app', moref: 'resgroup-v50', type: 'vApp', path: '/DC0/host/DC0_C0/Resources/app', hosts: ['host-34', 'host-42'] },
  ],
}).inventory!;

describe('inventory paths (one resolver, offline and live)', () => {
  it('reads the snapshot', () => assert.ok(DC));

  const resolves: Array<[InventoryKind, string, string]> = [
    // Resource pools: absolute, relative to the host folder, the implicit Resources of a cluster or host, moref, vApp.
    ['resourcePool', '/DC0/host/DC0_C0/Resources', 'resgroup-26'],
    ['resourcePool', 'DC0_C0/Resources', 'resgroup-26'],
    ['resourcePool', 'DC0_C0', 'resgroup-26'],
    ['resourcePool', 'DC0_H0', 'resgroup-22'],
    ['resourcePool', '/DC0/host/DC0_C0', 'resgroup-26'],
    ['resourcePool', 'DC0/host/DC0_C0/Resources', 'resgroup-26'],
    ['resourcePool', 'DC0_C0/web', 'resgroup-40'],
    ['resourcePool', 'DC0_C0/Resources/web', 'resgroup-40'],
    ['resourcePool', 'web', 'resgroup-40'],
    ['resourcePool', 'resgroup-26', 'resgroup-26'],
    ['resourcePool', 'ResourcePool:resgroup-26', 'resgroup-26'],
    ['resourcePool', 'DC0_C0/app', 'resgroup-v50'],
    ['resourcePool', 'VirtualApp:resgroup-v50', 'resgroup-v50'],
    // Hosts, datastores (one in a folder), folders, the datacenter.
    ['host', 'DC0_C0_H1', 'host-42'],
    ['host', 'DC0_C0/DC0_C0_H1', 'host-42'],
    ['host', '/DC0/host/DC0_H0/DC0_H0', 'host-21'],
    ['datastore', 'LocalDS_0', 'ds-1'],
    ['datastore', 'shared', 'ds-2'],
    ['datastore', 'san/shared', 'ds-2'],
    ['datastore', '/DC0/datastore/san/shared', 'ds-2'],
    ['folder', 'prod', 'folder-30'],
    ['folder', '/DC0/vm', 'folder-3'],
    ['datacenter', 'DC0', 'datacenter-2'],
    ['datacenter', '/DC0', 'datacenter-2'],
    // Networks: a name holding "/" as the user writes it, escaped, by path; a raw stored "/" name.
    ['network', '10.0.0.0/24', 'dvportgroup-13'],
    ['network', '10.0.0.0%2f24', 'dvportgroup-13'],
    ['network', '10.0.0.0%2F24', 'dvportgroup-13'],
    ['network', '/DC0/network/10.0.0.0%2f24', 'dvportgroup-13'],
    ['network', '/DC0/network/10.0.0.0/24', 'dvportgroup-13'],
    ['network', 'lab/raw', 'network-9'],
    ['network', 'lab%2fraw', 'network-9'],
    ['network', 'VM Network', 'network-7'],
    ['network', 'DistributedVirtualPortgroup:dvportgroup-13', 'dvportgroup-13'],
  ];
  for (const [kind, ref, moref] of resolves) {
    it(`resolves ${kind} ${JSON.stringify(ref)}`, () => {
      const r = resolveInventoryRef(inventoryTree(DC), kind, ref);
      assert.equal(r.found?.moref, moref, JSON.stringify(r));
    });
  }

  it('finds nothing for a path of another kind or a name the datacenter lacks', () => {
    const tree = inventoryTree(DC);
    for (const [kind, ref] of [['resourcePool', 'LocalDS_0'], ['datastore', 'DC0_C0/Resources'], ['resourcePool', 'DC0_C0/Resources/nope'], ['folder', '/DC0/vm/prod/x'], ['network', '10.0.0.0']] as const) {
      assert.deepEqual(resolveInventoryRef(tree, kind, ref), { matches: [] }, `${kind} ${ref}`);
    }
  });

  it('reports every placement problem at once, with the candidates', () => {
    const r = resolveInventoryPlacement(DC, { datacenter: 'DC1', folder: 'prdo', host: 'DC0_C0_H9', resourcePool: 'Resources', datastore: 'LocalDS_1' });
    assert.deepEqual(
      r.issues.map((i) => [i.code, i.fault._typeName, (i.fault as { attributeName?: string }).attributeName, i.value, i.localizedMessage, i.allowed, i.fix]),
      [
        ['UNKNOWN_DATACENTER', 'OvfInvalidValueReference', 'datacenter', 'DC1', 'datacenter "DC1" is not in the inventory of datacenter "DC0"', '/DC0', 'did you mean "/DC0"?'],
        ['UNKNOWN_FOLDER', 'OvfInvalidValueReference', 'folder', 'prdo', 'folder "prdo" is not in the inventory of datacenter "DC0"', '/DC0/vm, prod', 'did you mean "prod"?'],
        ['UNKNOWN_HOST', 'OvfInvalidValueReference', 'host', 'DC0_C0_H9', 'host "DC0_C0_H9" is not in the inventory of datacenter "DC0"', 'DC0_H0/DC0_H0, DC0_C0/DC0_C0_H0, DC0_C0/DC0_C0_H1', 'did you mean "DC0_C0/DC0_C0_H0" or "DC0_C0/DC0_C0_H1"?'],
        [
          'AMBIGUOUS_INVENTORY_PATH', 'OvfInvalidValueReference', 'resourcePool', 'Resources',
          'resource pool or vApp "Resources" matches 2 resource pools and vApps: "DC0_H0/Resources", "DC0_C0/Resources"',
          'DC0_H0/Resources, DC0_C0/Resources', 'give the inventory path of the one you mean, e.g. "DC0_H0/Resources"',
        ],
        ['UNKNOWN_DATASTORE', 'OvfInvalidValueReference', 'datastore', 'LocalDS_1', 'datastore "LocalDS_1" is not in the inventory of datacenter "DC0"', 'LocalDS_0, san/shared', 'did you mean "LocalDS_0"?'],
      ],
    );
    assert.deepEqual([r.folder, r.host, r.resourcePool, r.datastore], [undefined, undefined, undefined, undefined]);
  });

  it('refuses a host outside the pool and a folder with a vApp', () => {
    const r = resolveInventoryPlacement(DC, { host: 'DC0_H0', resourcePool: 'DC0_C0/app', folder: 'prod' });
    assert.deepEqual(r.issues.map((i) => [i.code, i.localizedMessage]), [
      ['HOST_NOT_IN_POOL', 'host "DC0_H0" is not one of the hosts of resource pool "DC0_C0/Resources/app"'],
      ['FOLDER_WITH_VAPP', 'a folder cannot be given when the resource pool is a vApp ("DC0_C0/Resources/app"): the imported entity goes inside the vApp'],
    ]);
  });

  it('for an import, takes the only candidate or asks for one', () => {
    const byHost = resolveInventoryPlacement(DC, { host: 'DC0_H0' }, { complete: true });
    assert.deepEqual([byHost.issues, byHost.resourcePool?.moref, byHost.datastore?.moref, byHost.folder?.moref], [[], 'resgroup-22', 'ds-1', 'folder-3']);
    const none = resolveInventoryPlacement(DC, {}, { complete: true });
    assert.deepEqual(none.issues.map((i) => [i.code, i.localizedMessage, i.allowed]), [
      ['PLACEMENT_REQUIRED', 'the datacenter "DC0" has 2 clusters and hosts: choose one', 'DC0_H0/Resources, DC0_C0/Resources'],
      ['PLACEMENT_REQUIRED', 'the datacenter "DC0" has 2 datastores: choose one', 'LocalDS_0, shared'],
    ]);
  });

  it('gives the issue for a network mapping that names no network, or several', () => {
    assert.equal(resolveMappedNetwork(DC, 'VM Network', '10.0.0.0/24').network?.moref, 'dvportgroup-13');
    const unknown = resolveMappedNetwork(DC, 'VM Network', 'vm network').issue!;
    assert.deepEqual([unknown.code, unknown.fault, unknown.localizedMessage, unknown.fix], [
      'UNKNOWN_MAPPED_NETWORK',
      { _typeName: 'OvfInvalidValueReference', lineNumber: 0, elementName: 'networkMapping', attributeName: 'network', value: 'vm network' },
      'networkMapping sends "VM Network" to "vm network", which is not in the inventory of datacenter "DC0"',
      'did you mean "VM Network"?',
    ]);
    const twice = structuredClone(DC);
    twice.networks.push({ name: 'db', moref: 'network-8', type: 'standard', path: '/DC0/network/a/db' }, { name: 'db', moref: 'network-10', type: 'standard', path: '/DC0/network/b/db' });
    const ambiguous = resolveMappedNetwork(twice, 'VM Network', 'db').issue!;
    assert.deepEqual([ambiguous.code, ambiguous.localizedMessage], ['AMBIGUOUS_INVENTORY_PATH', 'networkMapping sends "VM Network" to "db", which matches 2 networks: "a/db", "b/db"']);
    assert.equal(resolveMappedNetwork(twice, 'VM Network', 'b/db').network?.moref, 'network-10');
  });
});
