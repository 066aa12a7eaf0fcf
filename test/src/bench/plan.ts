/**
 * `pnpm bench plan`: the full plan (ParseDescriptor + ValidateHost + CreateImportSpec, as
 * `createPlan` computes it) against parse only (`parseDescriptorWithModel`), for the largest
 * corpus descriptors, in the same run, interleaved. Target: a plan costs at most 2× the parse.
 */
import { createPlan, parseDescriptorWithModel } from '@ovfkit/core';
import { largestDescriptors } from '../corpus';

const ROUNDS = Number(process.env['OVFKIT_BENCH_ROUNDS'] ?? 40);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => unknown): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** This bench reads the shared OVF corpus (run.ts refuses to start it without). */
export const needsCorpus = true;

export async function run(): Promise<void> {
  const files = largestDescriptors(5);
  process.stdout.write(`plan vs parse-only, median of ${ROUNDS} interleaved rounds per descriptor (ms)\n`);
  process.stdout.write(`${'descriptor'.padEnd(62)} ${'KiB'.padStart(6)} ${'parse'.padStart(8)} ${'plan'.padStart(8)} ${'ratio'.padStart(6)}\n`);
  let worst = 0;
  for (const { file, bytes } of files) {
    const opts = { locale: '', deploymentOption: '' };
    // Warm up both paths (JIT) before measuring.
    for (let i = 0; i < 5; i++) {
      parseDescriptorWithModel(bytes, opts);
      createPlan(bytes, { importOption: ['acceptAllEulas'] });
    }
    const parse: number[] = [];
    const plan: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      parse.push(time(() => parseDescriptorWithModel(bytes, opts)));
      plan.push(time(() => createPlan(bytes, { importOption: ['acceptAllEulas'] })));
    }
    const p = median(parse);
    const q = median(plan);
    worst = Math.max(worst, q / p);
    process.stdout.write(`${file.slice(-62).padEnd(62)} ${(bytes.length / 1024).toFixed(0).padStart(6)} ${p.toFixed(2).padStart(8)} ${q.toFixed(2).padStart(8)} ${(q / p).toFixed(2).padStart(5)}×\n`);
  }
  process.stdout.write(`worst ratio ${worst.toFixed(2)}× (target ≤ 2×): ${worst <= 2 ? 'met' : 'NOT met'}\n`);
}
