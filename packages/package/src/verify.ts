/**
 * Checks a package's bytes in one pass: the manifest's digests (hashed while the bytes stream,
 * never read twice), the certificate's signature over the manifest, the OVA member order, and
 * each file's stored size against `ovf:size`. Everything found is returned as issues.
 */
import { OvfkitError, isOvfkitError } from '@ovfkit/core';
import { storedNames } from './files';
import { issue, type PackageIssue } from './issues';
import { createHash } from 'node:crypto';
import { readBody } from './http';
import { digestOf, ManifestVerifier, nodeHashName, parseManifest, type ManifestAlgorithm, type ManifestVerification } from './manifest';
import { checkOvaLayout } from './ova';
import { readReferences, type FileReference } from './references';
import { verifySignature, type PackageSignature } from './signature';
import type { PackageSource } from './source';

/** Options for {@link verifyPackage}. */
export interface VerifyOptions {
  /** The References of the descriptor; read from the descriptor when absent. */
  references?: FileReference[];
  /** Trusted certificates (PEM) for the signer's chain. */
  trustStore?: string[];
  /** Called with the running count of bytes hashed. */
  onProgress?: (bytes: number, name: string) => void;
  now?: Date;
}

/** Result of {@link verifyPackage}. */
export interface PackageVerification {
  source: string;
  descriptor: string;
  manifest?: ManifestVerification;
  /** The `.cert`'s verdict, when the package has one. */
  signature?: PackageSignature;
  /** Every issue: manifest, certificate, layout and sizes. */
  issues: PackageIssue[];
  /** Bytes hashed. */
  bytesHashed: number;
  ok: boolean;
}

/**
 * Verifies a package. An OVA is read once from start to end, hashing each member the manifest
 * lists as it passes; other sources hash each listed file once.
 * @example const v = await verifyPackage(await openSource('vm.ova')); if (!v.ok) console.log(v.issues)
 */
export async function verifyPackage(source: PackageSource, options: VerifyOptions = {}): Promise<PackageVerification> {
  const issues: PackageIssue[] = [];
  const descriptor = await source.descriptor();
  let references = options.references;
  if (!references) {
    try {
      references = readReferences(descriptor.bytes);
    } catch (e) {
      issues.push(issue('DESCRIPTOR_UNREADABLE', 'error', descriptor.name, `${descriptor.name}: ${(e as Error).message}`, 'fix the descriptor XML; its References could not be read'));
      references = [];
    }
  }
  const local = references.filter((r) => !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(r.href));
  let mf = await source.manifest();
  let cert = await source.certificate();
  let manifest = mf ? parseManifest(mf.bytes, mf.name) : undefined;
  let verifier = manifest ? new ManifestVerifier(manifest) : undefined;
  const members = await source.members();
  if (members) issues.push(...checkOvaLayout(members, local, { sequentialOnly: source.sequentialOnly }));

  // Names the manifest must list: the descriptor and each stored file (chunks listed one by one).
  const required = [descriptor.name];
  const storedOf = new Map<FileReference, string[]>();
  for (const ref of local) {
    try {
      const names = await storedNames(source, ref);
      storedOf.set(ref, names);
      required.push(...names);
    } catch (e) {
      if (!isOvfkitError(e)) throw e;
      storedOf.set(ref, []);
      // A missing first chunk of an archive is OVA_MISSING_FILE (checkOvaLayout); a gap is always said.
      if (e.code === 'INTEGRITY') issues.push(issue('FILE_CHUNK_MISSING', 'error', `References/File[@ovf:id="${ref.id}"]`, e.message, 'add the missing chunk, or give ovf:size', { value: ref.href }));
      else if (!members) issues.push(issue('FILE_UNREADABLE', 'error', `References/File[@ovf:id="${ref.id}"]`, e.message, 'add the file to the package', { value: ref.href }));
    }
  }
  const present = new Set<string>([descriptor.name]);
  const sizes = new Map<string, number>();
  let bytesHashed = 0;
  const hash = async (name: string, read: ReadPieces): Promise<void> => {
    const entry = verifier?.expecting(name);
    if (!entry) return;
    const h = createHash(nodeHashName(entry.algorithm));
    let bytes = 0;
    await read((piece) => {
      h.update(piece);
      bytes += piece.length;
      bytesHashed += piece.length;
      options.onProgress?.(bytesHashed, name);
    });
    verifier?.record(name, h.digest('hex'), bytes);
  };

  const entries = source.entries();
  if (entries) {
    // A one-pass source only saw the archive's head: a manifest placed at the end arrives after
    // the files it lists, so each file is hashed with every algorithm a manifest may name.
    const late = !mf && source.sequentialOnly;
    const allDigests = new Map<string, { digests: Record<ManifestAlgorithm, string>; bytes: number }>();
    const order: string[] = [];
    for await (const e of entries) {
      order.push(e.name);
      present.add(e.name);
      if (e.size !== undefined) sizes.set(e.name, e.size);
      if (late && !mf && /\.mf$/i.test(e.name)) {
        mf = { name: e.name, bytes: await readBody(e.stream, 64 * 1024 * 1024, e.name) };
        continue;
      }
      if (late && !cert && /\.cert$/i.test(e.name)) {
        cert = { name: e.name, bytes: await readBody(e.stream, 64 * 1024 * 1024, e.name) };
        continue;
      }
      if (e.name === mf?.name || e.name === cert?.name) continue;
      const read = e.visit ?? piecesOf(e.stream);
      if (late) allDigests.set(e.name, await digestAll(read, (n) => options.onProgress?.((bytesHashed += n), e.name)));
      else await hash(e.name, read);
    }
    if (late && mf) {
      manifest = parseManifest(mf.bytes, mf.name);
      verifier = new ManifestVerifier(manifest);
      for (const [name, d] of allDigests) {
        const entry = verifier.expecting(name);
        if (entry) verifier.record(name, d.digests[entry.algorithm], d.bytes);
      }
    }
    if (!members) issues.push(...checkOvaLayout(order, local, { sequentialOnly: source.sequentialOnly }));
  } else {
    if (verifier) verifier.record(descriptor.name, (await digestOf([descriptor.bytes], verifier.expecting(descriptor.name)?.algorithm ?? 'SHA256')).digest, descriptor.bytes.length);
    const toRead = new Set<string>([...required.slice(1), ...(manifest?.entries.map((e) => e.name) ?? [])]);
    for (const name of toRead) {
      if (name === descriptor.name) continue;
      // A file to hash is lent (read positionally, no stream stage) where the source can.
      const lent = verifier?.expecting(name) !== undefined && source.lend !== undefined;
      let stream: AsyncIterable<Buffer> | undefined;
      let read: ReadPieces;
      try {
        if (lent) read = await source.lend!(name);
        else read = piecesOf((stream = await source.open(name)));
      } catch (e) {
        if (!isOvfkitError(e)) throw e;
        verifier?.failed(name, e.code === 'UNSAFE_PATH' ? e.message : '');
        if (e.code === 'UNSAFE_PATH') issues.push(issue('MF_UNSAFE_NAME', 'error', manifest?.name ?? name, e.message, 'list only files inside the package', { value: name }));
        continue;
      }
      present.add(name);
      if (verifier?.expecting(name)) {
        const before = bytesHashed;
        await hash(name, read);
        sizes.set(name, bytesHashed - before);
      } else {
        (stream as { destroy?: () => void } | undefined)?.destroy?.();
        const size = await source.size(name);
        if (size !== undefined) sizes.set(name, size);
      }
    }
  }

  for (const ref of local) {
    const names = storedOf.get(ref) ?? [];
    if (ref.size === undefined || names.length === 0 || !names.every((n) => sizes.has(n))) continue;
    const stored = names.reduce((a, n) => a + (sizes.get(n) ?? 0), 0);
    if (stored !== ref.size) {
      issues.push(
        issue('FILE_SIZE_MISMATCH', 'error', `References/File[@ovf:id="${ref.id}"]`, `${ref.href} has ${stored} bytes but ovf:size says ${ref.size}`, 'correct ovf:size in the descriptor, or replace the damaged file', {
          value: String(stored),
          allowed: String(ref.size),
        }),
      );
    }
  }

  const result: PackageVerification = { source: source.location, descriptor: descriptor.name, issues, bytesHashed, ok: false };
  if (verifier && manifest) {
    result.manifest = verifier.report(present, required);
    issues.push(...result.manifest.issues);
  }
  if (cert) {
    result.signature = verifySignature({ manifest: mf, certificate: cert }, { ...(options.trustStore ? { trustStore: options.trustStore } : {}), ...(options.now ? { now: options.now } : {}) });
    issues.push(...result.signature.issues);
  }
  result.ok = !issues.some((i) => i.severity === 'error');
  return result;
}

/** Throws unless the verification passed; for callers that must stop (an import). */
export function assertVerified(v: PackageVerification): void {
  const errors = v.issues.filter((i) => i.severity === 'error');
  if (errors.length) throw new OvfkitError('INTEGRITY', `${v.source}: ${errors.length} integrity error(s): ${errors.map((e) => e.message).join('; ')}`);
}

/** Reads a file's bytes piece by piece, each lent to `visit` for the call only. */
type ReadPieces = (visit: (piece: Buffer) => void) => Promise<void>;

/** The {@link ReadPieces} of a stream, for sources without a lent read. */
function piecesOf(stream: AsyncIterable<Buffer>): ReadPieces {
  return async (visit) => {
    for await (const c of stream) visit(c);
  };
}

/** SHA1, SHA256 and SHA512 of one file in one read (for a manifest that arrives after its files). */
async function digestAll(read: ReadPieces, onBytes: (n: number) => void): Promise<{ digests: Record<ManifestAlgorithm, string>; bytes: number }> {
  const h1 = createHash('sha1');
  const h256 = createHash('sha256');
  const h512 = createHash('sha512');
  let bytes = 0;
  await read((c) => {
    h1.update(c);
    h256.update(c);
    h512.update(c);
    bytes += c.length;
    onBytes(c.length);
  });
  return { digests: { SHA1: h1.digest('hex'), SHA256: h256.digest('hex'), SHA512: h512.digest('hex') }, bytes };
}
