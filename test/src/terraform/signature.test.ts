/**
 * The signature verdict in the Terraform provider (`ovfkit_import`), run by the real `terraform`
 * binary against the simulator: `terraform plan` fails on the attribute at fault with the plan's
 * signature errors in Terraform's words (snake_case), shows the signer of a good package, apply
 * imports it; a `.cert` swapped after a saved plan is refused at apply and nothing is created.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { makeTestPki, minimalParts, signedFolder, type SignedVariant, type TestPki } from '../signed-packages';
import { assertNothingLeft } from '../sim/checks';
import { type Simulator, startSimulator } from '../sim/simulator';
import { findTerraform, providerEnvironment } from './harness';

const SIGNER = 'CN=ovfkit signer publisher, O=ovfkit tests';

interface Row {
  name: string;
  variant: (pki: TestPki) => SignedVariant;
  /** Extra HCL attributes of the import. */
  hcl: string;
  /** `attribute: CODE` of every error diagnostic, in order. */
  errors: string[];
}

const TRUST = 'trusted_certificates = [file("ca.pem")]';
const ROWS: Row[] = [
  { name: 'a signer whose certificate expired in 2020', variant: (p) => ({ kind: 'signed', by: p.expired }), hcl: TRUST, errors: ['source: CERT_EXPIRED'] },
  { name: 'a signer of a foreign CA', variant: (p) => ({ kind: 'signed', by: p.foreign }), hcl: TRUST, errors: ['trusted_certificates: CERT_UNTRUSTED'] },
  { name: 'a descriptor changed after signing', variant: (p) => ({ kind: 'descriptor-changed', by: p.signer }), hcl: TRUST, errors: ['source: CERT_DESCRIPTOR_MISMATCH'] },
  { name: 'an unsigned package under signature = "require"', variant: () => ({ kind: 'unsigned' }), hcl: 'signature = "require"', errors: ['signature: CERT_ABSENT'] },
];

function mainTf(source: string, name: string, extra: string): string {
  return `terraform {
  required_providers {
    ovfkit = { source = "ovfkit/ovfkit" }
  }
}

provider "ovfkit" {}

resource "ovfkit_import" "app" {
  source        = ${JSON.stringify(source)}
  name          = ${JSON.stringify(name)}
  datacenter    = "DC0"
  resource_pool = "/DC0/host/DC0_C0/Resources"
  datastore     = "LocalDS_0"
  network_mapping = {
    "VM Network" = "VM Network"
  }
  ${extra}
}
`;
}

describe('package signatures in the Terraform provider, run by the real terraform binary against the simulator', function () {
  this.timeout(300_000);
  const terraform = findTerraform();
  let dir = '';
  let work = '';
  let env: NodeJS.ProcessEnv = {};
  let sim: Simulator;
  let pki: TestPki;
  let parts: { descriptor: string; disks: string[] };

  const tf = (args: string[]) => spawnSync(terraform!, [args[0]!, '-input=false', '-no-color', ...args.slice(1)], { cwd: work, encoding: 'utf8', env, timeout: 240_000 });
  /** `attribute: CODE` of each error diagnostic Terraform printed. */
  const diagnostics = (stderr: string): string[] => stderr.replace(/\u2502 ?/g, '').split(/^Error: /m).slice(1).map((block) => {
    const attribute = /^\s*\d+:\s+(\w+)\s*=/m.exec(block)?.[1] ?? '?';
    const code = /\[(?:\w+: )?\w+ (\w+)\]/.exec(block.replace(/\s+/g, ' '))?.[1] ?? '?';
    return `${attribute}: ${code}`;
  });

  before(async function () {
    if (!terraform) {
      console.log('      SKIP: the terraform binary is not on PATH');
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-tf-sig-'));
    work = path.join(dir, 'work');
    fs.mkdirSync(work);
    pki = makeTestPki(path.join(dir, 'pki'));
    fs.copyFileSync(pki.caFile, path.join(work, 'ca.pem'));
    parts = minimalParts(path.join(dir, 'minimal'));
    sim = await startSimulator();
    env = providerEnvironment(dir, sim);
    const folder = signedFolder(path.join(dir, 'init'), 'p', parts.descriptor, parts.disks, { kind: 'signed', by: pki.signer });
    fs.writeFileSync(path.join(work, 'main.tf'), mainTf(folder, 'init', ''));
    const init = tf(['init']);
    assert.equal(init.status, 0, init.stderr + init.stdout);
  });
  after(async () => {
    await sim?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  ROWS.forEach((row, n) => {
    it(`plan refuses ${row.name} on the attribute at fault, in Terraform's words, and creates nothing`, async () => {
      const folder = signedFolder(path.join(dir, `row${n}`), 'p', parts.descriptor, parts.disks, row.variant(pki));
      fs.writeFileSync(path.join(work, 'main.tf'), mainTf(folder, `tf-sig-${n}`, row.hcl));
      const plan = tf(['plan']);
      assert.equal(plan.status, 1, plan.stdout);
      assert.deepEqual(diagnostics(plan.stderr), row.errors, plan.stderr);
      const text = plan.stderr.replace(/\u2502 ?/g, '').replace(/\s+/g, ' ');
      assert.ok(!/--signature|--trust|signature: "/.test(text), text);
      if (!row.errors[0]!.endsWith('CERT_ABSENT')) assert.match(text, /fix: .*signature = "ignore"/);
      await assertNothingLeft(sim, `tf-sig-${n}`);
    });
  });

  it('plan shows the signer of a good package; apply imports it; destroy removes it', async () => {
    const folder = signedFolder(path.join(dir, 'good'), 'p', parts.descriptor, parts.disks, { kind: 'signed', by: pki.signer });
    fs.writeFileSync(path.join(work, 'main.tf'), mainTf(folder, 'tf-sig-good', TRUST));
    const plan = tf(['plan']);
    assert.equal(plan.status, 0, plan.stderr + plan.stdout);
    assert.match(plan.stdout, /\+ signature_status\s+= "valid"/);
    assert.match(plan.stdout, new RegExp(`\\+ subject\\s+= "${SIGNER}"`));
    assert.match(plan.stdout, /\+ issuer\s+= "CN=ovfkit signing CA, O=ovfkit tests"/);
    assert.match(plan.stdout, /\+ valid_from\s+= "\d{4}-\d\d-\d\dT[^"]+Z"\n\s+\+ valid_to\s+= "\d{4}-/);
    assert.match(plan.stdout, /\+ trusted\s+= true/);
    const apply = tf(['apply', '-auto-approve']);
    assert.equal(apply.status, 0, apply.stderr + apply.stdout);
    assert.ok((await sim.state()).virtualMachines.some((v) => v.name === 'tf-sig-good'));
    const destroy = tf(['destroy', '-auto-approve']);
    assert.equal(destroy.status, 0, destroy.stderr + destroy.stdout);
    await assertNothingLeft(sim, 'tf-sig-good');
  });

  it('a .cert swapped for an expired signer\'s after a saved plan is refused at apply, and nothing is created', async () => {
    const folder = signedFolder(path.join(dir, 'swap'), 'p', parts.descriptor, parts.disks, { kind: 'signed', by: pki.signer });
    fs.writeFileSync(path.join(work, 'main.tf'), mainTf(folder, 'tf-sig-swap', TRUST));
    const plan = tf(['plan', '-out=swap.tfplan']);
    assert.equal(plan.status, 0, plan.stderr + plan.stdout);
    signedFolder(path.join(dir, 'swap'), 'p', parts.descriptor, parts.disks, { kind: 'signed', by: pki.expired });
    const apply = tf(['apply', 'swap.tfplan']);
    assert.equal(apply.status, 1, apply.stdout);
    assert.deepEqual(diagnostics(apply.stderr).map((d) => d.split(': ')[1]), ['CERT_EXPIRED'], apply.stderr);
    await assertNothingLeft(sim, 'tf-sig-swap');
    const list = spawnSync(terraform!, ['state', 'list'], { cwd: work, encoding: 'utf8', env });
    assert.equal(list.stdout, '', list.stderr);
  });
});
