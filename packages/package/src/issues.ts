/**
 * Problems found in a package's bytes, reported as data: every issue has a stable code, where it
 * is, the value seen, what is allowed and how to fix it. Nothing here throws for bad input.
 */

/** Stable codes for package-level problems; callers may switch on them. */
export type PackageIssueCode =
  // manifest (.mf) syntax
  | 'MF_MALFORMED_LINE'
  | 'MF_UNKNOWN_ALGORITHM'
  | 'MF_DIGEST_LENGTH'
  | 'MF_DUPLICATE_ENTRY'
  | 'MF_SHA1'
  | 'MF_ALGORITHM_SPELLING'
  | 'MF_SPACE_BEFORE_PAREN'
  | 'MF_SPACING'
  | 'MF_LINE_ENDING'
  | 'MF_MIXED_ALGORITHMS'
  | 'MF_EMPTY'
  // manifest against the package
  | 'MF_MISSING_ENTRY'
  | 'MF_FILE_NOT_FOUND'
  | 'MF_UNREFERENCED_ENTRY'
  | 'MF_DIGEST_MISMATCH'
  | 'MF_UNSAFE_NAME'
  // certificate (.cert)
  | 'CERT_MALFORMED'
  | 'CERT_MANIFEST_NAME'
  | 'CERT_SIGNATURE_INVALID'
  | 'CERT_EXPIRED'
  | 'CERT_NOT_YET_VALID'
  | 'CERT_UNTRUSTED'
  | 'CERT_KEY_USAGE'
  | 'CERT_ABSENT'
  | 'CERT_WITHOUT_MANIFEST'
  | 'CERT_SELF_SIGNED'
  | 'CERT_DESCRIPTOR_MISMATCH'
  | 'CERT_DESCRIPTOR_UNSIGNED'
  // OVA layout and files
  | 'OVA_DESCRIPTOR_NOT_FIRST'
  | 'OVA_MANIFEST_POSITION'
  | 'OVA_FILE_ORDER'
  | 'OVA_MISSING_FILE'
  | 'OVA_EXTRA_FILE'
  | 'FILE_SIZE_MISMATCH'
  | 'FILE_CHUNK_MISSING'
  | 'FILE_UNREADABLE'
  | 'DESCRIPTOR_UNREADABLE'
  | 'MANIFEST_ABSENT';

export type IssueSeverity = 'error' | 'warning';

/** One problem, in the shape of every ovfkit validation result. */
export interface PackageIssue {
  code: PackageIssueCode;
  severity: IssueSeverity;
  /** Where: a file name, `name.mf:3` for a manifest line, or `References/File[@ovf:href=…]`. */
  path: string;
  /** The value seen, when there is one. */
  value?: string;
  /** What would be accepted. */
  allowed?: string;
  /** One sentence a user can act on. */
  fix: string;
  message: string;
}

/** Builds an issue; keeps optional fields absent rather than undefined (exactOptionalPropertyTypes). */
export function issue(
  code: PackageIssueCode,
  severity: IssueSeverity,
  path: string,
  message: string,
  fix: string,
  extra: { value?: string | undefined; allowed?: string | undefined } = {},
): PackageIssue {
  const out: PackageIssue = { code, severity, path, message, fix };
  if (extra.value !== undefined) out.value = extra.value;
  if (extra.allowed !== undefined) out.allowed = extra.allowed;
  return out;
}
