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
import { OvfExport, OvfImport, OvfkitProvider, fromEnv, type OvfExportProps, type OvfImportProps } from '@ovfkit/cdktf';
import { repoRoot } from '../paths';
import { type Simulator, simulatorBinary, startSimulator } from '../sim/simulator';
import { cliBin, findTerraform, providerEnvironment } from '../terraform/harness';

const minimalOva = path.join(repoRoot, 'examples', 'minimal', 'minimal.ova');
const generator = path.join(repoRoot, 'packages', 'cdktf', 'scripts', 'generate-provider.js');
const ROOT_PASSWORD = 'cdktf-Secret-pass-4321';
/** Not a multiple of 512 on purpose: DSP0243 asks only for a positive size. */
const CHUNK = 100_000;

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
  /** Synthesizes the stack into dir/out, with an OvfExport of the import when given; terraform runs in its stack folder. */
  const synth = (props: Partial<OvfImportProps>, exportProps?: Omit<OvfExportProps, 'entity'>): OvfImport => {
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
    if (exportProps) {
      const exp = new OvfExport(stack, 'Golden', { entity: imp, ...exportProps });
      new TerraformOutput(stack, 'files', { value: exp.resource.getListAttribute('files') });
      new TerraformOutput(stack, 'manifest_digest', { value: exp.resource.getStringAttribute('manifest_digest') });
    }
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
    const to = path.join(dir, 'elsewhere', 'minimal.ova');
    fs.mkdirSync(path.dirname(to));
    fs.copyFileSync(minimalOva, to);
    synth(moved());
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
    // markAsTemplate, vApp, cluster, ipAllocationPolicy, ipProtocol, manifestPolicy and locale are ovfkit_import attributes now; the provisioners' command is not.
    assert.throws(() => new OvfImport(stack, 'A', { backend: 'provider', source: minimalOva, datacenter: 'DC0', ovfkitCommand: 'npx ovfkit' }),
      /refused\/A: "ovfkitCommand" is not an input of the ovfkit_import resource: leave it out, or use backend "terraformData"/);
    assert.throws(() => new OvfImport(stack, 'B', { source: minimalOva, datacenter: 'DC0', provider: new OvfkitProvider(stack, 'p') }),
      /refused\/B: "provider" is used only with backend: "provider"/);
  });

  const exported = (): Omit<OvfExportProps, 'entity'> => ({ backend: 'provider', destination: golden(), name: 'golden', chunkSize: CHUNK, exportOption: ['uuid'], manifestAlgorithm: 'SHA512', triggers: { release: '1' } });
  const golden = (): string => path.join(dir, 'golden');
  const moved = (): Partial<OvfImportProps> => ({ source: path.join(dir, 'elsewhere', 'minimal.ova'), propertyMapping: { hostname: 'app01', workers: '8', root_password: fromEnv('ROOT_PW') }, powerOn: true, annotation: 'changed by cdktf' });
  /** vSphere exports only a powered-off VM (ExportVm: "cannot be performed in the current state (Powered on)"). */
  const poweredOff = (): Partial<OvfImportProps> => ({ ...moved(), powerOn: false });
  const cli = (args: string[]): Run => {
    const r = spawnSync(process.execPath, [cliBin, ...args], { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('OvfExport with backend "provider" synthesizes an ovfkit_export of the imported VM by its moref, with every prop', () => {
    synth(poweredOff(), exported());
    const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    assert.deepEqual(Object.keys(json.resource).sort(), ['ovfkit_export', 'ovfkit_import']);
    const [importId] = Object.keys(json.resource['ovfkit_import']!);
    const exports = Object.values(json.resource['ovfkit_export']!).map(({ '//': _metadata, ...r }) => r);
    // Inside the project the target is written relative to the stack directory, where Terraform runs the provider.
    assert.equal(path.resolve(stackDir, String(exports[0]?.['destination'])), golden());
    assert.deepEqual(exports, [{
      chunk_size: CHUNK,
      destination: path.relative(stackDir, golden()),
      entity: `\${ovfkit_import.${importId}.id}`,
      export_option: ['uuid'],
      manifest_algorithm: 'SHA512',
      name: 'golden',
      provider: 'ovfkit',
      triggers: { release: '1' },
    }]);
  });

  it('apply exports the VM as a chunked package that verifies; plan again has no changes; a changed trigger exports again to a new target; the VM is untouched', async () => {
    const plan = tf(['plan', '-input=false', '-no-color']);
    assert.match(plan.stdout, /# ovfkit_export\.\S+ will be created/);
    assert.match(plan.stdout, /~ power_on\s+= true -> false/);
    assert.match(plan.stdout, /Plan: 1 to add, 1 to change, 0 to destroy\./);
    const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(apply.status, 0, apply.stderr + apply.stdout);
    assert.match(apply.stdout, /Apply complete! Resources: 1 added, 1 changed, 0 destroyed\./);
    // The export waited for the import's in-place power-off (it names the import's id).
    assert.ok(apply.stdout.search(/ovfkit_export\.\S+: Creating\.\.\./) > apply.stdout.search(/ovfkit_import\.\S+: Modifications complete/), apply.stdout);
    assert.deepEqual(await vms(), [['cdktf-provider-e2e', 'poweredOff']]);
    const files = JSON.parse(tf(['output', '-json', 'files']).stdout) as string[];
    assert.equal(files[0], 'golden.ovf');
    assert.ok(files.length >= 2 && files.slice(1).every((f) => /^golden-disk-\d+\.vmdk\.\d{9}$/.test(f)), files.join(', '));
    assert.deepEqual(fs.readdirSync(golden()).sort(), [...files, 'golden.mf'].sort());
    const verify = cli(['manifest', 'verify', golden()]);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.match(fs.readFileSync(path.join(golden(), 'golden.mf'), 'utf8'), /^SHA512\(golden\.ovf\)= [0-9a-f]{128}\n/);
    const parsed = cli(['parse', path.join(golden(), 'golden.ovf')]);
    assert.equal(parsed.status, 0, parsed.stderr);
    assert.match(parsed.stdout, new RegExp(`chunked +golden-disk-0\\.vmdk \\(.+ in chunks of ${CHUNK} bytes\\)`));
    const digest = tf(['output', '-raw', 'manifest_digest']).stdout;
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);

    const again = tf(['plan', '-input=false', '-no-color', '-detailed-exitcode']);
    assert.equal(again.status, 0, again.stdout + again.stderr);

    // ovfkit never overwrites, and destroying an export keeps its files: the same target refuses.
    synth(poweredOff(), { ...exported(), triggers: { release: '2' } });
    const replan = tf(['plan', '-input=false', '-no-color']);
    assert.match(replan.stdout, /# ovfkit_export\.\S+ must be replaced/);
    assert.match(replan.stdout, /~ "release" = "1" -> "2"/);
    assert.match(replan.stdout, /Plan: 1 to add, 0 to change, 1 to destroy\./);
    const refused = tf(['apply', '-input=false', '-no-color', '-auto-approve']);
    assert.notEqual(refused.status, 0, refused.stdout);
    assert.match(refused.stderr.replace(/\s+/g, ' '), /Error: the export failed .* \.\.\/\.\.\/\.\.\/golden is not empty; export into a new or empty directory, or to a \.ova file/);
    assert.deepEqual(fs.readdirSync(golden()).sort(), [...files, 'golden.mf'].sort(), 'the first export is intact');

    // A new release to a new target exports again; the VM is untouched.
    synth(poweredOff(), { ...exported(), destination: path.join(dir, 'golden-2.ova'), triggers: { release: '2' } });
    const reapply = tf(['apply', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(reapply.status, 0, reapply.stderr + reapply.stdout);
    assert.match(reapply.stdout, /Apply complete! Resources: 1 added, 0 changed, 0 destroyed\./);
    assert.equal(tf(['output', '-raw', 'id']).stdout, firstId);
    const ova = cli(['manifest', 'verify', path.join(dir, 'golden-2.ova')]);
    assert.equal(ova.status, 0, ova.stdout + ova.stderr);
    assert.equal(tf(['plan', '-input=false', '-no-color', '-detailed-exitcode']).status, 0);
  });

  it('synth refuses ovfkitCommand with an OvfExport backend "provider", naming the prop', () => {
    const app = new App({ outdir: path.join(dir, 'refused-export') });
    const stack = new TerraformStack(app, 'refused');
    assert.throws(() => new OvfExport(stack, 'E', { backend: 'provider', entity: '/DC0/vm/x', destination: 'x.ova', ovfkitCommand: 'ovfkit' }),
      /refused\/E: "ovfkitCommand" is not an input of the ovfkit_export resource: leave it out, or use backend "terraformData"/);
    assert.throws(() => new OvfExport(stack, 'F', { entity: '/DC0/vm/x', destination: 'x.ova', provider: new OvfkitProvider(stack, 'p') }),
      /refused\/F: "provider" is used only with backend: "provider"/);
  });

  it('destroy leaves nothing in the simulator, and keeps the exported package', async () => {
    const destroy = tf(['destroy', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(destroy.status, 0, destroy.stderr + destroy.stdout);
    assert.match(destroy.stdout, /Destroy complete! Resources: 2 destroyed\./);
    assert.deepEqual(await vms(), []);
    assert.ok(fs.existsSync(path.join(golden(), 'golden.ovf')), 'destroying the export keeps the files');
  });
});
