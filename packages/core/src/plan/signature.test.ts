import * as assert from 'node:assert/strict';
import { createPlan, descriptorDigest } from './index';
import type { SignatureFacts, SignaturePolicy } from './signature';
import type { PlanVocabulary } from './verdict';

const OVF = `<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References/>
  <VirtualSystem ovf:id="vm"><Info>vm</Info></VirtualSystem>
</Envelope>`;
const digest = descriptorDigest(OVF);
const signer = { subject: 'CN=publisher', issuer: 'CN=CA', validFrom: '2026-01-01T00:00:00.000Z', validTo: '2027-01-01T00:00:00.000Z', serialNumber: '01', fingerprint256: 'AB' };
const signed: SignatureFacts = { descriptorDigest: digest, descriptor: 'vm.ovf', manifest: 'vm.mf', descriptorInManifest: 'match', certificate: 'vm.cert', signer, trusted: true, findings: [] };
const unsigned: SignatureFacts = { descriptorDigest: digest, descriptor: 'vm.ovf', manifest: 'vm.mf', descriptorInManifest: 'match', findings: [] };

/** The plan's signature verdict and every package issue, as one comparable value. */
function verdict(facts: SignatureFacts | undefined, policy?: SignaturePolicy, vocabulary?: PlanVocabulary) {
  const { plan } = createPlan(OVF, { signature: { ...(facts ? { facts } : {}), ...(policy ? { policy } : {}) }, ...(vocabulary ? { vocabulary } : {}) });
  const pkg = (list: typeof plan.errors) => list.filter((i) => i.source === 'signature').map((i) => `${i.code} at ${i.path}: ${i.localizedMessage} | fix: ${i.fix}`);
  return { signature: plan.signature, errors: pkg(plan.errors), warnings: pkg(plan.warnings) };
}

describe('the signature verdict of the plan', () => {
  it('shows a good signature with its signer and adds nothing', () => {
    assert.deepEqual(verdict(signed), { signature: { policy: 'verify', status: 'valid', certificate: 'vm.cert', signer, trusted: true }, errors: [], warnings: [] });
    assert.deepEqual(verdict(signed, 'require').signature.status, 'valid');
  });

  it('refuses a present but invalid signature under the default policy, with the fix in the front end\'s words', () => {
    const expired: SignatureFacts = { ...signed, findings: [{ code: 'CERT_EXPIRED', file: 'vm.cert', message: 'the signer certificate expired on 2020-02-01', value: 'now', allowed: 'then' }] };
    const fix = 'get the package signed again with a certificate valid now (or check the clock), or, to import it anyway, set';
    assert.deepEqual(verdict(expired, undefined, 'cli'), {
      signature: { policy: 'verify', status: 'invalid', certificate: 'vm.cert', signer, trusted: true },
      errors: [`CERT_EXPIRED at vm.cert: the signer certificate expired on 2020-02-01 | fix: ${fix} --signature ignore`],
      warnings: [],
    });
    assert.deepEqual(verdict(expired, undefined, 'pulumi').errors, [`CERT_EXPIRED at vm.cert: the signer certificate expired on 2020-02-01 | fix: ${fix} signature: "ignore"`]);
    assert.deepEqual(verdict(expired, undefined, 'terraform').errors, [`CERT_EXPIRED at vm.cert: the signer certificate expired on 2020-02-01 | fix: ${fix} signature = "ignore"`]);
    assert.deepEqual(verdict(expired).errors, [`CERT_EXPIRED at vm.cert: the signer certificate expired on 2020-02-01 | fix: ${fix} the signature policy "ignore"`]);
    // `ignore` waives it by name.
    assert.deepEqual(verdict(expired, 'ignore'), { signature: { policy: 'ignore', status: 'unchecked' }, errors: [], warnings: [] });
  });

  it('refuses a descriptor that is not the one signed, and one the signed manifest does not list', () => {
    assert.deepEqual(verdict({ ...signed, descriptorInManifest: 'mismatch' }, undefined, 'cli').errors, [
      'CERT_DESCRIPTOR_MISMATCH at vm.mf: the descriptor vm.ovf is not the one signed: its digest differs from its line in the signed manifest vm.mf | fix: the descriptor was changed after signing: get an intact copy from the publisher, or, to import it anyway, set --signature ignore',
    ]);
    assert.deepEqual(verdict({ ...signed, descriptorInManifest: 'unlisted' }, undefined, 'cli').errors, [
      'CERT_DESCRIPTOR_UNSIGNED at vm.mf: the signed manifest vm.mf does not list the descriptor vm.ovf, so the signature does not cover it | fix: get a package whose signed manifest lists its descriptor, or, to import it anyway, set --signature ignore',
    ]);
  });

  it('keeps a self-signed signer a warning, and an untrusted chain an error', () => {
    const self: SignatureFacts = { ...signed, findings: [{ code: 'CERT_SELF_SIGNED', file: 'vm.cert', message: 'self-signed' }] };
    delete self.trusted;
    assert.deepEqual(verdict(self, undefined, 'cli'), {
      signature: { policy: 'verify', status: 'valid', certificate: 'vm.cert', signer },
      errors: [],
      warnings: ['CERT_SELF_SIGNED at vm.cert: self-signed | fix: give the publisher\'s CA with --trust <ca.pem> to judge the signer'],
    });
    const foreign: SignatureFacts = { ...signed, trusted: false, findings: [{ code: 'CERT_UNTRUSTED', file: 'vm.cert', message: 'no chain' }] };
    assert.deepEqual(verdict(foreign, 'verify', 'cdktf'), {
      signature: { policy: 'verify', status: 'invalid', certificate: 'vm.cert', signer, trusted: false },
      errors: ['CERT_UNTRUSTED at vm.cert: no chain | fix: add the CA that issued the signer\'s certificate with trustedCertificates: ["<CA PEM>"] if you trust it, check who signed this package, or, to import it anyway, set signature: "ignore"'],
      warnings: [],
    });
  });

  it('accepts an unsigned package unless the policy requires a signature', () => {
    assert.deepEqual(verdict(unsigned), { signature: { policy: 'verify', status: 'absent' }, errors: [], warnings: [] });
    assert.deepEqual(verdict(unsigned, 'require', 'cli'), {
      signature: { policy: 'require', status: 'absent' },
      errors: ['CERT_ABSENT at vm.mf: the package is not signed (it has no .cert), and --signature require asks for a valid signature | fix: use the package as its publisher signed it, or accept unsigned packages with --signature verify'],
      warnings: [],
    });
  });

  it('cannot judge a descriptor given alone: unchecked, and an error under require', () => {
    assert.deepEqual(verdict(undefined), { signature: { policy: 'verify', status: 'unchecked' }, errors: [], warnings: [] });
    assert.deepEqual(verdict(undefined, 'require', 'cli').errors, [
      'CERT_ABSENT at package: only the descriptor was read, so its signature cannot be checked, and --signature require asks for a valid one | fix: use the package as its publisher signed it, or accept unsigned packages with --signature verify',
    ]);
    assert.equal(createPlan(OVF).plan.signature.status, 'unchecked');
  });

  it('refuses facts about other bytes than the plan\'s', () => {
    assert.throws(() => createPlan(OVF.replace('vm', 'other'), { signature: { facts: signed } }), /the signature facts are about the descriptor sha256:/);
  });

  it('makes the plan not ok, its errors after the OvfManager ones', () => {
    const { plan } = createPlan(OVF, { signature: { facts: { ...signed, descriptorInManifest: 'mismatch' } } });
    assert.equal(plan.ok, false);
    assert.deepEqual(plan.errors.map((e) => `${e.source} ${e.code}`), ['parseDescriptor NO_VIRTUAL_HARDWARE', 'createImportSpec DESCRIPTOR_UNUSABLE', 'signature CERT_DESCRIPTOR_MISMATCH']);
  });
});
