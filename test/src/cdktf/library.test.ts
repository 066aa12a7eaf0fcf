/**
 * End to end: a CDKTF stack that publishes a package to a content library (OvfLibraryItem),
 * synthesized in-process and run by the real `terraform` binary against ovfkit's vSphere
 * simulator; no provider is downloaded (the stack needs none: terraform_data and the ovfkit CLI
 * @ovfkit/cdktf depends on, run by `node`). `synth(true)` adds a VM deployed from the item
 * (OvfImport with libraryItem), whose apply needs `ovfkit import library:…`.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { OvfImport, OvfLibraryItem } from '@ovfkit/cdktf';
import { Inventory, RestClient, VimSession, createLocalLibrary } from '@ovfkit/vsphere';
import { startSimulator, type Simulator } from '../sim/simulator';
import { buildOva } from '../vsphere-fixtures';
import { nodeAndTerraformOnly, offlineCliConfig } from './offline-terraform';

/** The terraform binary on PATH (its absolute path); these tests need it. */
function terraformBinary(): string {
  const r = spawnSync('/bin/sh', ['-c', 'command -v terraform'], { encoding: 'utf8' });
  const found = r.stdout.trim();
  assert.ok(r.status === 0 && found !== '', 'the terraform binary is on PATH');
  return found;
}

describe('a CDKTF stack with an OvfLibraryItem, run by the real terraform binary (simulator)', function () {
  this.timeout(300_000);
  let sim: Simulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let ova: string;
  const stackDir = (): string => path.join(dir, 'cdktf.out', 'stacks', 'library');
  const tf = (args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(env['OVFKIT_TF']!, args, { cwd: stackDir(), encoding: 'utf8', env, timeout: 240_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const held = async (): Promise<{ items: string[]; activeSessions: number; downloadSessions: number; vms: number }> => {
    const lib = await sim.library();
    const st = await sim.state();
    return {
      items: lib.items.map((i) => i.name),
      activeSessions: lib.updateSessions.filter((u) => u.state === 'ACTIVE').length,
      downloadSessions: lib.downloadSessions.length,
      vms: st.virtualMachines.filter((v) => v.name === 'cdktf-lib').length,
    };
  };

  before(async () => {
    const terraform = terraformBinary();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-cdktf-library-'));
    ova = (await buildOva(path.join(dir, 'pkg'), 'tiny', [{ id: 'tiny01', cpus: 1, memoryMB: 256, disksMiB: [2], nics: ['VM Network'] }])).ova;
    sim = await startSimulator();
    const vim = await VimSession.connect({ server: sim.sdkUrl, userName: sim.username, password: sim.password, thumbprint: sim.thumbprint });
    try {
      const rest = await RestClient.open(vim, { userName: sim.username, password: sim.password });
      try { await createLocalLibrary(rest, 'templates', (await new Inventory(vim).get('/DC0/datastore/LocalDS_0', 'datastore')).value); } finally { await rest.close(); }
    } finally {
      await vim.logout();
    }
    // PATH holds only node and terraform; no provider can be downloaded.
    env = {
      PATH: nodeAndTerraformOnly(dir, terraform), HOME: dir, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: offlineCliConfig(dir), OVFKIT_TF: terraform,
      VSPHERE_SERVER: sim.sdkUrl, VSPHERE_USER: sim.username, VSPHERE_PASSWORD: sim.password, VSPHERE_THUMBPRINT: sim.thumbprint,
    };
  });
  after(async () => {
    await sim?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Synthesizes the stack: the item, and (when `deploy`) a VM deployed from it. */
  const synth = (deploy: boolean): void => {
    const app = new App({ outdir: path.join(dir, 'cdktf.out'), skipValidation: false });
    const stack = new TerraformStack(app, 'library');
    new LocalBackend(stack, { path: 'terraform.tfstate' });
    const item = new OvfLibraryItem(stack, 'Tiny', { source: ova, library: 'templates', item: 'tiny' });
    if (deploy) new OvfImport(stack, 'Vm', { libraryItem: item, name: 'cdktf-lib', datacenter: 'DC0', resourcePool: '/DC0/host/DC0_C0/Resources', datastore: 'LocalDS_0', networkMapping: { 'VM Network': 'VM Network' } });
    app.synth();
  };

  it('publishes the item in one apply (ovfkit library publish); a second plan has no changes; destroy (ovfkit library delete) leaves no item or session', async () => {
    synth(false);
    const init = tf(['init', '-input=false', '-no-color']);
    assert.equal(init.status, 0, init.stderr + init.stdout);
    const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(apply.status, 0, apply.stderr + apply.stdout);
    assert.match(apply.stdout, /Apply complete! Resources: 1 added, 0 changed, 0 destroyed\./);
    assert.deepEqual(await held(), { items: ['tiny'], activeSessions: 0, downloadSessions: 0, vms: 0 });
    const files = (await sim.library()).items[0]!.files.map((f) => f.name).sort();
    assert.deepEqual(files, ['tiny.mf', 'tiny.ovf', 'tiny01-disk1.vmdk']);
    const again = tf(['plan', '-input=false', '-no-color', '-detailed-exitcode']);
    assert.equal(again.status, 0, again.stderr + again.stdout);
    assert.match(again.stdout, /No changes\./);
    const destroy = tf(['destroy', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(destroy.status, 0, destroy.stderr + destroy.stdout);
    assert.deepEqual(await held(), { items: [], activeSessions: 0, downloadSessions: 0, vms: 0 });
  });

  it('publishes and deploys in one apply; a second plan has no changes; destroy leaves no item, session or VM', async () => {
    synth(true);
    const init = tf(['init', '-input=false', '-no-color']);
    assert.equal(init.status, 0, init.stderr + init.stdout);
    const apply = tf(['apply', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(apply.status, 0, apply.stderr + apply.stdout);
    assert.match(apply.stdout, /Apply complete! Resources: 3 added, 0 changed, 0 destroyed\./);
    assert.deepEqual(await held(), { items: ['tiny'], activeSessions: 0, downloadSessions: 0, vms: 1 });
    const deployed = (await sim.library()).calls['library-item.deploy'];
    assert.equal(deployed, 1, 'the VM came from the library item (ovf/library-item?action=deploy)');

    const again = tf(['plan', '-input=false', '-no-color', '-detailed-exitcode']);
    assert.equal(again.status, 0, again.stderr + again.stdout);
    assert.match(again.stdout, /No changes\./);

    const destroy = tf(['destroy', '-input=false', '-no-color', '-auto-approve']);
    assert.equal(destroy.status, 0, destroy.stderr + destroy.stdout);
    assert.match(destroy.stdout, /Destroy complete! Resources: 3 destroyed\./);
    assert.deepEqual(await held(), { items: [], activeSessions: 0, downloadSessions: 0, vms: 0 });
  });
});
