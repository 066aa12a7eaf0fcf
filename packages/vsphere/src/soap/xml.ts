import { XMLParser } from 'fast-xml-parser';
import { OvfkitError } from '@ovfkit/core';

/** XML Schema instance namespace: `xsi:type` is matched by this URI, never by prefix. */
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
export const SOAPENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const VIM25_NS = 'urn:vim25';

/**
 * One element of a parsed SOAP document, with names resolved to namespace URIs.
 * Values stay text; the schema-driven decoder converts them.
 */
export interface XmlNode {
  /** Local name, without prefix. */
  name: string;
  /** Namespace URI of the element ('' when none). */
  ns: string;
  /** Attributes by `{uri}local` ('' uri for unprefixed attributes, so `type` stays `type`). */
  attrs: Record<string, string>;
  children: XmlNode[];
  /** Concatenated character data directly inside the element. */
  text: string;
  /** The in-scope prefix → URI map, needed to resolve QName values such as `xsi:type="xsd:string"`. */
  scope: Record<string, string>;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Entities are decoded here, in one pass (decodeEntities): the parser's own pass leaves numeric
  // references (`&#34;`, which Go's encoder writes for `"`) undecoded, and decoding twice would
  // turn a literal `&amp;#34;` into a quote.
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type RawNode = Record<string, unknown> & { ':@'?: Record<string, string> };

/**
 * Parses a SOAP response into namespace-resolved nodes. A DOCTYPE is refused outright: SOAP 1.1
 * forbids it, and refusing it means no entity a hostile server declares is ever expanded.
 */
export function parseXml(text: string): XmlNode {
  if (/<!DOCTYPE/i.test(text)) throw new OvfkitError('VIM_PROTOCOL', 'the server answered with a DOCTYPE, which SOAP forbids; refusing to parse it');
  let raw: RawNode[];
  try {
    raw = parser.parse(text) as RawNode[];
  } catch (e) {
    throw new OvfkitError('VIM_PROTOCOL', `the server answered with malformed XML: ${(e as Error).message}`, { cause: e });
  }
  const root = raw.find((n) => Object.keys(n).some((k) => k !== ':@' && k !== '#text' && !k.startsWith('?')));
  if (!root) throw new OvfkitError('VIM_PROTOCOL', 'the server answered with an empty XML document');
  return convert(root, { xml: 'http://www.w3.org/XML/1998/namespace' });
}

function convert(raw: RawNode, parentScope: Record<string, string>): XmlNode {
  const qname = Object.keys(raw).find((k) => k !== ':@')!;
  const rawAttrs = raw[':@'] ?? {};
  let scope = parentScope;
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) {
      if (scope === parentScope) scope = { ...parentScope };
      scope[k === 'xmlns' ? '' : k.slice(6)] = v;
    }
  }
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    const i = k.indexOf(':');
    // Unprefixed attributes have no namespace (XML Namespaces §6.2), whatever the default namespace is.
    attrs[i < 0 ? k : `{${scope[k.slice(0, i)] ?? k.slice(0, i)}}${k.slice(i + 1)}`] = decodeEntities(v);
  }
  const i = qname.indexOf(':');
  const node: XmlNode = {
    name: i < 0 ? qname : qname.slice(i + 1),
    ns: scope[i < 0 ? '' : qname.slice(0, i)] ?? '',
    attrs,
    children: [],
    text: '',
    scope,
  };
  for (const child of (raw[qname] as RawNode[] | undefined) ?? []) {
    if ('#text' in child) node.text += decodeEntities(String(child['#text']));
    else if ('#cdata' in child) node.text += ((child['#cdata'] as RawNode[] | undefined) ?? []).map((c) => String(c['#text'] ?? '')).join('');
    else if (Object.keys(child).some((k) => k !== ':@')) node.children.push(convert(child, scope));
  }
  return node;
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric character references; anything else is malformed. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);?/g, (m, ref: string) => {
    if (!m.endsWith(';')) throw new OvfkitError('VIM_PROTOCOL', `the server answered with malformed XML: a bare '&' near ${JSON.stringify(m)}`);
    if (ref.startsWith('#')) {
      const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!(cp >= 0 && cp <= 0x10ffff)) throw new OvfkitError('VIM_PROTOCOL', `the server answered with an invalid character reference ${m}`);
      return String.fromCodePoint(cp);
    }
    const v = NAMED[ref];
    if (v === undefined) throw new OvfkitError('VIM_PROTOCOL', `the server answered with the undeclared entity ${m}`);
    return v;
  });
}

/** The `xsi:type` of an element as `{ns, name}` (prefix resolved against the element's scope). */
export function xsiType(node: XmlNode): { ns: string; name: string } | undefined {
  const v = node.attrs[`{${XSI_NS}}type`];
  if (v === undefined) return undefined;
  const i = v.indexOf(':');
  if (i < 0) return { ns: node.scope[''] ?? '', name: v };
  return { ns: node.scope[v.slice(0, i)] ?? '', name: v.slice(i + 1) };
}

/** Escapes text for element content and attribute values. */
export function escapeXml(s: string): string {
  // Characters XML 1.0 cannot carry at all are refused rather than silently dropped.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(s)) {
    throw new OvfkitError('USAGE', 'a value sent to vSphere contains a control character that XML 1.0 cannot carry');
  }
  // CR as a reference: a reader turns a literal CR or CR LF into LF (XML 1.0 §2.11), so a
  // descriptor with CR LF line ends would reach the server with LF ones, not as planned.
  return s.replace(/[&<>"'\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : c === "'" ? '&apos;' : '&#13;'));
}

/** Writes a parsed node back out unchanged in meaning: used to send CreateImportSpec's importSpec to ImportVApp as received. */
export function writeNode(node: XmlNode, name: string, out: string[]): void {
  out.push(`<${name}`);
  const t = xsiType(node);
  for (const [k, v] of Object.entries(node.attrs)) {
    if (k === `{${XSI_NS}}type`) continue;
    if (k.startsWith('{')) continue; // other namespaced attributes carry nothing vim25 defines
    out.push(` ${k}="${escapeXml(v)}"`);
  }
  if (t) out.push(` xsi:type="${t.ns === XSD_NS ? 'xsd:' : ''}${escapeXml(t.name)}"`);
  if (node.children.length === 0 && node.text === '') {
    out.push('/>');
    return;
  }
  out.push('>');
  if (node.children.length === 0) out.push(escapeXml(node.text));
  for (const c of node.children) writeNode(c, c.name, out);
  out.push(`</${name}>`);
}
