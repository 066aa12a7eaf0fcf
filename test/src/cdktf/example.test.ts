/**
 * examples/cdktf-import is a stack users copy: it must type-check against the published API,
 * synthesize, and give Terraform a valid plan. Its README shows what these steps print.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../paths';
import { simulatorBinary, startSimulator } from '../sim/simulator';
import { compileExample, testModules } from './example-stack';

describe('examples/cdktf-import', function () {
  this.timeout(300_000);
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-cdktf-example-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The example compiled where a user's copy would be: beside examples/minimal, its default package. */
  const project = (): string => path.join(dir, 'examples', 'cdktf-import');
  const synth = (env: NodeJS.ProcessEnv = {}): ReturnType<typeof spawnSync> =>
    spawnSync(process.execPath, [path.join(project(), 'main.js')], {
      cwd: project(),
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: [testModules, path.join(repoRoot, 'packages', 'cdktf', 'node_modules')].join(path.delimiter), CDKTF_OUTDIR: path.join(project(), 'cdktf.out'), ...env },
    });

  it('type-checks against @ovfkit/cdktf and synthesizes the import and its Reconfigure record, with outputs from the OVF hardware', () => {
    fs.mkdirSync(path.join(dir, 'examples'), { recursive: true });
    fs.symlinkSync(path.join(repoRoot, 'examples', 'minimal'), path.join(dir, 'examples', 'minimal'));
    assert.deepEqual(compileExample(project()), []);
    const r = synth();
    assert.equal(r.status, 0, String(r.stderr));
    const config = JSON.parse(fs.readFileSync(path.join(project(), 'cdktf.out', 'stacks', 'appliance', 'cdk.tf.json'), 'utf8')) as {
      resource: { terraform_data: Record<string, { input?: Record<string, unknown>; provisioner: { 'local-exec': { command: string } }[] }> };
      output: Record<string, { value: unknown }>;
    };
    assert.deepEqual(Object.keys(config.resource.terraform_data), ['Appliance_7B9EA9AE', 'Appliance_Reconfigure_4648356A']);
    // The default source is the complete example package (descriptor, manifest and disk).
    assert.equal(config.resource.terraform_data['Appliance_7B9EA9AE']!.input!['source'], path.join(dir, 'examples', 'minimal', 'minimal.ova'));
    assert.ok(config.resource.terraform_data['Appliance_7B9EA9AE']!.provisioner[0]!['local-exec'].command.startsWith(`node ${path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js')} import `));
    assert.equal(config.output['cpus']?.value, 2);
    assert.equal(config.output['memory_mb']?.value, 4096);
    assert.equal(config.output['vm_name']?.value, 'appliance-01');
  });

  it('applies and destroys as its README says, against the simulator, with a PATH that holds only node and terraform', async function () {
    const terraform = spawnSync('/bin/sh', ['-c', 'command -v terraform'], { encoding: 'utf8' }).stdout.trim();
    const missing = [...(terraform ? [] : ['the terraform binary is not on PATH']), ...(fs.existsSync(simulatorBinary) ? [] : [`the simulator is not built (${simulatorBinary})`])];
    if (missing.length || !fs.existsSync(path.join(project(), 'cdktf.out'))) {
      console.log(`      SKIP: the example's terraform apply was not run: ${missing.join('; ') || 'the synth test did not run'}`);
      this.skip();
    }
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    fs.symlinkSync(terraform, path.join(bin, 'terraform'));
    const mirror = path.join(dir, 'no-providers');
    fs.mkdirSync(mirror);
    fs.writeFileSync(path.join(dir, 'terraform.rc'), `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["*/*/*"]\n  }\n  direct {\n    exclude = ["*/*/*"]\n  }\n}\n`);
    const sim = await startSimulator();
    try {
      const env = {
        PATH: bin, HOME: dir, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: path.join(dir, 'terraform.rc'),
        VSPHERE_SERVER: sim.sdkUrl, VSPHERE_USER: sim.username, VSPHERE_PASSWORD: sim.password, VSPHERE_THUMBPRINT: sim.thumbprint,
        APPLIANCE_ROOT_PASSWORD: 'example-Secret-42',
      };
      const stackDir = path.join(project(), 'cdktf.out', 'stacks', 'appliance');
      const tf = (...args: string[]): { status: number | null; out: string } => {
        const r = spawnSync(terraform, args, { cwd: stackDir, encoding: 'utf8', env, timeout: 240_000 });
        return { status: r.status, out: r.stdout + r.stderr };
      };
      for (const step of [['init', '-input=false', '-no-color'], ['apply', '-input=false', '-no-color', '-auto-approve']]) {
        const r = tf(...step);
        assert.equal(r.status, 0, r.out);
      }
      const state = await sim.state();
      assert.deepEqual(state.virtualMachines.map((vm) => [vm.name, vm.powerState]), [['appliance-01', 'poweredOn']]);
      const again = tf('plan', '-input=false', '-no-color', '-detailed-exitcode');
      assert.equal(again.status, 0, again.out);
      const destroy = tf('destroy', '-input=false', '-no-color', '-auto-approve');
      assert.equal(destroy.status, 0, destroy.out);
      assert.deepEqual((await sim.state()).virtualMachines, []);
    } finally {
      await sim.stop();
    }
  });
});
