/**
 * Progress of long byte transfers on stderr: on a terminal one self-rewriting line, at most five
 * updates a second; elsewhere (CI logs, pipes) plain lines, one per 10 % or 30 s, no carriage
 * returns or escape codes, as ovftool's "Disk progress: N%" lines. `--progress` chooses.
 */
import { escapeControls, UsageError } from '@ovfkit/core';
import type { TransferProgress } from '@ovfkit/vsphere';
import { type CommandContext, type OptionsSpec, type OptionValues, rawStream, stringOption } from './command';

/** How progress is shown: a rewritten terminal line, plain log lines, or not at all. */
export type ProgressMode = 'tty' | 'plain' | 'none';

/** The `--progress` option of every command that moves many bytes. */
export const progressOptions: OptionsSpec = { progress: { type: 'string' }, quiet: { type: 'boolean' } };

/** Help line for {@link progressOptions}. */
export const progressHelp =
  '  --progress <mode>       auto (the default: a rewritten line on a terminal, else plain lines; none with\n                          --json), tty, plain (a line per 10 % or 30 s on stderr, for CI logs) or none\n  --quiet                 no progress (--progress none)';

/**
 * The progress mode of `--progress` (auto|tty|plain|none; `--quiet` is none). Auto is none with --json (its output
 * is one JSON document, and stderr is often merged into it), a terminal line when stderr is one,
 * and plain lines otherwise.
 */
export function progressMode(values: OptionValues, ctx: Pick<CommandContext, 'stderr'>): ProgressMode {
  const given = stringOption(values, 'progress');
  if (values['quiet'] === true) {
    if (given !== undefined && given !== 'none') throw new UsageError(`--quiet shows no progress, --progress ${JSON.stringify(given)} asks for some: give one of them`);
    return 'none';
  }
  const v = given ?? 'auto';
  if (v === 'tty' || v === 'plain' || v === 'none') return v;
  if (v !== 'auto') throw new UsageError(`--progress must be auto, tty, plain or none, got ${JSON.stringify(v)}`);
  if (values['json'] === true) return 'none';
  return ctx.stderr.isTTY ? 'tty' : 'plain';
}

/** A progress line; call `update` with the running byte count and `done` at the end. */
export interface Progress {
  update(bytes: number, detail?: string): void;
  done(): void;
}

/** Where progress is drawn: stderr, or a stream standing in for it in tests. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

const NONE: Progress = { update: () => undefined, done: () => undefined };
/** Fewest milliseconds between two redraws: more is flicker, and slows a fast transfer. */
const REDRAW_MS = 200;
/** In plain mode, a line at least this often while bytes move, whatever the percentage. */
const PLAIN_EVERY_MS = 30_000;
/** In plain mode, a line each time the percentage reaches a new multiple of this. */
const PLAIN_STEP_PERCENT = 10;

/** The clock, replaced in tests so that the 30 s lines are tested without waiting. */
export type Clock = () => number;

/**
 * Decides when a plain line is due: each new multiple of 10 % of `total`, or 30 s after the
 * previous line (the only trigger when the total is unknown).
 */
function plainTrigger(now: Clock): (bytes: number, total: number | undefined) => boolean {
  let lastAt = now();
  let lastStep = 0;
  return (bytes, total) => {
    const t = now();
    const step = total ? Math.floor((Math.min(bytes, total) / total) * (100 / PLAIN_STEP_PERCENT)) : 0;
    if (step > lastStep || t - lastAt >= PLAIN_EVERY_MS) {
      lastStep = Math.max(step, lastStep);
      lastAt = t;
      return true;
    }
    return false;
  };
}

/** Formats a byte count with binary units: `512 B`, `1.5 MiB`, `20 GiB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(v >= 10 ? 0 : 1)} ${units[i]}`;
}

const percent = (bytes: number, total: number | undefined): string => (total ? ` ${Math.min(100, Math.floor((bytes / total) * 100))}%` : '');

/**
 * Rewrites the current terminal line with `line`, cut to the terminal's width: the one writer
 * that sends control sequences on purpose, so it writes to the raw stream and escapes the line.
 */
function redraw(stream: ProgressStream, line: string, end = ''): void {
  rawStream(stream).write(`\r\x1b[K${escapeControls(line, 'line').slice(0, (stream.columns ?? 80) - 1)}${end}`);
}

/**
 * Progress of `label` on `stream` in `mode`: a terminal line (nothing for work that ends before
 * the first redraw), plain lines `label: 40% 4.0 MiB / 10 MiB` (and the last count at the end,
 * if it moved since the last line), or nothing. `true` is auto for a
 * TTY (tty, else none), `false` none: the form callers used before `--progress`.
 * @example const p = createProgress(ctx.stderr, 'verifying', total, progressMode(values, ctx)); p.update(n); p.done();
 */
export function createProgress(stream: ProgressStream, label: string, totalBytes?: number, mode: ProgressMode | boolean = true, now: Clock = Date.now): Progress {
  const m = mode === true ? (stream.isTTY ? 'tty' : 'none') : mode === false ? 'none' : mode;
  if (m === 'none') return NONE;
  const started = now();
  let last = 0;
  let shown = false;
  let lastBytes = 0;
  let lastDetail: string | undefined;
  const line = (): string => {
    const secs = Math.max((now() - started) / 1000, 0.001);
    const of = totalBytes ? ` / ${formatBytes(totalBytes)}` : '';
    return `${label}${percent(lastBytes, totalBytes)} ${formatBytes(lastBytes)}${of} ${formatBytes(lastBytes / secs)}/s${lastDetail ? ` ${escapeControls(lastDetail)}` : ''}`;
  };
  if (m === 'plain') {
    const due = plainTrigger(now);
    const plainLine = (): string => line().replace(/^([^ ]+)/, '$1:');
    // done() runs in finally blocks, success or not: it closes what was shown with the last
    // count, never claims success, and prints nothing for work that showed nothing.
    let writtenBytes: number | undefined;
    const write = (): void => {
      writtenBytes = lastBytes;
      stream.write(`${plainLine()}\n`);
    };
    return {
      update(bytes, detail) {
        lastBytes = bytes;
        lastDetail = detail;
        if (due(bytes, totalBytes)) write();
      },
      done() {
        if (writtenBytes !== undefined && writtenBytes !== lastBytes) write();
      },
    };
  }
  return {
    update(bytes, detail) {
      lastBytes = bytes;
      lastDetail = detail;
      const t = now();
      if (t - last < REDRAW_MS) return;
      last = t;
      redraw(stream, line());
      shown = true;
    },
    done() {
      if (shown) redraw(stream, line(), '\n');
    },
  };
}

/**
 * Per-file progress of an import or export (`onProgress` of importOvf / exportOvf) on `stream`
 * in `mode`, or undefined for none. On a terminal each file in flight has its line (several at
 * once with parallel disks, redrawn in place) and every finished file keeps its line,
 * `path 100% 16.0 MiB 80.2 MiB/s`, in MiB whatever the size so the columns line up; plain lines
 * are `path: 40% 6.4 MiB of 16.0 MiB 80.2 MiB/s`, one per 10 % or 30 s, and `… done` at the end.
 * @example const onProgress = transferProgress(ctx.stderr, progressMode(values, ctx)); await importOvf(s, { ...o, ...(onProgress ? { onProgress } : {}) })
 */
export function transferProgress(stream: ProgressStream, mode: ProgressMode | boolean = true, now: Clock = Date.now): ((p: TransferProgress) => void) | undefined {
  const m = mode === true ? (stream.isTTY ? 'tty' : 'none') : mode === false ? 'none' : mode;
  if (m === 'none') return undefined;
  const started = new Map<string, number>();
  const rate = (p: TransferProgress, t: number): string => {
    const secs = Math.max(0.001, (t - started.get(p.path)!) / 1000);
    return `${((p.bytes / 1048576) / secs).toFixed(1)} MiB/s`;
  };
  const mib = (n: number): string => `${(n / 1048576).toFixed(1)} MiB`;
  if (m === 'plain') {
    const due = new Map<string, (bytes: number, total: number | undefined) => boolean>();
    return (p) => {
      const t = now();
      if (!started.has(p.path)) {
        started.set(p.path, t);
        due.set(p.path, plainTrigger(now));
      }
      if (!p.done && !due.get(p.path)!(p.bytes, p.total)) return;
      const of = p.total ? ` of ${mib(p.total)}` : '';
      stream.write(`${escapeControls(p.path)}:${percent(p.bytes, p.total)} ${mib(p.bytes)}${of} ${rate(p, t)}${p.done ? ' done' : ''}\n`);
    };
  }
  // Files in flight at once (parallel disks) each have a line of a block redrawn in place; a
  // finished file's line is written above the block and kept. One file at a time: one line.
  let last = 0;
  /** Lines of the block on the terminal now (the cursor is at the end of its last one). */
  let drawn = 0;
  const active = new Map<string, string>();
  const finished: string[] = [];
  return (p) => {
    const t = now();
    if (!started.has(p.path)) started.set(p.path, t);
    const text = `${escapeControls(p.path)}${percent(p.bytes, p.total)} ${mib(p.bytes)} ${rate(p, t)}`;
    if (p.done) {
      active.delete(p.path);
      finished.push(text);
    } else active.set(p.path, text);
    if (!p.done && t - last < REDRAW_MS) return;
    last = t;
    redrawBlock(stream, drawn, finished.splice(0), [...active.values()]);
    drawn = active.size;
  };
}

/**
 * Redraws a block of progress lines in place: up to its first line (`drawn` lines were shown),
 * the `kept` lines each ended by a newline, then the `live` ones (the last without one), and
 * what is left below of a longer block erased. Lines are cut to the terminal's width so that
 * none wraps (the cursor moves by lines).
 */
function redrawBlock(stream: ProgressStream, drawn: number, kept: string[], live: string[]): void {
  const cut = (line: string): string => `\r\x1b[K${escapeControls(line, 'line').slice(0, (stream.columns ?? 80) - 1)}`;
  let out = drawn > 1 ? `\x1b[${drawn - 1}A` : '';
  out += kept.map((l) => `${cut(l)}\n`).join('') + live.map(cut).join('\n');
  if (kept.length + live.length < drawn) out += '\x1b[J';
  rawStream(stream).write(out);
}
