/**
 * What a package's `.cert` and `.mf` say about who signed it: the facts core's plan judges under
 * the signature policy (`signatureVerdict`). The cryptography is here: the signature over the
 * manifest's bytes, the signer's validity, key usage and chain ({@link verifyCertificate}), and
 * the descriptor's digest against its line in the signed manifest. Every place that reads a
 * package for a plan or an import asks {@link readSignatureFacts} once, so every front end gets
 * one verdict.
 * @see DSP0243 §5.2
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { descriptorDigest, signatureVerdict, UsageError, SIGNATURE_POLICIES, type PlanSignature, type SignatureFacts, type SignatureFinding, type SignaturePolicy } from '@ovfkit/core';
import { pemCertificates, verifyCertificate } from './certificate';
import { issue, type PackageIssue, type PackageIssueCode } from './issues';
import { nodeHashName, parseManifest } from './manifest';
import type { PackageFile, PackageSource } from './source';

export { SIGNATURE_POLICIES, type SignaturePolicy, type SignatureFacts } from '@ovfkit/core';

/** Options for {@link signatureFacts}. */
export interface SignatureFactsOptions {
  /** Trusted CA certificates (PEM); without them the chain is not judged (a self-signed signer is a warning). */
  trustStore?: string[];
  now?: Date;
}

/** Options for {@link verifySignature}. */
export interface SignatureOptions extends SignatureFactsOptions {
  /** @default 'verify' */
  policy?: SignaturePolicy;
}

/** The signature of a package as `manifest verify` shows it: core's verdict, with its issues as package issues. */
export interface PackageSignature extends PlanSignature {
  /** Errors make the package unusable under the policy; warnings (a self-signed signer) do not. */
  issues: PackageIssue[];
}

/**
 * The trusted CA certificates of a front end's input (each entry PEM text holding one or more
 * certificates), as the trust store; an entry holding none is a UsageError naming the input.
 * @example trustedCertificates([fs.readFileSync('ca.pem', 'utf8')], 'trustedCertificates') // ['-----BEGIN CERTIFICATE-----…']
 */
export function trustedCertificates(texts: readonly unknown[], input: string): string[] {
  const store: string[] = [];
  texts.forEach((text, i) => {
    const certs = typeof text === 'string' ? pemCertificates(text) : [];
    if (!certs.length) throw new UsageError(`${input}[${i}] holds no PEM certificate: give the text of the CA certificate(s), -----BEGIN CERTIFICATE----- …`);
    store.push(...certs);
  });
  return store;
}

/** Reads a `--signature` value (undefined: the default, `verify`); throws a UsageError naming the choices. */
export function parseSignaturePolicy(value: string | undefined, flag = '--signature'): SignaturePolicy {
  if (value === undefined) return 'verify';
  if ((SIGNATURE_POLICIES as readonly string[]).includes(value)) return value as SignaturePolicy;
  throw new UsageError(`${flag} must be one of ${SIGNATURE_POLICIES.join(', ')}, not ${JSON.stringify(value.slice(0, 40))}`);
}

/**
 * The facts of a package's signature from its descriptor, manifest and certificate. Never throws
 * for bad input: a malformed `.cert` is a finding. Without `descriptor`, its manifest line is not
 * judged (for `manifest verify`, which checks every line itself).
 * @example
 * const facts = signatureFacts({ descriptor, manifest, certificate }, { trustStore: [caPem] });
 * createPlan(descriptor.bytes, { signature: { facts, policy: 'require' } }).plan.signature.status // 'valid'
 */
export function signatureFacts(files: { descriptor?: (PackageFile & { digest?: string }) | undefined; manifest?: PackageFile | undefined; certificate?: PackageFile | undefined }, options: SignatureFactsOptions = {}): SignatureFacts {
  const { descriptor, manifest, certificate } = files;
  const facts: SignatureFacts = { descriptorDigest: descriptor ? (descriptor.digest ?? descriptorDigest(descriptor.bytes)) : '', descriptor: descriptor?.name ?? 'package', findings: [] };
  if (manifest) facts.manifest = manifest.name;
  if (manifest && descriptor) {
    // The descriptor's line by its name, else by its base name (as the import looks it up).
    const entries = parseManifest(manifest.bytes, manifest.name).entries;
    const exact = entries.filter((e) => e.name === descriptor.name);
    const lines = exact.length ? exact : entries.filter((e) => e.name === path.posix.basename(descriptor.name));
    facts.descriptorInManifest = !lines.length
      ? 'unlisted'
      : lines.every((e) => createHash(nodeHashName(e.algorithm)).update(descriptor.bytes).digest('hex') === e.digest.toLowerCase()) ? 'match' : 'mismatch';
  }
  if (!certificate) return facts;
  facts.certificate = certificate.name;
  if (!manifest) {
    facts.findings.push({ code: 'CERT_WITHOUT_MANIFEST', file: certificate.name, message: `${certificate.name} signs a manifest, but the package has none` });
    return facts;
  }
  const v = verifyCertificate(certificate.bytes.toString('utf8'), manifest.bytes, {
    certificateName: certificate.name,
    manifestName: manifest.name,
    ...(options.trustStore ? { trustStore: options.trustStore } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  if (v.signer) facts.signer = v.signer;
  if (v.trusted !== undefined) facts.trusted = v.trusted;
  for (const i of v.issues) {
    const f: SignatureFinding = { code: i.code as SignatureFinding['code'], file: i.path, message: i.message };
    if (i.value !== undefined) f.value = i.value;
    if (i.allowed !== undefined) f.allowed = i.allowed;
    facts.findings.push(f);
  }
  return facts;
}

/**
 * The facts of a source's `.mf` and `.cert`, for the plan of `descriptor` (the bytes already read
 * from it): what the signature and the manifest policy are judged from. Reads the `.mf` and
 * `.cert` (small files) and nothing else.
 * @example createPlan(d.bytes, { signature: { facts: await readSignatureFacts(source, d), policy } })
 */
export async function readSignatureFacts(source: PackageSource, descriptor: PackageFile, options: SignatureFactsOptions = {}): Promise<SignatureFacts> {
  const [manifest, certificate] = [await source.manifest(), await source.certificate()];
  const facts = signatureFacts({ descriptor, manifest, certificate }, options);
  // Read in one pass, a manifest stored after the disks is seen only while importing.
  if (!manifest && source.sequentialOnly && source.entries() !== undefined) facts.manifestMayFollow = true;
  return facts;
}

/**
 * Judges a package's `.cert` against its manifest under a policy, as `manifest verify` shows it:
 * core's verdict over {@link signatureFacts}. Never throws for bad input.
 * @example
 * verifySignature({ manifest, certificate }, { policy: 'require', trustStore: [caPem] }).status // 'valid'
 */
export function verifySignature(files: { manifest?: PackageFile | undefined; certificate?: PackageFile | undefined }, options: SignatureOptions = {}): PackageSignature {
  const facts = signatureFacts(files, options);
  const v = signatureVerdict({ facts, policy: options.policy ?? 'verify' }, facts.descriptorDigest);
  const asPackage = (severity: 'error' | 'warning') => (i: (typeof v.errors)[number]): PackageIssue =>
    issue(i.code as PackageIssueCode, severity, i.path ?? facts.descriptor, i.localizedMessage, i.fix ?? '', { value: i.value, allowed: i.allowed });
  return { ...v.signature, issues: [...v.errors.map(asPackage('error')), ...v.warnings.map(asPackage('warning'))] };
}
