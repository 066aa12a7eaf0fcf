import * as https from 'node:https';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import { OvfkitError, isOvfkitError, wordsOf, type Vocabulary } from '@ovfkit/core';
import { decodeElement, encodeElement, type DataObject } from './codec';
import { VimFault } from './fault';
import { parseXml, SOAPENV_NS, type XmlNode } from './xml';
import { requestDeadline } from '../pace';
import { vsphereEndpoint } from '../tls';

/** The vim25 API release ovfkit's types are written against (sent as SOAPAction). */
export const VIM_VERSION = '7.0.3.0';

/** One HTTP exchange as a transport sees it. */
export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  signal?: AbortSignal;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends one HTTP request; injected so tests can replay recorded exchanges. */
export type Transport = (req: HttpRequest) => Promise<HttpResponse>;

/** A SOAP call on its way through the middleware chain. */
export interface SoapCall {
  method: string;
  /** The body element (`<Method xmlns="urn:vim25">…</Method>`). */
  body: string;
  /** Safe to send twice: retried on connection errors. Reads only. */
  idempotent: boolean;
  /** Strings that must never reach a log line or an error message. */
  secrets: string[];
  signal?: AbortSignal;
  headers: Record<string, string>;
}

/** What a handler returns: the `<MethodResponse>` element and the response headers. */
export interface SoapResult {
  response: XmlNode;
  headers: Record<string, string | string[] | undefined>;
}

export type Handler = (call: SoapCall) => Promise<SoapResult>;
/** A step of the chain (session cookie, re-login, retry, logging): wraps the next handler. */
export type Middleware = (next: Handler, client: VimClient) => Handler;

/**
 * A typed vim25 method call (the AWS SDK v3 command shape): typed input, a pure serializer of the
 * request body and a pure deserializer of the response element.
 */
export interface VimCommand<Input, Output> {
  readonly method: string;
  readonly input: Input;
  readonly idempotent: boolean;
  serialize(): string;
  deserialize(response: XmlNode): Output;
  /** Values of this call that are secrets (e.g. the password of Login). */
  secrets(): string[];
}

/** A logger for the client: one line per call; secrets are already redacted. */
export type Logger = (line: string) => void;

export interface VimClientOptions {
  /** `https://host[:port]` or `https://host/sdk`. */
  url: string;
  /** Sends HTTP; defaults to {@link httpsTransport} over `agent`. */
  transport?: Transport;
  /** The https agent (TLS trust) for the default transport. */
  agent?: https.Agent;
  /** Per-request timeout. @default 60000 */
  timeoutMs?: number;
  logger?: Logger;
  /** Extra middleware, outermost first, after the built-in ones. */
  middleware?: Middleware[];
  /** Attempts for idempotent reads on connection errors. @default 3 */
  maxAttempts?: number;
  /** Whose words a timeout or an untrusted certificate is named in (`--timeout`, Pulumi's `connection.thumbprint`…). @default 'api' */
  vocabulary?: Vocabulary;
}

/** Credentials kept only in memory, for re-login on NotAuthenticated. */
export interface Credentials {
  userName: string;
  password: string;
}

/**
 * A vim25 SOAP client: `send(command)` runs a typed command through the middleware chain
 * (logging → re-login → retry → session cookie → transport).
 * @example
 * const client = new VimClient({ url: 'https://vc.example.com', agent: createAgent({ thumbprint }) });
 * const sc = await client.send(new RetrieveServiceContent({}));
 */
export class VimClient {
  readonly url: string;
  readonly sdkUrl: string;
  readonly timeoutMs: number;
  readonly agent: https.Agent | undefined;
  /** Whose words this client's messages (and those of the transfers of its session) name a setting in. */
  readonly vocabulary: Vocabulary;
  /** The `vmware_soap_session` cookie value, quoted as the server sent it. */
  sessionCookie: string | undefined;
  /** Set by login so the re-login middleware can renew an expired session. */
  relogin: (() => Promise<void>) | undefined;
  private readonly handler: Handler;
  private readonly logger: Logger | undefined;
  readonly secrets = new Set<string>();

  constructor(options: VimClientOptions) {
    const endpoint = vsphereEndpoint(options.url);
    this.url = endpoint.origin;
    this.sdkUrl = endpoint.sdkUrl;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.agent = options.agent;
    this.vocabulary = options.vocabulary ?? 'api';
    this.logger = options.logger;
    const transport = options.transport ?? httpsTransport(options.agent);
    const chain: Middleware[] = [loggingMiddleware, reloginMiddleware, retryMiddleware(options.maxAttempts ?? 3), ...(options.middleware ?? []), sessionMiddleware];
    let h: Handler = (call) => this.exchange(transport, call);
    for (const m of [...chain].reverse()) h = m(h, this);
    this.handler = h;
  }

  /** Runs a command and returns its typed result, or throws a VimFault / OvfkitError. */
  async send<I, O>(command: VimCommand<I, O>, signal?: AbortSignal): Promise<O> {
    const secrets = command.secrets();
    for (const s of secrets) if (s) this.secrets.add(s);
    const body = command.serialize();
    const result = await this.handler({ method: command.method, body, idempotent: command.idempotent, secrets, headers: {}, ...(signal ? { signal } : {}) });
    return command.deserialize(result.response);
  }

  /** Replaces every known secret in `text` with `***`. */
  redact(text: string): string {
    let out = text.replace(/(<password>)[\s\S]*?(<\/password>)/g, '$1***$2').replace(/(vmware_soap_session=)("[^"]*"|[^;\s]*)/g, '$1***');
    for (const s of this.secrets) if (s.length >= 3) out = out.split(s).join('***');
    if (this.sessionCookie) out = out.split(this.sessionCookie.replace(/"/g, '')).join('***');
    return out;
  }

  log(line: string): void {
    this.logger?.(this.redact(line));
  }

  private async exchange(transport: Transport, call: SoapCall): Promise<SoapResult> {
    const envelope =
      '<?xml version="1.0" encoding="UTF-8"?>' +
      `<soapenv:Envelope xmlns:soapenv="${SOAPENV_NS}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
      `<soapenv:Body>${call.body}</soapenv:Body></soapenv:Envelope>`;
    let res: HttpResponse;
    // timeoutMs is the transport's stall timer and, here, the deadline of the whole exchange: a
    // server trickling its answer a byte at a time keeps resetting a stall timer.
    const deadline = requestDeadline(this.timeoutMs, call.signal);
    try {
      res = await transport({
        url: this.sdkUrl,
        headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `urn:vim25/${VIM_VERSION}`, ...call.headers },
        body: envelope,
        timeoutMs: this.timeoutMs,
        signal: deadline.signal,
      });
    } catch (e) {
      if (deadline.expired()) throw new OvfkitError('TIMEOUT', `${call.method}: ${this.url} did not answer within ${this.timeoutMs / 1000} s (${wordsOf(this.vocabulary).connection('timeout')})`, { cause: e });
      if (isOvfkitError(e)) throw e;
      throw networkError(e, this.url, call.method, this.vocabulary);
    }
    if (res.status !== 200 && res.status !== 500) {
      // Only a gateway/overload status is worth a retry; a 404 will be a 404 again.
      throw new OvfkitError(res.status >= 502 && res.status <= 504 ? 'NETWORK' : 'HTTP_STATUS', `${call.method}: ${this.url} answered HTTP ${res.status}; is this a vCenter or ESXi SDK endpoint?`);
    }
    const doc = parseXml(res.body);
    const body = doc.children.find((c) => c.ns === SOAPENV_NS && c.name === 'Body');
    const first = body?.children[0];
    if (!body || !first) throw new OvfkitError('VIM_PROTOCOL', `${call.method}: the server's answer has no SOAP body`);
    if (first.ns === SOAPENV_NS && first.name === 'Fault') throw this.decodeFault(first, call.method);
    return { response: first, headers: res.headers };
  }

  private decodeFault(node: XmlNode, method: string): VimFault {
    const faultstring = node.children.find((c) => c.name === 'faultstring')?.text ?? 'unknown fault';
    const detail = node.children.find((c) => c.name === 'detail')?.children[0];
    const fault = (detail ? decodeElement(detail, 'MethodFault') : {}) as DataObject;
    const type = fault._typeName ?? detail?.name.replace(/Fault$/, '') ?? 'MethodFault';
    return new VimFault(type, this.redact(`${method}: ${faultstring}`), fault, method);
  }
}

function networkError(e: unknown, url: string, method: string, vocabulary: Vocabulary): OvfkitError {
  const err = e as { code?: string; message?: string; name?: string; cause?: unknown };
  // The transport wraps what the socket failed with (e.g. our TLS pin check): surface that, not the wrapper.
  if (isOvfkitError(err.cause)) return new OvfkitError(err.cause.code, `${method}: ${err.cause.message}`, { cause: err.cause });
  if (err.name === 'CanceledError' || err.code === 'ERR_CANCELED' || err.name === 'AbortError') return new OvfkitError('ABORTED', `${method}: interrupted`, { cause: e });
  if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT') return new OvfkitError('TIMEOUT', `${method}: ${url} did not answer in time`, { cause: e });
  if (/certificate|self.signed|SSL|TLS/i.test(`${err.code ?? ''} ${err.message ?? ''}`)) {
    return new OvfkitError('TLS', `${method}: the TLS certificate of ${url} is not trusted (${err.code ?? err.message}); ${wordsOf(vocabulary).untrustedServer}`, { cause: e });
  }
  return new OvfkitError('NETWORK', `${method}: cannot reach ${url} (${err.code ?? err.message ?? String(e)})`, { cause: e });
}

/** What the default transport failed with: the socket's error (code, message) as its cause. */
class TransportError extends Error {
  readonly code: string | undefined;
  constructor(cause: Error & { code?: string }) {
    super(cause.message, { cause });
    this.name = cause.name === 'AbortError' ? 'AbortError' : 'TransportError';
    this.code = cause.code;
  }
}

/** Largest SOAP answer read (a RetrievePropertiesEx page of a large inventory is a few MiB). */
const MAX_SOAP_RESPONSE_BYTES = 256 << 20;

/**
 * The default transport: one `node:https` POST, text in and out, every status returned to the
 * caller, no redirect followed, no proxy read from the environment (a proxy is the agent's
 * CONNECT tunnel). The TLS policy (system CAs, `--ca`, the pinned thumbprint, `--insecure`) is
 * entirely the agent's (tls.ts `createAgent`); an `http:` URL is refused by node:https itself, and
 * earlier by {@link vsphereEndpoint}. A gzip/deflate answer is inflated.
 * (It replaced axios, whose loading was a third of the start-up of `ovfkit import`: docs/architecture.md.)
 */
export function httpsTransport(agent?: https.Agent): Transport {
  return (req) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const fail = (e: Error): void => reject(new TransportError(e));
      let r: ReturnType<typeof https.request>;
      try {
        const body = Buffer.from(req.body, 'utf8');
        r = https.request(req.url, {
          method: 'POST',
          headers: { Accept: 'text/xml, */*', 'Accept-Encoding': 'gzip, deflate', ...req.headers, 'Content-Length': String(body.length) },
          ...(agent ? { agent } : {}),
          ...(req.signal ? { signal: req.signal } : {}),
        });
        r.on('error', fail);
        // A socket without a byte for this long is dead (the whole exchange has its own deadline).
        r.setTimeout(req.timeoutMs, () => r.destroy(Object.assign(new Error(`no answer for ${req.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
        r.on('response', (res) => {
          const enc = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
          let stream: Readable = res;
          if (enc === 'gzip' || enc === 'x-gzip') stream = res.pipe(createGunzip());
          else if (enc === 'deflate') stream = res.pipe(createInflate());
          else if (enc === 'br') stream = res.pipe(createBrotliDecompress());
          if (stream !== res) res.on('error', (e) => stream.destroy(e));
          const chunks: Buffer[] = [];
          let n = 0;
          stream.on('data', (c: Buffer) => {
            n += c.length;
            if (n > MAX_SOAP_RESPONSE_BYTES) r.destroy(Object.assign(new Error(`the answer is larger than ${MAX_SOAP_RESPONSE_BYTES} bytes`), { code: 'ERR_RESPONSE_TOO_LARGE' }));
            else chunks.push(c);
          });
          stream.on('error', fail);
          stream.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks, n).toString('utf8') }));
        });
        r.end(body);
      } catch (e) {
        fail(e as Error);
      }
    });
}

// ---------------------------------------------------------------- built-in middleware

/** Sends the session cookie and keeps the one the server sets (at Login). */
export const sessionMiddleware: Middleware = (next, client) => async (call) => {
  if (client.sessionCookie) call.headers['Cookie'] = `vmware_soap_session=${client.sessionCookie}`;
  const result = await next(call);
  const set = result.headers['set-cookie'];
  for (const c of Array.isArray(set) ? set : set ? [set] : []) {
    const m = /vmware_soap_session=("[^"]*"|[^;]*)/.exec(c);
    if (m?.[1]) client.sessionCookie = m[1];
  }
  return result;
};

/** Renews an expired session once (NotAuthenticated) and repeats the call. */
export const reloginMiddleware: Middleware = (next, client) => async (call) => {
  try {
    return await next(call);
  } catch (e) {
    if (!(e instanceof VimFault) || e._typeName !== 'NotAuthenticated' || !client.relogin || call.method === 'Login' || call.method === 'Logout') throw e;
    client.log(`${call.method}: session expired, logging in again`);
    client.sessionCookie = undefined;
    await client.relogin();
    return next(call);
  }
};

/** Retries idempotent reads on connection errors; never retries a call that may have changed state. */
export function retryMiddleware(maxAttempts: number): Middleware {
  return (next, client) => async (call) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(call);
      } catch (e) {
        const retriable = call.idempotent && isOvfkitError(e) && (e.code === 'NETWORK' || e.code === 'TIMEOUT') && attempt < maxAttempts && !call.signal?.aborted;
        if (!retriable) throw e;
        client.log(`${call.method}: ${(e as Error).message}; retrying (${attempt + 1}/${maxAttempts})`);
        await new Promise((r) => setTimeout(r, 200 * 2 ** (attempt - 1)));
      }
    }
  };
}

/** One line per call with its duration and outcome; the body never, secrets never. */
export const loggingMiddleware: Middleware = (next, client) => async (call) => {
  const t0 = Date.now();
  try {
    const r = await next(call);
    client.log(`vim25 ${call.method} ok ${Date.now() - t0}ms`);
    return r;
  } catch (e) {
    client.log(`vim25 ${call.method} failed ${Date.now() - t0}ms: ${(e as Error).message}`);
    throw e;
  }
};

// ---------------------------------------------------------------- command definition

/** A parameter of a vim25 method: name, declared type, array, polymorphic (always `xsi:type`). */
export type ParamDef = readonly [name: string, type: string, flags?: 'array' | 'poly' | 'array poly'];

/**
 * Defines a typed command class for one vim25 method.
 * `returns` is the declared type of `returnval` (`void` for none; `Type[]` for repeated).
 */
export function defineCommand<I extends { _this: { type: string; value: string } }, O>(
  method: string,
  params: readonly ParamDef[],
  returns: string,
  options: { idempotent?: boolean; secretParams?: readonly string[] } = {},
): new (input: I) => VimCommand<I, O> {
  const isArray = returns.endsWith('[]');
  const retType = isArray ? returns.slice(0, -2) : returns;
  return class implements VimCommand<I, O> {
    readonly method = method;
    readonly idempotent = options.idempotent ?? false;
    constructor(readonly input: I) {}
    serialize(): string {
      return serializeCall(method, this.input as unknown as Record<string, unknown>, params);
    }
    deserialize(response: XmlNode): O {
      return deserializeReturn(response, retType, isArray) as O;
    }
    secrets(): string[] {
      return (options.secretParams ?? []).map((p) => String((this.input as unknown as Record<string, unknown>)[p] ?? '')).filter(Boolean);
    }
  };
}

/** The pure serializer shared by every command: `_this` first, then parameters in WSDL order. */
export function serializeCall(method: string, input: Record<string, unknown>, params: readonly ParamDef[]): string {
  const out: string[] = [`<${method} xmlns="urn:vim25">`];
  encodeElement(out, '_this', input['_this'], 'MoRef');
  for (const [name, type, flags] of params) {
    const v = input[name];
    if (v === undefined) continue;
    const poly = flags?.includes('poly') ?? false;
    if (flags?.includes('array')) for (const item of v as unknown[]) encodeElement(out, name, item, type, poly);
    else encodeElement(out, name, v, type, poly);
  }
  out.push(`</${method}>`);
  return out.join('');
}

/** The pure deserializer shared by every command: `returnval` (repeated for arrays, absent for none). */
export function deserializeReturn(response: XmlNode, type: string, isArray: boolean): unknown {
  if (type === 'void') return undefined;
  const vals = response.children.filter((c) => c.name === 'returnval');
  if (isArray) return vals.map((v) => decodeElement(v, type));
  return vals[0] ? decodeElement(vals[0], type) : undefined;
}
