/**
 * Property-based fuzzing: no input made from mutated corpus descriptors makes parseDescriptor
 * throw or return a malformed result. Runs are seeded by fast-check and reported on failure
 * (re-run with the printed seed to reproduce).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { type OvfParseDescriptorResult, parseDescriptor } from '@ovfkit/core';
import { provenance, readCorpus } from './corpus';
import { itCorpus } from './paths';

/** The corpus descriptors' bytes, read when the fuzzing test runs. */
const corpusDescriptors = (): Buffer[] => provenance().filter((r) => r.kind === 'descriptor').map((r) => readCorpus(r.localPath));

/** Fragments that stress an XML/OVF reader when spliced in anywhere. */
const NASTY = [
  '<', '>', '&', '&amp;', '&xxe;', '"', "'", ']]>', '<![CDATA[', '<!--', '-->', '<?xml version="1.0"?>', '<!DOCTYPE x [<!ENTITY a "b">]>',
  'xmlns:ovf="urn:other"', 'xmlns="http://schemas.dmtf.org/ovf/envelope/2"', 'ovf:id=""', 'ovf:size="-1"', 'ovf:size="1e400"',
  'ovf:capacity="99999999999999999999999"', 'ovf:capacityAllocationUnits="byte * 2^999"', 'ovf:configuration="nope"',
  'ovf:bound="min"', 'ovf:required="true"', '<rasd:Parent>1</rasd:Parent>', '<Item>', '</Item>', '<VirtualSystem ovf:id="x">',
  '<Section xsi:type="ovf:FooSection_Type">', 'ovf:qualifiers="ValueMap{&quot;a"', 'ovf:qualifiers="MinLen(9) MaxLen(1)"',
  '\u0000', '\uFFFE', '\uD800', '\u00e9', '\r\n',
];

type Mutation = (b: Buffer) => Buffer;

/** Values that stay well-formed XML but stress OVF semantics: numbers, ids, references, placeholders. */
const VALUES = [
  '', ' ', '0', '-1', '1e400', '9223372036854775807', '18446744073709551616', 'NaN', '0x10', '${nope}', '${disk}',
  'file1', 'vmdisk1', 'ovf:/disk/vmdisk1', 'ovf:/disk/ghost', '/disk/x', 'small', 'large tiny', 'true', 'false', 'min',
  'max', 'normal', 'byte * 2^99', 'byte * 2^-3', 'MinLen(5) MaxLen(2)', 'ValueMap{&quot;a&quot;', 'Ip(&quot;x&quot;)',
  'vmx-99', '1', '2', '10', '17', '&amp;&lt;&gt;', '&#x10FFFF;', '&#0;', 'x'.repeat(300),
];

/** Replaces the n-th attribute value or leaf text with one of VALUES (keeps the XML well-formed). */
function swapValue(b: Buffer, n: number, value: string, attr: boolean): Buffer {
  const s = b.toString('latin1');
  const re = attr ? /="[^"<&]*"/g : />[^<>&]{1,200}</g;
  const hits: number[] = [];
  for (let m = re.exec(s); m && hits.length < 5000; m = re.exec(s)) hits.push(m.index, m[0].length);
  if (hits.length === 0) return b;
  const k = (n % (hits.length / 2)) * 2;
  const at = hits[k]!;
  const len = hits[k + 1]!;
  const replacement = attr ? `="${value}"` : `>${value}<`;
  return Buffer.concat([b.subarray(0, at), Buffer.from(replacement, 'latin1'), b.subarray(at + len)]);
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.constantFrom(...VALUES), fc.boolean()).map(([n, v, attr]): Mutation => (b) => swapValue(b, n, v, attr)),
  fc.tuple(fc.nat(), fc.constantFrom(...VALUES), fc.boolean()).map(([n, v, attr]): Mutation => (b) => swapValue(b, n, v, attr)),
  fc.tuple(fc.nat(), fc.nat({ max: 4000 })).map(([at, len]): Mutation => (b) => Buffer.concat([b.subarray(0, at % (b.length + 1)), b.subarray(Math.min(b.length, (at % (b.length + 1)) + len))])),
  fc.tuple(fc.nat(), fc.constantFrom(...NASTY)).map(([at, s]): Mutation => (b) => {
    const i = at % (b.length + 1);
    return Buffer.concat([b.subarray(0, i), Buffer.from(s), b.subarray(i)]);
  }),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([at, bytes]): Mutation => (b) => {
    const c = Buffer.from(b);
    const i = at % Math.max(1, c.length);
    for (let k = 0; k < bytes.length && i + k < c.length; k++) c[i + k] = bytes[k]!;
    return c;
  }),
  fc.nat().map((at): Mutation => (b) => b.subarray(0, at % (b.length + 1))),
  fc.tuple(fc.nat(), fc.nat({ max: 2000 }), fc.nat()).map(([from, len, to]): Mutation => (b) => {
    const s = from % (b.length + 1);
    const piece = b.subarray(s, Math.min(b.length, s + len));
    const t = to % (b.length + 1);
    return Buffer.concat([b.subarray(0, t), piece, b.subarray(t)]);
  }),
);

function assertWellFormedResult(r: OvfParseDescriptorResult): void {
  assert.equal(typeof r.annotation, 'string');
  assert.equal(typeof r.defaultEntityName, 'string');
  assert.equal(typeof r.virtualApp, 'boolean');
  assert.ok(Array.isArray(r.error) && Array.isArray(r.warning));
  for (const i of [...r.error!, ...r.warning!]) {
    assert.equal(typeof i.fault._typeName, 'string');
    assert.equal(typeof i.localizedMessage, 'string');
    assert.equal(typeof i.code, 'string');
    assert.notEqual(i.code, 'INTERNAL', `internal error: ${i.localizedMessage}`);
  }
  for (const n of [r.approximateDownloadSize, r.approximateFlatDeploymentSize, r.approximateSparseDeploymentSize]) {
    if (n !== undefined) assert.ok(Number.isSafeInteger(n) && n >= 0, `size ${n} is a safe non-negative integer`);
  }
  JSON.stringify(r);
}

describe('parseDescriptor under fuzzing (fast-check over mutated corpus files)', function () {
  this.timeout(120000);

  itCorpus('never throws and always returns a well-formed result, from bytes or from text', () => {
    const descriptors = corpusDescriptors();
    fc.assert(
      fc.property(fc.nat({ max: descriptors.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.constantFrom('', 'small', 'tiny'), fc.constantFrom('', 'de', 'fr-FR'), (index, mutations, deploymentOption, locale) => {
        let b = descriptors[index]!;
        for (const m of mutations) b = m(b);
        assertWellFormedResult(parseDescriptor(b, { locale, deploymentOption }));
        assertWellFormedResult(parseDescriptor(b.toString('latin1'), { locale, deploymentOption }));
      }),
      { numRuns: Number(process.env['OVFKIT_FUZZ_RUNS'] ?? 400) },
    );
  });

  it('never throws on arbitrary strings and byte arrays', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.uint8Array({ maxLength: 400 })), (input) => {
        assertWellFormedResult(parseDescriptor(input, { locale: '', deploymentOption: '' }));
      }),
      { numRuns: 1000 },
    );
  });
});
