import * as assert from 'node:assert/strict';

import * as pulumi from '@pulumi/pulumi';
import { OvfImport } from '@ovfkit/pulumi';

import { startSimulator, type Simulator } from '../sim/simulator';

import { runProgram } from './mock-engine';
import { dynamicUrn, SECRET_SIG, SECRET_SIG_KEY, startPluginHost, wireSecret, type PluginHost } from './plugin-host';
import { useSimulatorPluginHost } from './sim-context';

const names = async (sim: Simulator): Promise<string[]> => (await sim.state()).virtualMachines.map((v) => v.name).sort();
const placement = { resourcePool: 'DC0_C0/Resources', datastore: 'LocalDS_0', networkMapping: { 'VM Network': 'VM Network' } };

describe('one Pulumi program, two vCenters: the connection input beside the stack config, through the plugin host', function () {
  this.timeout(180_000);
  // Simulator A is the stack's (ovfkit:* config, a --secret password); B is reached only through a resource's connection.
  const a = useSimulatorPluginHost('ovfkit-pulumi-conn-');
  let b: Simulator;
  before(async () => { b = await startSimulator(); });
  after(async () => { await b?.stop(); });

  it('creates one VM on each simulator, keeps the connection secret, and destroys each on its own vCenter', async () => {
    assert.notEqual(a.sim.password, b.password);
    const { resources } = await runProgram(a.host, () => [
      new OvfImport('on-a', { source: a.pkg.ova, name: 'vm-on-a', ...placement }),
      new OvfImport('on-b', {
        source: a.pkg.ova, name: 'vm-on-b', ...placement,
        connection: { server: b.url, user: b.username, password: pulumi.secret(b.password), thumbprint: b.thumbprint },
      }),
    ], { preview: false });
    const byName = Object.fromEntries(resources.map((r) => [r.name, r]));
    for (const r of resources) assert.deepEqual(r.check.failures, [], `${r.name}: ${JSON.stringify(r.check.failures)}`);
    for (const r of resources) assert.equal(r.createError, undefined, r.createError);
    assert.deepEqual(await names(a.sim), ['vm-on-a'], 'the stack config\'s vCenter has only the VM without a connection');
    assert.deepEqual(await names(b), ['vm-on-b'], 'the connection\'s vCenter has the other');

    const onB = byName['on-b']!;
    const registered = onB.inputs['connection'] as Record<string, unknown>;
    assert.equal(registered[SECRET_SIG_KEY], SECRET_SIG, 'the connection is registered as a secret: the checkpoint keeps it encrypted');
    const created = onB.created!;
    const { connection, ...otherOutputs } = created.properties;
    assert.equal((connection as { server: string }).server, b.url, 'refresh and destroy find their vCenter in the state');
    for (const [what, text] of [
      ['the other outputs', JSON.stringify(otherOutputs)], ['the serialized provider', String(onB.inputs['__provider'])],
      ['the plugin host log', a.host.stderr()], ['the stack VM\'s state', JSON.stringify(byName['on-a']!.created)],
    ] as const) assert.ok(!text.includes(b.password), `B's password is not in ${what}`);

    // A refresh of each reads its own vCenter (the state says which), then destroy removes each there.
    const urn = (n: string): string => dynamicUrn(n, 'pulumi-nodejs:dynamic/ovfkit:OvfImport');
    const readB = await a.host.read(created.id, urn('on-b'), created.properties);
    assert.equal(readB.id, created.id, 'B\'s VM is found on B');
    await a.host.delete(created.id, urn('on-b'), created.properties);
    assert.deepEqual(await names(b), []);
    assert.deepEqual(await names(a.sim), ['vm-on-a'], 'deleting B\'s VM left A alone');
    const onA = byName['on-a']!.created!;
    await a.host.delete(onA.id, urn('on-a'), onA.properties);
    assert.deepEqual(await names(a.sim), []);
  });

  it('reports a malformed connection on the input at fault, before reading any vCenter', async () => {
    const c = await a.host.check(dynamicUrn('bad', 'pulumi-nodejs:dynamic/ovfkit:OvfImport'), {}, {
      __provider: a.provider, source: a.pkg.ova, ...placement, connection: { user: 'ci', pasword: 'x', insecure: 'yes' },
    });
    assert.deepEqual(c.failures, [
      { property: 'connection.pasword', reason: 'connection has no "pasword"; allowed: server, user, password, thumbprint, insecure' },
      { property: 'connection.server', reason: 'connection.server is required: the host name or URL of vCenter / ESXi' },
      { property: 'connection.insecure', reason: 'connection.insecure must be true or false' },
    ]);
  });

  it('a server whose certificate is not trusted: check says what Pulumi offers (connection.thumbprint or connection.insecure), no CLI flag, and nothing is created', async () => {
    const { resources } = await runProgram(a.host, () => [
      new OvfImport('untrusted', {
        source: a.pkg.ova, name: 'vm-untrusted', ...placement,
        connection: { server: b.url, user: b.username, password: pulumi.secret(b.password) },
      }),
    ], { preview: false });
    const origin = new URL(b.url).origin;
    assert.deepEqual(resources.map((r) => [r.name, r.check.failures, r.createError]), [['untrusted', [{
      property: 'source',
      reason: `vSphere at ${b.url}: RetrieveServiceContent: the TLS certificate of ${origin} is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); set connection.thumbprint (or ovfkit:thumbprint) to its SHA-256 fingerprint to pin it, or connection.insecure (or ovfkit:insecure) to skip the check; the Pulumi provider takes no CA`,
    }], undefined]]);
    assert.deepEqual(await names(b), []);
  });

  it('diffs another server as a replacement and new credentials for the same server as an in-place change', async () => {
    const urn = dynamicUrn('d', 'pulumi-nodejs:dynamic/ovfkit:OvfImport');
    const c = await a.host.check(urn, {}, { __provider: a.provider, source: a.pkg.ova, name: 'vm-d', ...placement, connection: { server: b.url, user: b.username, password: b.password, thumbprint: b.thumbprint } });
    const vm = await a.host.create(urn, c.inputs);
    try {
      const rotated = await a.host.check(urn, vm.properties, { ...c.inputs, connection: { server: b.url, user: b.username, password: 'rotated', thumbprint: b.thumbprint } });
      const d1 = await a.host.diff(vm.id, urn, vm.properties, rotated.inputs);
      assert.deepEqual({ changes: d1.changes, replaces: d1.replaces }, { changes: 'some', replaces: [] });
      const { connection: _ownVcenter, ...stackVcenter } = c.inputs;
      const moved = await a.host.check(urn, vm.properties, stackVcenter);
      const d2 = await a.host.diff(vm.id, urn, vm.properties, moved.inputs);
      assert.deepEqual({ changes: d2.changes, replaces: d2.replaces }, { changes: 'some', replaces: ['connection'] });
    } finally {
      await a.host.delete(vm.id, urn, vm.properties);
    }
    assert.deepEqual(await names(b), []);
  });
});

describe('the vsphere:* keys of @pulumi/vsphere, when no ovfkit:* key is set, through the plugin host', function () {
  this.timeout(120_000);
  const ctx = useSimulatorPluginHost('ovfkit-pulumi-vsphere-cfg-');
  let host: PluginHost;
  before(async () => {
    host = await startPluginHost();
    // The stack config as @pulumi/vsphere users have it: no thumbprint key exists there, so the
    // simulator's self-signed certificate is accepted by name only (allowUnverifiedSsl).
    await host.configure({
      'vsphere:vsphereServer': ctx.sim.url, 'vsphere:user': ctx.sim.username, 'vsphere:password': wireSecret(ctx.sim.password), 'vsphere:allowUnverifiedSsl': 'true',
    });
  });
  after(async () => { await host?.stop(); });

  it('imports into the vCenter vsphere:vsphereServer names, and deletes there', async () => {
    const urn = dynamicUrn('v', 'pulumi-nodejs:dynamic/ovfkit:OvfImport');
    const c = await host.check(urn, {}, { __provider: ctx.provider, source: ctx.pkg.ova, name: 'vm-vsphere-cfg', ...placement });
    assert.deepEqual(c.failures, []);
    const vm = await host.create(urn, c.inputs);
    assert.deepEqual(await names(ctx.sim), ['vm-vsphere-cfg']);
    assert.ok(!JSON.stringify(vm.properties).includes(ctx.sim.password) && !host.stderr().includes(ctx.sim.password), 'no password in the state or the log');
    await host.delete(vm.id, urn, vm.properties);
    assert.deepEqual(await names(ctx.sim), []);
  });
});
