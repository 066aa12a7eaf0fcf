/**
 * OVF certificates (`.cert`): a signature line over the manifest's bytes in manifest syntax,
 * `SHA256(vm.mf)= <hex signature>`, followed by the signer's X.509 certificate in PEM (and
 * optionally its chain). Verified with node:crypto; signing uses a given private key.
 * @see DSP0243 §5.2, ovf-spec-notes §2.3
 */
import { createPrivateKey, createSign, createVerify, X509Certificate, type KeyObject } from 'node:crypto';
import { OvfkitError, type SignerCertificate } from '@ovfkit/core';
import { issue, type PackageIssue } from './issues';
import { nodeHashName, type ManifestAlgorithm } from './manifest';

/** Who signed, as shown to the user (core's SignerCertificate, which the plan carries). */
export type CertificateSigner = SignerCertificate;

/** The outcome of checking a `.cert` against its manifest. */
export interface CertificateVerification {
  certificate: string;
  /** True when the RSA/ECDSA signature over the manifest bytes is valid for the signer's key. */
  signatureValid: boolean;
  signer?: CertificateSigner;
  /** Whether a trust store was given and the chain reached one of its certificates. */
  trusted?: boolean;
  issues: PackageIssue[];
  ok: boolean;
}

const SIG_LINE = /^(SHA1|SHA256|SHA512)\(([^()\r\n]+)\)= ?([0-9a-fA-F]+)\s*$/;
const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The PEM certificates in a text (a trust-store file may hold several), in order. */
export function pemCertificates(text: string): string[] {
  return text.match(PEM) ?? [];
}

/** Splits a `.cert` into its signature line and PEM certificates. */
export function parseCertificateFile(text: string): { algorithm: ManifestAlgorithm; manifestName: string; signature: Buffer; certificates: string[] } | undefined {
  const first = text.split('\n').find((l) => l.trim() !== '');
  const m = first ? SIG_LINE.exec(first.trim()) : null;
  if (!m) return undefined;
  const [, algorithm, manifestName = '', hex = ''] = m;
  if (hex.length % 2) return undefined;
  return { algorithm: algorithm as ManifestAlgorithm, manifestName, signature: Buffer.from(hex, 'hex'), certificates: pemCertificates(text) };
}

/**
 * Verifies a `.cert` over the manifest bytes: signature, validity at `now`, and — when a trust
 * store (PEM certificates) is given — that the chain in the file ends at a trusted certificate.
 * Never throws for bad input; everything is an issue.
 */
export function verifyCertificate(
  certText: string,
  manifestBytes: Buffer,
  options: { certificateName?: string; manifestName?: string; trustStore?: string[]; now?: Date } = {},
): CertificateVerification {
  const name = options.certificateName ?? 'package.cert';
  const issues: PackageIssue[] = [];
  const done = (v: Omit<CertificateVerification, 'ok' | 'issues' | 'certificate'>): CertificateVerification => ({
    certificate: name,
    ...v,
    issues,
    ok: v.signatureValid && !issues.some((i) => i.severity === 'error'),
  });
  const parsed = parseCertificateFile(certText);
  if (!parsed) {
    issues.push(issue('CERT_MALFORMED', 'error', name, `${name} does not start with a signature line "ALG(name.mf)= hex"`, 'regenerate the certificate file with "ovfkit ova pack --sign"'));
    return done({ signatureValid: false });
  }
  if (options.manifestName !== undefined && parsed.manifestName !== options.manifestName) {
    issues.push(
      issue('CERT_MANIFEST_NAME', 'error', name, `${name} signs ${parsed.manifestName}, but the package's manifest is ${options.manifestName}`, 'sign the package manifest', {
        value: parsed.manifestName,
        allowed: options.manifestName,
      }),
    );
  }
  const certs: X509Certificate[] = [];
  for (const pem of parsed.certificates) {
    try {
      certs.push(new X509Certificate(pem));
    } catch (e) {
      issues.push(issue('CERT_MALFORMED', 'error', name, `${name} contains a certificate that cannot be read: ${(e as Error).message}`, 'include the signer certificate in PEM form'));
    }
  }
  const leaf = certs[0];
  if (!leaf) {
    if (!issues.length) issues.push(issue('CERT_MALFORMED', 'error', name, `${name} has no PEM certificate after the signature line`, 'append the signer certificate in PEM form'));
    return done({ signatureValid: false });
  }
  const signer: CertificateSigner = {
    subject: leaf.subject.replace(/\n/g, ', '),
    issuer: leaf.issuer.replace(/\n/g, ', '),
    validFrom: new Date(leaf.validFrom).toISOString(),
    validTo: new Date(leaf.validTo).toISOString(),
    serialNumber: leaf.serialNumber,
    fingerprint256: leaf.fingerprint256,
  };
  let signatureValid = false;
  try {
    signatureValid = createVerify(nodeHashName(parsed.algorithm)).update(manifestBytes).verify(leaf.publicKey, parsed.signature);
  } catch {
    signatureValid = false;
  }
  if (!signatureValid) {
    issues.push(issue('CERT_SIGNATURE_INVALID', 'error', name, `the signature in ${name} does not match the manifest and the signer's key`, 'the manifest was changed after signing, or the wrong certificate was attached: sign again'));
  }
  const now = options.now ?? new Date();
  if (now < new Date(leaf.validFrom)) {
    issues.push(issue('CERT_NOT_YET_VALID', 'error', name, `the signer certificate is not valid before ${signer.validFrom}`, 'check the clock or use a certificate that is valid now', { value: now.toISOString(), allowed: `${signer.validFrom} – ${signer.validTo}` }));
  }
  if (now > new Date(leaf.validTo)) {
    issues.push(issue('CERT_EXPIRED', 'error', name, `the signer certificate expired on ${signer.validTo}`, 'sign the package again with a current certificate', { value: now.toISOString(), allowed: `${signer.validFrom} – ${signer.validTo}` }));
  }
  let usage: CertificateConstraints['keyUsage'];
  try {
    usage = certificateConstraints(leaf).keyUsage;
  } catch (e) {
    issues.push(issue('CERT_MALFORMED', 'error', name, `the extensions of the signer certificate cannot be read: ${(e as Error).message}`, 'include the signer certificate in PEM form'));
  }
  if (usage && !usage.digitalSignature && !usage.nonRepudiation) {
    issues.push(issue('CERT_KEY_USAGE', 'error', name, `the signer certificate "${signer.subject}" may not sign (its keyUsage has neither digitalSignature nor nonRepudiation)`, 'sign with a certificate issued for signing'));
  }
  const selfSigned = leaf.checkIssued(leaf) && safeVerify(leaf, leaf.publicKey);
  let trusted: boolean | undefined;
  if (options.trustStore) {
    const chain = chainTrusted(certs, options.trustStore.map((p) => new X509Certificate(p)), now);
    trusted = chain.trusted;
    if (!chain.trusted) {
      issues.push(issue('CERT_UNTRUSTED', 'error', name, `the signer "${signer.subject}" does not chain to a certificate in the trust store: ${chain.reason}`, 'add the issuing CA to the trust store, or check who signed this package'));
    }
  } else if (selfSigned) {
    issues.push(issue('CERT_SELF_SIGNED', 'warning', name, `the signer certificate "${signer.subject}" is self-signed; vCenter shows such packages as untrusted`, 'sign with a certificate issued by a CA, or pass a trust store'));
  }
  const out: Omit<CertificateVerification, 'ok' | 'issues' | 'certificate'> = { signatureValid, signer };
  if (trusted !== undefined) out.trusted = trusted;
  return done(out);
}

function safeVerify(cert: X509Certificate, key: KeyObject): boolean {
  try {
    return cert.verify(key);
  } catch {
    return false;
  }
}

/** What an X.509 certificate's extensions allow it (RFC 5280 §4.2.1.3, §4.2.1.9). */
export interface CertificateConstraints {
  /** basicConstraints cA; false when the extension is absent (a v1 certificate is no CA). */
  ca: boolean;
  /** basicConstraints pathLenConstraint: how many intermediate CAs may follow it. */
  pathLength?: number;
  /** keyUsage bits by name, when the extension is present (absent: any usage). */
  keyUsage?: { digitalSignature: boolean; nonRepudiation: boolean; keyCertSign: boolean };
}

const OID_BASIC_CONSTRAINTS = '551d13';
const OID_KEY_USAGE = '551d0f';

/** One DER TLV: its tag, where its content starts and ends. */
function derAt(b: Buffer, at: number, end = b.length): { tag: number; start: number; end: number } {
  if (at + 2 > end) throw new Error('truncated DER');
  const tag = b[at]!;
  let len = b[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > end) throw new Error('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i]!;
    start += n;
  }
  if (start + len > end) throw new Error('truncated DER');
  return { tag, start, end: start + len };
}

/** The children of a constructed DER value. */
function derChildren(b: Buffer, v: { start: number; end: number }): { tag: number; start: number; end: number }[] {
  const out = [];
  for (let at = v.start; at < v.end; ) {
    const c = derAt(b, at, v.end);
    out.push(c);
    at = c.end;
  }
  return out;
}

/**
 * Reads basicConstraints and keyUsage from a certificate's DER (node:crypto exposes neither the
 * keyUsage bits nor pathLenConstraint). Throws on DER it cannot walk.
 * @see RFC 5280 §4.1 (TBSCertificate), §4.2.1.3, §4.2.1.9
 */
export function certificateConstraints(cert: X509Certificate): CertificateConstraints {
  const der = cert.raw;
  const tbs = derChildren(der, derAt(der, 0))[0];
  if (!tbs) throw new Error('no TBSCertificate');
  const out: CertificateConstraints = { ca: false };
  const extensions = derChildren(der, tbs).find((c) => c.tag === 0xa3);
  if (!extensions) return out;
  for (const ext of derChildren(der, derChildren(der, extensions)[0] ?? { start: 0, end: 0 })) {
    const parts = derChildren(der, ext);
    const oid = parts[0] && der.subarray(parts[0].start, parts[0].end).toString('hex');
    const value = parts[parts.length - 1];
    if (!value || value.tag !== 0x04) continue;
    if (oid === OID_BASIC_CONSTRAINTS) {
      const seq = derChildren(der, derAt(der, value.start, value.end));
      for (const f of seq) {
        if (f.tag === 0x01) out.ca = der[f.start] !== 0;
        if (f.tag === 0x02) out.pathLength = der.subarray(f.start, f.end).reduce((n, x) => n * 256 + x, 0);
      }
    } else if (oid === OID_KEY_USAGE) {
      const bits = derAt(der, value.start, value.end);
      const first = bits.end > bits.start + 1 ? der[bits.start + 1]! : 0;
      out.keyUsage = { digitalSignature: (first & 0x80) !== 0, nonRepudiation: (first & 0x40) !== 0, keyCertSign: (first & 0x04) !== 0 };
    }
  }
  return out;
}

/** Why `issuer` may not have issued `subject` at position `below` intermediates above the leaf, or undefined. */
function issuerProblem(issuer: X509Certificate, below: number, now: Date): string | undefined {
  const name = `"${issuer.subject.replace(/\n/g, ', ')}"`;
  let c: CertificateConstraints;
  try {
    c = certificateConstraints(issuer);
  } catch (e) {
    return `the extensions of ${name} cannot be read (${(e as Error).message})`;
  }
  if (!c.ca) return `${name} is not a CA (basicConstraints CA:TRUE is missing) and cannot issue certificates`;
  if (c.keyUsage && !c.keyUsage.keyCertSign) return `${name} has keyUsage without keyCertSign and cannot issue certificates`;
  if (c.pathLength !== undefined && below > c.pathLength) return `${name} allows ${c.pathLength} intermediate CA(s) below it (pathLenConstraint), the chain has ${below}`;
  if (now < new Date(issuer.validFrom)) return `${name} is not valid before ${new Date(issuer.validFrom).toISOString()}`;
  if (now > new Date(issuer.validTo)) return `${name} expired on ${new Date(issuer.validTo).toISOString()}`;
  return undefined;
}

/**
 * Builds a path from the leaf through the file's chain to a trust-store certificate as RFC 5280
 * §6.1 requires: each link's signature, every issuer a CA (basicConstraints CA:TRUE, keyUsage
 * keyCertSign when present, pathLenConstraint respected) and valid at `now`. A store certificate
 * that is the leaf itself is trusted as it is. Every candidate path is tried; the answer says why
 * the last one failed.
 */
function chainTrusted(chain: X509Certificate[], store: X509Certificate[], now: Date): { trusted: true } | { trusted: false; reason: string } {
  const leaf = chain[0];
  if (!leaf) return { trusted: false, reason: 'no signer certificate' };
  if (store.some((s) => s.fingerprint256 === leaf.fingerprint256)) return { trusted: true };
  const pool = [...store, ...chain.slice(1)];
  let reason = 'no certificate in the file or the trust store issued it';
  const walk = (path: X509Certificate[]): boolean => {
    const current = path[path.length - 1]!;
    if (path.length > 10) return false;
    for (const candidate of pool) {
      if (path.some((p) => p.fingerprint256 === candidate.fingerprint256)) continue;
      // By name and signature, not checkIssued: OpenSSL's check also rejects an issuer without
      // keyCertSign, and the reason would be lost to "no certificate issued it".
      if (current.issuer !== candidate.subject || !safeVerify(current, candidate.publicKey)) continue;
      const problem = issuerProblem(candidate, path.length - 1, now);
      if (problem) {
        reason = problem;
        continue;
      }
      if (store.some((s) => s.fingerprint256 === candidate.fingerprint256)) return true;
      if (walk([...path, candidate])) return true;
    }
    return false;
  };
  return walk([leaf]) ? { trusted: true } : { trusted: false, reason };
}

/**
 * Signs manifest bytes and returns the `.cert` text: the signature line, then the certificate(s).
 * @default algorithm SHA256
 * @example signManifest(mfBytes, 'vm.mf', fs.readFileSync('key.pem','utf8'), fs.readFileSync('cert.pem','utf8'))
 */
export function signManifest(manifestBytes: Buffer, manifestName: string, privateKeyPem: string, certificatePem: string, algorithm: ManifestAlgorithm = 'SHA256'): string {
  const certs = certificatePem.match(PEM);
  if (!certs?.length) throw new OvfkitError('USAGE', 'the signing certificate is not a PEM certificate');
  let signature: string;
  try {
    signature = createSign(nodeHashName(algorithm)).update(manifestBytes).sign(privateKeyPem, 'hex');
  } catch (e) {
    throw new OvfkitError('USAGE', `cannot sign with the given private key: ${(e as Error).message}`);
  }
  const leaf = new X509Certificate(certs[0] ?? '');
  if (!leaf.checkPrivateKey(createPrivateKey(privateKeyPem))) {
    throw new OvfkitError('USAGE', 'the private key does not belong to the signing certificate');
  }
  return `${algorithm}(${manifestName})= ${signature}\n${certs.join('\n')}\n`;
}
