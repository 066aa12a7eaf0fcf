/**
 * The XML reader under the OVF parser: saxes (conforming, namespace-aware, line/column) building a
 * small immutable element tree keyed by namespace URI + local name. Hostile input is refused, not
 * expanded: no DOCTYPE (so no entities, no external fetch), bounded size and nesting depth.
 * Bytes are decoded here (UTF-8 with/without BOM, UTF-16 LE/BE with BOM, Latin-1), not by saxes.
 * Never throws: every problem is an {@link OvfIssue} in `error` / `warning`.
 *
 * Why saxes: see docs/xml-reader.md (namespace-correct, positions, fastest conforming reader measured).
 */
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import type { OvfIssue } from './faults';
import { issues } from './messages';
import { fastTree } from './xml-fast';

/** An attribute, by resolved namespace URI ("" when unqualified) and local name. */
export interface XmlAttribute {
  readonly uri: string;
  readonly local: string;
  /** The qualified name as written (`ovf:id`). */
  readonly name: string;
  readonly value: string;
}

/** One element of the tree. Namespace URIs are canonical (see {@link canonicalNamespace}). */
export interface XmlElement {
  readonly uri: string;
  readonly local: string;
  /** The qualified name as written (`rasd:InstanceID`). */
  readonly name: string;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  /** Concatenated character data directly inside this element (not trimmed). */
  readonly text: string;
  /** 1-based line of the start tag. */
  readonly line: number;
  /** 1-based column of the start tag (approximate for tags split over lines). */
  readonly column: number;
  /** Namespace declarations on this element, prefix ("" = default) → URI as written. */
  readonly nsDecls: ReadonlyMap<string, string> | undefined;
}

/** Limits for untrusted descriptors. */
export interface XmlReadLimits {
  /** Maximum descriptor size in characters. @default 64 MiB */
  maxChars?: number;
  /** Maximum element nesting depth. @default 128 */
  maxDepth?: number;
  /** Maximum number of elements (the largest corpus descriptor has ~3,300). @default 1,000,000 */
  maxElements?: number;
  /** Maximum number of attributes, namespace declarations included, in the whole document. @default 1,000,000 */
  maxAttributes?: number;
  /** Maximum number of attributes, namespace declarations included, on one element (the corpus has at most 21). @default 256 */
  maxAttributesPerElement?: number;
}

export const DEFAULT_MAX_CHARS = 64 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 128;
export const DEFAULT_MAX_ELEMENTS = 1_000_000;
export const DEFAULT_MAX_ATTRIBUTES = 1_000_000;
export const DEFAULT_MAX_ATTRIBUTES_PER_ELEMENT = 256;

/** The bounds the tree readers enforce while reading (the size is checked before). */
export interface XmlBounds {
  readonly maxDepth: number;
  readonly maxElements: number;
  readonly maxAttributes: number;
  readonly maxAttributesPerElement: number;
}

export interface XmlReadResult {
  root?: XmlElement;
  error: OvfIssue[];
  warning: OvfIssue[];
}

/** Well-known namespace URIs. @see ovf-spec-notes.md §1 */
export const NS = {
  ovf1: 'http://schemas.dmtf.org/ovf/envelope/1',
  ovf2: 'http://schemas.dmtf.org/ovf/envelope/2',
  ovf09: 'http://www.vmware.com/schema/ovf/1/envelope',
  ovf09dmtf: 'http://schemas.dmtf.org/ovf/envelope/0.9',
  rasd: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData',
  vssd: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData',
  sasd: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_StorageAllocationSettingData',
  epasd: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_EthernetPortAllocationSettingData',
  cim: 'http://schemas.dmtf.org/wbem/wscim/1/common',
  vmw: 'http://www.vmware.com/schema/ovf',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xml: 'http://www.w3.org/XML/1998/namespace',
  xmlns: 'http://www.w3.org/2000/xmlns/',
} as const;

const CIM_CLASS = /^https?:\/\/schemas\.dmtf\.org\/wbem\/wscim\/1\/cim.{0,20}\/2\/(CIM_[A-Za-z]+?)(\.xsd)?\/?$/;

/**
 * Maps a namespace URI as written to the one ovfkit matches on. Exact known URIs pass through;
 * a trailing slash is dropped silently (oVirt writes `envelope/1/`); CIM class URIs with a typo in
 * the schema segment (DSP0243 Example 3's `cim2608 schema`) or a `.xsd` suffix are mapped to the
 * canonical URI with `tolerated: true` so the caller can warn once.
 */
export function canonicalNamespace(uri: string): { uri: string; tolerated: boolean } {
  if (uri.length > 1 && uri.endsWith('/') && !uri.endsWith('//')) {
    const trimmed = uri.slice(0, -1);
    if (trimmed === NS.ovf1 || trimmed === NS.ovf2 || trimmed === NS.vmw) return { uri: trimmed, tolerated: false };
  }
  if (uri.includes('wbem/wscim/1/cim')) {
    const m = CIM_CLASS.exec(uri);
    if (m) {
      const canonical = `http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/${m[1]}`;
      return { uri: canonical, tolerated: canonical !== uri };
    }
  }
  return { uri, tolerated: false };
}

/**
 * The element tree as parallel arrays: element `i`'s fields are `uriId[i]`, `nameId[i]`,
 * `line[i]`… and its children are linked by `first`/`next` (-1 = none). Building one object, one
 * children array and one text string per element made garbage collection the largest cost of
 * reading big descriptors (every element survives until the model is built, so the young-generation
 * collector copied all of them twice): here an element is a few integers in typed arrays, names and
 * namespace URIs are interned, and a leaf's text is sliced from the source only when it is asked for.
 * `readEnvelope` reads this form directly; {@link readXml} turns it into {@link XmlElement} objects.
 */
export class XmlTree {
  /** Number of elements; element 0 is the root. */
  n = 0;
  /** Interned qualified names as written (`rasd:InstanceID`) and their local parts, by name id. */
  readonly names: string[] = [];
  readonly locals: string[] = [];
  /** Interned canonical namespace URIs by URI id. */
  readonly uris: string[] = [];
  nameId: Int32Array;
  uriId: Int32Array;
  line: Int32Array;
  column: Int32Array;
  first: Int32Array;
  next: Int32Array;
  /** Source range of a leaf's character data (start after the start tag, end at its end tag); end -1 = no text. */
  textStart: Int32Array;
  textEnd: Int32Array;
  /** Attributes of element i: indexes attrStart[i] … attrStart[i] + attrCount[i] - 1 of the attr* arrays. */
  attrStart: Int32Array;
  attrCount: Int32Array;
  readonly attrNameId: number[] = [];
  readonly attrUriId: number[] = [];
  readonly attrValue: string[] = [];
  /** Attributes whose namespace URI was mapped to its canonical form (rare; readXml shows them apart). */
  readonly attrRenamed = new Set<number>();
  /** Namespace declarations by element index (rare: only elements that declare any). */
  readonly nsDecls = new Map<number, Map<string, string>>();

  constructor(readonly src: string, capacity: number) {
    const v = XmlTree.views(capacity);
    this.nameId = v[0]!; this.uriId = v[1]!; this.line = v[2]!; this.column = v[3]!; this.first = v[4]!;
    this.next = v[5]!; this.textStart = v[6]!; this.textEnd = v[7]!; this.attrStart = v[8]!; this.attrCount = v[9]!;
  }

  /** The ten per-element arrays as views on one buffer (one allocation instead of ten). */
  private static views(capacity: number): Int32Array[] {
    const buf = new ArrayBuffer(capacity * 40);
    const v: Int32Array[] = [];
    for (let k = 0; k < 10; k++) v.push(new Int32Array(buf, k * capacity * 4, capacity));
    return v;
  }

  /** Makes room for more elements (doubling). */
  grow(): void {
    const v = XmlTree.views(this.nameId.length * 2 + 16);
    const old = [this.nameId, this.uriId, this.line, this.column, this.first, this.next, this.textStart, this.textEnd, this.attrStart, this.attrCount];
    for (let k = 0; k < 10; k++) v[k]!.set(old[k]!);
    this.nameId = v[0]!; this.uriId = v[1]!; this.line = v[2]!; this.column = v[3]!; this.first = v[4]!;
    this.next = v[5]!; this.textStart = v[6]!; this.textEnd = v[7]!; this.attrStart = v[8]!; this.attrCount = v[9]!;
  }

  private readonly uriIds = new Map<string, number>();
  /** The id of a canonical namespace URI, added if new (a Map: hostile input may declare thousands). */
  internUri(uri: string): number {
    let id = this.uriIds.get(uri);
    if (id === undefined) {
      id = this.uris.push(uri) - 1;
      this.uriIds.set(uri, id);
    }
    return id;
  }

  uri(i: number): string { return this.uris[this.uriId[i]!]!; }
  local(i: number): string { return this.locals[this.nameId[i]!]!; }
  name(i: number): string { return this.names[this.nameId[i]!]!; }

  /** The character data of a leaf element (not trimmed); "" for elements with children or none. */
  text(i: number): string {
    const end = this.textEnd[i]!;
    return end < 0 ? '' : leafText(this.src, this.textStart[i]!, end);
  }

  /** Whether element i has child elements. */
  hasChildren(i: number): boolean { return this.first[i]! >= 0; }

  /** First attribute of element i with this namespace URI and local name. */
  attr(i: number, uri: string, local: string): string | undefined {
    const end = this.attrStart[i]! + this.attrCount[i]!;
    for (let k = this.attrStart[i]!; k < end; k++) {
      if (this.locals[this.attrNameId[k]!] === local && this.uris[this.attrUriId[k]!] === uri) return this.attrValue[k];
    }
    return undefined;
  }
}

/** The bounds of `limits`, defaults filled in. */
export function xmlBounds(limits: XmlReadLimits = {}): XmlBounds {
  return {
    maxDepth: limits.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxElements: limits.maxElements ?? DEFAULT_MAX_ELEMENTS,
    maxAttributes: limits.maxAttributes ?? DEFAULT_MAX_ATTRIBUTES,
    maxAttributesPerElement: limits.maxAttributesPerElement ?? DEFAULT_MAX_ATTRIBUTES_PER_ELEMENT,
  };
}

/** The outcome of {@link readTree}: the tree (absent after a fatal problem) and the issues. */
export interface XmlTreeResult {
  tree?: XmlTree;
  error: OvfIssue[];
  warning: OvfIssue[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const EMPTY = Object.freeze([]) as unknown as any[];

/** Thrown internally to stop saxes at the first fatal problem; never escapes this module. */
class Stop {}

/**
 * Reads a descriptor (text, or bytes decoded here) into an element tree.
 * @example
 * const { root, error } = readXml(fs.readFileSync('vm.ovf'));
 */
export function readXml(input: string | Uint8Array, limits: XmlReadLimits = {}): XmlReadResult {
  const { tree, error, warning } = readTree(input, limits);
  if (!tree) return { error, warning };
  return { root: toElement(tree, 0), error, warning };
}

/** Element i of the compact tree as an {@link XmlElement} (recursion is bounded by maxDepth). */
function toElement(t: XmlTree, i: number): XmlElement {
  let attributes: XmlAttribute[] = EMPTY;
  const a0 = t.attrStart[i]!;
  for (let k = a0; k < a0 + t.attrCount[i]!; k++) {
    const name = t.names[t.attrNameId[k]!]!;
    const local = t.locals[t.attrNameId[k]!]!;
    const value = t.attrValue[k]!;
    const uri = t.uris[t.attrUriId[k]!]!;
    const colon = name.indexOf(':');
    // The same objects as saxes' own attributes (with `prefix`), or a plain one when the URI was mapped.
    (attributes === EMPTY ? (attributes = []) : attributes).push(t.attrRenamed.has(k)
      ? { uri, local, name, value }
      : { name, prefix: colon < 0 ? '' : name.slice(0, colon), local, value, uri } as XmlAttribute);
  }
  let children: XmlElement[] = EMPTY;
  for (let c = t.first[i]!; c >= 0; c = t.next[c]!) (children === EMPTY ? (children = []) : children).push(toElement(t, c));
  return {
    uri: t.uri(i), local: t.local(i), name: t.name(i), attributes, children, text: t.text(i),
    line: t.line[i]!, column: t.column[i]!, nsDecls: t.nsDecls.get(i),
  };
}

/**
 * Reads a descriptor into the compact {@link XmlTree} ({@link readXml} without the objects).
 * Same checks, limits and issues as readXml. `fast: false` skips the fast scanner (tests compare both).
 */
export function readTree(input: string | Uint8Array, limits: XmlReadLimits = {}, fast = true): XmlTreeResult {
  const error: OvfIssue[] = [];
  const warning: OvfIssue[] = [];
  const maxChars = limits.maxChars ?? DEFAULT_MAX_CHARS;
  const bounds = xmlBounds(limits);
  const { maxDepth, maxElements, maxAttributes, maxAttributesPerElement } = bounds;

  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    if (input.length > maxChars * 4) {
      error.push(issues.xmlTooLarge(input.length, maxChars));
      return { error, warning };
    }
    const decoded = decodeBytes(input);
    error.push(...decoded.error);
    warning.push(...decoded.warning);
    if (decoded.text === undefined) return { error, warning };
    text = decoded.text;
  }
  if (text.length > maxChars) {
    error.push(issues.xmlTooLarge(text.length, maxChars));
    return { error, warning };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  // Plain descriptors are read by the fast scanner; anything it is unsure of goes through saxes.
  const quick = fast ? fastTree(text, bounds, warning) : undefined;
  if (quick) return { tree: quick, error, warning };

  const parser = new SaxesParser({ xmlns: true, position: true });
  // About one element per 40 characters in real descriptors; the arrays double when short.
  const t = new XmlTree(text, Math.min(1 << 20, 64 + (text.length >> 5)));
  /** Open elements, innermost last, and the last child linked so far under each. */
  const stack: number[] = [];
  const lastChild: number[] = [];
  let depth = 0;
  let startLine = 1;
  let startColumn = 1;
  let selfClosing = false;
  const nsIds = new Map<string, number>();
  const nameIds = new Map<string, number>();
  const toleratedSeen = new Set<string>();

  // Consecutive elements mostly share a namespace: saxes hands out the same URI string each time,
  // so comparing with the last one is a pointer check.
  let lastRaw: string | undefined;
  let lastId = 0;
  const ns = (raw: string, line: number, column: number): number => {
    if (raw === lastRaw) return lastId;
    let id = nsIds.get(raw);
    if (id === undefined) {
      const r = canonicalNamespace(raw);
      id = t.internUri(r.uri);
      nsIds.set(raw, id);
      if (r.tolerated && !toleratedSeen.has(raw)) {
        toleratedSeen.add(raw);
        warning.push(issues.namespaceTolerated(raw, r.uri, line, column));
      }
    }
    lastRaw = raw;
    lastId = id;
    return id;
  };
  // saxes makes a new string for every name, so a Map lookup hashes it each time; a slot picked by
  // length and first/last character, checked by comparison, finds nearly every name without that.
  const slots = new Int32Array(1024).fill(-1);
  const nameOf = (name: string, local: string): number => {
    const len = name.length;
    const slot = (len * 961 + name.charCodeAt(0) * 31 + name.charCodeAt(len - 1)) & 1023;
    let id = slots[slot]!;
    if (id >= 0 && t.names[id] === name) return id;
    id = nameIds.get(name) ?? -1;
    if (id < 0) {
      id = t.names.push(name) - 1;
      t.locals.push(local);
      nameIds.set(name, id);
    }
    slots[slot] = id;
    return id;
  };
  const noNs = ns('', 1, 1);

  parser.on('doctype', () => {
    error.push(issues.xmlDoctype(parser.line, parser.column + 1));
    throw new Stop();
  });
  // Attributes as saxes reads them (in document order; their `uri` is set before opentag):
  // cheaper than a for-in over the tag's attribute map.
  // The attribute bounds are checked here, as saxes reads each attribute: it keeps every one of a
  // tag's attributes until the tag ends, so checking at opentag would come after the cost.
  const pending: SaxesAttributeNS[] = [];
  let attributes = 0;
  parser.on('attribute', (a) => {
    if (pending.push(a as SaxesAttributeNS) > maxAttributesPerElement) {
      error.push(issues.xmlTooManyAttributes(maxAttributesPerElement, true, startLine, startColumn));
      throw new Stop();
    }
    if (++attributes > maxAttributes) {
      error.push(issues.xmlTooManyAttributes(maxAttributes, false, startLine, startColumn));
      throw new Stop();
    }
  });
  parser.on('opentagstart', (tag) => {
    pending.length = 0;
    startLine = parser.line;
    // saxes has consumed "<name" and one more character; go back to the "<" (1-based).
    startColumn = Math.max(1, parser.column - tag.name.length - 1);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (depth >= maxDepth) {
      error.push(issues.xmlTooDeep(maxDepth, startLine, startColumn));
      throw new Stop();
    }
    if (t.n >= maxElements) {
      error.push(issues.xmlTooManyElements(maxElements, startLine, startColumn));
      throw new Stop();
    }
    if (t.n === t.nameId.length) t.grow();
    const i = t.n++;
    const a0 = t.attrValue.length;
    let nsDecls: Map<string, string> | undefined;
    for (let k = 0; k < pending.length; k++) {
      const a = pending[k]!;
      if (a.uri === NS.xmlns) {
        (nsDecls ??= new Map()).set(a.prefix === '' ? '' : a.local, a.value);
        continue;
      }
      t.attrNameId.push(nameOf(a.name, a.local));
      const u = a.uri === '' ? noNs : ns(a.uri, startLine, startColumn);
      if (t.uris[u] !== a.uri) t.attrRenamed.add(t.attrUriId.length);
      t.attrUriId.push(u);
      t.attrValue.push(a.value);
    }
    if (nsDecls) t.nsDecls.set(i, nsDecls);
    t.attrStart[i] = a0;
    t.attrCount[i] = t.attrValue.length - a0;
    t.nameId[i] = nameOf(tag.name, tag.local);
    t.uriId[i] = tag.uri === '' ? noNs : ns(tag.uri, startLine, startColumn);
    t.line[i] = startLine;
    t.column[i] = startColumn;
    t.first[i] = -1;
    t.next[i] = -1;
    t.textStart[i] = parser.position;
    t.textEnd[i] = -1;
    if (depth > 0) {
      const prev = lastChild[depth - 1]!;
      if (prev < 0) t.first[stack[depth - 1]!] = i;
      else t.next[prev] = i;
      lastChild[depth - 1] = i;
    }
    stack[depth] = i;
    lastChild[depth] = -1;
    depth++;
    selfClosing = tag.isSelfClosing;
    pending.length = 0;
  });
  parser.on('closetag', () => {
    if (depth === 0) return;
    const i = stack[--depth]!;
    // A leaf's text is sliced from the source between its tags (when asked for) instead of
    // collected from saxes' text events: retaining those strings made tree building 5x slower
    // than the parse itself. Mixed content (text beside child elements) is not kept; OVF has none
    // that matters.
    if (t.first[i]! < 0 && !selfClosing) {
      const end = text.lastIndexOf('</', parser.position - 1);
      if (end > t.textStart[i]!) t.textEnd[i] = end;
    }
    selfClosing = false;
  });
  parser.on('error', (e) => {
    error.push(issues.xmlFormat(cleanSaxesMessage(e.message), parser.line, parser.column + 1));
    throw new Stop();
  });

  try {
    parser.write(text).close();
  } catch (e) {
    if (!(e instanceof Stop)) {
      error.push(issues.xmlFormat(String((e as Error)?.message ?? e), parser.line, parser.column + 1));
    }
    return { error, warning };
  }
  if (t.n === 0) {
    error.push(issues.xmlFormat('the document has no root element', parser.line, 1));
    return { error, warning };
  }
  return { tree: t, error, warning };
}

/** The references leafText decodes: `&#x` + 1–6 hex digits, `&#` + 1–7 decimal digits, or one of these names, then `;`. */
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * The character data of a leaf element from its source slice: predefined and character entity
 * references decoded (saxes has already rejected any other), comments and processing
 * instructions dropped, CDATA unwrapped, line ends normalised as XML requires: before the
 * references are decoded, since normalisation applies to literal CR only (XML 1.0 §2.11), and
 * `&#13;` is a CR that stays one.
 */
export function leafText(src: string, start: number, end: number): string {
  let t = src.slice(start, end);
  if (t.indexOf('\r') >= 0) t = t.replace(/\r\n?/g, '\n');
  if (t.indexOf('<') >= 0) {
    let out = '';
    let i = 0;
    while (i < t.length) {
      const lt = t.indexOf('<', i);
      if (lt < 0) { out += decodeRefs(t.slice(i)); break; }
      out += decodeRefs(t.slice(i, lt));
      if (t.startsWith('<![CDATA[', lt)) {
        const close = t.indexOf(']]>', lt + 9);
        out += t.slice(lt + 9, close < 0 ? t.length : close);
        i = close < 0 ? t.length : close + 3;
      } else if (t.startsWith('<!--', lt)) {
        const close = t.indexOf('-->', lt + 4);
        i = close < 0 ? t.length : close + 3;
      } else {
        const close = t.indexOf('?>', lt + 2);
        i = close < 0 ? t.length : close + 2;
      }
    }
    t = out;
  } else t = decodeRefs(t);
  return t;
}

function decodeRefs(t: string): string {
  let amp = t.indexOf('&');
  if (amp < 0) return t;
  // By hand rather than a regex replace with a callback: descriptors with long EULAs are full of references.
  let out = '';
  let from = 0;
  while (amp >= 0) {
    // The longest reference is 10 characters ("&#x10FFFF;", "&#1114111;").
    let semi = -1;
    for (let k = amp + 2; k < amp + 11 && k < t.length; k++) {
      if (t.charCodeAt(k) === 0x3b) { semi = k; break; }
    }
    const r = semi < 0 ? undefined : refText(t, amp + 1, semi);
    if (r === undefined) {
      amp = t.indexOf('&', amp + 1);
      continue;
    }
    out += t.slice(from, amp) + r;
    from = semi + 1;
    amp = t.indexOf('&', from);
  }
  return out + t.slice(from);
}

/** The text of the reference t[start, end) (between "&" and ";"); undefined if it is not one leafText decodes. */
function refText(t: string, start: number, end: number): string | undefined {
  if (t.charCodeAt(start) !== 0x23) {
    const name = t.slice(start, end);
    return name === 'lt' || name === 'gt' || name === 'amp' || name === 'quot' || name === 'apos' ? NAMED[name] : undefined;
  }
  const hex = t.charCodeAt(start + 1) === 0x78;
  const d0 = hex ? start + 2 : start + 1;
  const n = end - d0;
  if (n < 1 || n > (hex ? 6 : 7)) return undefined;
  for (let k = d0; k < end; k++) {
    const c = t.charCodeAt(k);
    const ok = (c >= 0x30 && c <= 0x39) || (hex && ((c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)));
    if (!ok) return undefined;
  }
  const cp = parseInt(t.slice(d0, end), hex ? 16 : 10);
  return cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
}

/** saxes prefixes messages with `line:column: `; the fault carries the position separately. */
function cleanSaxesMessage(message: string): string {
  return message.replace(/^[^:]*?:?\d+:\d+: /, '');
}

interface Decoded {
  text?: string;
  error: OvfIssue[];
  warning: OvfIssue[];
}

const ENCODING_DECL = /^<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/;

/**
 * The decoded descriptor as a vim25 `xsd:string` carries it, inside a UTF-8 SOAP message: an XML
 * declaration naming another encoding (ISO-8859-1, UTF-16) would describe bytes the server never
 * gets, so it says UTF-8 instead (a server that parses the string, or its UTF-8 bytes, reads the
 * characters the plan read). Nothing else changes.
 * @example
 * asUtf8Document('<?xml version="1.0" encoding="ISO-8859-1"?><Envelope/>') // '<?xml version="1.0" encoding="UTF-8"?><Envelope/>'
 */
export function asUtf8Document(text: string): string {
  const m = /^(\uFEFF?<\?xml[^>]*?\bencoding\s*=\s*)(["'])([A-Za-z0-9._-]+)\2/.exec(text);
  if (!m || /^utf-?8$/i.test(m[3]!)) return text;
  return `${m[1]}${m[2]}UTF-8${m[2]}${text.slice(m[0].length)}`;
}

/**
 * Decodes descriptor bytes. BOM first (UTF-8, UTF-16 LE/BE), then BOM-less UTF-16 by its `<?`
 * pattern, then the XML declaration's encoding; a UTF-16 declaration on bytes that are plainly
 * 8-bit (XenCenter's output) is read as UTF-8 with a warning. Invalid UTF-8 is an error, and the
 * text is still decoded (with U+FFFD) so later problems can be reported too.
 */
export function decodeBytes(bytes: Uint8Array): Decoded {
  const error: OvfIssue[] = [];
  const warning: OvfIssue[] = [];
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) return utf8(bytes.subarray(3), error, warning);
  if (b0 === 0xff && b1 === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), error, warning };
  if (b0 === 0xfe && b1 === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), error, warning };
  if (b0 === 0x3c && b1 === 0x00 && bytes[2] === 0x3f && bytes[3] === 0x00) return { text: new TextDecoder('utf-16le').decode(bytes), error, warning };
  if (b0 === 0x00 && b1 === 0x3c && bytes[2] === 0x00 && bytes[3] === 0x3f) return { text: new TextDecoder('utf-16be').decode(bytes), error, warning };

  let head = '';
  for (let i = 0; i < Math.min(bytes.length, 200); i++) head += String.fromCharCode(bytes[i]!);
  const declared = ENCODING_DECL.exec(head)?.[1]?.toLowerCase();
  if (declared === undefined || declared === 'utf-8' || declared === 'utf8' || declared === 'us-ascii' || declared === 'ascii') {
    return utf8(bytes, error, warning);
  }
  if (declared === 'utf-16' || declared === 'utf-16le' || declared === 'utf-16be' || declared === 'ucs-2') {
    warning.push(issues.encodingMismatch(declared));
    return utf8(bytes, error, warning);
  }
  if (declared === 'iso-8859-1' || declared === 'latin1' || declared === 'latin-1' || declared === 'windows-1252' || declared === 'cp1252') {
    return { text: new TextDecoder('windows-1252').decode(bytes), error, warning };
  }
  error.push(issues.unsupportedEncoding(declared));
  return { error, warning };
}

function utf8(bytes: Uint8Array, error: OvfIssue[], warning: OvfIssue[]): Decoded {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), error, warning };
  } catch {
    const { line, column, offset } = firstInvalidUtf8(bytes);
    error.push(issues.invalidUtf8(offset, line, column));
    return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), error, warning };
  }
}

/** Finds the first byte that breaks UTF-8, with its line and column (for the fault). */
function firstInvalidUtf8(b: Uint8Array): { offset: number; line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n = 0;
    if (c < 0x80) {
      if (c === 0x0a) {
        line++;
        lineStart = i + 1;
      }
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) n = 2;
    else if (c >= 0xf0 && c <= 0xf4) n = 3;
    else return { offset: i, line, column: i - lineStart + 1 };
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return { offset: i, line, column: i - lineStart + 1 };
    }
    i += n + 1;
  }
  return { offset: b.length, line, column: 1 };
}

/** First attribute with this namespace URI and local name. */
export function attr(el: XmlElement, uri: string, local: string): string | undefined {
  const attrs = el.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (a.local === local && a.uri === uri) return a.value;
  }
  return undefined;
}
