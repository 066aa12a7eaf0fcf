/**
 * Fuzzing of `ova unpack` destinations (issue 12 Proof, class 6): the destination absent, nested,
 * a folder, a link to a folder, a dangling link or a file; in each place a member goes nothing, a
 * file, a folder, a link to a file or folder outside, or a dangling link; with and without
 * --force, with a good or a tampered archive. Whatever the state, the CLI ends with 0, 1 or 2 and
 * no internal error; nothing outside the destination changes; it succeeds exactly when nothing is
 * in the way (or only files --force replaces) and the archive verifies, and then every member is
 * in place with its bytes and nothing else changed; when it fails the destination is as it was.
 * Fixed seed, bounded runs.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { tarHeader, tarPadding, tarTrailer } from '@ovfkit/package';
import { runCli } from './run-cli';

const RUNS = 60;
const SEED = 20261207;

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** The archive's members: a descriptor, its manifest, a disk and a file in a subfolder. */
const DISK = Buffer.alloc(3000, 9);
const NESTED = Buffer.from('nested file\n');
const OVF = Buffer.from(
  '<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"><References>' +
    `<File ovf:href="disk.vmdk" ovf:id="f1" ovf:size="${DISK.length}"/><File ovf:href="sub/b.bin" ovf:id="f2" ovf:size="${NESTED.length}"/>` +
    '</References><VirtualSystem ovf:id="v"><Info>x</Info></VirtualSystem></Envelope>',
);
const MF = Buffer.from(`SHA256(vm.ovf)= ${sha256(OVF)}\nSHA256(disk.vmdk)= ${sha256(DISK)}\nSHA256(sub/b.bin)= ${sha256(NESTED)}\n`);
const MEMBERS: Array<[string, Buffer]> = [['vm.ovf', OVF], ['vm.mf', MF], ['disk.vmdk', DISK], ['sub/b.bin', NESTED]];

function ova(tampered: boolean): Buffer {
  const parts: Buffer[] = [];
  for (const [name, data] of MEMBERS) {
    const d = tampered && name === 'disk.vmdk' ? Buffer.concat([data.subarray(0, 100), Buffer.from([data[100]! ^ 0xff]), data.subarray(101)]) : data;
    parts.push(tarHeader(name, d.length), d, tarPadding(d.length));
  }
  return Buffer.concat([...parts, tarTrailer()]);
}

type DestKind = 'absent' | 'absent-nested' | 'dir' | 'link-to-dir' | 'dangling' | 'file';
type Occupant = 'none' | 'file' | 'dir' | 'link-file' | 'link-dir' | 'dangling';
/** The places a member goes; `sub/b.bin` only matters when `sub` is a folder. */
const PLACES = ['vm.ovf', 'vm.mf', 'disk.vmdk', 'sub', 'sub/b.bin'] as const;

interface Case {
  dest: DestKind;
  places: Record<(typeof PLACES)[number], Occupant>;
  force: boolean;
  tampered: boolean;
}

const placesOf = (occupant: fc.Arbitrary<Occupant>): fc.Arbitrary<Case['places']> =>
  fc.record(Object.fromEntries(PLACES.map((p) => [p, occupant])) as Record<(typeof PLACES)[number], fc.Arbitrary<Occupant>>);
const caseArb: fc.Arbitrary<Case> = fc.record({
  dest: fc.constantFrom<DestKind>('absent', 'absent-nested', 'dir', 'dir', 'dir', 'link-to-dir', 'link-to-dir', 'dangling', 'file'),
  // Half the cases hold only what an unpack may meet (nothing, or old files), so both outcomes are reached.
  places: fc.oneof(placesOf(fc.constantFrom<Occupant>('none', 'none', 'file')), placesOf(fc.constantFrom<Occupant>('none', 'none', 'file', 'dir', 'link-file', 'link-dir', 'dangling'))),
  force: fc.boolean(),
  tampered: fc.constantFrom(false, false, false, true),
});

/** Every entry under `dir`, links not followed: type and content (or link target). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) out[r] = `link ${fs.readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[r] = 'dir';
        walk(p, r);
      } else out[r] = `file ${sha256(fs.readFileSync(p))}`;
    }
  };
  if (fs.existsSync(dir)) walk(dir, '');
  return out;
}

/** Puts `o` at `p`, pointing links into `outside`. */
function place(p: string, o: Occupant, outside: string): void {
  if (o === 'none') return;
  if (o === 'file') fs.writeFileSync(p, `old ${path.basename(p)}`);
  if (o === 'dir') {
    fs.mkdirSync(p);
    fs.writeFileSync(path.join(p, 'inside.txt'), 'kept');
  }
  if (o === 'link-file') fs.symlinkSync(path.join(outside, 'target.txt'), p);
  if (o === 'link-dir') fs.symlinkSync(path.join(outside, 'target-dir'), p);
  if (o === 'dangling') fs.symlinkSync(path.join(outside, 'nowhere'), p);
}

describe('fuzzing: ova unpack destinations (existing files, links, dangling links, folders in the way, --force)', function () {
  this.timeout(180_000);
  let root = '';
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-unpack-fuzz-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('ends cleanly, writes nothing outside, and is all or nothing', async () => {
    let n = 0;
    const seen = { ok: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const run = path.join(root, String(n++));
        const outside = path.join(run, 'outside');
        fs.mkdirSync(path.join(outside, 'target-dir'), { recursive: true });
        fs.writeFileSync(path.join(outside, 'target.txt'), 'outside file');
        fs.writeFileSync(path.join(outside, 'target-dir', 'x.txt'), 'outside folder');
        fs.writeFileSync(path.join(run, 'in.ova'), ova(c.tampered));
        // Where the files land: `out` itself, or the folder a link named `out` points to.
        const destArg = c.dest === 'absent-nested' ? 'a/b/out' : 'out';
        const real = c.dest === 'link-to-dir' ? path.join(run, 'real-out') : path.join(run, destArg);
        if (c.dest === 'link-to-dir') fs.symlinkSync(real, path.join(run, 'out'));
        if (c.dest === 'dangling') fs.symlinkSync(path.join(run, 'nowhere'), path.join(run, 'out'));
        if (c.dest === 'file') fs.writeFileSync(path.join(run, 'out'), 'a file');
        const filled = c.dest === 'dir' || c.dest === 'link-to-dir';
        if (filled) {
          fs.mkdirSync(real);
          fs.writeFileSync(path.join(real, 'keep.txt'), 'unrelated');
          for (const p of PLACES) {
            if (p === 'sub/b.bin' && c.places.sub !== 'dir') continue;
            place(path.join(real, p), c.places[p], outside);
          }
        }
        const before = { outside: snapshot(outside), run: snapshot(run) };
        const r = await runCli(['ova', 'unpack', 'in.ova', destArg, ...(c.force ? ['--force'] : []), '--json'], {}, run);
        try {
          assert.ok([0, 1, 2].includes(r.code), `exit ${r.code}: ${r.stdout}${r.stderr}`);
          assert.doesNotMatch(r.stdout + r.stderr, /internal error|INTERNAL/i);
          JSON.parse(r.stdout);
          assert.deepEqual(snapshot(outside), before.outside, 'nothing outside the destination changed');
          const inTheWay = (p: (typeof PLACES)[number]): boolean => {
            if (p === 'sub/b.bin' && c.places.sub !== 'dir') return false;
            const o = c.places[p];
            if (p === 'sub') return o !== 'none' && o !== 'dir';
            return o !== 'none' && !(o === 'file' && c.force);
          };
          const clear = !filled || !PLACES.some(inTheWay);
          const destUsable = c.dest !== 'dangling' && c.dest !== 'file';
          const shouldWork = !c.tampered && destUsable && clear;
          assert.equal(r.code === 0, shouldWork, `${shouldWork ? 'refused' : 'unpacked'} ${JSON.stringify(c)}: ${r.stdout}`);
          if (r.code === 0) {
            seen.ok++;
            const after = snapshot(real);
            for (const [name, data] of MEMBERS) assert.equal(after[name], `file ${sha256(data)}`, `${name} is in place with its bytes`);
            // Everything else in the destination is as it was; no staging or set-aside folder is left.
            const rest = (s: Record<string, string>): Record<string, string> =>
              Object.fromEntries(Object.entries(s).filter(([k]) => !MEMBERS.some(([m]) => m === k) && k !== 'sub'));
            const was = Object.fromEntries(Object.entries(before.run).filter(([k]) => k.startsWith(`${path.relative(run, real)}/`)).map(([k, v]) => [k.slice(path.relative(run, real).length + 1), v]));
            assert.deepEqual(rest(after), rest(was));
          } else {
            seen.refused++;
            assert.deepEqual(snapshot(run), before.run, 'a failed unpack leaves everything as it was (no destination created, nothing moved, no staging left)');
          }
        } finally {
          fs.rmSync(run, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    assert.ok(seen.ok > 5 && seen.refused > 5, JSON.stringify(seen));
  });
});
