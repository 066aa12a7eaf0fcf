/**
 * The one place that knows `@ovfkit/package`'s API: open a source, take its descriptor and
 * manifest text. Used only in the synth-time child process (see source.ts).
 */
import { openSource } from '@ovfkit/package';
import { MAX_DESCRIPTOR_BYTES } from './source';

/** Reads the descriptor bytes (and manifest text, when present) of an `.ova`, directory or URL. */
export async function readSourceForSynth(source: string): Promise<{ ovfDescriptorBytes: Buffer; manifest?: string }> {
  const src = await openSource(source, { maxDescriptorBytes: MAX_DESCRIPTOR_BYTES });
  try {
    const descriptor = await src.descriptor();
    const manifest = await src.manifest();
    return manifest ? { ovfDescriptorBytes: descriptor.bytes, manifest: manifest.bytes.toString('utf8') } : { ovfDescriptorBytes: descriptor.bytes };
  } finally {
    await src.close();
  }
}
