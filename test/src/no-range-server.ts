/** A package server for one-pass tests: files over HTTP on 127.0.0.1, whole, without Range support (or with it, {@link serveWithRange}). */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running server: the URL of each file it serves and how many GETs it has answered. */
export interface NoRangeServer {
  url(name: string): string;
  gets(): number;
  close(): void;
}

/**
 * Serves `files` (URL name → local path) as `http://127.0.0.1:<port>/<name>`, always the whole
 * body with status 200, as a server that ignores Range does; anything else is a 404.
 * @example const s = await serveWithoutRange({ 'web.ova': ova }); await openPackage(s.url('web.ova'))
 */
export function serveWithoutRange(files: Record<string, string>): Promise<NoRangeServer> {
  return serveFiles(files, false);
}

/** The same server honouring `Range: bytes=a-b` (206 with Content-Range), as a random-access source needs. */
export function serveWithRange(files: Record<string, string>): Promise<NoRangeServer> {
  return serveFiles(files, true);
}

async function serveFiles(files: Record<string, string>, range: boolean): Promise<NoRangeServer> {
  let gets = 0;
  const server = http.createServer((req, res) => {
    gets++;
    const file = files[(req.url ?? '/').slice(1)];
    if (!file) return void res.writeHead(404).end();
    const body = fs.readFileSync(file);
    const m = range ? /^bytes=(\d+)-(\d+)?$/.exec(req.headers.range ?? '') : null;
    if (m) {
      const start = Number(m[1]);
      const end = Math.min(m[2] ? Number(m[2]) : body.length - 1, body.length - 1);
      res.writeHead(206, { 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-type': 'application/x-tar' }).end(body.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/x-tar' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: (name) => `${base}/${name}`, gets: () => gets, close: () => server.close() };
}
