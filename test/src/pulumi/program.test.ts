import * as assert from 'node:assert/strict';
import * as path from 'node:path';

import * as pulumi from '@pulumi/pulumi';
import { OvfExport, OvfImport } from '@ovfkit/pulumi';

import { repoRoot } from '../paths';
import { runProgram } from './mock-engine';
import { SECRET_SIG, SECRET_SIG_KEY, startPluginHost, UNKNOWN, type PluginHost } from './plugin-host';

const minimalOvf = path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf');

/** A resource of another provider whose output is unknown during preview. */
class Seed extends pulumi.CustomResource {
  declare public readonly path: pulumi.Output<string>;
  constructor(name: string) { super('test:index:Seed', name, { path: undefined }); }
}

describe('a Pulumi program declaring OvfImport, run under setMocks and forwarded to the plugin host', function () {
  this.timeout(60_000);
  let host: PluginHost;
  before(async () => {
    host = await startPluginHost();
    await host.configure({});
  });
  after(async () => { await host?.stop(); });

  it('previews a correct import of the example descriptor with no failure and the default deployment option', async () => {
    const { resources } = await runProgram(host, () => [new OvfImport('app', {
      source: minimalOvf, networkMapping: { 'VM Network': 'DC0_DVPG0' }, propertyMapping: { hostname: 'app01', root_password: 'correct horse battery' },
      powerOn: true,
    })], { preview: true });
    assert.equal(resources.length, 1);
    const [app] = resources;
    assert.equal(app!.type, 'pulumi-nodejs:dynamic/ovfkit:OvfImport');
    assert.deepEqual(app!.check.failures, []);
    assert.equal(app!.check.inputs['deploymentOption'], 'small');
    const plan = JSON.parse(app!.check.inputs['plan'] as string) as { format: string; deploymentOption: { key: string }; vms: unknown[]; descriptorDigest: string };
    assert.equal(plan.format, 'ovfkit.plan/1', 'preview shows core\'s plan, as ovfkit plan does');
    assert.equal(plan.deploymentOption.key, 'small');
    assert.equal(plan.vms.length, 1);
    assert.ok(!JSON.stringify(plan).includes('correct horse'), 'the plan redacts the password property');
    assert.equal(typeof app!.inputs['__provider'], 'string', 'the program serialized the provider into __provider');
    const pm = app!.inputs['propertyMapping'] as Record<string, unknown>;
    assert.equal(pm[SECRET_SIG_KEY], SECRET_SIG, 'propertyMapping is registered as a secret, so the checkpoint keeps it encrypted');
    assert.ok(!JSON.stringify({ ...app!.inputs, propertyMapping: undefined }).includes('correct horse'), 'no other input carries the password');
  });

  it('fails preview naming every wrong input against the descriptor', async () => {
    const { resources } = await runProgram(host, () => [new OvfImport('app', {
      source: minimalOvf, deploymentOption: 'huge', networkMapping: { 'Storage Net': 'DC0_DVPG0' }, propertyMapping: { hostnme: 'app01', root_password: 'hunter2' },
    })], { preview: true });
    const failures = Object.fromEntries(resources[0]!.check.failures.map((f) => [f.property, f.reason]));
    assert.deepEqual(Object.keys(failures).sort(), ['deploymentOption', 'networkMapping["Storage Net"]', 'propertyMapping.hostnme', 'propertyMapping.root_password']);
    assert.match(failures['deploymentOption']!, /"huge" is not offered by this descriptor; allowed: "small", "large"/);
    assert.match(failures['propertyMapping.hostnme']!, /^Property key "hostnme" names no property of the package; did you mean "hostname"\?; allowed: hostname, ip0.*; fix: use propertyMapping: \{ "hostname": "…" \}/);
    assert.match(failures['networkMapping["Storage Net"]']!, /does not declare; allowed: VM Network/);
    assert.match(failures['propertyMapping.root_password']!, /shorter than MinLen\(8\)/);
    assert.ok(!JSON.stringify(resources[0]!.check.failures).includes('hunter2'), 'the password value is not repeated in the failure');
  });

  it('skips checks on values another resource computes, and reports them at up', async () => {
    const { resources } = await runProgram(host, () => {
      const seed = new Seed('seed');
      return [seed, new OvfImport('app', { source: seed.path, datastore: seed.path })];
    }, { preview: true });
    const app = resources.find((r) => r.name === 'app')!;
    assert.equal(app.check.inputs['source'], UNKNOWN);
    assert.equal(app.check.inputs['plan'], UNKNOWN, 'the plan is not known before its source is');
    assert.deepEqual(app.check.failures, []);
  });

  it('keeps the provider free of credentials set in the program environment', async () => {
    process.env['VSPHERE_PASSWORD'] = 'program-side-secret';
    try {
      const { resources } = await runProgram(host, () => [
        new OvfImport('app', { source: minimalOvf }),
        new OvfExport('backup', { entity: 'VirtualMachine:vm-1', destination: path.join(repoRoot, 'backup.ova') }),
      ], { preview: true });
      assert.equal(resources.length, 2);
      for (const r of resources) assert.ok(!String(r.inputs['__provider']).includes('program-side-secret'));
      assert.equal(resources.find((r) => r.name === 'backup')!.check.inputs['format'], 'ova');
    } finally {
      delete process.env['VSPHERE_PASSWORD'];
    }
  });

  it('warns once per old export input name, and checks them as the new names', async () => {
    const warned: string[] = [];
    const warn = console.warn;
    // Without an engine (setMocks), pulumi.log.warn writes to console.warn; the engine shows it on the resource.
    console.warn = (...a: unknown[]) => { warned.push(a.join(' ')); };
    let resources;
    try {
      ({ resources } = await runProgram(host, () => [
        new OvfExport('old', { entity: 'VirtualMachine:vm-1', destination: path.join(repoRoot, 'old.ova'), exportOptions: ['uuid'], chunkSizeBytes: 4096 }),
        new OvfExport('new', { entity: 'VirtualMachine:vm-1', destination: path.join(repoRoot, 'old.ova'), exportOption: ['uuid'], chunkSize: 4096 }),
      ], { preview: true }));
    } finally {
      console.warn = warn;
    }
    assert.deepEqual(warned, [
      'warning: [runtime] OvfExport "exportOptions" is deprecated: name it "exportOption", as CDKTF\'s OvfExport, Terraform\'s ovfkit_export (snake_case) and ovfkit export\'s flags do; "exportOptions" is accepted for one release',
      'warning: [runtime] OvfExport "chunkSizeBytes" is deprecated: name it "chunkSize", as CDKTF\'s OvfExport, Terraform\'s ovfkit_export (snake_case) and ovfkit export\'s flags do; "chunkSizeBytes" is accepted for one release',
    ]);
    const [old, now] = resources;
    assert.deepEqual(old!.check.failures, []);
    assert.deepEqual(old!.check.inputs, now!.check.inputs);
  });

  it('runs Create at up and reports a missing connection as the error, without a stack trace', async () => {
    const { resources } = await runProgram(host, () => [new OvfImport('app', { source: minimalOvf })], { preview: false });
    assert.match(resources[0]!.createError ?? '', /needs a vSphere connection: give the resource a connection \{ server, user, password \}, or set the ovfkit:server, ovfkit:user and ovfkit:password \(secret\) config, or vsphere:vsphereServer, vsphere:user and vsphere:password, or VSPHERE_SERVER, VSPHERE_USER and VSPHERE_PASSWORD$/);
    assert.ok(!/\n\s+at /.test(resources[0]!.createError ?? ''), 'no stack trace');
  });
});
