/**
 * Bounds on a network read besides the stall timer (which resets on every byte, so a server
 * trickling one byte a second would hold a run for hours). A lease transfer (NFC upload or
 * download, a library upload) may last hours, so it has no wall-clock deadline: it must keep a
 * minimum pace over every window instead, as curl's --speed-limit/--speed-time. A request with
 * an answer (SOAP, REST) has an overall deadline: the --timeout.
 */
import { OvfkitError, wordsOf, type Vocabulary } from '@ovfkit/core';

/** The slowest pace a lease transfer may keep over a window: 64 KiB/s, as package URLs (@ovfkit/package http.ts). */
export const MIN_TRANSFER_BYTES_PER_SECOND = 64 * 1024;

/** How a lease transfer is judged: every `windowMs` must move `minBytesPerSecond × windowMs / 1000` bytes. */
export interface TransferPace {
  /** The window, the stall timeout of the transfer (2 × --timeout). */
  windowMs: number;
  /** @default MIN_TRANSFER_BYTES_PER_SECOND */
  minBytesPerSecond?: number;
  /** Whose words the rule names the timeout in (the session's). @default 'api' */
  vocabulary?: Vocabulary;
}

/**
 * Calls `tooSlow` once (with a TIMEOUT error naming `what`, the bytes and the rule) when a
 * window of `pace.windowMs` moved fewer bytes than the pace asks, counting by `bytes()`; a
 * transfer waiting for its answer moves none, so that wait is bounded by one window too.
 * Returns the function that stops the watch.
 */
export function watchPace(what: string, pace: TransferPace, bytes: () => number, tooSlow: (e: OvfkitError) => void): () => void {
  const rate = pace.minBytesPerSecond ?? MIN_TRANSFER_BYTES_PER_SECOND;
  const need = (rate * pace.windowMs) / 1000;
  let last = bytes();
  const timer = setInterval(() => {
    const now = bytes();
    const moved = now - last;
    last = now;
    if (moved >= need) return;
    clearInterval(timer);
    const s = pace.windowMs / 1000;
    tooSlow(new OvfkitError('TIMEOUT', `${what}: too slow: ${moved} bytes in the last ${s} s after ${now}; a transfer must move at least ${rate} bytes/s over every ${s} s (2 x ${wordsOf(pace.vocabulary).connection('timeout')})`));
  }, pace.windowMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The most an upload's socket buffers are assumed to hold (Linux's default tcp_wmem and tcp_rmem maxima are 4 and 32 MiB). */
export const MAX_IN_FLIGHT_BYTES = 32 * 1024 * 1024;

/**
 * The longest wait for the answer once a body of `sent` bytes was handed to the socket: one window
 * plus what may still be in its buffers at the minimum pace (at most 32 MiB: 8.5 min at 64 KiB/s).
 */
export function answerWaitMs(pace: TransferPace, sent: number): number {
  const rate = pace.minBytesPerSecond ?? MIN_TRANSFER_BYTES_PER_SECOND;
  return pace.windowMs + (Math.min(sent, MAX_IN_FLIGHT_BYTES) / rate) * 1000;
}

/** Calls `tooSlow` once (TIMEOUT) when no answer came within {@link answerWaitMs}; returns the function that stops the wait. */
export function awaitAnswer(what: string, pace: TransferPace, sent: number, tooSlow: (e: OvfkitError) => void): () => void {
  const ms = answerWaitMs(pace, sent);
  const timer = setTimeout(() => tooSlow(new OvfkitError('TIMEOUT', `${what}: no answer ${(ms / 1000).toFixed(1)} s after the last of ${sent} bytes was sent (one ${pace.windowMs / 1000} s window plus the bytes the connection may still hold at the minimum pace)`)), ms);
  timer.unref();
  return () => clearTimeout(timer);
}

/**
 * A signal that aborts when `signal` does or once `timeoutMs` passed: the overall deadline of one
 * request and its answer. `expired()` tells the deadline from the caller's abort.
 */
export function requestDeadline(timeoutMs: number, signal?: AbortSignal): { signal: AbortSignal; expired: () => boolean } {
  const deadline = AbortSignal.timeout(timeoutMs);
  return { signal: signal ? AbortSignal.any([signal, deadline]) : deadline, expired: () => deadline.aborted && !signal?.aborted };
}
