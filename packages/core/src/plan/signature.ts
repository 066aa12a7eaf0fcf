/**
 * The signature verdict of a plan (DSP0243 §5.2: a `.cert` signs the `.mf`, which lists the
 * descriptor's digest). The package layer reads the `.mf` and `.cert` and does the cryptography;
 * it hands over what it found ({@link SignatureFacts}). Here those facts are judged once, under
 * the signature policy, into the plan's `signature` and its errors, so `ovfkit plan`, the import,
 * Pulumi, CDKTF and Terraform show and enforce one verdict, each fix worded for the front end.
 */
import type { OvfImportFailed, OvfIssue } from '../faults';
import { planWords, type PlanVocabulary, type PlanWords } from './verdict';

/**
 * What a missing or bad signature means. `verify` (the default): a signature that is present must
 * be valid, an unsigned package is fine; `require`: a valid signature must be present; `ignore`:
 * the signature is not judged (waived by name).
 */
export type SignaturePolicy = 'require' | 'verify' | 'ignore';

/** The policies, for input checks and messages. */
export const SIGNATURE_POLICIES: readonly SignaturePolicy[] = ['require', 'verify', 'ignore'];

/**
 * How an import uses the package manifest: `require` refuses a package without one,
 * `verify-if-present` checks the files it lists, `skip` ignores it (the import engine's policy).
 */
export type ManifestPolicy = 'require' | 'verify-if-present' | 'skip';

/** The manifest policies, for every front end's input check and messages. */
export const MANIFEST_POLICIES: readonly ManifestPolicy[] = ['require', 'verify-if-present', 'skip'];

/**
 * Stable codes of the manifest verdict ({@link manifestVerdict}): what the import's manifest
 * policy demands of the package, judged from the same facts as the signature. The digests of the
 * other files are checked while the import reads them (streaming), never at plan time.
 */
export type ManifestIssueCode = 'MANIFEST_ABSENT' | 'MANIFEST_DIGEST_MISMATCH' | 'MANIFEST_DESCRIPTOR_UNLISTED';

/** The signing certificate, as the package layer read it from the `.cert`. */
export interface SignerCertificate {
  subject: string;
  issuer: string;
  /** ISO 8601. */
  validFrom: string;
  /** ISO 8601. */
  validTo: string;
  serialNumber: string;
  fingerprint256: string;
}

/** Stable codes of the signature verdict. */
export type SignatureIssueCode =
  | 'CERT_MALFORMED' | 'CERT_MANIFEST_NAME' | 'CERT_SIGNATURE_INVALID' | 'CERT_EXPIRED' | 'CERT_NOT_YET_VALID'
  | 'CERT_UNTRUSTED' | 'CERT_KEY_USAGE' | 'CERT_SELF_SIGNED' | 'CERT_WITHOUT_MANIFEST'
  | 'CERT_DESCRIPTOR_MISMATCH' | 'CERT_DESCRIPTOR_UNSIGNED' | 'CERT_ABSENT';

/** One thing the package layer found wrong with a signature, and why (the message); the fix is worded here. */
export interface SignatureFinding {
  code: Exclude<SignatureIssueCode, 'CERT_ABSENT' | 'CERT_DESCRIPTOR_MISMATCH' | 'CERT_DESCRIPTOR_UNSIGNED'>;
  /** The file it is about (the `.cert`). */
  file: string;
  message: string;
  value?: string;
  allowed?: string;
}

/** What the package layer found in a package's `.mf` and `.cert`: the input of {@link signatureVerdict}. */
export interface SignatureFacts {
  /** `sha256:<hex>` of the descriptor bytes these facts are about; the plan refuses facts about other bytes. */
  descriptorDigest: string;
  /** The `.cert` file; absent when the package is not signed. */
  certificate?: string;
  /** The manifest file, when the package has one. */
  manifest?: string;
  /** How the manifest lists the descriptor: with its digest, with another digest, or not at all. Absent without a manifest. */
  descriptorInManifest?: 'match' | 'mismatch' | 'unlisted';
  /**
   * No manifest was found yet, but the source is read in one pass (an `.ova` URL without Range)
   * and a manifest stored after the disks is seen only while importing: the import checks it then.
   */
  manifestMayFollow?: boolean;
  /** The descriptor's file name, for messages. */
  descriptor: string;
  signer?: SignerCertificate;
  /** Whether the signer chains to the trust store; absent when no trust store was given. */
  trusted?: boolean;
  /** Everything wrong with the `.cert` (signature over the manifest, validity, key usage, chain); empty for a good one. */
  findings: SignatureFinding[];
}

/** The signature inputs of a plan. */
export interface PlanSignatureOptions {
  /** What the package layer found; absent when only a descriptor was given (its `.mf`/`.cert` were not read). */
  facts?: SignatureFacts;
  /** @default 'verify' */
  policy?: SignaturePolicy;
}

/** The signature as the plan shows it. */
export interface PlanSignature {
  policy: SignaturePolicy;
  /**
   * `valid`: signed, and the signature, the signer and the descriptor check out; `invalid`: signed,
   * and something does not (see the plan's errors); `absent`: not signed; `unchecked`: waived by
   * the policy `ignore`, or only the descriptor was read.
   */
  status: 'valid' | 'invalid' | 'absent' | 'unchecked';
  certificate?: string;
  signer?: SignerCertificate;
  /** Whether the signer chains to the trust store; absent when no trust store was given. */
  trusted?: boolean;
}

/** The fix of each code, in a front end's words (STYLE §4: the text lives in one place). */
function fixFor(code: SignatureIssueCode, w: PlanWords): string {
  const waive = `or, to import it anyway, set ${w.signature('ignore')}`;
  switch (code) {
    case 'CERT_ABSENT': return `use the package as its publisher signed it, or accept unsigned packages with ${w.signature('verify')}`;
    case 'CERT_UNTRUSTED': return `add the CA that issued the signer's certificate with ${w.trustedCertificates} if you trust it, check who signed this package, ${waive}`;
    case 'CERT_EXPIRED': case 'CERT_NOT_YET_VALID': return `get the package signed again with a certificate valid now (or check the clock), ${waive}`;
    case 'CERT_SIGNATURE_INVALID': return `the manifest was changed after signing or the wrong certificate is attached: get an intact copy from the publisher, ${waive}`;
    case 'CERT_DESCRIPTOR_MISMATCH': return `the descriptor was changed after signing: get an intact copy from the publisher, ${waive}`;
    case 'CERT_DESCRIPTOR_UNSIGNED': return `get a package whose signed manifest lists its descriptor, ${waive}`;
    case 'CERT_SELF_SIGNED': return `give the publisher's CA with ${w.trustedCertificates} to judge the signer`;
    case 'CERT_KEY_USAGE': return `get the package signed with a certificate issued for signing, ${waive}`;
    case 'CERT_WITHOUT_MANIFEST': return `add the signed .mf to the package or remove the .cert, ${waive}`;
    case 'CERT_MALFORMED': case 'CERT_MANIFEST_NAME': return `get the package signed again (ovfkit ova pack --sign writes a correct .cert), ${waive}`;
  }
}

function issue(code: SignatureIssueCode, path: string, message: string, w: PlanWords, extra: { value?: string | undefined; allowed?: string | undefined } = {}): OvfIssue<OvfImportFailed> {
  const i: OvfIssue<OvfImportFailed> = { fault: { _typeName: 'OvfImportFailed' }, localizedMessage: message, code, path, fix: fixFor(code, w) };
  if (extra.value !== undefined) i.value = extra.value;
  if (extra.allowed !== undefined) i.allowed = extra.allowed;
  return i;
}

/** The fix of each manifest code, in a front end's words. */
function manifestFixFor(code: ManifestIssueCode, w: PlanWords): string {
  const waive = `or, to import it without checking it against the manifest, set ${w.manifestPolicy('skip')}`;
  switch (code) {
    case 'MANIFEST_ABSENT': return `add a manifest to the package (ovfkit manifest create writes one), or accept a package without one with ${w.manifestPolicy('verify-if-present')}`;
    case 'MANIFEST_DIGEST_MISMATCH': return `the descriptor was changed after the manifest was written: get an intact copy of the package, or, if you changed the descriptor yourself, write the manifest again (ovfkit manifest create), ${waive}`;
    case 'MANIFEST_DESCRIPTOR_UNLISTED': return `write the manifest again with a line for every file (ovfkit manifest create), ${waive}`;
  }
}

function manifestIssue(code: ManifestIssueCode, path: string, message: string, w: PlanWords): OvfIssue<OvfImportFailed> {
  return { fault: { _typeName: 'OvfImportFailed' }, localizedMessage: message, code, path, fix: manifestFixFor(code, w) };
}

/**
 * Judges what the import's manifest policy demands of a package, from its facts (the same the
 * signature is judged from): `require` refuses a package without a manifest; unless `skip`, the
 * descriptor must be listed in the manifest with its own digest, as the import refuses it
 * otherwise. A signed manifest's line for the descriptor is the signature verdict's
 * (CERT_DESCRIPTOR_MISMATCH / CERT_DESCRIPTOR_UNSIGNED) unless the signature is ignored: one
 * fact, said once. Under `skip` the import does not read the manifest, and nothing is said.
 * Throws only for facts about other bytes (a caller's mistake).
 * @example
 * manifestVerdict({ facts, policy: 'verify-if-present' }, plan.descriptorDigest, 'cli')[0]?.code // 'MANIFEST_DIGEST_MISMATCH'
 */
export function manifestVerdict(options: { facts?: SignatureFacts | undefined; policy?: ManifestPolicy | undefined; signaturePolicy?: SignaturePolicy | undefined }, descriptorDigest: string, vocabulary: PlanVocabulary = 'api'): OvfIssue[] {
  const policy = options.policy ?? 'verify-if-present';
  if (policy === 'skip') return [];
  const w = planWords(vocabulary);
  const facts = options.facts;
  if (!facts) {
    // Only a descriptor was given: nothing to judge, which `require` cannot accept.
    return policy === 'require' ? [manifestIssue('MANIFEST_ABSENT', 'package', `only the descriptor was read, so its manifest cannot be checked, and ${w.manifestPolicy('require')} asks for one`, w)] : [];
  }
  if (facts.descriptorDigest !== descriptorDigest) {
    throw new TypeError(`the manifest facts are about the descriptor ${facts.descriptorDigest}, the plan is of ${descriptorDigest}`);
  }
  if (!facts.manifest) {
    if (policy === 'require' && !facts.manifestMayFollow) return [manifestIssue('MANIFEST_ABSENT', facts.descriptor, `the package has no manifest (.mf), and ${w.manifestPolicy('require')} asks for one`, w)];
    return [];
  }
  if (facts.certificate && (options.signaturePolicy ?? 'verify') !== 'ignore') return [];
  const mf = facts.manifest;
  if (facts.descriptorInManifest === 'mismatch') {
    return [manifestIssue('MANIFEST_DIGEST_MISMATCH', mf, `the descriptor ${facts.descriptor} does not match its digest in the manifest ${mf}`, w)];
  }
  if (facts.descriptorInManifest === 'unlisted') {
    return [manifestIssue('MANIFEST_DESCRIPTOR_UNLISTED', mf, `the manifest ${mf} does not list the descriptor ${facts.descriptor}, so the descriptor cannot be checked against it`, w)];
  }
  return [];
}

/** Findings that do not make a signature invalid. */
const WARNING_CODES: readonly SignatureIssueCode[] = ['CERT_SELF_SIGNED'];

/**
 * Judges a package's signature facts under a policy: the plan's `signature` and the errors and
 * warnings it adds. A signature that is present must be valid (unless `ignore`); `require` makes
 * an unsigned package an error. Throws only for facts about other bytes (a caller's mistake).
 * @example
 * signatureVerdict({ facts, policy: 'require' }, plan.descriptorDigest, 'cli').signature.status // 'valid'
 */
export function signatureVerdict(options: PlanSignatureOptions | undefined, descriptorDigest: string, vocabulary: PlanVocabulary = 'api'): { signature: PlanSignature; errors: OvfIssue[]; warnings: OvfIssue[] } {
  const policy = options?.policy ?? 'verify';
  const w = planWords(vocabulary);
  const facts = options?.facts;
  const errors: OvfIssue[] = [];
  const warnings: OvfIssue[] = [];
  if (policy === 'ignore') return { signature: { policy, status: 'unchecked' }, errors, warnings };
  if (!facts) {
    // Only a descriptor was given: nothing to judge, which `require` cannot accept.
    if (policy === 'require') errors.push(issue('CERT_ABSENT', 'package', `only the descriptor was read, so its signature cannot be checked, and ${w.signature('require')} asks for a valid one`, w));
    return { signature: { policy, status: 'unchecked' }, errors, warnings };
  }
  if (facts.descriptorDigest !== descriptorDigest) {
    throw new TypeError(`the signature facts are about the descriptor ${facts.descriptorDigest}, the plan is of ${descriptorDigest}`);
  }
  if (!facts.certificate) {
    if (policy === 'require') errors.push(issue('CERT_ABSENT', facts.manifest ?? facts.descriptor, `the package is not signed (it has no .cert), and ${w.signature('require')} asks for a valid signature`, w));
    return { signature: { policy, status: 'absent' }, errors, warnings };
  }
  for (const f of facts.findings) {
    (WARNING_CODES.includes(f.code) ? warnings : errors).push(issue(f.code, f.file, f.message, w, { value: f.value, allowed: f.allowed }));
  }
  // The .cert signs the manifest; the descriptor is signed through its line in it.
  const mf = facts.manifest ?? '.mf';
  if (facts.descriptorInManifest === 'mismatch') {
    errors.push(issue('CERT_DESCRIPTOR_MISMATCH', mf, `the descriptor ${facts.descriptor} is not the one signed: its digest differs from its line in the signed manifest ${mf}`, w));
  } else if (facts.descriptorInManifest === 'unlisted') {
    errors.push(issue('CERT_DESCRIPTOR_UNSIGNED', mf, `the signed manifest ${mf} does not list the descriptor ${facts.descriptor}, so the signature does not cover it`, w));
  }
  const signature: PlanSignature = { policy, status: errors.length ? 'invalid' : 'valid', certificate: facts.certificate };
  if (facts.signer) signature.signer = facts.signer;
  if (facts.trusted !== undefined) signature.trusted = facts.trusted;
  return { signature, errors, warnings };
}
