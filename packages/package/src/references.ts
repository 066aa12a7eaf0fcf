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
}

/** The References of core's parsed model, as the byte layer needs them. */
export function referencesFromEnvelope(envelope: Envelope): FileReference[] {
  return (envelope.references?.file ?? []).map((f) => {
    const ref: FileReference = { href: f.href, id: f.id };
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
