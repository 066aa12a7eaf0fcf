import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { OvfkitError, type Vocabulary } from '@ovfkit/core';
import { awaitAnswer, watchPace } from './pace';
import type { VimSession } from './session';
import { createAgent } from './tls';

/**
 * The URL of a lease device, with vSphere's `*` host replaced by the host and port of the SOAP
 * connection (ESXi answers `*` when it does not know its own address; NAT, multi-homed hosts).
 * @see vsphere-ovf-api.md §9 "URL handling"
 */
export function deviceUrlFor(session: VimSession, url: string): URL {
  const soap = new URL(session.client.url);
  const u = new URL(url.replace(/^(https?:\/\/)\*(?=[:/])/, `$1${soap.host}`));
  if (url.includes('://*/') || url.includes('://*:')) u.host = soap.host;
  return u;
}

/**
 * The agent for an NFC URL: the session's own trust when it is the SOAP host; otherwise (vCenter
 * naming an ESXi host) the SHA-1 thumbprint the lease gives for that host, else the session's CA policy.
 */
export function agentFor(session: VimSession, u: URL, sslThumbprint: string | undefined): https.Agent | undefined {
  if (u.protocol !== 'https:') return undefined;
  if (u.host === new URL(session.client.url).host) return session.client.agent;
  if (sslThumbprint) return createAgent({}, { sha1Thumbprint: sslThumbprint, proxy: session.proxy });
  return createAgent(session.trust, { proxy: session.proxy });
}

/**
 * Sends `body` to a lease URL (PUT for new files, POST streamOptimized for disks) or a content
 * library upload endpoint. Resolves on 200/201. Fails after `idleTimeoutMs` without a byte, and
 * when a window of that length moves less than the minimum pace; the answer after the body is bounded too (pace.ts).
 */
export function nfcUpload(u: URL, method: 'PUT' | 'POST', contentType: string, size: number | undefined, body: Readable, agent: https.Agent | undefined, signal: AbortSignal, idleTimeoutMs = 120_000, extraHeaders: Record<string, string> = {}, vocabulary: Vocabulary = 'api'): Promise<void> {
  return new Promise((resolve, reject) => {
    const mod = u.protocol === 'https:' ? https : http;
    const headers: Record<string, string | number> = { 'Content-Type': contentType, ...extraHeaders };
    // Unknown length (a gzip-compressed package file): chunked transfer encoding.
    if (size !== undefined) headers['Content-Length'] = size;
    if (method === 'PUT') headers['Overwrite'] = 't';
    const req = mod.request(u, { method, headers, ...(agent ? { agent } : {}), signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.length < 16 && chunks.push(c));
      res.on('end', () => {
        stop();
        if (res.statusCode === 200 || res.statusCode === 201) resolve();
        else reject(new OvfkitError('NETWORK', `upload to ${redactNfc(u)} failed: HTTP ${res.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`));
      });
      res.on('error', reject);
    });
    req.on('error', (e) => reject(wrap(e, u, signal)));
    // A transfer may last hours, but a socket with no progress for this long is dead.
    req.setTimeout(idleTimeoutMs, () => req.destroy(new OvfkitError('TIMEOUT', `no progress uploading to ${redactNfc(u)} for ${idleTimeoutMs / 1000} s`)));
    let sent = 0;
    body.on('data', (c: Buffer) => (sent += c.length));
    const pace = { windowMs: idleTimeoutMs, vocabulary };
    let stopAnswerWait = (): void => undefined;
    const stopPace = watchPace(`uploading to ${redactNfc(u)}`, pace, () => sent, (e) => req.destroy(e));
    const stop = (): void => {
      stopPace();
      stopAnswerWait();
    };
    // The body is with the socket: what its buffers took in may still be draining to a slow
    // server, with no byte moving here, so the stall and pace timers give way to the answer's bound.
    req.on('finish', () => {
      stopPace();
      req.setTimeout(0);
      stopAnswerWait = awaitAnswer(`uploading to ${redactNfc(u)}`, pace, sent, (e) => req.destroy(e));
    });
    req.on('close', stop);
    body.on('error', (e) => {
      req.destroy(e);
      reject(e);
    });
    body.pipe(req);
  });
}

function wrap(e: Error, u: URL, signal: AbortSignal): Error {
  if (signal.aborted) return signal.reason instanceof Error ? signal.reason : new OvfkitError('ABORTED', 'interrupted');
  if (e instanceof OvfkitError) return e;
  return new OvfkitError('NETWORK', `transfer with ${redactNfc(u)} failed: ${(e as { code?: string }).code ?? e.message}`, { cause: e });
}

/** A lease URL carries a per-lease ticket in its path: show only host and file name. */
export function redactNfc(u: URL): string {
  return `${u.protocol}//${u.host}/…/${u.pathname.split('/').pop() ?? ''}`;
}
