/**
 * The part of a descriptor this package needs: `References/File`. Kept as a plain interface so
 * the byte layer does not depend on the full model; {@link readReferences} is a small
 * namespace-aware reader used until callers hand over core's parsed model.
 * @see DSP0243 §7.1 (References), ovf-spec-notes §4
 */
import { SaxesParser } from 'saxes';
import { OvfkitError } from '@ovfkit/core';

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

const ENVELOPE_NS = new Set(['http://schemas.dmtf.org/ovf/envelope/1', 'http://schemas.dmtf.org/ovf/envelope/2', 'http://www.vmware.com/schema/ovf/1/envelope']);

/**
 * Reads `Envelope/References/File` from descriptor text, matching by namespace URI, never by
 * prefix. No entity expansion: saxes does not resolve external entities and refuses undeclared ones.
 * Throws OvfkitError('INTEGRITY') with line and column when the XML is not well-formed.
 */
export function readReferences(descriptorText: string): FileReference[] {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const out: FileReference[] = [];
  const stack: string[] = [];
  let failure: Error | undefined;
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('opentag', (node) => {
    const inEnvelope = ENVELOPE_NS.has(node.uri ?? '');
    const local = inEnvelope ? node.local : `{${node.uri ?? ''}}${node.local}`;
    stack.push(local ?? '');
    if (stack.length === 3 && stack[0] === 'Envelope' && stack[1] === 'References' && local === 'File') {
      const attr = (name: string): string | undefined => {
        for (const a of Object.values(node.attributes)) {
          if (typeof a === 'string') continue;
          if (a.local === name && (a.uri === '' || ENVELOPE_NS.has(a.uri))) return a.value;
        }
        return undefined;
      };
      const ref: FileReference = { href: attr('href') ?? '', id: attr('id') ?? '' };
      const size = attr('size');
      if (size !== undefined && /^\d+$/.test(size.trim())) ref.size = Number(size.trim());
      const compression = attr('compression');
      if (compression !== undefined) ref.compression = compression;
      const chunk = attr('chunkSize');
      if (chunk !== undefined && /^\d+$/.test(chunk.trim()) && Number(chunk) > 0) ref.chunkSize = Number(chunk.trim());
      out.push(ref);
    }
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(descriptorText).close();
  } catch (e) {
    failure ??= e as Error;
  }
  if (failure) throw new OvfkitError('INTEGRITY', `descriptor is not well-formed XML: ${failure.message}`);
  return out;
}

/**
 * The stored member names of a reference: the href itself, or its chunk files when the
 * descriptor declares `ovf:chunkSize` (count known only from the listing, so names are matched
 * by the 9-digit suffix pattern).
 */
export function chunkName(href: string, index: number): string {
  return `${href}.${String(index).padStart(9, '0')}`;
}
