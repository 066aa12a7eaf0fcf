import type { Readable } from 'node:stream';
import { openSource, parseManifest, type PackageSource as PackageBytes, type SourceOptions } from '@ovfkit/package';

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
  close(): Promise<void>;
}

/** Wraps an @ovfkit/package source. */
export function fromPackageSource(src: PackageBytes): PackageSource {
  return {
    name: src.location,
    sequentialOnly: src.sequentialOnly,
    descriptor: () => src.descriptor(),
    async manifest() {
      const mf = await src.manifest();
      if (!mf) return undefined;
      const parsed = parseManifest(mf.bytes, mf.name);
      return new Map(parsed.entries.map((e) => [e.name, { algorithm: e.algorithm, digest: e.digest.toLowerCase() }]));
    },
    order: () => src.members(),
    has: (href) => src.has(href),
    size: (href) => src.size(href),
    open: (href) => src.open(href),
    close: () => src.close(),
  };
}

/** Opens a directory, `.ovf`, `.ova` or http(s) URL for import. @see @ovfkit/package openSource */
export async function openPackage(pathOrUrl: string, options: SourceOptions = {}): Promise<PackageSource> {
  return fromPackageSource(await openSource(pathOrUrl, options));
}
