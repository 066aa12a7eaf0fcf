/**
 * The fast path of {@link readTree}: a scanner for the plain XML that descriptors are made of
 * (ASCII names, the five predefined entities and character references, comments, processing
 * instructions, CDATA), jumping between `<`, `>`, quotes and `&` with `indexOf` instead of
 * stepping through a state machine character by character as saxes does.
 *
 * It only ever accepts what saxes accepts, and builds the identical {@link XmlTree} (positions,
 * names, namespace URIs, attribute values, leaf text ranges, warnings): anything it is not sure
 * of — a DOCTYPE, a non-ASCII name, a character outside XML 1.0's Char, an unbound prefix, a
 * duplicate attribute, a malformed tag, too deep a nesting, any well-formedness error at all —
 * makes it give up (`undefined`), and the caller reads the document again with saxes, which
 * produces the same tree or the exact error. xml-fast.test.ts holds it to that over the corpus
 * and mutated descriptors.
 */
import type { OvfIssue } from './faults';
import { issues } from './messages';
import { canonicalNamespace, XmlTree, type XmlBounds } from './xml';

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

/** Any character XML 1.0 forbids, or a surrogate (non-BMP text is left to saxes: its columns count code points). */
const NOT_SIMPLE_CHAR = /[^\t\n\r\x20-\ud7ff\ue000-\ufffd]/;
const XML_DECL = /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"1\.0"|'1\.0')(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>/;

/** Limits of the fast path's small linear searches; beyond them saxes reads the document. */
const MAX_ATTRIBUTES = 64;
const MAX_BINDINGS = 64;

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QMARK = 0x3f;
const COLON = 0x3a;
const EQ = 0x3d;
const AMP = 0x26;

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
/** ASCII NameStartChar without the colon (prefix and local part are checked separately). */
const isStart = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
const isNameChar = (c: number): boolean => isStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
const isXmlChar = (c: number): boolean => c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

/** Thrown to abandon the fast path; never escapes {@link fastTree}. */
class GiveUp {}
const GIVE_UP = new GiveUp();

/** A namespace binding in scope: prefix ("" = default) → URI as saxes resolves it (trimmed). */
interface Binding {
  prefix: string;
  uri: string;
  depth: number;
}

/**
 * Reads `src` into an {@link XmlTree} if it is plain, well-formed XML; `undefined` means "ask
 * saxes". Namespace warnings go to `warning` only on success.
 */
export function fastTree(src: string, bounds: XmlBounds, warning: OvfIssue[]): XmlTree | undefined {
  if (NOT_SIMPLE_CHAR.test(src)) return undefined;
  try {
    return new FastReader(src, bounds).read(warning);
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

class FastReader {
  private readonly t: XmlTree;
  private readonly warnings: OvfIssue[] = [];
  private readonly nsIds = new Map<string, number>();
  private readonly nameIds = new Map<string, number>();
  private readonly slots = new Int32Array(1024).fill(-1);
  private readonly tolerated = new Set<string>();
  private readonly bindings: Binding[] = [
    { prefix: 'xml', uri: XML_NAMESPACE, depth: -1 },
    { prefix: 'xmlns', uri: XMLNS_NAMESPACE, depth: -1 },
  ];
  private lastRaw: string | undefined;
  private lastId = 0;
  private readonly noNs: number;
  private readonly hasCR: boolean;
  /** Line counting: lines are counted up to `scanned`; `lineNo` is the line there, `lineStart` its first index. */
  private scanned = 0;
  private lineNo = 1;
  private lineStart = 0;
  /** The first "\n" at or after `scanned` (-1: none left; -2: not searched yet). */
  private nextNl = -2;
  // Attributes of the start tag being read (reused).
  private aNameStart: number[] = [];
  private aNameEnd: number[] = [];
  private aColon: number[] = [];
  private aValue: string[] = [];

  /** Attributes read so far, namespace declarations included (for `maxAttributes`). */
  private attributes = 0;

  constructor(private readonly src: string, private readonly bounds: XmlBounds) {
    this.t = new XmlTree(src, Math.min(1 << 20, 64 + (src.length >> 5)));
    this.noNs = this.ns('', 1, 1);
    this.hasCR = src.indexOf('\r') >= 0;
  }

  private fail(): never {
    throw GIVE_UP;
  }

  private ns(raw: string, line: number, column: number): number {
    if (raw === this.lastRaw) return this.lastId;
    let id = this.nsIds.get(raw);
    if (id === undefined) {
      const r = canonicalNamespace(raw);
      id = this.t.internUri(r.uri);
      this.nsIds.set(raw, id);
      if (r.tolerated && !this.tolerated.has(raw)) {
        this.tolerated.add(raw);
        this.warnings.push(issues.namespaceTolerated(raw, r.uri, line, column));
      }
    }
    this.lastRaw = raw;
    this.lastId = id;
    return id;
  }

  /** The interned id of the name at src[start, end) (colon at `colon`, or -1), without slicing when it was seen. */
  private nameOf(start: number, end: number, colon: number): number {
    const src = this.src;
    const len = end - start;
    const slot = (len * 961 + src.charCodeAt(start) * 31 + src.charCodeAt(end - 1)) & 1023;
    let id = this.slots[slot]!;
    if (id >= 0) {
      const known = this.t.names[id]!;
      if (known.length === len && src.startsWith(known, start)) return id;
    }
    const name = src.slice(start, end);
    id = this.nameIds.get(name) ?? -1;
    if (id < 0) {
      id = this.t.names.push(name) - 1;
      this.t.locals.push(colon < 0 ? name : src.slice(colon + 1, end));
      this.nameIds.set(name, id);
    }
    this.slots[slot] = id;
    return id;
  }

  /** The URI bound to the prefix src[start, end) ("" when start === end = default namespace). */
  private resolve(start: number, end: number): string | undefined {
    const len = end - start;
    const b = this.bindings;
    for (let k = b.length - 1; k >= 0; k--) {
      const p = b[k]!.prefix;
      if (p.length === len && (len === 0 || this.src.startsWith(p, start))) return b[k]!.uri;
    }
    return undefined;
  }

  /** Advances line counting to index `to` (exclusive). */
  private countLines(to: number): void {
    const src = this.src;
    let i = this.scanned;
    if (!this.hasCR) {
      // The next line end is remembered: searching again from `scanned` for each tag would read
      // the rest of a one-line document every time (quadratic).
      let nl = this.nextNl;
      if (nl === -2) nl = src.indexOf('\n', i);
      while (nl >= 0 && nl < to) {
        this.lineNo++;
        this.lineStart = nl + 1;
        nl = src.indexOf('\n', nl + 1);
      }
      this.nextNl = nl;
    } else {
      for (; i < to; i++) {
        const c = src.charCodeAt(i);
        if (c === 0x0a) {
          this.lineNo++;
          this.lineStart = i + 1;
        } else if (c === 0x0d) {
          // saxes reads "\r\n" as one line end, and a lone "\r" as one.
          this.lineNo++;
          if (src.charCodeAt(i + 1) === 0x0a) i++;
          this.lineStart = i + 1;
        }
      }
    }
    this.scanned = Math.max(this.scanned, to);
  }

  /** Next "&" / "]]>" at or after the last position asked for (-1: none left): each search runs once over the text. */
  private nextAmp = -2;
  private nextCd = -2;

  /** Checks character data inside the root: entity and character references, no "]]>". */
  private checkText(from: number, to: number): void {
    const src = this.src;
    if (this.nextAmp !== -1 && this.nextAmp < from) this.nextAmp = src.indexOf('&', from);
    while (this.nextAmp >= 0 && this.nextAmp < to) {
      const semi = this.ref(this.nextAmp, to);
      this.nextAmp = src.indexOf('&', semi + 1);
    }
    if (this.nextCd !== -1 && this.nextCd < from) this.nextCd = src.indexOf(']]>', from);
    if (this.nextCd >= 0 && this.nextCd + 3 <= to) this.fail();
  }

  /** Validates the reference starting at `amp` (ending before `limit`); returns the index of its ";". */
  private ref(amp: number, limit: number): number {
    const src = this.src;
    const semi = src.indexOf(';', amp + 1);
    if (semi < 0 || semi >= limit || semi - amp > 12) this.fail();
    if (src.charCodeAt(amp + 1) === 0x23) {
      let num: number;
      if (src.charCodeAt(amp + 2) === 0x78) {
        if (semi === amp + 3) this.fail();
        for (let k = amp + 3; k < semi; k++) {
          const c = src.charCodeAt(k);
          if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46))) this.fail();
        }
        num = parseInt(src.slice(amp + 3, semi), 16);
      } else {
        if (semi === amp + 2) this.fail();
        for (let k = amp + 2; k < semi; k++) {
          const c = src.charCodeAt(k);
          if (!(c >= 0x30 && c <= 0x39)) this.fail();
        }
        num = parseInt(src.slice(amp + 2, semi), 10);
      }
      if (!isXmlChar(num)) this.fail();
      return semi;
    }
    const name = src.slice(amp + 1, semi);
    if (name !== 'amp' && name !== 'lt' && name !== 'gt' && name !== 'quot' && name !== 'apos') this.fail();
    return semi;
  }

  /** An attribute value as saxes normalises it: references replaced, each tab/line end (CRLF too) one space. */
  private attrValue(start: number, end: number): string {
    const src = this.src;
    let simple = true;
    for (let k = start; k < end; k++) {
      const c = src.charCodeAt(k);
      if (c === LT) this.fail();
      if (c === AMP || c === 0x09 || c === 0x0a || c === 0x0d) simple = false;
    }
    if (simple) return src.slice(start, end);
    let out = '';
    let from = start;
    for (let k = start; k < end; k++) {
      const c = src.charCodeAt(k);
      if (c === AMP) {
        out += src.slice(from, k);
        const semi = this.ref(k, end);
        out += decodeRef(src.slice(k + 1, semi));
        k = semi;
        from = semi + 1;
      } else if (c === 0x09 || c === 0x0a || c === 0x0d) {
        out += src.slice(from, k) + ' ';
        if (c === 0x0d && src.charCodeAt(k + 1) === 0x0a) k++;
        from = k + 1;
      }
    }
    return out + src.slice(from, end);
  }

  /** Reads an ASCII qualified name at `i`; returns its end, and its colon index in `this.colon`. */
  private colon = -1;
  private name(i: number): number {
    const src = this.src;
    if (!isStart(src.charCodeAt(i))) this.fail();
    let k = i + 1;
    this.colon = -1;
    for (;;) {
      const c = src.charCodeAt(k);
      if (isNameChar(c)) k++;
      else if (c === COLON && this.colon < 0 && isStart(src.charCodeAt(k + 1))) {
        this.colon = k;
        k += 2;
      } else break;
    }
    return k;
  }

  /** Skips a comment, processing instruction or CDATA section starting at `lt`; returns the index after it. */
  private special(lt: number, inRoot: boolean): number {
    const src = this.src;
    const c1 = src.charCodeAt(lt + 1);
    if (c1 === BANG) {
      if (src.startsWith('<!--', lt)) {
        const end = src.indexOf('-->', lt + 4);
        if (end < 0) this.fail();
        const dd = src.indexOf('--', lt + 4);
        if (dd < end) this.fail(); // "--" inside, or a comment ending "--->"
        return end + 3;
      }
      if (inRoot && src.startsWith('<![CDATA[', lt)) {
        const end = src.indexOf(']]>', lt + 9);
        if (end < 0) this.fail();
        return end + 3;
      }
      return this.fail(); // DOCTYPE and anything else: saxes decides
    }
    // c1 === "?": a processing instruction; its target must be a name other than "xml".
    const end = this.name(lt + 2);
    if (this.colon >= 0) this.fail();
    if (end - (lt + 2) === 3 && src.slice(lt + 2, end).toLowerCase() === 'xml') this.fail();
    const close = src.indexOf('?>', end);
    if (close < 0) this.fail();
    if (close !== end && !isWs(src.charCodeAt(end))) this.fail();
    return close + 2;
  }

  read(warning: OvfIssue[]): XmlTree {
    const src = this.src;
    const t = this.t;
    const stack: number[] = [];
    const lastChild: number[] = [];
    let depth = 0;
    let rootDone = false;
    let i = 0;
    if (src.startsWith('<?xml')) {
      const m = XML_DECL.exec(src);
      if (!m) this.fail();
      i = m[0].length;
    }
    const aNameStart = this.aNameStart;
    const aNameEnd = this.aNameEnd;
    const aColon = this.aColon;
    const aValue = this.aValue;
    const aRaw: string[] = [];

    for (;;) {
      const lt = src.indexOf('<', i);
      const textEnd = lt < 0 ? src.length : lt;
      if (depth === 0) {
        for (let k = i; k < textEnd; k++) if (!isWs(src.charCodeAt(k))) this.fail();
      } else if (textEnd > i) {
        this.checkText(i, textEnd);
      }
      if (lt < 0) break;
      const c1 = src.charCodeAt(lt + 1);
      if (c1 === BANG || c1 === QMARK) {
        i = this.special(lt, depth > 0);
        continue;
      }
      if (c1 === SLASH) {
        // End tag: the name of the open element, optional white space, ">".
        if (depth === 0) this.fail();
        const d = depth - 1;
        const el = stack[d]!;
        // The open element's interned name, compared by the builtin: a loop per character is slow
        // on a first pass, before V8 optimises it.
        const name = t.names[t.nameId[el]!]!;
        if (!src.startsWith(name, lt + 2)) this.fail();
        let k = lt + 2 + name.length;
        let c = src.charCodeAt(k);
        if (c !== GT) {
          if (!isWs(c)) this.fail();
          while (isWs(c)) c = src.charCodeAt(++k);
          if (c !== GT) this.fail();
        }
        if (t.first[el]! < 0 && t.textEnd[el] === -2) {
          // -2 marks "not self-closing"; a leaf's text runs up to this end tag.
          t.textEnd[el] = lt > t.textStart[el]! ? lt : -1;
        } else if (t.textEnd[el] === -2) t.textEnd[el] = -1;
        while (this.bindings.length > 2 && this.bindings[this.bindings.length - 1]!.depth === d) this.bindings.pop();
        depth = d;
        if (depth === 0) rootDone = true;
        i = k + 1;
        continue;
      }
      // Start tag.
      if (rootDone) this.fail();
      if (depth >= this.bounds.maxDepth) this.fail();
      const nameStart = lt + 1;
      const nameEnd = this.name(nameStart);
      const elColon = this.colon;
      // Position as saxes reports it at "opentagstart": after the name and one more character.
      this.countLines(lt);
      const after = src.charCodeAt(nameEnd);
      const startLine = after === 0x0a || after === 0x0d ? this.lineNo + 1 : this.lineNo;
      const startColumn = after === 0x0a || after === 0x0d ? 1 : lt - this.lineStart + 1;
      // Attributes.
      let na = 0;
      let k = nameEnd;
      let selfClosing = false;
      for (;;) {
        let c = src.charCodeAt(k);
        const sawWs = isWs(c);
        while (isWs(c)) c = src.charCodeAt(++k);
        if (c === GT) { k++; break; }
        if (c === SLASH) {
          if (src.charCodeAt(k + 1) !== GT) this.fail();
          selfClosing = true;
          k += 2;
          break;
        }
        if (!sawWs) this.fail();
        // The duplicate checks below are quadratic: elements with that many attributes go to saxes.
        // So do documents past an attribute bound: saxes reports it, as for every other error.
        if (na === MAX_ATTRIBUTES || na >= this.bounds.maxAttributesPerElement || this.attributes++ >= this.bounds.maxAttributes) this.fail();
        const an = k;
        const ane = this.name(k);
        const acolon = this.colon;
        k = ane;
        c = src.charCodeAt(k);
        while (isWs(c)) c = src.charCodeAt(++k);
        if (c !== EQ) this.fail();
        c = src.charCodeAt(++k);
        while (isWs(c)) c = src.charCodeAt(++k);
        if (c !== 0x22 && c !== 0x27) this.fail();
        const close = src.indexOf(c === 0x22 ? '"' : "'", k + 1);
        if (close < 0) this.fail();
        // Duplicate qualified names: saxes reports them.
        for (let p = 0; p < na; p++) {
          if (aNameEnd[p]! - aNameStart[p]! === ane - an && src.startsWith(src.slice(an, ane), aNameStart[p]!)) this.fail();
        }
        aNameStart[na] = an;
        aNameEnd[na] = ane;
        aColon[na] = acolon;
        aValue[na] = this.attrValue(k + 1, close);
        na++;
        k = close + 1;
      }
      if (k > src.length) this.fail();
      // Namespace declarations first (they apply to this element and its attributes).
      let nsDecls: Map<string, string> | undefined;
      for (let p = 0; p < na; p++) {
        const an = aNameStart[p]!;
        const colon = aColon[p]!;
        let prefix: string;
        if (colon < 0) {
          if (aNameEnd[p]! - an !== 5 || !src.startsWith('xmlns', an)) continue;
          prefix = '';
        } else {
          if (colon - an !== 5 || !src.startsWith('xmlns', an)) continue;
          prefix = src.slice(colon + 1, aNameEnd[p]!);
        }
        const value = aValue[p]!;
        const uri = value.trim();
        // What saxes refuses (undeclaring a prefix, the reserved prefixes and URIs) is left to it.
        // ("xml" may be declared, but only with its own URI.)
        if ((prefix !== '' && uri === '') || prefix === 'xmlns' || uri === XMLNS_NAMESPACE || ((prefix === 'xml') !== (uri === XML_NAMESPACE))) this.fail();
        // resolve() scans the bindings in scope: a document declaring that many goes to saxes.
        if (this.bindings.length === MAX_BINDINGS) this.fail();
        this.bindings.push({ prefix, uri, depth });
        (nsDecls ??= new Map()).set(prefix, value);
      }
      if (t.n >= this.bounds.maxElements) this.fail();
      if (t.n === t.nameId.length) t.grow();
      const el = t.n++;
      if (nsDecls) t.nsDecls.set(el, nsDecls);
      const a0 = t.attrValue.length;
      let nr = 0;
      for (let p = 0; p < na; p++) {
        const an = aNameStart[p]!;
        const colon = aColon[p]!;
        if (src.startsWith('xmlns', an) && ((colon < 0 && aNameEnd[p]! - an === 5) || colon - an === 5)) continue;
        let raw = '';
        if (colon >= 0) {
          const r = this.resolve(an, colon);
          if (r === undefined) this.fail();
          raw = r;
        }
        t.attrNameId.push(this.nameOf(an, aNameEnd[p]!, colon));
        const u = raw === '' ? this.noNs : this.ns(raw, startLine, startColumn);
        if (t.uris[u] !== raw) t.attrRenamed.add(t.attrUriId.length);
        t.attrUriId.push(u);
        t.attrValue.push(aValue[p]!);
        aRaw[nr++] = raw;
      }
      // Two prefixed attributes with the same namespace URI (as written) and local name: saxes reports them.
      for (let p = 0; p < nr; p++) {
        for (let q = 0; q < p; q++) if (aRaw[p] !== '' && aRaw[p] === aRaw[q] && t.locals[t.attrNameId[a0 + p]!] === t.locals[t.attrNameId[a0 + q]!]) this.fail();
      }
      t.attrStart[el] = a0;
      t.attrCount[el] = t.attrValue.length - a0;
      let rawUri: string;
      if (elColon >= 0) {
        if (elColon - nameStart === 5 && src.startsWith('xmlns', nameStart)) this.fail();
        const r = this.resolve(nameStart, elColon);
        if (r === undefined) this.fail();
        rawUri = r;
      } else rawUri = this.resolve(0, 0) ?? '';
      t.nameId[el] = this.nameOf(nameStart, nameEnd, elColon);
      t.uriId[el] = rawUri === '' ? this.noNs : this.ns(rawUri, startLine, startColumn);
      t.line[el] = startLine;
      t.column[el] = startColumn;
      t.first[el] = -1;
      t.next[el] = -1;
      t.textStart[el] = k;
      t.textEnd[el] = selfClosing ? -1 : -2;
      if (depth > 0) {
        const prev = lastChild[depth - 1]!;
        if (prev < 0) t.first[stack[depth - 1]!] = el;
        else t.next[prev] = el;
        lastChild[depth - 1] = el;
      }
      if (selfClosing) {
        while (this.bindings.length > 2 && this.bindings[this.bindings.length - 1]!.depth === depth) this.bindings.pop();
        if (depth === 0) rootDone = true;
      } else {
        stack[depth] = el;
        lastChild[depth] = -1;
        depth++;
      }
      i = k;
    }
    if (depth !== 0 || !rootDone) this.fail();
    for (const w of this.warnings) warning.push(w);
    return t;
  }
}

function decodeRef(name: string): string {
  switch (name) {
    case 'amp': return '&';
    case 'lt': return '<';
    case 'gt': return '>';
    case 'quot': return '"';
    case 'apos': return "'";
    default:
      return String.fromCodePoint(name.charCodeAt(1) === 0x78 ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
  }
}
