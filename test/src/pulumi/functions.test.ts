import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { getOvfDescriptor, validateOvf } from '@ovfkit/pulumi';

import { buildMinimalOva, minimalOvf } from './fixtures';

/** One datacenter whose only datastore has 100 MiB free: too small for the example's 1 GiB disk. */
const inventory = {
  format: 'ovfkit.inventory/1',
  datacenter: { name: 'DC1', moref: 'datacenter-2' },
  folders: [{ name: 'vm', moref: 'group-v4', path: '/DC1/vm' }],
  hosts: [{ name: 'esx1', moref: 'host-10', profile: 'esxi-7.0u3', datastores: ['tiny-ds'], networks: ['prod-pg'] }],
  datastores: [{ name: 'tiny-ds', moref: 'datastore-11', type: 'VMFS', capacity: 1073741824 * 10, freeSpace: 104857600 }],
  networks: [{ name: 'prod-pg', moref: 'dvportgroup-14', type: 'dvportgroup' }],
  resourcePools: [{ name: 'Resources', moref: 'resgroup-8', type: 'resourcePool', path: '/DC1/host/Cluster1/Resources', hosts: ['esx1'] }],
};

describe('getOvfDescriptor and validateOvf', function () {
  this.timeout(60_000);
  let tmp: string;
  let ova: string;
  let inventoryFile: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-pulumi-fn-'));
    ova = await buildMinimalOva(tmp);
    inventoryFile = path.join(tmp, 'site.json');
    fs.writeFileSync(inventoryFile, JSON.stringify(inventory));
  });
  after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

  it('gives the ParseDescriptor result of an OVA as data, with the descriptor digest', async () => {
    const d = await getOvfDescriptor(ova);
    assert.deepEqual(d.network?.map((n) => n.name), ['VM Network']);
    assert.deepEqual(d.deploymentOption?.map((o) => o.key), ['small', 'large']);
    assert.equal(d.defaultDeploymentOption, 'small');
    assert.ok(d.property?.some((p) => p.id === 'root_password' && /^password/.test(p.type ?? '')));
    assert.match(d.descriptorDigest, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(d.error ?? [], []);
  });

  it('reads the same descriptor from a lone .ovf with the same digest as inside the OVA, minus the size rewrite', async () => {
    const a = await getOvfDescriptor(minimalOvf);
    const b = await getOvfDescriptor(ova);
    assert.equal(a.defaultEntityName, b.defaultEntityName);
    assert.notEqual(a.descriptorDigest, b.descriptorDigest, 'the OVA descriptor carries the real disk size');
  });

  it('validates against an inventory snapshot: a datastore too small fails on the datastore input', async () => {
    const r = await validateOvf({ source: ova, datastore: 'tiny-ds', resourcePool: '/DC1/host/Cluster1/Resources', networkMapping: { 'VM Network': 'prod-pg' }, diskProvisioning: 'thick', inventory: inventoryFile }, { useEnvironmentConnection: false });
    assert.equal(r.valid, false);
    const ds = r.failures.filter((f) => f.property === 'datastore');
    assert.ok(ds.length > 0, JSON.stringify(r.failures));
    assert.match(ds[0]!.reason, /tiny-ds/);
    assert.match(ds[0]!.reason, /inventory/);
  });

  it('names what the snapshot lacks: a network that is not there, a datastore that does not exist', async () => {
    const net = await validateOvf({ source: ova, networkMapping: { 'VM Network': 'no-such-pg' }, inventory: inventoryFile }, { useEnvironmentConnection: false });
    assert.ok(net.failures.some((f) => f.property === 'networkMapping["VM Network"]' && /no-such-pg/.test(f.reason)), JSON.stringify(net.failures));
    const ds = await validateOvf({ source: ova, datastore: 'nope-ds', inventory: inventoryFile }, { useEnvironmentConnection: false });
    assert.deepEqual(ds.failures.map((f) => f.property), ['datastore']);
    assert.match(ds.failures[0]!.reason, /nope-ds.*tiny-ds/);
  });

  it('rejects an unknown host profile on the hostProfile input, listing the built-in ones', async () => {
    const r = await validateOvf({ source: ova, hostProfile: 'esxi-5.5' }, { useEnvironmentConnection: false });
    assert.deepEqual(r.failures.map((f) => f.property), ['hostProfile']);
    assert.match(r.failures[0]!.reason, /esxi-8\.0/);
  });

  it('fails preview under manifestPolicy "require" when the package has no manifest (core\'s manifest verdict, on manifestPolicy)', async () => {
    const r = await validateOvf({ source: minimalOvf, manifestPolicy: 'require' }, { useEnvironmentConnection: false });
    assert.deepEqual(r.failures, [{
      property: 'manifestPolicy',
      reason: 'the package has no manifest (.mf), and manifestPolicy: "require" asks for one; at minimal.ovf; fix: add a manifest to the package (ovfkit manifest create writes one), or accept a package without one with manifestPolicy: "verify-if-present"; checked against host profile esxi-9.0ga [manifest: OvfImportFailed MANIFEST_ABSENT]',
    }]);
    assert.deepEqual((await validateOvf({ source: minimalOvf }, { useEnvironmentConnection: false })).failures, []);
    const ok = await validateOvf({ source: ova, manifestPolicy: 'require' }, { useEnvironmentConnection: false });
    assert.deepEqual(ok.failures, []);
  });
});
