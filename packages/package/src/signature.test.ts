import * as assert from 'node:assert/strict';
import { createSign } from 'node:crypto';
import { signManifest } from './certificate';
import { makeCertificates, tempDir } from './fixtures.test.support';
import { parseSignaturePolicy, verifySignature, type PackageSignature, type SignatureOptions } from './signature';

describe('package signatures under the --signature policy', function () {
  this.timeout(60_000);
  let t: { dir: string; cleanup: () => void };
  let pki: ReturnType<typeof makeCertificates>;
  const mfText = `SHA256(vm.ovf)= ${'a'.repeat(64)}\n`;
  const manifest = { name: 'vm.mf', bytes: Buffer.from(mfText) };
  const cert = (text: string) => ({ name: 'vm.cert', bytes: Buffer.from(text) });
  /** The verdict as one comparable value: status, trust, signer subject and every issue. */
  const verdict = (s: PackageSignature) => ({
    status: s.status,
    trusted: s.trusted,
    signer: s.signer?.subject,
    issues: s.issues.map((i) => `${i.severity} ${i.code} at ${i.path}: ${i.message}`),
  });
  const check = (files: Parameters<typeof verifySignature>[0], options: SignatureOptions) => verdict(verifySignature(files, options));
  before(() => {
    t = tempDir();
    pki = makeCertificates(t.dir);
  });
  after(() => t.cleanup());

  it('shows the signer of a good signature: subject, issuer, validity, and trust when a trust store is given', () => {
    const s = verifySignature({ manifest, certificate: cert(signManifest(manifest.bytes, 'vm.mf', pki.leafKey, pki.leafCert)) }, { policy: 'require', trustStore: [pki.caCert] });
    assert.deepEqual(verdict(s), { status: 'valid', trusted: true, signer: 'CN=ovfkit test signer, O=ovfkit', issues: [] });
    assert.equal(s.certificate, 'vm.cert');
    assert.equal(s.signer?.issuer, 'CN=ovfkit test CA');
    assert.ok(Date.parse(s.signer!.validFrom) <= Date.now() && Date.now() < Date.parse(s.signer!.validTo), JSON.stringify(s.signer));
    // Without a trust store the chain is not judged: valid, trust unknown.
    assert.deepEqual(check({ manifest, certificate: cert(signManifest(manifest.bytes, 'vm.mf', pki.leafKey, pki.leafCert)) }, {}), { status: 'valid', trusted: undefined, signer: 'CN=ovfkit test signer, O=ovfkit', issues: [] });
  });

  it('refuses a manifest changed after signing (so a changed descriptor cannot be re-listed)', () => {
    const signed = signManifest(manifest.bytes, 'vm.mf', pki.leafKey, pki.leafCert);
    const changed = { name: 'vm.mf', bytes: Buffer.from(`SHA256(vm.ovf)= ${'b'.repeat(64)}\n`) };
    assert.deepEqual(check({ manifest: changed, certificate: cert(signed) }, { trustStore: [pki.caCert] }), {
      status: 'invalid',
      trusted: true,
      signer: 'CN=ovfkit test signer, O=ovfkit',
      issues: ['error CERT_SIGNATURE_INVALID at vm.cert: the signature in vm.cert does not match the manifest and the signer\'s key'],
    });
  });

  it('refuses a signature made with a foreign key under a certificate it does not belong to', () => {
    const foreign = `SHA256(vm.mf)= ${createSign('sha256').update(manifest.bytes).sign(pki.otherKey, 'hex')}\n${pki.leafCert}`;
    assert.deepEqual(check({ manifest, certificate: cert(foreign) }, {}), {
      status: 'invalid',
      trusted: undefined,
      signer: 'CN=ovfkit test signer, O=ovfkit',
      issues: ['error CERT_SIGNATURE_INVALID at vm.cert: the signature in vm.cert does not match the manifest and the signer\'s key'],
    });
  });

  it('refuses a signer from outside the trust store, and warns about a self-signed one without a trust store', () => {
    const other = cert(signManifest(manifest.bytes, 'vm.mf', pki.otherKey, pki.otherCert));
    assert.deepEqual(check({ manifest, certificate: other }, { trustStore: [pki.caCert] }), {
      status: 'invalid',
      trusted: false,
      signer: 'CN=someone else',
      issues: ['error CERT_UNTRUSTED at vm.cert: the signer "CN=someone else" does not chain to a certificate in the trust store: no certificate in the file or the trust store issued it'],
    });
    assert.deepEqual(check({ manifest, certificate: other }, {}), {
      status: 'valid',
      trusted: undefined,
      signer: 'CN=someone else',
      issues: ['warning CERT_SELF_SIGNED at vm.cert: the signer certificate "CN=someone else" is self-signed; vCenter shows such packages as untrusted'],
    });
  });

  it('refuses a signer whose certificate has expired, under verify and require alike', () => {
    const expired = cert(signManifest(manifest.bytes, 'vm.mf', pki.expiredKey, pki.expiredCert));
    for (const policy of ['verify', 'require'] as const) {
      assert.deepEqual(check({ manifest, certificate: expired }, { policy, trustStore: [pki.caCert] }), {
        status: 'invalid',
        trusted: true,
        signer: 'CN=ovfkit expired signer',
        issues: ['error CERT_EXPIRED at vm.cert: the signer certificate expired on 2020-02-01T00:00:00.000Z'],
      }, policy);
    }
  });

  it('accepts an unsigned package under verify, refuses it under require, and reads nothing under ignore', () => {
    assert.deepEqual(check({ manifest }, { policy: 'verify' }), { status: 'absent', trusted: undefined, signer: undefined, issues: [] });
    assert.deepEqual(check({ manifest }, { policy: 'require' }), {
      status: 'absent',
      trusted: undefined,
      signer: undefined,
      issues: ['error CERT_ABSENT at vm.mf: the package is not signed (it has no .cert), and the signature policy "require" asks for a valid signature'],
    });
    assert.deepEqual(check({ manifest, certificate: cert('garbage') }, { policy: 'ignore' }), { status: 'unchecked', trusted: undefined, signer: undefined, issues: [] });
  });

  it('refuses a .cert without the manifest it signs, and a .cert that cannot be read', () => {
    const signed = cert(signManifest(manifest.bytes, 'vm.mf', pki.leafKey, pki.leafCert));
    assert.deepEqual(check({ certificate: signed }, {}), {
      status: 'invalid',
      trusted: undefined,
      signer: undefined,
      issues: ['error CERT_WITHOUT_MANIFEST at vm.cert: vm.cert signs a manifest, but the package has none'],
    });
    assert.deepEqual(check({ manifest, certificate: cert('garbage') }, {}), {
      status: 'invalid',
      trusted: undefined,
      signer: undefined,
      issues: ['error CERT_MALFORMED at vm.cert: vm.cert does not start with a signature line "ALG(name.mf)= hex"'],
    });
  });

  it('reads the policy flag, naming the choices for a bad one', () => {
    assert.equal(parseSignaturePolicy(undefined), 'verify');
    assert.equal(parseSignaturePolicy('require'), 'require');
    assert.throws(() => parseSignaturePolicy('strict'), /^UsageError: --signature must be one of require, verify, ignore, not "strict"$/);
  });
});
