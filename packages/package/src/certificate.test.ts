import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { makeCertificates, makeChainCertificates, tempDir } from './fixtures.test.support';
import { certificateConstraints, signManifest, verifyCertificate } from './certificate';

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
    // The CA is as short-lived as the signer: it has expired (is not yet valid) as well.
    assert.deepEqual(later.issues.map((i) => i.code), ['CERT_EXPIRED', 'CERT_UNTRUSTED']);
    assert.match(later.issues[1]!.message, /: "CN=ovfkit test CA" expired on /);
    const earlier = verifyCertificate(cert, mf, { trustStore: [pki.caCert], now: new Date(Date.now() - 10 * 86400_000) });
    assert.deepEqual(earlier.issues.map((i) => i.code), ['CERT_NOT_YET_VALID', 'CERT_UNTRUSTED']);
    assert.match(earlier.issues[1]!.message, /: "CN=ovfkit test CA" is not valid before /);
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

describe('OVF certificate chains, validated as X.509 requires (RFC 5280 §6.1)', function () {
  this.timeout(120_000);
  let t: { dir: string; cleanup: () => void };
  let pki: Record<string, string>;
  const mf = Buffer.from(`SHA256(vm.ovf)= ${'c'.repeat(64)}\n`);
  const pem = (n: string): string => pki[n]!;
  /** Signs with `signer`'s key, attaching `signer` then `chain`, and verifies against `store`. */
  const check = (signer: string, chain: string[], store: string[], now?: Date): string[] => {
    const cert = signManifest(mf, 'vm.mf', pem(`${signer}Key`), [pem(signer), ...chain.map(pem)].join('\n'));
    return verifyCertificate(cert, mf, { trustStore: store.map(pem), ...(now ? { now } : {}) }).issues.map((i) => `${i.severity} ${i.code}: ${i.message}`);
  };
  before(() => {
    t = tempDir();
    pki = makeChainCertificates(t.dir);
  });
  after(() => t.cleanup());

  it('trusts a signer issued by an intermediate (in the file) issued by a root (in the store)', () => {
    assert.deepEqual(check('signer', ['intermediate'], ['root']), []);
    // The intermediate itself in the store is an anchor too.
    assert.deepEqual(check('signer', [], ['intermediate']), []);
  });

  it('refuses an end-entity certificate (CA:FALSE) used as an issuer, though its signature chains to the root', () => {
    assert.deepEqual(check('forgedByEndEntity', ['endEntity'], ['root']), [
      'error CERT_UNTRUSTED: the signer "CN=ovfkit chain signer" does not chain to a certificate in the trust store: "CN=ovfkit end entity" is not a CA (basicConstraints CA:TRUE is missing) and cannot issue certificates',
    ]);
  });

  it('refuses an issuer whose keyUsage lacks keyCertSign', () => {
    assert.deepEqual(check('underNoCertSign', ['noCertSign'], ['root']), [
      'error CERT_UNTRUSTED: the signer "CN=ovfkit chain signer" does not chain to a certificate in the trust store: "CN=ovfkit CA without keyCertSign" has keyUsage without keyCertSign and cannot issue certificates',
    ]);
  });

  it('refuses an expired intermediate while the signer itself is still valid', () => {
    const day3 = new Date(Date.now() + 3 * 86400_000);
    const issues = check('underShort', ['shortIntermediate'], ['root'], day3);
    assert.equal(issues.length, 1, issues.join('\n'));
    assert.match(issues[0]!, /^error CERT_UNTRUSTED: the signer "CN=ovfkit chain signer" does not chain to a certificate in the trust store: "CN=ovfkit short-lived intermediate" expired on \d{4}-\d\d-\d\dT/);
    assert.deepEqual(check('underShort', ['shortIntermediate'], ['root']), [], 'the same chain today is trusted');
  });

  it('refuses a chain longer than an issuer\'s pathLenConstraint allows, at the intermediate and at the root', () => {
    assert.deepEqual(check('underSubCa', ['subCa', 'intermediate'], ['root']), [
      'error CERT_UNTRUSTED: the signer "CN=ovfkit chain signer" does not chain to a certificate in the trust store: "CN=ovfkit intermediate" allows 0 intermediate CA(s) below it (pathLenConstraint), the chain has 1',
    ]);
    assert.deepEqual(check('underStrict', ['strictIntermediate'], ['strictRoot']), [
      'error CERT_UNTRUSTED: the signer "CN=ovfkit chain signer" does not chain to a certificate in the trust store: "CN=ovfkit root pathlen 0" allows 0 intermediate CA(s) below it (pathLenConstraint), the chain has 1',
    ]);
    assert.deepEqual(check('underSubCa', ['subCa'], ['intermediate']), [
      'error CERT_UNTRUSTED: the signer "CN=ovfkit chain signer" does not chain to a certificate in the trust store: "CN=ovfkit intermediate" allows 0 intermediate CA(s) below it (pathLenConstraint), the chain has 1',
    ], 'the constraints of a trust-store certificate apply too');
  });

  it('refuses a signer whose keyUsage does not allow signing', () => {
    assert.deepEqual(check('encipherOnly', ['intermediate'], ['root']), [
      'error CERT_KEY_USAGE: the signer certificate "CN=ovfkit key agreement only" may not sign (its keyUsage has neither digitalSignature nor nonRepudiation)',
    ]);
  });

  it('reads basicConstraints, pathLenConstraint and keyUsage from the DER', () => {
    const c = (n: string) => certificateConstraints(new X509Certificate(pem(n)));
    assert.deepEqual(c('root'), { ca: true, keyUsage: { digitalSignature: false, nonRepudiation: false, keyCertSign: true } });
    assert.deepEqual(c('intermediate'), { ca: true, pathLength: 0, keyUsage: { digitalSignature: false, nonRepudiation: false, keyCertSign: true } });
    assert.deepEqual(c('signer'), { ca: false, keyUsage: { digitalSignature: true, nonRepudiation: false, keyCertSign: false } });
  });
});
