/**
 * The plan on the wire: OvfImport's check() puts core's stored plan in its inputs as one JSON
 * text (one protobuf string in each Check and Diff, not a Struct of its every field; see
 * docs/performance.md "Pulumi preview"). Programs still read `plan` as the object, state written
 * by earlier versions (the plan as an object) still diffs as no change, and the text carries no
 * secret (redaction happens before it is written).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';

import * as pulumi from '@pulumi/pulumi';
import { passwordDigest } from '@ovfkit/core';
import { OvfImport, ovfImportProvider } from '@ovfkit/pulumi';

import { repoRoot } from '../paths';
import { dynamicUrn, startPluginHost, type PluginHost } from './plugin-host';

const minimalOvf = path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf');
const urn = dynamicUrn('app', 'pulumi-nodejs:dynamic/ovfkit:OvfImport');
const PASSWORD = 'correct horse battery';

describe('OvfImport\'s plan on the wire: one JSON text', function () {
  this.timeout(60_000);
  let host: PluginHost;
  let provider: string;
  let checked: Record<string, unknown>;
  before(async () => {
    provider = (await pulumi.runtime.serializeFunction(() => ovfImportProvider, { allowSecrets: true })).text;
    host = await startPluginHost();
    await host.configure({});
    const r = await host.check(urn, {}, {
      __provider: provider, source: minimalOvf, name: 'app01', datastore: 'LocalDS_0',
      propertyMapping: { hostname: 'app01', root_password: PASSWORD },
    });
    assert.deepEqual(r.failures, []);
    checked = r.inputs;
  });
  after(async () => { await host?.stop(); });

  it('Check answers the plan as a JSON text of core\'s stored plan, with the password redacted', () => {
    assert.equal(typeof checked['plan'], 'string');
    const plan = JSON.parse(checked['plan'] as string) as { format: string; entityName: string; descriptorDigest: string; eula: Record<string, unknown>; properties: { id: string; value: string }[] };
    assert.equal(plan.format, 'ovfkit.plan/1');
    assert.equal(plan.entityName, 'app01');
    assert.match(plan.descriptorDigest, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(Object.keys(plan.eula).sort(), ['accepted', 'count', 'textsSha256'], 'EULA texts as their digests (the stored plan)');
    assert.deepEqual(plan.properties.filter((p) => p.id === 'root_password').map((p) => p.value), ['********'], 'the password property shows no value');
    assert.ok(!(checked['plan'] as string).includes(PASSWORD), 'no password in the plan text');
  });

  /** The state an `up` stored: the checked inputs (propertyMapping aside) and what the import read back. */
  const stateOf = (inputs: Record<string, unknown>, plan: unknown): Record<string, unknown> => {
    const { propertyMapping: _pm, ...rest } = inputs;
    const digest = (JSON.parse(checked['plan'] as string) as { descriptorDigest: string }).descriptorDigest;
    return {
      ...rest, plan, entityType: 'VirtualMachine', entityName: 'app01', vms: [], descriptorDigest: digest, deploymentOption: inputs['deploymentOption'],
      properties: { hostname: 'app01' }, passwordPropertyDigests: {}, powerState: 'poweredOff', warnings: [],
    };
  };

  it('diffs state written by earlier versions (the plan as an object) as no change, and a changed input as an update in place', async () => {
    const olderState = stateOf(checked, JSON.parse(checked['plan'] as string));
    const newerState = stateOf(checked, checked['plan']);
    // The earlier version's state kept the password property as a digest; this one's state too.
    for (const s of [olderState, newerState]) s['passwordPropertyDigests'] = { root_password: passwordDigest(PASSWORD) };
    assert.deepEqual(await host.diff('VirtualMachine:vm-1', urn, olderState, checked), { changes: 'none', replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(await host.diff('VirtualMachine:vm-1', urn, newerState, checked), { changes: 'none', replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(await host.diff('VirtualMachine:vm-1', urn, olderState, { ...checked, powerOn: true }), { changes: 'some', replaces: [], deleteBeforeReplace: false });
  });
});

describe('the OvfImport resource\'s plan output', () => {
  it('is the plan object, whether the state holds the JSON text or (earlier versions) the object', async () => {
    const plan = { format: 'ovfkit.plan/1', descriptorDigest: `sha256:${'0'.repeat(64)}`, entityName: 'app01' };
    await pulumi.runtime.setMocks({
      newResource: (args) => ({ id: `VirtualMachine:${args.name}`, state: { ...args.inputs, plan: args.name === 'text' ? JSON.stringify(plan) : plan } }),
      call: (args) => args.inputs,
    }, 'ovfkit-test', 'dev', false);
    const text = new OvfImport('text', { source: minimalOvf });
    const object = new OvfImport('object', { source: minimalOvf });
    const value = (o: pulumi.Output<unknown>): Promise<unknown> => new Promise((r) => o.apply(r));
    assert.deepEqual(await value(text.plan), plan);
    assert.deepEqual(await value(object.plan), plan);
    assert.equal(await value(text.plan.descriptorDigest), plan.descriptorDigest, 'typed as the stored plan: its fields lift');
  });
});
