/**
 * `pnpm bench cdktf`: what synthesizing an OvfImport costs, against the work it cannot avoid.
 *
 * Baseline, measured in the same run: core's `createPlan()` over the same descriptor text (one
 * ParseDescriptor + ValidateHost + CreateImportSpec). Measured: constructing one `OvfImport` in
 * an existing stack (reading the file, the plan, the terraform_data): the constructs' own cost.
 * For context, cdktf's `Testing.synth(stack, true)` of that stack, and reading an `.ova` at synth
 * (a child process running @ovfkit/package) against reading the `.ovf` file in-process.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { createPlan } from '@ovfkit/core';
import { OvfImport } from '@ovfkit/cdktf';
import { corpusRoot, repoRoot } from '../paths';

function timeMs(fn: () => void, rounds: number): number {
  fn(); // warm-up: module loading and JIT are not what is measured
  const t = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) fn();
  return Number(process.hrtime.bigint() - t) / 1e6 / rounds;
}

/**
 * Baseline and measured alternate in 5 batches and the median batch of each is kept: the
 * machine is shared, and a slow moment then hits both sides instead of skewing the ratio.
 */
function paired(base: () => void, measured: () => void, rounds: number): { base: number; measured: number } {
  const b: number[] = [];
  const m: number[] = [];
  for (let i = 0; i < 5; i++) {
    b.push(timeMs(base, rounds));
    m.push(timeMs(measured, rounds));
  }
  const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[2]!;
  return { base: median(b), measured: median(m) };
}

/** Where every stack of the run synthesizes (Testing.app() alone makes a temp folder per app); removed at the end. */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-bench-cdktf-out-'));
const stackForConstructs = new TerraformStack(Testing.app({ outdir: scratch }), 'bench');
let n = 0;

function constructImport(source: string): void {
  new OvfImport(stackForConstructs, `Appliance${n++}`, { source, datacenter: 'DC0', acceptAllEulas: true });
}

function synthImport(source: string): void {
  const stack = new TerraformStack(Testing.app({ outdir: scratch }), 'bench');
  new OvfImport(stack, 'Appliance', { source, datacenter: 'DC0', acceptAllEulas: true });
  Testing.synth(stack, true);
}

/** This bench reads the shared OVF corpus (run.ts refuses to start it without). */
export const needsCorpus = true;

export async function run(): Promise<void> {
  const cases = [
    { name: 'examples/minimal/minimal.ovf', file: path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf') },
    { name: 'vCSA 9.1 (331 KB, 16 options)', file: path.join(corpusRoot, 'ovf', 'govmomi', 'vmware-appliances', 'VMware-vCenter-Server-Appliance-9.1.0.0.25262036_OVF10.ovf') },
    { name: 'Photon OS 5 (EULA)', file: path.join(corpusRoot, 'ovf', 'govmomi', 'cloud-images', 'photon5.ovf') },
  ];
  process.stdout.write(`node ${process.version}, ${os.cpus().length} CPUs; per-call means after one warm-up, median of 5 alternating batches\n\n`);
  process.stdout.write('descriptor                        createPlan (baseline)  new OvfImport   ratio   whole cdktf synth\n');
  for (const c of cases) {
    const text = fs.readFileSync(c.file, 'utf8');
    const rounds = text.length > 100_000 ? 5 : 20;
    const { base, measured: construct } = paired(() => createPlan(text, { entityName: 'x', importOption: ['acceptAllEulas'] }), () => constructImport(c.file), rounds);
    const synth = timeMs(() => synthImport(c.file), Math.min(rounds, 10));
    process.stdout.write(`${c.name.padEnd(33)} ${base.toFixed(2).padStart(9)} ms ${construct.toFixed(2).padStart(13)} ms ${(construct / base).toFixed(2).padStart(6)}× ${synth.toFixed(1).padStart(12)} ms\n`);
  }

  // An .ova is read by a child process (synth is synchronous, @ovfkit/package is not).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-bench-cdktf-'));
  try {
    const ova = path.join(dir, 'minimal.ova');
    const tar = spawnSync('tar', ['--format=ustar', '-cf', ova, '-C', path.join(repoRoot, 'examples', 'minimal'), 'minimal.ovf']);
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr.toString()}`);
    const ovf = path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf');
    // Cold: a distinct .ova each time (its own child process); warm: the same .ova again (read once per synth).
    const copies = Array.from({ length: 6 }, (_, i) => {
      const p = path.join(dir, `copy${i}.ova`);
      fs.copyFileSync(ova, p);
      return p;
    });
    let next = 0;
    const direct = timeMs(() => constructImport(ovf), 20);
    const cold = timeMs(() => constructImport(copies[next++]!), copies.length - 1);
    const warm = timeMs(() => constructImport(ova), 20);
    process.stdout.write(`\nminimal as .ovf (read in-process, baseline) ${direct.toFixed(2)} ms; as .ova first read (child process) ${cold.toFixed(2)} ms = ${(cold / direct).toFixed(1)}×; same .ova again ${warm.toFixed(2)} ms = ${(warm / direct).toFixed(2)}×\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
