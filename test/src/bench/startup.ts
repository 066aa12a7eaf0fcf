/**
 * `pnpm bench startup`: what starting the CLI costs, against `node -e 0` in the same run,
 * interleaved: `ovfkit --version` (target ≤ 1.5× node -e 0, issue 15), `ovfkit parse` of the
 * example descriptor, and `ovfkit parse` of N copies in one call against N calls (the point of
 * several packages per call).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../paths';

const ROUNDS = Number(process.env['OVFKIT_BENCH_ROUNDS'] ?? 21);
const COPIES = 20;
const bin = path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall-clock milliseconds of one child process (exit code 0 or 1 expected). */
function time(args: string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-bench-startup-'));
  try {
    const copies = Array.from({ length: COPIES }, (_, i) => path.join(dir, `d${i}.ovf`));
    for (const c of copies) fs.copyFileSync(path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf'), c);
    const cases: Record<string, () => number> = {
      'node -e 0': () => time(['-e', '0']),
      'ovfkit --version': () => time([bin, '--version']),
      'ovfkit parse (1 file)': () => time([bin, 'parse', copies[0]!]),
      [`ovfkit parse (${COPIES} files, one call)`]: () => time([bin, 'parse', ...copies]),
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (let i = 0; i < ROUNDS; i++) for (const [k, f] of Object.entries(cases)) times[k]!.push(f());
    const base = median(times['node -e 0']!);
    process.stdout.write(`CLI start-up, median of ${ROUNDS} interleaved rounds (ms; ratio to node -e 0)\n`);
    for (const [k, xs] of Object.entries(times)) process.stdout.write(`${k.padEnd(36)} ${median(xs).toFixed(0).padStart(6)} ${(median(xs) / base).toFixed(2).padStart(6)}×\n`);
    const one = median(times['ovfkit parse (1 file)']!);
    const many = median(times[`ovfkit parse (${COPIES} files, one call)`]!);
    process.stdout.write(`${COPIES} files: one call ${many.toFixed(0)} ms against ${COPIES} calls ≈ ${(one * COPIES).toFixed(0)} ms\n`);
    const ratio = median(times['ovfkit --version']!) / base;
    process.stdout.write(`--version ${ratio.toFixed(2)}× node -e 0 (target ≤ 1.5×): ${ratio <= 1.5 ? 'met' : 'NOT met'}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
