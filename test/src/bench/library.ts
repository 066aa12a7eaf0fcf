/**
 * `pnpm bench library`: publish an OVA into a content library item of the simulator with
 * `ovfkit library publish` against `ovfkit import` of the same OVA into the same simulator, in
 * one run, both as child processes timed from spawn to exit (Node start-up, login, the REST
 * session or the lease, the transfer), alternating, best of each. Then where a publish's time
 * goes, from one publish in this process with its progress events: setup (library and item
 * lookups, item and update session creation, one file spec per file), streaming (each file read,
 * hashed against its manifest digest and sent), and the end (validate, complete, wait for DONE);
 * the OVA carries a SHA-256 manifest (`ovfkit ova pack`), so both sides verify every file;
 * beside it, reading and SHA-256-hashing the same OVA alone, and an identical re-publish (no-op).
 *
 * OVFKIT_BENCH_DISK_MIB sets the disk size (default 1024), OVFKIT_BENCH_ROUNDS the number of
 * alternating runs (default 2).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSource } from '@ovfkit/package';
import { Inventory, RestClient, VimSession, createLocalLibrary, destroyEntity, publishToLibrary } from '@ovfkit/vsphere';
import { repoRoot } from '../paths';
import { startSimulator } from '../sim/simulator';
import { buildOvaFromVmdk } from '../vsphere-fixtures';
import { randomVmdk } from './lib/random-vmdk';

const CLI = path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js');

/** Runs a command, returning its wall seconds (spawn to exit). */
function timed(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`ovfkit ${args.slice(1).join(' ')} exited ${code}: ${err.slice(-2000)}`));
      resolve(Number(process.hrtime.bigint() - t0) / 1e9);
    });
  });
}

const mibps = (bytes: number, s: number): string => (bytes / 1048576 / s).toFixed(1);
const list = (xs: number[]): string => xs.map((x) => x.toFixed(2)).join(', ');
const now = (): number => Number(process.hrtime.bigint()) / 1e9;

export async function run(): Promise<void> {
  const diskMiB = Number(process.env['OVFKIT_BENCH_DISK_MIB'] ?? 1024);
  const rounds = Number(process.env['OVFKIT_BENCH_ROUNDS'] ?? 2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-bench-library-'));
  const sim = await startSimulator();
  try {
    process.stdout.write(`making a ${diskMiB} MiB streamOptimized disk of random data (qemu-img)…\n`);
    const vmdk = randomVmdk(dir, 'bench-disk1', diskMiB);
    // With a manifest (ovfkit ova pack): both sides check each file's SHA-256 while streaming, and
    // an identical re-publish can be recognised without reading the package.
    const bare = await buildOvaFromVmdk(dir, 'bench', vmdk, diskMiB);
    const folder = path.join(dir, 'pkg');
    fs.mkdirSync(folder);
    execFileSync('tar', ['-xf', bare, '-C', folder]);
    fs.rmSync(bare);
    fs.rmSync(vmdk);
    const ova = path.join(dir, 'bench-mf.ova');
    execFileSync(process.execPath, [CLI, 'ova', 'pack', folder, ova], { stdio: 'ignore' });
    fs.rmSync(folder, { recursive: true });
    const bytes = fs.statSync(ova).size;
    const env = { VSPHERE_SERVER: sim.sdkUrl, VSPHERE_USER: sim.username, VSPHERE_PASSWORD: sim.password, VSPHERE_THUMBPRINT: sim.thumbprint };

    const session = await VimSession.connect({ server: sim.sdkUrl, userName: sim.username, password: sim.password, thumbprint: sim.thumbprint });
    const rest = await RestClient.open(session, { userName: sim.username, password: sim.password });
    try {
      await createLocalLibrary(rest, 'bench', (await new Inventory(session).get('/DC0/datastore/LocalDS_0', 'datastore')).value);
      const drop = async (vm: string): Promise<void> => {
        const ref = await new Inventory(session).find(`/DC0/vm/${vm}`);
        if (ref) await destroyEntity(session, ref);
      };
      // Alternating, best of each: a burst of someone else's load on the shared machine does not decide the ratio.
      const imports: number[] = [];
      const publishes: number[] = [];
      for (let i = 0; i < rounds; i++) {
        imports.push(await timed([CLI, 'import', ova, '--pool', 'DC0_C0/Resources', '--name', `bench-import-${i}`, '--json'], env));
        await drop(`bench-import-${i}`);
        // A new item each round: a publish into an item that holds the package already sends nothing.
        publishes.push(await timed([CLI, 'library', 'publish', ova, '--library', 'bench', '--item', `bench-cli-${i}`, '--json'], env));
      }
      const imp = Math.min(...imports);
      const pub = Math.min(...publishes);

      // Where a publish's time goes: one in this process, timed by its progress events.
      const hash0 = now();
      const h = createHash('sha256');
      for await (const c of fs.createReadStream(ova)) h.update(c as Buffer);
      const hashSeconds = now() - hash0;
      const marks: { file: string; done: boolean; at: number }[] = [];
      const t0 = now();
      const src = await openSource(ova, {});
      let r: Awaited<ReturnType<typeof publishToLibrary>>;
      try {
        r = await publishToLibrary(rest, { source: src, library: 'bench', item: 'bench-inproc', onProgress: (p) => marks.push({ file: p.path, done: p.done, at: now() }) });
      } finally {
        await src.close();
      }
      const t1 = now();
      const first = marks[0]?.at ?? t1;
      const last = [...marks].reverse().find((m) => m.done)?.at ?? t1;
      const perFile = [...new Set(marks.map((m) => m.file))].map((f) => {
        const ms = marks.filter((m) => m.file === f);
        return `${f} ${(ms[ms.length - 1]!.at - ms[0]!.at).toFixed(2)} s`;
      });
      const n0 = now();
      const src2 = await openSource(ova, {});
      let again: Awaited<ReturnType<typeof publishToLibrary>>;
      try { again = await publishToLibrary(rest, { source: src2, library: 'bench', item: 'bench-inproc' }); } finally { await src2.close(); }
      const noop = now() - n0;

      process.stdout.write([
        `publish vs import of one OVA (${(bytes / 1048576).toFixed(0)} MiB, a ${diskMiB} MiB streamOptimized disk) into the simulator, best of ${rounds} alternating runs, whole commands:`,
        `  ovfkit import (baseline): ${imp.toFixed(2)} s, ${mibps(bytes, imp)} MiB/s   (runs: ${list(imports)} s)`,
        `  ovfkit library publish:   ${pub.toFixed(2)} s, ${mibps(bytes, pub)} MiB/s   (runs: ${list(publishes)} s)`,
        `  ratio publish/import throughput: ${(imp / pub).toFixed(2)}`,
        `where a publish's time goes (one publish in this process, ${r.files.length} files, ${r.bytes} bytes sent):`,
        `  total ${(t1 - t0).toFixed(2)} s: setup (library/item lookup, item + update session create, file specs) ${(first - t0).toFixed(2)} s, ` +
          `streaming (read, hash, send) ${(last - first).toFixed(2)} s (${mibps(r.bytes, last - first)} MiB/s), end (validate, complete, wait DONE) ${(t1 - last).toFixed(2)} s`,
        `  per file: ${perFile.join('; ')}`,
        `  reading + SHA-256 of the same OVA alone: ${hashSeconds.toFixed(2)} s (${mibps(bytes, hashSeconds)} MiB/s), ${((hashSeconds / (last - first)) * 100).toFixed(0)}% of the streaming time`,
        `  identical re-publish (no-op, changed=${again.changed}, ${again.bytes} bytes sent): ${noop.toFixed(3)} s`,
        '',
      ].join('\n'));
    } finally {
      await rest.close();
      await session.logout();
    }
  } finally {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
