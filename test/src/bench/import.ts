/**
 * `pnpm bench import`: import an OVA with a 4 GiB disk into the simulator with `ovfkit import`
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
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Inventory, VimSession, destroyEntity } from '@ovfkit/vsphere';
import { repoRoot } from '../paths';
import { startSimulator } from '../sim/simulator';
import { buildOvaFromVmdk } from '../vsphere-fixtures';

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

export async function run(): Promise<void> {
  const diskMiB = Number(process.env['OVFKIT_BENCH_DISK_MIB'] ?? 4096);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-bench-import-'));
  // A 6.7+ server, as users have: export asks it for a SHA-256 of what it sends (the server
  // manifest check), and the curl baseline asks the same, so the server does the same work for both.
  // OVFKIT_BENCH_API_VERSION=6.5 measures a server that is asked for nothing (less server work,
  // so the client's own cost shows more).
  const sim = await startSimulator({ apiVersion: process.env['OVFKIT_BENCH_API_VERSION'] ?? '8.0.3.0' });
  try {
    process.stdout.write(`making a ${diskMiB} MiB streamOptimized disk of random data (qemu-img)…\n`);
    const raw = path.join(dir, 'disk.raw');
    execFileSync('sh', ['-c', `head -c ${diskMiB}M /dev/urandom > '${raw}'`]);
    const vmdk = path.join(dir, 'bench-disk1.vmdk');
    execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', raw, vmdk]);
    fs.rmSync(raw);
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
