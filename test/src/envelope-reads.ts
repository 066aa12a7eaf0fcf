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
