/**
 * The signature verdict in CDKTF's OvfImport: synth fails with the plan's signature errors (in
 * CDKTF's words, on the construct), the `input` Terraform shows names the signer, and the import
 * provisioner (run as Terraform runs it: /bin/sh in the stack directory) enforces the same policy
 * and trusted certificates against the simulator; a `.cert` swapped after synth is refused and
 * nothing is created.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { OvfImport, OvfTesting, type OvfImportProps } from '@ovfkit/cdktf';

import { makeTestPki, minimalParts, signedFolder, type SignedVariant, type TestPki } from '../signed-packages';
import { assertNothingLeft } from '../sim/checks';
import { startSimulator, type Simulator } from '../sim/simulator';

const SIGNER = 'CN=ovfkit signer publisher, O=ovfkit tests';

interface Row {
  name: string;
  variant: (pki: TestPki) => SignedVariant;
  props: (pki: TestPki) => Partial<OvfImportProps>;
  /** `CODE at path` of every error of the construct, in order. */
  errors: string[];
  status: string;
  signer?: string;
}

const trust = (p: TestPki): Partial<OvfImportProps> => ({ trustedCertificates: [p.ca] });
const ROWS: Row[] = [
  { name: 'a valid signature chained to trustedCertificates', variant: (p) => ({ kind: 'signed', by: p.signer }), props: trust, errors: [], status: 'valid', signer: SIGNER },
  { name: 'a signer whose certificate expired in 2020', variant: (p) => ({ kind: 'signed', by: p.expired }), props: trust, errors: ['CERT_EXPIRED at p.cert'], status: 'invalid' },
  { name: 'a signer of a foreign CA', variant: (p) => ({ kind: 'signed', by: p.foreign }), props: trust, errors: ['CERT_UNTRUSTED at p.cert'], status: 'invalid' },
  { name: 'a descriptor changed after signing', variant: (p) => ({ kind: 'descriptor-changed', by: p.signer }), props: trust, errors: ['CERT_DESCRIPTOR_MISMATCH at p.mf'], status: 'invalid' },
  { name: 'an unsigned package under signature "require"', variant: () => ({ kind: 'unsigned' }), props: () => ({ signature: 'require' }), errors: ['CERT_ABSENT at p.mf'], status: 'absent' },
  { name: 'an expired signer waived with signature "ignore"', variant: (p) => ({ kind: 'signed', by: p.expired }), props: () => ({ signature: 'ignore' }), errors: [], status: 'unchecked' },
];

interface TfData { input: { signature: Record<string, unknown> }; provisioner: { 'local-exec': { command: string; environment?: Record<string, string>; when?: string } }[] }

describe('package signatures in CDKTF\'s OvfImport: synth and the import provisioner against the simulator', function () {
  this.timeout(240_000);
  let tmp = '';
  let pki: TestPki;
  let parts: { descriptor: string; disks: string[] };
  let sim: Simulator;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-cdktf-sig-'));
    pki = makeTestPki(path.join(tmp, 'pki'));
    parts = minimalParts(path.join(tmp, 'minimal'));
    sim = await startSimulator();
  });
  after(async () => {
    await sim?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The stack with one import of `folder`; synthesized when the construct has no error. */
  const stackOf = (id: string, folder: string, props: Partial<OvfImportProps>): { imp: OvfImport; stackDir: string; data?: TfData } => {
    const outdir = path.join(tmp, `${id}.out`);
    const app = new App({ outdir });
    const stack = new TerraformStack(app, id);
    const imp = new OvfImport(stack, 'App', { source: folder, name: id, datacenter: 'DC0', resourcePool: '/DC0/host/DC0_C0/Resources', datastore: 'LocalDS_0', networkMapping: { 'VM Network': 'VM Network' }, ...props });
    const stackDir = path.join(outdir, 'stacks', id);
    if (imp.errors.length) return { imp, stackDir };
    app.synth();
    const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as { resource: { terraform_data: Record<string, TfData> } };
    return { imp, stackDir, data: Object.values(json.resource.terraform_data).find((d) => d.input !== undefined)! };
  };
  /** Runs the create provisioner as Terraform does: /bin/sh in the stack directory, with its environment. */
  const provision = (stackDir: string, data: TfData) => {
    const create = data.provisioner.find((p) => p['local-exec'].when === undefined)!['local-exec'];
    const env = { PATH: process.env['PATH'] ?? '', VSPHERE_SERVER: sim.url, VSPHERE_USER: sim.username, VSPHERE_PASSWORD: sim.password, VSPHERE_THUMBPRINT: sim.thumbprint, ...create.environment };
    return spawnSync('/bin/sh', ['-c', create.command], { cwd: stackDir, encoding: 'utf8', env });
  };
  const destroy = (stackDir: string, data: TfData, inventoryPath: string) => {
    const d = data.provisioner.find((p) => p['local-exec'].when === 'destroy')!['local-exec'];
    const env = { PATH: process.env['PATH'] ?? '', VSPHERE_SERVER: sim.url, VSPHERE_USER: sim.username, VSPHERE_PASSWORD: sim.password, VSPHERE_THUMBPRINT: sim.thumbprint, OVFKIT_INVENTORY_PATH: inventoryPath };
    return spawnSync('/bin/sh', ['-c', d.command], { cwd: stackDir, encoding: 'utf8', env });
  };

  ROWS.forEach((row, n) => {
    it(`${row.errors.length ? 'fails synth for' : 'synthesizes and imports'} ${row.name}`, () => {
      const folder = signedFolder(path.join(tmp, `row${n}`), 'p', parts.descriptor, parts.disks, row.variant(pki));
      const id = `cdktf-sig-${n}`;
      const { imp, stackDir, data } = stackOf(id, folder, row.props(pki));
      assert.deepEqual(imp.errors.map((e) => `${e.code} at ${e.path}`), row.errors);
      const sig = (imp.plan as { signature: { status: string; signer?: { subject: string } } }).signature;
      assert.equal(sig.status, row.status);
      // The validations synth throws: one line per error, in CDKTF's words.
      const lines = OvfTesting.errors(imp).map((e) => e.message);
      assert.deepEqual(lines.map((l) => /^Signature: .* \[\w+ (\w+)\]$/.exec(l)?.[1]), row.errors.map((e) => e.split(' ')[0]));
      for (const l of lines) {
        assert.ok(!/--signature|--trust/.test(l), l);
        if (!l.includes('CERT_ABSENT')) assert.match(l, /fix: .*signature: "ignore"/);
      }
      if (row.errors.length) return;
      // `terraform plan` shows the signer in the import's input.
      assert.equal((data!.input.signature['signer'] as { subject: string } | undefined)?.subject, row.signer);
      assert.equal(data!.input.signature['status'], row.status);
      const r = provision(stackDir, data!);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.equal(destroy(stackDir, data!, imp.inventoryPath).status, 0);
    });
  });

  it('the provisioner enforces the verdict again: a .cert swapped for an expired signer\'s after synth is refused, nothing created', async () => {
    const folder = signedFolder(path.join(tmp, 'swap'), 'p', parts.descriptor, parts.disks, { kind: 'signed', by: pki.signer });
    const { imp, stackDir, data } = stackOf('cdktf-sig-swap', folder, trust(pki));
    assert.deepEqual(imp.errors, []);
    assert.deepEqual(Object.keys(data!.provisioner[0]!['local-exec'].environment ?? {}), ['OVFKIT_TRUSTED_CERTIFICATES']);
    signedFolder(path.join(tmp, 'swap'), 'p', parts.descriptor, parts.disks, { kind: 'signed', by: pki.expired });
    const r = provision(stackDir, data!);
    assert.equal(r.status, 1, r.stderr + r.stdout);
    assert.deepEqual([...(r.stdout + r.stderr).matchAll(/\b(CERT_[A-Z_]+)\b/g)].map((m) => m[1]).filter((c, i, a) => a.indexOf(c) === i), ['CERT_EXPIRED'], r.stderr + r.stdout);
    await assertNothingLeft(sim, 'cdktf-sig-swap');
  });

  it('refuses a signature policy it does not know at synth', () => {
    const folder = signedFolder(path.join(tmp, 'usage'), 'p', parts.descriptor, parts.disks, { kind: 'signed', by: pki.signer });
    assert.throws(() => stackOf('cdktf-sig-usage', folder, { signature: 'sometimes' as never }), /"signature" must be one of require, verify, ignore/);
    assert.throws(() => stackOf('cdktf-sig-usage2', folder, { trustedCertificates: ['not a certificate'] }), /trustedCertificates\[0\] holds no PEM certificate/);
  });
});
