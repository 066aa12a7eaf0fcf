import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { OvfkitError, wordsOf } from '@ovfkit/core';
import type { VimSession } from './session';
import { nfcUpload, redactNfc } from './nfc';
import { requestDeadline } from './pace';
import { createAgent } from './tls';

/**
 * The two shapes of the vSphere Automation REST API: `api` (vCenter 7.0 U2+: `/api/...`, plain
 * bodies and answers, `?action=`) and `rest` (6.5+: `/rest/com/vmware/...`, bodies wrapped in
 * `create_spec`/`spec`/`file_spec`, answers in `{"value": …}`, `~action=`, ids as `id:<id>`).
 */
export type RestForm = 'api' | 'rest';

/** One operation in the `/api` shape; {@link restPath} derives the `/rest` one. */
export interface RestOperation {
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH';
  /** Segments after `/api/`, e.g. `['content', 'library', 'item', id]`. */
  path: string[];
  action?: string;
  query?: Record<string, string>;
  body?: unknown;
  /** The `/rest` form's wrapper key of the body (`create_spec`, `spec`, `file_spec`). */
  wrap?: string;
}

/** A vAPI error answer: the standard error type and its messages. */
export class RestError extends OvfkitError {
  constructor(
    readonly status: number,
    /** `NOT_FOUND`, `ALREADY_EXISTS`, `INVALID_ARGUMENT`, `UNAUTHENTICATED`, … (upper case in both forms). */
    readonly errorType: string,
    message: string,
  ) {
    super(status === 401 ? 'AUTH' : 'VIM_PROTOCOL', message);
  }
}

/** True for a {@link RestError} of that vAPI error type. */
export function isRestError(e: unknown, errorType?: string): e is RestError {
  return e instanceof RestError && (errorType === undefined || e.errorType === errorType);
}

/**
 * Maps an `/api` operation onto its `/rest` path (`/rest/com/vmware/…`, `id:` ids, the file
 * sub-resources of update and download sessions as their own services).
 * @example restPath(['content','library','item','update-session', id, 'file']) // { path: '/rest/com/vmware/content/library/item/updatesession/file/id:…', query: {} }
 */
export function restPath(op: RestOperation): { path: string; query: Record<string, string> } {
  const p = op.path;
  const query: Record<string, string> = {};
  const ids = (segs: string[], known: Set<string>): string => segs.map((s) => (known.has(s) ? s : `id:${s}`)).join('/');
  const known = new Set(['content', 'library', 'item', 'local-library', 'update-session', 'download-session', 'vcenter', 'ovf', 'library-item', 'file']);
  if (p[0] === 'session') return { path: '/rest/com/vmware/cis/session', query };
  // content/library/item/{id}/file → content/library/item/file?library_item_id=
  if (p.length === 5 && p[2] === 'item' && p[4] === 'file') return { path: '/rest/com/vmware/content/library/item/file', query: { library_item_id: p[3]! } };
  for (const [session, service, param] of [['update-session', 'updatesession', 'update_session_id'], ['download-session', 'downloadsession', 'download_session_id']] as const) {
    if (p[3] === session && p[5] === 'file') {
      if (op.method === 'GET') return { path: `/rest/com/vmware/content/library/item/${service}/file`, query: { [param]: p[4]! } };
      return { path: `/rest/com/vmware/content/library/item/${service}/file/id:${p[4]!}`, query };
    }
  }
  return { path: `/rest/com/vmware/${ids(p, known)}`, query };
}

/** Header that carries the REST session. */
export const REST_SESSION_HEADER = 'vmware-api-session-id';

/** How a {@link RestClient} is opened. */
export interface RestOpenOptions {
  userName: string;
  /** Sent once, to create the REST session; kept by the SOAP session's secrets for redaction. */
  password: string;
  /** Which form to speak; default: `/api`, and `/rest` when the server answers 404 to `/api/session`. */
  form?: RestForm;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * A vSphere Automation REST session beside a vim25 SOAP session: the same server, the same TLS
 * agent (so the same trust decision — pin, CA or `--insecure` — and proxy), one session id in
 * `vmware-api-session-id`, never in a log or an error. The id is registered as a secret of the
 * SOAP client, whose redaction every message goes through.
 */
export class RestClient {
  private constructor(
    readonly vim: VimSession,
    readonly form: RestForm,
    private sessionId: string,
    readonly timeoutMs: number,
  ) {}

  /** The server's `https://host:port`. */
  get origin(): string {
    return new URL(this.vim.client.url).origin;
  }

  /**
   * Creates the REST session with the user's credentials over the SOAP session's agent (vCenter
   * has no exchange of a vim25 cookie for a REST session without SSO tokens).
   * @example const rest = await RestClient.open(session, { userName, password });
   */
  static async open(vim: VimSession, options: RestOpenOptions): Promise<RestClient> {
    if (vim.isEsx) throw new OvfkitError('VIM_PROTOCOL', 'the Content Library is a vCenter service; this server is an ESXi host');
    const timeoutMs = options.timeoutMs ?? vim.client.timeoutMs;
    vim.client.secrets.add(options.password);
    const auth = `Basic ${Buffer.from(`${options.userName}:${options.password}`).toString('base64')}`;
    const forms: RestForm[] = options.form ? [options.form] : ['api', 'rest'];
    for (const form of forms) {
      const probe = new RestClient(vim, form, '', timeoutMs);
      const res = await probe.raw({ method: 'POST', path: ['session'] }, { authorization: auth }, options.signal);
      if (res.status === 404 && form === 'api' && forms.length > 1) continue;
      const value = probe.answer(res, 'session.create') as string;
      if (typeof value !== 'string' || !value) throw new OvfkitError('VIM_PROTOCOL', 'the REST session answer has no session id');
      vim.client.secrets.add(value);
      return new RestClient(vim, form, value, timeoutMs);
    }
    throw new OvfkitError('VIM_PROTOCOL', `${vim.client.url} serves neither /api nor /rest`);
  }

  /** Ends the REST session; errors are ignored (it may have expired). */
  async close(): Promise<void> {
    if (!this.sessionId) return;
    await this.call({ method: 'DELETE', path: ['session'] }).catch(() => undefined);
    this.sessionId = '';
  }

  /** Calls one operation and returns its answer (unwrapped from `value` in the `/rest` form). */
  async call<T = unknown>(op: RestOperation, signal?: AbortSignal): Promise<T> {
    const res = await this.raw(op, this.sessionId ? { [REST_SESSION_HEADER]: this.sessionId } : {}, signal);
    return this.answer(res, opLabel(op)) as T;
  }

  private answer(res: { status: number; text: string }, label: string): unknown {
    let json: unknown;
    try {
      json = res.text ? JSON.parse(res.text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.status >= 200 && res.status < 300) {
      if (this.form === 'rest' && json && typeof json === 'object' && 'value' in json) return (json as { value: unknown }).value;
      return json;
    }
    const err = json as { error_type?: string; type?: string; messages?: { default_message?: string }[]; value?: { messages?: { default_message?: string }[] } } | undefined;
    const type = (err?.error_type ?? err?.type?.replace(/^com\.vmware\.vapi\.std\.errors\./, '') ?? (res.status === 401 ? 'UNAUTHENTICATED' : res.status === 404 ? 'NOT_FOUND' : 'ERROR')).toUpperCase();
    const msgs = (err?.messages ?? err?.value?.messages ?? []).map((m) => m.default_message ?? '').filter(Boolean);
    const text = msgs.length ? msgs.join('; ') : res.text.slice(0, 200).replace(/[\x00-\x1f\x7f]/g, ' ');
    throw new RestError(res.status, type, this.vim.client.redact(`${label}: ${type} (HTTP ${res.status})${text ? `: ${text}` : ''}`));
  }

  private raw(op: RestOperation, headers: Record<string, string>, signal?: AbortSignal): Promise<{ status: number; text: string }> {
    let path: string;
    const query: Record<string, string> = { ...(op.query ?? {}) };
    let body = op.body;
    if (this.form === 'api') {
      path = `/api/${op.path.map(encodeURIComponent).join('/')}`;
      if (op.action) query['action'] = op.action;
    } else {
      const r = restPath(op);
      path = r.path;
      Object.assign(query, r.query);
      if (op.action) query['~action'] = op.action;
      if (op.wrap && body !== undefined) body = { [op.wrap]: body };
    }
    const qs = new URLSearchParams(query).toString();
    const u = new URL(`${this.origin}${path}${qs ? `?${qs}` : ''}`);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    // The stall timer resets on every byte; the whole request and its answer get --timeout too.
    const deadline = requestDeadline(this.timeoutMs, signal);
    return new Promise((resolve, reject) => {
      const req = https.request(
        u,
        {
          method: op.method,
          agent: this.vim.client.agent,
          headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}), ...headers },
          signal: deadline.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let n = 0;
          res.on('data', (c: Buffer) => {
            n += c.length;
            if (n > 16 << 20) req.destroy(new OvfkitError('INPUT_TOO_LARGE', `${opLabel(op)}: the answer is larger than 16 MiB`));
            else chunks.push(c);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (e) => reject(late(e)));
        },
      );
      const late = (e: Error): Error =>
        deadline.expired()
          ? new OvfkitError('TIMEOUT', `${opLabel(op)}: ${u.host} did not answer within ${this.timeoutMs / 1000} s (${wordsOf(this.vim.client.vocabulary).connection('timeout')})`)
          : signal?.aborted
            ? new OvfkitError('ABORTED', 'interrupted')
            : e instanceof OvfkitError
              ? e
              : new OvfkitError('NETWORK', this.vim.client.redact(`${opLabel(op)}: ${(e as { code?: string }).code ?? e.message}`), { cause: e });
      req.setTimeout(this.timeoutMs, () => req.destroy(new OvfkitError('TIMEOUT', `${opLabel(op)}: no answer from ${u.host} in ${this.timeoutMs / 1000} s`)));
      req.on('error', (e) => reject(late(e)));
      req.end(payload);
    });
  }

  /**
   * The agent for a transfer endpoint: the session's own when it is the REST host; another host
   * (vCenter may name a node of its own) gets a fresh agent with the session's trust and proxy.
   * The session id goes only to the REST host.
   */
  private endpoint(uri: string): { url: URL; agent: https.Agent; headers: Record<string, string> } {
    const url = new URL(uri);
    if (url.protocol !== 'https:') throw new OvfkitError('VIM_PROTOCOL', `the server gave a transfer endpoint that is not https:// (${url.protocol}//${url.host}); nothing was sent`);
    const same = url.host === new URL(this.origin).host;
    const agent = same && this.vim.client.agent ? this.vim.client.agent : createAgent(this.vim.trust, { proxy: this.vim.proxy });
    return { url, agent, headers: same && this.sessionId ? { [REST_SESSION_HEADER]: this.sessionId } : {} };
  }

  /** PUTs a stream to an update session's upload endpoint (the NFC upload path); resolves on 200/201. */
  upload(uri: string, body: Readable, size: number | undefined, signal: AbortSignal, idleTimeoutMs = 120_000): Promise<void> {
    const { url, agent, headers } = this.endpoint(uri);
    return nfcUpload(url, 'PUT', 'application/octet-stream', size, body, agent, signal, idleTimeoutMs, headers, this.vim.client.vocabulary);
  }

  /** GETs a download endpoint into memory, refusing more than `maxBytes` (a descriptor). */
  download(uri: string, maxBytes: number, signal?: AbortSignal): Promise<Buffer> {
    const { url, agent, headers } = this.endpoint(uri);
    const shown = redactNfc(url);
    const deadline = requestDeadline(this.timeoutMs, signal);
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method: 'GET', agent, headers, signal: deadline.signal }, (res) => {
        const chunks: Buffer[] = [];
        let n = 0;
        res.on('data', (c: Buffer) => {
          n += c.length;
          if (n > maxBytes) req.destroy(new OvfkitError('INPUT_TOO_LARGE', `${shown} is larger than ${maxBytes} bytes`));
          else chunks.push(c);
        });
        res.on('end', () => ((res.statusCode ?? 0) === 200 ? resolve(Buffer.concat(chunks)) : reject(new OvfkitError('NETWORK', `download of ${shown} failed: HTTP ${res.statusCode}`))));
        res.on('error', (e) => reject(late(e)));
      });
      const late = (e: Error): Error =>
        deadline.expired()
          ? new OvfkitError('TIMEOUT', `download of ${shown}: no whole answer within ${this.timeoutMs / 1000} s (${wordsOf(this.vim.client.vocabulary).connection('timeout')})`)
          : e instanceof OvfkitError
            ? e
            : new OvfkitError('NETWORK', `download of ${shown} failed: ${(e as { code?: string }).code ?? e.message}`, { cause: e });
      req.setTimeout(this.timeoutMs, () => req.destroy(new OvfkitError('TIMEOUT', `no answer from ${shown} in ${this.timeoutMs / 1000} s`)));
      req.on('error', (e) => reject(late(e)));
      req.end();
    });
  }
}

function opLabel(op: RestOperation): string {
  const names = op.path.filter((s) => /^[a-z-]+$/.test(s)).join('.');
  return `${op.method} ${names}${op.action ? `?action=${op.action}` : ''}`;
}
