/**
 * `pnpm bench import`: import an OVA with a 4 GiB disk into the simulator with `ovfkit import`
 * (a child process, so its peak RSS is its own), against `curl` POSTing the same VMDK bytes to a
 * lease URL of the same simulator in the same run; then export the VM back with `ovfkit export`
 * against `curl` downloading the same export lease URL. Prints throughput ratios and peak RSS.
 *
 * OVFKIT_BENCH_DISK_MIB overrides the disk size (default 4096).
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Inventory, VimSession, destroyEntity, methods, openPackage, resolvePlacement, withLease } from '@ovfkit/vsphere';
import { repoRoot } from '../paths';
import { startSimulator, type Simulator } from '../sim/simulator';
import { buildOvaFromVmdk } from '../vsphere-fixtures';

const CLI = path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js');

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

/** Imports once through the vsphere API, uploading with curl: the baseline for the same bytes. */
async function curlImport(sim: Simulator, ova: string, vmdk: string, name: string): Promise<number> {
  const session = await VimSession.connect({ server: sim.sdkUrl, userName: sim.username, password: sim.password, thumbprint: sim.thumbprint });
  try {
    const source = await openPackage(ova);
    const placement = await resolvePlacement(new Inventory(session), { pool: 'DC0_C0/Resources' });
    const spec = await session.client.send(
      new methods.CreateImportSpec({ _this: session.serviceContent.ovfManager!, ovfDescriptor: (await source.descriptor()).text, resourcePool: placement.resourcePool, datastore: placement.datastore, cisp: { _typeName: 'OvfCreateImportSpecParams', locale: '', deploymentOption: '', entityName: name } as never }),
    );
    await source.close();
    const lease = await session.client.send(new methods.ImportVApp({ _this: placement.resourcePool, spec: spec.importSpec!, folder: placement.folder! }));
    let seconds = 0;
    await withLease(session, lease, async (l) => {
      const url = l.info.deviceUrl[0]!.url.replace('://*', `://${new URL(sim.url).host}`);
      const t = await timed('curl', ['-sS', '-f', '-k', '-X', 'POST', '-H', 'Content-Type: application/x-vnd.vmware-streamVmdk', '-H', 'Expect:', '-T', vmdk, url], {});
      seconds = t.seconds;
    });
    return seconds;
  } finally {
    await session.logout();
  }
}

/** Downloads the disk of an export lease with curl: the baseline for `ovfkit export`. */
async function curlExport(sim: Simulator, vmPath: string, outFile: string): Promise<{ seconds: number; bytes: number }> {
  const session = await VimSession.connect({ server: sim.sdkUrl, userName: sim.username, password: sim.password, thumbprint: sim.thumbprint });
  try {
    const vm = await new Inventory(session).get(vmPath, 'VM');
    const lease = await session.client.send(new methods.ExportVm({ _this: vm }));
    let seconds = 0;
    await withLease(session, lease, async (l) => {
      const url = l.info.deviceUrl[0]!.url.replace('://*', `://${new URL(sim.url).host}`);
      seconds = (await timed('curl', ['-sS', '-f', '-k', '-o', outFile, url], {})).seconds;
    });
    return { seconds, bytes: fs.statSync(outFile).size };
  } finally {
    await session.logout();
  }
}

export async function run(): Promise<void> {
  const diskMiB = Number(process.env['OVFKIT_BENCH_DISK_MIB'] ?? 4096);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-bench-import-'));
  const sim = await startSimulator();
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
    const importCurl: number[] = [];
    const importOurs: Array<{ seconds: number; rssMiB: number }> = [];
    for (let i = 0; i < rounds; i++) {
      importCurl.push(await curlImport(sim, ova, vmdk, `bench-curl-${i}`));
      await drop(`bench-curl-${i}`);
      importOurs.push(await timed(process.execPath, [CLI, 'import', ova, '--pool', 'DC0_C0/Resources', '--name', `bench-ovfkit-${i}`, '--json'], env));
      if (i > 0) await drop(`bench-ovfkit-${i}`);
    }
    const curlSeconds = Math.min(...importCurl);
    const oursSeconds = Math.min(...importOurs.map((r) => r.seconds));
    const importRss = Math.max(...importOurs.map((r) => r.rssMiB));
    process.stdout.write(
      [
        `import of ${(bytes / 1048576).toFixed(0)} MiB (streamOptimized VMDK in an OVA) into the simulator, best of ${rounds} alternating runs:`,
        `  curl POST to the lease URL (baseline): ${curlSeconds.toFixed(2)} s, ${mibps(bytes, curlSeconds)} MiB/s   (runs: ${importCurl.map((x) => x.toFixed(1)).join(', ')} s)`,
        `  ovfkit import (whole command):         ${oursSeconds.toFixed(2)} s, ${mibps(bytes, oursSeconds)} MiB/s   (runs: ${importOurs.map((x) => x.seconds.toFixed(1)).join(', ')} s)`,
        `  ratio ovfkit/curl throughput: ${(curlSeconds / oursSeconds).toFixed(2)} (target >= 0.8)`,
        `  ovfkit peak RSS: ${importRss.toFixed(0)} MiB (max over runs; target <= 200)`,
        '',
      ].join('\n'),
    );

    const exportCurl: Array<{ seconds: number; bytes: number }> = [];
    const exportOurs: Array<{ seconds: number; rssMiB: number }> = [];
    for (let i = 0; i < rounds; i++) {
      const curlOut = path.join(dir, 'curl-export.vmdk');
      exportCurl.push(await curlExport(sim, '/DC0/vm/bench-ovfkit-0', curlOut));
      fs.rmSync(curlOut);
      const exportOva = path.join(dir, 'export.ova');
      exportOurs.push(await timed(process.execPath, [CLI, 'export', '/DC0/vm/bench-ovfkit-0', exportOva, '--json'], env));
      fs.rmSync(exportOva);
    }
    const ce = Math.min(...exportCurl.map((x) => x.seconds));
    const oe = Math.min(...exportOurs.map((x) => x.seconds));
    const exportBytes = exportCurl[0]!.bytes;
    process.stdout.write(
      [
        `export of the same VM (${(exportBytes / 1048576).toFixed(0)} MiB disk stream) from the simulator, best of ${rounds} alternating runs:`,
        `  curl GET of the export lease URL (baseline): ${ce.toFixed(2)} s, ${mibps(exportBytes, ce)} MiB/s   (runs: ${exportCurl.map((x) => x.seconds.toFixed(1)).join(', ')} s)`,
        `  ovfkit export to an OVA (whole command):     ${oe.toFixed(2)} s, ${mibps(exportBytes, oe)} MiB/s   (runs: ${exportOurs.map((x) => x.seconds.toFixed(1)).join(', ')} s)`,
        `  ratio ovfkit/curl throughput: ${(ce / oe).toFixed(2)} (target >= 0.8)`,
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
