import * as assert from 'node:assert/strict';
import * as path from 'node:path';

import { OvfImport, OvfLibraryItem } from '@ovfkit/pulumi';
import { Inventory, RestClient, VimSession, createLocalLibrary, publishToLibrary } from '@ovfkit/vsphere';
import { openSource } from '@ovfkit/package';

import type { Simulator } from '../sim/simulator';
import { buildOva, type BuiltPackage } from '../vsphere-fixtures';

import { runProgram, toWire, type ForwardedResource } from './mock-engine';
import { dynamicUrn, type PluginHost } from './plugin-host';
import { useSimulatorPluginHost } from './sim-context';

const itemUrn = dynamicUrn('tiny-item', 'pulumi-nodejs:dynamic/ovfkit:OvfLibraryItem');
const vmUrn = dynamicUrn('tiny-vm', 'pulumi-nodejs:dynamic/ovfkit:OvfImport');

/** What the simulator holds that a publish, deploy or delete may leave: items, open sessions, REST sessions, VMs by name. */
async function leftovers(sim: Simulator, vmName: string): Promise<{ items: string[]; updateSessions: number; downloadSessions: number; restSessions: number; vms: number }> {
  const lib = await sim.library();
  const st = await sim.state();
  return {
    items: lib.items.map((i) => i.name).sort(),
    updateSessions: lib.updateSessions.filter((u) => u.state === 'ACTIVE').length,
    downloadSessions: lib.downloadSessions.length,
    restSessions: lib.restSessions,
    vms: st.virtualMachines.filter((v) => v.name === vmName).length,
  };
}

describe('OvfLibraryItem and OvfImport of a library item, against the vSphere simulator, through the plugin host', function () {
  this.timeout(180_000);
  const shared = useSimulatorPluginHost('ovfkit-pulumi-library-');
  let sim: Simulator;
  let host: PluginHost;
  let pkg: BuiltPackage;
  let restBaseline: number;

  before(async () => {
    ({ sim, host, pkg } = shared);
    const vim = await VimSession.connect({ server: sim.sdkUrl, userName: sim.username, password: sim.password, thumbprint: sim.thumbprint });
    try {
      const rest = await RestClient.open(vim, { userName: sim.username, password: sim.password });
      try {
        await createLocalLibrary(rest, 'templates', (await new Inventory(vim).get('/DC0/datastore/LocalDS_0', 'datastore')).value);
      } finally {
        await rest.close();
      }
    } finally {
      await vim.logout();
    }
    restBaseline = (await sim.library()).restSessions;
  });

  const program = (): [OvfLibraryItem, OvfImport] => {
    const item = new OvfLibraryItem('tiny-item', { source: pkg.ova, library: 'templates', item: 'tiny' });
    const vm = new OvfImport('tiny-vm', {
      source: item.librarySource, name: 'tiny-lib', resourcePool: 'DC0_C0/Resources', datastore: 'LocalDS_0', networkMapping: { 'VM Network': 'VM Network' },
    });
    return [item, vm];
  };
  const byName = (rs: ForwardedResource[], name: string): ForwardedResource => rs.find((r) => r.name === name)!;

  it('previews, publishes and deploys in one program; a second run is no change; delete leaves no item, session or VM', async () => {
    // Preview before anything exists: the item's content digest is known, the import's source is not yet.
    const preview = await runProgram(host, program, { preview: true });
    const pItem = byName(preview.resources, 'tiny-item');
    assert.deepEqual(pItem.check.failures, []);
    assert.match(String(pItem.check.inputs['contentDigest']), /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(byName(preview.resources, 'tiny-vm').check.failures, []);
    assert.deepEqual(await leftovers(sim, 'tiny-lib'), { items: [], updateSessions: 0, downloadSessions: 0, restSessions: restBaseline, vms: 0 }, 'preview created nothing');

    const up = await runProgram(host, program, { preview: false });
    const item = byName(up.resources, 'tiny-item');
    const vm = byName(up.resources, 'tiny-vm');
    assert.equal(item.createError, undefined);
    assert.equal(vm.createError, undefined);
    const itemState = item.created!.properties;
    assert.equal(itemState['librarySource'], `library:${item.created!.id}`);
    assert.equal(itemState['contentDigest'], pItem.check.inputs['contentDigest'], 'the published content is what check digested');
    const held = (await sim.library()).items.find((i) => i.name === 'tiny')!;
    const sorted = <T extends { name: string }>(l: T[]): T[] => [...l].sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(sorted(itemState['files'] as { name: string; size: number; algorithm: string; checksum: string }[]),
      sorted(held.files.map((f) => ({ name: f.name, size: f.size, algorithm: f.checksum_info.algorithm, checksum: f.checksum_info.checksum }))), 'the state lists the item\'s files with their checksums');
    assert.equal(itemState['contentVersion'], held.content_version);
    // The import's check planned the item's descriptor (read through the library) as a package's.
    assert.deepEqual(vm.check.failures, []);
    const plan = JSON.parse(vm.check.inputs['plan'] as string) as { descriptorDigest: string; package: { form: string }; vms: { name: string }[] };
    assert.equal(plan.package.form, 'library');
    assert.equal(plan.descriptorDigest, itemState['descriptorDigest']);
    assert.match(vm.created!.id, /^VirtualMachine:/);
    assert.equal(vm.created!.properties['entityName'], 'tiny-lib');
    const vms = vm.created!.properties['vms'] as { numCPUs?: number; memoryMB?: number }[];
    assert.deepEqual(vms.map((v) => [v.numCPUs, v.memoryMB]), [[1, 256]]);
    assert.equal((await leftovers(sim, 'tiny-lib')).vms, 1);

    // Second run: the engine checks the program's inputs against the old ones and diffs them with the state.
    const calls = (await sim.library()).calls;
    const itemCheck = await host.check(itemUrn, item.check.inputs, toWire(item.inputs) as Record<string, unknown>);
    assert.deepEqual(itemCheck.failures, []);
    assert.deepEqual(await host.diff(item.created!.id, itemUrn, itemState, itemCheck.inputs), { changes: 'none', replaces: [], deleteBeforeReplace: false });
    const vmNews = { ...(toWire(vm.inputs) as Record<string, unknown>), source: itemState['librarySource'] };
    const vmCheck = await host.check(vmUrn, vm.check.inputs, vmNews);
    assert.deepEqual(vmCheck.failures, []);
    assert.deepEqual(await host.diff(vm.created!.id, vmUrn, vm.created!.properties, vmCheck.inputs), { changes: 'none', replaces: [], deleteBeforeReplace: false });
    const after = (await sim.library()).calls;
    const count = (c: Record<string, number>, k: string): number => c[k] ?? 0;
    assert.deepEqual([count(calls, 'update-session.create'), count(calls, 'item.create'), count(calls, 'library-item.deploy')], [1, 1, 1], 'the first run published once and deployed once');
    assert.deepEqual([count(after, 'update-session.create'), count(after, 'item.create'), count(after, 'library-item.deploy')], [1, 1, 1], 'the second run opened no update session and deployed nothing');

    // Refresh reads the item as it is.
    const refreshed = await host.read(item.created!.id, itemUrn, itemState);
    assert.equal(refreshed.id, item.created!.id);
    assert.equal(refreshed.properties['contentDigest'], itemState['contentDigest']);

    await host.delete(vm.created!.id, vmUrn, vm.created!.properties);
    await host.delete(item.created!.id, itemUrn, itemState);
    assert.deepEqual(await leftovers(sim, 'tiny-lib'), { items: [], updateSessions: 0, downloadSessions: 0, restSessions: restBaseline, vms: 0 });
    const gone = await host.read(item.created!.id, itemUrn, itemState);
    assert.equal(gone.id, '', 'refresh of a deleted item reports it missing');
  });

  it('refresh reports an item changed in vCenter, and the next diff replaces it with the package again', async () => {
    const c = await host.check(itemUrn, {}, { __provider: shared.libraryProvider, source: pkg.ova, library: 'templates', item: 'drift' });
    const created = await host.create(itemUrn, c.inputs);
    try {
      const other = await buildOva(path.join(shared.tmp, 'other'), 'tiny', [{ id: 'tiny01', cpus: 2, memoryMB: 512, disksMiB: [2], nics: ['VM Network'] }]);
      const vim = await VimSession.connect({ server: sim.sdkUrl, userName: sim.username, password: sim.password, thumbprint: sim.thumbprint });
      try {
        const rest = await RestClient.open(vim, { userName: sim.username, password: sim.password });
        const src = await openSource(other.ova, {});
        try { await publishToLibrary(rest, { source: src, library: 'templates', item: 'drift' }); } finally { await src.close(); await rest.close(); }
      } finally {
        await vim.logout();
      }
      const r = await host.read(created.id, itemUrn, created.properties);
      assert.equal(r.id, created.id);
      assert.notEqual(r.properties['contentDigest'], created.properties['contentDigest']);
      assert.notEqual(r.properties['contentVersion'], created.properties['contentVersion']);
      const again = await host.check(itemUrn, c.inputs, { __provider: shared.libraryProvider, source: pkg.ova, library: 'templates', item: 'drift' });
      assert.deepEqual(await host.diff(created.id, itemUrn, r.properties, again.inputs), { changes: 'some', replaces: ['source'], deleteBeforeReplace: true });
    } finally {
      await host.delete(created.id, itemUrn, created.properties);
    }
    assert.deepEqual((await leftovers(sim, 'none')).items, []);
  });

  it('check plans a library item against every input: an unknown network is refused at preview with nothing created', async () => {
    const c = await host.check(itemUrn, {}, { __provider: shared.libraryProvider, source: pkg.ova, library: 'templates', item: 'checked' });
    const created = await host.create(itemUrn, c.inputs);
    try {
      const before = await leftovers(sim, 'tiny-bad');
      const r = await host.check(vmUrn, {}, {
        __provider: shared.provider, source: 'library:templates/checked', name: 'tiny-bad', resourcePool: 'DC0_C0/Resources', datastore: 'LocalDS_0',
        networkMapping: { 'VM Network': 'VM Network', 'Storage Net': 'VM Network' }, markAsTemplate: true,
      });
      assert.deepEqual(r.failures, [
        { property: 'networkMapping["Storage Net"]', reason: 'networkMapping names OVF network "Storage Net", which the NetworkSection does not declare; allowed: VM Network; fix: map the networks the descriptor declares (getOvfDescriptor(source) lists them) [createImportSpec: OvfInvalidValueReference UNKNOWN_NETWORK_IN_MAPPING]' },
        { property: 'markAsTemplate', reason: 'a deployment from a library item cannot be marked as a template here; deploy it and convert it, or publish the template to the library instead' },
      ]);
      assert.deepEqual(await leftovers(sim, 'tiny-bad'), before, 'check created nothing and left no session');
    } finally {
      await host.delete(created.id, itemUrn, created.properties);
    }
  });

  it('a deployment vCenter fails is a create error and leaves no VM, lease or session; the item stays', async () => {
    const c = await host.check(itemUrn, {}, { __provider: shared.libraryProvider, source: pkg.ova, library: 'templates', item: 'failing' });
    const created = await host.create(itemUrn, c.inputs);
    try {
      const v = await host.check(vmUrn, {}, { __provider: shared.provider, source: created.properties['librarySource'], name: 'tiny-fail', resourcePool: 'DC0_C0/Resources', datastore: 'LocalDS_0', networkMapping: { 'VM Network': 'VM Network' } });
      assert.deepEqual(v.failures, []);
      await sim.inject({ kind: 'libraryDeployFail' });
      await assert.rejects(host.create(vmUrn, v.inputs), (e: Error) => /vCenter did not deploy library item/.test(e.message));
      assert.deepEqual(await leftovers(sim, 'tiny-fail'), { items: ['failing'], updateSessions: 0, downloadSessions: 0, restSessions: restBaseline, vms: 0 });
      assert.deepEqual((await sim.state()).leases.filter((l) => l.state === 'ready' || l.state === 'initializing'), [], 'no open lease');
    } finally {
      await sim.clearInjections();
      await host.delete(created.id, itemUrn, created.properties);
    }
  });
});
