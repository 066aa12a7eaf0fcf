/**
 * Counts the local parses of a descriptor: calls of core's envelope reader (every parse goes
 * through it), in this process, until restored. For the tests that state how much work a call does.
 */
import * as path from 'node:path';

/** Starts counting calls of @ovfkit/core's readEnvelope. */
export function countEnvelopeReads(): { count(): number; restore(): void } {
  const file = path.join(path.dirname(require.resolve('@ovfkit/core')), 'envelope.js');
  const mod = require(file) as { readEnvelope: (...a: unknown[]) => unknown };
  const original = mod.readEnvelope;
  let n = 0;
  mod.readEnvelope = (...a: unknown[]): unknown => {
    n++;
    return original(...a);
  };
  return { count: () => n, restore: () => { mod.readEnvelope = original; } };
}

/** The environment variable naming the file {@link countEnvelopeReadsInChildren}'s hook writes to. */
const CHILD_LOG = 'OVFKIT_TEST_ENVELOPE_LOG';

/**
 * Starts counting, in the node child processes started from now on with this process's
 * environment (a CDKTF synth's source reader), each process and each call of core's envelope
 * reader: NODE_OPTIONS preloads envelope-reads-hook.js, which logs to a file. Until restored.
 */
export function countEnvelopeReadsInChildren(): { processes(): number; count(): number; restore(): void } {
  const fs = require('node:fs') as typeof import('node:fs');
  const os = require('node:os') as typeof import('node:os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-envelope-reads-'));
  const log = path.join(dir, 'log');
  fs.writeFileSync(log, '');
  const saved = { options: process.env.NODE_OPTIONS, log: process.env[CHILD_LOG] };
  process.env.NODE_OPTIONS = `${saved.options ?? ''} --require ${path.join(__dirname, 'envelope-reads-hook.js')}`.trim();
  process.env[CHILD_LOG] = log;
  const lines = (what: string): number => fs.readFileSync(log, 'utf8').split('\n').filter((l) => l === what).length;
  return {
    processes: () => lines('process'),
    count: () => lines('parse'),
    restore: () => {
      if (saved.options === undefined) delete process.env.NODE_OPTIONS;
      else process.env.NODE_OPTIONS = saved.options;
      if (saved.log === undefined) delete process.env[CHILD_LOG];
      else process.env[CHILD_LOG] = saved.log;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
