import type { ParseArgsConfig } from 'node:util';
import { escapeControls, jsonWithoutControls, UsageError } from '@ovfkit/core';

/** Exit codes shared by every command. */
export const ExitCode = {
  /** Success, and the result has no errors. */
  Ok: 0,
  /** The command ran, and the result carries errors (e.g. `error[]` is non-empty). */
  ResultErrors: 1,
  /** A usage, input/output or connection problem: nothing was done. */
  Failure: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Where a command writes, and what it may read of its process. Injected so tests run in-process. */
export interface CommandContext {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM; long operations must stop cleanly and leave nothing behind. */
  signal: AbortSignal;
}

export type OptionsSpec = NonNullable<ParseArgsConfig['options']>;

/** Values of parsed options, by option name. */
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/**
 * One `ovfkit` sub-command. `name` may have several words (`manifest verify`).
 * Every command accepts `--json` and `--help`; they are added by the dispatcher.
 */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage line(s) after `ovfkit`, e.g. `parse <file.ovf|file.ova|URL> [options]`. */
  usage: string;
  /** The option descriptions shown by `--help`, one per line, already aligned. */
  help: string;
  options: OptionsSpec;
  /** This command's renamed options, old spelling → new (read as the new one, with a warning), beside the global OLD_SPELLINGS. */
  oldSpellings?: Readonly<Record<string, string>>;
  run(positionals: string[], values: OptionValues, ctx: CommandContext): Promise<number>;
}

/** A string option's value, or undefined; throws UsageError-like text handled by the dispatcher. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** `--timeout <seconds>` (every command that talks to a server spells it so) in milliseconds, or undefined. */
export function timeoutOption(values: OptionValues): number | undefined {
  const text = stringOption(values, 'timeout');
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout must be a positive number of seconds, got ${JSON.stringify(text)}`);
  return seconds * 1000;
}

/** Every value of a repeatable string option (`--net a=b --net c=d`). */
export function stringList(values: OptionValues, name: string): string[] {
  const v = values[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** Writes a value as pretty JSON followed by a newline, with no raw control character (C1 and bidi controls as `\uNNNN`). */
export function writeJson(out: NodeJS.WritableStream, value: unknown): void {
  out.write(jsonWithoutControls(JSON.stringify(value, null, 2)) + '\n');
}

type OutputStream = CommandContext['stdout'];
const RAW = new WeakMap<object, OutputStream>();

/**
 * `stream` with every write passed through {@link escapeControls} in layout form: the boundary
 * where text reaches a terminal or a log, so no control character from a package gets there
 * whatever message or line quotes it. `main` wraps stdout and stderr with it.
 */
export function terminalStream<S extends OutputStream>(stream: S): S {
  if (RAW.has(stream)) return stream;
  const write = (chunk: unknown, ...rest: unknown[]): boolean =>
    (stream.write as (...a: unknown[]) => boolean)(
      typeof chunk === 'string' ? escapeControls(chunk, 'layout') : chunk instanceof Uint8Array ? escapeControls(Buffer.from(chunk).toString('utf8'), 'layout') : chunk,
      ...rest,
    );
  const wrapped = new Proxy(stream, {
    get(target, key) {
      if (key === 'write') return write;
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  RAW.set(wrapped, stream);
  return wrapped;
}

/**
 * The stream under a {@link terminalStream}, for the one writer that sends control sequences on
 * purpose (the progress line's `\r\x1b[K`); it escapes the text it draws itself.
 */
export function rawStream<S extends OutputStream>(stream: S): S {
  return (RAW.get(stream) as S | undefined) ?? stream;
}
