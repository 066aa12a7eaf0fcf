/**
 * Issue 14's proof for CDKTF's `backend: 'provider'`, as test/src/cdktf/terraform.test.ts gives it
 * for `terraformData`: the real `terraform` with terraform-provider-ovfkit against the simulator,
 * run with a PATH that holds only `node` and `terraform`. A project synthesized and applied in
 * folder A, copied with its state to folder B (A removed, as a CI runner's next checkout), plans
 * "No changes" in B, before and after synthesizing again there; a changed package replaces the VM.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { OvfExport, OvfImport } from '@ovfkit/cdktf';
import { repoRoot } from '../paths';
import { type Simulator, simulatorBinary, startSimulator } from '../sim/simulator';
import { providerEnvironment, terraformPath } from '../terraform/harness';
import { nodeAndTerraformOnly } from './offline-terraform';

const minimal = path.join(repoRoot, 'examples', 'minimal');

interface Run { status: number | null; stdout: string; stderr: string }

describe('CDKTF backend "provider": the checkout moves, the plan does not (real terraform, PATH of node and terraform only)', function () {
  this.timeout(300_000);
  const terraform = terraformPath();
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  let sim: Simulator | undefined;

  /** Where Terraform runs for the project's stack. */
  const stackDir = (project: string): string => path.join(project, 'cdktf.out', 'stacks', 'appliance');
  const tf = (project: string, args: string[]): Run => {
    const r = spawnSync('terraform', args, { cwd: stackDir(project), encoding: 'utf8', env, timeout: 240_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  /** `cdktf synth` of the project in `project`: the package is the folder package beside it, the state beside cdk.tf.json. */
  const synth = (project: string, hostname = 'app01'): void => {
    const app = new App({ outdir: path.join(project, 'cdktf.out') });
    const stack = new TerraformStack(app, 'appliance');
    new LocalBackend(stack, { path: 'terraform.tfstate' });
    const imp = new OvfImport(stack, 'Appliance', {
      backend: 'provider',
      source: path.join(project, 'appliance', 'minimal.ovf'),
      name: 'cdktf-provider-moved',
      datacenter: 'DC0',
      resourcePool: '/DC0/host/DC0_C0/Resources',
      datastore: 'LocalDS_0',
      networkMapping: { 'VM Network': 'VM Network' },
      propertyMapping: { hostname },
    });
    new OvfExport(stack, 'Golden', { backend: 'provider', entity: imp, destination: path.join(project, 'golden.ova') });
    new TerraformOutput(stack, 'id', { value: imp.resource.getStringAttribute('id') });
    app.synth();
  };
  /** A project folder with the example's folder package (descriptor and disk) in it. */
  const project = (folder: string): string => {
    fs.mkdirSync(path.join(folder, 'appliance'), { recursive: true });
    for (const f of ['minimal.ovf', 'minimal-disk1.vmdk']) fs.copyFileSync(path.join(minimal, f), path.join(folder, 'appliance', f));
    return folder;
  };
  const vms = async (): Promise<string[]> => (await sim!.state()).virtualMachines.filter((v) => v.name === 'cdktf-provider-moved').map((v) => v.ref);

  before(async function () {
    if (!terraform) {
      console.log('      SKIP: the terraform binary is not on PATH');
      this.skip();
    }
    if (!fs.existsSync(simulatorBinary)) throw new Error(`the simulator is not built (${simulatorBinary}): run bash test/sim/build.sh`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-cdktf-provider-moved-'));
    sim = await startSimulator();
    // The provider is installed with the test's own PATH; terraform and the provider then run with node and terraform only.
    env = { ...providerEnvironment(dir, sim), PATH: nodeAndTerraformOnly(dir, terraform!) };
  });

  after(async () => {
    await sim?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('synth in A, apply, copy project and state to B: plan there has no changes; a changed package replaces the VM', async () => {
    const a = project(path.join(dir, 'checkout-a'));
    const b = path.join(dir, 'checkout-b');
    synth(a);
    const config = fs.readFileSync(path.join(stackDir(a), 'cdk.tf.json'), 'utf8');
    assert.ok(!config.includes(a), `no path of folder A in cdk.tf.json: ${config}`);
    const init = tf(a, ['init', '-input=false', '-no-color']);
    assert.equal(init.status, 0, init.stderr + init.stdout);
    const created = tf(a, ['plan', '-input=false', '-no-color']);
    assert.match(created.stdout, /Plan: 2 to add, 0 to change, 0 to destroy\./);
    // docs/cdktf.md shows these plans as printed here (OVFKIT_SHOW_PLANS=1).
    if (process.env['OVFKIT_SHOW_PLANS']) console.log(created.stdout);
    const apply = tf(a, ['apply', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(apply.status, 0, apply.stderr + apply.stdout);
    assert.match(apply.stdout, /Apply complete! Resources: 2 added, 0 changed, 0 destroyed\./);
    const first = await vms();
    assert.equal(first.length, 1, apply.stdout);
    assert.ok(fs.existsSync(path.join(a, 'golden.ova')), 'the export is written in the project, where the configuration says');
    assert.ok(!fs.readFileSync(path.join(stackDir(a), 'terraform.tfstate'), 'utf8').includes(a), 'no path of folder A in the state');

    fs.cpSync(a, b, { recursive: true });
    fs.rmSync(a, { recursive: true, force: true });
    for (const resynth of [false, true]) {
      if (resynth) synth(b);
      const plan = tf(b, ['plan', '-input=false', '-no-color', '-detailed-exitcode']);
      assert.equal(plan.status, 0, `resynth=${resynth}: ${plan.stdout}${plan.stderr}`);
      assert.match(plan.stdout, /No changes\./);
    }

    // One property value: one line in an in-place update of the import, the VM and its export untouched.
    synth(b, 'app02');
    const one = tf(b, ['plan', '-input=false', '-no-color']);
    assert.equal(one.status, 0, one.stderr + one.stdout);
    assert.match(one.stdout, /~ "hostname" += "app01" -> "app02"/);
    assert.match(one.stdout, /Plan: 0 to add, 1 to change, 0 to destroy\./);
    if (process.env['OVFKIT_SHOW_PLANS']) console.log(one.stdout);

    // Another descriptor at the same path is another package: the VM is replaced (and exported again, to a free path).
    const ovf = path.join(b, 'appliance', 'minimal.ovf');
    fs.writeFileSync(ovf, fs.readFileSync(ovf, 'utf8').replace('</Envelope>', '<!-- v2 -->\n</Envelope>'));
    fs.renameSync(path.join(b, 'golden.ova'), path.join(b, 'golden-v1.ova'));
    synth(b);
    const plan = tf(b, ['plan', '-input=false', '-no-color']);
    assert.equal(plan.status, 0, plan.stderr + plan.stdout);
    assert.match(plan.stdout, /# ovfkit_import\.Appliance_[0-9A-F]+ must be replaced/);
    assert.match(plan.stdout, /~ descriptor_digest += "sha256:[0-9a-f]{64}" -> \(known after apply\) # forces replacement|descriptor_digest.*forces replacement/);
    const replaced = tf(b, ['apply', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(replaced.status, 0, replaced.stderr + replaced.stdout);
    const now = await vms();
    assert.equal(now.length, 1, replaced.stdout);
    assert.notEqual(now[0], first[0], 'a new VM');

    const destroy = tf(b, ['destroy', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(destroy.status, 0, destroy.stderr + destroy.stdout);
    assert.deepEqual(await vms(), []);
  });
});
