/**
 * HTTP(S) proxies, as CI runners configure them (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`), and
 * the one TLS agent factory every ovfkit HTTP path uses (package URLs, the vim25 SOAP client,
 * NFC uploads and downloads). An https target is reached through a CONNECT tunnel: TLS runs end
 * to end inside it, verified exactly as without a proxy (CA, pin or nothing else), so the proxy
 * sees host names and bytes it cannot read. A plain http target is requested in absolute form.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { OvfkitError, redactUrl, UsageError } from '@ovfkit/core';

/** Proxy settings: proxy URLs by target scheme, and the hosts reached directly. */
export interface ProxySettings {
  /** Proxy for https:// targets (`HTTPS_PROXY`). */
  httpsProxy?: string;
  /** Proxy for http:// targets (`HTTP_PROXY`). */
  httpProxy?: string;
  /** Comma-separated hosts reached directly (`NO_PROXY`): `*`, `host`, `.domain`, `host:port`, IP. */
  noProxy?: string;
}

/**
 * The proxy settings of an environment: `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`, the lowercase
 * forms first when both are set (as curl reads them). Empty values are unset.
 * @example proxySettingsFromEnv({ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '.corp' })
 */
export function proxySettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ProxySettings {
  const read = (name: string): string | undefined => env[name.toLowerCase()] || env[name] || undefined;
  const out: ProxySettings = {};
  const httpsProxy = read('HTTPS_PROXY');
  const httpProxy = read('HTTP_PROXY');
  const noProxy = read('NO_PROXY');
  if (httpsProxy) out.httpsProxy = httpsProxy;
  if (httpProxy) out.httpProxy = httpProxy;
  if (noProxy) out.noProxy = noProxy;
  return out;
}

/** Whether `NO_PROXY` sends `host:port` directly. */
function bypassed(host: string, port: string, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (!m) continue;
    const name = m[1]!.replace(/^\[|\]$/g, '').replace(/^\*?\./, '.');
    if (m[2] !== undefined && m[2] !== port) continue;
    if (h === name.replace(/^\./, '') || (name.startsWith('.') ? h.endsWith(name) : h.endsWith(`.${name}`))) return true;
  }
  return false;
}

/**
 * The proxy to reach `target` through, or undefined to connect directly. Only http:// proxy
 * URLs are read (the usual form; TLS to the target still runs end to end through CONNECT).
 * @example proxyFor(new URL('https://vc.corp/sdk'), { httpsProxy: 'http://proxy:3128', noProxy: '.corp' }) // undefined
 */
export function proxyFor(target: URL, settings: ProxySettings | undefined): URL | undefined {
  if (!settings) return undefined;
  const raw = target.protocol === 'https:' ? settings.httpsProxy : target.protocol === 'http:' ? settings.httpProxy : undefined;
  if (!raw) return undefined;
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  if (bypassed(target.hostname, port, settings.noProxy)) return undefined;
  let proxy: URL;
  try {
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new UsageError(`the proxy setting ${JSON.stringify(redactUrl(raw))} is not a URL (http://host:port)`);
  }
  if (proxy.protocol !== 'http:') throw new UsageError(`only http:// proxies are supported, got ${redactUrl(proxy)} (TLS to the server runs inside the CONNECT tunnel)`);
  return proxy;
}

/** `Proxy-Authorization` for a proxy URL with user and password, else nothing. */
export function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username && !proxy.password) return {};
  const basic = Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64');
  return { 'proxy-authorization': `Basic ${basic}` };
}

/**
 * Opens a CONNECT tunnel to `host:port` through `proxy`. Resolves with the raw socket once the
 * proxy answered 2xx; any other answer fails naming the proxy (redacted) and the status.
 */
export function connectTunnel(proxy: URL, host: string, port: number, timeoutMs = 30_000): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const authority = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
    const req = http.request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: Number(proxy.port || 80),
      method: 'CONNECT',
      path: authority,
      headers: { host: authority, ...proxyAuthorization(proxy) },
      agent: false,
      timeout: timeoutMs,
    });
    const shown = redactUrl(proxy);
    // `timeout` is a stall timer (reset by every byte); the whole CONNECT answer gets the same time overall.
    const overall = setTimeout(() => req.destroy(new OvfkitError('TIMEOUT', `the proxy ${shown} did not open the tunnel to ${authority} within ${timeoutMs} ms`)), timeoutMs);
    overall.unref();
    req.once('close', () => clearTimeout(overall));
    req.once('connect', (res, socket, head) => {
      clearTimeout(overall);
      if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) {
        if (head.length) socket.unshift(head);
        resolve(socket);
      } else {
        socket.destroy();
        reject(new OvfkitError('NETWORK', `the proxy ${shown} refused the tunnel to ${authority}: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
      }
    });
    req.once('timeout', () => req.destroy(new OvfkitError('TIMEOUT', `the proxy ${shown} did not open the tunnel to ${authority} within ${timeoutMs} ms`)));
    req.once('error', (e: NodeJS.ErrnoException) => reject(e instanceof OvfkitError ? e : new OvfkitError('NETWORK', `the proxy ${shown}: ${e.code ?? e.message}`, { cause: e })));
    req.end();
  });
}

/** What an https connection trusts, and how it gets there. */
export interface TlsAgentOptions {
  /** Extra CA certificates (PEM) added to Node's defaults. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Verify the certificate chain and name (false only when insecure mode is asked for by name). */
  rejectUnauthorized: boolean;
  /**
   * A check of the peer after the handshake, before any byte of a request is written (a pinned
   * fingerprint); an error returned destroys the socket and fails the request with it. The chain
   * is then not verified by CA: the pin is the trust.
   */
  checkPeer?: (socket: tls.TLSSocket) => Error | undefined;
  /** Where to find a proxy (`proxySettingsFromEnv`); none given: connect directly. */
  proxy?: ProxySettings;
  /** Milliseconds for the proxy to open a tunnel. @default 30000 */
  tunnelTimeoutMs?: number;
  keepAlive?: boolean;
}

/**
 * The https.Agent of every ovfkit HTTP path: TLS verified by CA (`rejectUnauthorized`) or by
 * `checkPeer` (a pin), through a CONNECT tunnel when the proxy settings name one for the target.
 * The socket is handed to HTTP only after the handshake and the check, so nothing of a request
 * (password, cookie, ticket) reaches a server that was not verified.
 * @example const agent = createTlsAgent({ rejectUnauthorized: true, proxy: proxySettingsFromEnv(ctx.env) });
 */
export function createTlsAgent(options: TlsAgentOptions): https.Agent {
  return new TlsAgent(options);
}

class TlsAgent extends https.Agent {
  constructor(private readonly o: TlsAgentOptions) {
    super({ keepAlive: o.keepAlive ?? true });
  }

  // http.Agent accepts an asynchronous createConnection: return nothing and call back later.
  override createConnection(options: object, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const opts = options as tls.ConnectionOptions & { host?: string; port?: number | string };
    const host = opts.host ?? 'localhost';
    const port = Number(opts.port ?? 443);
    let proxy: URL | undefined;
    try {
      proxy = proxyFor(new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}`), this.o.proxy);
    } catch (e) {
      process.nextTick(() => callback?.(e as Error, undefined as unknown as Duplex));
      return undefined;
    }
    const handshake = (tunnel: net.Socket | undefined): void => {
      const socket = tls.connect({
        ...opts,
        ...(tunnel ? { socket: tunnel } : {}),
        servername: opts.servername ?? (net.isIP(host) ? '' : host),
        rejectUnauthorized: this.o.checkPeer ? false : this.o.rejectUnauthorized,
        ...(this.o.ca ? { ca: this.o.ca } : {}),
      });
      const onError = (err: Error): void => callback?.(err, socket);
      socket.once('error', onError);
      socket.once('secureConnect', () => {
        socket.removeListener('error', onError);
        const refused = this.o.checkPeer?.(socket);
        if (refused) {
          socket.destroy();
          callback?.(refused, socket);
          return;
        }
        callback?.(null, socket);
      });
    };
    if (!proxy) handshake(undefined);
    else connectTunnel(proxy, host, port, this.o.tunnelTimeoutMs).then(handshake, (e: Error) => callback?.(e, undefined as unknown as Duplex));
    return undefined;
  }
}
