/**
 * Several packages in one call (`parse a.ovf b.ovf …`, `plan *.ova`): checking a folder of 900
 * descriptors costs one start-up, not 900. Each package is read and judged on its own; a package
 * that cannot be read is reported and the rest still run; the exit code is the worst one.
 */
import { errorText, isOvfkitError } from '@ovfkit/core';
import { type CommandContext, ExitCode, writeJson } from './command';

/** Help lines of the commands that take several packages. */
export const manyPackagesHelp = [
  '  Several packages may be given: each is checked on its own, then one count line; --json gives',
  '  { results: [{ source, exitCode, result | error }], summary }; the exit code is the worst one.',
].join('\n');

/** What one package of a many-package call gives: its exit code, its --json value, its text. */
export interface PackageOutcome {
  code: number;
  json: unknown;
  text: string;
}

/** One entry of the --json list: the package as given, its exit code, and its result or error. */
export type PackageEntry = { source: string; exitCode: number } & ({ result: unknown } | { error: { code: string; message: string } });

/**
 * Runs `each` for every argument in turn. Text: each package's output on stdout as it comes, a
 * package that cannot be read on stderr (named, if its message does not name it already), then one
 * count line. --json: one document `{ results: PackageEntry[], summary }`. Returns the highest
 * exit code (2 when any package could not be read, else 1 when any has errors, else 0).
 * Errors that are not OvfkitErrors (bugs) are not caught.
 */
export async function forEachPackage(args: readonly string[], ctx: CommandContext, json: boolean, each: (arg: string) => Promise<PackageOutcome>): Promise<number> {
  const results: PackageEntry[] = [];
  for (const source of args) {
    try {
      const r = await each(source);
      results.push({ source, exitCode: r.code, result: r.json });
      if (!json) ctx.stdout.write(r.text);
    } catch (e) {
      if (!isOvfkitError(e)) throw e;
      results.push({ source, exitCode: ExitCode.Failure, error: { code: e.code, message: e.message } });
      if (!json) ctx.stderr.write(`ovfkit: ${e.message.includes(source) ? '' : `${source}: `}${errorText(e)}\n`);
    }
  }
  const count = (code: number): number => results.filter((r) => r.exitCode === code).length;
  const summary = { packages: results.length, withoutErrors: count(ExitCode.Ok), withErrors: count(ExitCode.ResultErrors), notRead: count(ExitCode.Failure) };
  if (json) writeJson(ctx.stdout, { results, summary });
  else ctx.stdout.write(`${summary.packages} packages: ${summary.withoutErrors} without errors, ${summary.withErrors} with errors, ${summary.notRead} not read\n`);
  return Math.max(ExitCode.Ok, ...results.map((r) => r.exitCode));
}
