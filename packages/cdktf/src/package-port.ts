/**
 * The one place that knows `@ovfkit/package`'s API: open a source, take its descriptor, manifest
 * and certificate (in the synth-time child process, see source.ts), and the signature facts of
 * those files (in synth, against each construct's trusted certificates: synchronous).
 */
import type { InventorySnapshot, PackageFacts, SignatureFacts } from '@ovfkit/core';
import { isLibrarySource, openSource, packageFacts, signatureFacts, snapshotLibrarySource, trustedCertificates } from '@ovfkit/package';
import { MAX_DESCRIPTOR_BYTES } from './source';

/** A small file of the package as the worker hands it over. */
export interface SynthFile { name: string; base64: string }

/** The descriptor, `.mf` and `.cert` of a package: what its signature facts are made of. */
export interface SignatureFiles { descriptor: SynthFile; manifest?: SynthFile; certificate?: SynthFile }

/** Reads the descriptor bytes, the manifest and certificate (when present) and the package facts of an `.ovf`, `.ova`, directory or URL, or of a `library:` item captured in `inventory`. */
export async function readSourceForSynth(source: string, inventory?: InventorySnapshot): Promise<{ ovfDescriptorBytes: Buffer; manifest?: string; package: PackageFacts; signatureFiles: SignatureFiles }> {
  // A library item is read from the inventory snapshot that captured it (no connection at synth).
  const src = isLibrarySource(source) && inventory ? snapshotLibrarySource(inventory, source) : await openSource(source, { maxDescriptorBytes: MAX_DESCRIPTOR_BYTES });
  try {
    const descriptor = await src.descriptor();
    const manifest = await src.manifest();
    const certificate = await src.certificate();
    const pkg = await packageFacts(src, descriptor);
    const file = (f: { name: string; bytes: Buffer }): SynthFile => ({ name: f.name, base64: f.bytes.toString('base64') });
    const signatureFiles: SignatureFiles = { descriptor: file(descriptor), ...(manifest ? { manifest: file(manifest) } : {}), ...(certificate ? { certificate: file(certificate) } : {}) };
    return manifest
      ? { ovfDescriptorBytes: descriptor.bytes, manifest: manifest.bytes.toString('utf8'), package: pkg, signatureFiles }
      : { ovfDescriptorBytes: descriptor.bytes, package: pkg, signatureFiles };
  } finally {
    await src.close();
  }
}

/** The signature facts of a package's files, judged against the trusted certificates (PEM texts) of a construct. */
export function synthSignatureFacts(files: SignatureFiles, trusted: readonly string[]): SignatureFacts {
  const f = (x: SynthFile | undefined) => (x ? { name: x.name, bytes: Buffer.from(x.base64, 'base64') } : undefined);
  const trustStore = trustedCertificates(trusted, 'trustedCertificates');
  return signatureFacts({ descriptor: f(files.descriptor), manifest: f(files.manifest), certificate: f(files.certificate) }, trustStore.length ? { trustStore } : {});
}
