/**
 * @ovfkit/cdktf under CDK Terrain: the same app (dual-stack.ts: an OvfImport per backend and an
 * OvfExport) synthesized with cdktf 0.21 in-process and with cdktn 0.24 in a child process whose
 * `cdktf` is cdktn (cdktn-alias.ts, what a cdktn project's `"cdktf": "npm:cdktn@0.24.0"` does);
 * the configurations are the same, and the cdktn one is run by the real terraform against the
 * simulator (provider installed in a scratch HOME's mirror, nothing downloaded).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { corpusPresent, repoRoot } from '../paths';
import { type Simulator, simulatorBinary, startSimulator } from '../sim/simulator';
import { findTerraform, providerEnvironment } from '../terraform/harness';
import { synthDualStack } from './dual-stack';

const ROOT_PASSWORD = 'dual-Secret-pass-8765';
const alias = path.join(__dirname, 'cdktn-alias.js');
const app = path.join(__dirname, 'dual-stack.js');

interface Run { status: number | null; stdout: string; stderr: string }
type Config = Record<string, unknown> & { '//'?: { metadata?: { version?: string } }; resource?: Record<string, Record<string, unknown>> };

describe('@ovfkit/cdktf under cdktn 0.24 (CDK Terrain) as under cdktf 0.21', function () {
  this.timeout(300_000);
  const terraform = findTerraform();
  let dir = '';
  let sim: Simulator | undefined;
  let env: NodeJS.ProcessEnv = {};
  let cdktnStack = '';

  const tf = (args: string[]): Run => {
    const r = spawnSync(terraform!, args, { cwd: cdktnStack, encoding: 'utf8', env: { ...env, ROOT_PW: ROOT_PASSWORD, TF_VAR_ROOT_PW: ROOT_PASSWORD }, timeout: 240_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const config = (stackDir: string): Config => JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as Config;
  /** The same layout per framework, so that paths written relative to the stack directory match. */
  const layout = (name: string): [string, string, string] => {
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    return [path.join(dir, name, 'out'), path.join(dir, name, 'terraform.tfstate'), path.join(dir, name, 'golden.ova')];
  };

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-cdktn-'));
  });
  after(async () => {
    await sim?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('synthesizes the same configuration with cdktn as with cdktf: two terraform_data, an ovfkit_import, an ovfkit_export', () => {
    const withCdktf = synthDualStack(...layout('cdktf'));
    const child = spawnSync(process.execPath, ['-r', alias, app, ...layout('cdktn')], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /node_modules\/cdktn\/lib\/index\.js\n$/, 'the child synthesized with cdktn');
    cdktnStack = path.join(dir, 'cdktn', 'out', 'stacks', 'appliance');
    const a = config(withCdktf);
    const b = config(cdktnStack);
    assert.equal(a['//']?.metadata?.version, '0.21.0');
    assert.equal(b['//']?.metadata?.version, '0.24.0');
    const { '//': _a, ...restA } = a;
    const { '//': _b, ...restB } = b;
    assert.deepEqual(restB, restA);
    assert.deepEqual(Object.fromEntries(Object.entries(b.resource!).map(([type, rs]) => [type, Object.keys(rs).sort()])), {
      ovfkit_export: ['Golden_BA401183'],
      ovfkit_import: ['Provided_B98754D5'],
      terraform_data: ['Data_666C94C7', 'Data_Reconfigure_54884FF4'],
    });
  });

  it('the construct unit tests of @ovfkit/cdktf pass under cdktn, whole (mocha with the alias preloaded)', () => {
    const mocha = require.resolve('mocha/bin/mocha.js');
    const specs = [path.join(repoRoot, 'packages', 'cdktf', 'dist', 'constructs.test.js'), path.join(__dirname, 'cdktn-which.js')];
    const r = spawnSync(process.execPath, [mocha, '--no-config', '--require', alias, '--timeout', '120000', '--reporter', 'json', ...specs], { encoding: 'utf8', cwd: repoRoot, env: process.env, maxBuffer: 64 << 20 });
    const report = JSON.parse(r.stdout) as { stats: { passes: number; failures: number; pending: number }; failures: { fullTitle: string; err: { message: string } }[]; pending: { title: string }[] };
    assert.deepEqual(report.failures.map((f) => `${f.fullTitle}: ${f.err.message}`), []);
    assert.equal(r.status, 0, r.stderr);
    // Pending only where the corpus gate made them so: the itCorpus tests of the file, when the corpus is absent.
    const corpusTests = corpusPresent ? [] : [...fs.readFileSync(path.join(repoRoot, 'packages', 'cdktf', 'src', 'constructs.test.ts'), 'utf8').matchAll(/itCorpus\('([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual(report.pending.map((t) => t.title).sort(), corpusTests.sort());
    assert.ok(report.stats.passes + corpusTests.length >= 27, `${report.stats.passes} passed, ${corpusTests.length} pending without the corpus`);
  });

  it('terraform init (offline), apply, plan with no changes and destroy run the cdktn stack against the simulator', async function () {
    if (!terraform) {
      console.log('      SKIP: the terraform binary is not on PATH');
      this.skip();
    }
    assert.ok(cdktnStack, 'the cdktn stack was synthesized');
    if (!fs.existsSync(simulatorBinary)) throw new Error(`the simulator is not built (${simulatorBinary}): run bash test/sim/build.sh`);
    sim = await startSimulator();
    env = providerEnvironment(dir, sim);
    const init = tf(['init', '-input=false', '-no-color']);
    assert.equal(init.status, 0, init.stderr + init.stdout);
    const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(apply.status, 0, apply.stderr + apply.stdout);
    assert.match(apply.stdout, /Apply complete! Resources: 4 added, 0 changed, 0 destroyed\./);
    assert.deepEqual((await sim.state()).virtualMachines.map((v) => v.name).sort(), ['dual-data', 'dual-provider']);
    const verify = spawnSync(process.execPath, [path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js'), 'manifest', 'verify', path.join(dir, 'cdktn', 'golden.ova')], { encoding: 'utf8' });
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.ok(!fs.readFileSync(path.join(dir, 'cdktn', 'terraform.tfstate'), 'utf8').includes(ROOT_PASSWORD), 'the password is not in the state');
    const again = tf(['plan', '-input=false', '-no-color', '-detailed-exitcode']);
    assert.equal(again.status, 0, again.stdout + again.stderr);
    const destroy = tf(['destroy', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(destroy.status, 0, destroy.stderr + destroy.stdout);
    assert.deepEqual((await sim.state()).virtualMachines, []);
  });
});
