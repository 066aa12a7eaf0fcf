/**
 * The one place that knows `@ovfkit/package`'s API: open a source, take its descriptor, manifest
 * and certificate, then the facts of the files core's plan lists (both in the synth-time child
 * process, see source.ts), and the signature facts of those files (in synth, against each
 * construct's trusted certificates: synchronous). No descriptor is parsed here: core's plan, in
 * the synth process, is the one parse.
 */
import type { InventorySnapshot, PackageFacts, PlanPackageFile, SignatureFacts } from '@ovfkit/core';
import { isLibrarySource, openSource, packageFacts, signatureFacts, snapshotLibrarySource, trustedCertificates, type PackageSource } from '@ovfkit/package';
import { MAX_DESCRIPTOR_BYTES } from './source';

/** A small file of the package as the worker hands it over. */
export interface SynthFile { name: string; base64: string }

/** The descriptor, `.mf` and `.cert` of a package: what its signature facts are made of. */
export interface SignatureFiles { descriptor: SynthFile; manifest?: SynthFile; certificate?: SynthFile }

/** What the reader is asked: the source (a `library:` item with the snapshot that captured it) and, for its facts, the files the plan lists. */
export interface SynthReadRequest { source: string; inventory?: InventorySnapshot; files?: readonly PlanPackageFile[] }

async function openForSynth(source: string, inventory: InventorySnapshot | undefined): Promise<PackageSource> {
  // A library item is read from the inventory snapshot that captured it (no connection at synth).
  return isLibrarySource(source) && inventory ? snapshotLibrarySource(inventory, source) : openSource(source, { maxDescriptorBytes: MAX_DESCRIPTOR_BYTES });
}

/**
 * Reads the descriptor bytes, the manifest and certificate (when present) of an `.ovf`, `.ova`,
 * directory or URL, or of a `library:` item captured in `inventory`; and the package facts with no
 * file (its form, location and descriptor name: all a package that references no file needs).
 */
export async function readSourceForSynth(source: string, inventory?: InventorySnapshot): Promise<{ ovfDescriptorBytes: Buffer; manifest?: string; package: PackageFacts; signatureFiles: SignatureFiles }> {
  const src = await openForSynth(source, inventory);
  try {
    const descriptor = await src.descriptor();
    const manifest = await src.manifest();
    const certificate = await src.certificate();
    // No file asked for: the References are not read (the plan lists them, in the synth process).
    const pkg = await packageFacts(src, descriptor, []);
    const file = (f: { name: string; bytes: Buffer }): SynthFile => ({ name: f.name, base64: f.bytes.toString('base64') });
    const signatureFiles: SignatureFiles = { descriptor: file(descriptor), ...(manifest ? { manifest: file(manifest) } : {}), ...(certificate ? { certificate: file(certificate) } : {}) };
    return manifest
      ? { ovfDescriptorBytes: descriptor.bytes, manifest: manifest.bytes.toString('utf8'), package: pkg, signatureFiles }
      : { ovfDescriptorBytes: descriptor.bytes, package: pkg, signatureFiles };
  } finally {
    await src.close();
  }
}

/** The package facts of `files` (core's plan's `package.files`), found without reading them: the descriptor's bytes are taken (its name), never parsed. */
export async function factsForSynth(source: string, files: readonly PlanPackageFile[], inventory?: InventorySnapshot): Promise<PackageFacts> {
  const src = await openForSynth(source, inventory);
  try {
    return await packageFacts(src, await src.descriptor(), files);
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
