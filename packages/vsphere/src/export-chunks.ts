/**
 * Chunked export output (`ovf:chunkSize`): the size option, per-chunk digests computed on the
 * download path, and the attribute added to the descriptor vSphere wrote.
 * @see DSP0243 §7.3 (a file stored as `href.000000000`, `href.000000001`, … every chunk but the
 * last exactly `ovf:chunkSize` bytes; `ovf:size` stays the size of the whole file)
 */
import { createHash, type Hash } from 'node:crypto';
import { NS, OvfkitError, UsageError, escapeXmlAttribute, readXml, type XmlElement } from '@ovfkit/core';
import { chunkName } from '@ovfkit/package';

/** A 9-digit suffix names at most this many chunks (`.000000000` … `.999999999`). */
export const MAX_CHUNKS = 1_000_000_000;

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/**
 * Parses a chunk size as written on a command line: bytes (`1073741824`) or a binary multiple
 * (`512K`, `512M`, `4G`, `1T`; `KiB`/`MB`-style suffixes are read as the same binary units, as
 * ovftool's `--chunkSize` does). DSP0243 only asks for a positive xs:long: no multiple of 512 is
 * required, so none is imposed.
 * @example parseChunkSize('4G') === 4294967296
 */
export function parseChunkSize(text: string): number {
  const m = /^\s*(\d+)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(text);
  const n = m ? Number(m[1]) * UNITS[m[2]!.toUpperCase()]! : NaN;
  if (!m || !Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(`${JSON.stringify(text)} is not a chunk size: give a positive number of bytes, or one with K, M, G or T (binary: 512M = 536870912 bytes)`);
  }
  return n;
}

/** Refuses a chunk size that is not a positive whole number of bytes (the API's check). */
export function checkChunkSize(chunkSize: number): void {
  if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) throw new UsageError(`chunkSize must be a positive whole number of bytes, got ${chunkSize}`);
}

/** The index of the chunk that holds byte `offset`; refuses one a 9-digit suffix cannot name. */
export function chunkIndexOf(offset: number, chunkSize: number, href: string): number {
  const k = Math.floor(offset / chunkSize);
  if (k >= MAX_CHUNKS) throw new OvfkitError('INPUT_TOO_LARGE', `${href} needs more than ${MAX_CHUNKS} chunks of ${chunkSize} bytes (chunk names have a 9-digit suffix); choose a larger chunk size`);
  return k;
}

/** Sizes of the chunk files of a file of `size` bytes: at least one (an empty file has one empty chunk). */
export function chunkSizes(size: number, chunkSize: number): number[] {
  const n = Math.max(1, Math.ceil(size / chunkSize));
  return Array.from({ length: n }, (_, k) => (k < n - 1 ? chunkSize : size - (n - 1) * chunkSize));
}

/**
 * Digests of each chunk of a file as its pieces pass (the manifest lists every chunk file with its
 * own digest, as @ovfkit/package verifies), and optionally of the whole file (what vSphere's
 * HttpNfcLeaseGetManifest reports for the device). A piece that crosses a chunk end is split by
 * views, not copied.
 */
export class ChunkHasher {
  private hash: Hash;
  private inChunk = 0;
  private readonly whole: Hash | undefined;
  readonly digests: string[] = [];

  constructor(private readonly algorithm: string, private readonly chunkSize: number, wholeFile: boolean) {
    this.hash = createHash(algorithm);
    this.whole = wholeFile ? createHash(algorithm) : undefined;
  }

  update(piece: Buffer): void {
    this.whole?.update(piece);
    let off = 0;
    while (off < piece.length) {
      const n = Math.min(piece.length - off, this.chunkSize - this.inChunk);
      this.hash.update(n === piece.length ? piece : piece.subarray(off, off + n));
      this.inChunk += n;
      off += n;
      if (this.inChunk === this.chunkSize) {
        this.digests.push(this.hash.digest('hex'));
        this.hash = createHash(this.algorithm);
        this.inChunk = 0;
      }
    }
  }

  /** Closes the last chunk (an empty file still has one); returns the chunk digests and the whole file's. */
  finish(): { chunks: string[]; whole?: string } {
    if (this.inChunk > 0 || this.digests.length === 0) this.digests.push(this.hash.digest('hex'));
    return { chunks: this.digests, ...(this.whole ? { whole: this.whole.digest('hex') } : {}) };
  }
}

/**
 * Adds `ovf:chunkSize` to the References/File elements whose `ovf:href` is in `hrefs`, changing
 * nothing else of the descriptor vSphere wrote (CreateDescriptor has no chunk option). The File
 * elements are found by namespace with @ovfkit/core's XML reader; the attribute is inserted as
 * text at the end of each start tag, with the prefix the element's own `ovf:href` uses. The result
 * is read back and must carry the attribute on exactly those Files.
 */
export function withChunkSize(descriptor: string, hrefs: ReadonlySet<string>, chunkSize: number): string {
  const files = referencedFiles(descriptor);
  const missing = [...hrefs].filter((h) => !files.some((f) => f.href === h));
  if (missing.length) throw new OvfkitError('VIM_PROTOCOL', `the descriptor vSphere returned has no References/File for ${missing.join(', ')}`);
  const lines = descriptor.split('\n');
  // Line starts in characters, to turn the reader's 1-based line of each start tag into an index.
  const lineStart: number[] = [0];
  for (const l of lines) lineStart.push(lineStart[lineStart.length - 1]! + l.length + 1);
  const edits: Array<{ at: number; text: string }> = [];
  // Files in document order: several on one line are found one after the other.
  let cursor = 0;
  for (const f of files) {
    const at = startTagEnd(descriptor, Math.max(cursor, lineStart[f.line - 1] ?? cursor), f.qname);
    cursor = at + 1;
    if (!hrefs.has(f.href)) continue;
    if (f.chunkSize !== undefined) throw new OvfkitError('VIM_PROTOCOL', `the descriptor vSphere returned already has an ovf:chunkSize on ${f.href}`);
    const attribute = `${f.prefix}:chunkSize="${escapeXmlAttribute(String(chunkSize))}"`;
    edits.push({ at, text: /\s/.test(descriptor[at - 1] ?? '') ? `${attribute} ` : ` ${attribute}` });
  }
  let out = descriptor;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.at);
  // Read back: the same Files, and exactly the targeted ones chunked.
  const after = referencedFiles(out);
  const ok = after.length === files.length && after.every((f, i) => f.href === files[i]!.href && (hrefs.has(f.href) ? f.chunkSize === String(chunkSize) : f.chunkSize === undefined));
  if (!ok) throw new OvfkitError('INTERNAL', 'adding ovf:chunkSize to the descriptor did not give the expected References; nothing is kept');
  return out;
}

interface FileElement {
  href: string;
  chunkSize: string | undefined;
  /** Qualified element name as written and the prefix of its ovf:href. */
  qname: string;
  prefix: string;
  line: number;
}

/** The References/File elements of a descriptor, by namespace (OVF 1.x or 2.x). */
function referencedFiles(descriptor: string): FileElement[] {
  const { root, error } = readXml(descriptor);
  if (!root || error.length) throw new OvfkitError('VIM_PROTOCOL', `the descriptor vSphere returned is not well-formed XML: ${error.map((e) => e.localizedMessage).join('; ')}`);
  const ovf = root.uri === NS.ovf2 ? NS.ovf2 : NS.ovf1;
  if (root.local !== 'Envelope' || root.uri !== ovf) throw new OvfkitError('VIM_PROTOCOL', `the descriptor vSphere returned is not an OVF Envelope (root ${root.name})`);
  const refs = root.children.find((c) => c.uri === ovf && c.local === 'References');
  const out: FileElement[] = [];
  for (const f of refs?.children ?? []) {
    if (f.uri !== ovf || f.local !== 'File') continue;
    const href = attribute(f, ovf, 'href');
    if (!href) continue;
    const colon = href.name.indexOf(':');
    if (colon < 0) throw new OvfkitError('VIM_PROTOCOL', `the File element of ${href.value} has an unqualified href`);
    out.push({ href: href.value, chunkSize: attribute(f, ovf, 'chunkSize')?.value, qname: f.name, prefix: href.name.slice(0, colon), line: f.line });
  }
  return out;
}

function attribute(el: XmlElement, uri: string, local: string): { name: string; value: string } | undefined {
  return el.attributes.find((a) => a.uri === uri && a.local === local);
}

/**
 * Where an attribute goes in the start tag `<qname …>` that begins on the line starting at
 * `from`: before its closing `/>` or `>`. Attribute values are scanned as quoted strings, so a
 * `>` inside one is not taken for the end.
 */
function startTagEnd(text: string, from: number, qname: string): number {
  const open = `<${qname}`;
  let i = text.indexOf(open, from);
  while (i >= 0 && !/[\s/>]/.test(text[i + open.length] ?? '')) i = text.indexOf(open, i + 1);
  if (i < 0) throw new OvfkitError('INTERNAL', `cannot find the start tag of ${qname} in the descriptor`);
  let quote = '';
  for (let k = i + open.length; k < text.length; k++) {
    const c = text[k]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return text[k - 1] === '/' ? k - 1 : k;
  }
  throw new OvfkitError('INTERNAL', `the start tag of ${qname} does not end`);
}
