import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { isOvfkitError } from '@ovfkit/core';
import { BodyDecoder, NfcGet, bodyFraming, parseResponseHead, type PieceSource } from './nfc-get';
import { createAgent } from './tls';

/** Collects a source's pieces, pausing after every `pauseEvery`-th piece and resuming on the next turn. */
async function collect(source: PieceSource, pauseEvery = 0): Promise<{ body: Buffer; count: number }> {
  const pieces: Buffer[] = [];
  let n = 0;
  const count = await source.pipe((piece) => {
    pieces.push(Buffer.from(piece)); // a piece is only valid during the call
    if (pauseEvery && ++n % pauseEvery === 0) {
      setImmediate(() => source.resume());
      return false;
    }
    return true;
  });
  return { body: Buffer.concat(pieces), count };
}

function chunked(body: Buffer, sizes: number[]): Buffer {
  const parts: Buffer[] = [];
  let off = 0;
  for (let i = 0; off < body.length; i++) {
    const n = Math.min(sizes[i % sizes.length]!, body.length - off);
    parts.push(Buffer.from(`${n.toString(16)}${i % 2 ? ';ext=1' : ''}\r\n`), body.subarray(off, off + n), Buffer.from('\r\n'));
    off += n;
  }
  parts.push(Buffer.from('0\r\nX-Trailer: yes\r\n\r\n'));
  return Buffer.concat(parts);
}

describe('the response head of a lease download is parsed strictly', () => {
  it('reads the status and headers, joining repeated ones', () => {
    const h = parseResponseHead('HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nX-A: 1\r\nx-a: 2');
    assert.equal(h.statusCode, 200);
    assert.deepEqual(h.headers, { 'content-type': 'application/octet-stream', 'x-a': '1, 2' });
  });

  it('refuses what is not an HTTP/1.x response, folded headers and junk lines', () => {
    assert.throws(() => parseResponseHead('SSH-2.0-OpenSSH'), /not an HTTP\/1\.1 response/);
    assert.throws(() => parseResponseHead('HTTP/1.1 200 OK\r\nA: 1\r\n folded'), /malformed HTTP header line/);
    assert.throws(() => parseResponseHead('HTTP/1.1 200 OK\r\nno colon here'), /malformed HTTP header line/);
  });

  it('takes the body length from chunked coding first, then one Content-Length, else the close', () => {
    assert.deepEqual(bodyFraming(parseResponseHead('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5')), { kind: 'chunked' });
    assert.deepEqual(bodyFraming(parseResponseHead('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5')), { kind: 'length', length: 5 });
    assert.deepEqual(bodyFraming(parseResponseHead('HTTP/1.1 200 OK')), { kind: 'close' });
    assert.throws(() => bodyFraming(parseResponseHead('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6')), /invalid Content-Length/);
    assert.throws(() => bodyFraming(parseResponseHead('HTTP/1.1 200 OK\r\nContent-Length: -1')), /invalid Content-Length/);
    assert.throws(() => bodyFraming(parseResponseHead('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked')), /unsupported Transfer-Encoding/);
  });
});

describe('the body decoder cuts the body out of the bytes after the head', () => {
  const body = randomBytes(5000);

  it('gives the same body for chunked coding however the bytes are split, extensions and trailers included', () => {
    const wire = chunked(body, [1, 700, 4096, 3]);
    for (const step of [1, 2, 7, 512, 4099, wire.length]) {
      const d = new BodyDecoder({ kind: 'chunked' });
      const out: Buffer[] = [];
      for (let i = 0; i < wire.length; i += step) d.push(wire.subarray(i, i + step), (p) => out.push(Buffer.from(p)) > 0);
      assert.ok(d.done, `done with ${step}-byte reads`);
      assert.ok(Buffer.concat(out).equals(body), `same body with ${step}-byte reads`);
    }
  });

  it('refuses a malformed chunk size, a chunk without its CRLF and an endless size line', () => {
    assert.throws(() => new BodyDecoder({ kind: 'chunked' }).push(Buffer.from('zz\r\n'), () => true), /malformed chunk size/);
    assert.throws(() => new BodyDecoder({ kind: 'chunked' }).push(Buffer.from('1234567890abc\r\n'), () => true), /malformed chunk size/);
    assert.throws(() => new BodyDecoder({ kind: 'chunked' }).push(Buffer.from('2\r\nabXY\r\n'), () => true), /not followed by CRLF/);
    assert.throws(() => new BodyDecoder({ kind: 'chunked' }).push(Buffer.alloc(2000, 0x31), () => true), /longer than 1 KiB/);
  });

  it('stops a Content-Length body at its length, ignoring what follows', () => {
    const d = new BodyDecoder({ kind: 'length', length: 10 });
    const out: Buffer[] = [];
    d.push(Buffer.from('0123456'), (p) => out.push(Buffer.from(p)) > 0);
    assert.equal(d.done, false);
    d.push(Buffer.from('789GARBAGE'), (p) => out.push(Buffer.from(p)) > 0);
    assert.equal(d.done, true);
    assert.equal(Buffer.concat(out).toString(), '0123456789');
  });
});

describe('NfcGet: one GET of a lease URL with the body in reused buffers (servers on 127.0.0.1)', () => {
  const servers: net.Server[] = [];
  after(() => servers.forEach((s) => s.close()));
  const body = randomBytes(3 * 1024 * 1024 + 17);
  const signal = new AbortController().signal;

  /** A TCP server that answers every connection with `respond(socket, request)`. */
  function serve(respond: (socket: net.Socket, request: string) => void): Promise<URL> {
    const server = net.createServer((socket) => {
      let request = '';
      socket.on('data', (d) => {
        request += d.toString('latin1');
        if (request.includes('\r\n\r\n')) respond(socket, request);
      });
      socket.on('error', () => undefined);
    });
    servers.push(server);
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(new URL(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/nfc/ticket/disk-0.vmdk`))));
  }

  it('delivers a Content-Length body whole and in order, with the consumer pausing often', async () => {
    let request = '';
    const u = await serve((s, r) => {
      request = r;
      s.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body]));
    });
    const get = await NfcGet.open(u, undefined, signal, 10_000, 'disk-0.vmdk');
    assert.equal(get.contentLength, body.length);
    const { body: got, count } = await collect(get, 3);
    assert.equal(count, body.length);
    assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(body).digest('hex'));
    assert.match(request, /^GET \/nfc\/ticket\/disk-0\.vmdk HTTP\/1\.1\r\nHost: 127\.0\.0\.1:\d+\r\n/);
  });

  it('delivers a chunked body and a body that ends with the connection', async () => {
    const chunkedUrl = await serve((s) => s.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'), chunked(body, [65536, 100, 30000])])));
    assert.ok((await collect(await NfcGet.open(chunkedUrl, undefined, signal, 10_000, 'a'), 5)).body.equals(body));
    const closeUrl = await serve((s) => s.end(Buffer.concat([Buffer.from('HTTP/1.0 200 OK\r\n\r\n'), body])));
    assert.ok((await collect(await NfcGet.open(closeUrl, undefined, signal, 10_000, 'b'))).body.equals(body));
  });

  it('fails a body cut off before its Content-Length, saying how far it got', async () => {
    const u = await serve((s) => s.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n'), body.subarray(0, 600)])));
    const get = await NfcGet.open(u, undefined, signal, 10_000, 'disk-0.vmdk');
    await assert.rejects(collect(get), (e: Error) => isOvfkitError(e) && e.code === 'NETWORK' && /download of disk-0\.vmdk was cut off after 600 bytes/.test(e.message));
  });

  it('fails on a status other than 200, an endless head, a body length it cannot trust and a silent server', async () => {
    const notFound = await serve((s) => s.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'));
    await assert.rejects(NfcGet.open(notFound, undefined, signal, 10_000, 'disk-0.vmdk'), /download of disk-0\.vmdk failed: HTTP 404/);
    const endless = await serve((s) => s.write('HTTP/1.1 200 OK\r\n' + 'X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'.repeat(2000)));
    await assert.rejects(NfcGet.open(endless, undefined, signal, 10_000, 'x'), /response head from x is longer than 65536 bytes/);
    const conflicting = await serve((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello'));
    await assert.rejects(NfcGet.open(conflicting, undefined, signal, 10_000, 'x'), /invalid Content-Length/);
    const silent = await serve(() => undefined);
    await assert.rejects(NfcGet.open(silent, undefined, signal, 200, 'x'), (e: Error) => isOvfkitError(e) && e.code === 'TIMEOUT');
  });

  it('stops at once when the lease signal aborts, with its reason', async () => {
    const u = await serve((s) => s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`));
    const controller = new AbortController();
    const get = await NfcGet.open(u, undefined, controller.signal, 10_000, 'x');
    const pending = collect(get);
    setTimeout(() => controller.abort(new Error('lease lost')), 50);
    await assert.rejects(pending, /lease lost/);
  });

  it('keeps the agent\'s trust: a pinned thumbprint that does not match fails before the GET is sent', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-nfcget-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const key = fs.readFileSync(path.join(dir, 'k.pem'));
    const cert = fs.readFileSync(path.join(dir, 'c.pem'), 'utf8');
    fs.rmSync(dir, { recursive: true });
    const requests: string[] = [];
    const server = tls.createServer({ key, cert }, (socket) => {
      socket.on('data', (d) => {
        requests.push(d.toString('latin1'));
        socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body]));
      });
      socket.on('error', () => undefined);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const u = new URL(`https://127.0.0.1:${(server.address() as net.AddressInfo).port}/nfc/t/disk.vmdk`);
    const good = createAgent({ thumbprint: new X509Certificate(cert).fingerprint256 });
    assert.ok((await collect(await NfcGet.open(u, good, signal, 10_000, 'disk.vmdk'), 7)).body.equals(body), 'pinned and matching: the whole body');
    const byCa = createAgent({ ca: cert });
    assert.ok((await collect(await NfcGet.open(u, byCa, signal, 10_000, 'disk.vmdk'))).body.equals(body), 'CA-verified: the whole body');
    const sent = requests.length;
    const wrong = createAgent({ thumbprint: 'AA:'.repeat(31) + 'AA' });
    await assert.rejects(NfcGet.open(u, wrong, signal, 10_000, 'disk.vmdk'), (e: Error) => isOvfkitError(e) && e.code === 'TLS' && /does not match the pinned thumbprint/.test(e.message));
    await assert.rejects(NfcGet.open(u, createAgent({}), signal, 10_000, 'disk.vmdk'), (e: Error) => isOvfkitError(e) && e.code === 'TLS');
    assert.equal(requests.length, sent, 'no GET reached a server that was not trusted');
  });
});
