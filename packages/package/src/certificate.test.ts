import * as assert from 'node:assert/strict';
import { makeCertificates, tempDir } from './fixtures.test.support';
import { signManifest, verifyCertificate } from './certificate';

describe('OVF certificates', function () {
  this.timeout(60_000);
  let t: { dir: string; cleanup: () => void };
  let pki: ReturnType<typeof makeCertificates>;
  const mf = Buffer.from(`SHA256(vm.ovf)= ${'a'.repeat(64)}\n`);
  before(() => {
    t = tempDir();
    pki = makeCertificates(t.dir);
  });
  after(() => t.cleanup());

  it('signs a manifest and verifies it, reporting the signer and its CA-issued chain as trusted', () => {
    const cert = signManifest(mf, 'vm.mf', pki.leafKey, pki.leafCert);
    assert.match(cert, /^SHA256\(vm\.mf\)= [0-9a-f]{512}\n-----BEGIN CERTIFICATE-----/);
    const v = verifyCertificate(cert, mf, { certificateName: 'vm.cert', manifestName: 'vm.mf', trustStore: [pki.caCert] });
    assert.deepEqual(v.issues, []);
    assert.equal(v.ok, true);
    assert.equal(v.trusted, true);
    assert.match(v.signer?.subject ?? '', /CN=ovfkit test signer/);
    assert.match(v.signer?.issuer ?? '', /CN=ovfkit test CA/);
  });

  it('refuses a manifest changed after signing', () => {
    const cert = signManifest(mf, 'vm.mf', pki.leafKey, pki.leafCert);
    const v = verifyCertificate(cert, Buffer.from(mf.toString().replace('aaaa', 'bbbb')), { trustStore: [pki.caCert] });
    assert.equal(v.ok, false);
    assert.deepEqual(v.issues.map((i) => i.code), ['CERT_SIGNATURE_INVALID']);
  });

  it('refuses a signer that does not chain to the trust store', () => {
    const cert = signManifest(mf, 'vm.mf', pki.otherKey, pki.otherCert);
    const v = verifyCertificate(cert, mf, { trustStore: [pki.caCert] });
    assert.equal(v.signatureValid, true);
    assert.deepEqual(v.issues.map((i) => i.code), ['CERT_UNTRUSTED']);
  });

  it('warns about a self-signed signer when no trust store is given', () => {
    const v = verifyCertificate(signManifest(mf, 'vm.mf', pki.otherKey, pki.otherCert), mf);
    assert.equal(v.ok, true);
    assert.deepEqual(v.issues.map((i) => `${i.severity}:${i.code}`), ['warning:CERT_SELF_SIGNED']);
  });

  it('reports an expired certificate and one not yet valid', () => {
    const cert = signManifest(mf, 'vm.mf', pki.leafKey, pki.leafCert);
    const later = verifyCertificate(cert, mf, { trustStore: [pki.caCert], now: new Date(Date.now() + 10 * 86400_000) });
    assert.deepEqual(later.issues.map((i) => i.code), ['CERT_EXPIRED']);
    const earlier = verifyCertificate(cert, mf, { trustStore: [pki.caCert], now: new Date(Date.now() - 10 * 86400_000) });
    assert.deepEqual(earlier.issues.map((i) => i.code), ['CERT_NOT_YET_VALID']);
  });

  it('reports a malformed certificate file and a signature over another manifest name', () => {
    assert.deepEqual(verifyCertificate('garbage', mf).issues.map((i) => i.code), ['CERT_MALFORMED']);
    const cert = signManifest(mf, 'other.mf', pki.leafKey, pki.leafCert);
    assert.deepEqual(verifyCertificate(cert, mf, { manifestName: 'vm.mf', trustStore: [pki.caCert] }).issues.map((i) => i.code), ['CERT_MANIFEST_NAME']);
  });

  it('refuses to sign with a key that does not belong to the certificate', () => {
    assert.throws(() => signManifest(mf, 'vm.mf', pki.otherKey, pki.leafCert), /does not belong/);
  });
});
