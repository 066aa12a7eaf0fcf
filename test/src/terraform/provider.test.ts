/**
 * End to end: plain HCL using the ovfkit provider (packages/terraform), run by the real
 * `terraform` binary against ovfkit's vSphere simulator. The provider is installed by
 * `ovfkit terraform install` under a temporary HOME; the CLI configuration allows that mirror
 * only (no provider can be downloaded) and CHECKPOINT_DISABLE=1. The provider listens on
 * 127.0.0.1 with mutual TLS, as Terraform asks.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectOvfSession } from '@ovfkit/vsphere';
import { repoRoot } from '../paths';
import { type Simulator, simulatorBinary, startSimulator } from '../sim/simulator';
import { cliBin, findTerraform, providerEnvironment } from './harness';

const minimalOva = path.join(repoRoot, 'examples', 'minimal', 'minimal.ova');
const ROOT_PASSWORD = 'tf-Secret-pass-1234';

interface Run { status: number | null; stdout: string; stderr: string }

/** The configuration: one ovfkit_import of the example appliance. */
function mainTf(o: { workers: string; power: boolean; password?: string; annotation?: string; source?: string; ipProtocol?: string }): string {
  return `terraform {
  required_providers {
    ovfkit = { source = "ovfkit/ovfkit" }
  }
}

provider "ovfkit" {}

resource "ovfkit_import" "app" {
  source        = ${JSON.stringify(o.source ?? minimalOva)}
  name          = "tf-e2e"
  datacenter    = "DC0"
  resource_pool = "/DC0/host/DC0_C0/Resources"
  datastore     = "LocalDS_0"
  ip_protocol   = "${o.ipProtocol ?? 'IPv4'}"
  manifest_policy = "verify-if-present"
  network_mapping = {
    "VM Network" = "VM Network"
  }
  property_mapping = {
    hostname = "app01"
    workers  = "${o.workers}"
  }
  password_property_mapping = {
    root_password = "${o.password ?? ROOT_PASSWORD}"
  }
  power_on   = ${o.power}
  annotation = "${o.annotation ?? 'made by terraform'}"
}

output "id" {
  value = ovfkit_import.app.id
}
`;
}

describe('plain HCL with the ovfkit provider, run by the real terraform binary against the simulator', function () {
  this.timeout(300_000);
  const terraform = findTerraform();
  let dir = '';
  let work = '';
  let env: NodeJS.ProcessEnv = {};
  let sim: Simulator | undefined;
  let firstId = '';

  let socketLog = '';
  /** Runs terraform; the provider processes it starts record their sockets (record-sockets.ts). */
  const tf = (args: string[]): Run => {
    const r = spawnSync(terraform!, args, { cwd: work, encoding: 'utf8', env: { ...env, NODE_OPTIONS: `--require ${path.join(__dirname, 'record-sockets.js')}`, OVFKIT_SOCKET_LOG: socketLog }, timeout: 240_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const write = (o: Parameters<typeof mainTf>[0]): void => fs.writeFileSync(path.join(work, 'main.tf'), mainTf(o));
  const vms = async (): Promise<{ name: string; powerState?: string; ref: string }[]> => (await sim!.state()).virtualMachines.map((v) => ({ name: v.name, ref: v.ref, ...(v.powerState ? { powerState: v.powerState } : {}) }));
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
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-tf-e2e-'));
    work = path.join(dir, 'work');
    socketLog = path.join(dir, 'sockets.jsonl');
    fs.mkdirSync(work);
    sim = await startSimulator();
    env = providerEnvironment(dir, sim);
  });

  after(async () => {
    await sim?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('init finds the provider in the local mirror without downloading anything', () => {
    write({ workers: '4', power: false });
    const init = tf(['init', '-input=false', '-no-color']);
    assert.equal(init.status, 0, init.stderr + init.stdout);
    assert.match(init.stdout, /Installing ovfkit\/ovfkit v0\.1\.0\.\.\.\n- Installed ovfkit\/ovfkit v0\.1\.0 \(unauthenticated\)/);
  });

  it('apply against a server whose certificate is untrusted (no VSPHERE_THUMBPRINT) says what the provider block offers, not a CLI flag, and creates nothing', async () => {
    write({ workers: '4', power: false });
    const { VSPHERE_THUMBPRINT: _pin, ...unpinned } = env;
    const r = spawnSync(terraform!, ['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: work, encoding: 'utf8', env: unpinned, timeout: 240_000 });
    assert.equal(r.status, 1, r.stdout);
    const text = r.stderr.replace(/\u2502 ?/g, '');
    const origin = new URL(sim!.sdkUrl).origin;
    assert.equal(text, [
      '',
      `Error: RetrieveServiceContent: the TLS certificate of ${origin} is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); set the provider's thumbprint = "<sha256>" to pin it, ca = "<PEM>", or insecure = true`,
      '',
      '  with ovfkit_import.app,',
      '  on main.tf line 9, in resource "ovfkit_import" "app":',
      '   9: resource "ovfkit_import" "app" {',
      '',
      '',
    ].join('\n'));
    assert.deepEqual(await vms(), []);
  });

  it('plan with a property value outside its qualifiers fails with a diagnostic on that attribute, and creates nothing', async () => {
    write({ workers: '40', power: false });
    const plan = tf(['plan', '-input=false', '-no-color']);
    assert.equal(plan.status, 1, plan.stdout);
    const lines = mainTf({ workers: '40', power: false }).split('\n');
    const line = lines.findIndex((l) => l.includes('workers  = "40"')) + 1;
    const text = plan.stderr.replace(/\u2502 ?/g, '');
    assert.match(text, /Error: Value for property "workers" is invalid: is outside 1\.\.16/);
    assert.match(text, new RegExp(`with ovfkit_import\\.app,\\n\\s*on main\\.tf line ${line}, in resource "ovfkit_import" "app":\\n\\s*${line}:\\s+workers  = "40"`));
    assert.match(text, /seen "40"\nallowed: int\(1\.\.16\)\nfix: give workers a value of type int\(1\.\.16\)\nchecked against host profile esxi-9\.0ga\n\[createImportSpec: OvfPropertyValue PROPERTY_VALUE_INVALID\]/);
    assert.equal((text.match(/Error:/g) ?? []).length, 1, 'one error, not the same one twice');
    assert.deepEqual(await vms(), []);
  });

  it('plan with an ip_protocol the package lacks fails with core\'s verdict on ip_protocol, and creates nothing', async () => {
    write({ workers: '4', power: false, ipProtocol: 'IPv6' });
    const plan = tf(['plan', '-input=false', '-no-color']);
    assert.equal(plan.status, 1, plan.stdout);
    const text = plan.stderr.replace(/\u2502 ?/g, '');
    assert.deepEqual(text.match(/Error: .*/g), ['Error: IP protocol "IPv6" is not supported by the package'], text);
    assert.match(text, /with ovfkit_import\.app,\n\s*on main\.tf line \d+, in resource "ovfkit_import" "app":\n\s*\d+:\s+ip_protocol   = "IPv6"/);
    assert.match(text, /\[createImportSpec: OvfUnsupportedAttributeValue IP_PROTOCOL_UNSUPPORTED\]/);
    assert.deepEqual(await vms(), []);
  });

  it('a saved plan applied after the package changed: the final plan has a new descriptor digest, terraform stops, nothing is created', async () => {
    // The example package unpacked without its manifest, so only the plan's digest pin can notice the change.
    const pkg = path.join(dir, 'pkg');
    fs.mkdirSync(pkg);
    assert.equal(spawnSync('tar', ['xf', minimalOva, '-C', pkg]).status, 0);
    fs.rmSync(path.join(pkg, 'minimal.mf'));
    const ovf = path.join(pkg, 'minimal.ovf');
    write({ workers: '4', power: false, source: ovf });
    const plan = tf(['plan', '-input=false', '-no-color', '-out=swap.tfplan']);
    assert.equal(plan.status, 0, plan.stderr + plan.stdout);
    assert.match(plan.stdout, /Plan: 1 to add, 0 to change, 0 to destroy\./);
    fs.appendFileSync(ovf, '<!-- changed after the plan -->\n');
    const apply = tf(['apply', '-input=false', '-no-color', 'swap.tfplan']);
    assert.equal(apply.status, 1, apply.stdout);
    // Terraform plans again before applying; the digest the provider plans now differs from the
    // saved one, and Terraform refuses to apply a plan that changed.
    const text = apply.stderr.replace(/\u2502 ?/g, '').replace(/\s+/g, ' ');
    const digests = [...text.matchAll(/cty\.StringVal\("(sha256:[0-9a-f]{64})"\)/g)].map((m) => m[1]);
    assert.match(text, /Error: Provider produced inconsistent final plan .* an invalid new value for \.descriptor_digest: was cty\.StringVal\("sha256:[0-9a-f]{64}"\), but now cty\.StringVal\("sha256:[0-9a-f]{64}"\)\./);
    assert.equal(digests.length, 2);
    assert.notEqual(digests[0], digests[1]);
    assert.match(plan.stdout, new RegExp(`descriptor_digest\\s+= "${digests[0]}"`), 'the first is the one the saved plan showed');
    assert.deepEqual(await vms(), []);
    assert.deepEqual((await sim!.state()).leases, []);
    assert.equal(tf(['state', 'list']).stdout, '');
  });

  it('an apply whose upload is cut mid-disk fails with the reason and leaves nothing: no VM, no lease open, no state', async () => {
    write({ workers: '4', power: false });
    await sim!.inject({ kind: 'dropConnection', afterBytes: 65536, direction: 'upload', times: 10 });
    try {
      const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve']);
      assert.equal(apply.status, 1, apply.stdout);
      assert.match(apply.stderr.replace(/\u2502 ?/g, ''), /Error: transfer with https:\/\/127\.0\.0\.1:\d+\/…\/disk-0\.vmdk failed: ECONNRESET\n\s*\n\s*with ovfkit_import\.app,/);
      assert.match(apply.stdout, /ovfkit_import\.app: Creating\.\.\./);
    } finally {
      await sim!.clearInjections();
    }
    assert.deepEqual(await vms(), []);
    assert.ok((await sim!.state()).leases.every((l) => l.state !== 'ready' && l.state !== 'initializing'));
    assert.equal(tf(['state', 'list']).stdout, '');
  });

  it('apply imports a VM with the OVF\'s hardware; the passwords are in neither the output nor the state', async () => {
    write({ workers: '4', power: false });
    const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(apply.status, 0, apply.stderr + apply.stdout);
    assert.match(apply.stdout, /password_property_mapping\s+= \(write-only attribute\)/);
    assert.match(apply.stdout, /Apply complete! Resources: 1 added, 0 changed, 0 destroyed\./);
    const now = await vms();
    assert.deepEqual(now.map((v) => [v.name, v.powerState]), [['tf-e2e', 'poweredOff']]);
    firstId = tf(['output', '-raw', 'id']).stdout;
    assert.equal(firstId, `VirtualMachine:${now[0]!.ref.replace(/^VirtualMachine:/, '')}`);
    const state = JSON.parse(fs.readFileSync(path.join(work, 'terraform.tfstate'), 'utf8')) as { resources: { instances: { attributes: Record<string, unknown> }[] }[] };
    const attrs = state.resources[0]!.instances[0]!.attributes;
    // The hardware vSphere reports is the OVF's, as `ovfkit plan` shows it for the same package.
    const planned = spawnSync(process.execPath, [cliBin, 'plan', minimalOva, '--json'], { encoding: 'utf8', env });
    const hardware = (JSON.parse(planned.stdout) as { vms: { numCPUs: number; memoryMB: number }[] }).vms;
    assert.equal(hardware.length, 1);
    assert.deepEqual(attrs['vms'], [{ id: firstId, name: 'tf-e2e', power_state: 'poweredOff', num_cpus: hardware[0]!.numCPUs, memory_mb: hardware[0]!.memoryMB }]);
    assert.equal(attrs['password_property_mapping'], null);
    assert.match(String(attrs['descriptor_digest']), /^sha256:[0-9a-f]{64}$/);
    noSecret(apply.stdout + apply.stderr, 'what terraform printed');
    noSecret(fs.readFileSync(path.join(work, 'terraform.tfstate'), 'utf8'), 'the state');
  });

  it('plan again: no changes', () => {
    const plan = tf(['plan', '-input=false', '-no-color', '-detailed-exitcode']);
    assert.equal(plan.status, 0, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /No changes\./);
  });

  it('a property value, the annotation and the power state change in place: same moref, the VM powered on', async () => {
    write({ workers: '8', power: true, annotation: 'changed' });
    const plan = tf(['plan', '-input=false', '-no-color']);
    assert.match(plan.stdout, /# ovfkit_import\.app will be updated in-place/);
    assert.match(plan.stdout, /~ "workers"\s+= "4" -> "8"/);
    assert.match(plan.stdout, /~ power_on\s+= false -> true/);
    assert.match(plan.stdout, /Plan: 0 to add, 1 to change, 0 to destroy\./);
    const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(apply.status, 0, apply.stderr + apply.stdout);
    assert.match(apply.stdout, /Resources: 0 added, 1 changed, 0 destroyed\./);
    assert.equal(tf(['output', '-raw', 'id']).stdout, firstId);
    assert.deepEqual((await vms()).map((v) => [v.name, v.powerState]), [['tf-e2e', 'poweredOn']]);
    assert.equal(tf(['plan', '-input=false', '-no-color', '-detailed-exitcode']).status, 0);
  });

  it('a changed password is seen through its digest and set in place, and is still never printed or stored', () => {
    write({ workers: '8', power: true, annotation: 'changed', password: 'tf-Other-pass-5678' });
    const plan = tf(['plan', '-input=false', '-no-color']);
    assert.match(plan.stdout, /~ password_property_digests = \(sensitive value\)/);
    assert.match(plan.stdout, /Plan: 0 to add, 1 to change, 0 to destroy\./);
    const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(apply.status, 0, apply.stderr + apply.stdout);
    const state = fs.readFileSync(path.join(work, 'terraform.tfstate'), 'utf8');
    assert.ok(!state.includes('tf-Other-pass-5678') && !(plan.stdout + apply.stdout).includes('tf-Other-pass-5678'));
    assert.equal(tf(['output', '-raw', 'id']).stdout, firstId);
  });

  it('a VM deleted outside Terraform is planned to be created again', async () => {
    const session = await connectOvfSession({ server: sim!.sdkUrl, userName: sim!.username, password: sim!.password, thumbprint: sim!.thumbprint });
    try { await session.destroy({ type: 'VirtualMachine', value: firstId.replace(/^VirtualMachine:/, '') }); } finally { await session.logout(); }
    const plan = tf(['plan', '-input=false', '-no-color']);
    assert.match(plan.stdout, /# ovfkit_import\.app has been deleted/);
    assert.match(plan.stdout, /# ovfkit_import\.app will be created/);
    assert.match(plan.stdout, /Plan: 1 to add, 0 to change, 0 to destroy\./);
    const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(apply.status, 0, apply.stderr + apply.stdout);
    assert.notEqual(tf(['output', '-raw', 'id']).stdout, firstId);
  });

  it('terraform import adopts an existing VM by moref', async () => {
    const id = tf(['output', '-raw', 'id']).stdout;
    assert.equal(tf(['state', 'rm', 'ovfkit_import.app']).status, 0);
    const imported = tf(['import', '-input=false', '-no-color', 'ovfkit_import.app', id]);
    assert.equal(imported.status, 0, imported.stderr + imported.stdout);
    assert.match(imported.stdout, /Import successful!/);
    const show = tf(['state', 'show', '-no-color', 'ovfkit_import.app']);
    assert.match(show.stdout, new RegExp(`id\\s+= "${id}"`));
    assert.match(show.stdout, /power_on\s+= true/);
    // Adopted: the first plan records the configuration in place, without a new import.
    const plan = tf(['plan', '-input=false', '-no-color']);
    assert.match(plan.stdout, /Plan: 0 to add, 1 to change, 0 to destroy\./);
    const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(apply.status, 0, apply.stderr + apply.stdout);
    const again = tf(['plan', '-input=false', '-no-color', '-detailed-exitcode']);
    assert.equal(again.status, 0, again.stderr + again.stdout);
    assert.deepEqual((await vms()).map((v) => v.name), ['tf-e2e']);
  });

  it('an ovfkit_export of the VM (entity, destination) writes an OVA that verifies', () => {
    // ExportVm needs the VM powered off: power off in place, then export it.
    const current = fs.readFileSync(path.join(work, 'main.tf'), 'utf8').replace(/power_on\s*=\s*true/, 'power_on   = false');
    fs.writeFileSync(path.join(work, 'main.tf'), `${current}
resource "ovfkit_export" "backup" {
  entity      = ovfkit_import.app.id
  destination = ${JSON.stringify(path.join(dir, 'backup.ova'))}
}
`);
    const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(apply.status, 0, apply.stderr + apply.stdout);
    const verify = spawnSync(process.execPath, [cliBin, 'manifest', 'verify', path.join(dir, 'backup.ova')], { encoding: 'utf8' });
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  });

  it('destroy leaves nothing in the simulator, and keeps the exported package (docs/export-semantics.md)', async () => {
    const backup = fs.readFileSync(path.join(dir, 'backup.ova'));
    const destroy = tf(['destroy', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(destroy.status, 0, destroy.stderr + destroy.stdout);
    assert.match(destroy.stdout, /Destroy complete! Resources: 2 destroyed\./);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'backup.ova')), backup, 'the OVA is still there, unchanged');
    const state = await sim!.state();
    assert.deepEqual(state.virtualMachines, []);
    assert.deepEqual(state.virtualApps, []);
    // Finished, or aborted by the apply whose upload was cut: none left open.
    assert.ok(state.leases.length > 0 && state.leases.every((l) => l.state === 'done' || l.state === 'error'), JSON.stringify(state.leases));
  });

  it('every provider process listened on 127.0.0.1 only and connected to 127.0.0.1 only (the simulator)', () => {
    const entries = fs.readFileSync(socketLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { pid: number; kind: string; address: string });
    const listeners = new Set(entries.filter((e) => e.kind === 'listen').map((e) => e.pid));
    assert.ok(listeners.size >= 10, `terraform started the provider for every command (${listeners.size} processes listened)`);
    assert.ok(entries.some((e) => e.kind === 'connect'), 'the provider connected to the simulator');
    assert.deepEqual([...new Set(entries.map((e) => `${e.kind} ${e.address}`))].sort(), ['connect 127.0.0.1', 'listen 127.0.0.1']);
  });
});
