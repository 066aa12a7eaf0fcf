/**
 * OVA layout rules and the OVA writer. An OVA is a ustar archive whose members are, in order, the
 * descriptor, the optional manifest and certificate, then every file in `References` order —
 * the order that lets a consumer import it in one sequential pass.
 * @see DSP0243 §5.3, ovf-spec-notes §2.1
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { isOvfkitError, OvfkitError } from '@ovfkit/core';
import { signManifest } from './certificate';
import { issue, type PackageIssue } from './issues';
import { manifestLine, nodeHashName, usableManifest, type Manifest, type ManifestAlgorithm } from './manifest';
import { chunkIndex, chunkName, type FileReference } from './references';
import { tarHeader, tarPadding, tarTrailer } from './tar';

/**
 * Checks an OVA's member order against its References. The descriptor must come first (an
 * error, as vSphere refuses it); the manifest and certificate go right after it or together at
 * the end; files follow References order. Out-of-order files are a warning for a source that can
 * seek (local file, server with Range) and an error for one that can only be read once in order,
 * because a one-pass import (vSphere deploying from a URL, ovfkit over HTTP without Range) cannot
 * go back for an earlier file.
 */
export function checkOvaLayout(members: string[], references: FileReference[], options: { sequentialOnly?: boolean } = {}): PackageIssue[] {
  const issues: PackageIssue[] = [];
  const first = members[0];
  if (!first || !/\.ovf$/i.test(first)) {
    issues.push(
      issue('OVA_DESCRIPTOR_NOT_FIRST', 'error', first ?? '(empty archive)', `the first member of the OVA is ${first ? JSON.stringify(first) : 'missing'}, not the .ovf descriptor`, 'repack the OVA with the descriptor first ("ovfkit ova pack")', {
        value: first,
        allowed: '*.ovf',
      }),
    );
  }
  const descriptor = members.find((m) => /\.ovf$/i.test(m));
  const special = members.map((m, i) => ({ m, i })).filter(({ m }) => /\.(mf|cert)$/i.test(m));
  if (special.length) {
    const afterDescriptor = special.every(({ i }, k) => i === 1 + k);
    const atEnd = special.every(({ i }, k) => i === members.length - special.length + k);
    if (!afterDescriptor && !atEnd) {
      issues.push(
        issue('OVA_MANIFEST_POSITION', 'warning', special.map((s) => s.m).join(', '), 'the manifest and certificate must follow the descriptor, or both be the last members', 'repack the OVA ("ovfkit ova pack")', {
          value: special.map((s) => `${s.m}@${s.i}`).join(', '),
        }),
      );
    }
  }
  const dir = descriptor ? path.posix.dirname(descriptor) : '.';
  const expected: string[] = [];
  const referenced = new Set<string>();
  for (const ref of references) {
    if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(ref.href)) continue;
    const href = dir === '.' ? path.posix.normalize(ref.href) : path.posix.join(dir, ref.href);
    const stored = ref.chunkSize !== undefined ? members.filter((m) => chunkIndex(m, href) !== undefined).sort() : members.filter((m) => m === href);
    if (stored.length === 0) {
      issues.push(
        issue('OVA_MISSING_FILE', 'error', `References/File[@ovf:id="${ref.id}"]`, `${ref.href}${ref.chunkSize !== undefined ? ` (chunks ${chunkName(ref.href, 0)}…)` : ''} is referenced but not in the OVA`, 'add the file to the OVA or remove its reference', {
          value: ref.href,
        }),
      );
    }
    for (const s of stored) {
      expected.push(s);
      referenced.add(s);
    }
  }
  const actual = members.filter((m) => referenced.has(m));
  const firstWrong = actual.findIndex((m, i) => m !== expected[i]);
  if (firstWrong !== -1) {
    issues.push(
      issue(
        'OVA_FILE_ORDER',
        options.sequentialOnly ? 'error' : 'warning',
        actual[firstWrong] ?? '',
        `the OVA's files are not in References order (${JSON.stringify(actual[firstWrong])} comes where ${JSON.stringify(expected[firstWrong])} is expected), so it cannot be imported in one sequential pass`,
        'repack the OVA in References order ("ovfkit ova pack")',
        { value: actual.join(', '), allowed: expected.join(', ') },
      ),
    );
  }
  for (const m of members) {
    if (m === descriptor || /\.(mf|cert)$/i.test(m) || referenced.has(m)) continue;
    issues.push(issue('OVA_EXTRA_FILE', 'warning', m, `${m} is in the OVA but not referenced by the descriptor`, 'remove it, or reference it in References', { value: m }));
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------

/** One file to put into an OVA. */
export interface OvaMember {
  /** Member name (for a chunked member: the base href; chunk suffixes are added). */
  name: string;
  /** Exact byte count `open()` yields (before compression). */
  size: number;
  /** Opens the bytes; called once, or twice when `gzip` is set (the first pass only counts). */
  open(): Readable | Promise<Readable>;
  /** Store as `name.000000000`, … of this many bytes each (after compression). */
  chunkSize?: number;
  /** Store gzip-compressed (`ovf:compression="gzip"`). */
  gzip?: boolean;
}

/** Options for {@link writeOva}. */
export interface WriteOvaOptions {
  /**
   * Manifest to write. `bytes`: an existing one, placed after the descriptor and checked against
   * the bytes written (a mismatch fails the write). `compute`: digests
   * computed while writing; placed at the end (one pass) or, with `position: 'after-descriptor'`,
   * after a first hashing pass over the files.
   * @default no manifest
   */
  manifest?: { name: string; bytes: Buffer } | { name: string; compute: ManifestAlgorithm; position?: 'end' | 'after-descriptor' };
  /** An existing certificate, or a key and certificate to sign the manifest with. */
  certificate?: { name: string; bytes: Buffer } | { name: string; privateKeyPem: string; certificatePem: string };
  /** Called with the running count of data bytes written. */
  onProgress?: (bytesWritten: number) => void;
  signal?: AbortSignal;
}

/** What was written, per stored member. */
export interface WriteOvaResult {
  members: { name: string; size: number; digest?: string }[];
  /** Archive bytes written. */
  bytes: number;
  manifest?: string;
}

/**
 * Streams an OVA to `out`: descriptor first, then manifest and certificate, then the members in
 * the order given (References order), each as ustar (pax records only for names or sizes ustar
 * cannot hold). Does not end `out`'s underlying file: the caller owns it (see {@link writeOvaFile}).
 */
export async function writeOva(out: Writable, descriptor: { name: string; bytes: Buffer }, members: OvaMember[], options: WriteOvaOptions = {}): Promise<WriteOvaResult> {
  let bytes = 0;
  let dataBytes = 0;
  const put = async (b: Buffer): Promise<void> => {
    options.signal?.throwIfAborted();
    bytes += b.length;
    if (!out.write(b)) await once(out, 'drain', options.signal ? { signal: options.signal } : {});
  };
  const result: WriteOvaResult = { members: [], bytes: 0 };
  const algorithm = options.manifest && 'compute' in options.manifest ? options.manifest.compute : undefined;
  const digests: { name: string; digest: string }[] = [];
  const checkedDigests: { name: string; expected: string | undefined; actual: string | undefined }[] = [];

  const putSmall = async (name: string, data: Buffer): Promise<void> => {
    await put(tarHeader(name, data.length));
    await put(data);
    await put(tarPadding(data.length));
    if (algorithm && !/\.(mf|cert)$/i.test(name)) digests.push({ name, digest: createHash(nodeHashName(algorithm)).update(data).digest('hex') });
    result.members.push({ name, size: data.length });
  };

  // Sizes of gzip members must be known before their header: one counting pass first.
  const plans: { member: OvaMember; storedSize: number }[] = [];
  for (const m of members) plans.push({ member: m, storedSize: m.gzip ? await gzipSize(await m.open()) : m.size });

  await putSmall(descriptor.name, descriptor.bytes);
  let manifestBytes: Buffer | undefined;
  const mfOpt = options.manifest;
  const certFor = (mf: Buffer): { name: string; bytes: Buffer } | undefined => {
    const c = options.certificate;
    if (!c) return undefined;
    if ('bytes' in c) return c;
    return { name: c.name, bytes: Buffer.from(signManifest(mf, mfOpt?.name ?? 'package.mf', c.privateKeyPem, c.certificatePem, algorithm ?? 'SHA256')) };
  };
  // An existing manifest is checked against the bytes as they are written: the OVA must not
  // carry a manifest that does not match its files.
  let given: Manifest | undefined;
  if (mfOpt && 'bytes' in mfOpt) {
    manifestBytes = mfOpt.bytes;
    given = usableManifest(mfOpt.bytes, mfOpt.name);
    // Names first, before a byte is written: the manifest lists exactly the descriptor and every
    // stored part, or the OVA would carry a manifest its own verification refuses.
    const required = [descriptor.name, ...plans.flatMap(({ member, storedSize }) => partsOf(member, storedSize).map((p) => p.name))];
    const listed = new Set(given.entries.map((e) => e.name));
    const missing = required.filter((n) => !listed.has(n));
    const extra = [...listed].filter((n) => !required.includes(n));
    if (missing.length || extra.length) {
      const why = [missing.length ? `it does not list ${missing.join(', ')}` : '', extra.length ? `it lists ${extra.join(', ')}, which ${extra.length === 1 ? 'is' : 'are'} not being packed` : ''].filter(Boolean).join('; ');
      throw new OvfkitError('INTEGRITY', `${mfOpt.name} does not match the files being packed: ${why}; recreate it (ova pack --manifest create)`);
    }
    const entry = given.entries.find((e) => e.name === descriptor.name);
    if (entry) checkedDigests.push({ name: descriptor.name, expected: entry.digest, actual: createHash(nodeHashName(entry.algorithm)).update(descriptor.bytes).digest('hex') });
  } else if (mfOpt && algorithm && mfOpt.position === 'after-descriptor') {
    // Hashing pass: reads every file once more, so the manifest can precede them.
    const pre = [...digests];
    for (const { member } of plans) {
      for (const part of await storedParts(member, algorithm)) pre.push({ name: part.name, digest: part.digest });
    }
    manifestBytes = Buffer.from(pre.map((d) => manifestLine(algorithm, d.name, d.digest)).join(''));
  }
  if (manifestBytes && mfOpt) {
    await putSmall(mfOpt.name, manifestBytes);
    const cert = certFor(manifestBytes);
    if (cert) await putSmall(cert.name, cert.bytes);
  }

  for (const { member, storedSize } of plans) {
    let source = await member.open();
    if (member.gzip) source = source.pipe(createGzip());
    const parts = partsOf(member, storedSize);
    const reader = byteSlicer(source);
    for (const part of parts) {
      await put(tarHeader(part.name, part.size));
      const listed = given?.entries.find((e) => e.name === part.name);
      const hashAlgorithm = algorithm ?? listed?.algorithm;
      const hash = hashAlgorithm ? createHash(nodeHashName(hashAlgorithm)) : undefined;
      let left = part.size;
      while (left > 0) {
        const b = await reader.take(left);
        if (b.length === 0) throw new OvfkitError('INTEGRITY', `${member.name} ended after ${part.size - left} of ${part.size} bytes of ${part.name} (it changed while being packed?)`);
        hash?.update(b);
        await put(b);
        left -= b.length;
        dataBytes += b.length;
        options.onProgress?.(dataBytes);
      }
      await put(tarPadding(part.size));
      const digest = hash?.digest('hex');
      if (digest !== undefined && algorithm) digests.push({ name: part.name, digest });
      if (given) checkedDigests.push({ name: part.name, expected: listed?.digest, actual: digest });
      result.members.push({ name: part.name, size: part.size, ...(digest !== undefined ? { digest } : {}) });
    }
    if ((await reader.take(1)).length > 0) throw new OvfkitError('INTEGRITY', `${member.name} has more than its announced ${member.size} bytes`);
    source.destroy();
  }

  if (!manifestBytes && mfOpt && algorithm) {
    manifestBytes = Buffer.from(digests.map((d) => manifestLine(algorithm, d.name, d.digest)).join(''));
    await putSmall(mfOpt.name, manifestBytes);
    const cert = certFor(manifestBytes);
    if (cert) await putSmall(cert.name, cert.bytes);
  }
  if (given) {
    const wrong = checkedDigests.filter((c) => c.expected !== c.actual);
    if (wrong.length) {
      throw new OvfkitError('INTEGRITY', `${mfOpt?.name ?? 'the manifest'} does not match the files being packed: ${wrong.map((w) => (w.expected ? `${w.name} differs` : `${w.name} is not listed`)).join(', ')}; recreate it (ova pack --manifest create)`);
    }
  }
  await put(tarTrailer());
  result.bytes = bytes;
  if (manifestBytes) result.manifest = manifestBytes.toString('utf8');
  return result;
}

/** The stored parts a member is written as: itself, or its chunks of `chunkSize` bytes. */
function partsOf(member: OvaMember, storedSize: number): { name: string; size: number }[] {
  const chunk = member.chunkSize;
  if (chunk === undefined) return [{ name: member.name, size: storedSize }];
  const parts: { name: string; size: number }[] = [];
  for (let i = 0, left = storedSize; i === 0 || left > 0; i++, left -= chunk) parts.push({ name: chunkName(member.name, i), size: Math.min(chunk, left) });
  return parts;
}

async function gzipSize(stream: Readable): Promise<number> {
  let n = 0;
  const gz = stream.pipe(createGzip());
  for await (const c of gz) n += (c as Buffer).length;
  return n;
}

/** Stored parts of a member with their digests (the pre-pass for a manifest before the files). */
async function storedParts(member: OvaMember, algorithm: ManifestAlgorithm): Promise<{ name: string; digest: string }[]> {
  let source = await member.open();
  if (member.gzip) source = source.pipe(createGzip());
  const out: { name: string; digest: string }[] = [];
  const reader = byteSlicer(source);
  for (let i = 0; ; i++) {
    const h = createHash(nodeHashName(algorithm));
    const limit = member.chunkSize ?? Number.MAX_SAFE_INTEGER;
    let n = 0;
    for (;;) {
      const b = await reader.take(limit - n);
      if (b.length === 0) break;
      h.update(b);
      n += b.length;
      if (n === limit) break;
    }
    if (n === 0 && i > 0) break;
    out.push({ name: member.chunkSize === undefined ? member.name : chunkName(member.name, i), digest: h.digest('hex') });
    if (member.chunkSize === undefined || n < limit) break;
  }
  source.destroy();
  return out;
}

/** Takes up to `n` bytes at a time from a stream, keeping the remainder of a chunk for next time. */
function byteSlicer(stream: Readable): { take(n: number): Promise<Buffer> } {
  const it = stream[Symbol.asyncIterator]();
  let rest: Buffer = Buffer.alloc(0);
  return {
    async take(n: number): Promise<Buffer> {
      if (rest.length === 0) {
        const r = await it.next();
        if (r.done) return Buffer.alloc(0);
        rest = r.value as Buffer;
      }
      const out = rest.subarray(0, n);
      rest = rest.subarray(out.length);
      return out;
    },
  };
}

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EFBIG: 'the file is larger than this process or file system allows',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'it already exists',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a folder on the way is a file',
  ENOTEMPTY: 'the folder is not empty',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
  EXDEV: 'it is on another file system',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'an I/O error from the device',
};

/**
 * An error from writing or moving files, as the OvfkitError a user can act on: an OS error
 * names its code and meaning (`ENOSPC: no space left on the device`), an abort is ABORTED;
 * an OvfkitError is returned as it is.
 * @example throw fileSystemError(e, `writing ${dest}`)
 */
export function fileSystemError(e: unknown, doing: string): OvfkitError {
  if (isOvfkitError(e)) return e;
  const err = e as (NodeJS.ErrnoException & { dest?: string }) | undefined;
  if (err?.name === 'AbortError' || err?.code === 'ABORT_ERR') return new OvfkitError('ABORTED', `${doing}: interrupted`, { cause: e });
  if (err?.code && /^E[A-Z]+$/.test(err.code)) {
    const where = err.path ? ` (${err.path}${err.dest ? ` → ${err.dest}` : ''})` : '';
    return new OvfkitError('IO', `${doing}: ${err.code}: ${ERRNO_TEXT[err.code] ?? err.message}${where}`, { cause: e });
  }
  return new OvfkitError('IO', `${doing}: ${err?.message ?? String(e)}`, { cause: e });
}

/**
 * Runs `write` against a temporary file beside `dest` and renames it into place only when it
 * succeeded; on failure (or abort) the temporary file is removed, so no partial output is left
 * looking whole.
 */
export async function writeFileAtomic<T>(dest: string, write: (out: Writable) => Promise<T>): Promise<T> {
  const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.${process.pid}.${Date.now()}.partial`);
  const out = fs.createWriteStream(tmp, { flags: 'wx', highWaterMark: 1 << 24 });
  try {
    await once(out, 'open');
    const result = await write(out);
    out.end();
    await once(out, 'finish');
    await once(out, 'close').catch(() => undefined);
    await fsp.rename(tmp, dest);
    return result;
  } catch (e) {
    out.on('error', () => undefined);
    if (!out.destroyed) {
      out.destroy();
      await once(out, 'close').catch(() => undefined);
    }
    await fsp.rm(tmp, { force: true });
    throw fileSystemError(e, `writing ${dest}`);
  }
}

/** A readable of a buffer (for members built in memory). */
export function bufferStream(b: Buffer): Readable {
  const p = new PassThrough();
  p.end(b);
  return p;
}

