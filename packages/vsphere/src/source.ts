import type { Readable } from 'node:stream';
import { OvfkitError } from '@ovfkit/core';
import { openSource, parseManifest, type PackageEntry, type PackageSource as PackageBytes, type SourceOptions } from '@ovfkit/package';

/**
 * What the import engine needs of an OVF package, adapted from an @ovfkit/package source: the
 * descriptor, the manifest digests, and each file's bytes by href.
 */
export interface PackageSource {
  /** Shown in messages (path or URL without credentials). */
  readonly name: string;
  /** Files can only be read in archive order (an OVA over HTTP without Range): upload one at a time. */
  readonly sequentialOnly: boolean;
  descriptor(): Promise<{ name: string; text: string; bytes: Buffer }>;
  /** `href` → `{algorithm, digest}` from the package's `.mf`, when it has one. */
  manifest(): Promise<Map<string, { algorithm: string; digest: string }> | undefined>;
  /** Member names in the order reading them is cheapest (an OVA: archive order); undefined when unknown. */
  order(): Promise<string[] | undefined>;
  has(href: string): Promise<boolean>;
  /** Size in bytes, when known without reading. */
  size(href: string): Promise<number | undefined>;
  open(href: string): Promise<Readable>;
  /**
   * For a sequential-only source whose manifest was not in the archive's head: reads on to the end
   * of the archive after the last file and returns the manifest found there, if any.
   */
  trailingManifest?(): Promise<Map<string, { algorithm: string; digest: string }> | undefined>;
  close(): Promise<void>;
}

/**
 * Wraps an @ovfkit/package source. A sequential-only source (an OVA over HTTP without Range) is
 * read in one pass: `open()` advances a single walk over the archive to the member asked for, so
 * files must be asked for in archive order, each read to its end first (the import engine uploads
 * such sources one file at a time, in archive order).
 */
export function fromPackageSource(src: PackageBytes): PackageSource {
  let walk: AsyncIterator<PackageEntry> | undefined;
  const openInOrder = async (href: string): Promise<Readable> => {
    walk ??= src.entries()![Symbol.asyncIterator]();
    for (;;) {
      const next = await walk.next();
      if (next.done) throw new OvfkitError('IO', `${src.location}: ${href} is not in the archive after the files already read (an OVA read in one pass must list files in archive order)`);
      if (next.value.name === href) return next.value.stream;
      next.value.stream.resume(); // skip a member nobody asked for
    }
  };
  const toMap = (bytes: Buffer, name: string): Map<string, { algorithm: string; digest: string }> =>
    new Map(parseManifest(bytes, name).entries.map((e) => [e.name, { algorithm: e.algorithm, digest: e.digest.toLowerCase() }]));
  const trailingManifest = async (): Promise<Map<string, { algorithm: string; digest: string }> | undefined> => {
    walk ??= src.entries()![Symbol.asyncIterator]();
    let found: Map<string, { algorithm: string; digest: string }> | undefined;
    for (let next = await walk.next(); !next.done; next = await walk.next()) {
      const e = next.value;
      if (!e.name.toLowerCase().endsWith('.mf') || (e.size ?? 0) > 16 * 1024 * 1024) {
        e.stream.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const c of e.stream) chunks.push(c as Buffer);
      found = toMap(Buffer.concat(chunks), e.name);
    }
    return found;
  };
  return {
    ...(src.sequentialOnly && src.entries() !== undefined ? { trailingManifest } : {}),
    name: src.location,
    sequentialOnly: src.sequentialOnly,
    descriptor: () => src.descriptor(),
    async manifest() {
      const mf = await src.manifest();
      if (!mf) return undefined;
      return toMap(mf.bytes, mf.name);
    },
    order: () => src.members(),
    // A sequential-only source cannot answer without downloading; the one-pass walk reports a
    // missing file when it reaches the end of the archive instead.
    has: (href) => (src.sequentialOnly ? Promise.resolve(true) : src.has(href)),
    size: (href) => src.size(href),
    open: (href) => (src.sequentialOnly && src.entries() !== undefined ? openInOrder(href) : src.open(href)),
    close: () => src.close(),
  };
}

/** Opens a directory, `.ovf`, `.ova` or http(s) URL for import. @see @ovfkit/package openSource */
export async function openPackage(pathOrUrl: string, options: SourceOptions = {}): Promise<PackageSource> {
  return fromPackageSource(await openSource(pathOrUrl, options));
}
