import * as assert from 'node:assert/strict';
import { parseQualifiers, toVAppType } from './property-type';

describe('OVF property types in vApp syntax', () => {
  it('maps string length qualifiers to string(min..max)', () => {
    assert.equal(toVAppType('string', 'MinLen(1),MaxLen(64)', false).type, 'string(1..64)');
    assert.equal(toVAppType('string', 'MaxLen(5)', false).type, 'string(..5)');
    assert.equal(toVAppType('string', 'MinLen(8)', true).type, 'password(8..)');
  });

  it('maps a ValueMap to a quoted choice list and checks membership', () => {
    const t = toVAppType('string', 'ValueMap{"small", "medium","large"}', false);
    assert.equal(t.type, 'string["small", "medium", "large"]');
    assert.equal(t.check('medium'), undefined);
    assert.match(t.check('huge') ?? '', /not one of/);
  });

  it('maps CIM integers with MinValue/MaxValue to int(min..max) and checks range', () => {
    const t = toVAppType('uint16', 'MinValue(1) MaxValue(10000)', false);
    assert.equal(t.type, 'int(1..10000)');
    assert.equal(t.check('10001'), 'is outside 1..10000');
    assert.equal(t.check('abc'), 'is not a whole number');
    assert.equal(toVAppType('uint8', 'ValueMap{1,2,3}', false).type, 'int(1..3)');
  });

  it('maps VMware Ip and expression qualifiers', () => {
    assert.deepEqual({ ...toVAppType('string', 'Ip("Management")', false), check: undefined, problems: undefined }, { type: 'ip:Management', typeReference: 'Management', check: undefined, problems: undefined });
    const e = toVAppType('string', 'Net(Management)', false);
    assert.equal(e.type, 'expression');
    assert.equal(e.expressionDefault, '${net:Management}');
  });

  it('reports malformed qualifiers and unknown types, and ignores unknown qualifiers with a note', () => {
    assert.deepEqual(toVAppType('string', 'MaxLen(abc)', false).problems.map((p) => p.kind), ['qualifier']);
    assert.deepEqual(toVAppType('string', 'ValueMap{"a"', false).problems.map((p) => p.kind), ['qualifier']);
    assert.deepEqual(toVAppType('colour', undefined, false).problems.map((p) => p.kind), ['type']);
    assert.deepEqual(toVAppType('string', 'Shiny', false).problems.map((p) => p.kind), ['ignored']);
  });

  it('splits qualifier lists on commas and spaces but not inside braces or quotes', () => {
    assert.deepEqual(parseQualifiers('ValueMap{"a, b","c"} MaxLen(3)').qualifiers.map((q) => [q.name, q.args]), [['ValueMap', ['a, b', 'c']], ['MaxLen', ['3']]]);
  });
});
