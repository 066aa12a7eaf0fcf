/**
 * End to end: a CDKTF stack whose OvfImport uses `backend: 'provider'` — the bindings generated
 * from terraform-provider-ovfkit's schema (packages/cdktf/src/provider) — synthesized in-process
 * and run by the real `terraform` binary against ovfkit's vSphere simulator. The provider is
 * installed by `ovfkit terraform install` under a temporary HOME; the CLI configuration allows
 * that mirror only, so nothing can be downloaded.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { OvfImport, OvfkitProvider, fromEnv, type OvfImportProps } from '@ovfkit/cdktf';
import { repoRoot } from '../paths';
import { type Simulator, simulatorBinary, startSimulator } from '../sim/simulator';
import { findTerraform, providerEnvironment } from '../terraform/harness';

const minimalOva = path.join(repoRoot, 'examples', 'minimal', 'minimal.ova');
const generator = path.join(repoRoot, 'packages', 'cdktf', 'scripts', 'generate-provider.js');
const ROOT_PASSWORD = 'cdktf-Secret-pass-4321';

interface Run { status: number | null; stdout: string; stderr: string }

describe('CDKTF with backend "provider": the generated bindings, run by the real terraform binary against the simulator', function () {
  this.timeout(300_000);
  const terraform = findTerraform();
  let dir = '';
  let stackDir = '';
  let env: NodeJS.ProcessEnv = {};
  let sim: Simulator | undefined;
  let firstId = '';

  const tf = (args: string[]): Run => {
    const r = spawnSync(terraform!, args, { cwd: stackDir, encoding: 'utf8', env: { ...env, TF_VAR_ROOT_PW: ROOT_PASSWORD }, timeout: 240_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  /** Synthesizes the stack into dir/out; terraform runs in its stack folder. */
  const synth = (props: Partial<OvfImportProps>): OvfImport => {
    const app = new App({ outdir: path.join(dir, 'out') });
    const stack = new TerraformStack(app, 'appliance');
    new LocalBackend(stack, { path: path.join(dir, 'terraform.tfstate') });
    const imp = new OvfImport(stack, 'Appliance', {
      backend: 'provider',
      source: minimalOva,
      name: 'cdktf-provider-e2e',
      datacenter: 'DC0',
      resourcePool: '/DC0/host/DC0_C0/Resources',
      datastore: 'LocalDS_0',
      networkMapping: { 'VM Network': 'VM Network' },
      propertyMapping: { hostname: 'app01', workers: '4', root_password: fromEnv('ROOT_PW') },
      ...props,
    });
    new TerraformOutput(stack, 'id', { value: imp.resource.getStringAttribute('id') });
    app.synth();
    stackDir = path.join(dir, 'out', 'stacks', 'appliance');
    return imp;
  };
  const vms = async (): Promise<[string, string | undefined][]> => (await sim!.state()).virtualMachines.map((v) => [v.name, v.powerState]);
  const noSecret = (text: string, where: string): void => {
    assert.ok(!text.includes(ROOT_PASSWORD), `the root password is not in ${where}`);
    assert.ok(!text.includes(sim!.password), `the vSphere password is not in ${where}`);
  };

  before(async function () {
    if (!terraform) {
      console.log('      SKIP: the terraform binary is not on PATH');
      this.skip();
    }
    if (!fs.existsSync(simulatorBinary)) throw new Error(`the simulator is not built (${simulatorBinary}): run bash test/sim/build.sh`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-cdktf-provider-'));
    sim = await startSimulator();
    env = providerEnvironment(dir, sim);
  });

  after(async () => {
    await sim?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the committed bindings are what @cdktf/provider-generator makes of the provider\'s schema as terraform reports it', () => {
    const r = spawnSync(process.execPath, [generator, '--check'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^src\/provider matches the provider's schema \(\d+ files\)\n$/);
  });

  it('synth writes an ovfkit_import with the provider block, the password as a sensitive variable, and no secret', () => {
    synth({});
    const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as {
      provider: { ovfkit: unknown[] }; variable: Record<string, { sensitive?: boolean }>; resource: { ovfkit_import: Record<string, Record<string, unknown>> };
    };
    assert.deepEqual(Object.keys(json.provider), ['ovfkit']);
    assert.deepEqual(json.variable['ROOT_PW'], { description: 'secret for ovfkit (set TF_VAR_ROOT_PW)', nullable: false, sensitive: true, type: 'string' });
    const imports = Object.values(json.resource.ovfkit_import);
    assert.equal(imports.length, 1);
    const r = imports[0]!;
    assert.deepEqual(r['property_mapping'], { hostname: 'app01', workers: '4' });
    assert.deepEqual(r['password_property_mapping'], { root_password: '${var.ROOT_PW}' });
    assert.equal(r['source'], minimalOva);
    noSecret(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'), 'cdk.tf.json');
  });

  it('init finds the provider offline; apply imports the VM; plan again has no changes', async () => {
    const init = tf(['init', '-input=false', '-no-color']);
    assert.equal(init.status, 0, init.stderr + init.stdout);
    assert.match(init.stdout, /Installed ovfkit\/ovfkit v0\.1\.0 \(unauthenticated\)/);
    const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(apply.status, 0, apply.stderr + apply.stdout);
    assert.match(apply.stdout, /Apply complete! Resources: 1 added, 0 changed, 0 destroyed\./);
    assert.deepEqual(await vms(), [['cdktf-provider-e2e', 'poweredOff']]);
    firstId = tf(['output', '-raw', 'id']).stdout;
    assert.match(firstId, /^VirtualMachine:vm-\d+$/);
    noSecret(apply.stdout + apply.stderr, 'what terraform printed');
    noSecret(fs.readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8'), 'the state');
    const again = tf(['plan', '-input=false', '-no-color', '-detailed-exitcode']);
    assert.equal(again.status, 0, again.stdout + again.stderr);
  });

  it('a property value, the annotation and the power state change in place: same moref', async () => {
    synth({ propertyMapping: { hostname: 'app01', workers: '8', root_password: fromEnv('ROOT_PW') }, powerOn: true, annotation: 'changed by cdktf' });
    const plan = tf(['plan', '-input=false', '-no-color']);
    assert.match(plan.stdout, /will be updated in-place/);
    assert.match(plan.stdout, /~ "workers"\s+= "4" -> "8"/);
    assert.match(plan.stdout, /Plan: 0 to add, 1 to change, 0 to destroy\./);
    const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(apply.status, 0, apply.stderr + apply.stdout);
    assert.equal(tf(['output', '-raw', 'id']).stdout, firstId);
    assert.deepEqual(await vms(), [['cdktf-provider-e2e', 'poweredOn']]);
  });

  it('the same package at another path (a moved checkout) is an in-place change of source, not a new import', () => {
    const moved = path.join(dir, 'elsewhere', 'minimal.ova');
    fs.mkdirSync(path.dirname(moved));
    fs.copyFileSync(minimalOva, moved);
    synth({ source: moved, propertyMapping: { hostname: 'app01', workers: '8', root_password: fromEnv('ROOT_PW') }, powerOn: true, annotation: 'changed by cdktf' });
    const plan = tf(['plan', '-input=false', '-no-color']);
    assert.doesNotMatch(plan.stdout, /must be replaced/);
    assert.match(plan.stdout, /Plan: 0 to add, 1 to change, 0 to destroy\./);
    const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(apply.status, 0, apply.stderr + apply.stdout);
    assert.equal(tf(['output', '-raw', 'id']).stdout, firstId);
  });

  it('synth refuses what the ovfkit_import resource cannot do, naming the prop', () => {
    const app = new App({ outdir: path.join(dir, 'refused') });
    const stack = new TerraformStack(app, 'refused');
    assert.throws(() => new OvfImport(stack, 'A', { backend: 'provider', source: minimalOva, datacenter: 'DC0', markAsTemplate: true }),
      /refused\/A: "markAsTemplate" is not an input of the ovfkit_import resource: leave it out, or use backend "terraformData"/);
    assert.throws(() => new OvfImport(stack, 'B', { source: minimalOva, datacenter: 'DC0', provider: new OvfkitProvider(stack, 'p') }),
      /refused\/B: "provider" is used only with backend: "provider"/);
  });

  it('destroy leaves nothing in the simulator', async () => {
    const destroy = tf(['destroy', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(destroy.status, 0, destroy.stderr + destroy.stdout);
    assert.deepEqual(await vms(), []);
  });
});
