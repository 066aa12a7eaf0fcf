/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as CI runners set them, for package URLs and vCenter: a
 * proxy on 127.0.0.1 written here relays CONNECT tunnels and absolute-form GETs and records each.
 * Through the proxy, TLS is still verified end to end (a CA the command was not given still fails,
 * a pin still decides), and NO_PROXY sends a host directly.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './paths';
import { runCli } from './run-cli';
import { startSimulator, type Simulator } from './sim/simulator';

interface Proxy {
  url: string;
  /** What it relayed, in order: `CONNECT host:port` or `GET <absolute URL>`, and any Proxy-Authorization. */
  relayed: string[];
  close(): Promise<void>;
}

/** A forwarding proxy on 127.0.0.1: CONNECT tunnels, and plain http requests in absolute form. */
async function startProxy(): Promise<Proxy> {
  const relayed: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    relayed.push(`${req.method} ${req.url}${req.headers['proxy-authorization'] ? ` (${req.headers['proxy-authorization']})` : ''}`);
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const up = http.request({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    relayed.push(`CONNECT ${req.url}`);
    const [host, port] = [req.url!.slice(0, req.url!.lastIndexOf(':')), Number(req.url!.slice(req.url!.lastIndexOf(':') + 1))];
    const up = net.connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    for (const s of [up, client]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => { up.destroy(); client.destroy(); });
    }
  });
  server.on('connection', (s: net.Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    relayed,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

describe('proxies from HTTPS_PROXY / HTTP_PROXY / NO_PROXY', function () {
  this.timeout(120_000);
  let tmp = '';
  let proxy: Proxy;
  let tlsServer: https.Server;
  let plainServer: http.Server;
  let tlsUrl = '';
  let plainUrl = '';
  let caFile = '';
  /** Requests each package server answered. */
  const served = { tls: 0, plain: 0 };
  const ova = fs.readFileSync(path.join(repoRoot, 'examples', 'minimal', 'minimal.ova'));
  const ovf = fs.readFileSync(path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf'));

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-proxy-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(tmp, 'k.pem'), '-out', path.join(tmp, 'c.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    caFile = path.join(tmp, 'c.pem');
    const serve = (which: 'tls' | 'plain') => (req: http.IncomingMessage, res: http.ServerResponse): void => {
      served[which]++;
      const body = req.url === '/minimal.ova' ? ova : req.url === '/minimal.ovf' ? ovf : undefined;
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': body.length }).end(body);
    };
    tlsServer = https.createServer({ key: fs.readFileSync(path.join(tmp, 'k.pem')), cert: fs.readFileSync(caFile) }, serve('tls'));
    plainServer = http.createServer(serve('plain'));
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => plainServer.listen(0, '127.0.0.1', r));
    tlsUrl = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
    plainUrl = `http://127.0.0.1:${(plainServer.address() as AddressInfo).port}`;
    proxy = await startProxy();
  });
  beforeEach(() => {
    proxy.relayed.length = 0;
    served.tls = 0;
    served.plain = 0;
  });
  after(async () => {
    await proxy?.close();
    tlsServer?.closeAllConnections();
    plainServer?.closeAllConnections();
    await new Promise((r) => tlsServer?.close(r));
    await new Promise((r) => plainServer?.close(r));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('an https package URL goes through a CONNECT tunnel, one per request, and plans as it does directly', async () => {
    const direct = await runCli(['plan', `${tlsUrl}/minimal.ova`, '--ca', caFile, '--json'], {});
    const directRequests = served.tls;
    served.tls = 0;
    const r = await runCli(['plan', `${tlsUrl}/minimal.ova`, '--ca', caFile, '--json'], { HTTPS_PROXY: proxy.url });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, direct.stdout);
    assert.ok(directRequests > 0);
    assert.deepEqual(proxy.relayed, Array.from({ length: directRequests }, () => `CONNECT ${new URL(tlsUrl).host}`));
    assert.equal(served.tls, directRequests);
  });

  it('through the proxy the server certificate is still verified: without --ca the command fails with a TLS error and the server sees no request', async () => {
    const r = await runCli(['plan', `${tlsUrl}/minimal.ova`, '--json'], { https_proxy: proxy.url });
    assert.equal(r.code, 2);
    const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    assert.equal(error.code, 'TLS');
    assert.deepEqual(proxy.relayed, [`CONNECT ${new URL(tlsUrl).host}`]);
    assert.equal(served.tls, 0);
  });

  it('an http package URL is requested from the proxy in absolute form, with the proxy credentials in Proxy-Authorization only', async () => {
    const authProxy = proxy.url.replace('http://', 'http://ci:s3cret@');
    const r = await runCli(['parse', `${plainUrl}/minimal.ovf`, '--json'], { HTTP_PROXY: authProxy, HTTPS_PROXY: 'http://127.0.0.1:9' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(proxy.relayed, [`GET ${plainUrl}/minimal.ovf (Basic ${Buffer.from('ci:s3cret').toString('base64')})`]);
    assert.equal(served.plain, 1);
    assert.doesNotMatch(r.stdout + r.stderr, /s3cret/);
  });

  it('NO_PROXY sends a listed host directly: nothing reaches the proxy', async () => {
    for (const noProxy of ['127.0.0.1', `127.0.0.1:${new URL(tlsUrl).port},other.example`, '*']) {
      const r = await runCli(['plan', `${tlsUrl}/minimal.ova`, '--ca', caFile, '--json'], { HTTPS_PROXY: proxy.url, NO_PROXY: noProxy });
      assert.equal(r.code, 0, r.stderr);
    }
    assert.deepEqual(proxy.relayed, []);
    const other = await runCli(['plan', `${tlsUrl}/minimal.ova`, '--ca', caFile, '--json'], { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.2,.example.com,127.0.0.1:1' });
    assert.equal(other.code, 0, other.stderr);
    assert.ok(proxy.relayed.length > 0, 'hosts not listed still go through the proxy');
  });

  it('a proxy that refuses the tunnel fails the command naming the proxy (credentials redacted) and the status', async () => {
    const refusing = http.createServer();
    refusing.on('connect', (_req, socket: net.Socket) => socket.end('HTTP/1.1 403 Forbidden\r\n\r\n'));
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
    try {
      const port = (refusing.address() as AddressInfo).port;
      const r = await runCli(['plan', `${tlsUrl}/minimal.ova`, '--ca', caFile, '--json'], { HTTPS_PROXY: `http://ci:s3cret@127.0.0.1:${port}` });
      assert.equal(r.code, 2);
      assert.deepEqual(JSON.parse(r.stdout), { error: { code: 'NETWORK', message: `the proxy http://127.0.0.1:${port}/ refused the tunnel to ${new URL(tlsUrl).host}: HTTP 403 Forbidden` } });
    } finally {
      await new Promise((r) => refusing.close(r));
    }
  });

  describe('vCenter (the simulator) through the proxy', () => {
    let sim: Simulator;
    before(async () => {
      sim = await startSimulator();
    });
    after(async () => {
      await sim?.stop();
    });
    const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({ VSPHERE_SERVER: sim.sdkUrl, VSPHERE_USER: sim.username, VSPHERE_PASSWORD: sim.password, VSPHERE_THUMBPRINT: sim.thumbprint, ...extra });
    const simHost = (): string => new URL(sim.sdkUrl).host;

    it('import (SOAP and the NFC upload) and destroy run through CONNECT tunnels to the server, with the pin checked inside them', async () => {
      const r = await runCli(['import', path.join(repoRoot, 'examples', 'minimal', 'minimal.ova'), '--pool', 'DC0_C0/Resources', '--name', 'proxied', '--json'], env({ HTTPS_PROXY: proxy.url }));
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.ok(proxy.relayed.length > 0);
      assert.deepEqual([...new Set(proxy.relayed)], [`CONNECT ${simHost()}`]);
      const entity = (JSON.parse(r.stdout) as { entity: { type: string; value: string } }).entity;
      const d = await runCli(['destroy', `${entity.type}:${entity.value}`, '--json'], env({ HTTPS_PROXY: proxy.url }));
      assert.equal(d.code, 0, d.stdout + d.stderr);

      proxy.relayed.length = 0;
      const wrongPin = await runCli(['inventory', 'capture', '--json'], env({ HTTPS_PROXY: proxy.url, VSPHERE_THUMBPRINT: 'AB:'.repeat(31) + 'AB' }));
      assert.equal(wrongPin.code, 2);
      assert.match((JSON.parse(wrongPin.stdout) as { error: { message: string } }).error.message, /does not match the pinned thumbprint .*nothing was sent/);
      assert.deepEqual(proxy.relayed, [`CONNECT ${simHost()}`]);

      proxy.relayed.length = 0;
      const direct = await runCli(['inventory', 'capture', '--json'], env({ HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }));
      assert.equal(direct.code, 0, direct.stderr);
      assert.deepEqual(proxy.relayed, []);
    });
  });
});
