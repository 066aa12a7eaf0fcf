/**
 * A small HTTP(S) GET client for package sources, built on node:http(s) because a package
 * download needs control the convenience clients hide: an idle timeout that also covers the
 * body, a redirect limit with loop detection, byte counting against what the server announced,
 * Range requests, and TLS options by name. URLs are shown without credentials.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { OvfkitError, redactUrl } from '@ovfkit/core';
import { createTlsAgent, proxyAuthorization, proxyFor, proxySettingsFromEnv, type ProxySettings } from './proxy';

/** How package sources talk HTTP. */
export interface HttpOptions {
  /** Milliseconds without a byte (connect, headers or body) before the request fails. @default 30000 */
  stallTimeoutMs?: number;
  /**
   * The slowest average a transfer may fall to, after a grace of 4 × `stallTimeoutMs`: a request
   * fails once its time exceeds the grace plus its bytes at this rate, so a server trickling a
   * byte now and then (which the stall timer alone never catches) is cut off, and every read has
   * an overall deadline of grace + size / rate. @default 65536 (64 KiB/s)
   */
  minBytesPerSecond?: number;
  /** Redirects followed before giving up. @default 5 */
  maxRedirects?: number;
  /** Extra trusted CA certificates (PEM), added to Node's defaults. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Accept any server certificate. Only for lab servers; say so where it is used. @default false */
  insecureSkipTlsVerify?: boolean;
  /** Proxies to go through (HTTPS_PROXY / HTTP_PROXY / NO_PROXY). @default proxySettingsFromEnv(process.env) */
  proxy?: ProxySettings;
  /** Extra request headers (e.g. Authorization); never echoed in errors. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A response whose body is counted against what the server announced. */
export interface HttpResponse {
  /** Final URL after redirects. */
  url: URL;
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Readable;
  /** Length of this body when announced (Content-Length). */
  contentLength?: number;
  /** For 206: the range served and the whole resource's length when given. */
  range?: { start: number; end: number; total?: number };
}

export { redactUrl };

/** Counts body bytes; fails when they exceed, or fall short of, what was announced. */
class ByteCounter extends Transform {
  count = 0;
  constructor(
    private readonly expected: number | undefined,
    private readonly what: string,
    private readonly maxBytes: number | undefined,
    /** An error the connection reported after the body (Node's parser flags bytes beyond Content-Length this way). */
    private readonly late: () => Error | undefined,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.count += chunk.length;
    if (this.expected !== undefined && this.count > this.expected) {
      cb(new OvfkitError('INTEGRITY', `${this.what}: the server sent more than the ${this.expected} bytes it announced`));
      return;
    }
    if (this.maxBytes !== undefined && this.count > this.maxBytes) {
      cb(new OvfkitError('INPUT_TOO_LARGE', `${this.what}: larger than the ${this.maxBytes} bytes allowed`));
      return;
    }
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    if (this.expected !== undefined && this.count < this.expected) {
      cb(new OvfkitError('INTEGRITY', `${this.what}: the server announced ${this.expected} bytes but sent ${this.count}`));
      return;
    }
    // The parser reports trailing bytes on the request right after the body ends: give it a turn.
    setImmediate(() => cb(this.late()));
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * GETs a URL, following redirects, optionally for a byte range. Resolves once headers arrived;
 * the body then streams. Non-2xx answers are NETWORK errors (404 carries `status` in the message);
 * stalls are TIMEOUT errors; certificate problems are TLS errors.
 */
export async function httpGet(
  url: string | URL,
  options: HttpOptions & { range?: { start: number; end: number }; maxBytes?: number } = {},
): Promise<HttpResponse> {
  const maxRedirects = options.maxRedirects ?? 5;
  const visited = new Set<string>();
  let current = new URL(String(url));
  for (let hop = 0; ; hop++) {
    if (current.protocol !== 'http:' && current.protocol !== 'https:') {
      throw new OvfkitError('USAGE', `only http and https URLs are supported, not ${current.protocol} (${redactUrl(current)})`);
    }
    const { res, state } = await requestOnce(current, options);
    const status = res.statusCode ?? 0;
    if (REDIRECTS.has(status)) {
      res.resume();
      const location = res.headers.location;
      if (!location) throw new OvfkitError('NETWORK', `GET ${redactUrl(current)}: redirect ${status} without a Location`);
      const next = new URL(location, current);
      if (current.protocol === 'https:' && next.protocol === 'http:') {
        throw new OvfkitError('NETWORK', `GET ${redactUrl(current)}: refusing a redirect from https to http (${redactUrl(next)})`);
      }
      visited.add(current.toString());
      if (visited.has(next.toString())) throw new OvfkitError('NETWORK', `GET ${redactUrl(url)}: redirect loop at ${redactUrl(next)}`);
      if (hop + 1 > maxRedirects) throw new OvfkitError('NETWORK', `GET ${redactUrl(url)}: more than ${maxRedirects} redirects`);
      current = next;
      continue;
    }
    if (status < 200 || status > 299) {
      res.resume();
      throw new OvfkitError('NETWORK', `GET ${redactUrl(current)}: HTTP ${status} ${res.statusMessage ?? ''}`.trim(), { cause: { status } });
    }
    const lengthHeader = res.headers['content-length'];
    const contentLength = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    let range: HttpResponse['range'];
    if (status === 206) {
      const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers['content-range'] ?? '');
      if (!m) {
        res.resume();
        throw new OvfkitError('NETWORK', `GET ${redactUrl(current)}: 206 without a valid Content-Range`);
      }
      range = { start: Number(m[1]), end: Number(m[2]) };
      if (m[3] !== '*') range.total = Number(m[3]);
      if (options.range && range.start !== options.range.start) {
        res.resume();
        throw new OvfkitError('NETWORK', `GET ${redactUrl(current)}: asked for bytes from ${options.range.start}, got from ${range.start}`);
      }
    }
    const expected = contentLength ?? (range ? range.end - range.start + 1 : undefined);
    const counter = new ByteCounter(expected, `GET ${redactUrl(current)}`, options.maxBytes, () => state.late);
    state.onLate = (e) => counter.destroy(e);
    state.received = () => counter.count;
    const at = current;
    if (state.late) counter.destroy(state.late);
    res.on('error', (e) =>
      setImmediate(() => counter.destroy(state.late ?? (e instanceof OvfkitError ? e : new OvfkitError('NETWORK', `GET ${redactUrl(at)}: connection closed after ${counter.count} bytes (${e.message})`, { cause: e })))),
    );
    // 'aborted' comes before the request's own error (a timeout, say): let that one win.
    res.on('aborted', () => setImmediate(() => counter.destroy(state.late ?? new OvfkitError('NETWORK', `GET ${redactUrl(at)}: connection closed after ${counter.count} bytes`))));
    counter.on('close', () => {
      if (!res.complete) res.destroy();
    });
    res.pipe(counter);
    const out: HttpResponse = { url: current, status, headers: res.headers, body: counter };
    if (contentLength !== undefined) out.contentLength = contentLength;
    if (range) out.range = range;
    return out;
  }
}

/** Errors the request reports after its response arrived (timeouts, bytes beyond Content-Length). */
interface LateErrors {
  late?: Error;
  onLate?: (e: Error) => void;
  /** Body bytes received so far (set once the body is counted), for the overall deadline. */
  received?: () => number;
}

/** Default of {@link HttpOptions.minBytesPerSecond}. */
export const DEFAULT_MIN_BYTES_PER_SECOND = 64 * 1024;

function requestOnce(url: URL, options: HttpOptions & { range?: { start: number; end: number } }): Promise<{ res: http.IncomingMessage; state: LateErrors }> {
  const state: LateErrors = {};
  let responded = false;
  const stallMs = options.stallTimeoutMs ?? 30_000;
  const headers: Record<string, string> = { 'user-agent': 'ovfkit', ...options.headers };
  if (options.range) headers['range'] = `bytes=${options.range.start}-${options.range.end}`;
  return new Promise((resolve, reject) => {
    const proxySettings = options.proxy ?? proxySettingsFromEnv();
    let req: http.ClientRequest;
    const signal = options.signal ? { signal: options.signal } : {};
    const onResponse = (res: http.IncomingMessage): void => {
      // The idle timer stays armed for the body: a server that stalls mid-file fails too.
      res.socket.setTimeout(stallMs, () => {
        const err = new OvfkitError('TIMEOUT', `GET ${redactUrl(url)}: no data for ${stallMs} ms`);
        res.destroy(err);
        req.destroy(err);
      });
      responded = true;
      resolve({ res, state });
    };
    if (url.protocol === 'https:') {
      // One agent per request (no pooling across sources), tunnelled through a proxy when one applies.
      const agent = createTlsAgent({ rejectUnauthorized: !options.insecureSkipTlsVerify, ...(options.ca ? { ca: options.ca } : {}), proxy: proxySettings, keepAlive: false, tunnelTimeoutMs: stallMs });
      req = https.request(url, { method: 'GET', headers, agent, ...signal }, onResponse);
    } else {
      const proxy = proxyFor(url, proxySettings);
      if (proxy) {
        // Through a proxy, a plain http request names the whole URL (absolute form); the URL's
        // user and password go in Authorization as without a proxy, not in the request line.
        const target = new URL(url.href);
        const auth = target.username || target.password ? `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}` : undefined;
        target.username = '';
        target.password = '';
        req = http.request({ host: proxy.hostname, port: Number(proxy.port || 80), path: target.href, method: 'GET', headers: { ...headers, host: url.host, ...proxyAuthorization(proxy) }, ...(auth ? { auth } : {}), agent: false, ...signal }, onResponse);
      } else req = http.request(url, { method: 'GET', headers, agent: false, ...signal }, onResponse);
    }
    req.setTimeout(stallMs, () => req.destroy(new OvfkitError('TIMEOUT', `GET ${redactUrl(url)}: no data for ${stallMs} ms`)));
    // The overall deadline: the stall timer resets on every byte, this one does not.
    const started = Date.now();
    const graceMs = 4 * stallMs;
    const rate = options.minBytesPerSecond ?? DEFAULT_MIN_BYTES_PER_SECOND;
    const deadline = setInterval(() => {
      const elapsed = Date.now() - started;
      const bytes = state.received?.() ?? 0;
      if (elapsed <= graceMs + (bytes / rate) * 1000) return;
      clearInterval(deadline);
      const why = `too slow: ${bytes} bytes in ${(elapsed / 1000).toFixed(1)} s (the overall deadline allows ${graceMs / 1000} s plus 1 s per ${rate} bytes)`;
      req.destroy(new OvfkitError('TIMEOUT', `GET ${redactUrl(url)}: ${why}`));
    }, Math.min(1000, Math.max(50, stallMs / 4)));
    deadline.unref();
    req.on('close', () => clearInterval(deadline));
    req.on('error', (e: NodeJS.ErrnoException) => {
      // After the response arrived, errors go to the body (see httpGet); before, they reject.
      if (e.name === 'AbortError') {
        const aborted = new OvfkitError('ABORTED', `GET ${redactUrl(url)}: cancelled`, { cause: e });
        if (responded) {
          state.late ??= aborted;
          state.onLate?.(state.late);
          return;
        }
        return reject(aborted);
      }
      if (responded) {
        state.late ??=
          e instanceof OvfkitError
            ? e
            : new OvfkitError('INTEGRITY', `GET ${redactUrl(url)}: the server sent more than the bytes it announced, or broke the protocol (${e.code ?? e.message})`, { cause: e });
        state.onLate?.(state.late);
        return;
      }
      if (e instanceof OvfkitError) return reject(e);
      const tlsCodes = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|SSL/;
      if (e.code && tlsCodes.test(e.code)) {
        reject(new OvfkitError('TLS', `GET ${redactUrl(url)}: TLS failure (${e.code}); pass the server's CA, or insecure mode for a lab server`, { cause: e }));
      } else {
        reject(new OvfkitError('NETWORK', `GET ${redactUrl(url)}: ${e.code ?? e.message}`, { cause: e }));
      }
    });
    req.end();
  });
}

/** Reads a whole (small) body into memory, refusing more than `maxBytes`. */
export async function readBody(body: AsyncIterable<Buffer>, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    n += c.length;
    if (n > maxBytes) throw new OvfkitError('INPUT_TOO_LARGE', `${what} is larger than ${maxBytes} bytes`);
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}
