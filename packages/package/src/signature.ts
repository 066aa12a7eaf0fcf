/**
 * Whether a package is signed, by whom, and whether that signature is to be believed, under the
 * `--signature` policy: the `.cert` signs the `.mf`'s bytes (the descriptor is covered through
 * its manifest line, which the plan checks once with the other manifest rules). Every place that
 * reads a package for a plan or an import asks this once, so every front end gets one verdict.
 * @see DSP0243 §5.2
 */
import { UsageError } from '@ovfkit/core';
import { verifyCertificate, type CertificateSigner } from './certificate';
import { issue, type PackageIssue } from './issues';
import type { PackageFile } from './source';

/**
 * What a missing or bad signature means. `verify` (the default): a signature that is present must
 * be valid, an absent one is fine; `require`: a valid signature must be present; `ignore`: the
 * `.cert` is not read.
 */
export type SignaturePolicy = 'require' | 'verify' | 'ignore';

/** The policies, for flag parsing and messages. */
export const SIGNATURE_POLICIES: readonly SignaturePolicy[] = ['require', 'verify', 'ignore'];

/** The signature of a package as a plan shows it. */
export interface PackageSignature {
  /** `unchecked` under the `ignore` policy; `invalid` when the `.cert` has an error (an absent one under `require` is `absent` with a CERT_ABSENT error). */
  status: 'valid' | 'invalid' | 'absent' | 'unchecked';
  /** The `.cert` file's name, when there is one. */
  certificate?: string;
  /** The signing certificate, when the `.cert` holds a readable one. */
  signer?: CertificateSigner;
  /** Whether the signer chains to the trust store; absent when no trust store was given. */
  trusted?: boolean;
  /** Errors make the package unusable under the policy; warnings (a self-signed signer) do not. */
  issues: PackageIssue[];
}

/** Options for {@link verifySignature}. */
export interface SignatureOptions {
  /** @default 'verify' */
  policy?: SignaturePolicy;
  /** Trusted CA certificates (PEM); without them the chain is not judged (a self-signed signer is a warning). */
  trustStore?: string[];
  now?: Date;
}

/** Reads a `--signature` value (undefined: the default, `verify`); throws a UsageError naming the choices. */
export function parseSignaturePolicy(value: string | undefined, flag = '--signature'): SignaturePolicy {
  if (value === undefined) return 'verify';
  if ((SIGNATURE_POLICIES as readonly string[]).includes(value)) return value as SignaturePolicy;
  throw new UsageError(`${flag} must be one of ${SIGNATURE_POLICIES.join(', ')}, not ${JSON.stringify(value.slice(0, 40))}`);
}

/**
 * Judges a package's signature from its `.mf` and `.cert`: the signature over the manifest's
 * bytes, the signer's validity and key usage, and its chain when a trust store is given
 * ({@link verifyCertificate}). Never throws for bad input.
 * @example
 * verifySignature({ manifest, certificate }, { policy: 'require', trustStore: [caPem] }).status // 'valid'
 */
export function verifySignature(files: { manifest?: PackageFile | undefined; certificate?: PackageFile | undefined }, options: SignatureOptions = {}): PackageSignature {
  const policy = options.policy ?? 'verify';
  if (policy === 'ignore') return { status: 'unchecked', issues: [] };
  const { manifest, certificate } = files;
  if (!certificate) {
    const issues = policy === 'require'
      ? [issue('CERT_ABSENT', 'error', manifest?.name ?? 'package', 'the package is not signed (it has no .cert), and the signature policy "require" asks for a valid signature', 'use the package as its publisher signed it, or accept unsigned packages with the policy "verify"')]
      : [];
    return { status: 'absent', issues };
  }
  if (!manifest) {
    return {
      status: 'invalid',
      certificate: certificate.name,
      issues: [issue('CERT_WITHOUT_MANIFEST', 'error', certificate.name, `${certificate.name} signs a manifest, but the package has none`, 'add the signed .mf to the package, or remove the .cert')],
    };
  }
  const v = verifyCertificate(certificate.bytes.toString('utf8'), manifest.bytes, {
    certificateName: certificate.name,
    manifestName: manifest.name,
    ...(options.trustStore ? { trustStore: options.trustStore } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const out: PackageSignature = { status: v.ok ? 'valid' : 'invalid', certificate: certificate.name, issues: v.issues };
  if (v.signer) out.signer = v.signer;
  if (v.trusted !== undefined) out.trusted = v.trusted;
  return out;
}
