/**
 * `pnpm bench package`: manifest verification of a 2 GiB OVA against `openssl dgst -sha256`
 * and a plain Node hashing loop over the same file, peak RSS of the verifying process against a
 * bare Node process, and packing against GNU `tar`, all in
 * the same run. The package is generated under .bench/package (gitignored) on first use.
 * Verification of the package's folder (the same bytes, one file each) is measured beside the
 * OVA's; `OVFKIT_BENCH_BASELINE=<built checkout>` adds that checkout's folder verification, and
 * `OVFKIT_BENCH_VERIFY_ONLY=1` skips the packing part.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../paths';

const GIB = 1024 ** 3;
const SIZE = Number(process.env['OVFKIT_BENCH_BYTES'] ?? 2 * GIB);
const dir = path.join(repoRoot, '.bench', 'package');
const pkgDir = path.join(dir, 'pkg');
const ova = path.join(dir, 'bench.ova');
const packageDist = path.join(repoRoot, 'packages', 'package', 'dist', 'index.js');
const cliBin = path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js');

function generate(): void {
  const disk = path.join(pkgDir, 'disk1.vmdk');
  if (fs.existsSync(ova) && fs.existsSync(disk) && fs.statSync(disk).size === SIZE) return;
  fs.mkdirSync(pkgDir, { recursive: true });
  process.stdout.write(`generating a ${(SIZE / GIB).toFixed(2)} GiB package in ${path.relative(repoRoot, dir)} …\n`);
  // Varying, incompressible-looking bytes: a random 1 MiB block with the block number stamped in.
  const block = Buffer.alloc(1 << 20);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, i);
  const fd = fs.openSync(disk, 'w');
  const hash = createHash('sha256');
  for (let off = 0, n = 0; off < SIZE; off += block.length, n++) {
    block.writeUInt32LE(n, 0);
    const part = block.subarray(0, Math.min(block.length, SIZE - off));
    fs.writeSync(fd, part);
    hash.update(part);
  }
  fs.closeSync(fd);
  const ovf = `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References><File ovf:href="disk1.vmdk" ovf:id="file1" ovf:size="${SIZE}"/></References>
  <VirtualSystem ovf:id="bench"><Info>benchmark</Info></VirtualSystem>
</Envelope>
`;
  fs.writeFileSync(path.join(pkgDir, 'bench.ovf'), ovf);
  fs.writeFileSync(path.join(pkgDir, 'bench.mf'), `SHA256(bench.ovf)= ${createHash('sha256').update(ovf).digest('hex')}\nSHA256(disk1.vmdk)= ${hash.digest('hex')}\n`);
  const r = spawnSync('tar', ['--format=ustar', '-cf', ova, 'bench.ovf', 'bench.mf', 'disk1.vmdk'], { cwd: pkgDir });
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr.toString()}`);
}

/** Runs a command, returns wall seconds and the child's stdout. */
function timed(cmd: string, args: string[], cwd = dir): { secs: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, maxBuffer: 1 << 24 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return { secs, stdout: r.stdout.toString() };
}

/** One run under /usr/bin/time: wall and CPU (user + system) seconds, peak RSS in KiB. */
interface Run {
  wall: number;
  cpu: number;
  rssKiB: number;
}
function measured(cmd: string, args: string[]): Run {
  const out = path.join(dir, 'time.out');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', out, cmd, ...args], { cwd: dir, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.toString()}`);
  const [wall, user, sys, rss] = fs.readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { wall: wall!, cpu: user! + sys!, rssKiB: rss! };
}

/** `verifyPackage` of argv[1] with the @ovfkit/package at `dist` (this build's, or a baseline's). */
const verifyWith = (dist: string): string => `
const p = require(${JSON.stringify(dist)});
(async () => {
  const v = await p.verifyPackage(await p.openSource(process.argv[1]));
  if (!v.ok) { console.error(JSON.stringify(v.issues)); process.exit(1); }
})();`;
const verifyScript = verifyWith(packageDist);
/** `OVFKIT_BENCH_BASELINE=<built checkout>`: its folder verification runs too, interleaved (before and after in one run). */
const baseline = process.env['OVFKIT_BENCH_BASELINE'] ? path.resolve(process.env['OVFKIT_BENCH_BASELINE']) : undefined;

/** The hashing limit in Node: positional reads into one reused 1 MiB buffer, SHA-256 of each. */
const plainLoopScript = `
const fs = require('fs'), h = require('crypto').createHash('sha256');
const fd = fs.openSync(process.argv[1], 'r'), b = Buffer.allocUnsafe(1 << 20);
for (let n; (n = fs.readSync(fd, b, 0, b.length, null)) > 0;) h.update(b.subarray(0, n));
h.digest('hex');`;

const best = (xs: number[]): number => Math.min(...xs);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ROUNDS = Number(process.env['OVFKIT_BENCH_ROUNDS'] ?? 5);

export async function run(): Promise<void> {
  generate();
  const bytes = fs.statSync(ova).size;
  const mbps = (s: number): string => `${(bytes / s / 1e6).toFixed(0)} MB/s`;
  process.stdout.write(`OVA: ${bytes} bytes; node ${process.version}; load average ${os.loadavg()[0]!.toFixed(1)}; ${ROUNDS} alternating rounds (file in the page cache after the first)\n`);
  const sides: { label: string; cmd: string; args: string[]; runs: Run[] }[] = [
    { label: 'openssl dgst -sha256', cmd: 'openssl', args: ['dgst', '-sha256', ova], runs: [] },
    { label: 'plain Node loop (readSync + createHash)', cmd: process.execPath, args: ['-e', plainLoopScript, ova], runs: [] },
    { label: 'ovfkit verifyPackage', cmd: process.execPath, args: ['-e', verifyScript, ova], runs: [] },
    { label: 'bare Node process (node -e 0)', cmd: process.execPath, args: ['-e', '0'], runs: [] },
    { label: 'ovfkit verifyPackage of the folder', cmd: process.execPath, args: ['-e', verifyScript, pkgDir], runs: [] },
    ...(baseline ? [{ label: 'the folder, baseline build', cmd: process.execPath, args: ['-e', verifyWith(path.join(baseline, 'packages', 'package', 'dist', 'index.js')), pkgDir], runs: [] as Run[] }] : []),
  ];
  for (let round = 0; round < ROUNDS; round++) for (const s of sides) s.runs.push(measured(s.cmd, s.args));
  const [openssl, loop, ours, bare, folder, folderBefore] = sides as [typeof sides[0], typeof sides[0], typeof sides[0], typeof sides[0], typeof sides[0], typeof sides[0] | undefined];
  for (const s of [openssl, loop, ours, folder, ...(folderBefore ? [folderBefore] : [])]) {
    const w = s.runs.map((r) => r.wall);
    const c = s.runs.map((r) => r.cpu);
    process.stdout.write(`verify  ${s.label.padEnd(40)} wall median ${median(w).toFixed(2)} s (${mbps(median(w))}), best ${best(w).toFixed(2)} s; CPU median ${median(c).toFixed(2)} s, best ${best(c).toFixed(2)} s; peak RSS ${(Math.max(...s.runs.map((r) => r.rssKiB)) / 1024).toFixed(0)} MiB\n`);
  }
  const ratio = (base: typeof openssl, f: (r: Run) => number, pick: (xs: number[]) => number): string => (pick(base.runs.map(f)) / pick(ours.runs.map(f))).toFixed(2);
  process.stdout.write(`verify  ratio ovfkit / openssl throughput: ${ratio(openssl, (r) => r.wall, median)} median wall, ${ratio(openssl, (r) => r.wall, best)} best wall, ${ratio(openssl, (r) => r.cpu, median)} per CPU second (median) (target ≥ 0.95)\n`);
  process.stdout.write(`verify  ratio ovfkit / plain Node loop:    ${ratio(loop, (r) => r.wall, median)} median wall, ${ratio(loop, (r) => r.wall, best)} best wall, ${ratio(loop, (r) => r.cpu, median)} per CPU second (median)\n`);
  const bareRss = Math.max(...bare.runs.map((r) => r.rssKiB));
  const oursRss = Math.max(...ours.runs.map((r) => r.rssKiB));
  process.stdout.write(`verify  peak RSS ${(oursRss / 1024).toFixed(0)} MiB, ${((oursRss - bareRss) / 1024).toFixed(0)} MiB above a bare Node process (${(bareRss / 1024).toFixed(0)} MiB) (target ≤ 64 MiB above)\n`);
  const folderRss = Math.max(...folder.runs.map((r) => r.rssKiB));
  const against = (f: (r: Run) => number): string => (median(folder.runs.map(f)) / median(ours.runs.map(f))).toFixed(2);
  process.stdout.write(`verify  the folder (same bytes, read per file): ${against((r) => r.cpu)}× the OVA's CPU, ${against((r) => r.wall)}× its wall (medians); per CPU second the OVA ${ratio(openssl, (r) => r.cpu, median)}× openssl, the folder ${(median(openssl.runs.map((r) => r.cpu)) / median(folder.runs.map((r) => r.cpu))).toFixed(2)}×; peak RSS ${((folderRss - bareRss) / 1024).toFixed(0)} MiB above a bare Node process\n`);
  if (folderBefore) {
    const beforeRss = Math.max(...folderBefore.runs.map((r) => r.rssKiB));
    process.stdout.write(`verify  the folder at the baseline build: per CPU second ${(median(openssl.runs.map((r) => r.cpu)) / median(folderBefore.runs.map((r) => r.cpu))).toFixed(2)}× openssl (this build ${(median(folderBefore.runs.map((r) => r.cpu)) / median(folder.runs.map((r) => r.cpu))).toFixed(2)}× faster per CPU second); peak RSS ${((beforeRss - bareRss) / 1024).toFixed(0)} MiB above a bare Node process\n`);
  }
  if (process.env['OVFKIT_BENCH_VERIFY_ONLY'] === '1') return;

  const packed = path.join(dir, 'packed.ova');
  const tarOut = path.join(dir, 'tar.ova');
  const tars: number[] = [];
  const packs: number[] = [];
  for (let round = 0; round < 3; round++) {
    tars.push(timed('tar', ['--format=ustar', '-cf', tarOut, 'bench.ovf', 'bench.mf', 'disk1.vmdk'], pkgDir).secs);
    packs.push(timed(process.execPath, [cliBin, 'ova', 'pack', pkgDir, packed, '--force'], dir).secs);
  }
  const t = best(tars);
  const p = best(packs);
  process.stdout.write(`pack    GNU tar --format=ustar: ${t.toFixed(2)} s (${mbps(t)})\n`);
  process.stdout.write(`pack    ovfkit ova pack:        ${p.toFixed(2)} s (${mbps(p)})  throughput ratio ${(t / p).toFixed(2)}\n`);
  fs.rmSync(packed, { force: true });
  fs.rmSync(tarOut, { force: true });
}
