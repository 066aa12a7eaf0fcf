/**
 * `pnpm bench sim-nfc`: what the simulator's NFC endpoint can carry, so import/export benchmarks
 * against it can tell a slow client from a slow server. Uploads the same streamOptimized VMDK
 * (OVFKIT_BENCH_DISK_MIB, default 1024) to lease URLs of one simulator with `curl` (baseline) and
 * with a plain Node https stream, then downloads it back both ways; prints MiB/s, the Node/curl
 * ratios, and the simulator's peak RSS (VmHWM).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { leaseCall, leaseDeviceUrls, places, startImport } from '../sim/flow';
import { RawSession, firstText } from '../sim/raw-soap';
import { startSimulator, type Simulator } from '../sim/simulator';
import { emptyStreamOptimizedVmdk } from '../sim/vmdk';
import { repoRoot } from '../paths';

function nodeTransfer(sim: Simulator, method: 'POST' | 'GET', url: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const size = method === 'POST' ? fs.statSync(file).size : undefined;
    const req = https.request(url, {
      method,
      ca: sim.caPem,
      agent: false,
      headers: size === undefined ? {} : { 'content-type': 'application/x-vnd.vmware-streamVmdk', 'content-length': String(size) },
    }, (res) => {
      const sink = method === 'GET' ? fs.createWriteStream(file) : undefined;
      if (sink) res.pipe(sink).on('finish', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      else {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      }
    });
    req.on('error', reject);
    if (method === 'POST') fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(req);
    else req.end();
  });
}

async function timed(f: () => Promise<void> | void): Promise<number> {
  const t0 = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export async function run(): Promise<void> {
  const mib = Number(process.env['OVFKIT_BENCH_DISK_MIB'] ?? 1024);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-bench-nfc-'));
  const disk = path.join(dir, 'disk.vmdk');
  const fd = fs.openSync(disk, 'w');
  fs.writeSync(fd, emptyStreamOptimizedVmdk(2 ** 30, 'bench'));
  fs.ftruncateSync(fd, mib * 1048576); // padding after the end-of-stream marker: same bytes for both
  fs.closeSync(fd);
  const ca = path.join(dir, 'ca.pem');
  const ovf = fs.readFileSync(path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf'), 'utf8');
  const sim = await startSimulator();
  try {
    fs.writeFileSync(ca, sim.caPem ?? '');
    const s = new RawSession(sim);
    await s.login();
    const p = await places(s);
    const host = new URL(sim.url).host;
    const lease = async (name: string): Promise<{ lease: string; url: string }> => {
      const { lease } = await startImport(s, p, ovf, name);
      return { lease, url: (await leaseDeviceUrls(s, lease))[0]!.url.replace('*', host) };
    };
    const curl = (args: string[]): void => void execFileSync('curl', ['-sSf', '--cacert', ca, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });

    const a = await lease('curl-up');
    const curlUp = await timed(() => curl(['-X', 'POST', '-H', 'Content-Type: application/x-vnd.vmware-streamVmdk', '-T', disk, a.url]));
    await leaseCall(s, 'HttpNfcLeaseComplete', a.lease);
    const b = await lease('node-up');
    const nodeUp = await timed(() => nodeTransfer(sim, 'POST', b.url, disk));
    await leaseCall(s, 'HttpNfcLeaseComplete', b.lease);

    const vm = (await sim.state()).virtualMachines.find((v) => v.name === 'node-up')!.ref;
    const ex = firstText(await s.ok('ExportVm', 'VirtualMachine', vm), 'returnval')!;
    const down = (await leaseDeviceUrls(s, ex))[0]!.url.replace('*', host);
    const curlDown = await timed(() => curl(['-o', path.join(dir, 'curl.vmdk'), down]));
    const nodeDown = await timed(() => nodeTransfer(sim, 'GET', down, path.join(dir, 'node.vmdk')));
    await leaseCall(s, 'HttpNfcLeaseComplete', ex);
    if (fs.statSync(path.join(dir, 'node.vmdk')).size !== mib * 1048576) throw new Error('download size mismatch');

    const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${sim.pid}/status`, 'utf8'))?.[1];
    const rate = (sec: number): string => `${(mib / sec).toFixed(1)} MiB/s`;
    process.stdout.write(
      `sim-nfc (${mib} MiB, one simulator, same run)\n` +
        `  upload   curl ${rate(curlUp)}  node https ${rate(nodeUp)}  node/curl ${(curlUp / nodeUp).toFixed(2)}\n` +
        `  download curl ${rate(curlDown)}  node https ${rate(nodeDown)}  node/curl ${(curlDown / nodeDown).toFixed(2)}\n` +
        `  simulator peak RSS ${hwm === undefined ? '?' : (Number(hwm) / 1024).toFixed(0)} MiB\n`,
    );
  } finally {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
