/**
 * The part of a descriptor this package needs: `References/File`. Kept as a plain interface so
 * the byte layer does not depend on the full model; {@link referencesFromEnvelope} adapts core's
 * parsed model and {@link readReferences} reads it from descriptor bytes.
 * @see DSP0243 §7.1 (References), ovf-spec-notes §4
 */
import { OvfkitError, readEnvelope, type Envelope } from '@ovfkit/core';

/** One `References/File` as the descriptor declares it. @see DSP0243 §7.1 */
export interface FileReference {
  /** `ovf:href`: relative to the descriptor (or an absolute URL, which a package source refuses). */
  href: string;
  /** `ovf:id`. */
  id: string;
  /** `ovf:size` in bytes: the stored size (compressed, and of the whole file before chunking). */
  size?: number;
  /** `ovf:compression`: `gzip`, or absent/`identity`. */
  compression?: string;
  /** `ovf:chunkSize` in bytes: the file is stored as `href.000000000`, `href.000000001`, … */
  chunkSize?: number;
  /**
   * Capacity in bytes of the disk this file backs (`DiskSection/Disk/@ovf:capacity` of the disk
   * whose `ovf:fileRef` is this file, as core resolves it), when known: bounds what the file may
   * inflate to (see {@link inflatedLimit}).
   */
  capacityBytes?: number;
}

/**
 * The most bytes a disk file of `capacityBytes` may inflate to: the capacity plus a 64th for a
 * streamOptimized VMDK's grain markers, sector padding and tables (at most one 512-byte sector per
 * 64 KiB grain, a 128th, with incompressible data) and 1 MiB for its headers. A gzip member past
 * it is refused while it streams, so a small archive cannot unpack into an unbounded upload.
 */
export function inflatedLimit(capacityBytes: number): number {
  return capacityBytes + Math.ceil(capacityBytes / 64) + (1 << 20);
}

/** The References of core's parsed model, as the byte layer needs them. */
export function referencesFromEnvelope(envelope: Envelope): FileReference[] {
  const capacity = new Map<string, number>();
  for (const d of envelope.diskSection?.disk ?? []) {
    if (d.fileRef !== undefined && d.capacityBytes !== undefined) capacity.set(d.fileRef, Math.max(capacity.get(d.fileRef) ?? 0, d.capacityBytes));
  }
  return (envelope.references?.file ?? []).map((f) => {
    const ref: FileReference = { href: f.href, id: f.id };
    const c = capacity.get(f.id);
    if (c !== undefined) ref.capacityBytes = c;
    if (f.size !== undefined) ref.size = f.size;
    if (f.compression !== undefined) ref.compression = f.compression;
    if (f.chunkSize !== undefined && f.chunkSize > 0) ref.chunkSize = f.chunkSize;
    return ref;
  });
}

/**
 * Reads `Envelope/References/File` from descriptor bytes with core's envelope reader (namespace
 * aware, no entity expansion). Throws OvfkitError('INTEGRITY') naming line and column when the
 * XML cannot be read at all; other descriptor problems are core's to report (parseDescriptor).
 */
export function readReferences(descriptor: string | Uint8Array): FileReference[] {
  const r = readEnvelope(descriptor);
  if (!r.envelope) {
    const first = r.error[0];
    const where = first?.line !== undefined ? ` (line ${first.line}${first.column !== undefined ? `, column ${first.column}` : ''})` : '';
    throw new OvfkitError('INTEGRITY', `descriptor cannot be read: ${first?.localizedMessage ?? 'no Envelope'}${where}`);
  }
  return referencesFromEnvelope(r.envelope);
}

/**
 * The stored member names of a reference: the href itself, or its chunk files when the
 * descriptor declares `ovf:chunkSize` (count known only from the listing, so names are matched
 * by the 9-digit suffix pattern).
 */
export function chunkName(href: string, index: number): string {
  return `${href}.${String(index).padStart(9, '0')}`;
}

/** The index of `member` as a chunk file of `href` (`href.000000003` → 3), or undefined when it is not one. */
export function chunkIndex(member: string, href: string): number | undefined {
  if (!member.startsWith(`${href}.`)) return undefined;
  const suffix = member.slice(href.length + 1);
  return /^\d{9}$/.test(suffix) ? Number(suffix) : undefined;
}

/**
 * The chunk files of `href` among `names`, in order, when they run without a gap from
 * `.000000000`: a missing chunk would end the file early and silently, so it is an INTEGRITY
 * error naming the chunk. An IO error when there is no chunk at all.
 * @see DSP0243 §7.3 (chunks are numbered from 000000000)
 */
export function chunkSequence(names: Iterable<string>, href: string): string[] {
  const indexes = [...new Set([...names].map((n) => chunkIndex(n, href)).filter((i): i is number => i !== undefined))].sort((a, b) => a - b);
  if (indexes.length === 0) throw new OvfkitError('IO', `${href} is chunked but ${chunkName(href, 0)} is not in the package`);
  const gap = indexes.findIndex((n, i) => n !== i);
  if (gap !== -1) {
    throw new OvfkitError('INTEGRITY', `chunk ${chunkName(href, gap)} of ${href} is missing (${chunkName(href, indexes[gap] ?? gap)} is present): the file would end early; add the chunk, or give ovf:size so the package is checked against it`);
  }
  return indexes.map((i) => chunkName(href, i));
}
