import * as assert from 'node:assert/strict';
import { decode, encode, ExtData } from '@msgpack/msgpack';

import { containsUnknown, decodeDynamicValue, encodeDynamicValue, isUnknown, type TfType, Unknown, UNKNOWN, ValueShapeError } from './values';

const IMPORT_LIKE: TfType = ['object', {
  id: 'string', source: 'string', power_on: 'bool', workers: 'number',
  property_mapping: ['map', 'string'], vms: ['list', ['object', { id: 'string', num_cpus: 'number' }]],
}];

describe('DynamicValue in msgpack', () => {
  it('round-trips an object of every kind this provider uses, writing absent attributes as null', () => {
    const value = { id: 'VirtualMachine:vm-42', source: '/tmp/a.ova', power_on: true, workers: 4, property_mapping: { hostname: 'app01', 'VM Network': 'x' }, vms: [{ id: 'VirtualMachine:vm-42', num_cpus: 2 }] };
    assert.deepEqual(decodeDynamicValue(encodeDynamicValue(value, IMPORT_LIKE), IMPORT_LIKE), value);
    const sparse = decodeDynamicValue(encodeDynamicValue({ source: 'x' }, IMPORT_LIKE), IMPORT_LIKE);
    assert.deepEqual(sparse, { id: null, source: 'x', power_on: null, workers: null, property_mapping: null, vms: null });
  });

  it('writes an unknown as the extension code 0 (fixext 1), and reads it back as unknown wherever it sits', () => {
    const bytes = encodeDynamicValue(UNKNOWN, 'string').msgpack;
    assert.deepEqual([...bytes], [0xd4, 0x00, 0x00]);
    const v = decodeDynamicValue(encodeDynamicValue({ source: 'x', id: UNKNOWN, property_mapping: { a: 'b', c: UNKNOWN }, vms: UNKNOWN }, IMPORT_LIKE), IMPORT_LIKE) as Record<string, unknown>;
    assert.ok(isUnknown(v['id']) && isUnknown(v['vms']));
    assert.equal((v['property_mapping'] as Record<string, unknown>)['a'], 'b');
    assert.ok(isUnknown((v['property_mapping'] as Record<string, unknown>)['c']));
    assert.equal(containsUnknown(v as never), true);
    assert.equal(containsUnknown({ a: 'b', c: ['d'] }), false);
  });

  it('reads a refined unknown (extension 12: nullness, string prefix) with its refinements, and any other extension code as unknown', () => {
    // {1: false, 2: "https://"} with integer keys, as Terraform writes it.
    const refined = encode(new ExtData(12, Buffer.concat([Buffer.from([0x82, 0x01, 0xc2, 0x02]), encode('https://')])));
    const v = decodeDynamicValue({ msgpack: refined }, 'string');
    assert.ok(v instanceof Unknown);
    assert.equal(v.definitelyNotNull, true);
    assert.equal(v.refinements?.get(2), 'https://');
    // Encoding it again keeps the refinements under code 12.
    const again = decode(encodeDynamicValue(v, 'string').msgpack) as ExtData;
    assert.equal(again.type, 12);
    assert.deepEqual([...(again.data as Uint8Array)], [0x82, 0x01, 0xc2, 0x02, ...encode('https://')]);
    const other = decodeDynamicValue({ msgpack: encode(new ExtData(5, new Uint8Array([1, 2, 3]))) }, ['map', 'string']);
    assert.ok(isUnknown(other) && other.refinements === undefined);
  });

  it('reads numbers sent as integers, floats or decimal strings', () => {
    for (const [bytes, n] of [[encode(7), 7], [encode(2.5), 2.5], [encode('1024'), 1024], [encode(2n ** 40n, { useBigInt64: true }), 2 ** 40]] as const) {
      assert.equal(decodeDynamicValue({ msgpack: bytes }, 'number'), n);
    }
  });

  it('refuses a value that does not fit the schema, naming where (a peer on another schema), and an attribute the schema lacks', () => {
    assert.throws(() => decodeDynamicValue({ msgpack: encode({ source: 5 }) }, IMPORT_LIKE), (e: unknown) => e instanceof ValueShapeError && /at \.source: expected a string, got number 5/.test(e.message));
    assert.throws(() => decodeDynamicValue({ msgpack: encode({ nosuch: 'x' }) }, IMPORT_LIKE), /unsupported attribute "nosuch"/);
    assert.throws(() => decodeDynamicValue({ msgpack: encode({ vms: [{ id: 1 }] }) }, IMPORT_LIKE), /at \.vms\[0\]\.id: expected a string/);
  });

  it('reads the JSON form when msgpack is empty, and null from an empty message', () => {
    const json = Buffer.from(JSON.stringify({ source: 'x', power_on: false, property_mapping: { a: 'b' } }));
    assert.deepEqual(decodeDynamicValue({ msgpack: Buffer.alloc(0), json }, IMPORT_LIKE), { id: null, source: 'x', power_on: false, workers: null, property_mapping: { a: 'b' }, vms: null });
    assert.equal(decodeDynamicValue({}, IMPORT_LIKE), null);
    assert.equal(decodeDynamicValue(undefined, 'string'), null);
  });

  it('carries a dynamic value as [type JSON, value] in msgpack and {type, value} in JSON', () => {
    const enc = encodeDynamicValue({ a: 'x', n: [1, true] } as never, 'dynamic');
    const raw = decode(enc.msgpack) as [Uint8Array, unknown];
    assert.deepEqual(JSON.parse(Buffer.from(raw[0]).toString()), ['object', { a: 'string', n: ['tuple', ['number', 'bool']] }]);
    assert.deepEqual(decodeDynamicValue(enc, 'dynamic'), { a: 'x', n: [1, true] });
    assert.deepEqual(decodeDynamicValue({ json: Buffer.from('{"type":["list","string"],"value":["a"]}') }, 'dynamic'), ['a']);
  });

  it('bounds what it reads: a string longer than 16 MiB is refused', () => {
    const big = Buffer.alloc(5 + 16 * 1024 * 1024 + 1);
    big[0] = 0xdb; big.writeUInt32BE(16 * 1024 * 1024 + 1, 1);
    assert.throws(() => decodeDynamicValue({ msgpack: big }, 'string'), /exceeds|max/i);
  });
});
