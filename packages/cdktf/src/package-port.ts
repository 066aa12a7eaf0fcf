/**
 * The one place that knows `@ovfkit/package`'s API: open a source, take its descriptor and
 * manifest text. Used only in the synth-time child process (see source.ts).
 */
import { OvfkitError } from '@ovfkit/core';

interface SourceLike {
  descriptor(): Promise<string | { text?: string; ovfDescriptor?: string }>;
  manifest?(): Promise<unknown>;
  close?(): Promise<void> | void;
}

/** Reads the descriptor (and manifest text, when present) of an `.ova`, directory or URL. */
export async function readSourceForSynth(source: string): Promise<{ ovfDescriptor: string; manifest?: string }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require('@ovfkit/package') as { openSource?: (s: string) => Promise<SourceLike> };
  if (typeof pkg.openSource !== 'function') {
    throw new OvfkitError('INTERNAL', '@ovfkit/package does not provide openSource() in this build');
  }
  const src = await pkg.openSource(source);
  try {
    const d = await src.descriptor();
    const ovfDescriptor = typeof d === 'string' ? d : (d.text ?? d.ovfDescriptor);
    if (typeof ovfDescriptor !== 'string') throw new OvfkitError('INTERNAL', 'openSource().descriptor() gave no text');
    return { ovfDescriptor };
  } finally {
    await src.close?.();
  }
}
