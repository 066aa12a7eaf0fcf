import { OvfkitError, isOvfkitError } from '@ovfkit/core';
import type { DataObject, ManagedObjectReference } from './soap/codec';
import { faultFromLocalized, isVimFault } from './soap/fault';
import { HttpNfcLeaseAbort, HttpNfcLeaseComplete, type HttpNfcLeaseInfo, HttpNfcLeaseProgress } from './soap/methods';
import type { VimSession } from './session';

/** What a transfer sees of a ready lease. */
export interface LeaseHandle {
  readonly ref: ManagedObjectReference;
  readonly info: HttpNfcLeaseInfo;
  /** Aborted when the user interrupts or the lease is lost (keep-alive failed). */
  readonly signal: AbortSignal;
  /** Sets the percentage the keep-alive reports (0–100). */
  progress(percent: number): void;
}

export interface LeaseOptions {
  signal?: AbortSignal;
  /** Keep-alive period. @default min(2000, leaseTimeout/4) (govc uses 2 s) */
  keepAliveMs?: number;
  /** Polling period while the lease initializes, on a server without WaitForUpdatesEx. @default 250 */
  pollMs?: number;
  log?: (line: string) => void;
}

/**
 * Lease discipline, written once for import and export (STYLE §7, govmomi `nfc`): wait for
 * `ready`; run a keep-alive that always reports progress (any HttpNfcLeaseProgress call renews the
 * lease); on any failure or abort call HttpNfcLeaseAbort and rethrow; otherwise
 * HttpNfcLeaseComplete. The lease is never left open.
 * @see vim25 HttpNfcLease; vsphere-ovf-api.md §9
 */
export async function withLease<T>(session: VimSession, ref: ManagedObjectReference, work: (lease: LeaseHandle) => Promise<T>, options: LeaseOptions = {}): Promise<T> {
  const controller = new AbortController();
  const onUserAbort = (): void => controller.abort(new OvfkitError('ABORTED', 'interrupted'));
  if (options.signal?.aborted) onUserAbort();
  options.signal?.addEventListener('abort', onUserAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  let percent = 0;
  let keepAliveError: unknown;
  try {
    const info = await waitForLeaseReady(session, ref, controller.signal, options.pollMs ?? 250);
    const period = options.keepAliveMs ?? Math.max(100, Math.min(2000, (info.leaseTimeout * 1000) / 4));
    let inFlight = false;
    timer = setInterval(() => {
      if (inFlight) return;
      inFlight = true;
      session.client
        .send(new HttpNfcLeaseProgress({ _this: ref, percent }))
        .catch((e: unknown) => {
          // A lost lease cannot be saved: stop the transfer now rather than at Complete.
          keepAliveError = e;
          controller.abort(e);
        })
        .finally(() => (inFlight = false));
    }, period);
    const handle: LeaseHandle = {
      ref,
      info,
      signal: controller.signal,
      progress: (p) => {
        percent = Math.max(0, Math.min(100, Math.floor(p)));
      },
    };
    const result = await work(handle);
    clearInterval(timer);
    timer = undefined;
    if (keepAliveError) throw keepAliveError;
    await session.client.send(new HttpNfcLeaseProgress({ _this: ref, percent: 100 }));
    await session.client.send(new HttpNfcLeaseComplete({ _this: ref }));
    return result;
  } catch (e) {
    if (timer) clearInterval(timer);
    let cause = keepAliveError && !isOvfkitError(e) ? keepAliveError : e;
    // A transfer cut off because the lease failed says only "connection reset": the lease's own
    // error says why (datastore full, timeout…), so report that one.
    const lease = await session.properties(ref, ['state', 'error']).catch(() => ({}) as Record<string, unknown>);
    if (lease['state'] === 'error' && lease['error'] && !(cause instanceof OvfkitError && cause.code === 'ABORTED')) {
      const leaseFault = faultFromLocalized(lease['error'] as { fault?: DataObject; localizedMessage?: string }, 'HttpNfcLease', (t) => session.client.redact(t));
      if (!(cause instanceof Error && cause.message.includes(leaseFault.message))) cause = Object.assign(leaseFault, { cause });
    }
    const message = cause instanceof Error ? cause.message : String(cause);
    await session.client
      .send(new HttpNfcLeaseAbort({ _this: ref, fault: { fault: { _typeName: 'SystemError', reason: message.slice(0, 500) } as DataObject, localizedMessage: message.slice(0, 500) } }))
      .catch((abortErr: unknown) => options.log?.(`HttpNfcLeaseAbort: ${(abortErr as Error).message}`));
    throw cause;
  } finally {
    options.signal?.removeEventListener('abort', onUserAbort);
  }
}

/**
 * Waits until the lease leaves `initializing` (vsphere-ovf-api.md §9): `state`, `info` and `error`
 * are watched through WaitForUpdatesEx ({@link VimSession.waitForProperties}; polled every
 * `pollMs` on a server without it). `error` becomes a VimFault; `done` is a protocol error.
 */
export async function waitForLeaseReady(session: VimSession, ref: ManagedObjectReference, signal: AbortSignal, pollMs: number): Promise<HttpNfcLeaseInfo> {
  const ready = await session.waitForProperties(
    ref,
    ['state', 'info', 'error'],
    (p) => {
      const state = p['state'];
      if (state === 'ready') return { info: p['info'] as HttpNfcLeaseInfo | undefined };
      if (state === 'error') throw faultFromLocalized(p['error'] as { fault?: DataObject; localizedMessage?: string }, 'HttpNfcLease', (t) => session.client.redact(t));
      if (state === 'done') throw new OvfkitError('LEASE', 'the lease was already completed');
      return undefined;
    },
    { signal, pollMs, backOff: false, what: `the HttpNfcLease ${ref.value} to become ready` },
  ).catch((e: unknown) => {
    throw signal.aborted && signal.reason instanceof Error && !isVimFault(e) ? signal.reason : e;
  });
  // A server may send `state` before `info` in separate updates: read it if it has not come yet.
  return ready.info ?? ((await session.properties(ref, ['info'], signal))['info'] as HttpNfcLeaseInfo);
}
