import { errorText, escapeControls, isOvfkitError, type OvfkitErrorCode, UsageError } from '@ovfkit/core';
import { jsonRequested, readArguments, unknownCommand } from './args';
import { type Command, type CommandContext, ExitCode, type OptionValues, terminalStream, writeJson } from './command';
import { allCommands, commandEntries } from './commands';
import { versionLine } from './version';

export { ExitCode } from './command';
export type { Command, CommandContext } from './command';

function topLevelHelp(): string {
  const commands = allCommands();
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return [
    'ovfkit — OVF/OVA import and export for vSphere, checked before anything is uploaded',
    '',
    'Usage: ovfkit <command> [options]',
    '',
    'Commands:',
    list,
    '',
    'Every command takes --json (machine-readable output) and --help.',
    'Exit codes: 0 success, 1 the result has errors, 2 usage, input/output or connection problem.',
    '',
  ].join('\n');
}

function commandHelp(c: Command): string {
  return `Usage: ovfkit ${c.usage}\n\n${c.summary}\n\nOptions:\n${c.help}\n  --json                  machine-readable output\n  -h, --help              this help\n`;
}

/** Finds the command whose (possibly multi-word) name is the longest prefix of argv, and loads only it. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  let best: { entry: (typeof commandEntries)[number]; words: number } | undefined;
  for (const entry of commandEntries) {
    const words = entry.name.split(' ');
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.words)) best = { entry, words: words.length };
  }
  return best && { command: best.entry.load(), rest: argv.slice(best.words) };
}

function defaultContext(): CommandContext {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, signal: controller.signal };
}

/**
 * Reads a command's options and positionals as `main` does ({@link readArguments}: parseArgs'
 * tokens, our own checks). Exported so that command lines written by other packages (the CDKTF
 * provisioners) are tested against the real parser. Throws a UsageError on an unknown option or
 * a value that looks like an option.
 * @example
 * parseCommandLine(['destroy', '--if-exists', '--', '/DC0/vm/-x']) // { command: destroy, positionals: ['/DC0/vm/-x'], values: { 'if-exists': true }, warnings: [] }
 */
export function parseCommandLine(argv: string[] | { command: Command; rest: string[] }): { command: Command; positionals: string[]; values: OptionValues; warnings: string[] } {
  const found = Array.isArray(argv) ? findCommand(argv) : argv;
  if (!found) throw new UsageError(unknownCommand(argv as string[], commandEntries));
  return { command: found.command, ...readArguments(found.rest, found.command) };
}

/**
 * Runs `ovfkit` with the given arguments and returns the exit code. Never throws: user mistakes
 * become a one-line message (or a JSON `{"error": …}` with --json), never a stack trace.
 */
export async function main(argv: string[], context: CommandContext = defaultContext()): Promise<number> {
  const ctx: CommandContext = { ...context, stdout: terminalStream(context.stdout), stderr: terminalStream(context.stderr) };
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    (argv.length === 0 ? ctx.stderr : ctx.stdout).write(topLevelHelp());
    return argv.length === 0 ? ExitCode.Failure : ExitCode.Ok;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    ctx.stdout.write(versionLine());
    return ExitCode.Ok;
  }
  const found = findCommand(argv);
  if (!found) return fail(ctx, jsonRequested(argv, undefined), 'USAGE', unknownCommand(argv, commandEntries));
  let positionals: string[];
  let values: OptionValues;
  const { command } = found;
  try {
    let warnings: string[];
    ({ positionals, values, warnings } = parseCommandLine(found));
    for (const w of warnings) ctx.stderr.write(`ovfkit: warning: ${w}\n`);
  } catch (e) {
    if (!isOvfkitError(e)) throw e;
    return fail(ctx, jsonRequested(found.rest, command), e.code, e.message, errorText(e));
  }
  const json = values['json'] === true;
  if (values['help']) {
    ctx.stdout.write(commandHelp(command));
    return ExitCode.Ok;
  }
  try {
    return await command.run(positionals, values, ctx);
  } catch (e) {
    if (isOvfkitError(e)) return fail(ctx, json, e.code, e.message, errorText(e));
    const debug = ctx.env['OVFKIT_DEBUG'] ? `\n${(e as Error)?.stack ?? String(e)}` : '\n(set OVFKIT_DEBUG=1 for details)';
    const message = `internal error: ${(e as Error)?.message ?? String(e)}`;
    return fail(ctx, json, 'INTERNAL', message, `internal error: ${errorText({ message: String((e as Error)?.message ?? e) })}${escapeControls(debug, 'layout')}`);
  }
}

/** Reports a failure: the exact message in --json, else `shown` (the message as a terminal shows it, see {@link errorText}). */
function fail(ctx: CommandContext, json: boolean, code: OvfkitErrorCode, message: string, shown = message): number {
  if (json) writeJson(ctx.stdout, { error: { code, message } });
  else ctx.stderr.write(`ovfkit: ${shown}\n`);
  return ExitCode.Failure;
}
