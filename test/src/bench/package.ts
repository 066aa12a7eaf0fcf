/**
 * `pnpm bench package`: manifest verification of a 2 GiB OVA against `openssl dgst -sha256`
 * over the same file, peak RSS of the verifying process, and packing against GNU `tar`, all in
 * the same run. The package is generated under .bench/package (gitignored) on first use.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
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

const verifyScript = `
const p = require(${JSON.stringify(packageDist)});
(async () => {
  const v = await p.verifyPackage(await p.openSource(process.argv[1]));
  if (!v.ok) { console.error(JSON.stringify(v.issues)); process.exit(1); }
  console.log(JSON.stringify({ bytesHashed: v.bytesHashed, maxRssKB: process.resourceUsage().maxRSS }));
})();`;

const best = (xs: number[]): number => Math.min(...xs);

export async function run(): Promise<void> {
  generate();
  const bytes = fs.statSync(ova).size;
  const mbps = (s: number): string => `${(bytes / s / 1e6).toFixed(0)} MB/s`;
  process.stdout.write(`OVA: ${bytes} bytes; node ${process.version}; 3 rounds, best of each\n`);
  const openssl: number[] = [];
  const ours: number[] = [];
  let rssKB = 0;
  for (let round = 0; round < 3; round++) {
    openssl.push(timed('openssl', ['dgst', '-sha256', ova]).secs);
    const r = timed(process.execPath, ['-e', verifyScript, ova]);
    ours.push(r.secs);
    rssKB = Math.max(rssKB, (JSON.parse(r.stdout.trim()) as { maxRssKB: number }).maxRssKB);
  }
  const o = best(openssl);
  const v = best(ours);
  process.stdout.write(`verify  openssl dgst -sha256: ${o.toFixed(2)} s (${mbps(o)})\n`);
  process.stdout.write(`verify  ovfkit verifyPackage: ${v.toFixed(2)} s (${mbps(v)})  throughput ratio ${(o / v).toFixed(2)} (target ≥ 0.80)\n`);
  process.stdout.write(`verify  peak RSS of the verifying process: ${(rssKB / 1024).toFixed(0)} MB (target ≤ 150 MB)\n`);

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
