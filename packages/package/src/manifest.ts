/**
 * OVF manifests (`.mf`): one `ALG(file)= hexdigest` line per file of the package. Parsed
 * strictly (every deviation is an issue), verified while the bytes stream past, written in the
 * canonical form with SHA256 by default.
 * @see DSP0243 §5.1 (package), ovf-spec-notes §2.2
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { OvfkitError } from '@ovfkit/core';
import { issue, type PackageIssue } from './issues';

/** Digest algorithms a manifest line may name. */
export type ManifestAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

const HEX_LENGTH: Record<ManifestAlgorithm, number> = { SHA1: 40, SHA256: 64, SHA512: 128 };
const NODE_NAME: Record<ManifestAlgorithm, string> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };

/** Spellings seen in the wild for the same algorithms; accepted with a warning because vCenter refuses them. */
const ALIASES: Record<string, ManifestAlgorithm> = {
  'SHA-1': 'SHA1',
  'SHA-256': 'SHA256',
  'SHA2-256': 'SHA256',
  'SHA-512': 'SHA512',
  'SHA2-512': 'SHA512',
};

/** One line of a manifest. */
export interface ManifestEntry {
  algorithm: ManifestAlgorithm;
  /** The file name as written between the parentheses. */
  name: string;
  /** Lower-case hex. */
  digest: string;
  /** 1-based line number. */
  line: number;
}

/** A parsed manifest: its entries and every problem in its text. */
export interface Manifest {
  /** The manifest file's name (for issue paths). */
  name: string;
  entries: ManifestEntry[];
  issues: PackageIssue[];
}

const STRICT = /^(SHA1|SHA256|SHA512)\(([^()\r\n]+)\)= ([0-9a-fA-F]+)$/;
const LENIENT = /^\s*([A-Za-z0-9-]+)(\s*)\((.+)\)(\s*)=(\s*)([0-9a-fA-F]+)\s*$/;

/**
 * Parses a manifest. Never throws: malformed lines, unknown algorithms, wrong digest lengths and
 * duplicates are errors; forms vCenter 8 refuses (SHA1, `SHA2-256(`, a space before `(`) are
 * warnings so the user learns before the upload.
 * @example parseManifest(fs.readFileSync('vm.mf'), 'vm.mf').entries[0]?.digest
 */
export function parseManifest(bytes: Buffer | string, name = 'manifest.mf'): Manifest {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  const entries: ManifestEntry[] = [];
  const issues: PackageIssue[] = [];
  const seen = new Map<string, number>();
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let crlf = false;
  lines.forEach((rawLine, i) => {
    const n = i + 1;
    const at = `${name}:${n}`;
    let line = rawLine;
    if (line.endsWith('\r')) {
      crlf = true;
      line = line.slice(0, -1);
    }
    if (line.trim() === '') return;
    const strict = STRICT.exec(line);
    let algoText: string;
    let file: string;
    let hex: string;
    if (strict) {
      [, algoText = '', file = '', hex = ''] = strict;
    } else {
      const m = LENIENT.exec(line);
      if (!m) {
        issues.push(
          issue('MF_MALFORMED_LINE', 'error', at, `line ${n} of ${name} is not a manifest line`, 'write each line as ALG(file)= hexdigest, e.g. SHA256(vm.ovf)= 3a7b…', {
            value: line.slice(0, 200),
            allowed: 'SHA1|SHA256|SHA512(name)= hex',
          }),
        );
        return;
      }
      const [, a = '', spaceBefore = '', f = '', s1 = '', s2 = '', h = ''] = m;
      algoText = a;
      file = f;
      hex = h;
      if (spaceBefore !== '') {
        issues.push(
          issue('MF_SPACE_BEFORE_PAREN', 'warning', at, `line ${n} of ${name} has a space between the algorithm and "(", which vCenter 8 refuses`, 'regenerate the manifest with "ovfkit manifest create"', {
            value: line.slice(0, 200),
            allowed: `${a}(${f})= hex`,
          }),
        );
      } else if (s1 !== '' || s2 !== ' ') {
        issues.push(
          issue('MF_SPACING', 'warning', at, `line ${n} of ${name} does not have exactly one space after "=", which some ESXi and vCenter versions refuse`, 'regenerate the manifest with "ovfkit manifest create"', {
            value: line.slice(0, 200),
            allowed: `${a}(${f})= hex`,
          }),
        );
      }
    }
    let algorithm: ManifestAlgorithm;
    const upper = algoText.toUpperCase();
    if (upper === 'SHA1' || upper === 'SHA256' || upper === 'SHA512') {
      algorithm = upper;
      if (algoText !== upper) {
        issues.push(issue('MF_ALGORITHM_SPELLING', 'warning', at, `line ${n} of ${name} spells the algorithm "${algoText}"`, `write ${upper}`, { value: algoText, allowed: upper }));
      }
    } else if (ALIASES[upper] !== undefined) {
      algorithm = ALIASES[upper];
      issues.push(
        issue('MF_ALGORITHM_SPELLING', 'warning', at, `line ${n} of ${name} names the algorithm "${algoText}", which vCenter 8 refuses`, `write ${algorithm}( instead of ${algoText}(`, {
          value: algoText,
          allowed: 'SHA1, SHA256, SHA512',
        }),
      );
    } else {
      issues.push(
        issue('MF_UNKNOWN_ALGORITHM', 'error', at, `line ${n} of ${name} uses the unknown digest algorithm "${algoText}"`, 'use SHA256 (or SHA512)', {
          value: algoText,
          allowed: 'SHA1, SHA256, SHA512',
        }),
      );
      return;
    }
    if (hex.length !== HEX_LENGTH[algorithm]) {
      issues.push(
        issue('MF_DIGEST_LENGTH', 'error', at, `line ${n} of ${name}: a ${algorithm} digest has ${HEX_LENGTH[algorithm]} hex digits, this one has ${hex.length}`, 'recompute the digest', {
          value: hex,
          allowed: `${HEX_LENGTH[algorithm]} hex digits`,
        }),
      );
      return;
    }
    const prev = seen.get(file);
    if (prev !== undefined) {
      issues.push(issue('MF_DUPLICATE_ENTRY', 'error', at, `${file} is listed twice in ${name} (lines ${prev} and ${n})`, 'keep one line per file', { value: file }));
      return;
    }
    seen.set(file, n);
    if (algorithm === 'SHA1') {
      issues.push(
        issue('MF_SHA1', 'warning', at, `${file} is checked with SHA1, which vCenter 8 refuses by default`, 'regenerate the manifest with SHA256 ("ovfkit manifest create")', {
          value: 'SHA1',
          allowed: 'SHA256, SHA512',
        }),
      );
    }
    entries.push({ algorithm, name: file, digest: hex.toLowerCase(), line: n });
  });
  if (crlf) {
    issues.push(issue('MF_LINE_ENDING', 'warning', name, `${name} uses CR LF line endings`, 'end each line with LF only', { value: 'CRLF', allowed: 'LF' }));
  }
  if (new Set(entries.map((e) => e.algorithm)).size > 1) {
    issues.push(issue('MF_MIXED_ALGORITHMS', 'warning', name, `${name} mixes digest algorithms`, 'use one algorithm (SHA256) for every line'));
  }
  if (entries.length === 0 && !issues.some((i) => i.severity === 'error')) {
    issues.push(issue('MF_EMPTY', 'error', name, `${name} lists no files`, 'list the descriptor and every referenced file'));
  }
  return { name, entries, issues };
}

/**
 * Parses a manifest a reader is about to rely on, refusing it whole when {@link parseManifest}
 * finds any error (a malformed line, an unknown algorithm, a wrong digest length, a file listed
 * twice): the one rule by which import, pack, unpack and the plan decide a manifest is usable,
 * so none of them can take the first of two digests for a file. Throws OvfkitError('INTEGRITY')
 * naming each error line.
 * @example const mf = usableManifest(file.bytes, file.name); mf.entries.find((e) => e.name === 'vm.ovf')
 */
export function usableManifest(bytes: Buffer | string, name = 'manifest.mf'): Manifest {
  const manifest = parseManifest(bytes, name);
  const errors = manifest.issues.filter((i) => i.severity === 'error');
  if (errors.length) {
    const shown = errors.slice(0, 5).map((i) => `${i.code} at ${i.path}: ${i.message}`);
    if (errors.length > 5) shown.push(`and ${errors.length - 5} more`);
    throw new OvfkitError('INTEGRITY', `the manifest ${name} cannot be trusted (${errors.length} error${errors.length === 1 ? '' : 's'}): ${shown.join('; ')}`);
  }
  return manifest;
}

/** Node's name for a manifest algorithm. */
export function nodeHashName(algorithm: ManifestAlgorithm): string {
  return NODE_NAME[algorithm];
}

/** The canonical manifest line: `SHA256(name)= hex\n`. */
export function manifestLine(algorithm: ManifestAlgorithm, name: string, digestHex: string): string {
  if (/[()\r\n]/.test(name)) throw new OvfkitError('USAGE', `a manifest cannot name a file containing parentheses or line breaks: ${JSON.stringify(name)}`);
  return `${algorithm}(${name})= ${digestHex.toLowerCase()}\n`;
}

/**
 * A pass-through stream that digests what flows through it. Read `digest` after `finish`.
 * Used to hash on the fly while bytes go somewhere else (upload, tar writer): no second read.
 */
export class DigestStream extends Transform {
  private readonly hash: Hash;
  /** Lower-case hex, set when the stream has finished. */
  digest: string | undefined;
  /** Bytes seen. */
  bytes = 0;
  constructor(readonly algorithm: ManifestAlgorithm = 'SHA256') {
    super();
    this.hash = createHash(NODE_NAME[algorithm]);
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    this.digest = this.hash.digest('hex');
    cb();
  }
}

/** Digests a whole stream (for verification without any other consumer). */
export async function digestOf(stream: AsyncIterable<Buffer> | Iterable<Buffer>, algorithm: ManifestAlgorithm = 'SHA256'): Promise<{ digest: string; bytes: number }> {
  const hash = createHash(NODE_NAME[algorithm]);
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { digest: hash.digest('hex'), bytes };
}

/** One verified (or not) manifest entry. */
export interface ManifestCheck {
  name: string;
  algorithm: ManifestAlgorithm;
  expected: string;
  /** Absent when the file could not be read. */
  actual?: string;
  bytes?: number;
  ok: boolean;
}

/** The outcome of checking a manifest against a package. */
export interface ManifestVerification {
  manifest: string;
  checked: ManifestCheck[];
  /** Syntax issues of the manifest plus missing / extra / mismatched entries. */
  issues: PackageIssue[];
  /** True when no issue is an error. */
  ok: boolean;
}

/**
 * Collects digests as files stream past and turns them into a report. Feed it with
 * {@link ManifestVerifier.expecting} / {@link ManifestVerifier.record} in any order, then call
 * {@link ManifestVerifier.report} with the names the package really has and the names it must list.
 */
export class ManifestVerifier {
  private readonly byName = new Map<string, ManifestEntry>();
  private readonly actual = new Map<string, { digest: string; bytes: number }>();
  private readonly unreadable = new Map<string, string>();

  constructor(readonly manifest: Manifest) {
    for (const e of manifest.entries) this.byName.set(e.name, e);
  }

  /** The manifest line for a file, if it has one: tells the caller to hash it and with what. */
  expecting(name: string): ManifestEntry | undefined {
    return this.byName.get(name);
  }

  /** Records the digest computed for a file. */
  record(name: string, digest: string, bytes: number): void {
    this.actual.set(name, { digest: digest.toLowerCase(), bytes });
  }

  /** Records that a listed file could not be read (why, in words). */
  failed(name: string, reason: string): void {
    this.unreadable.set(name, reason);
  }

  /**
   * The report. `present`: every file name the package actually has (descriptor included).
   * `required`: names that must be listed (the descriptor and every referenced file).
   */
  report(present: Iterable<string>, required: Iterable<string>): ManifestVerification {
    const mf = this.manifest.name;
    const issues = [...this.manifest.issues];
    const presentSet = new Set(present);
    const requiredSet = new Set(required);
    const checked: ManifestCheck[] = [];
    for (const e of this.manifest.entries) {
      const at = `${mf}:${e.line}`;
      const got = this.actual.get(e.name);
      const check: ManifestCheck = { name: e.name, algorithm: e.algorithm, expected: e.digest, ok: false };
      if (got) {
        check.actual = got.digest;
        check.bytes = got.bytes;
        check.ok = got.digest === e.digest;
        if (!check.ok) {
          issues.push(
            issue('MF_DIGEST_MISMATCH', 'error', at, `${e.name}: ${e.algorithm} digest does not match ${mf}`, 'the file was changed or damaged in transit: fetch the package again, or regenerate the manifest if the change is intended', {
              value: got.digest,
              allowed: e.digest,
            }),
          );
        }
      } else if (!presentSet.has(e.name)) {
        const why = this.unreadable.get(e.name);
        issues.push(
          issue('MF_FILE_NOT_FOUND', 'error', at, `${mf} lists ${e.name}, which is not in the package${why ? ` (${why})` : ''}`, 'add the file to the package or remove its line from the manifest', {
            value: e.name,
          }),
        );
      } else {
        const why = this.unreadable.get(e.name) ?? 'not read';
        issues.push(issue('MF_FILE_NOT_FOUND', 'error', at, `${e.name} could not be read to check its digest: ${why}`, 'check that the file is readable', { value: e.name }));
      }
      if (!requiredSet.has(e.name) && presentSet.has(e.name)) {
        issues.push(issue('MF_UNREFERENCED_ENTRY', 'warning', at, `${mf} lists ${e.name}, which the descriptor does not reference`, 'remove the line, or reference the file in References', { value: e.name }));
      }
      checked.push(check);
    }
    for (const name of requiredSet) {
      if (!this.byName.has(name)) {
        issues.push(issue('MF_MISSING_ENTRY', 'error', mf, `${name} is part of the package but has no line in ${mf}`, `add "SHA256(${name})= <digest>" or regenerate the manifest with "ovfkit manifest create"`, { value: name }));
      }
    }
    return { manifest: mf, checked, issues, ok: !issues.some((i) => i.severity === 'error') };
  }
}

/**
 * Writes a manifest from computed digests, in the given order, in the canonical form.
 * @default algorithm SHA256
 */
export function formatManifest(files: { name: string; digest: string }[], algorithm: ManifestAlgorithm = 'SHA256'): string {
  return files.map((f) => manifestLine(algorithm, f.name, f.digest)).join('');
}
