import * as assert from 'node:assert/strict';
import { checkInventory, defaultDatastoreProvisioning, inventoryLookup, INVENTORY_FORMAT, itemContent, itemContentBytes, snapshotLibraryItem } from './index';

/** A small but complete site: one cluster host, VMFS and NFS datastores, three network kinds. */
export const SITE = {
  format: INVENTORY_FORMAT,
  datacenter: { name: 'DC1', moref: 'datacenter-2' },
  capturedAt: '2026-11-24T12:00:00Z',
  folders: [{ name: 'vm', moref: 'group-v4', path: '/DC1/vm' }],
  hosts: [{ name: 'esx1.lab', moref: 'host-10', profile: 'esxi-7.0u3', datastores: ['vmfs1', 'nfs1'], networks: ['VM Network', 'prod-pg'] }],
  datastores: [
    { name: 'vmfs1', moref: 'datastore-11', type: 'VMFS', capacity: 500 * 2 ** 30, freeSpace: 200 * 2 ** 30 },
    { name: 'nfs1', moref: 'datastore-12', type: 'NFS', capacity: 100 * 2 ** 30, freeSpace: 1 * 2 ** 30 },
  ],
  networks: [
    { name: 'VM Network', moref: 'network-13', type: 'standard' },
    { name: 'prod-pg', moref: 'dvportgroup-14', type: 'dvportgroup', switchUuid: '50 1e 2a 3b 4c 5d 6e 7f-80 91 a2 b3 c4 d5 e6 f7' },
    { name: 'nsx-seg', moref: 'network-o15', type: 'opaque' },
  ],
  resourcePools: [{ name: 'Resources', moref: 'resgroup-8', type: 'resourcePool', path: '/DC1/host/Cluster1/Resources', hosts: ['esx1.lab'] }],
};

describe('inventory snapshots', () => {
  it('accept a complete site and find things by name, moref or path', () => {
    const { inventory, issues } = checkInventory(SITE);
    assert.deepEqual(issues, []);
    assert.ok(inventory);
    assert.equal(inventoryLookup.datastore(inventory, 'datastore-12')?.name, 'nfs1');
    assert.equal(inventoryLookup.network(inventory, 'prod-pg')?.type, 'dvportgroup');
    assert.equal(inventoryLookup.resourcePool(inventory, '/DC1/host/Cluster1/Resources')?.moref, 'resgroup-8');
    assert.equal(inventoryLookup.host(inventory, 'esx1.lab')?.profile, 'esxi-7.0u3');
  });

  it('report dangling references, impossible free space and duplicates, all at once', () => {
    const bad = structuredClone(SITE) as unknown as Record<string, unknown[]> & typeof SITE;
    bad.datastores.push({ name: 'vmfs1', moref: 'datastore-99', type: 'VMFS', capacity: 10, freeSpace: 20 });
    bad.hosts[0]!.datastores.push('missing-ds');
    bad.resourcePools[0]!.hosts.push('esx9');
    const { inventory, issues } = checkInventory(bad);
    assert.equal(inventory, undefined);
    assert.deepEqual(issues.map((i) => `${i.code} ${i.path}`).sort(), [
      'DANGLING_REFERENCE $.hosts[0].datastores[2]',
      'DANGLING_REFERENCE $.resourcePools[0].hosts[1]',
      'DUPLICATE $.datastores[2].name',
      'OUT_OF_RANGE $.datastores[2].freeSpace',
    ]);
  });

  it('assume NFS datastores provision thin only unless the snapshot says otherwise', () => {
    assert.ok(!defaultDatastoreProvisioning('NFS').includes('thick'));
    assert.ok(defaultDatastoreProvisioning('VMFS').includes('eagerZeroedThick'));
  });

  it('keep content libraries: an item\'s descriptor as text (or base64 when not UTF-8) with its digest; found by LIB/ITEM or item id', () => {
    const descriptor = itemContent('web.ovf', Buffer.from('<Envelope/>'));
    const cert = itemContent('web.cert', Buffer.from([0xff, 0xfe, 0x00]));
    assert.deepEqual([descriptor.text, descriptor.base64, cert.text, cert.base64, itemContentBytes(cert)], ['<Envelope/>', undefined, undefined, '//4A', Buffer.from([0xff, 0xfe, 0x00])]);
    const item = { name: 'web', id: 'item-1', contentVersion: '2', files: [{ name: 'web.ovf', size: 11 }, { name: 'web.cert', size: 3 }], descriptor, certificate: cert };
    const { inventory, issues } = checkInventory({ ...SITE, libraries: [{ name: 'Templates', id: 'lib-1', type: 'LOCAL', items: [item] }] });
    assert.deepEqual(issues, []);
    assert.deepEqual(inventory?.libraries, [{ name: 'Templates', id: 'lib-1', type: 'LOCAL', items: [item] }]);
    assert.deepEqual([snapshotLibraryItem(inventory!.libraries, 'templates/web').item, snapshotLibraryItem(inventory!.libraries, 'lib-1/web').item, snapshotLibraryItem(inventory!.libraries, 'item-1').item], [item, item, item]);
    assert.throws(() => snapshotLibraryItem(inventory!.libraries, 'Templates/nope'), /^UsageError: content library "Templates" has no OVF item "nope" in the inventory snapshot$/);
    assert.throws(() => snapshotLibraryItem(undefined, 'Templates/web'), /has no content libraries/);
  });

  it('report a changed descriptor, a descriptor that is not a file of the item, duplicates and a missing text, all at once', () => {
    const descriptor = { ...itemContent('web.ovf', Buffer.from('<Envelope/>')), text: '<Envelope changed="1"/>' };
    const libraries = [
      { name: 'lib', id: 'lib-1', type: 'LOCAL', items: [{ name: 'web', id: 'item-1', files: [{ name: 'web.ovf', size: 11 }], descriptor, certificate: { name: 'web.ovf', digest: 'sha256:00' } }, { name: 'web', id: 'lib-1', files: [], descriptor: itemContent('x.ovf', Buffer.from('<Envelope/>')) }] },
      { name: 'LIB', id: 'lib-2', type: 'PUBLISHED', items: [] },
    ];
    const { inventory, issues } = checkInventory({ ...SITE, libraries });
    assert.equal(inventory, undefined);
    assert.deepEqual(issues.map((i) => `${i.code} ${i.path}`), [
      'DIGEST_MISMATCH $.libraries[0].items[0].descriptor.digest',
      'MISSING_FIELD $.libraries[0].items[0].certificate.text',
      'DANGLING_REFERENCE $.libraries[0].items[1].descriptor.name',
      'DUPLICATE $.libraries[0].items[1].name',
      'DUPLICATE $.libraries[0].items[1].id',
      'UNKNOWN_VALUE $.libraries[1].type',
      'DUPLICATE $.libraries[1].name',
    ]);
  });
});
