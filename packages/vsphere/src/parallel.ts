/**
 * Bounded concurrency of NFC transfers, written once for import and export: up to N files at
 * once, each over its own connection, the first failure cutting the others off.
 */
import { DEFAULT_PARALLEL_DISKS, OvfkitError, UsageError, parallelDisksProblem } from '@ovfkit/core';

export { DEFAULT_PARALLEL_DISKS, MAX_PARALLEL_DISKS } from '@ovfkit/core';

/** Checks a `parallelDisks` option (core's rule: a whole number from 1 to 32) and fills the default. */
export function parallelDisksOf(value: number | undefined): number {
  if (value === undefined) return DEFAULT_PARALLEL_DISKS;
  const problem = parallelDisksProblem(value);
  if (problem) throw new UsageError(`parallelDisks ${problem}`);
  return value;
}

/**
 * Runs `tasks` with at most `limit` at once, in order of start, whatever order they finish in.
 * Each gets a signal aborted when `signal` is or when another task fails: the first failure is
 * what rejects, once every started task has settled (nothing is left running behind it).
 */
export async function runLimited(tasks: Array<(signal: AbortSignal) => Promise<void>>, limit: number, signal: AbortSignal): Promise<void> {
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(signal.reason);
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < tasks.length && !failed && !stop.signal.aborted) {
      const t = tasks[next++]!;
      try {
        await t(stop.signal);
      } catch (e) {
        if (!failed) {
          failed = { error: e };
          stop.abort(e);
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  // An interrupt comes first: the tasks it cut off fail with its reason anyway.
  if (signal.aborted) throw abortError(signal);
  if (failed) throw failed.error;
}

/** The reason of an aborted signal as an error. */
export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new OvfkitError('ABORTED', 'interrupted');
}
