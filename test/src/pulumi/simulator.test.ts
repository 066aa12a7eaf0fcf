import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';


import type { Simulator } from '../sim/simulator';
import { buildOva, type BuiltPackage } from '../vsphere-fixtures';
import { connectOvfSession, type ManagedObjectReference, VimSession, vmConfigProperties } from '@ovfkit/vsphere';
import { descriptorDigest } from '@ovfkit/core';

import { buildMinimalOva } from './fixtures';
import { dynamicUrn, type PluginHost } from './plugin-host';
import { useSimulatorPluginHost } from './sim-context';

const importUrn = dynamicUrn('tiny', 'pulumi-nodejs:dynamic/ovfkit:OvfImport');
const exportUrn = dynamicUrn('tiny-backup', 'pulumi-nodejs:dynamic/ovfkit:OvfExport');

describe('OvfImport and OvfExport against the vSphere simulator, through the plugin host', function () {
  this.timeout(120_000);
  const shared = useSimulatorPluginHost('ovfkit-pulumi-sim-');
  let sim: Simulator;
  let host: PluginHost;
  let tmp: string;
  let pkg: BuiltPackage;
  let provider: string;
  let exportProvider: string;
  before(() => ({ sim, host, tmp, pkg, provider, exportProvider } = shared));

  /** A VM's or vApp's effective vApp property values (set, else default) by id, read straight from the simulator (passwords included). */
  const simProperties = async (id: string): Promise<Record<string, string>> => {
    const s = await VimSession.connect({ server: sim.url, userName: sim.username, password: sim.password, thumbprint: sim.thumbprint });
    try {
      const at = id.startsWith('VirtualApp:') ? 'vAppConfig' : 'config.vAppConfig';
      return Object.fromEntries(vmConfigProperties((await s.properties(parseRef(id), [at]))[at]).map((p) => [p.id ?? '', p.value || p.defaultValue || '']));
    } finally { await s.logout(); }
  };
  /** Edits one vApp property value outside Pulumi (as someone in the vSphere Client would). */
  const setSimProperty = async (id: string, key: string, value: string): Promise<void> => {
    const outside = await connectOvfSession({ server: sim.url, userName: sim.username, password: sim.password, thumbprint: sim.thumbprint });
    try { await outside.reconfigure(parseRef(id), { property: [{ key, value }] }); } finally { await outside.logout(); }
  };
  /** A vApp's annotation (`vAppConfig.annotation`), read straight from the simulator. */
  const simAnnotation = async (id: string): Promise<unknown> => {
    const s = await VimSession.connect({ server: sim.url, userName: sim.username, password: sim.password, thumbprint: sim.thumbprint });
    try { return (await s.properties(parseRef(id), ['vAppConfig.annotation']))['vAppConfig.annotation']; } finally { await s.logout(); }
  };
  const parseRef = (id: string): ManagedObjectReference => ({ type: id.split(':')[0]!, value: id.split(':')[1]! });

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

    // Power on and a new annotation are an in-place update that reaches the server.
    const turnOn = await host.check(importUrn, state, { ...inputs(), powerOn: true, annotation: 'owned by team A' });
    const d = await host.diff(created.id, importUrn, state, turnOn.inputs);
    assert.equal(d.changes, 'some');
    assert.deepEqual(d.replaces, []);
    const updated = await host.update(created.id, importUrn, state, turnOn.inputs);
    assert.equal(updated.properties['powerState'], 'poweredOn');
    assert.equal(updated.properties['annotation'], 'owned by team A', 'the annotation read back from vSphere');
    assert.equal((await sim.state()).virtualMachines.find((v) => v.name === 'tiny-a')?.powerState, 'poweredOn');

    // Refresh reads the real state: powered off behind Pulumi's back shows as drift, and the
    // next plan turns it back on in place.
    const outside = await connectOvfSession({ server: sim.url, userName: sim.username, password: sim.password, thumbprint: sim.thumbprint });
    try { await outside.setPowerState({ type: 'VirtualMachine', value: created.id.split(':')[1]! }, false); } finally { await outside.logout(); }
    const drifted = await host.read(created.id, importUrn, updated.properties);
    assert.equal(drifted.id, created.id);
    assert.equal(drifted.properties['powerState'], 'poweredOff');
    assert.equal(drifted.properties['powerOn'], false);
    const back = await host.diff(created.id, importUrn, drifted.properties, turnOn.inputs);
    assert.deepEqual([back.changes, back.replaces], ['some', []]);
    const fixed = await host.update(created.id, importUrn, drifted.properties, turnOn.inputs);
    const read = await host.read(created.id, importUrn, fixed.properties);
    assert.equal(read.properties['powerState'], 'poweredOn');

    // A different datastore is a replacement.
    const moved = await host.diff(created.id, importUrn, updated.properties, { ...turnOn.inputs, datastore: 'LocalDS_1' });
    assert.deepEqual(moved.replaces, ['datastore']);
    assert.equal(moved.deleteBeforeReplace, true, 'same name: the old VM goes first');
    const renamed = await host.diff(created.id, importUrn, updated.properties, { ...turnOn.inputs, datastore: 'LocalDS_1', name: 'tiny-b' });
    assert.equal(renamed.deleteBeforeReplace, false, 'a new name is created before the old VM is deleted');

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
  it('creates transactionally: an upload cut mid-way fails create and leaves no VM and no open lease', async () => {
    const before = await sim.state();
    await sim.inject({ kind: 'leaseError', method: 'ImportVApp', fault: 'FileFault', afterBytes: 4096 });
    try {
      const checked = await host.check(importUrn, {}, { ...inputs(), name: 'tiny-cut' });
      await assert.rejects(host.create(importUrn, checked.inputs), (e: Error) => {
        assert.match(e.message, /FileFault|lease/i);
        assert.ok(!/\n\s+at /.test(e.message), 'no stack trace');
        return true;
      });
    } finally {
      await sim.clearInjections();
    }
    const after = await sim.state();
    assert.equal(after.virtualMachines.find((v) => v.name === 'tiny-cut'), undefined, 'no half-imported VM');
    assert.deepEqual(after.virtualMachines.map((v) => v.ref).sort(), before.virtualMachines.map((v) => v.ref).sort());
    assert.deepEqual(after.leases.filter((l) => l.state === 'ready' || l.state === 'initializing'), [], 'no lease left open');
  });

  it('refuses to create from a package changed after check(), naming both digests, and leaves nothing', async () => {
    const file = path.join(tmp, 'changing.ova');
    fs.copyFileSync(pkg.ova, file);
    const checked = await host.check(importUrn, {}, { ...inputs(), source: file, name: 'tiny-swapped' });
    assert.deepEqual(checked.failures, [], JSON.stringify(checked.failures));
    const planned = (JSON.parse(checked.inputs['plan'] as string) as { descriptorDigest: string }).descriptorDigest;
    // Same path, another package (two CPUs): it would pass a check of its own.
    const other = await buildOva(path.join(tmp, 'other'), 'tiny', [{ id: 'tiny01', cpus: 2, memoryMB: 256, disksMiB: [2], nics: ['VM Network'] }]);
    fs.copyFileSync(other.ova, file);
    const before = await sim.state();
    await assert.rejects(host.create(importUrn, checked.inputs), (e: Error) => {
      assert.match(e.message, /the package changed since it was planned/);
      assert.ok(e.message.includes(`is ${descriptorDigest(other.descriptor)}, the plan expected ${planned}`), e.message);
      assert.ok(!/\n\s+at /.test(e.message), 'no stack trace');
      return true;
    });
    const after = await sim.state();
    assert.equal(after.virtualMachines.find((v) => v.name === 'tiny-swapped'), undefined, 'no VM was created');
    assert.equal(after.leases.length, before.leases.length, 'no lease was even created');
  });

  it('imports a two-VM vApp as one VirtualApp resource with its annotation (UpdateVAppConfig), changes the annotation in place, and deletes it whole', async () => {
    const vapp = await buildOva(path.join(tmp, 'vapp'), 'pair', [
      { id: 'web01', cpus: 1, memoryMB: 256, disksMiB: [1], nics: ['VM Network'] },
      { id: 'db01', cpus: 2, memoryMB: 512, disksMiB: [1], nics: ['VM Network'] },
    ], { vappName: 'pair' });
    const news = { __provider: provider, source: vapp.ova, name: 'pair-a', resourcePool: 'DC0_C0/Resources', datastore: 'LocalDS_0', annotation: 'the pair, owned by team A' };
    const checked = await host.check(importUrn, {}, news);
    assert.deepEqual(checked.failures, [], JSON.stringify(checked.failures));
    const created = await host.create(importUrn, checked.inputs);
    assert.match(created.id, /^VirtualApp:/);
    const vms = created.properties['vms'] as { name: string; numCPUs: number; memoryMB: number }[];
    assert.deepEqual(vms.map((v) => [v.name, v.numCPUs, v.memoryMB]).sort(), [['db01', 2, 512], ['web01', 1, 256]]);
    assert.equal(created.properties['annotation'], 'the pair, owned by team A', 'the annotation read back from vSphere');
    assert.equal(await simAnnotation(created.id), 'the pair, owned by team A', 'the simulator\'s vApp has it');

    const renamed = (await host.check(importUrn, created.properties, { ...news, annotation: 'now team B' })).inputs;
    const d = await host.diff(created.id, importUrn, created.properties, renamed);
    assert.deepEqual([d.changes, d.replaces], ['some', []]);
    const updated = await host.update(created.id, importUrn, created.properties, renamed);
    assert.equal(updated.properties['annotation'], 'now team B');
    assert.equal(await simAnnotation(created.id), 'now team B', 'UpdateVAppConfig reached the simulator');
    await host.delete(created.id, importUrn, updated.properties);
    const after = await sim.state();
    assert.equal(after.virtualApps.find((v) => v.name === 'pair-a'), undefined, 'the vApp is gone');
    assert.equal(after.virtualMachines.find((v) => v.name === 'web01' || v.name === 'db01'), undefined, 'and its VMs');
  });

  it('imports the example OVA with vApp properties, keeps the password out of state, and plans property changes in place', async () => {
    const ova = await buildMinimalOva(path.join(tmp, 'minimal'));
    const news = {
      __provider: provider, source: ova, name: 'minimal-a', resourcePool: 'DC0_C0/Resources', datastore: 'LocalDS_0',
      networkMapping: { 'VM Network': 'VM Network' }, deploymentOption: 'small',
      propertyMapping: { hostname: 'app01', root_password: 'correct horse battery', log_level: 'debug' },
    };
    // The server's ValidateHost knows the host: "large" needs more memory than it has.
    const large = await host.check(importUrn, {}, { ...news, deploymentOption: 'large' });
    assert.ok(large.failures.some((f) => /needs 4096 MB of memory/.test(f.reason) && /checked against vSphere|remote/.test(f.reason)), JSON.stringify(large.failures));
    const checked = await host.check(importUrn, {}, news);
    assert.deepEqual(checked.failures, [], JSON.stringify(checked.failures));
    const created = await host.create(importUrn, checked.inputs);
    try {
      const state = created.properties;
      assert.equal(state['deploymentOption'], 'small');
      assert.deepEqual(state['properties'], { hostname: 'app01', log_level: 'debug' });
      assert.match(String((state['passwordPropertyDigests'] as Record<string, string>)['root_password']), /^scrypt\$/);
      assert.ok(!JSON.stringify(state).includes('correct horse battery'), 'the password property value is not in state');
      const vm = (state['vms'] as { numCPUs: number; memoryMB: number }[])[0]!;
      assert.deepEqual([vm.numCPUs, vm.memoryMB], [1, 1024], 'the "small" deployment option was imported');

      // Same password again: no change. New hostname: an in-place update that reaches vSphere.
      const same = await host.diff(created.id, importUrn, state, (await host.check(importUrn, state, news)).inputs);
      assert.equal(same.changes, 'none');
      const renamed = (await host.check(importUrn, state, { ...news, propertyMapping: { ...news.propertyMapping, hostname: 'app02' } })).inputs;
      const d = await host.diff(created.id, importUrn, state, renamed);
      assert.deepEqual([d.changes, d.replaces], ['some', []]);
      // The live edit: ReconfigVM_Task with a vAppConfig property edit, read back from the server.
      assert.deepEqual(await simProperties(created.id), { hostname: 'app01', ip0: '', ntp_servers: 'pool.ntp.org', root_password: 'correct horse battery', log_level: 'debug', workers: '2' }, 'the import put the values on the VM');
      const updated = await host.update(created.id, importUrn, state, renamed);
      assert.deepEqual((updated.properties['vms'] as { id: string }[]).map((v) => v.id), (state['vms'] as { id: string }[]).map((v) => v.id), 'the same VM, updated in place');
      assert.deepEqual(updated.properties['properties'], { hostname: 'app02', log_level: 'debug' });
      assert.equal((await simProperties(created.id))['hostname'], 'app02', 'the simulator has the new value');
      assert.equal((await sim.state()).virtualMachines.filter((v) => v.name === 'minimal-a').length, 1, 'no second VM');

      // A new password is seen as a change without the old one being stored, and reaches the VM.
      const repw = (await host.check(importUrn, updated.properties, { ...news, propertyMapping: { ...news.propertyMapping, hostname: 'app02', root_password: 'another long password' } })).inputs;
      assert.deepEqual(await host.diff(created.id, importUrn, updated.properties, repw), { changes: 'some', replaces: [], deleteBeforeReplace: false });
      const repwd = await host.update(created.id, importUrn, updated.properties, repw);
      assert.equal((await simProperties(created.id))['root_password'], 'another long password');
      assert.notEqual((repwd.properties['passwordPropertyDigests'] as Record<string, string>)['root_password'], (state['passwordPropertyDigests'] as Record<string, string>)['root_password']);
      assert.ok(!JSON.stringify(repwd.properties).includes('another long password'), 'the new password is not in state');

      // Changed behind Pulumi's back: refresh reports the server's value, the next plan puts it back in place.
      await setSimProperty(created.id, 'log_level', 'warn');
      const drifted = await host.read(created.id, importUrn, repwd.properties);
      assert.deepEqual(drifted.properties['properties'], { hostname: 'app02', log_level: 'warn' });
      const back = await host.diff(created.id, importUrn, drifted.properties, repw);
      assert.deepEqual([back.changes, back.replaces], ['some', []]);
      const restored = await host.update(created.id, importUrn, drifted.properties, repw);
      assert.deepEqual(restored.properties['properties'], { hostname: 'app02', log_level: 'debug' });
      assert.equal((await simProperties(created.id))['log_level'], 'debug', 'the update reached the simulator');
      assert.ok(!host.stderr().includes('another long password') && !host.stderr().includes('correct horse battery'), 'no password in the plugin host log');
    } finally {
      await host.delete(created.id, importUrn, created.properties);
    }
    assert.equal((await sim.state()).virtualMachines.find((v) => v.name === 'minimal-a'), undefined);
  });

  it('reports a vApp property changed behind Pulumi\'s back under its full key (class.id) on refresh, and puts it back in place', async () => {
    const product = '<ProductSection ovf:class="acme"><Info>p</Info><Property ovf:key="hostname" ovf:type="string" ovf:userConfigurable="true" ovf:value="localhost"/></ProductSection>';
    const classed = await buildOva(path.join(tmp, 'classed'), 'classed', [{ id: 'classed01', cpus: 1, memoryMB: 256, disksMiB: [1], nics: ['VM Network'], sections: product }]);
    const news = { ...inputs(), source: classed.ova, name: 'classed-a', propertyMapping: { 'acme.hostname': 'a1.example' } };
    const checked = await host.check(importUrn, {}, news);
    assert.deepEqual(checked.failures, [], JSON.stringify(checked.failures));
    const created = await host.create(importUrn, checked.inputs);
    try {
      assert.deepEqual(created.properties['properties'], { 'acme.hostname': 'a1.example' });
      await setSimProperty(created.id, 'acme.hostname', 'changed.example');
      const drifted = await host.read(created.id, importUrn, created.properties);
      assert.deepEqual(drifted.properties['properties'], { 'acme.hostname': 'changed.example' }, 'refresh shows the server\'s value');
      const again = (await host.check(importUrn, drifted.properties, news)).inputs;
      const d = await host.diff(created.id, importUrn, drifted.properties, again);
      assert.deepEqual([d.changes, d.replaces], ['some', []]);
      const fixed = await host.update(created.id, importUrn, drifted.properties, again);
      assert.deepEqual(fixed.properties['properties'], { 'acme.hostname': 'a1.example' });
      assert.equal((await simProperties(created.id))['hostname'], 'a1.example');
    } finally {
      await host.delete(created.id, importUrn, created.properties);
    }
  });

  it('changes a property of one of a vApp\'s VMs (ReconfigVM_Task on that VM) and of the vApp itself (UpdateVAppConfig) in place, and reports their drift on refresh', async () => {
    const section = (cls: string, host: string): string => `<ProductSection ovf:class="${cls}"><Info>p</Info><Property ovf:key="hostname" ovf:type="string" ovf:userConfigurable="true" ovf:value="${host}"/></ProductSection>`;
    const app = await buildOva(path.join(tmp, 'propapp'), 'propapp', [
      { id: 'pweb', cpus: 1, memoryMB: 256, disksMiB: [1], nics: ['VM Network'], sections: section('web', 'web-default') },
      { id: 'pdb', cpus: 1, memoryMB: 256, disksMiB: [1], nics: ['VM Network'], sections: section('db', 'db-default') },
    ], { vappName: 'propapp', vappSections: '<ProductSection ovf:class="app"><Info>the vApp</Info><Property ovf:key="tier" ovf:type="string" ovf:userConfigurable="true" ovf:value="two"/></ProductSection>' });
    const news = { __provider: provider, source: app.ova, name: 'propapp-a', resourcePool: 'DC0_C0/Resources', datastore: 'LocalDS_0', propertyMapping: { 'web.hostname': 'w1', 'app.tier': 'three' } };
    const checked = await host.check(importUrn, {}, news);
    assert.deepEqual(checked.failures, [], JSON.stringify(checked.failures));
    const created = await host.create(importUrn, checked.inputs);
    try {
      assert.match(created.id, /^VirtualApp:/);
      const vmId = (name: string): string => (created.properties['vms'] as { id: string; name: string }[]).find((v) => v.name === name)!.id;
      assert.deepEqual(created.properties['properties'], { 'web.hostname': 'w1', 'app.tier': 'three' });
      assert.deepEqual([(await simProperties(vmId('pweb')))['hostname'], (await simProperties(vmId('pdb')))['hostname'], (await simProperties(created.id))['tier']], ['w1', 'db-default', 'three']);

      const next = (await host.check(importUrn, created.properties, { ...news, propertyMapping: { 'web.hostname': 'w2', 'app.tier': 'four' } })).inputs;
      const d = await host.diff(created.id, importUrn, created.properties, next);
      assert.deepEqual([d.changes, d.replaces], ['some', []]);
      const updated = await host.update(created.id, importUrn, created.properties, next);
      assert.deepEqual(updated.properties['properties'], { 'web.hostname': 'w2', 'app.tier': 'four' });
      assert.deepEqual([(await simProperties(vmId('pweb')))['hostname'], (await simProperties(vmId('pdb')))['hostname'], (await simProperties(created.id))['tier']], ['w2', 'db-default', 'four'], 'only what defines the keys changed');

      await setSimProperty(created.id, 'web.hostname', 'outside.example');
      await setSimProperty(created.id, 'app.tier', 'outside');
      const drifted = await host.read(created.id, importUrn, updated.properties);
      assert.deepEqual(drifted.properties['properties'], { 'web.hostname': 'outside.example', 'app.tier': 'outside' });
      const fixed = await host.update(created.id, importUrn, drifted.properties, next);
      assert.deepEqual(fixed.properties['properties'], { 'web.hostname': 'w2', 'app.tier': 'four' });
      assert.deepEqual([(await simProperties(vmId('pweb')))['hostname'], (await simProperties(created.id))['tier']], ['w2', 'four']);
    } finally {
      await host.delete(created.id, importUrn, created.properties);
    }
    assert.equal((await sim.state()).virtualApps.find((a) => a.name === 'propapp-a'), undefined);
  });

  it('exports the imported VM to an OVA, keeps the file on delete, and never writes over it', async () => {
    const c = await host.check(importUrn, {}, { ...inputs(), name: 'tiny-x' });
    const vm = await host.create(importUrn, c.inputs);
    try {
      const destination = path.join(tmp, 'tiny-x.ova');
      const e = await host.check(exportUrn, {}, { __provider: exportProvider, entity: vm.id, destination });
      assert.deepEqual(e.failures, []);
      const exported = await host.create(exportUrn, e.inputs);
      assert.ok(fs.existsSync(destination));
      const files = exported.properties['files'] as { path: string; size: number }[];
      assert.ok(files.length >= 1);
      assert.match(String(exported.properties['descriptor']), /<Envelope/);
      assert.match(String(exported.properties['manifestDigest']), /^sha256:/);
      const refreshed = await host.read(exported.id, exportUrn, exported.properties);
      assert.equal(refreshed.id, exported.id);
      assert.equal(refreshed.properties['packageDigest'], exported.properties['packageDigest'], 'an untouched OVA reads back the same');
      fs.appendFileSync(destination, Buffer.alloc(512));
      const tampered = await host.read(exported.id, exportUrn, exported.properties);
      assert.notEqual(tampered.properties['packageDigest'], exported.properties['packageDigest'], 'a changed OVA shows as drift');
      const bytes = fs.readFileSync(destination);
      // Any input change is a new export, written before the old one is forgotten: to a taken
      // destination it fails naming the file, which stays as it was.
      const again = await host.check(exportUrn, exported.properties, { __provider: exportProvider, entity: vm.id, destination, manifestAlgorithm: 'SHA512' });
      assert.deepEqual((await host.diff(exported.id, exportUrn, exported.properties, again.inputs)), { changes: 'some', replaces: ['manifestAlgorithm'], deleteBeforeReplace: false });
      await assert.rejects(host.create(exportUrn, again.inputs), (e: Error) => e.message.includes(`${destination} already exists; ovfkit does not overwrite`));
      assert.deepEqual(fs.readFileSync(destination), bytes);
      await host.delete(exported.id, exportUrn, exported.properties);
      assert.deepEqual(fs.readFileSync(destination), bytes, 'delete forgets the export and keeps the OVA (docs/export-semantics.md)');
      fs.rmSync(destination);
      assert.equal((await host.read(exported.id, exportUrn, exported.properties)).id, '', 'an export removed by hand leaves the state on refresh');
    } finally {
      await host.delete(vm.id, importUrn, vm.properties);
    }
    assert.equal((await sim.state()).virtualMachines.find((v) => v.name === 'tiny-x'), undefined);
  });
});
