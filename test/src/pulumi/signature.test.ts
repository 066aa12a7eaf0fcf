/**
 * The signature verdict in Pulumi's OvfImport, through Pulumi's real plugin host against the
 * simulator: check (preview) fails on the input at fault with the plan's issues, in Pulumi's
 * words, and keeps the signer in the plan input; create enforces the same verdict again on the
 * bytes it imports (a `.cert` swapped after check is refused, nothing created). Packages are
 * signed folders made with openssl (test/src/signed-packages.ts).
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';

import { assertNothingLeft } from '../sim/checks';
import type { Simulator } from '../sim/simulator';
import { makeTestPki, minimalParts, reasonCode, signedFolder, type SignedVariant, type TestPki } from '../signed-packages';
import { dynamicUrn, type PluginHost } from './plugin-host';
import { useSimulatorPluginHost } from './sim-context';

const importUrn = dynamicUrn('signed', 'pulumi-nodejs:dynamic/ovfkit:OvfImport');
const SIGNER = 'CN=ovfkit signer publisher, O=ovfkit tests';

interface Row {
  name: string;
  variant: (pki: TestPki) => SignedVariant;
  inputs: (pki: TestPki) => Record<string, unknown>;
  /** `input: CODE` of every failure, in order. */
  failures: string[];
  status: string;
  signer?: string;
  trusted?: boolean;
}

const trust = (p: TestPki): Record<string, unknown> => ({ trustedCertificates: [p.ca] });
const ROWS: Row[] = [
  { name: 'a valid signature chained to trustedCertificates', variant: (p) => ({ kind: 'signed', by: p.signer }), inputs: trust, failures: [], status: 'valid', signer: SIGNER, trusted: true },
  { name: 'a signer whose certificate expired in 2020', variant: (p) => ({ kind: 'signed', by: p.expired }), inputs: trust, failures: ['source: CERT_EXPIRED'], status: 'invalid', signer: 'CN=ovfkit expired publisher, O=ovfkit tests', trusted: true },
  { name: 'a signer of a foreign CA', variant: (p) => ({ kind: 'signed', by: p.foreign }), inputs: trust, failures: ['trustedCertificates: CERT_UNTRUSTED'], status: 'invalid', signer: 'CN=someone else', trusted: false },
  { name: 'a descriptor changed after signing', variant: (p) => ({ kind: 'descriptor-changed', by: p.signer }), inputs: trust,
    // The plan's verdict alone (Pulumi's own manifest check, which said MANIFEST_DIGEST_MISMATCH beside it, is gone).
    failures: ['source: CERT_DESCRIPTOR_MISMATCH'], status: 'invalid', signer: SIGNER, trusted: true },
  { name: 'an unsigned package under signature "require"', variant: () => ({ kind: 'unsigned' }), inputs: () => ({ signature: 'require' }), failures: ['signature: CERT_ABSENT'], status: 'absent' },
  { name: 'an expired signer waived with signature "ignore"', variant: (p) => ({ kind: 'signed', by: p.expired }), inputs: () => ({ signature: 'ignore' }), failures: [], status: 'unchecked' },
];

describe('package signatures in Pulumi\'s OvfImport, through the plugin host against the simulator', function () {
  this.timeout(180_000);
  const shared = useSimulatorPluginHost('ovfkit-pulumi-sig-');
  let sim: Simulator;
  let host: PluginHost;
  let tmp: string;
  let provider: string;
  let pki: TestPki;
  let parts: { descriptor: string; disks: string[] };
  before(() => {
    ({ sim, host, tmp, provider } = shared);
    pki = makeTestPki(path.join(tmp, 'pki'));
    parts = minimalParts(path.join(tmp, 'minimal'));
  });

  const base = (source: string, name: string): Record<string, unknown> => ({
    __provider: provider, source, name, resourcePool: 'DC0_C0/Resources', datastore: 'LocalDS_0', networkMapping: { 'VM Network': 'VM Network' },
  });
  const failuresOf = (f: { property: string; reason: string }[]): string[] => f.map((x) => `${x.property}: ${reasonCode(x.reason)}`);

  ROWS.forEach((row, n) => {
    it(`${row.failures.length ? 'refuses' : 'imports'} ${row.name}`, async () => {
      const folder = signedFolder(path.join(tmp, `row${n}`), 'p', parts.descriptor, parts.disks, row.variant(pki));
      const name = `pulumi-sig-${n}`;
      const checked = await host.check(importUrn, {}, { ...base(folder, name), ...row.inputs(pki) });
      assert.deepEqual(failuresOf(checked.failures), row.failures, JSON.stringify(checked.failures));
      const plan = JSON.parse(checked.inputs['plan'] as string) as { signature: { status: string; policy: string; signer?: { subject: string; issuer: string; validFrom: string; validTo: string }; trusted?: boolean } };
      assert.equal(plan.signature.status, row.status);
      assert.equal(plan.signature.signer?.subject, row.signer);
      assert.equal(plan.signature.trusted, row.trusted);
      if (row.signer) {
        assert.match(plan.signature.signer!.issuer, /CN=/);
        assert.match(plan.signature.signer!.validFrom + plan.signature.signer!.validTo, /^\d{4}-.*Z\d{4}-.*Z$/);
      }
      // The fix is in Pulumi's words (the input names), never the CLI's flags.
      for (const f of checked.failures) {
        assert.ok(!/--signature|--trust/.test(f.reason), f.reason);
        if (/^CERT_(?!ABSENT)/.test(reasonCode(f.reason))) assert.match(f.reason, /fix: .*signature: "ignore"/);
      }
      if (row.failures.length) return;
      const created = await host.create(importUrn, checked.inputs);
      assert.match(created.id, /^VirtualMachine:vm-\d+$/);
      await host.delete(created.id, importUrn, created.properties);
      await assertNothingLeft(sim, name);
    });
  });

  it('create enforces the verdict again: a .cert swapped for an expired signer\'s after check is refused, and nothing is created', async () => {
    const folder = signedFolder(path.join(tmp, 'swap'), 'p', parts.descriptor, parts.disks, { kind: 'signed', by: pki.signer });
    const checked = await host.check(importUrn, {}, { ...base(folder, 'pulumi-sig-swap'), ...trust(pki) });
    assert.deepEqual(checked.failures, []);
    // Same descriptor (the digest pin passes), another signature.
    signedFolder(path.join(tmp, 'swap'), 'p', parts.descriptor, parts.disks, { kind: 'signed', by: pki.expired });
    await assert.rejects(host.create(importUrn, checked.inputs), (e: Error) => {
      const lines = e.message.split('\n').filter((l) => /^\s+\S+: /.test(l)).map((l) => `${l.trim().split(':')[0]}: ${reasonCode(l.trim())}`);
      assert.deepEqual(lines, ['source: CERT_EXPIRED'], e.message);
      assert.match(e.message, /the import would fail/);
      return true;
    });
    await assertNothingLeft(sim, 'pulumi-sig-swap');
  });

  it('names a trustedCertificates entry that holds no certificate, and an unknown policy', async () => {
    const folder = signedFolder(path.join(tmp, 'usage'), 'p', parts.descriptor, parts.disks, { kind: 'signed', by: pki.signer });
    const a = await host.check(importUrn, {}, { ...base(folder, 'u'), trustedCertificates: ['not a certificate'] });
    assert.deepEqual(a.failures, [{ property: 'trustedCertificates', reason: 'trustedCertificates[0] holds no PEM certificate: give the text of the CA certificate(s), -----BEGIN CERTIFICATE----- …' }]);
    const b = await host.check(importUrn, {}, { ...base(folder, 'u'), signature: 'sometimes' });
    assert.deepEqual(b.failures, [{ property: 'signature', reason: '"sometimes" is not a valid signature; allowed: require, verify, ignore' }]);
  });
});
