/**
 * "The package is complete", derived once: what @ovfkit/package found around the descriptor
 * (each referenced file's stored parts, present or not, and their sizes) against what the
 * descriptor's References declare (ovf:href, ovf:size, ovf:chunkSize). The plan is "ready" only
 * when every referenced file is there with its declared size, or when the user asked to plan the
 * descriptor alone.
 * @see DSP0243 §5.1 (an OVF package holds its descriptor and the files it references), §7.1
 *   (ovf:size is the stored size, compressed, of the whole file), §7.3 (chunks)
 */
import type { OvfImportFailed, OvfIssue } from '../faults';
import type { File } from '../model';
import { q } from '../messages';

/** How the package around the descriptor was given. @see @ovfkit/package `openSource` */
export type PackageForm = 'folder' | 'ova' | 'url' | 'library';

/** Stable codes of the package issues of a plan. */
export type PackageIssueCode = 'PACKAGE_FILE_MISSING' | 'PACKAGE_CHUNK_MISSING' | 'PACKAGE_FILE_SIZE_MISMATCH' | 'PACKAGE_CHUNK_SIZE_MISMATCH' | 'PACKAGE_FILE_UNCHECKED';

/** One stored part of a referenced file: the file itself, or one of its chunk files. */
export interface PackagePartFact {
  /** Name relative to the descriptor: the href, or `href.000000003`. */
  name: string;
  /** `unknown` when the source cannot tell without reading the whole package (an .ova URL without Range). */
  present: boolean | 'unknown';
  /** Stored bytes, when present and the source knows them. */
  storedBytes?: number;
}

/** What the package holds for one `References/File`. */
export interface PackageFileFact {
  /** `ovf:href` as the descriptor writes it. */
  href: string;
  /**
   * The stored parts looked for, in order: `[href]`, or the chunk files (as many as ovf:size
   * needs, else every chunk found with the gaps between them marked absent).
   */
  parts: PackagePartFact[];
  /** Why the file cannot be read from this package at all (an href that escapes it), if so. */
  refused?: string;
}

/** What @ovfkit/package found around the descriptor: the input `createPlan` judges the package by. */
export interface PackageFacts {
  form: PackageForm;
  /** Where the package is (path, or URL without credentials), for messages. */
  location: string;
  /** The descriptor's file name in the package. */
  descriptorName: string;
  /** One entry per local (relative) `References/File` href. */
  files: PackageFileFact[];
}

/**
 * The package input of a plan: its facts, or `descriptor-only` when the user asked to plan the
 * descriptor alone (the referenced files are then not looked for, and the plan says so).
 */
export type PlanPackageInput = PackageFacts | 'descriptor-only';

/** What the plan shows of the package. */
export interface PlanPackage {
  /** `descriptor-only`: planned without the package, by the user's choice; no file was looked for. */
  form: PackageForm | 'descriptor-only';
  location?: string;
  /** Every local `References/File`: what the descriptor declares and, unless descriptor-only, what was found. */
  files: PlanPackageFile[];
}

/** One referenced file in the plan. */
export interface PlanPackageFile {
  href: string;
  /** Where the descriptor declares it: `/Envelope/References/File[n]`, and its line. */
  path: string;
  line: number;
  /** `ovf:size`. */
  declaredBytes?: number;
  /** `ovf:chunkSize`, when the file is stored in chunks. */
  chunkBytes?: number;
  /** `ovf:compression`, when not identity. */
  compression?: string;
  /** Whether every stored part is in the package (absent for descriptor-only). */
  present?: boolean | 'unknown';
  /** Stored bytes of all parts together, when all are present and their sizes known. */
  storedBytes?: number;
}

const isLocal = (href: string): boolean => !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(href);

const IMPORT_FAILED: OvfImportFailed = { _typeName: 'OvfImportFailed' };

function packageIssue(code: PackageIssueCode, f: PlanPackageFile, message: string, x: { path?: string; value?: string; allowed?: string; fix: string }): OvfIssue {
  const out: OvfIssue = { fault: IMPORT_FAILED, localizedMessage: message, code, path: x.path ?? f.path };
  if (x.value !== undefined) out.value = x.value;
  if (x.allowed !== undefined) out.allowed = x.allowed;
  out.fix = x.fix;
  out.line = f.line;
  return out;
}

/** `a, b, c and 4 more`. */
function names(list: readonly string[]): string {
  const shown = list.slice(0, 3).map(q).join(', ');
  return list.length > 3 ? `${shown} and ${list.length - 3} more` : shown;
}

/** The local (relative) `References/File` entries as the plan lists them, before anything is looked for. */
export function declaredPackageFiles(references: readonly File[]): PlanPackageFile[] {
  return references.filter((f) => isLocal(f.href)).map((f) => ({
    href: f.href, path: f.path, line: f.pos.line,
    ...(f.size !== undefined ? { declaredBytes: f.size } : {}),
    ...(f.chunkSize !== undefined ? { chunkBytes: f.chunkSize } : {}),
    ...(f.compression !== undefined && f.compression !== 'identity' && f.compression !== '' ? { compression: f.compression } : {}),
  }));
}

/**
 * Judges the package against the declared files: the plan's package issues (errors block the
 * import) and what the plan shows. The one place "the package is complete" is decided.
 * @example checkPackage(declaredPackageFiles(envelope.references?.file ?? []), facts).error // [] when every file is there at its ovf:size
 */
export function checkPackage(declared: readonly PlanPackageFile[], input: PlanPackageInput | undefined): { plan: PlanPackage; error: OvfIssue[]; warning: OvfIssue[] } {
  const error: OvfIssue[] = [];
  const warning: OvfIssue[] = [];
  const bare = (f: PlanPackageFile): PlanPackageFile => {
    const { present: _p, storedBytes: _s, ...row } = f;
    return row;
  };
  if (input === undefined || input === 'descriptor-only') return { plan: { form: 'descriptor-only', files: declared.map(bare) }, error, warning };

  const plan: PlanPackage = { form: input.form, location: input.location, files: [] };
  const where = input.form === 'folder' ? `the folder ${q(input.location)}` : input.form === 'ova' ? `the OVA ${q(input.location)}` : input.form === 'library' ? `the library item ${q(input.location)}` : q(input.location);
  const putIt = (name: string): string => (input.form === 'folder' ? `put ${name} beside ${input.descriptorName}` : input.form === 'library' ? `publish the package again with ${name} (ovfkit library publish)` : `add ${name} to the package`);
  for (const f of declared) {
    const row = bare(f);
    plan.files.push(row);
    const fact = input.files.find((x) => x.href === f.href);
    const parts = fact?.parts ?? [{ name: f.href, present: false }];
    if (fact?.refused !== undefined) {
      row.present = false;
      error.push(packageIssue('PACKAGE_FILE_MISSING', f, `File ${q(f.href)} cannot be read from ${where}: ${fact.refused}`, { value: f.href, fix: 'name the file relative to the descriptor, inside the package' }));
      continue;
    }
    const missing = parts.filter((p) => p.present === false).map((p) => p.name);
    const unknown = parts.some((p) => p.present === 'unknown');
    row.present = missing.length ? false : unknown ? 'unknown' : true;
    if (missing.length && f.chunkBytes === undefined) {
      error.push(packageIssue('PACKAGE_FILE_MISSING', f, `File ${q(f.href)} is referenced by the descriptor but is not in ${where}`, { value: f.href, fix: `${putIt(f.href)}, or correct ovf:href in the descriptor` }));
      continue;
    }
    if (missing.length) {
      error.push(packageIssue('PACKAGE_CHUNK_MISSING', f, `File ${q(f.href)} is stored in chunks of ${f.chunkBytes} bytes, and ${missing.length === 1 ? 'chunk' : `${missing.length} chunks`} ${names(missing)} ${missing.length === 1 ? 'is' : 'are'} not in ${where}`, {
        value: missing[0]!,
        fix: putIt(missing.length === 1 ? missing[0]! : `every chunk of ${f.href}`),
      }));
      continue;
    }
    if (unknown) {
      warning.push(packageIssue('PACKAGE_FILE_UNCHECKED', f, `File ${q(f.href)} could not be looked for in ${where} without reading the whole package; it is checked while it uploads`, { value: f.href, fix: 'serve the package from a server that supports Range requests, or plan a local copy' }));
      continue;
    }
    if (parts.some((p) => p.storedBytes === undefined)) continue;
    const stored = parts.reduce((n, p) => n + (p.storedBytes ?? 0), 0);
    row.storedBytes = stored;
    if (f.chunkBytes !== undefined) {
      const wrong = parts.slice(0, -1).find((p) => p.storedBytes !== f.chunkBytes);
      if (wrong) {
        error.push(packageIssue('PACKAGE_CHUNK_SIZE_MISMATCH', f, `Chunk ${q(wrong.name)} of ${q(f.href)} has ${wrong.storedBytes} bytes; every chunk but the last must have ovf:chunkSize ${f.chunkBytes}`, {
          path: `${f.path}/@ovf:chunkSize`,
          value: String(wrong.storedBytes),
          allowed: String(f.chunkBytes),
          fix: 'replace the damaged chunk, or split the file again at ovf:chunkSize',
        }));
        continue;
      }
    }
    if (f.declaredBytes !== undefined && stored !== f.declaredBytes) {
      error.push(packageIssue('PACKAGE_FILE_SIZE_MISMATCH', f, `File ${q(f.href)} has ${stored} bytes${f.chunkBytes !== undefined ? ` in ${parts.length} chunks` : ''} in ${where}, but its ovf:size is ${f.declaredBytes}${f.compression === 'gzip' ? ' (the stored, compressed size)' : ''}`, {
        path: `${f.path}/@ovf:size`,
        value: String(stored),
        allowed: String(f.declaredBytes),
        fix: `replace ${f.href} with the complete file, or, if the file is right, set ovf:size="${stored}" in the descriptor (and its manifest line)`,
      }));
    }
  }
  return { plan, error, warning };
}
