import * as assert from 'node:assert/strict';
import { attr, readXml } from './xml';
import { escapeXmlAttribute, escapeXmlText, withoutNonXmlChars } from './xml-escape';

/** Values that break out of, or are changed by, naive escaping. */
const HOSTILE = ['a "quoted" <b>&amp;</b>', 'x]]>y', 'tab\there', 'two\nlines\r\nCRLF\rCR', '  spaced  ', "it's", '&#0; &lt; &', '\u{1F600} ä ß', 'c1\u0085\u009b[2J bidi\u202e\u2066 del\u007f'];

describe('XML escaping shared by the descriptor writer and the OVF environment', () => {
  it('gives back every attribute value byte for byte through a conforming reader, whitespace included', () => {
    for (const value of HOSTILE) {
      const r = readXml(`<e a="${escapeXmlAttribute(value)}"/>`);
      assert.deepEqual(r.error, [], value);
      assert.equal(attr(r.root!, '', 'a'), value);
    }
  });

  it('gives back every element text byte for byte, with a lone ]]> escaped', () => {
    for (const value of HOSTILE) {
      const markup = `<e>${escapeXmlText(value)}</e>`;
      const r = readXml(markup);
      assert.deepEqual(r.error, [], value);
      // A CR is written &#13;, which a reader keeps (line-end normalisation applies to literal CR only).
      assert.equal(r.root!.text, value);
      assert.doesNotMatch(markup, /]]>/);
    }
  });

  it('writes attribute references for " < & > and TAB LF CR, text references for < & > and CR, both for DEL, C1 and bidi controls, and nothing else', () => {
    assert.equal(escapeXmlAttribute('a<b>&"c"\t\n\r\'d\''), 'a&lt;b&gt;&amp;&quot;c&quot;&#9;&#10;&#13;\'d\'');
    assert.equal(escapeXmlText('a<b>&"c"\t\n\r'), 'a&lt;b&gt;&amp;"c"\t\n&#13;');
    assert.equal(escapeXmlText('\u007f\u0085\u202e\u2069é'), '&#x7F;&#x85;&#x202E;&#x2069;é');
    assert.equal(escapeXmlAttribute('\u009b\u200f'), '&#x9B;&#x200F;');
  });

  it('drops the characters no XML document can carry, and keeps astral characters', () => {
    assert.equal(withoutNonXmlChars('a\u0000b\u0001c\u000bd\uFFFEe\uD800f\u{1F600}\t\n'), 'abcdef\u{1F600}\t\n');
  });
});
