import * as assert from 'node:assert/strict';
import { createPlan, descriptorDigest } from './index';
import type { ManifestPolicy, SignatureFacts, SignaturePolicy } from './signature';
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

describe('the manifest verdict of the plan: what the import\'s manifest policy demands of the package', () => {
  /** Every error and warning of the plan (whole lists), as comparable lines. */
  function manifest(facts: SignatureFacts | undefined, manifestPolicy?: ManifestPolicy, options: { signature?: SignaturePolicy; vocabulary?: PlanVocabulary } = {}) {
    const { plan } = createPlan(OVF, {
      signature: { ...(facts ? { facts } : {}), ...(options.signature ? { policy: options.signature } : {}) },
      ...(manifestPolicy ? { manifestPolicy } : {}),
      ...(options.vocabulary ? { vocabulary: options.vocabulary } : {}),
    });
    // The descriptor here is a bare VirtualSystem (ParseDescriptor's errors about it are not the subject).
    const judged = (list: typeof plan.errors) => list.filter((i) => i.source === 'manifest' || i.source === 'signature').map((i) => `${i.source}: ${i.code} at ${i.path}: ${i.localizedMessage} | fix: ${i.fix}`);
    return { errors: judged(plan.errors), warnings: judged(plan.warnings) };
  }
  const mismatch: SignatureFacts = { ...unsigned, descriptorInManifest: 'mismatch' };
  const unlisted: SignatureFacts = { ...unsigned, descriptorInManifest: 'unlisted' };
  const none: SignatureFacts = { descriptorDigest: digest, descriptor: 'vm.ovf', findings: [] };
  const MISMATCH = 'manifest: MANIFEST_DIGEST_MISMATCH at vm.mf: the descriptor vm.ovf does not match its digest in the manifest vm.mf | fix: the descriptor was changed after the manifest was written: get an intact copy of the package, or, if you changed the descriptor yourself, write the manifest again (ovfkit manifest create), or, to import it without checking it against the manifest, set';

  it('refuses an unsigned descriptor its manifest lists with another digest, by default and under require, with the fix in each front end\'s words', () => {
    assert.deepEqual(manifest(mismatch, undefined, { vocabulary: 'cli' }), { errors: [`${MISMATCH} --manifest skip`], warnings: [] });
    assert.deepEqual(manifest(mismatch, 'require', { vocabulary: 'cli' }).errors, [`${MISMATCH} --manifest skip`]);
    assert.deepEqual(manifest(mismatch, 'verify-if-present', { vocabulary: 'pulumi' }).errors, [`${MISMATCH} manifestPolicy: "skip"`]);
    assert.deepEqual(manifest(mismatch, 'verify-if-present', { vocabulary: 'cdktf' }).errors, [`${MISMATCH} manifestPolicy: "skip"`]);
    assert.deepEqual(manifest(mismatch, 'verify-if-present', { vocabulary: 'terraform' }).errors, [`${MISMATCH} manifest_policy = "skip"`]);
    assert.deepEqual(manifest(mismatch).errors, [`${MISMATCH} the manifest policy "skip"`]);
  });

  it('says nothing under skip, as the import does not read the manifest then', () => {
    assert.deepEqual(manifest(mismatch, 'skip'), { errors: [], warnings: [] });
    assert.deepEqual(manifest(unlisted, 'skip'), { errors: [], warnings: [] });
    assert.deepEqual(manifest(none, 'skip'), { errors: [], warnings: [] });
  });

  it('refuses a manifest that does not list the descriptor', () => {
    assert.deepEqual(manifest(unlisted, undefined, { vocabulary: 'terraform' }), {
      errors: ['manifest: MANIFEST_DESCRIPTOR_UNLISTED at vm.mf: the manifest vm.mf does not list the descriptor vm.ovf, so the descriptor cannot be checked against it | fix: write the manifest again with a line for every file (ovfkit manifest create), or, to import it without checking it against the manifest, set manifest_policy = "skip"'],
      warnings: [],
    });
  });

  it('leaves a signed manifest\'s line to the signature verdict, said once, unless the signature is ignored', () => {
    const signedMismatch: SignatureFacts = { ...signed, descriptorInManifest: 'mismatch' };
    assert.deepEqual(manifest(signedMismatch, undefined, { vocabulary: 'cli' }).errors.map((e) => e.split(' at ')[0]), ['signature: CERT_DESCRIPTOR_MISMATCH']);
    assert.deepEqual(manifest(signedMismatch, undefined, { signature: 'ignore', vocabulary: 'cli' }).errors, [`${MISMATCH} --manifest skip`]);
    assert.deepEqual(manifest(signedMismatch, 'skip', { signature: 'ignore' }), { errors: [], warnings: [] });
  });

  it('refuses a package without a manifest only under require, and not when one may follow the disks of a one-pass archive', () => {
    assert.deepEqual(manifest(none), { errors: [], warnings: [] });
    assert.deepEqual(manifest(none, 'require', { vocabulary: 'cdktf' }), {
      errors: ['manifest: MANIFEST_ABSENT at vm.ovf: the package has no manifest (.mf), and manifestPolicy: "require" asks for one | fix: add a manifest to the package (ovfkit manifest create writes one), or accept a package without one with manifestPolicy: "verify-if-present"'],
      warnings: [],
    });
    assert.deepEqual(manifest({ ...none, manifestMayFollow: true }, 'require'), { errors: [], warnings: [] });
    assert.deepEqual(manifest(unsigned, 'require'), { errors: [], warnings: [] });
  });

  it('cannot judge a descriptor given alone: nothing, and an error under require', () => {
    assert.deepEqual(manifest(undefined), { errors: [], warnings: [] });
    assert.deepEqual(manifest(undefined, 'require', { vocabulary: 'cli' }).errors, [
      'manifest: MANIFEST_ABSENT at package: only the descriptor was read, so its manifest cannot be checked, and --manifest require asks for one | fix: add a manifest to the package (ovfkit manifest create writes one), or accept a package without one with --manifest verify-if-present',
    ]);
  });

  it('refuses facts about other bytes (a caller\'s mistake) under every policy but skip', () => {
    assert.throws(() => manifest({ ...none, descriptorDigest: descriptorDigest('other') }, 'require', { signature: 'ignore' }), /the manifest facts are about the descriptor sha256:/);
    assert.deepEqual(manifest({ ...none, descriptorDigest: descriptorDigest('other') }, 'skip', { signature: 'ignore' }), { errors: [], warnings: [] });
  });
});
