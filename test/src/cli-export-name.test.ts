/**
 * `ovfkit export` finds a VM or vApp by bare name when it is unique, as govc does (issue 15):
 * the one inventory resolver of core (resolveInventoryRef, kind `entity`) over the server's VMs
 * and vApps. Two of the same name are an error listing both paths; a typo gets "did you mean".
 * Nothing is written when the name does not resolve.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inventory, importOvf, type VimSession } from '@ovfkit/vsphere';
import { runCli } from './run-cli';
import { connect } from './sim/checks';
import { RawSession, firstText, xmlEscape } from './sim/raw-soap';
import { useSimulator } from './sim/simulator';
import { type BuiltPackage, buildOva, packageScope } from './vsphere-fixtures';

const { tmp, pkg } = packageScope('ovfkit-export-name-');

describe('ovfkit export, reconfigure and destroy by a bare VM or vApp name, host-profile capture by host name (simulator, issue 15)', function () {
  this.timeout(120_000);
  const sim = useSimulator();
  let session: VimSession;
  let web: BuiltPackage;
  const env = (): NodeJS.ProcessEnv => ({ VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint });

  before(async () => {
    session = await connect(sim());
    web = await buildOva(path.join(tmp, 'web'), 'web', [{ id: 'web01', cpus: 1, memoryMB: 256, disksMiB: [4], nics: ['VM Network'] }]);
    const app = await buildOva(path.join(tmp, 'app'), 'app', [{ id: 'app-db', cpus: 1, memoryMB: 256, disksMiB: [4], nics: ['VM Network'] }], { vappName: 'app' });
    // Two folders under the VM folder, each with a VM named "twin"; one VM "solo"; a vApp "suite" holding VM "app-db".
    const raw = new RawSession(sim());
    await raw.login();
    const vmFolder = await raw.findByInventoryPath('/DC0/vm');
    for (const f of ['team-a', 'team-b']) await raw.ok('CreateFolder', 'Folder', vmFolder!, `<name>${xmlEscape(f)}</name>`);
    await importOvf(session, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', folder: 'team-a', name: 'twin' });
    // The simulator keeps a VM's files at [datastore] name/: the second twin is imported under another name and renamed.
    const second = await importOvf(session, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', folder: 'team-b', name: 'twin-b' });
    await session.waitForTask({ type: 'Task', value: firstText(await raw.ok('Rename_Task', 'VirtualMachine', second.entity.value, '<newName>twin</newName>'), 'returnval')! });
    await importOvf(session, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', folder: 'team-a', name: 'solo' });
    await importOvf(session, { source: await pkg(app.ova), pool: 'DC0_C0/Resources', name: 'suite' });
  });
  after(async () => session?.logout());

  it('a unique bare name exports that VM, the same one its path names', async () => {
    const inv = new Inventory(session);
    const byPath = await inv.entity('/DC0/vm/team-a/solo');
    assert.deepEqual(await inv.entity('solo'), byPath);
    assert.deepEqual(await inv.entity('team-a/solo'), byPath, 'a path under the VM folder');
    const out = path.join(tmp, 'solo.ova');
    const r = await runCli(['export', 'solo', out, '--json'], env());
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { entity: unknown }).entity, byPath);
    assert.ok(fs.statSync(out).size > 0);
  });

  it('a vApp and a VM inside a vApp are found by name too (vcsim files a vApp\'s VM under the VM folder, not under the vApp as vCenter does)', async () => {
    const inv = new Inventory(session);
    const suite = await inv.entity('suite');
    assert.equal(suite.type, 'VirtualApp');
    assert.deepEqual(await inv.entity('/DC0/host/DC0_C0/Resources/suite'), suite, 'the path FindByInventoryPath knows');
    const db = await inv.entity('app-db');
    assert.equal(db.type, 'VirtualMachine');
    const out = path.join(tmp, 'suite.ova');
    const r = await runCli(['export', 'suite', out, '--json'], env());
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { entity: unknown }).entity, suite);
  });

  it('an ambiguous name is an error listing every candidate\'s path; nothing is written', async () => {
    const out = path.join(tmp, 'twin.ova');
    const r = await runCli(['export', 'twin', out], env());
    assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', 'ovfkit: "twin" names 2 VMs and vApps: "/DC0/vm/team-a/twin", "/DC0/vm/team-b/twin"; give the inventory path of the one you mean\n']);
    assert.equal(fs.existsSync(out), false);
    const one = await runCli(['export', 'team-b/twin', out, '--json'], env());
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual((JSON.parse(one.stdout) as { entity: unknown }).entity, await new Inventory(session).entity('/DC0/vm/team-b/twin'));
  });

  it('a host is found the same way: by name, by path under the host folder, by path, by moref; a typo gets the nearest', async () => {
    const inv = new Inventory(session);
    const byPath = await inv.resolve('host', '/DC0/host/DC0_C0/DC0_C0_H1');
    assert.equal(byPath.type, 'HostSystem');
    assert.deepEqual(await inv.resolve('host', 'DC0_C0_H1'), byPath);
    assert.deepEqual(await inv.resolve('host', 'DC0_C0/DC0_C0_H1'), byPath);
    assert.deepEqual(await inv.resolve('host', `HostSystem:${byPath.value}`), byPath);
    await assert.rejects(inv.resolve('host', 'DC0_C0_H7'), { message: 'no host "DC0_C0_H7" in the inventory; did you mean "/DC0/host/DC0_C0/DC0_C0_H0" or "/DC0/host/DC0_C0/DC0_C0_H1" or "/DC0/host/DC0_C0/DC0_C0_H2"?' });
    // host-profile capture takes it so, as plan and import do.
    const r = await runCli(['host-profile', 'capture', '--host', 'DC0_C0_H1', '--json'], env());
    assert.equal(r.code, 0, r.stderr);
    assert.match((JSON.parse(r.stdout) as { sources: string[] }).sources[0]!, / host DC0_C0_H1 at /);
  });

  it('an unknown name gets the nearest names ("did you mean"), or how to name one; nothing is written', async () => {
    const out = path.join(tmp, 'none.ova');
    const typo = await runCli(['export', 'sollo', out], env());
    assert.deepEqual([typo.code, typo.stdout, typo.stderr], [2, '', 'ovfkit: no VM or vApp "sollo" in the inventory; did you mean "/DC0/vm/team-a/solo"?\n']);
    const none = await runCli(['export', 'zzzzzzzz', out, '--json'], env());
    assert.deepEqual([none.code, JSON.parse(none.stdout), none.stderr], [2, { error: { code: 'USAGE', message: 'no VM or vApp "zzzzzzzz" in the inventory; give its inventory path (/DC/vm/folder/name), its name or its moref (VirtualMachine:vm-42)' } }, '']);
    const notVm = await runCli(['export', '/DC0/datastore/LocalDS_0', out], env());
    assert.deepEqual([notVm.code, notVm.stderr], [2, 'ovfkit: "/DC0/datastore/LocalDS_0" is a Datastore, not a VM or vApp (VirtualMachine or VirtualApp)\n']);
    assert.equal(fs.existsSync(out), false);
  });

  it('reconfigure and destroy take a bare name the same way: unique → that VM, ambiguous → the candidates and nothing done, none → did you mean (or nothing to do with --if-exists)', async () => {
    await importOvf(session, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', folder: 'team-b', name: 'gone-soon' });
    const inv = new Inventory(session);
    const ref = await inv.entity('/DC0/vm/team-b/gone-soon');
    const rc = await runCli(['reconfigure', 'gone-soon', '--annotation', 'by name', '--json'], env());
    assert.deepEqual([rc.code, JSON.parse(rc.stdout), rc.stderr], [0, { entity: ref, changed: ['annotation'] }, '']);
    const twin = await runCli(['reconfigure', 'twin', '--annotation', 'x'], env());
    assert.deepEqual([twin.code, twin.stderr], [2, 'ovfkit: "twin" names 2 VMs and vApps: "/DC0/vm/team-a/twin", "/DC0/vm/team-b/twin"; give the inventory path of the one you mean\n']);
    const ambiguous = await runCli(['destroy', 'twin', '--if-exists'], env());
    assert.deepEqual([ambiguous.code, ambiguous.stderr], [2, 'ovfkit: "twin" names 2 VMs and vApps: "/DC0/vm/team-a/twin", "/DC0/vm/team-b/twin"; give the inventory path of the one you mean\n'], '--if-exists does not hide an ambiguous name');
    assert.ok(await inv.find('/DC0/vm/team-a/twin'), 'both twins are still there');
    assert.ok(await inv.find('/DC0/vm/team-b/twin'));
    const typo = await runCli(['destroy', 'gone-son'], env());
    assert.deepEqual([typo.code, typo.stderr], [2, 'ovfkit: no VM or vApp "gone-son" in the inventory; did you mean "/DC0/vm/team-b/gone-soon"?\n']);
    const d = await runCli(['destroy', 'gone-soon', '--json'], env());
    assert.deepEqual([d.code, JSON.parse(d.stdout), d.stderr], [0, { destroyed: true, entity: ref }, '']);
    assert.equal(await inv.find('/DC0/vm/team-b/gone-soon'), undefined);
    const again = await runCli(['destroy', 'gone-soon', '--if-exists'], env());
    assert.deepEqual([again.code, again.stdout, again.stderr], [0, 'gone-soon does not exist; nothing to do\n', '']);
  });
});
