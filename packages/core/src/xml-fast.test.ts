import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { OvfIssue } from './faults';
import { readTree, xmlBounds, type XmlReadLimits, type XmlTree, type XmlTreeResult } from './xml';
import { fastTree } from './xml-fast';
// The corpus gate of the monorepo's tests (a test-only path: these files are not published).
import { itCorpus, provenanceRecords, readCorpus } from '../../../test/corpus-gate';

let descriptorsRead: { file: string; text: string }[] | undefined;
/** The corpus descriptors as text, read once, when a test first needs them. */
const corpusDescriptors = (): { file: string; text: string }[] =>
  (descriptorsRead ??= provenanceRecords()
    .filter((r) => r['kind'] === 'descriptor')
    .map((r) => ({ file: r['local_path']!, text: readCorpus(r['local_path']!).toString('utf8').replace(/^\ufeff/, '') })));

/** Everything readTree produced, as plain data, so two results can be compared whole. */
function dump(r: XmlTreeResult): unknown {
  const t = r.tree;
  if (!t) return { error: r.error, warning: r.warning };
  const elements = [];
  for (let i = 0; i < t.n; i++) {
    const attributes = [];
    for (let k = t.attrStart[i]!; k < t.attrStart[i]! + t.attrCount[i]!; k++) {
      attributes.push([t.names[t.attrNameId[k]!], t.locals[t.attrNameId[k]!], t.uris[t.attrUriId[k]!], t.attrValue[k], t.attrRenamed.has(k)]);
    }
    elements.push({
      name: t.name(i), local: t.local(i), uri: t.uri(i), line: t.line[i], column: t.column[i], first: t.first[i], next: t.next[i],
      text: t.text(i), textStart: t.textStart[i], attributes, nsDecls: [...(t.nsDecls.get(i) ?? [])],
    });
  }
  return { elements, error: r.error, warning: r.warning };
}

const both = (text: string, limits: XmlReadLimits = {}): [unknown, unknown] => [dump(readTree(text, limits)), dump(readTree(text, limits, false))];
const fast = (text: string): XmlTree | undefined => fastTree(text, xmlBounds(), [] as OvfIssue[]);

describe('the fast XML scanner', () => {
  itCorpus('builds the same tree as saxes for every corpus descriptor', () => {
    const descriptors = corpusDescriptors();
    for (const d of descriptors) {
      const [a, b] = both(d.text);
      assert.deepEqual(a, b, d.file);
    }
  });

  itCorpus('reads every well-formed corpus descriptor itself except those with a DOCTYPE', () => {
    const descriptors = corpusDescriptors();
    const wellFormed = descriptors.filter((d) => readTree(d.text, {}, false).tree);
    const declined = wellFormed.filter((d) => !fast(d.text)).map((d) => d.file);
    assert.deepEqual(declined, wellFormed.filter((d) => d.text.includes('<!DOCTYPE')).map((d) => d.file));
    assert.ok(wellFormed.length > 80);
  });

  it('reports the positions saxes reports: CRLF, a lone CR, a line end right after the element name', () => {
    const text = '<?xml version="1.0"?>\r\n<a xmlns="urn:a">\r<b\r\n x="1"/>\n\t<c\n/><d>t</d ></a>';
    assert.ok(fast(text));
    const [a, b] = both(text);
    assert.deepEqual(a, b);
  });

  it('normalises attribute values as saxes does: references decoded, tabs and line ends (CRLF once) to spaces', () => {
    const text = '<a v="x&amp;y&#10;z\tq\r\nw&lt;&#x41;" w=\'"\'/>';
    const t = fast(text)!;
    assert.equal(t.attrValue[0], 'x&y\nz q w<A');
    assert.equal(t.attrValue[1], '"');
    const [a, b] = both(text);
    assert.deepEqual(a, b);
  });

  it('resolves prefixes by scope and maps tolerated namespace URIs with the same warning', () => {
    const text = '<o:Envelope xmlns:o="http://schemas.dmtf.org/ovf/envelope/1/" xmlns:e="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData.xsd"><x xmlns:o="urn:inner" o:k="1" e:k="2"/><o:y xml:lang="fr"/></o:Envelope>';
    assert.ok(fast(text));
    const [a, b] = both(text);
    assert.deepEqual(a, b);
  });

  for (const [what, text] of [
    ['a DOCTYPE', '<!DOCTYPE a><a/>'],
    ['an unbound prefix', '<p:a/>'],
    ['the same attribute twice under two prefixes', '<a xmlns:p="urn:x" xmlns:q="urn:x" p:z="1" q:z="2"/>'],
    ['"--" inside a comment', '<a><!-- x -- y --></a>'],
    ['"]]>" in text', '<a>x ]]> y</a>'],
    ['an undefined entity', '<a>&nbsp;</a>'],
    ['a character reference to a forbidden character', '<a>&#0;</a>'],
    ['a non-BMP character (saxes counts its column once)', '<a>\ud83d\ude00</a>'],
    ['a mismatched end tag', '<a></b>'],
    ['text outside the root', '<a/>x'],
    ['undeclaring a prefix', '<a xmlns:p=""/>'],
    ['an element with more than 64 attributes (its duplicate checks are quadratic)', `<a ${Array.from({ length: 65 }, (_, i) => `a${i}="1"`).join(' ')}/>`],
    ['more than 64 namespace bindings in scope (resolving scans them)', `<a ${Array.from({ length: 63 }, (_, i) => `xmlns:p${i}="urn:${i}"`).join(' ')}/>`],
  ] as const) {
    it(`leaves ${what} to saxes, which gives the same answer as before`, () => {
      assert.equal(fast(text), undefined);
      const [a, b] = both(text);
      assert.deepEqual(a, b);
    });
  }

  it('reads a document exactly at its element and attribute bounds itself, and leaves one past them to saxes', () => {
    const text = '<a xmlns="urn:a" x="1"><b y="2" z="3"/><c/></a>';
    const at = { maxElements: 3, maxAttributes: 4, maxAttributesPerElement: 2 };
    assert.ok(fastTree(text, xmlBounds(at), []));
    for (const past of [{ ...at, maxElements: 2 }, { ...at, maxAttributes: 3 }, { ...at, maxAttributesPerElement: 1 }]) {
      assert.equal(fastTree(text, xmlBounds(past), []), undefined);
      const [a, b] = both(text, past);
      assert.deepEqual(a, b);
    }
  });

  itCorpus('agrees with saxes on corpus descriptors under random element and attribute bounds', () => {
    const descriptors = corpusDescriptors();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: descriptors.length - 1 }),
        fc.record({ maxElements: fc.integer({ min: 1, max: 400 }), maxAttributes: fc.integer({ min: 0, max: 600 }), maxAttributesPerElement: fc.integer({ min: 0, max: 12 }) }, { requiredKeys: [] }),
        (di, limits) => {
          const [a, b] = both(descriptors[di]!.text, limits);
          assert.deepEqual(a, b);
        },
      ),
      { numRuns: Number(process.env['OVFKIT_FUZZ_RUNS'] ?? 300) },
    );
  });

  itCorpus('agrees with saxes on corpus descriptors with fragments spliced in anywhere', () => {
    const descriptors = corpusDescriptors();
    const fragments = [
      '<!-- c -->', '<!---->', '<?pi data?>', '<![CDATA[a<b]]>', '&amp;', '&#x41;', '&#65;', '\r\n', '\r', '\t', ' ]] ', ']]>', '&', '<', '>',
      '"', "'", '=', '<a/>', '</a>', '<x:y/>', ' xmlns:zz="urn:zz" zz:a="x&amp;y&#10;z"', ' xml:lang="fr"', ' xmlns=""', ' xmlns:p=""',
      '<!DOCTYPE x>', '\u0001', '\ud83d\ude00', '\u00e9', '&#xD800;', '&bogus;', '<?xml x?>',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: descriptors.length - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(...fragments),
        fc.constantFrom('anywhere', 'after <', 'before >', 'after >', 'crlf', 'one line'),
        (di, where, fragment, how) => {
          const s = descriptors[di]!.text;
          const at = Math.floor(where * s.length);
          let text: string;
          if (how === 'crlf') text = s.replace(/\n/g, '\r\n');
          else if (how === 'one line') text = s.replace(/\r?\n[ \t]*/g, '');
          else {
            const anchor = how === 'anywhere' ? at : s.indexOf(how.endsWith('<') ? '<' : '>', at);
            const i = anchor < 0 ? at : how === 'after <' || how === 'after >' ? anchor + 1 : anchor;
            text = s.slice(0, i) + fragment + s.slice(i);
          }
          const [a, b] = both(text);
          assert.deepEqual(a, b);
        },
      ),
      { numRuns: Number(process.env['OVFKIT_FUZZ_RUNS'] ?? 300) },
    );
  });
});
