/**
 * `pnpm bench import`, two comparisons (OVFKIT_BENCH_IMPORT=govmomi, curl or all; default govmomi):
 *
 * govmomi — parallel disks (issue 18): an OVA with 4 disks of 512 MiB (random data, a SHA256
 * manifest, so ovfkit checks every byte) imported into the simulator with each NFC connection
 * capped at 100 MB/s (its `nfcRateLimit` injection, as real NFC is bounded per stream), by
 * `ovfkit import` (4 disks at once, the default), `ovfkit import --parallel-disks 1` and
 * govmomi's own import flow (test/bench-go/ovfimport: govc's import.ova over Debian's govmomi
 * 0.24.2, one disk after the other; it checks no manifest); then one disk of 4096 MiB without the
 * cap, ovfkit against govmomi. Every side is a child process timed from spawn to exit (login,
 * lease, uploads, completion), alternating, best of OVFKIT_BENCH_ROUNDS (default 2).
 * OVFKIT_BENCH_DISKS (4), OVFKIT_BENCH_PARALLEL_MIB (512), OVFKIT_BENCH_SINGLE_MIB (4096),
 * OVFKIT_BENCH_NFC_RATE (bytes per second per connection, 100000000) change the sizes.
 *
 * curl —
 * import an OVA with a 4 GiB disk into the simulator with `ovfkit import`
 * (a child process, so its peak RSS is its own), against `curl` POSTing the same VMDK bytes to a
 * lease URL of the same simulator in the same run; then export the VM back with `ovfkit export`
 * against `curl -o file` downloading the same export lease URL. Both sides are measured the same
 * way: a child process timed from spawn to exit, the baseline being lib/curl-lease.ts (Node
 * start-up, login, lease, curl, lease completion, as the ovfkit command does); curl's own time is
 * printed as well. Prints throughput ratios and peak RSS.
 *
 * OVFKIT_BENCH_API_VERSION the simulator's API version (default 8.0.3.0),
 * OVFKIT_BENCH_DISK_MIB overrides the disk size (default 4096), OVFKIT_BENCH_ROUNDS the number of
 * alternating runs (default 2), OVFKIT_BENCH_NODE_ARGS adds node flags to the ovfkit commands.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Inventory, VimSession, destroyEntity } from '@ovfkit/vsphere';
import { repoRoot } from '../paths';
import type { Simulator } from '../sim/simulator';
import { startSimulator } from '../sim/simulator';
import { buildOvaFromVmdk } from '../vsphere-fixtures';
import { randomVmdk } from './lib/random-vmdk';

const CLI = path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js');
const CURL_LEASE = path.join(__dirname, 'lib', 'curl-lease.js');
/** Extra node flags for the ovfkit child processes (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
const NODE_ARGS = (process.env['OVFKIT_BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);

/** Runs a command under /usr/bin/time, returning wall seconds and peak RSS in MiB. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ seconds: number; rssMiB: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', cmd, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
      const kb = Number(/MAXRSS_KB=(\d+)/.exec(err)?.[1] ?? NaN);
      resolve({ seconds, rssMiB: kb / 1024, stdout: out });
    });
  });
}

function mibps(bytes: number, seconds: number): string {
  return (bytes / 1048576 / seconds).toFixed(1);
}

/** The curl baseline as a whole command (see lib/curl-lease.ts): wall seconds of the command and of curl alone. */
async function curlCommand(args: string[], env: NodeJS.ProcessEnv): Promise<{ seconds: number; curlSeconds: number }> {
  const t = await timed(process.execPath, [CURL_LEASE, ...args], env);
  return { seconds: t.seconds, curlSeconds: (JSON.parse(t.stdout) as { curlSeconds: number }).curlSeconds };
}

function runs(xs: number[]): string {
  return xs.map((x) => x.toFixed(1)).join(', ');
}

async function againstCurl(): Promise<void> {
  const diskMiB = Number(process.env['OVFKIT_BENCH_DISK_MIB'] ?? 4096);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-bench-import-'));
  // A 6.7+ server, as users have: export asks it for a SHA-256 of what it sends (the server
  // manifest check), and the curl baseline asks the same, so the server does the same work for both.
  // OVFKIT_BENCH_API_VERSION=6.5 measures a server that is asked for nothing (less server work,
  // so the client's own cost shows more).
  const sim = await startSimulator({ apiVersion: process.env['OVFKIT_BENCH_API_VERSION'] ?? '8.0.3.0' });
  try {
    process.stdout.write(`making a ${diskMiB} MiB streamOptimized disk of random data (qemu-img)…\n`);
    const vmdk = randomVmdk(dir, 'bench-disk1', diskMiB);
    const ova = await buildOvaFromVmdk(dir, 'bench', vmdk, diskMiB);
    const bytes = fs.statSync(vmdk).size;
    const env = { VSPHERE_SERVER: sim.sdkUrl, VSPHERE_USER: sim.username, VSPHERE_PASSWORD: sim.password, VSPHERE_THUMBPRINT: sim.thumbprint };

    // The machine is shared: alternate baseline and ovfkit runs and keep the best of each, so a
    // burst of someone else's load does not decide the ratio.
    const rounds = Number(process.env['OVFKIT_BENCH_ROUNDS'] ?? 2);
    const session = await VimSession.connect({ server: sim.sdkUrl, userName: sim.username, password: sim.password, thumbprint: sim.thumbprint });
    const drop = async (vm: string): Promise<void> => {
      const ref = await new Inventory(session).find(`/DC0/vm/${vm}`);
      if (ref) await destroyEntity(session, ref);
    };
    const importCurl: Array<{ seconds: number; curlSeconds: number }> = [];
    const importOurs: Array<{ seconds: number; rssMiB: number }> = [];
    for (let i = 0; i < rounds; i++) {
      importCurl.push(await curlCommand(['import', ova, vmdk, `bench-curl-${i}`], env));
      await drop(`bench-curl-${i}`);
      importOurs.push(await timed(process.execPath, [...NODE_ARGS, CLI, 'import', ova, '--pool', 'DC0_C0/Resources', '--name', `bench-ovfkit-${i}`, '--json'], env));
      if (i > 0) await drop(`bench-ovfkit-${i}`);
    }
    const curlWhole = Math.min(...importCurl.map((r) => r.seconds));
    const curlAlone = Math.min(...importCurl.map((r) => r.curlSeconds));
    const oursSeconds = Math.min(...importOurs.map((r) => r.seconds));
    const importRss = Math.max(...importOurs.map((r) => r.rssMiB));
    process.stdout.write(
      [
        `import of ${(bytes / 1048576).toFixed(0)} MiB (streamOptimized VMDK in an OVA) into the simulator, best of ${rounds} alternating runs:`,
        `  baseline, whole command (login, ImportVApp lease, curl POST to the lease URL, complete): ${curlWhole.toFixed(2)} s, ${mibps(bytes, curlWhole)} MiB/s   (runs: ${runs(importCurl.map((r) => r.seconds))} s)`,
        `    of which curl alone: ${curlAlone.toFixed(2)} s, ${mibps(bytes, curlAlone)} MiB/s   (runs: ${runs(importCurl.map((r) => r.curlSeconds))} s)`,
        `  ovfkit import, whole command: ${oursSeconds.toFixed(2)} s, ${mibps(bytes, oursSeconds)} MiB/s   (runs: ${runs(importOurs.map((r) => r.seconds))} s)`,
        `  ratio ovfkit/baseline throughput, whole commands: ${(curlWhole / oursSeconds).toFixed(2)} (target >= 0.8); against curl alone: ${(curlAlone / oursSeconds).toFixed(2)}`,
        `  ovfkit peak RSS: ${importRss.toFixed(0)} MiB (max over runs; target <= 200)`,
        '',
      ].join('\n'),
    );

    const exportCurl: Array<{ seconds: number; curlSeconds: number }> = [];
    let exportBytes = 0;
    const exportOurs: Array<{ seconds: number; rssMiB: number }> = [];
    for (let i = 0; i < rounds; i++) {
      const curlOut = path.join(dir, 'curl-export.vmdk');
      exportCurl.push(await curlCommand(['export', '/DC0/vm/bench-ovfkit-0', curlOut], env));
      exportBytes = fs.statSync(curlOut).size;
      fs.rmSync(curlOut);
      const exportOva = path.join(dir, 'export.ova');
      exportOurs.push(await timed(process.execPath, [...NODE_ARGS, CLI, 'export', '/DC0/vm/bench-ovfkit-0', exportOva, '--json'], env));
      fs.rmSync(exportOva);
    }
    const ce = Math.min(...exportCurl.map((x) => x.seconds));
    const ca = Math.min(...exportCurl.map((x) => x.curlSeconds));
    const oe = Math.min(...exportOurs.map((x) => x.seconds));
    process.stdout.write(
      [
        `export of the same VM (${(exportBytes / 1048576).toFixed(0)} MiB disk stream) from the simulator, best of ${rounds} alternating runs:`,
        `  baseline, whole command (login, ExportVm lease, server checksums asked as ovfkit asks them, curl -o file of the lease URL, complete): ${ce.toFixed(2)} s, ${mibps(exportBytes, ce)} MiB/s   (runs: ${runs(exportCurl.map((x) => x.seconds))} s)`,
        `    of which curl alone: ${ca.toFixed(2)} s, ${mibps(exportBytes, ca)} MiB/s   (runs: ${runs(exportCurl.map((x) => x.curlSeconds))} s)`,
        `  ovfkit export to an OVA, whole command: ${oe.toFixed(2)} s, ${mibps(exportBytes, oe)} MiB/s   (runs: ${runs(exportOurs.map((x) => x.seconds))} s)`,
        `  ratio ovfkit/baseline throughput, whole commands: ${(ce / oe).toFixed(2)} (target >= 0.8); against curl alone: ${(ca / oe).toFixed(2)}`,
        `  ovfkit peak RSS: ${Math.max(...exportOurs.map((x) => x.rssMiB)).toFixed(0)} MiB (max over runs; target <= 200)`,
        '',
      ].join('\n'),
    );
    await drop('bench-ovfkit-0');
    await session.logout();
  } finally {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds govmomi's import flow (test/bench-go/ovfimport) into .bench/bin. */
function buildGovmomiImport(): string {
  const bin = path.join(repoRoot, '.bench', 'bin', 'ovfimport');
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  const build = spawnSync('go', ['build', '-o', bin, './test/bench-go/ovfimport'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '' } });
  if (build.status !== 0) throw new Error(`building govmomi's import flow failed: ${build.stderr || build.error?.message}`);
  return bin;
}

/** Parallel disks against govmomi's (sequential) import flow; see the file's comment. */
async function againstGovmomi(): Promise<void> {
  const disks = Number(process.env['OVFKIT_BENCH_DISKS'] ?? 4);
  const diskMiB = Number(process.env['OVFKIT_BENCH_PARALLEL_MIB'] ?? 512);
  const singleMiB = Number(process.env['OVFKIT_BENCH_SINGLE_MIB'] ?? 4096);
  const rate = Number(process.env['OVFKIT_BENCH_NFC_RATE'] ?? 100_000_000);
  const rounds = Number(process.env['OVFKIT_BENCH_ROUNDS'] ?? 2);
  const govmomi = buildGovmomiImport();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-bench-import-'));
  const sim: Simulator = await startSimulator({ apiVersion: process.env['OVFKIT_BENCH_API_VERSION'] ?? '8.0.3.0' });
  try {
    process.stdout.write(`making a ${diskMiB} MiB and a ${singleMiB} MiB streamOptimized disk of random data (qemu-img)…\n`);
    const many = await buildOvaFromVmdk(dir, 'multi', randomVmdk(dir, 'multi-disk', diskMiB), diskMiB, { copies: disks, manifest: true });
    const singleVmdk = randomVmdk(dir, 'single-disk', singleMiB);
    const single = await buildOvaFromVmdk(dir, 'single', singleVmdk, singleMiB);
    const env = { VSPHERE_SERVER: sim.sdkUrl, VSPHERE_USER: sim.username, VSPHERE_PASSWORD: sim.password, VSPHERE_THUMBPRINT: sim.thumbprint, VSPHERE_THUMBPRINT_SHA1: sim.thumbprintSha1 };
    const session = await VimSession.connect({ server: sim.sdkUrl, userName: sim.username, password: sim.password, thumbprint: sim.thumbprint });
    const drop = async (vm: string): Promise<void> => {
      const ref = await new Inventory(session).find(`/DC0/vm/${vm}`);
      if (ref) await destroyEntity(session, ref);
    };
    type Side = { label: string; run: (name: string) => Promise<{ seconds: number; rssMiB: number }> };
    const ovfkit = (ova: string, extra: string[]): Side['run'] => (name) => timed(process.execPath, [...NODE_ARGS, CLI, 'import', ova, '--pool', 'DC0_C0/Resources', '--name', name, '--json', ...extra], env);
    const govc = (ova: string): Side['run'] => (name) => timed(govmomi, [ova, name, '/DC0/host/DC0_C0/Resources', '/DC0/datastore/LocalDS_0', '/DC0/network/VM Network'], env);
    /** Alternating rounds of every side; the best wall time of each. */
    const measure = async (tag: string, sides: Side[]): Promise<number[]> => {
      const times = sides.map(() => [] as number[]);
      const rss = sides.map(() => 0);
      for (let i = 0; i < rounds; i++) {
        for (const [k, side] of sides.entries()) {
          const name = `bench-${tag}-${k}-${i}`;
          const r = await side.run(name);
          times[k]!.push(r.seconds);
          rss[k] = Math.max(rss[k]!, r.rssMiB);
          await drop(name);
        }
      }
      const best = times.map((t) => Math.min(...t));
      for (const [k, side] of sides.entries()) process.stdout.write(`  ${side.label.padEnd(44)} ${best[k]!.toFixed(2)} s   (runs: ${runs(times[k]!)} s; peak RSS ${rss[k]!.toFixed(0)} MiB)\n`);
      return best;
    };

    const manyBytes = disks * fs.statSync(path.join(dir, 'multi-disk.vmdk')).size;
    await sim.inject({ kind: 'nfcRateLimit', bytesPerSecond: rate });
    process.stdout.write(`\nimport of ${disks} disks of ${diskMiB} MiB (${(manyBytes / 1048576).toFixed(0)} MiB, SHA256 manifest) into the simulator, each NFC connection capped at ${(rate / 1e6).toFixed(0)} MB/s, best of ${rounds} alternating runs, load average ${os.loadavg()[0]!.toFixed(1)}:\n`);
    const [gov, seq, par] = await measure('many', [
      { label: 'govmomi import flow (sequential)', run: govc(many) },
      { label: 'ovfkit import --parallel-disks 1', run: ovfkit(many, ['--parallel-disks', '1']) },
      { label: 'ovfkit import (parallel: 4 at once, the default)', run: ovfkit(many, []) },
    ]);
    process.stdout.write(`  ratio ovfkit parallel / govmomi throughput: ${(gov! / par!).toFixed(2)} (target >= 2); ovfkit parallel / ovfkit sequential: ${(seq! / par!).toFixed(2)}; ovfkit sequential / govmomi: ${(gov! / seq!).toFixed(2)}\n`);
    await sim.clearInjections();

    const singleBytes = fs.statSync(singleVmdk).size;
    process.stdout.write(`\nimport of one ${singleMiB} MiB disk (${(singleBytes / 1048576).toFixed(0)} MiB, no manifest) into the simulator without a cap, best of ${rounds} alternating runs, load average ${os.loadavg()[0]!.toFixed(1)}:\n`);
    const [gov1, ours1] = await measure('single', [
      { label: 'govmomi import flow', run: govc(single) },
      { label: 'ovfkit import', run: ovfkit(single, []) },
    ]);
    process.stdout.write(`  ratio ovfkit / govmomi throughput: ${(gov1! / ours1!).toFixed(2)} (target >= 0.95); ${mibps(singleBytes, ours1!)} against ${mibps(singleBytes, gov1!)} MiB/s\n`);
    await session.logout();
  } finally {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const which = process.env['OVFKIT_BENCH_IMPORT'] ?? 'govmomi';
  if (!['govmomi', 'curl', 'all'].includes(which)) throw new Error(`OVFKIT_BENCH_IMPORT must be govmomi, curl or all, got ${JSON.stringify(which)}`);
  if (which !== 'curl') await againstGovmomi();
  if (which !== 'govmomi') await againstCurl();
}
