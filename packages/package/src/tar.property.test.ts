import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { indexTar, readTar, tarHeader, tarPadding, tarTrailer } from './tar';

/** Archive bytes for members, written with our writer. */
function archive(members: { name: string; data: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) parts.push(tarHeader(m.name, m.data.length), m.data, tarPadding(m.data.length));
  parts.push(tarTrailer());
  return Buffer.concat(parts);
}

/** Splits bytes into pieces at arbitrary points, as a network or file stream would. */
function pieces(b: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    out.push(b.subarray(last, p));
    last = p;
  }
  out.push(b.subarray(last));
  return out.filter((x) => x.length > 0);
}

const segment = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_. -]{0,59}$/).filter((s) => s !== '.' && s !== '..');
const memberName = fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('/'));

describe('tar writer and reader, property-based', () => {
  it('read back exactly what was written, whatever the names, sizes and stream chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.record({ name: memberName, data: fc.uint8Array({ maxLength: 3000 }).map((u) => Buffer.from(u)) }), { maxLength: 6, selector: (m) => m.name }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (members, cuts) => {
          const bytes = archive(members);
          const got: { name: string; data: Buffer }[] = [];
          for await (const e of readTar(Readable.from(pieces(bytes, cuts)))) {
            const chunks: Buffer[] = [];
            for await (const c of e.stream) chunks.push(c as Buffer);
            got.push({ name: e.name, data: Buffer.concat(chunks) });
          }
          assert.deepEqual(got.map((g) => g.name), members.map((m) => m.name));
          got.forEach((g, i) => assert.ok(g.data.equals(members[i]?.data ?? Buffer.alloc(0))));
          const idx = await indexTar(async (o, l) => bytes.subarray(o, o + l), bytes.length);
          assert.deepEqual(idx.map((h) => [h.name, h.size]), members.map((m) => [m.name, m.data.length]));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never yields a member of an archive cut short: truncation is always an error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 2000 }), fc.nat(), async (data, cut) => {
        const bytes = archive([{ name: 'disk.vmdk', data: Buffer.from(data) }]);
        const at = cut % (bytes.length - 1024); // somewhere before the end-of-archive marker
        await assert.rejects(async () => {
          for await (const e of readTar(Readable.from([bytes.subarray(0, at)]))) for await (const _ of e.stream) void _;
        }, /truncated|cut short/);
      }),
      { numRuns: 100 },
    );
  });
});
