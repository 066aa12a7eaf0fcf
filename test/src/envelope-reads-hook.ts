/**
 * Preloaded (NODE_OPTIONS --require) into the child processes of a test by
 * envelope-reads.ts countEnvelopeReadsInChildren: writes `process` once, and `parse` for each call
 * of @ovfkit/core's envelope reader, to the file OVFKIT_TEST_ENVELOPE_LOG names. Nothing without it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const log = process.env.OVFKIT_TEST_ENVELOPE_LOG;
if (log) {
  fs.appendFileSync(log, 'process\n');
  const mod = require(path.join(path.dirname(require.resolve('@ovfkit/core')), 'envelope.js')) as { readEnvelope: (...a: unknown[]) => unknown };
  const original = mod.readEnvelope;
  mod.readEnvelope = (...a: unknown[]): unknown => {
    fs.appendFileSync(log, 'parse\n');
    return original(...a);
  };
}
