import * as assert from 'node:assert/strict';
import { issues } from './messages';
import { asUtf8Document, canonicalNamespace, decodeBytes, NS, readXml } from './xml';

const OVF = '<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"><References/></Envelope>';
const utf16 = (s: string, le: boolean): Uint8Array => {
  const b = Buffer.alloc(2 + s.length * 2);
  b[0] = le ? 0xff : 0xfe;
  b[1] = le ? 0xfe : 0xff;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (le) b.writeUInt16LE(c, 2 + i * 2);
    else b.writeUInt16BE(c, 2 + i * 2);
  }
  return b;
};

describe('the XML reader', () => {
  it('resolves elements by namespace URI, whatever the prefix', () => {
    const r = readXml('<x:Envelope xmlns:x="http://schemas.dmtf.org/ovf/envelope/1"><x:References/></x:Envelope>');
    assert.equal(r.root?.uri, NS.ovf1);
    assert.equal(r.root?.local, 'Envelope');
    assert.equal(r.root?.children[0]?.local, 'References');
  });

  it('keeps the line and column of each start tag', () => {
    const r = readXml('<a>\n  <b/>\n</a>');
    assert.equal(r.root?.children[0]?.line, 2);
    assert.equal(r.root?.children[0]?.column, 3);
  });

  it('refuses a DOCTYPE with an entity, without expanding it', () => {
    const r = readXml('<?xml version="1.0"?>\n<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<Envelope>&xxe;</Envelope>');
    assert.equal(r.root, undefined);
    assert.deepEqual(r.error.map((e) => e.code), ['XML_DOCTYPE']);
    assert.equal(r.error[0]!.line, 2);
  });

  it('reports an undefined entity reference as malformed XML', () => {
    const r = readXml('<a>&lol;</a>');
    assert.deepEqual(r.error.map((e) => e.code), ['XML_MALFORMED']);
  });

  it('reports truncated input with the position where it ends', () => {
    const r = readXml('<a>\n<b>');
    assert.equal(r.error[0]?.code, 'XML_MALFORMED');
    assert.equal(r.error[0]?.fault._typeName, 'OvfXmlFormat');
  });

  it('bounds nesting depth', () => {
    const deep = '<a>'.repeat(500) + '</a>'.repeat(500);
    const r = readXml(deep, { maxDepth: 100 });
    assert.deepEqual(r.error.map((e) => e.code), ['XML_TOO_DEEP']);
  });

  it('bounds the number of elements, of attributes and of attributes on one element, naming the bound', () => {
    const text = '<a xmlns="urn:a" x="1">\n <b y="2" z="3"/><c/></a>';
    const at = { maxElements: 3, maxAttributes: 4, maxAttributesPerElement: 2 };
    assert.deepEqual(readXml(text, at).error, []);
    assert.deepEqual(readXml(text, { ...at, maxElements: 2 }).error, [issues.xmlTooManyElements(2, 2, 18)]);
    assert.deepEqual(readXml(text, { ...at, maxAttributes: 3 }).error, [issues.xmlTooManyAttributes(3, false, 2, 2)]);
    assert.deepEqual(readXml(text, { ...at, maxAttributesPerElement: 1 }).error, [issues.xmlTooManyAttributes(1, true, 1, 1)]);
    const e = readXml(text, { ...at, maxAttributes: 3 }).error[0]!;
    assert.equal(e.code, 'XML_TOO_MANY_ATTRIBUTES');
    assert.equal(e.localizedMessage, 'The descriptor has more than 3 attributes in the descriptor (at the element at line 2, column 2); no real descriptor needs that many');
  });

  it('bounds input size before parsing', () => {
    const r = readXml(`<a>${'x'.repeat(2000)}</a>`, { maxChars: 1000 });
    assert.deepEqual(r.error.map((e) => e.code), ['XML_TOO_LARGE']);
  });

  it('reads UTF-8 with a BOM, and UTF-16 LE and BE with a BOM', () => {
    assert.equal(readXml(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(OVF)])).root?.local, 'Envelope');
    assert.equal(readXml(utf16(OVF, true)).root?.local, 'Envelope');
    assert.equal(readXml(utf16(OVF, false)).root?.local, 'Envelope');
  });

  it('reads a UTF-16 declaration on UTF-8 bytes as UTF-8, with a warning', () => {
    const r = readXml(Buffer.from(`<?xml version="1.0" encoding="utf-16"?>${OVF}`));
    assert.equal(r.root?.local, 'Envelope');
    assert.deepEqual(r.warning.map((w) => w.code), ['XML_ENCODING_MISMATCH']);
  });

  it('reports invalid UTF-8 with its offset and line', () => {
    const d = decodeBytes(Buffer.concat([Buffer.from('<a>\nok '), Buffer.from([0xc3, 0x28]), Buffer.from('</a>')]));
    assert.equal(d.error[0]?.code, 'XML_INVALID_UTF8');
    assert.equal(d.error[0]?.line, 2);
  });

  it('survives binary garbage', () => {
    const r = readXml(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x3c, 0x00, 0x80]));
    assert.ok(r.error.length > 0);
    assert.equal(r.root, undefined);
  });

  it('maps a CIM namespace URI with a typo or a .xsd suffix to the DMTF URI, flagged as tolerated', () => {
    assert.deepEqual(canonicalNamespace('http://schemas.dmtf.org/wbem/wscim/1/cim2608 schema/2/CIM_EthernetPortAllocationSettingData'), { uri: NS.epasd, tolerated: true });
    assert.deepEqual(canonicalNamespace(`${NS.sasd}.xsd`), { uri: NS.sasd, tolerated: true });
    assert.deepEqual(canonicalNamespace(`${NS.ovf1}/`), { uri: NS.ovf1, tolerated: false });
    assert.deepEqual(canonicalNamespace(NS.rasd), { uri: NS.rasd, tolerated: false });
  });

  it('rejects an undeclared prefix', () => {
    const r = readXml('<a><ovfstr:Msg/></a>');
    assert.equal(r.error[0]?.code, 'XML_MALFORMED');
  });

  it('says UTF-8 in the XML declaration of a decoded descriptor sent as a string, and changes nothing else', () => {
    const latin1 = Buffer.from(`<?xml version="1.0" encoding='ISO-8859-1' standalone="yes"?>\n<Envelope>Caf\u00e9</Envelope>`, 'latin1');
    const text = decodeBytes(latin1).text!;
    assert.equal(asUtf8Document(text), `<?xml version="1.0" encoding='UTF-8' standalone="yes"?>\n<Envelope>Caf\u00e9</Envelope>`);
    const fromUtf16 = decodeBytes(utf16('<?xml version="1.0" encoding="UTF-16"?><Envelope>\u00e9</Envelope>', true)).text!;
    assert.equal(asUtf8Document(fromUtf16), '<?xml version="1.0" encoding="UTF-8"?><Envelope>\u00e9</Envelope>');
    for (const same of ['<?xml version="1.0" encoding="utf-8"?><a/>', '<?xml version="1.0"?><a/>', '<a encoding="latin1"/>', '<!-- <?xml encoding="latin1"?> --><a/>']) {
      assert.equal(asUtf8Document(same), same);
    }
  });

  it('keeps a CR given by a character reference and normalises literal CR only (XML 1.0 §2.11), in every reader path', () => {
    const cases: Array<[string, string]> = [
      ['a&#13;b', 'a\rb'],
      ['a&#xD;&#xd;b', 'a\r\rb'],
      ['a&#13;\nb', 'a\r\nb'],
      ['a&#13;&#10;b', 'a\r\nb'],
      ['a\r\nb\rc', 'a\nb\nc'],
      ['a\r&#10;b', 'a\n\nb'],
      ['<![CDATA[x\r\ny]]>&#13;', 'x\ny\r'],
      ['x<!-- c -->&#13;\r\n', 'x\r\n'],
    ];
    for (const [content, text] of cases) {
      // Unprefixed and prefixed elements (the fast scanner and saxes share leafText for text).
      for (const doc of [`<e>${content}</e>`, `<p:e xmlns:p="urn:x">${content}</p:e>`]) {
        const r = readXml(doc);
        assert.deepEqual(r.error, [], doc);
        assert.equal(r.root!.text, text, JSON.stringify(doc));
      }
    }
    // In an attribute, literal line ends become spaces and a referenced CR stays one.
    assert.equal(readXml('<e a="x&#13;y\r\nz"/>').root!.attributes.find((a) => a.name === 'a')?.value, 'x\ry z');
  });
});
