import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { readOvfEnvironment } from '@ovfkit/core';
import { type ManagedObjectReference, VimSession, destroyEntity, importOvf, vmConfigProperties } from '@ovfkit/vsphere';
import { runCli } from './run-cli';
import { type Simulator, useSimulator } from './sim/simulator';
import { assertNothingLeft, connect } from './sim/checks';
import { type BuiltPackage, buildOva, packageScope } from './vsphere-fixtures';

const { tmp, pkg } = packageScope('ovfkit-ovfenv-');

const PRODUCT = [
  '<ProductSection ovf:class="acme"><Info>settings</Info><Product>Acme Web</Product>',
  '<Property ovf:key="hostname" ovf:type="string" ovf:userConfigurable="true" ovf:value="localhost"/>',
  '<Property ovf:key="motd" ovf:type="string" ovf:userConfigurable="true"/>',
  '<Property ovf:key="root_password" ovf:type="string" ovf:password="true" ovf:userConfigurable="true"/>',
  '<Property ovf:key="port" ovf:type="uint16" ovf:userConfigurable="true" ovf:value="8080"/>',
  // Per-configuration values are applied by the server's CreateImportSpec, not by ovfkit's
  // descriptor fallback: "8" in the environment proves the server's properties were used.
  '<Property ovf:key="workers" ovf:type="uint8" ovf:userConfigurable="true" ovf:value="2"><Value ovf:configuration="large" ovf:value="8"/></Property>',
  '</ProductSection>',
].join('');

const DEPLOYMENT_OPTIONS = [
  '<DeploymentOptionSection><Info>sizes</Info>',
  '<Configuration ovf:id="small" ovf:default="true"><Label>Small</Label><Description>small</Description></Configuration>',
  '<Configuration ovf:id="large"><Label>Large</Label><Description>large</Description></Configuration>',
  '</DeploymentOptionSection>',
].join('');

/** A value that would break out of an unescaped attribute. */
const HOSTILE_MOTD = 'Welcome "admin" <b>&amp;</b>\n\'quoted\' & more';
const PASSWORD = 'Sup3r-S3cret-pw';

/** The `guestinfo.ovfEnv` ExtraConfig value of a VM, read back over the PropertyCollector. */
async function ovfEnvOf(session: VimSession, vm: ManagedObjectReference): Promise<string | undefined> {
  const extra = (await session.properties(vm, ['config.extraConfig']))['config.extraConfig'] as Array<{ key: string; value: unknown }> | undefined;
  const v = extra?.find((o) => o.key === 'guestinfo.ovfEnv')?.value;
  return v === undefined ? undefined : String(v);
}

async function vmNamed(sim: Simulator, name: string): Promise<ManagedObjectReference | undefined> {
  const vm = (await sim.state()).virtualMachines.find((v) => v.name === name);
  return vm ? { type: 'VirtualMachine', value: vm.ref } : undefined;
}

describe('OVF environment injection on a bare ESXi host (simulator -esx)', function () {
  this.timeout(120_000);
  const sim = useSimulator({ esx: true });
  let web: BuiltPackage;
  let session: VimSession;

  before(async () => {
    web = await buildOva(path.join(tmp, 'web'), 'web', [{ id: 'web01', cpus: 1, memoryMB: 256, disksMiB: [4], nics: ['VM Network'], sections: PRODUCT }], { envelopeSections: DEPLOYMENT_OPTIONS });
    session = await connect(sim());
  });
  after(async () => session?.logout());

  it('imports with --inject-ovf-env, and the VM\'s guestinfo.ovfEnv carries the server\'s property values (per-configuration value, --prop values), escaped', async () => {
    const env = { VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint, ACME_PW: PASSWORD };
    const r = await runCli(['import', web.ova, '--name', 'env-a', '--deployment-option', 'large', '--prop', 'acme.hostname=web01.example', '--prop', `acme.motd=${HOSTILE_MOTD}`, '--prop-env', 'acme.root_password=ACME_PW', '--inject-ovf-env', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { entity: ManagedObjectReference; ovfEnvInjected: string[] };
    assert.deepEqual(out.ovfEnvInjected, ['env-a']);
    assert.ok(!(r.stdout + r.stderr).includes(PASSWORD), 'the password property is not printed');

    const xml = await ovfEnvOf(session, out.entity);
    assert.ok(xml, 'the VM has guestinfo.ovfEnv');
    const doc = readOvfEnvironment(xml);
    assert.equal(doc.id, 'web01', 'oe:id is the VirtualSystem ovf:id');
    assert.deepEqual(Object.fromEntries(doc.property.map((p) => [p.key, p.value])), {
      'acme.hostname': 'web01.example',
      'acme.motd': HOSTILE_MOTD,
      'acme.root_password': PASSWORD,
      'acme.port': '8080',
      'acme.workers': '8',
    });
    // Those are the values the server keeps on the VM (what the environment is built from).
    const kept = vmConfigProperties((await session.properties(out.entity, ['config.vAppConfig']))['config.vAppConfig']);
    assert.deepEqual(Object.fromEntries(kept.map((p) => [`${p.classId}.${p.id}`, p.value || p.defaultValue])), Object.fromEntries(doc.property.map((p) => [p.key, p.value])));
    assert.equal(doc.platform?.kind, session.serviceContent.about.name);
    assert.equal(doc.platform?.version, session.serviceContent.about.version);

    await destroyEntity(session, out.entity);
    await assertNothingLeft(sim(), 'env-a');
  });

  it('builds the environment from the VM\'s vApp properties, as the server kept them, not from the descriptor fallback', async () => {
    const lines: string[] = [];
    const r = await importOvf(session, { source: await pkg(web.ova), name: 'env-c', deploymentOption: 'large', propertyMapping: { 'acme.hostname': 'c.example', 'acme.root_password': PASSWORD }, injectOvfEnv: true, log: (l) => lines.push(l) });
    try {
      assert.deepEqual(r.ovfEnvInjected, ['env-c']);
      assert.deepEqual(lines.filter((l) => l.startsWith('injected')), ["injected the OVF environment (5 properties from the VM's vApp properties) into env-c as guestinfo.ovfEnv"]);
      assert.ok(!lines.join('\n').includes(PASSWORD), 'no password in the log');
      const doc = readOvfEnvironment((await ovfEnvOf(session, r.entity))!);
      assert.equal(doc.property.find((p) => p.key === 'acme.workers')?.value, '8');
      assert.equal(doc.property.find((p) => p.key === 'acme.root_password')?.value, PASSWORD);
    } finally {
      await destroyEntity(session, r.entity);
    }
    await assertNothingLeft(sim(), 'env-c');
  });

  it('imports without the option and leaves guestinfo.ovfEnv unset', async () => {
    const r = await importOvf(session, { source: await pkg(web.ova), name: 'env-b', propertyMapping: { 'acme.hostname': 'b' } });
    assert.equal(r.ovfEnvInjected, undefined);
    assert.equal(await ovfEnvOf(session, r.entity), undefined);
    await destroyEntity(session, r.entity);
  });

  for (const asTask of [true, false]) {
    it(`rolls the whole import back when ReconfigVM_Task fails (${asTask ? 'as a failed task' : 'as a SOAP fault'}): no VM, no open lease`, async () => {
      await sim().inject({ kind: 'fault', method: 'ReconfigVM_Task', fault: 'InvalidState', asTask });
      const leases = (await sim().state()).leases.length;
      await assert.rejects(
        importOvf(session, { source: await pkg(web.ova), name: 'env-fail', propertyMapping: { 'acme.root_password': PASSWORD }, injectOvfEnv: true, powerOn: true }),
        (e: Error) => /InvalidState|injected/.test(e.message) && !e.message.includes(PASSWORD),
      );
      const st = await sim().state();
      assert.equal(st.leases.length, leases + 1, 'the import got as far as a lease');
      assert.equal(st.leases.at(-1)?.state, 'done', 'the upload completed before the Reconfigure');
      await assertNothingLeft(sim(), 'env-fail');
      assert.equal(await vmNamed(sim(), 'env-fail'), undefined);
    });
  }
});

describe('OVF environment injection into a vApp\'s VMs (simulator, vCenter)', function () {
  this.timeout(120_000);
  const sim = useSimulator();

  it('gives each child VM its own document with its own properties', async () => {
    const session = await connect(sim());
    try {
      const section = (cls: string, host: string): string => `<ProductSection ovf:class="${cls}"><Info>p</Info><Property ovf:key="hostname" ovf:type="string" ovf:userConfigurable="true" ovf:value="${host}"/></ProductSection>`;
      const app = await buildOva(path.join(tmp, 'app'), 'app', [
        { id: 'app-db', cpus: 1, memoryMB: 256, disksMiB: [4], nics: ['VM Network'], sections: section('db', 'db-default') },
        { id: 'app-web', cpus: 1, memoryMB: 256, disksMiB: [4], nics: ['VM Network'], sections: section('web', 'web-default') },
      ], { vappName: 'app' });
      const r = await importOvf(session, { source: await pkg(app.ova), pool: 'DC0_C0/Resources', name: 'env-app', propertyMapping: { 'web.hostname': 'www1' }, injectOvfEnv: true });
      assert.equal(r.entity.type, 'VirtualApp');
      assert.deepEqual([...(r.ovfEnvInjected ?? [])].sort(), ['app-db', 'app-web']);
      const vms = (await session.properties(r.entity, ['vm']))['vm'] as ManagedObjectReference[];
      const seen: Record<string, Record<string, string>> = {};
      for (const vm of vms) {
        const name = String((await session.properties(vm, ['name']))['name']);
        const xml = await ovfEnvOf(session, vm);
        assert.ok(xml, `${name} has guestinfo.ovfEnv`);
        const doc = readOvfEnvironment(xml);
        assert.equal(doc.id, name, 'oe:id is the VirtualSystem ovf:id (here also the VM name)');
        seen[name] = Object.fromEntries(doc.property.map((p) => [p.key, p.value]));
      }
      assert.deepEqual(seen, { 'app-db': { 'db.hostname': 'db-default' }, 'app-web': { 'web.hostname': 'www1' } });
      await destroyEntity(session, r.entity);
      await assertNothingLeft(sim(), 'env-app');
    } finally {
      await session.logout();
    }
  });
});

describe('a vApp\'s annotation on import (UpdateVAppConfig, simulator, vCenter)', function () {
  this.timeout(120_000);
  const sim = useSimulator();
  let app: BuiltPackage;
  before(async () => {
    app = await buildOva(path.join(tmp, 'annotated'), 'annotated', [
      { id: 'ann-web', cpus: 1, memoryMB: 256, disksMiB: [1], nics: ['VM Network'] },
      { id: 'ann-db', cpus: 1, memoryMB: 256, disksMiB: [1], nics: ['VM Network'] },
    ], { vappName: 'annotated' });
  });

  it('imports with --annotation and the vApp\'s vAppConfig.annotation has it', async () => {
    const env = { VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint };
    const r = await runCli(['import', app.ova, '--pool', 'DC0_C0/Resources', '--name', 'ann-a', '--annotation', 'owned by "team A" & co', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { entity: ManagedObjectReference };
    assert.equal(out.entity.type, 'VirtualApp');
    const session = await connect(sim());
    try {
      assert.equal((await session.properties(out.entity, ['vAppConfig.annotation']))['vAppConfig.annotation'], 'owned by "team A" & co');
      await destroyEntity(session, out.entity);
    } finally {
      await session.logout();
    }
    await assertNothingLeft(sim(), 'ann-a');
  });

  it('rolls the vApp import back when UpdateVAppConfig fails: no vApp, no VMs, no open lease', async () => {
    await sim().inject({ kind: 'fault', method: 'UpdateVAppConfig', fault: 'InvalidState' });
    const session = await connect(sim());
    try {
      await assert.rejects(importOvf(session, { source: await pkg(app.ova), pool: 'DC0_C0/Resources', name: 'ann-fail', annotation: 'x' }), /InvalidState|injected/);
    } finally {
      await session.logout();
    }
    await assertNothingLeft(sim(), 'ann-fail');
    assert.deepEqual((await sim().state()).virtualMachines.filter((v) => v.name.startsWith('ann-')), [], 'no child VM is left');
  });
});

