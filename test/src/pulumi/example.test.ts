/**
 * examples/pulumi-import is a program users copy: it must type-check against the published API,
 * preview cleanly, and import, export and destroy for real. No Pulumi CLI exists here, so the
 * program runs under setMocks with every dynamic resource forwarded to Pulumi's own plugin host
 * (see mock-engine.ts), against the vSphere simulator. Its README shows what this test prints.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import * as pulumi from '@pulumi/pulumi';
import * as ts from 'typescript';

import { repoRoot } from '../paths';
import { startSimulator, type Simulator } from '../sim/simulator';
import { buildMinimalOva } from './fixtures';
import { exampleDir, loadExample } from './example-program';
import { runProgram, type ForwardedResource } from './mock-engine';
import { dynamicUrn, startPluginHost, type PluginHost } from './plugin-host';

const testDir = path.join(repoRoot, 'test');
const PROJECT = 'ovfkit-pulumi-import';
const ROOT_PASSWORD = 'example-root-pw-1';

/** Type-checks index.ts as a user's project would, against our built packages. */
function typeCheck(): string[] {
  const program = ts.createProgram([path.join(exampleDir, 'index.ts')], {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true, types: ['node'],
    typeRoots: [path.join(repoRoot, 'node_modules', '@types')],
    baseUrl: exampleDir,
    paths: {
      '@ovfkit/pulumi': [path.join(repoRoot, 'packages', 'pulumi', 'dist', 'index.d.ts')],
      '@pulumi/pulumi': [path.join(testDir, 'node_modules', '@pulumi', 'pulumi')],
    },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

async function resolved(v: unknown): Promise<unknown> {
  return pulumi.Output.isInstance(v) ? new Promise((r) => v.apply(r)) : v;
}

const show = (line: string): void => { process.stdout.write(`      ${line}\n`); };
const failuresOf = (r: ForwardedResource): string[] => r.check.failures.map((f) => `${f.property}: ${f.reason}`);

describe('examples/pulumi-import', function () {
  this.timeout(180_000);
  let sim: Simulator;
  let host: PluginHost;
  let tmp: string;
  let ova: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-pulumi-example-'));
    // destroy keeps the export: a run stopped before the after hook leaves it, and no export overwrites.
    fs.rmSync(path.join(exampleDir, 'appliance-01-backup.ova'), { force: true });
    ova = await buildMinimalOva(tmp);
    sim = await startSimulator();
    host = await startPluginHost({ project: PROJECT });
    await host.configure({ 'ovfkit:server': sim.url, 'ovfkit:user': sim.username, 'ovfkit:password': sim.password, 'ovfkit:thumbprint': sim.thumbprint });
    pulumi.runtime.setAllConfig({ [`${PROJECT}:source`]: ova, [`${PROJECT}:rootPassword`]: ROOT_PASSWORD }, [`${PROJECT}:rootPassword`]);
  });
  after(async () => {
    await host?.stop();
    await sim?.stop();
    fs.rmSync(path.join(exampleDir, 'appliance-01-backup.ova'), { force: true });
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('type-checks against the published API', () => {
    assert.deepEqual(typeCheck(), []);
  });

  it('previews, imports and exports for real, then destroys leaving nothing behind', async () => {
    show('$ pulumi preview   (engine: setMocks + the real dynamic-provider plugin host, vCenter simulator)');
    const preview = await runProgram(host, () => { loadExample(); }, { preview: true, project: PROJECT });
    for (const r of preview.resources) {
      show(`  + ${r.type}  ${r.name}  ${r.check.failures.length ? 'FAILS CHECK' : 'create'}`);
      for (const f of failuresOf(r)) show(`      ${f}`);
    }
    assert.deepEqual(preview.resources.map((r) => r.name).sort(), ['appliance', 'appliance-backup']);
    assert.deepEqual(preview.resources.flatMap(failuresOf), []);
    const previewedImport = preview.resources.find((r) => r.name === 'appliance')!;
    assert.equal(previewedImport.check.inputs['deploymentOption'], 'small');
    assert.equal(previewedImport.check.inputs['entity'], undefined);

    show('');
    show("$ pulumi preview   (after typos: deploymentOption: 'smal', networkMapping { 'VM Netwrk': … }, log_level: 'verbose')");
    const typo = (src: string): string => src.replace("deploymentOption: 'small'", "deploymentOption: 'smal'").replace("{ 'VM Network': 'VM Network' }", "{ 'VM Netwrk': 'VM Network' }").replace("log_level: 'warn'", "log_level: 'verbose'");
    const bad = await runProgram(host, () => { loadExample(typo); }, { preview: true, project: PROJECT });
    for (const r of bad.resources) {
      show(`  + ${r.type}  ${r.name}  ${r.check.failures.length ? 'FAILS CHECK' : 'create'}`);
      for (const f of failuresOf(r)) show(`      ${f}`);
    }
    assert.deepEqual(bad.resources.find((r) => r.name === 'appliance')!.check.failures.map((f) => f.property).sort(), ['deploymentOption', 'networkMapping["VM Netwrk"]', 'propertyMapping.log_level']);

    show('');
    show('$ pulumi up');
    let exportsOfProgram: Record<string, unknown> = {};
    const up = await runProgram(host, () => { exportsOfProgram = loadExample(); }, { preview: false, project: PROJECT });
    for (const r of up.resources) show(`  + ${r.type}  ${r.name}  ${r.created ? `created ${r.created.id}` : `FAILED: ${r.createError ?? failuresOf(r).join('; ')}`}`);
    const app = up.resources.find((r) => r.name === 'appliance')!;
    const backup = up.resources.find((r) => r.name === 'appliance-backup')!;
    assert.ok(app.created && backup.created, `${app.createError ?? ''} ${backup.createError ?? ''} ${failuresOf(backup).join('; ')}`);
    show('  Outputs:');
    for (const [k, v] of Object.entries(exportsOfProgram)) {
      const value = await resolved(v);
      show(`    ${k}: ${JSON.stringify(value)}`);
    }
    assert.ok((await sim.state()).virtualMachines.some((v) => v.name === 'appliance-01'));
    assert.ok(fs.existsSync(path.join(exampleDir, 'appliance-01-backup.ova')));
    const state = JSON.stringify([app.created.properties, backup.created.properties]);
    assert.ok(!state.includes(ROOT_PASSWORD) && !state.includes(sim.password), 'no secret in state');

    // One property value changed after up: Check, then Diff against the state, as the engine calls them.
    // The engine shows which inputs changed itself (the dynamic provider's Diff gives changes/replaces only):
    // the keys listed here are the inputs whose checked values differ, computed the same way.
    show('');
    show("$ pulumi preview   (after up; one property value: hostname: 'appliance-02')");
    const oneProperty = (src: string): string => src.replace("hostname: 'appliance-01'", "hostname: 'appliance-02'");
    const next = await runProgram(host, () => { loadExample(oneProperty); }, { preview: true, project: PROJECT });
    const nextImport = next.resources.find((r) => r.name === 'appliance')!;
    assert.deepEqual(failuresOf(nextImport), []);
    const d = await host.diff(app.created.id, dynamicUrn('appliance', app.type), app.created.properties, nextImport.check.inputs);
    const changedInputs = Object.keys(nextImport.check.inputs).filter((k) => JSON.stringify(nextImport.check.inputs[k]) !== JSON.stringify(app.check.inputs[k])).sort();
    show(`  ~ ${app.type}  appliance  ${d.replaces.length ? `replace [${d.replaces.join(', ')}]` : 'update'}  [diff: ${changedInputs.map((k) => `~${k}`).join(', ')}]`);
    assert.deepEqual([d.changes, d.replaces], ['some', []], 'one property value is an in-place update, not a new VM');
    assert.deepEqual(changedInputs, ['plan', 'propertyMapping'], 'the property value, and core\'s plan that shows it');
    show('$ pulumi up');
    const updated = await host.update(app.created.id, dynamicUrn('appliance', app.type), app.created.properties, nextImport.check.inputs);
    show(`  ~ ${app.type}  appliance  updated ${app.created.id}  properties.hostname: ${JSON.stringify(updated.properties['properties'] && (updated.properties['properties'] as Record<string, string>)['hostname'])}`);
    assert.equal((updated.properties['properties'] as Record<string, string>)['hostname'], 'appliance-02');
    assert.equal((await sim.state()).virtualMachines.filter((v) => v.name === 'appliance-01').length, 1, 'the same VM');

    show('$ pulumi destroy');
    await host.delete(backup.created.id, dynamicUrn('appliance-backup', backup.type), backup.created.properties);
    show(`  - ${backup.type}  appliance-backup  deleted`);
    await host.delete(app.created.id, dynamicUrn('appliance', app.type), updated.properties);
    show(`  - ${app.type}  appliance  deleted`);
    const after = await sim.state();
    assert.equal(after.virtualMachines.find((v) => v.name === 'appliance-01'), undefined);
    assert.deepEqual(after.leases.filter((l) => l.state !== 'done' && l.state !== 'error'), []);
    assert.ok(fs.existsSync(path.join(exampleDir, 'appliance-01-backup.ova')), 'destroy keeps the exported package (docs/export-semantics.md)');
  });
});
