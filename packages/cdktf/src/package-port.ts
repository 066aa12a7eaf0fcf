/**
 * The one place that knows `@ovfkit/package`'s API: open a source, take its descriptor and
 * manifest text. Used only in the synth-time child process (see source.ts).
 */
import type { PackageFacts } from '@ovfkit/core';
import { openSource, packageFacts } from '@ovfkit/package';
import { MAX_DESCRIPTOR_BYTES } from './source';

/** Reads the descriptor bytes, the manifest text (when present) and the package facts of an `.ovf`, `.ova`, directory or URL. */
export async function readSourceForSynth(source: string): Promise<{ ovfDescriptorBytes: Buffer; manifest?: string; package: PackageFacts }> {
  const src = await openSource(source, { maxDescriptorBytes: MAX_DESCRIPTOR_BYTES });
  try {
    const descriptor = await src.descriptor();
    const manifest = await src.manifest();
    const pkg = await packageFacts(src, descriptor);
    return manifest ? { ovfDescriptorBytes: descriptor.bytes, manifest: manifest.bytes.toString('utf8'), package: pkg } : { ovfDescriptorBytes: descriptor.bytes, package: pkg };
  } finally {
    await src.close();
  }
}
