import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import * as pulumi from '@pulumi/pulumi';
import { ovfImportProvider, ovfExportProvider } from '@ovfkit/pulumi';

import { startSimulator, type Simulator } from '../sim/simulator';
import { buildOva, type BuiltPackage } from '../vsphere-fixtures';
import { dynamicUrn, startPluginHost, type PluginHost } from './plugin-host';

const importUrn = dynamicUrn('tiny', 'pulumi-nodejs:dynamic/ovfkit:OvfImport');
const exportUrn = dynamicUrn('tiny-backup', 'pulumi-nodejs:dynamic/ovfkit:OvfExport');

describe('OvfImport and OvfExport against the vSphere simulator, through the plugin host', function () {
  this.timeout(120_000);
  let sim: Simulator;
  let host: PluginHost;
  let tmp: string;
  let pkg: BuiltPackage;
  let provider: string;
  let exportProvider: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-pulumi-sim-'));
    pkg = await buildOva(path.join(tmp, 'pkg'), 'tiny', [{ id: 'tiny01', cpus: 1, memoryMB: 256, disksMiB: [2], nics: ['VM Network'] }]);
    sim = await startSimulator();
    provider = (await pulumi.runtime.serializeFunction(() => ovfImportProvider, { allowSecrets: true })).text;
    exportProvider = (await pulumi.runtime.serializeFunction(() => ovfExportProvider, { allowSecrets: true })).text;
    host = await startPluginHost();
    await host.configure({
      'ovfkit:server': sim.url, 'ovfkit:user': sim.username, 'ovfkit:password': sim.password, 'ovfkit:thumbprint': sim.thumbprint,
    });
  });
  after(async () => {
    await host?.stop();
    await sim?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const inputs = (): Record<string, unknown> => ({
    __provider: provider, source: pkg.ova, name: 'tiny-a', resourcePool: 'DC0_C0/Resources', datastore: 'LocalDS_0',
    networkMapping: { 'VM Network': 'VM Network' }, annotation: 'made by the pulumi test',
  });

  it('checks, creates, reads, updates in place, and deletes a VM, leaving nothing behind', async () => {
    const before = await sim.state();
    const checked = await host.check(importUrn, {}, inputs());
    assert.deepEqual(checked.failures, [], JSON.stringify(checked.failures));

    const created = await host.create(importUrn, checked.inputs);
    assert.match(created.id, /^VirtualMachine:vm-\d+$/);
    const state = created.properties;
    assert.equal(state['entityName'], 'tiny-a');
    assert.equal(state['entityType'], 'VirtualMachine');
    assert.match(String(state['descriptorDigest']), /^sha256:[0-9a-f]{64}$/);
    const vms = state['vms'] as { id: string; numCPUs: number; memoryMB: number }[];
    assert.equal(vms.length, 1);
    assert.equal(vms[0]!.numCPUs, 1);
    assert.equal(vms[0]!.memoryMB, 256);
    assert.equal(state['powerState'], 'poweredOff');
    const inSim = (await sim.state()).virtualMachines.find((v) => v.name === 'tiny-a');
    assert.ok(inSim, 'the simulator has the VM');
    assert.ok(!JSON.stringify(state).includes(sim.password), 'no credential in state');

    // A second plan with the same inputs has nothing to do.
    const again = await host.check(importUrn, state, inputs());
    const none = await host.diff(created.id, importUrn, state, again.inputs);
    assert.deepEqual(none, { changes: 'none', replaces: [], deleteBeforeReplace: false });

    // Power on is an in-place update that reaches the server.
    const turnOn = await host.check(importUrn, state, { ...inputs(), powerOn: true });
    const d = await host.diff(created.id, importUrn, state, turnOn.inputs);
    assert.equal(d.changes, 'some');
    assert.deepEqual(d.replaces, []);
    const updated = await host.update(created.id, importUrn, state, turnOn.inputs);
    assert.equal(updated.properties['powerState'], 'poweredOn');
    assert.equal((await sim.state()).virtualMachines.find((v) => v.name === 'tiny-a')?.powerState, 'poweredOn');

    // Refresh reads the real state.
    const read = await host.read(created.id, importUrn, updated.properties);
    assert.equal(read.id, created.id);
    assert.equal(read.properties['powerState'], 'poweredOn');

    // A different datastore is a replacement.
    const moved = await host.diff(created.id, importUrn, updated.properties, { ...turnOn.inputs, datastore: 'LocalDS_1' });
    assert.deepEqual(moved.replaces, ['datastore']);

    await host.delete(created.id, importUrn, read.properties);
    const after = await sim.state();
    assert.equal(after.virtualMachines.find((v) => v.name === 'tiny-a'), undefined, 'the VM is gone');
    assert.deepEqual(after.virtualMachines.map((v) => v.ref).sort(), before.virtualMachines.map((v) => v.ref).sort());
    assert.deepEqual(after.leases.filter((l) => l.state !== 'done' && l.state !== 'error'), [], 'no lease left open');

    // Refresh of a deleted VM drops it from state (empty id).
    const gone = await host.read(created.id, importUrn, read.properties);
    assert.equal(gone.id, '');
    assert.ok(!host.stderr().includes(sim.password), 'the plugin host logged no credential');
  });

  it('reports a datastore that does not exist on the datastore input, from the server', async () => {
    const r = await host.check(importUrn, {}, { ...inputs(), datastore: 'NoSuchDatastore' });
    assert.ok(r.failures.length > 0);
    assert.ok(r.failures.some((f) => f.property === 'datastore' && /NoSuchDatastore/.test(f.reason)), JSON.stringify(r.failures));
  });
});
