/**
 * OVF certificates (`.cert`): a signature line over the manifest's bytes in manifest syntax,
 * `SHA256(vm.mf)= <hex signature>`, followed by the signer's X.509 certificate in PEM (and
 * optionally its chain). Verified with node:crypto; signing uses a given private key.
 * @see DSP0243 §5.2, ovf-spec-notes §2.3
 */
import { createPrivateKey, createSign, createVerify, X509Certificate, type KeyObject } from 'node:crypto';
import { OvfkitError } from '@ovfkit/core';
import { issue, type PackageIssue } from './issues';
import { nodeHashName, type ManifestAlgorithm } from './manifest';

/** Who signed, as shown to the user. */
export interface CertificateSigner {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  serialNumber: string;
  fingerprint256: string;
}

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

/** Splits a `.cert` into its signature line and PEM certificates. */
export function parseCertificateFile(text: string): { algorithm: ManifestAlgorithm; manifestName: string; signature: Buffer; certificates: string[] } | undefined {
  const first = text.split('\n').find((l) => l.trim() !== '');
  const m = first ? SIG_LINE.exec(first.trim()) : null;
  if (!m) return undefined;
  const [, algorithm, manifestName = '', hex = ''] = m;
  if (hex.length % 2) return undefined;
  return { algorithm: algorithm as ManifestAlgorithm, manifestName, signature: Buffer.from(hex, 'hex'), certificates: text.match(PEM) ?? [] };
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
  const selfSigned = leaf.checkIssued(leaf) && safeVerify(leaf, leaf.publicKey);
  let trusted: boolean | undefined;
  if (options.trustStore) {
    trusted = chainTrusted(certs, options.trustStore.map((p) => new X509Certificate(p)));
    if (!trusted) {
      issues.push(issue('CERT_UNTRUSTED', 'error', name, `the signer "${signer.subject}" does not chain to a certificate in the trust store`, 'add the issuing CA to the trust store, or check who signed this package'));
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

/** Walks leaf → issuers (from the file's chain or the store) until a store certificate signs one. */
function chainTrusted(chain: X509Certificate[], store: X509Certificate[]): boolean {
  let current = chain[0];
  const pool = [...chain.slice(1), ...store];
  for (let depth = 0; current && depth < 10; depth++) {
    const c: X509Certificate = current;
    if (store.some((s) => s.fingerprint256 === c.fingerprint256)) return true;
    const anchor = store.find((s) => c.checkIssued(s) && safeVerify(c, s.publicKey));
    if (anchor) return true;
    current = pool.find((p) => p !== c && c.checkIssued(p) && safeVerify(c, p.publicKey));
  }
  return false;
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
