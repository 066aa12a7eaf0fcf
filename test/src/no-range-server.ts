/** A package server for one-pass tests: files over HTTP on 127.0.0.1, whole, without Range support. */
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
export async function serveWithoutRange(files: Record<string, string>): Promise<NoRangeServer> {
  let gets = 0;
  const server = http.createServer((req, res) => {
    gets++;
    const file = files[(req.url ?? '/').slice(1)];
    if (!file) return void res.writeHead(404).end();
    const body = fs.readFileSync(file);
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/x-tar' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: (name) => `${base}/${name}`, gets: () => gets, close: () => server.close() };
}
