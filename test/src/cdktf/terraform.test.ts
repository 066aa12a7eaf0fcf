/**
 * End to end: a CDKTF stack using @ovfkit/cdktf, synthesized in-process and run by the real
 * `terraform` binary (init / plan / apply / destroy) against ovfkit's vSphere simulator.
 * Nothing reaches for the network: CHECKPOINT_DISABLE=1, and TF_CLI_CONFIG_FILE points at a
 * configuration whose only provider source is an empty directory — the stack needs none.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { OvfExport, OvfImport, fromEnv, type OvfImportProps } from '@ovfkit/cdktf';
import { repoRoot } from '../paths';
import { nodeAndTerraformOnly, offlineCliConfig } from './offline-terraform';
import { type Simulator, simulatorBinary, startSimulator } from '../sim/simulator';
import { makeStreamOptimizedVmdk } from '../vsphere-fixtures';
import { parseDescriptor } from '@ovfkit/core';
import { openSource } from '@ovfkit/package';
import { connectOvfSession } from '@ovfkit/vsphere';

/** The terraform binary on PATH (its absolute path), or undefined. */
function findTerraform(): string | undefined {
  const r = spawnSync('/bin/sh', ['-c', 'command -v terraform'], { encoding: 'utf8' });
  const found = r.stdout.trim();
  return r.status === 0 && found !== '' && spawnSync(found, ['version'], { env: { ...process.env, CHECKPOINT_DISABLE: '1' } }).status === 0 ? found : undefined;
}

const cliBin = path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js');
const minimalOvf = path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf');

/**
 * The example appliance as a real OVA: examples/minimal/minimal.ovf with a streamOptimized disk
 * made by qemu-img (its References size set to the disk's real size), packed with a manifest by
 * `ovfkit ova pack`.
 */
function buildApplianceOva(dir: string, edit: (descriptor: string) => string = (d) => d): string {
  const pkg = path.join(dir, 'appliance');
  fs.mkdirSync(pkg, { recursive: true });
  const vmdk = makeStreamOptimizedVmdk(pkg, 'minimal-disk1', 1024);
  const descriptor = edit(fs.readFileSync(minimalOvf, 'utf8').replace(/ovf:size="\d+"/, `ovf:size="${fs.statSync(vmdk).size}"`));
  fs.writeFileSync(path.join(pkg, 'minimal.ovf'), descriptor);
  const ova = path.join(dir, 'appliance.ova');
  const r = spawnSync(process.execPath, [cliBin, 'ova', 'pack', pkg, ova], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return ova;
}

/** Where Terraform runs for the stack of a project synthesized by {@link synthInto}. */
function stackDirOf(project: string): string {
  return path.join(project, 'cdktf.out', 'stacks', 'appliance');
}

/**
 * Synthesizes a one-import stack as `cdktf synth` does in `project` (output in `project/cdktf.out`,
 * state beside cdk.tf.json in the stack directory, where Terraform runs).
 */
function synthInto(project: string, props: Partial<OvfImportProps>, exportTo?: string): OvfImport {
  fs.mkdirSync(project, { recursive: true });
  const app = new App({ outdir: path.join(project, 'cdktf.out'), skipValidation: false });
  const stack = new TerraformStack(app, 'appliance');
  // cdktf's default local backend is an absolute path beside the process's working directory.
  new LocalBackend(stack, { path: 'terraform.tfstate' });
  const imp = new OvfImport(stack, 'Appliance', {
    source: minimalOvf,
    name: 'cdktf-e2e',
    datacenter: 'DC0',
    datastore: 'LocalDS_0',
    ...props,
  });
  // No ovfkitCommand: the provisioners run the CLI @ovfkit/cdktf depends on, by `node` from PATH.
  if (exportTo !== undefined) new OvfExport(stack, 'Golden', { entity: imp, destination: exportTo });
  app.synth();
  return imp;
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

describe('ovfkit import --prop-env, the way @ovfkit/cdktf passes secrets', () => {
  it('refuses a variable that is not set, naming it, before opening the package', () => {
    const r = spawnSync(process.execPath, [cliBin, 'import', '/nonexistent.ova', '--server', 'https://127.0.0.1:9/sdk', '--prop-env', 'root_password=OVFKIT_TEST_UNSET'], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '' },
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--prop-env root_password=OVFKIT_TEST_UNSET: environment variable OVFKIT_TEST_UNSET is not set/);
  });
});

describe('a CDKTF stack with OvfImport, run by the real terraform binary', function () {
  this.timeout(300_000);
  const terraform = findTerraform();
  let dir = '';
  let workDir = '';
  let env: NodeJS.ProcessEnv = {};

  const tf = (args: string[], extraEnv: NodeJS.ProcessEnv = {}, cwd = workDir): Run => {
    const r = spawnSync(terraform!, args, { cwd, encoding: 'utf8', env: { ...env, ...extraEnv }, timeout: 240_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const planJson = (extraEnv: NodeJS.ProcessEnv = {}): { resource_changes?: { address: string; change: { actions: string[]; after: Record<string, unknown> } }[] } => {
    const plan = tf(['plan', '-input=false', '-no-color', '-out=tfplan'], extraEnv);
    assert.equal(plan.status, 0, plan.stderr + plan.stdout);
    const show = tf(['show', '-json', 'tfplan']);
    assert.equal(show.status, 0, show.stderr);
    return JSON.parse(show.stdout) as ReturnType<typeof planJson>;
  };

  before(function () {
    if (!terraform) {
      console.log('      SKIP: the terraform binary is not on PATH; synth + init + plan + apply were not run');
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-cdktf-e2e-'));
    workDir = stackDirOf(dir);
    env = {
      PATH: nodeAndTerraformOnly(dir, terraform!),
      HOME: dir,
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      TF_CLI_CONFIG_FILE: offlineCliConfig(dir),
    };
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('synthesizes, initializes without downloading any provider, and plans the import and its Reconfigure record', () => {
    synthInto(dir, { resourcePool: '/DC0/host/DC0_C0/Resources', propertyMapping: { hostname: 'app01' } });
    const init = tf(['init', '-input=false', '-no-color']);
    assert.equal(init.status, 0, init.stderr + init.stdout);
    assert.match(init.stdout, /Terraform has been successfully initialized/);
    assert.ok(!fs.existsSync(path.join(workDir, '.terraform', 'providers')), 'no provider was installed');

    const plan = planJson();
    const changes = plan.resource_changes ?? [];
    assert.deepEqual(changes.map((c) => [c.address, c.change.actions]), [['terraform_data.Appliance_7B9EA9AE', ['create']], ['terraform_data.Appliance_Reconfigure_4648356A', ['create']]]);
    const triggers = changes[0]!.change.after['triggers_replace'] as Record<string, unknown>;
    assert.match(String(triggers['descriptorDigest']), /^sha256:[0-9a-f]{64}$/);

    const text = tf(['plan', '-input=false', '-no-color']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /# terraform_data\.Appliance_7B9EA9AE will be created/);
    assert.match(text.stdout, /Plan: 2 to add, 0 to change, 0 to destroy\./);
  });

  describe('against the vSphere simulator', () => {
    let sim: Simulator | undefined;

    before(async function () {
      const cliHas = (command: string): boolean => spawnSync(process.execPath, [cliBin, command, '--help'], { encoding: 'utf8' }).status === 0;
      const missing = [...['import', 'destroy'].filter((c) => !cliHas(c)).map((c) => `\`ovfkit ${c}\` is not available in this build`), ...(fs.existsSync(simulatorBinary) ? [] : [`the simulator is not built (${simulatorBinary})`])];
      if (missing.length) {
        console.log(`      SKIP: apply / plan-again / replace / destroy not run: ${missing.join('; ')}`);
        this.skip();
      }
      sim = await startSimulator();
      env = {
        ...env,
        VSPHERE_SERVER: sim.sdkUrl,
        VSPHERE_USER: sim.username,
        VSPHERE_PASSWORD: sim.password,
        VSPHERE_THUMBPRINT: sim.thumbprint,
      };
    });

    after(async () => {
      await sim?.stop();
    });

    it('applies the import, plans no change, changes property, annotation and power in place (the same VM), replaces on a rename, and destroy leaves the simulator empty', async () => {
      const source = buildApplianceOva(dir);
      // An annotation starting with '-' was read as an option at apply ("argument is ambiguous").
      const props = { source, resourcePool: '/DC0/host/DC0_C0/Resources', annotation: '- managed by terraform', propertyMapping: { hostname: 'app01', root_password: fromEnv('APPLIANCE_ROOT_PASSWORD') } };
      const secret = { APPLIANCE_ROOT_PASSWORD: 'e2e-Secret-1234' };
      synthInto(dir, props);
      const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve'], secret);
      assert.equal(apply.status, 0, apply.stderr + apply.stdout);
      let state = await sim!.state();
      assert.deepEqual(state.virtualMachines.map((vm) => vm.name), ['cdktf-e2e'], apply.stdout);
      assert.ok(state.leases.every((l) => l.state === 'done'), JSON.stringify(state.leases));

      const tfstate = fs.readFileSync(path.join(workDir, 'terraform.tfstate'), 'utf8');
      assert.ok(!tfstate.includes(secret.APPLIANCE_ROOT_PASSWORD), 'the secret is not in the state');
      assert.ok(!tfstate.includes(sim!.password), 'the vSphere password is not in the state');
      for (const output of [apply.stdout, apply.stderr]) {
        assert.ok(!output.includes(secret.APPLIANCE_ROOT_PASSWORD) && !output.includes(sim!.password), 'no secret in what terraform printed');
      }

      const again = tf(['plan', '-input=false', '-no-color', '-detailed-exitcode'], secret);
      assert.equal(again.status, 0, again.stdout + again.stderr);
      assert.match(again.stdout, /No changes\./);

      // What vSphere changes in place is no replacement of the VM: only the Reconfigure record is replaced.
      const vmBefore = state.virtualMachines[0]!;
      const changedProps = { ...props, annotation: 'changed by terraform', powerOn: true, propertyMapping: { ...props.propertyMapping, hostname: 'app02' } };
      synthInto(dir, changedProps);
      const changed = planJson(secret).resource_changes ?? [];
      assert.deepEqual(changed.map((c) => [c.address, c.change.actions]), [['terraform_data.Appliance_7B9EA9AE', ['no-op']], ['terraform_data.Appliance_Reconfigure_4648356A', ['delete', 'create']]]);
      const shown = tf(['plan', '-input=false', '-no-color'], secret);
      assert.equal(shown.status, 0, shown.stderr);
      assert.match(shown.stdout, /~ hostname = "app01" -> "app02"/);
      assert.match(shown.stdout, /Plan: 1 to add, 0 to change, 1 to destroy\./);
      assert.doesNotMatch(shown.stdout, /# terraform_data\.Appliance_7B9EA9AE /, 'the VM is not touched');
      if (process.env['OVFKIT_SHOW_PLANS']) console.log(shown.stdout);
      const inPlace = tf(['apply', '-input=false', '-no-color', '-auto-approve'], secret);
      assert.equal(inPlace.status, 0, inPlace.stderr + inPlace.stdout);
      state = await sim!.state();
      assert.deepEqual(state.virtualMachines.map((vm) => [vm.ref, vm.powerState]), [[vmBefore.ref, 'poweredOn']], 'the same VM, powered on');
      const session = await connectOvfSession({ server: sim!.sdkUrl, userName: sim!.username, password: sim!.password, thumbprint: sim!.thumbprint });
      try {
        const read = await session.readEntity({ type: 'VirtualMachine', value: vmBefore.ref });
        assert.equal(read?.annotation, 'changed by terraform');
        const values = Object.fromEntries((read?.vms[0]?.property ?? []).map((p) => [p.id ?? p.key, p.value]));
        assert.equal(values['hostname'], 'app02');
      } finally {
        await session.logout();
      }
      const settled = tf(['plan', '-input=false', '-no-color', '-detailed-exitcode'], secret);
      assert.equal(settled.status, 0, settled.stdout + settled.stderr);

      // A rename is a replacement too; the destroy provisioner reads the old path from state.
      synthInto(dir, { ...changedProps, name: 'cdktf-e2e-renamed' });
      const renamed = tf(['apply', '-input=false', '-no-color', '-auto-approve'], secret);
      assert.equal(renamed.status, 0, renamed.stderr + renamed.stdout);
      assert.match(renamed.stdout, /Resources: 1 added, 0 changed, 1 destroyed\./);
      state = await sim!.state();
      assert.deepEqual(state.virtualMachines.map((vm) => vm.name), ['cdktf-e2e-renamed']);

      const destroy = tf(['destroy', '-input=false', '-no-color', '-auto-approve'], secret);
      assert.equal(destroy.status, 0, destroy.stderr + destroy.stdout);
      state = await sim!.state();
      assert.deepEqual(state.virtualMachines, []);
      assert.deepEqual(state.virtualApps, []);
    });

    it('plans no change for the same project and state in another folder, and replaces the VM when the package changes', async () => {
      // A CI runner checks the project out in a new folder each time: folder A applies, folder B plans.
      const a = path.join(dir, 'checkout-a');
      const b = path.join(dir, 'checkout-b');
      const props = (project: string): Partial<OvfImportProps> => ({ source: path.join(project, 'appliance.ova'), name: 'cdktf-moved', resourcePool: '/DC0/host/DC0_C0/Resources', propertyMapping: { hostname: 'app01' } });
      buildApplianceOva(a);
      synthInto(a, props(a));
      const config = fs.readFileSync(path.join(stackDirOf(a), 'cdk.tf.json'), 'utf8');
      assert.ok(!config.includes(a), `no path of folder A in cdk.tf.json: ${config}`);
      assert.equal(tf(['init', '-input=false', '-no-color'], {}, stackDirOf(a)).status, 0);
      const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve'], {}, stackDirOf(a));
      assert.equal(apply.status, 0, apply.stderr + apply.stdout);
      const moref = (await sim!.state()).virtualMachines.find((vm) => vm.name === 'cdktf-moved');
      assert.ok(moref, apply.stdout);

      fs.cpSync(a, b, { recursive: true });
      fs.rmSync(a, { recursive: true, force: true });
      // The configuration and state as copied, then synthesized again in B.
      for (const resynth of [false, true]) {
        if (resynth) synthInto(b, props(b));
        const plan = tf(['plan', '-input=false', '-no-color', '-detailed-exitcode'], {}, stackDirOf(b));
        assert.equal(plan.status, 0, `resynth=${resynth}: ${plan.stdout}${plan.stderr}`);
        assert.match(plan.stdout, /No changes\./);
      }

      // A package with another descriptor at the same path is a new package: the VM is replaced.
      fs.copyFileSync(buildApplianceOva(path.join(b, 'v2'), (d) => d.replace('</Envelope>', '<!-- v2 -->\n</Envelope>')), path.join(b, 'appliance.ova'));
      synthInto(b, props(b));
      const replaced = tf(['apply', '-input=false', '-no-color', '-auto-approve'], {}, stackDirOf(b));
      assert.equal(replaced.status, 0, replaced.stderr + replaced.stdout);
      assert.match(replaced.stdout, /Resources: 1 added, 0 changed, 1 destroyed\./);
      const after = (await sim!.state()).virtualMachines.filter((vm) => vm.name === 'cdktf-moved');
      assert.equal(after.length, 1);
      assert.notEqual(after[0]!.ref, moref.ref, 'a new VM');
      const destroy = tf(['destroy', '-input=false', '-no-color', '-auto-approve'], {}, stackDirOf(b));
      assert.equal(destroy.status, 0, destroy.stderr + destroy.stdout);
      assert.deepEqual((await sim!.state()).virtualMachines.filter((vm) => vm.name === 'cdktf-moved'), []);
    });

    it('refuses at apply a package changed after synth (--expect-digest): the provisioner fails, nothing is imported', async () => {
      const base = path.join(dir, 'swap');
      const work = stackDirOf(base);
      const source = buildApplianceOva(path.join(base, 'planned'));
      const imp = synthInto(base, { source, name: 'cdktf-swapped', resourcePool: '/DC0/host/DC0_C0/Resources' });
      const planned = String(imp.plan['descriptorDigest']);
      // The same path now holds a package whose descriptor differs by one comment.
      fs.copyFileSync(buildApplianceOva(path.join(base, 'changed'), (d) => d.replace('</Envelope>', '<!-- changed after synth -->\n</Envelope>')), source);
      assert.equal(tf(['init', '-input=false', '-no-color'], {}, work).status, 0);
      const leases = (await sim!.state()).leases.length;
      const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve'], {}, work);
      assert.notEqual(apply.status, 0, apply.stdout);
      const printed = (apply.stdout + apply.stderr).replace(/\s+/g, ' ');
      assert.ok(printed.includes(`--expect-digest=${planned}`), 'the provisioner ran with the digest of synth\'s plan');
      assert.match(printed, /the package changed since it was planned: .* is sha256:[0-9a-f]{64}, the plan expected sha256:[0-9a-f]{64}; nothing was imported/);
      const state = await sim!.state();
      assert.deepEqual(state.virtualMachines.filter((vm) => vm.name === 'cdktf-swapped'), [], 'no VM was created');
      assert.equal(state.leases.length, leases, 'no lease was created');
      // Terraform keeps the failed resource as tainted; destroy runs `ovfkit destroy --if-exists` on nothing.
      const destroy = tf(['destroy', '-input=false', '-no-color', '-auto-approve'], {}, work);
      assert.equal(destroy.status, 0, destroy.stderr + destroy.stdout);
    });

    it('runs OvfExport after the import it names, and destroy removes the VM but keeps the exported OVA', async () => {
      const source = buildApplianceOva(path.join(dir, 'export-src'));
      const exportDir = path.join(dir, 'export');
      const work = stackDirOf(exportDir);
      const ova = path.join(exportDir, 'golden.ova');
      synthInto(exportDir, { source, name: 'cdktf-export', resourcePool: '/DC0/host/DC0_C0/Resources' }, ova);
      assert.equal(tf(['init', '-input=false', '-no-color'], {}, work).status, 0);
      const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve'], {}, work);
      assert.equal(apply.status, 0, apply.stderr + apply.stdout);
      // The export provisioner ran second: Terraform honoured depends_on.
      assert.ok(apply.stdout.indexOf('ovfkit.js export') > apply.stdout.indexOf('ovfkit.js import'), apply.stdout);
      const exported = await openSource(ova);
      try {
        const parsed = parseDescriptor((await exported.descriptor()).text, { locale: '', deploymentOption: '' });
        const text = (await exported.descriptor()).text;
        assert.deepEqual(parsed.error ?? [], [], text.slice(0, 400));
        assert.equal(parsed.virtualApp, false);
        assert.ok(await exported.manifest(), 'the OVA carries a manifest');
      } finally {
        await exported.close();
      }

      const destroy = tf(['destroy', '-input=false', '-no-color', '-auto-approve'], {}, work);
      assert.equal(destroy.status, 0, destroy.stderr + destroy.stdout);
      assert.deepEqual((await sim!.state()).virtualMachines, []);
      assert.ok(fs.existsSync(ova), 'the exported package stays');
    });
  });
});
