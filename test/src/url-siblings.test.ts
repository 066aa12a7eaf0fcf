/**
 * A package given as a signed `.ovf` URL (`https://h/a.ovf?sig=…`): its siblings (disk, `.mf`,
 * `.cert`) are fetched with the same query string, as a server that signs a folder requires, and
 * once without it where the query is refused (a token that signs only the descriptor beside
 * public siblings). The token is never printed. Servers on 127.0.0.1.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { runCli } from './run-cli';
import { makeTestPki, minimalParts, signedFolder, type TestPki } from './signed-packages';

const TOKEN = 'sig=S3cr3tT0ken';

/** Serves `folder`; `allow` decides per request (path, query) whether it is served or refused 403. Records every request. */
async function serve(folder: string, allow: (file: string, query: string) => boolean): Promise<{ base: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const file = decodeURIComponent(u.pathname.slice(1));
    seen.push(`${file}${u.search}`);
    if (!allow(file, u.search.slice(1))) return void res.writeHead(403).end();
    const full = path.join(folder, file);
    if (!fs.existsSync(full)) return void res.writeHead(404).end();
    const body = fs.readFileSync(full);
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (range) {
      const [s, e] = [Number(range[1]), Math.min(Number(range[2]), body.length - 1)];
      res.writeHead(206, { 'content-range': `bytes ${s}-${e}/${body.length}`, 'content-length': e - s + 1 });
      return void res.end(body.subarray(s, e + 1));
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

describe('a signed .ovf URL: its siblings are fetched with the same query string, which is never shown', function () {
  this.timeout(60_000);
  let tmp = '';
  let pki: TestPki;
  let folder = '';
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-url-siblings-'));
    pki = makeTestPki(path.join(tmp, 'pki'));
    const parts = minimalParts(path.join(tmp, 'minimal'));
    folder = signedFolder(tmp, 'p', parts.descriptor, parts.disks, { kind: 'signed', by: pki.signer });
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const plan = async (base: string) => {
    const r = await runCli(['plan', `${base}/p.ovf?${TOKEN}`, '--json', '--trust', pki.caFile]);
    assert.ok(!(r.stdout + r.stderr).includes('S3cr3tT0ken'), 'the token is never printed');
    return { code: r.code, plan: JSON.parse(r.stdout) as { ok: boolean; errors: { code: string }[]; signature: { status: string; trusted?: boolean }; package: { files: { present: unknown }[] } } };
  };

  it('a server that requires the token on every file: the plan finds the disk, the manifest and the signature', async () => {
    const s = await serve(folder, (_f, q) => q === TOKEN);
    try {
      const { code, plan: p } = await plan(s.base);
      assert.deepEqual(p.errors.map((e) => e.code), []);
      assert.equal(code, 0);
      assert.deepEqual({ status: p.signature.status, trusted: p.signature.trusted }, { status: 'valid', trusted: true });
      assert.deepEqual(p.package.files.map((f) => f.present), [true]);
      assert.deepEqual(s.seen.filter((r) => !r.endsWith(`?${TOKEN}`)), [], 'every request carried the token');
      assert.deepEqual([...new Set(s.seen.map((r) => r.split('?')[0]))].sort(), ['minimal-disk1.vmdk', 'p.cert', 'p.mf', 'p.ovf']);
    } finally { await s.close(); }
  });

  it('a token that signs only the descriptor, beside siblings that refuse a query: each sibling is fetched again without it', async () => {
    const s = await serve(folder, (f, q) => (f === 'p.ovf' ? q === TOKEN : q === ''));
    try {
      const { code, plan: p } = await plan(s.base);
      assert.deepEqual(p.errors.map((e) => e.code), []);
      assert.equal(code, 0);
      assert.equal(p.signature.status, 'valid');
      assert.deepEqual(p.package.files.map((f) => f.present), [true]);
    } finally { await s.close(); }
  });

  it('a server that refuses a sibling either way: the plan names the missing file, the token still redacted', async () => {
    const s = await serve(folder, (f, q) => f === 'p.ovf' && q === TOKEN);
    try {
      const r = await runCli(['plan', `${s.base}/p.ovf?${TOKEN}`, '--trust', pki.caFile]);
      assert.notEqual(r.code, 0);
      assert.ok(!(r.stdout + r.stderr).includes('S3cr3tT0ken'), r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, /HTTP 403/);
    } finally { await s.close(); }
  });
});
