/**
 * Benchmark dispatcher: `pnpm bench <name>` runs test/src/bench/<name>.ts, a module exporting
 * `run(): Promise<void>` that measures against a baseline in the same run and prints ratios.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { corpusPresent, corpusRoot } from '../paths';

async function main(): Promise<void> {
  const name = process.argv[2];
  const available = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.js') && f !== 'run.js')
    .map((f) => f.slice(0, -3));
  if (!name || !available.includes(name)) {
    process.stderr.write(`usage: pnpm bench <name>\navailable: ${available.join(', ') || '(none)'}\n`);
    process.exitCode = 2;
    return;
  }
  const mod = (await import(path.join(__dirname, `${name}.js`))) as { run(): Promise<void>; needsCorpus?: boolean };
  if (mod.needsCorpus && !corpusPresent) {
    process.stderr.write(`bench ${name} needs the OVF corpus, absent at ${corpusRoot} (set OVFKIT_CORPUS to its folder)\n`);
    process.exitCode = 2;
    return;
  }
  await mod.run();
}

void main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 1;
});
