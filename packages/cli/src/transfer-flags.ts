/** `--parallel-disks`, the NFC concurrency of `ovfkit import` and `ovfkit export`. */
import { DEFAULT_PARALLEL_DISKS, MAX_PARALLEL_DISKS, UsageError, parallelDisksProblem } from '@ovfkit/core';
import { type OptionsSpec, type OptionValues, stringOption } from './command';

export const parallelDisksOptions: OptionsSpec = { 'parallel-disks': { type: 'string' } };

/** Help line for {@link parallelDisksOptions}; `verb` is `uploaded` or `downloaded`. */
export function parallelDisksHelp(verb: 'uploaded' | 'downloaded'): string {
  return `  --parallel-disks <n>    files ${verb} at once, each over its own NFC connection (default ${DEFAULT_PARALLEL_DISKS}, 1..${MAX_PARALLEL_DISKS};\n                          1 = one after the other${verb === 'uploaded' ? '; a .ova streamed from a URL without Range is always one at a time' : ''})`;
}

/** The `parallelDisks` option of importOvf / exportOvf from `--parallel-disks`, or undefined for the default. */
export function parallelDisksFrom(values: OptionValues): number | undefined {
  const text = stringOption(values, 'parallel-disks');
  if (text === undefined) return undefined;
  const n = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  if (parallelDisksProblem(n)) throw new UsageError(`--parallel-disks ${parallelDisksProblem(text)}`);
  return n;
}
