/**
 * Fuzzing of chunk sets (issue 12 Proof: "chunk sets"): a file stored as `href.000000000`, … with
 * chunks dropped (gaps), stored twice, resized, added past the end, misnamed or out of order, with
 * `ovf:size` exact, wrong or missing, read from a folder, a local .ova and the one-pass walk of an
 * .ova. Whatever the set, the read ends with ovfkit's own error or with exactly the file the chunks
 * make (every chunk but the last of ovf:chunkSize bytes, no gap, ovf:size when given): never a
 * short or padded file, never another exception. Fixed seed, bounded runs.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import fc from 'fast-check';
import { isOvfkitError } from '@ovfkit/core';
import { filesInOrder, openFile } from './files';
import { descriptorXml, rawTar } from './fixtures.test.support';
import { chunkIndex, chunkName, type FileReference } from './references';
import { openSource } from './source';
import { verifyPackage } from './verify';

const RUNS = 50;
const SEED = 20261207;
const HREF = 'disk.bin';

/** What is done to the honest chunk list before it is stored. */
type Op =
  | { kind: 'drop'; at: number }
  | { kind: 'twice'; at: number }
  | { kind: 'resize'; at: number; by: number }
  | { kind: 'extra'; past: number; bytes: number }
  | { kind: 'misnamed'; suffix: string }
  | { kind: 'swap'; a: number; b: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat(6) }),
  fc.record({ kind: fc.constant('twice' as const), at: fc.nat(6) }),
  fc.record({ kind: fc.constant('resize' as const), at: fc.nat(6), by: fc.integer({ min: -40, max: 40 }).filter((n) => n !== 0) }),
  fc.record({ kind: fc.constant('extra' as const), past: fc.nat(3), bytes: fc.nat(80) }),
  fc.record({ kind: fc.constant('misnamed' as const), suffix: fc.constantFrom('00000001', '0000000001', 'x', '-00000001', '+00000001', '00000000 ', '') }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(6), b: fc.nat(6) }),
);

interface Case {
  chunkSize: number;
  length: number;
  size: 'exact' | 'absent' | { off: number };
  ops: Op[];
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  chunkSize: fc.integer({ min: 1, max: 64 }),
  length: fc.nat(300),
  size: fc.oneof(fc.constant('exact' as const), fc.constant('absent' as const), fc.record({ off: fc.integer({ min: -70, max: 70 }).filter((n) => n !== 0) })),
  ops: fc.array(opArb, { maxLength: 3 }),
});

/** The stored members (name, bytes) in archive order, and the reference the descriptor declares. */
function build(c: Case): { members: { name: string; data: Buffer }[]; ref: FileReference } {
  const whole = Buffer.from(Array.from({ length: c.length }, (_, i) => (i * 7 + 3) & 0xff));
  const members: { name: string; data: Buffer }[] = [];
  for (let i = 0; i === 0 || i * c.chunkSize < c.length; i++) members.push({ name: chunkName(HREF, i), data: whole.subarray(i * c.chunkSize, (i + 1) * c.chunkSize) });
  for (const op of c.ops) {
    const at = (n: number): number => n % Math.max(1, members.length);
    if (op.kind === 'drop' && members.length) members.splice(at(op.at), 1);
    if (op.kind === 'twice' && members.length) members.splice(at(op.at) + 1, 0, { ...members[at(op.at)]! });
    if (op.kind === 'resize' && members.length) {
      const m = members[at(op.at)]!;
      m.data = op.by > 0 ? Buffer.concat([m.data, Buffer.alloc(op.by, 0xee)]) : m.data.subarray(0, Math.max(0, m.data.length + op.by));
    }
    if (op.kind === 'extra') {
      const last = Math.max(-1, ...members.map((m) => chunkIndex(m.name, HREF) ?? -1));
      members.push({ name: chunkName(HREF, last + 1 + op.past), data: Buffer.alloc(op.bytes, 0xdd) });
    }
    if (op.kind === 'misnamed') members.push({ name: `${HREF}.${op.suffix}`, data: Buffer.alloc(5, 0xcc) });
    if (op.kind === 'swap' && members.length) {
      const [a, b] = [at(op.a), at(op.b)];
      [members[a], members[b]] = [members[b]!, members[a]!];
    }
  }
  const ref: FileReference = { href: HREF, id: 'f1', chunkSize: c.chunkSize };
  if (c.size === 'exact') ref.size = c.length;
  else if (c.size !== 'absent') ref.size = Math.max(0, c.length + c.size.off);
  return { members, ref };
}

/**
 * What a successful read must give for these stored chunks (the last copy of a name wins, as in a
 * folder): chunks 0..n-1 without a gap (n from ovf:size, else every chunk stored), each but the
 * last of ovf:chunkSize bytes, joined to ovf:size bytes when given. Undefined: no read may succeed.
 */
function expected(stored: Map<string, Buffer>, ref: FileReference): Buffer | undefined {
  const cs = ref.chunkSize!;
  const indexes = [...stored.keys()].map((n) => chunkIndex(n, HREF)).filter((i): i is number => i !== undefined);
  const n = ref.size !== undefined ? Math.max(1, Math.ceil(ref.size / cs)) : indexes.length;
  // No chunk at all is no file, whatever the size says.
  if (n === 0) return undefined;
  const parts: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const p = stored.get(chunkName(HREF, i));
    if (!p) return undefined;
    if (i < n - 1 ? p.length !== cs : p.length > cs) return undefined;
    parts.push(p);
  }
  const out = Buffer.concat(parts);
  return ref.size !== undefined && out.length !== ref.size ? undefined : out;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Runs a read; the outcome is a file or ovfkit's own error, never another exception. */
async function outcome(read: () => Promise<Buffer>): Promise<Buffer | 'refused'> {
  try {
    return await read();
  } catch (e) {
    assert.ok(isOvfkitError(e), `not an ovfkit error: ${(e as Error)?.stack ?? String(e)}`);
    return 'refused';
  }
}

describe('fuzzing: chunk sets (gaps, duplicates, sizes, missing ovf:size) are a whole file or a clear error', function () {
  this.timeout(120_000);
  let root = '';
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-chunks-fuzz-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('a folder, a local .ova (openFile and the one-pass walk) and verifyPackage', async () => {
    let n = 0;
    const seen = { read: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const dir = path.join(root, String(n++));
        fs.mkdirSync(dir);
        try {
          const { members, ref } = build(c);
          const descriptor = Buffer.from(descriptorXml([{ href: HREF, id: 'f1', chunkSize: ref.chunkSize!, ...(ref.size !== undefined ? { size: ref.size } : {}) }]));
          const folder = path.join(dir, 'pkg');
          fs.mkdirSync(folder);
          fs.writeFileSync(path.join(folder, 'vm.ovf'), descriptor);
          const stored = new Map<string, Buffer>();
          for (const m of members) {
            fs.writeFileSync(path.join(folder, m.name), m.data);
            stored.set(m.name, m.data);
          }
          const ova = path.join(dir, 'pkg.ova');
          fs.writeFileSync(ova, rawTar([{ name: 'vm.ovf', data: descriptor }, ...members]));
          const want = expected(stored, ref);
          const results: Array<[string, Buffer | 'refused']> = [];
          const fromFolder = await openSource(folder);
          results.push(['folder', await outcome(async () => readAll(await openFile(fromFolder, ref)))]);
          for (const [label, read] of [
            ['ova openFile', async (): Promise<Buffer> => readAll(await openFile(await openSource(ova), ref))],
            [
              'ova one pass',
              async (): Promise<Buffer> => {
                const parts: Buffer[] = [];
                for await (const f of filesInOrder(await openSource(ova), [ref])) parts.push(await readAll(f.stream));
                return Buffer.concat(parts);
              },
            ],
          ] as const) {
            results.push([label, await outcome(read)]);
          }
          for (const [label, r] of results) {
            if (r === 'refused') {
              seen.refused++;
              continue;
            }
            seen.read++;
            assert.ok(want !== undefined, `${label} read ${r.length} bytes from a chunk set that makes no whole file: ${JSON.stringify(members.map((m) => [m.name, m.data.length]))} size ${ref.size}`);
            assert.ok(r.equals(want), `${label} read ${r.length} bytes, the chunks make ${want.length}`);
          }
          // The folder: a set that makes the whole file is read (no false refusal).
          if (want !== undefined && !c.ops.some((o) => o.kind === 'misnamed' || o.kind === 'extra')) assert.notEqual(results[0]![1], 'refused', 'the folder read of a whole chunk set was refused');
          for (const src of [folder, ova]) {
            try {
              await verifyPackage(await openSource(src));
            } catch (e) {
              assert.ok(isOvfkitError(e), `verifyPackage threw ${(e as Error)?.stack ?? String(e)}`);
            }
          }
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The generator reaches both outcomes.
    assert.ok(seen.read > 10 && seen.refused > 10, JSON.stringify(seen));
  });
});
