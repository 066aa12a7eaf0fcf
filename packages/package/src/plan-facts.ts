/**
 * What a package holds around its descriptor, as facts for core's plan (`PlanOptions.package`):
 * for each referenced file, its stored parts (the file, or its chunk files) present or not, and
 * their stored sizes, found without reading the files (a stat, a tar header, a one-byte ranged
 * GET). No rule lives here: core's `checkPackage` alone decides whether the package is complete.
 * @see DSP0243 §5.1, §7.1, §7.3
 */
import * as path from 'node:path';
import { createPlan, isOvfkitError, judgePackage, type PlanOptions, type PlanWithResults, type PackageFacts, type PackageFileFact, type PackageForm, type PackagePartFact } from '@ovfkit/core';
import { CHUNK_GAP_PROBE } from './files';
import { chunkIndex, chunkName, readReferences, type FileReference } from './references';
import { readSignatureFacts } from './signature';
import { safeHref, type DescriptorFile, type PackageSource } from './source';
import { TAR_LIMITS } from './tar';

const isLocal = (href: string): boolean => !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(href);

/** The plan's name for a source's kind. */
function formOf(source: PackageSource): PackageForm {
  if (source.kind === 'ova') return 'ova';
  if (source.kind === 'url-ova' || source.kind === 'url-ovf') return 'url';
  if (source.kind === 'library') return 'library';
  return 'folder';
}

/** Where the files are looked for: a lone `.ovf`'s folder, an `.ovf` URL's folder, else the source. */
function locationOf(source: PackageSource): string {
  if (source.kind === 'ovf') return path.dirname(source.location);
  if (source.kind === 'url-ovf') return source.location.replace(/[^/]*$/, '');
  return source.location;
}

/** Whether a part is there: `unknown` when the source cannot tell without reading it all. */
async function presence(source: PackageSource, name: string): Promise<boolean | 'unknown'> {
  try {
    return await source.has(name);
  } catch (e) {
    // A one-pass source (an .ova URL without Range) answers USAGE: it cannot look ahead.
    if (isOvfkitError(e) && e.code === 'USAGE') return 'unknown';
    throw e;
  }
}

/** One stored part: present, and its stored size when the source knows it. */
async function partFact(source: PackageSource, name: string): Promise<PackagePartFact> {
  const size = await source.size(name);
  if (size !== undefined) return { name, present: true, storedBytes: size };
  return { name, present: await presence(source, name) };
}

/**
 * The chunk files of a chunked reference to look for, in order: as many as ovf:size needs; else
 * every chunk the source lists, or finds by asking (up to {@link CHUNK_GAP_PROBE} past the last),
 * with the gaps between them included, so core names the missing one.
 */
async function chunkNames(source: PackageSource, ref: FileReference, chunkSize: number): Promise<string[]> {
  if (ref.size !== undefined) return Array.from({ length: Math.max(1, Math.ceil(ref.size / chunkSize)) }, (_, i) => chunkName(ref.href, i));
  const listed = await source.chunkNames(ref.href);
  let last = -1;
  if (listed) {
    for (const n of listed) last = Math.max(last, chunkIndex(n, ref.href) ?? -1);
  } else {
    for (let i = 0, misses = 0; i < TAR_LIMITS.members && misses <= CHUNK_GAP_PROBE; i++) {
      const has = await presence(source, chunkName(ref.href, i));
      if (has === 'unknown') return [chunkName(ref.href, 0)];
      if (has) {
        last = i;
        misses = 0;
      } else misses++;
    }
  }
  return Array.from({ length: Math.max(1, last + 1) }, (_, i) => chunkName(ref.href, i));
}

/** What the package holds for one reference. */
async function fileFact(source: PackageSource, ref: FileReference): Promise<PackageFileFact> {
  try {
    safeHref(ref.href);
  } catch (e) {
    if (isOvfkitError(e) && e.code === 'UNSAFE_PATH') return { href: ref.href, parts: [], refused: e.message };
    throw e;
  }
  const names = ref.chunkSize === undefined ? [ref.href] : await chunkNames(source, ref, ref.chunkSize);
  const parts: PackagePartFact[] = [];
  try {
    for (const name of names) parts.push(await partFact(source, name));
  } catch (e) {
    // A part that is there but may not be read (a symbolic link in a folder): refused, by name.
    if (isOvfkitError(e) && e.code === 'UNSAFE_PATH') return { href: ref.href, parts: [], refused: e.message };
    throw e;
  }
  return { href: ref.href, parts };
}

/** A referenced file as the facts need it: core's `PlanPackageFile` (the plan's `package.files`) or a {@link FileReference}. */
export type DeclaredFile = { href: string; declaredBytes?: number; chunkBytes?: number } | FileReference;

const asReference = (f: DeclaredFile): FileReference => {
  if ('id' in f) return f;
  const ref: FileReference = { href: f.href, id: f.href };
  if (f.declaredBytes !== undefined) ref.size = f.declaredBytes;
  if (f.chunkBytes !== undefined && f.chunkBytes > 0) ref.chunkSize = f.chunkBytes;
  return ref;
};

/**
 * Gathers the {@link PackageFacts} of an open source around its descriptor: every relative
 * referenced file with its stored parts and sizes; the disks are not read. The files are the
 * plan's `package.files` when given (no second parse), else the descriptor's References.
 * @example judgePackage(plan, await packageFacts(src, d, plan.package.files))
 */
export async function packageFacts(source: PackageSource, descriptor: DescriptorFile, declared?: readonly DeclaredFile[]): Promise<PackageFacts> {
  const facts: PackageFacts = { form: formOf(source), location: locationOf(source), descriptorName: descriptor.name, files: [] };
  let references: FileReference[] = [];
  if (declared) references = declared.map(asReference);
  else {
    try {
      references = readReferences(descriptor.bytes);
    } catch {
      // An unreadable descriptor is core's to report (ParseDescriptor), once.
    }
  }
  const seen = new Set<string>();
  for (const ref of references) {
    if (!isLocal(ref.href) || seen.has(ref.href)) continue;
    seen.add(ref.href);
    facts.files.push(await fileFact(source, ref));
  }
  return facts;
}

/** Options of {@link planPackage}: the plan's, and whether to plan the descriptor alone. */
export interface PlanPackageOptions extends Omit<PlanOptions, 'package'> {
  /**
   * Plan the descriptor alone, without looking for the files it references: only when the user
   * asks for it (`--descriptor-only`); the plan's package form then says `descriptor-only`.
   * @default false: every referenced file must be in the package at its ovf:size
   */
  descriptorOnly?: boolean;
  /**
   * Trusted CA certificates (PEM) the signer must chain to. The package's `.mf` and `.cert` are
   * read for the plan's signature and manifest verdicts unless facts are given, or
   * `signature.policy` is `ignore` and `manifestPolicy` is `skip`.
   */
  trustStore?: string[];
}

/** A package's plan, with the descriptor it was made from and the facts it judged. */
export interface PlannedPackage extends PlanWithResults {
  descriptor: DescriptorFile;
  /** Absent when the descriptor was planned alone. */
  facts?: PackageFacts;
}

/**
 * Plans an open package: reads its descriptor once, gathers the {@link packageFacts} (unless the
 * descriptor is planned alone), and calls core's `createPlan`, which alone gives the verdict.
 * @example const { plan } = await planPackage(await openSource('app.ova'), { hostProfile: 'esxi-8.0' })
 */
export async function planPackage(source: PackageSource, options: PlanPackageOptions = {}): Promise<PlannedPackage> {
  const { descriptorOnly, trustStore, ...planOptions } = options;
  const descriptor = await source.descriptor();
  // vCenter deploys a library item: no manifest policy applies (the import refuses one).
  if (source.kind === 'library') planOptions.manifestPolicy = 'skip';
  // The `.mf` and `.cert` are read unless neither the signature nor the manifest is judged.
  const judged = planOptions.signature?.policy !== 'ignore' || planOptions.manifestPolicy !== 'skip';
  if (judged && !planOptions.signature?.facts) {
    planOptions.signature = { ...planOptions.signature, facts: await readSignatureFacts(source, descriptor, trustStore ? { trustStore } : {}) };
  }
  // One parse: the plan lists the referenced files, the facts are gathered for those, and core judges them.
  const planned = createPlan(descriptor.bytes, { ...planOptions, package: 'descriptor-only' });
  if (descriptorOnly) return { ...planned, descriptor };
  const facts = await packageFacts(source, descriptor, planned.plan.package.files);
  judgePackage(planned.plan, facts);
  return { ...planned, descriptor, facts };
}
