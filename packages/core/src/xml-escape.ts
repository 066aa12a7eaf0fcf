/**
 * Escaping for the XML ovfkit writes by hand (CreateDescriptor output, the OVF environment):
 * one rule for attribute values and one for element text, so no writer drifts.
 * @see XML 1.0 §2.4 (character data), §3.3.3 (attribute-value normalization)
 */

/**
 * XML 1.0's Char production negated: characters no XML document can carry, not even as a
 * character reference (NUL, most C0 controls, lone surrogates, U+FFFE/U+FFFF).
 * @see XML 1.0 §2.2
 */
export const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NOT_XML_CHARS = new RegExp(NOT_XML_CHAR.source, 'gu');

const ATTRIBUTE_REFERENCE: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };
const TEXT_REFERENCE: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
/**
 * DEL, C1 and bidi controls: legal in XML, written as character references so the XML shown on a
 * terminal or in a log carries none of them raw (the document's value is the same).
 * @see terminal-text.ts TERMINAL_CONTROL
 */
const REFERENCED_CONTROL = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const reference = (c: string): string => `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`;

/**
 * A value for a double-quoted attribute. TAB, LF and CR become character references because a
 * reader's attribute-value normalization turns the literal characters into spaces (and CR LF
 * into one space), so a multi-line value would not come back as written.
 * @example `<Property oe:value="${escapeXmlAttribute('a "b"\nc')}"/>` // a &quot;b&quot;&#10;c
 */
export function escapeXmlAttribute(value: string): string {
  return value.replace(/[&<>"\t\n\r]/g, (c) => ATTRIBUTE_REFERENCE[c]!).replace(REFERENCED_CONTROL, reference);
}

/**
 * Element text. `>` is escaped too: `]]>` is not allowed in character data. TAB, LF and quotes
 * stay literal, as element content keeps them; CR becomes `&#13;` (a reader turns a literal one
 * into LF).
 * @example `<Annotation>${escapeXmlText('a < b & c')}</Annotation>` // a &lt; b &amp; c
 */
export function escapeXmlText(value: string): string {
  return value.replace(/[&<>\r]/g, (c) => TEXT_REFERENCE[c]!).replace(REFERENCED_CONTROL, reference);
}

/** `value` without the characters XML cannot carry ({@link NOT_XML_CHAR}), for writers that drop rather than refuse them. */
export function withoutNonXmlChars(value: string): string {
  return value.replace(NOT_XML_CHARS, '');
}
