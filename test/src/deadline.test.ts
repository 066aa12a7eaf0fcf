/**
 * Issue 12 class 8: the stall timer resets on every byte, so every network read also has a bound
 * a trickling server cannot stretch. Requests with an answer (SOAP, REST, a proxy's CONNECT) end
 * after --timeout overall; lease transfers (NFC uploads and downloads) must move 64 KiB/s over
 * every window of 2 x --timeout. Each case runs the CLI in a child process against a server on
 * 127.0.0.1 that trickles, and asserts the clear error, that it ended by itself in bounded time
 * and memory, and that nothing was left: no lease open, no VM, no destination file.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { httpGet } from '@ovfkit/package';
import { importOvf, type VimSession } from '@ovfkit/vsphere';
import { runCliChild, type ChildRun } from './child-cli';
import { assertNothingLeft, connect } from './sim/checks';
import { useSimulator } from './sim/simulator';
import { buildOva, packageScope } from './vsphere-fixtures';

const { tmp, pkg } = packageScope('ovfkit-deadline-');

/** Peak RSS any of these runs may reach: a CLI process plus its buffers (generous: bounded, not lean). */
const RSS_BOUND_KIB = 400 * 1024;

/** The error of a `--json` run. */
function jsonError(r: ChildRun): { code: string; message: string } {
  return (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
}

/** Ended by itself (not killed), within `maxMs`, within the RSS bound. */
function assertBounded(r: ChildRun, maxMs: number): void {
  assert.equal(r.signal, null, `killed after ${r.ms} ms: it did not end by itself\n${r.stderr}`);
  assert.ok(r.ms < maxMs, `ended after ${r.ms} ms (bound ${maxMs} ms)`);
  assert.ok(r.maxRssKiB !== undefined && r.maxRssKiB < RSS_BOUND_KIB, `peak RSS ${r.maxRssKiB} KiB (bound ${RSS_BOUND_KIB} KiB)`);
}

/** An https server on 127.0.0.1 that answers every request with a head, then one byte every 100 ms for ever. */
async function trickleHttps(dir: string): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  let requests = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server = https.createServer({ key: fs.readFileSync(path.join(dir, 'k.pem')), cert: fs.readFileSync(path.join(dir, 'c.pem')) }, (req, res) => {
    requests++;
    req.resume();
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
    res.write('<?xml version="1.0"?>');
    const t = setInterval(() => res.write(' '), 100);
    timers.add(t);
    res.on('close', () => clearInterval(t));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: async () => {
      for (const t of timers) clearInterval(t);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('overall deadlines: a server trickling bytes cannot hold a run (issue 12 class 8)', function () {
  this.timeout(180_000);

  it('a vCenter trickling its SOAP answer: ovfkit import --timeout 1 ends with TIMEOUT after its retries, sending the package nothing', async () => {
    const server = await trickleHttps(path.join(tmp, 'soap'));
    try {
      const built = await buildOva(path.join(tmp, 'soap-pkg'), 'soap', [{ id: 'soap01', cpus: 1, memoryMB: 64, disksMiB: [1], nics: [] }]);
      const r = await runCliChild(['import', built.ova, '--pool', 'DC0_C0/Resources', '--timeout', '1', '--insecure', '--json'], {
        env: { VSPHERE_SERVER: server.url, VSPHERE_USER: 'u', VSPHERE_PASSWORD: 'p' },
        limitMs: 60_000,
      });
      // Each SOAP exchange ends after 1 s overall; an idempotent read is tried 3 times (0.2 + 0.4 s between).
      assertBounded(r, 20_000);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      const err = jsonError(r);
      assert.equal(err.code, 'TIMEOUT');
      assert.match(err.message, /^RetrieveServiceContent: https:\/\/127\.0\.0\.1:\d+ did not answer within 1 s \(--timeout\)$/);
      assert.equal(server.requests(), 3, 'three attempts of the idempotent RetrieveServiceContent, then no more');
    } finally {
      await server.close();
    }
  });

  it('a proxy trickling its CONNECT answer: a package URL through it ends after the stall timeout overall', async () => {
    let bytes = 0;
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((s) => {
      sockets.add(s);
      s.on('data', () => undefined);
      s.write('HTTP/1.1 200 Connection established\r\nX-Slow: ');
      const t = setInterval(() => s.write('a', () => bytes++), 50);
      s.on('close', () => clearInterval(t));
      s.on('error', () => clearInterval(t));
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const t0 = Date.now();
    try {
      const e = await httpGet('https://packages.invalid/vm.ova', { stallTimeoutMs: 1000, proxy: { httpsProxy: proxyUrl } }).then(
        () => undefined,
        (x: Error) => x,
      );
      const ms = Date.now() - t0;
      assert.ok(e, 'the GET failed');
      assert.match(e.message, /^the proxy http:\/\/127\.0\.0\.1:\d+\/? did not open the tunnel to packages\.invalid:443 within 1000 ms$/);
      assert.ok(bytes >= 10, `the proxy kept sending (${bytes} bytes), so the stall timer alone never fired`);
      assert.ok(ms < 10_000, `ended after ${ms} ms`);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  describe('lease transfers against the simulator trickling NFC', () => {
    const sim = useSimulator();
    let session: VimSession;
    const env = (): NodeJS.ProcessEnv => ({ VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint });
    before(async () => {
      session = await connect(sim());
    });
    after(async () => session?.logout());

    it('import --timeout 1 with the upload trickled at 2 KB/s: TIMEOUT too slow, the lease aborted and the VM removed', async () => {
      // 24 MiB of random data: more than loopback's socket buffers take in at once, so the pace (not the answer's bound) cuts it.
      const built = await buildOva(path.join(tmp, 'up'), 'up', [{ id: 'up01', cpus: 1, memoryMB: 64, disksMiB: [32], nics: [], randomKiB: 24576 }]);
      await sim().inject({ kind: 'slowNfc', bytesPerSecond: 2000 });
      const r = await runCliChild(['import', built.ova, '--pool', 'DC0_C0/Resources', '--name', 'trickled-up', '--timeout', '1', '--json'], { env: env(), limitMs: 90_000 });
      // Windows of 2 s: the one that took the socket buffers in passes, the next one cannot.
      assertBounded(r, 45_000);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      const err = jsonError(r);
      assert.equal(err.code, 'TIMEOUT');
      assert.match(err.message, /uploading to https:\/\/127\.0\.0\.1:\d+\/…\/[^ ]+: too slow: \d+ bytes in the last 2 s after \d+; a transfer must move at least 65536 bytes\/s over every 2 s \(2 x --timeout\)/);
      await assertNothingLeft(sim(), 'trickled-up');
    });

    it('export --timeout 1 with the download trickled at 2 KB/s: TIMEOUT too slow, the lease aborted, no destination file', async () => {
      const built = await buildOva(path.join(tmp, 'down'), 'down', [{ id: 'down01', cpus: 1, memoryMB: 64, disksMiB: [4], nics: [], randomKiB: 1024 }]);
      await importOvf(session, { source: await pkg(built.ova), pool: 'DC0_C0/Resources', name: 'trickled-down' });
      await sim().inject({ kind: 'slowNfc', bytesPerSecond: 2000 });
      const out = path.join(tmp, 'down-out', 'x.ova');
      fs.mkdirSync(path.dirname(out), { recursive: true });
      const r = await runCliChild(['export', '/DC0/vm/trickled-down', out, '--timeout', '1', '--json'], { env: env(), limitMs: 90_000 });
      assertBounded(r, 45_000);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      const err = jsonError(r);
      assert.equal(err.code, 'TIMEOUT');
      assert.match(err.message, /downloading trickled-down-disk-0\.vmdk: too slow: \d+ bytes in the last 2 s after \d+; a transfer must move at least 65536 bytes\/s over every 2 s \(2 x --timeout\)/);
      assert.deepEqual(fs.readdirSync(path.dirname(out)), [], 'no destination file, not even a partial one');
      const st = await sim().state();
      assert.deepEqual(st.leases.filter((l) => l.state === 'ready' || l.state === 'initializing'), [], 'no lease is left open');
      assert.equal(st.virtualMachines.filter((v) => v.name === 'trickled-down').length, 1, 'the exported VM itself stays');
    });

    it('a transfer above the minimum pace is not cut: import --timeout 5 at 300 KB/s over two windows completes', async () => {
      // About 3 MB at 300 KB/s: 10 s, two 10 s windows, each asked for 640 KiB. Loopback's socket
      // buffers take most of it at once: the server then drains them with no byte moving here.
      const built = await buildOva(path.join(tmp, 'ok'), 'ok', [{ id: 'ok01', cpus: 1, memoryMB: 64, disksMiB: [4], nics: [], randomKiB: 3072 }]);
      await sim().inject({ kind: 'slowNfc', bytesPerSecond: 300_000 });
      const r = await runCliChild(['import', built.ova, '--pool', 'DC0_C0/Resources', '--name', 'paced-ok', '--timeout', '5', '--json'], { env: env(), limitMs: 90_000 });
      assertBounded(r, 60_000);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.ok(r.ms > 10_000, `the upload lasted more than one window (${r.ms} ms)`);
    });
  });
});
