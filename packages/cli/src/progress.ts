/**
 * Terminal progress for long byte transfers: one self-rewriting line on stderr, only when stderr
 * is a terminal (never in --json output, pipes or CI logs), at most five updates a second.
 */
import type { TransferProgress } from '@ovfkit/vsphere';

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

/** Rewrites the current terminal line with `line`, cut to the terminal's width. */
function redraw(stream: ProgressStream, line: string, end = ''): void {
  stream.write(`\r\x1b[K${line.slice(0, (stream.columns ?? 80) - 1)}${end}`);
}

/**
 * A progress line for `label` on `stream`, or a no-op when the stream is not a TTY or `enabled`
 * is false (pass `!json`). Nothing is drawn for work that ends before the first redraw.
 * @example const p = createProgress(ctx.stderr, 'verifying', total, !json); p.update(n); p.done();
 */
export function createProgress(stream: ProgressStream, label: string, totalBytes?: number, enabled = true): Progress {
  if (!enabled || !stream.isTTY) return NONE;
  const started = Date.now();
  let last = 0;
  let shown = false;
  let lastBytes = 0;
  let lastDetail: string | undefined;
  const line = (): string => {
    const secs = Math.max((Date.now() - started) / 1000, 0.001);
    const of = totalBytes ? ` / ${formatBytes(totalBytes)}` : '';
    return `${label}${percent(lastBytes, totalBytes)} ${formatBytes(lastBytes)}${of} ${formatBytes(lastBytes / secs)}/s${lastDetail ? ` ${lastDetail}` : ''}`;
  };
  return {
    update(bytes, detail) {
      lastBytes = bytes;
      lastDetail = detail;
      const now = Date.now();
      if (now - last < REDRAW_MS) return;
      last = now;
      redraw(stream, line());
      shown = true;
    },
    done() {
      if (shown) redraw(stream, line(), '\n');
    },
  };
}

/**
 * Per-file progress of an import or export (`onProgress` of importOvf / exportOvf) on `stream`,
 * or undefined when it is not a TTY or `enabled` is false. Every finished file keeps its line,
 * `path 100% 16.0 MiB 80.2 MiB/s`, in MiB whatever the size so the columns line up.
 * @example const onProgress = transferProgress(ctx.stderr, !json); await importOvf(s, { ...o, ...(onProgress ? { onProgress } : {}) })
 */
export function transferProgress(stream: ProgressStream, enabled = true): ((p: TransferProgress) => void) | undefined {
  if (!enabled || !stream.isTTY) return undefined;
  const started = new Map<string, number>();
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (!started.has(p.path)) started.set(p.path, now);
    if (!p.done && now - last < REDRAW_MS) return;
    last = now;
    const secs = Math.max(0.001, (now - started.get(p.path)!) / 1000);
    const mib = p.bytes / 1048576;
    redraw(stream, `${p.path}${percent(p.bytes, p.total)} ${mib.toFixed(1)} MiB ${(mib / secs).toFixed(1)} MiB/s`, p.done ? '\n' : '');
  };
}
