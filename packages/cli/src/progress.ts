/**
 * Terminal progress for long byte transfers: one self-rewriting line on stderr, only when stderr
 * is a terminal (never in --json output, pipes or CI logs), at most five updates a second.
 */

/** A progress line; call `update` with the running byte count and `done` at the end. */
export interface Progress {
  update(bytes: number, detail?: string): void;
  done(): void;
}

const NONE: Progress = { update: () => undefined, done: () => undefined };

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

/**
 * A progress line for `label` on `stream`, or a no-op when the stream is not a TTY or `enabled`
 * is false (pass `!json`).
 * @example const p = createProgress(ctx.stderr, 'verifying', total, !json); p.update(n); p.done();
 */
export function createProgress(stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }, label: string, totalBytes?: number, enabled = true): Progress {
  if (!enabled || !stream.isTTY) return NONE;
  const started = Date.now();
  let last = 0;
  let shown = false;
  const render = (bytes: number, detail?: string): void => {
    const secs = Math.max((Date.now() - started) / 1000, 0.001);
    const pct = totalBytes ? ` ${Math.min(100, Math.floor((bytes / totalBytes) * 100))}%` : '';
    const of = totalBytes ? ` / ${formatBytes(totalBytes)}` : '';
    const line = `${label}${pct} ${formatBytes(bytes)}${of} ${formatBytes(bytes / secs)}/s${detail ? ` ${detail}` : ''}`;
    const width = (stream.columns ?? 80) - 1;
    stream.write(`\r${line.slice(0, width).padEnd(Math.min(width, line.length + 2))}`);
    shown = true;
  };
  let lastBytes = 0;
  let lastDetail: string | undefined;
  return {
    update(bytes, detail) {
      lastBytes = bytes;
      lastDetail = detail;
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      render(bytes, detail);
    },
    done() {
      if (shown) {
        render(lastBytes, lastDetail);
        stream.write('\n');
      }
    },
  };
}
