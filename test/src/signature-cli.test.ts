/**
 * The signature verdict in `ovfkit plan --json` and `ovfkit import` against the simulator: signed
 * packages made with openssl (a CA-issued signer, one that expired in 2020, a foreign self-signed
 * one, a descriptor changed after signing, a signature by a key the certificate does not belong
 * to), each compared as the whole error list; a refused import creates nothing.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { repoRoot } from './paths';
import { runCli } from './run-cli';
import { makeTestPki, signedFolder, type SignedVariant, type TestPki } from './signed-packages';
import { assertNothingLeft } from './sim/checks';
import { startSimulator, type Simulator } from './sim/simulator';

interface Row {
  name: string;
  variant: (pki: TestPki) => SignedVariant;
  flags: (pki: TestPki) => string[];
  /** `code at path` of every error, in order. */
  errors: string[];
  warnings?: string[];
  status: 'valid' | 'invalid' | 'absent' | 'unchecked';
  signer?: string;
  trusted?: boolean;
}

const SIGNER = 'CN=ovfkit signer publisher, O=ovfkit tests';
const trust = (pki: TestPki): string[] => ['--trust', pki.caFile];

const ROWS: Row[] = [
  { name: 'a valid signature chained to the trust store', variant: (p) => ({ kind: 'signed', by: p.signer }), flags: trust, errors: [], status: 'valid', signer: SIGNER, trusted: true },
  { name: 'a valid signature, chain not judged without --trust', variant: (p) => ({ kind: 'signed', by: p.signer }), flags: () => ['--signature', 'require'], errors: [], status: 'valid', signer: SIGNER },
  { name: 'a signer whose certificate expired in 2020', variant: (p) => ({ kind: 'signed', by: p.expired }), flags: trust, errors: ['CERT_EXPIRED at p.cert'], status: 'invalid', signer: 'CN=ovfkit expired publisher, O=ovfkit tests', trusted: true },
  { name: 'a signer of a foreign CA, with a trust store', variant: (p) => ({ kind: 'signed', by: p.foreign }), flags: trust, errors: ['CERT_UNTRUSTED at p.cert'], status: 'invalid', signer: 'CN=someone else', trusted: false },
  { name: 'a self-signed foreign signer without a trust store (a warning)', variant: (p) => ({ kind: 'signed', by: p.foreign }), flags: () => [], errors: [], warnings: ['CERT_SELF_SIGNED at p.cert'], status: 'valid', signer: 'CN=someone else' },
  { name: 'a descriptor changed after signing', variant: (p) => ({ kind: 'descriptor-changed', by: p.signer }), flags: trust, errors: ['CERT_DESCRIPTOR_MISMATCH at p.mf'], status: 'invalid', signer: SIGNER, trusted: true },
  { name: 'a descriptor changed after signing, its manifest line rewritten', variant: (p) => ({ kind: 'descriptor-changed-manifest-redone', by: p.signer }), flags: trust, errors: ['CERT_SIGNATURE_INVALID at p.cert'], status: 'invalid', signer: SIGNER, trusted: true },
  { name: 'a signature by a key the certificate does not belong to', variant: (p) => ({ kind: 'foreign-key', key: p.foreign.key, cert: p.signer.cert }), flags: trust, errors: ['CERT_SIGNATURE_INVALID at p.cert'], status: 'invalid', signer: SIGNER, trusted: true },
  { name: 'an unsigned package under --signature require', variant: () => ({ kind: 'unsigned' }), flags: () => ['--signature', 'require'], errors: ['CERT_ABSENT at p.mf'], status: 'absent' },
  { name: 'an unsigned package under the default policy', variant: () => ({ kind: 'unsigned' }), flags: () => [], errors: [], status: 'absent' },
  { name: 'an expired signer waived with --signature ignore', variant: (p) => ({ kind: 'signed', by: p.expired }), flags: () => ['--signature', 'ignore'], errors: [], status: 'unchecked' },
];

describe('signatures in ovfkit plan and ovfkit import', function () {
  this.timeout(300_000);
  let tmp: string;
  let pki: TestPki;
  let sim: Simulator;
  let descriptor: string;
  let disks: string[];

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-signature-'));
    const unpacked = path.join(tmp, 'unpacked');
    fs.mkdirSync(unpacked);
    execFileSync('tar', ['-xf', path.join(repoRoot, 'examples', 'minimal', 'minimal.ova'), '-C', unpacked]);
    descriptor = fs.readFileSync(path.join(unpacked, 'minimal.ovf'), 'utf8');
    disks = fs.readdirSync(unpacked).filter((f) => f.endsWith('.vmdk')).map((f) => path.join(unpacked, f));
    pki = makeTestPki(path.join(tmp, 'pki'));
    sim = await startSimulator();
  });
  after(async () => {
    await sim?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const at = (i: { code: string; path?: string }): string => `${i.code} at ${i.path}`;
  const PLACE = ['--pool', 'DC0_C0/Resources', '--datastore', 'LocalDS_0', '--net', 'VM Network=VM Network'];

  ROWS.forEach((row, n) => {
    it(`${row.errors.length ? 'refuses' : 'imports'} ${row.name}`, async () => {
      const folder = signedFolder(path.join(tmp, `row${n}`), 'p', descriptor, disks, row.variant(pki));
      const name = `sig-${n}`;
      const plan = await runCli(['plan', folder, '--json', '--name', name, ...PLACE, ...row.flags(pki)]);
      const p = JSON.parse(plan.stdout) as { ok: boolean; errors: Array<{ code: string; path?: string; source: string }>; warnings: Array<{ code: string; path?: string; source: string }>; signature: { status: string; signer?: { subject: string }; trusted?: boolean; policy: string } };
      assert.deepEqual(p.errors.map(at), row.errors, plan.stdout);
      assert.deepEqual(p.warnings.filter((w) => w.source === 'signature').map(at), row.warnings ?? []);
      assert.equal(p.signature.status, row.status);
      assert.equal(p.signature.signer?.subject, row.signer);
      assert.equal(p.signature.trusted, row.trusted);
      assert.equal(plan.code, row.errors.length ? 1 : 0);

      // The text plan names the signer and what to change.
      const text = await runCli(['plan', folder, '--name', name, ...PLACE, ...row.flags(pki)]);
      assert.match(text.stdout, /\n {2}signature {4}\S/);
      if (row.signer) assert.ok(text.stdout.includes(`signer "${row.signer}"`), text.stdout);
      if (row.errors.length && row.status !== 'absent') assert.match(text.stdout, /fix: .*--signature ignore/);

      const env = { VSPHERE_SERVER: sim.url, VSPHERE_USER: sim.username, VSPHERE_PASSWORD: sim.password, VSPHERE_THUMBPRINT: sim.thumbprint };
      const imported = await runCli(['import', folder, '--name', name, '--json', ...PLACE, ...row.flags(pki)], env);
      if (row.errors.length) {
        assert.equal(imported.code, 1, imported.stderr);
        const out = JSON.parse(imported.stdout) as { refusedBy: string; error: Array<{ code: string; path?: string }> };
        assert.equal(out.refusedBy, 'plan');
        assert.deepEqual(out.error.map(at), row.errors);
        await assertNothingLeft(sim, name);
      } else {
        assert.equal(imported.code, 0, imported.stderr + imported.stdout);
        const r = JSON.parse(imported.stdout) as { entity: { type: string; value: string }; signature: { status: string; signer?: { subject: string } } };
        assert.equal(r.signature.status, row.status);
        assert.equal(r.signature.signer?.subject, row.signer);
        assert.equal((await runCli(['destroy', `${r.entity.type}:${r.entity.value}`], env)).code, 0);
        await assertNothingLeft(sim, name);
      }
    });
  });

  it('a --trust file without a certificate and an unknown --signature are usage errors', async () => {
    const bad = path.join(tmp, 'empty.pem');
    fs.writeFileSync(bad, 'no certificate here\n');
    const folder = signedFolder(path.join(tmp, 'usage'), 'p', descriptor, disks, { kind: 'signed', by: pki.signer });
    const a = await runCli(['plan', folder, '--trust', bad]);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /the trust store .*empty\.pem holds no PEM certificate/);
    const b = await runCli(['plan', folder, '--signature', 'sometimes']);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /--signature must be one of require, verify, ignore, not "sometimes"/);
  });
});
