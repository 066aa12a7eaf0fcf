import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { isOvfkitError } from '@ovfkit/core';
import { repoRoot } from './paths';
import { runCli } from './run-cli';
import { filesInOrder, httpGet, openFile, openSource, readBody, readReferences, verifyPackage, writeFileAtomic, writeOva, type OvaMember } from '@ovfkit/package';

/** What the test server served, per request. */
interface Served {
  path: string;
  range?: string;
  /** Body bytes the server managed to write before the client hung up or it finished. */
  bytes: number;
  finished: boolean;
}

/**
 * A real HTTP server on 127.0.0.1 serving a folder, with or without Range support, plus the
 * misbehaviours a package download must survive: stalls, redirect loops and bodies longer than
 * announced.
 */
async function startServer(root: string, opts: { range: boolean }): Promise<{ url: string; served: Served[]; close(): Promise<void> }> {
  const served: Served[] = [];
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const rec: Served = { path: u.pathname, bytes: 0, finished: false, ...(req.headers.range ? { range: req.headers.range } : {}) };
    served.push(rec);
    if (u.pathname === '/loop') {
      res.writeHead(302, { location: '/loop2' }).end();
      return;
    }
    if (u.pathname === '/loop2') {
      res.writeHead(302, { location: '/loop' }).end();
      return;
    }
    if (u.pathname.startsWith('/hop/')) {
      const n = Number(u.pathname.slice(5));
      res.writeHead(301, { location: n > 0 ? `/hop/${n - 1}` : '/pkg/vm.ovf' }).end();
      return;
    }
    if (u.pathname === '/stall.ova') {
      res.writeHead(200, { 'content-length': '100000' });
      res.write(Buffer.alloc(10));
      return; // never finishes
    }
    const file = path.join(root, decodeURIComponent(u.pathname));
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    const size = fs.statSync(file).size;
    let start = 0;
    let end = size - 1;
    const m = /^bytes=(\d+)-(\d+)?$/.exec(req.headers.range ?? '');
    if (opts.range && m) {
      start = Number(m[1]);
      end = Math.min(m[2] ? Number(m[2]) : size - 1, size - 1);
      res.writeHead(206, { 'content-length': String(end - start + 1), 'content-range': `bytes ${start}-${end}/${size}`, 'accept-ranges': 'bytes' });
    } else {
      res.writeHead(200, { 'content-length': String(size) });
    }
    if (size === 0) {
      rec.finished = true;
      res.end();
      return;
    }
    const stream = fs.createReadStream(file, { start, end, highWaterMark: 64 * 1024 });
    stream.on('data', (c) => (rec.bytes += c.length));
    stream.pipe(res);
    res.on('finish', () => (rec.finished = true));
    res.on('close', () => stream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A raw TCP server that answers every request with the given bytes (for protocol abuse). */
async function rawServer(answer: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = net.createServer((c) => c.once('data', () => c.end(answer)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * A server that never stalls and never finishes: it writes one byte every 50 ms, of its headers
 * (`during: 'headers'`) or of a 1 MB body after prompt headers, so only an overall deadline ends it.
 */
async function trickleServer(during: 'headers' | 'body'): Promise<{ url: string; close(): Promise<void> }> {
  const head = 'HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\n';
  const sockets = new Set<net.Socket>();
  const server = net.createServer((c) => {
    sockets.add(c);
    c.on('error', () => undefined);
    c.once('data', () => {
      let i = 0;
      if (during === 'body') c.write(head);
      const t = setInterval(() => (c.writable ? c.write(during === 'headers' ? head.charAt(i++ % 20) : '<') : clearInterval(t)), 50);
      c.on('close', () => {
        clearInterval(t);
        sockets.delete(c);
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        for (const c of sockets) c.destroy();
        server.close(() => r());
      }),
  };
}

function descriptor(files: { href: string; id: string; size: number }[]): string {
  return `<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References>
${files.map((f) => `    <File ovf:href="${f.href}" ovf:id="${f.id}" ovf:size="${f.size}"/>`).join('\n')}
  </References>
  <VirtualSystem ovf:id="vm"><Info>http test</Info></VirtualSystem>
</Envelope>
`;
}

const sha256 = (b: Buffer): string => require('node:crypto').createHash('sha256').update(b).digest('hex') as string;

async function all(s: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function code(p: Promise<unknown>, expected: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isOvfkitError(e), `not an OvfkitError: ${String(e)}`);
    assert.equal(e.code, expected, e.message);
    assert.match(e.message, message);
    return true;
  });
}

describe('package sources over HTTP on 127.0.0.1', function () {
  this.timeout(60_000);
  let root: string;
  let disk: Buffer;
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-http-'));
    const pkg = path.join(root, 'pkg');
    fs.mkdirSync(pkg);
    // 24 MiB of data that does not compress: more than socket buffers hold, so an early hang-up shows.
    disk = Buffer.alloc(24 * 1024 * 1024);
    for (let i = 0; i < disk.length; i += 4) disk.writeUInt32LE((i * 2654435761) >>> 0, i);
    fs.writeFileSync(path.join(pkg, 'disk1.vmdk'), disk);
    const ovf = descriptor([{ href: 'disk1.vmdk', id: 'file1', size: disk.length }]);
    fs.writeFileSync(path.join(pkg, 'vm.ovf'), ovf);
    fs.writeFileSync(path.join(pkg, 'vm.mf'), `SHA256(vm.ovf)= ${sha256(Buffer.from(ovf))}\nSHA256(disk1.vmdk)= ${sha256(disk)}\n`);
    const members: OvaMember[] = [{ name: 'disk1.vmdk', size: disk.length, open: () => fs.createReadStream(path.join(pkg, 'disk1.vmdk')) }];
    await writeFileAtomic(path.join(root, 'vm.ova'), (out) =>
      writeOva(out, { name: 'vm.ovf', bytes: Buffer.from(ovf) }, members, { manifest: { name: 'vm.mf', bytes: fs.readFileSync(path.join(pkg, 'vm.mf')) } }),
    );
    fs.writeFileSync(path.join(root, 'escape.ovf'), descriptor([{ href: '../etc/passwd', id: 'f', size: 1 }]));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  for (const range of [true, false]) {
    describe(range ? 'a server with Range support' : 'a server without Range support', () => {
      let srv: Awaited<ReturnType<typeof startServer>>;
      beforeEach(async () => (srv = await startServer(root, { range })));
      afterEach(() => srv.close());

      it('reads an .ovf and fetches its siblings relative to its URL, verifying the manifest', async () => {
        const src = await openSource(`${srv.url}/pkg/vm.ovf`);
        assert.equal(src.kind, 'url-ovf');
        const v = await verifyPackage(src);
        assert.deepEqual(v.issues, []);
        assert.deepEqual(v.manifest?.checked.map((c) => c.ok), [true, true]);
      });

      it(`reads the descriptor of an .ova ${range ? 'with ranged requests, without downloading the disk' : 'from the head of the stream, then hangs up'}`, async () => {
        const src = await openSource(`${srv.url}/vm.ova`);
        assert.equal(src.sequentialOnly, !range);
        const d = await src.descriptor();
        assert.equal(d.name, 'vm.ovf');
        assert.deepEqual(readReferences(d.text).map((r) => r.href), ['disk1.vmdk']);
        assert.ok(await src.manifest());
        await new Promise((r) => setTimeout(r, 100));
        const ova = srv.served.filter((s) => s.path === '/vm.ova');
        const bytes = ova.reduce((a, s) => a + s.bytes, 0);
        assert.ok(bytes < disk.length / 2, `served ${bytes} bytes of the ${disk.length}-byte disk to read a descriptor`);
        if (range) assert.ok(ova.every((s) => s.range !== undefined));
        else assert.ok(ova.every((s) => !s.finished), 'the download was abandoned after the head');
      });

      it('verifies an .ova in one pass and opens its disk', async () => {
        const src = await openSource(`${srv.url}/vm.ova`);
        const v = await verifyPackage(src);
        assert.deepEqual(v.issues, []);
        const got = await all(await openFile(src, { href: 'disk1.vmdk', id: 'file1', size: disk.length }));
        assert.ok(got.equals(disk));
      });

      it('streams every file of an .ova in one pass with filesInOrder', async () => {
        const src = await openSource(`${srv.url}/vm.ova`);
        const before = srv.served.length;
        const got: Buffer[] = [];
        for await (const { stream } of filesInOrder(src, readReferences((await src.descriptor()).text))) got.push(await all(stream));
        assert.equal(got.length, 1);
        assert.ok(got[0]?.equals(disk));
        const full = srv.served.slice(before).filter((s) => s.path === '/vm.ova' && s.range === undefined);
        if (!range) assert.equal(full.length, 1, 'one download of the whole archive');
      });

      it('refuses an href that escapes the package folder and reports a missing sibling', async () => {
        const src = await openSource(`${srv.url}/escape.ovf`);
        await code(src.open('../etc/passwd'), 'UNSAFE_PATH', /escapes/);
        await code(src.open('http://127.0.0.1:1/x'), 'UNSAFE_PATH', /absolute URL/);
        await code(src.open('missing.vmdk'), 'NETWORK', /HTTP 404/);
      });
    });
  }

  describe('a misbehaving server', () => {
    let srv: Awaited<ReturnType<typeof startServer>>;
    beforeEach(async () => (srv = await startServer(root, { range: true })));
    afterEach(() => srv.close());

    it('refuses an .ova whose descriptor is not first when it can only be streamed, without downloading it', async () => {
      await srv.close();
      srv = await startServer(root, { range: false });
      const dir = path.join(root, 'pkg');
      execFileSync('tar', ['--format=ustar', '-cf', path.join(root, 'late.ova'), 'disk1.vmdk', 'vm.ovf'], { cwd: dir });
      await code(openSource(`${srv.url}/late.ova`), 'INTEGRITY', /first member .* is "disk1.vmdk", not the \.ovf descriptor/);
      await new Promise((r) => setTimeout(r, 100));
      const late = srv.served.filter((s) => s.path === '/late.ova');
      assert.ok(late.every((s) => !s.finished && s.bytes < disk.length / 2), 'the download was abandoned');
    });

    it('verifies a streamed-only OVA whose manifest comes last, and sees its member order', async () => {
      await srv.close();
      srv = await startServer(root, { range: false });
      const dir = path.join(root, 'pkg');
      execFileSync('tar', ['--format=pax', '-cf', path.join(root, 'mflast.ova'), 'vm.ovf', 'disk1.vmdk', 'vm.mf'], { cwd: dir });
      const src = await openSource(`${srv.url}/mflast.ova`);
      assert.equal(src.sequentialOnly, true);
      assert.equal(await src.manifest(), undefined, 'the head holds no manifest');
      const v = await verifyPackage(src);
      assert.deepEqual(v.issues, []);
      assert.deepEqual(v.manifest?.checked.map((c) => [c.name, c.ok]), [['vm.ovf', true], ['disk1.vmdk', true]]);
    });

    it('fails a stalled download with a timeout instead of hanging', async () => {
      const res = await httpGet(`${srv.url}/stall.ova`, { stallTimeoutMs: 300 });
      await code(all(res.body), 'TIMEOUT', /no data for 300 ms/);
    });

    for (const during of ['headers', 'body'] as const) {
      it(`ends a download whose server trickles its ${during} a byte at a time, past the overall deadline`, async () => {
        // The stall timer (200 ms) never fires: a byte comes every 50 ms. The deadline is 4 x 200 ms plus 1 s per 64 KiB.
        const t = await trickleServer(during);
        try {
          const got = httpGet(`${t.url}/x.ova`, { stallTimeoutMs: 200 }).then((res) => all(res.body));
          await code(got, 'TIMEOUT', /^GET http:\/\/127\.0\.0\.1:\d+\/x\.ova: too slow: \d+ bytes in \d+\.\d s \(the overall deadline allows 0\.8 s plus 1 s per 65536 bytes\)$/);
        } finally {
          await t.close();
        }
      });
    }

    it('stops a download when its signal is aborted, with an ABORTED error', async () => {
      const ac = new AbortController();
      const res = await httpGet(`${srv.url}/stall.ova`, { signal: ac.signal });
      setTimeout(() => ac.abort(), 50);
      await code(all(res.body), 'ABORTED', /cancelled/);
    });

    it('stops a redirect loop', async () => {
      await code(httpGet(`${srv.url}/loop`), 'NETWORK', /redirect loop/);
    });

    it('follows a few redirects but not too many', async () => {
      const ok = await httpGet(`${srv.url}/hop/2`);
      assert.equal(ok.url.pathname, '/pkg/vm.ovf');
      ok.body.resume();
      await code(httpGet(`${srv.url}/hop/9`, { maxRedirects: 5 }), 'NETWORK', /more than 5 redirects/);
    });

    it('refuses a body longer than its Content-Length', async () => {
      const raw = await rawServer('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello, and a lot more than announced');
      try {
        const res = await httpGet(`${raw.url}/x.ovf`);
        await code(all(res.body), 'INTEGRITY', /more than the bytes it announced/);
      } finally {
        await raw.close();
      }
    });

    it('refuses a body shorter than its Content-Length', async () => {
      const raw = await rawServer('HTTP/1.1 200 OK\r\nContent-Length: 50\r\nConnection: close\r\n\r\nshort');
      try {
        const res = await httpGet(`${raw.url}/x.ovf`);
        await assert.rejects(all(res.body), (e: unknown) => isOvfkitError(e) && /announced 50 bytes but sent 5|connection closed|more than/.test(e.message));
      } finally {
        await raw.close();
      }
    });

    it('refuses a descriptor larger than allowed', async () => {
      const res = await httpGet(`${srv.url}/pkg/disk1.vmdk`);
      await code(readBody(res.body, 1024, 'descriptor'), 'INPUT_TOO_LARGE', /larger than 1024 bytes/);
    });
  });
});

describe('package sources over HTTPS', function () {
  this.timeout(60_000);
  let dir: string;
  let server: https.Server;
  let url: string;
  let ca: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    ca = fs.readFileSync(path.join(dir, 'c.pem'), 'utf8');
    server = https.createServer({ key: fs.readFileSync(path.join(dir, 'k.pem')), cert: ca }, (_req, res) => res.end(descriptor([])));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/vm.ovf`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an unknown server certificate with a TLS error', async () => {
    await code((await openSource(url)).descriptor(), 'TLS', /TLS failure/);
  });
  it('accepts the server when its CA is given', async () => {
    assert.match((await (await openSource(url, { ca })).descriptor()).text, /http test/);
  });
  it('accepts any server in insecure mode', async () => {
    assert.match((await (await openSource(url, { insecureSkipTlsVerify: true })).descriptor()).text, /http test/);
  });
  it('parse takes a URL with the same --ca and --insecure as the other commands', async () => {
    const refused = await runCli(['parse', url, '--json'], {}, dir);
    assert.equal(refused.code, 2);
    assert.equal((JSON.parse(refused.stdout) as { error: { code: string } }).error.code, 'TLS');
    for (const flags of [['--ca', 'c.pem'], ['--insecure']]) {
      const r = await runCli(['parse', url, ...flags], {}, dir);
      // Read and parsed: exit 1 for the descriptor's own error (it has no VirtualHardwareSection).
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /^https:\/\/127\.0\.0\.1:\d+\/vm\.ovf: virtual machine "vm"/);
      assert.match(r.stdout, /\[OvfMissingElement NO_VIRTUAL_HARDWARE\]/);
    }
  });
});

describe('an overall deadline for the CLI on a trickling server', function () {
  this.timeout(120_000);
  const bin = path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js');

  /** Runs the CLI in a child process; a child still running after `limitMs` is killed and the test fails. */
  function runChild(args: string[], limitMs: number): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const kill = setTimeout(() => child.kill('SIGKILL'), limitMs);
      child.on('close', (status, signal) => {
        clearTimeout(kill);
        resolve({ status, signal, stdout });
      });
    });
  }

  for (const command of ['plan', 'parse']) {
    it(`${command} --timeout 1 ends on its own against a server sending a byte every 50 ms`, async () => {
      const t = await trickleServer('body');
      try {
        // The deadline is 4 s plus 1 s per 64 KiB; the limit only catches a hang (the 1 MB body at 20 bytes/s would take 14 hours).
        const r = await runChild([command, `${t.url}/vm.ovf`, '--timeout', '1', '--json'], 90_000);
        assert.equal(r.signal, null, 'the child was killed: it did not end by itself');
        assert.equal(r.status, 2);
        const err = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
        assert.equal(err.code, 'TIMEOUT');
        assert.match(err.message, /too slow: \d+ bytes in \d+\.\d s \(the overall deadline allows 4 s plus 1 s per 65536 bytes\)/);
      } finally {
        await t.close();
      }
    });
  }
});
