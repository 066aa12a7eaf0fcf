/**
 * The bounds of pace.ts over real sockets on 127.0.0.1 (the CLI runs against the simulator are in
 * test/src/deadline.test.ts): the content library's REST session, an NFC download whose head
 * trickles, an upload whose server takes the body and never answers.
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
import { Readable } from 'node:stream';
import { isOvfkitError } from '@ovfkit/core';
import { RestClient } from './library-rest';
import { nfcUpload } from './nfc';
import { NfcGet } from './nfc-get';
import { answerWaitMs, MIN_TRANSFER_BYTES_PER_SECOND } from './pace';
import type { VimSession } from './session';
import { VimClient } from './soap/client';
import { RetrieveServiceContent } from './soap/methods';
import { createAgent } from './tls';

/** Runs `p`, returning its error (an OvfkitError) and how long it took. */
async function failure(p: () => Promise<unknown>): Promise<{ code: string; message: string; ms: number }> {
  const t0 = Date.now();
  try {
    await p();
  } catch (e) {
    assert.ok(isOvfkitError(e), String(e));
    return { code: e.code, message: e.message, ms: Date.now() - t0 };
  }
  assert.fail('it did not fail');
}

describe('pace.ts bounds over real sockets', function () {
  this.timeout(30_000);
  const timers = new Set<NodeJS.Timeout>();
  afterEach(() => {
    for (const t of timers) clearInterval(t);
    timers.clear();
  });

  /** An HTTPS server on 127.0.0.1 (a throw-away certificate) that answers 200 and then one space every 50 ms, forever. */
  async function tricklingServer(contentType: string): Promise<https.Server> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-pace-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const server = https.createServer({ key: fs.readFileSync(path.join(dir, 'k.pem')), cert: fs.readFileSync(path.join(dir, 'c.pem')) }, (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': contentType });
      const t = setInterval(() => res.write(' '), 50);
      timers.add(t);
    });
    fs.rmSync(dir, { recursive: true });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return server;
  }

  it('a REST session whose server trickles its answer ends after timeoutMs overall', async () => {
    const server = await tricklingServer('application/json');
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const port = (server.address() as AddressInfo).port;
      // The SOAP side is not called: the REST client needs its agent, URL, redaction and the session's words.
      const seen: Record<string, string> = {};
      for (const vocabulary of ['cli', 'pulumi', 'terraform'] as const) {
        const vim = { isEsx: false, client: new VimClient({ url, agent: createAgent({ insecure: true }), vocabulary }) } as unknown as VimSession;
        const e = await failure(() => RestClient.open(vim, { userName: 'u', password: 'secret-pw', timeoutMs: 500 }));
        assert.equal(e.code, 'TIMEOUT');
        assert.ok(e.ms < 5000, `${e.ms} ms`);
        seen[vocabulary] = e.message;
      }
      assert.deepEqual(seen, {
        cli: `POST session: 127.0.0.1:${port} did not answer within 0.5 s (--timeout)`,
        pulumi: `POST session: 127.0.0.1:${port} did not answer within 0.5 s (the request timeout, which Pulumi does not let you set)`,
        terraform: `POST session: 127.0.0.1:${port} did not answer within 0.5 s (the request timeout, which the provider does not let you set)`,
      });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('a SOAP call whose server trickles its answer ends after timeoutMs overall, named in the words of the front end that connected', async () => {
    const server = await tricklingServer('text/xml; charset=utf-8');
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const seen: Record<string, string> = {};
      for (const vocabulary of ['cli', 'pulumi', 'cdktf', 'api'] as const) {
        const client = new VimClient({ url, agent: createAgent({ insecure: true }), timeoutMs: 500, vocabulary });
        const e = await failure(() => client.send(new RetrieveServiceContent({ _this: { type: 'ServiceInstance', value: 'ServiceInstance' } })));
        assert.equal(e.code, 'TIMEOUT');
        assert.ok(e.ms < 5000, `${e.ms} ms`);
        seen[vocabulary] = e.message;
      }
      assert.deepEqual(seen, {
        cli: `RetrieveServiceContent: ${url} did not answer within 0.5 s (--timeout)`,
        pulumi: `RetrieveServiceContent: ${url} did not answer within 0.5 s (the request timeout, which Pulumi does not let you set)`,
        cdktf: `RetrieveServiceContent: ${url} did not answer within 0.5 s (the request timeout, which the provider does not let you set)`,
        api: `RetrieveServiceContent: ${url} did not answer within 0.5 s (ConnectOptions.timeoutMs)`,
      });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('an NFC download whose head trickles a byte every 50 ms fails after one window, too slow', async () => {
    const server = net.createServer((s) => {
      s.on('data', () => undefined);
      s.write('HTTP/1.1 200 OK\r\nX-Slow: ');
      const t = setInterval(() => s.write('a'), 50);
      timers.add(t);
      s.on('close', () => clearInterval(t));
      s.on('error', () => clearInterval(t));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const u = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/nfc/ticket/disk-0.vmdk`);
      const seen: Record<string, string> = {};
      for (const vocabulary of ['cli', 'pulumi'] as const) {
        const e = await failure(async () => (await NfcGet.open(u, undefined, new AbortController().signal, 1000, 'disk-0.vmdk', vocabulary)).pipe(() => true));
        assert.equal(e.code, 'TIMEOUT');
        assert.ok(e.ms < 5000, `${e.ms} ms`);
        // The bytes of the head seen so far vary with the timers; the rest of the text is the rule.
        seen[vocabulary] = e.message.replace(/^(downloading disk-0\.vmdk: too slow: )\d+( bytes in the last 1 s after )\d+;/, '$1N$2M;');
      }
      assert.deepEqual(seen, {
        cli: 'downloading disk-0.vmdk: too slow: N bytes in the last 1 s after M; a transfer must move at least 65536 bytes/s over every 1 s (2 x --timeout)',
        pulumi: 'downloading disk-0.vmdk: too slow: N bytes in the last 1 s after M; a transfer must move at least 65536 bytes/s over every 1 s (2 x the request timeout, which Pulumi does not let you set)',
      });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('an upload whose server takes the body and never answers fails within one window plus the body at the minimum pace', async () => {
    const sockets = new Set<net.Socket>();
    const server = http.createServer((req) => req.resume());
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const u = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/nfc/ticket/disk-0.vmdk`);
      const body = Buffer.alloc(32 * 1024, 1);
      const e = await failure(() => nfcUpload(u, 'PUT', 'application/octet-stream', body.length, Readable.from([body]), undefined, new AbortController().signal, 1000));
      const bound = answerWaitMs({ windowMs: 1000 }, body.length);
      assert.equal(bound, 1000 + (body.length / MIN_TRANSFER_BYTES_PER_SECOND) * 1000);
      assert.equal(e.code, 'TIMEOUT');
      assert.equal(e.message, `uploading to http://127.0.0.1:${(server.address() as AddressInfo).port}/…/disk-0.vmdk: no answer 1.5 s after the last of 32768 bytes was sent (one 1 s window plus the bytes the connection may still hold at the minimum pace)`);
      assert.ok(e.ms >= bound - 50 && e.ms < bound + 3000, `${e.ms} ms against ${bound} ms`);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
