/**
 * How many disks an import uploads (an export downloads) at once over NFC: one rule for the
 * engine and every front end (CLI flag, Pulumi, CDKTF and Terraform inputs), which name it in
 * their own words.
 */

/** Files moved at once by default: real NFC is bounded per connection, not per host. */
export const DEFAULT_PARALLEL_DISKS = 4;
/** Most concurrent NFC connections one transfer may hold (each holds a socket and its buffers). */
export const MAX_PARALLEL_DISKS = 32;

/** Why `value` is not a concurrency (a whole number from 1 to {@link MAX_PARALLEL_DISKS}), or undefined when it is one. */
export function parallelDisksProblem(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_PARALLEL_DISKS) return undefined;
  return `must be a whole number from 1 to ${MAX_PARALLEL_DISKS}, got ${JSON.stringify(value) ?? String(value)}`;
}
