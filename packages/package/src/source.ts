/**
 * Package sources: where an OVF package's bytes come from. A directory with one `.ovf`, a lone
 * `.ovf`, an `.ova` (tar), or an http(s) URL to either. Every source gives the descriptor for
 * plan time, the manifest and certificate, and a stream per file at upload time; an OVA can
 * also be read as one sequential pass with {@link PackageSource.entries}.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { descriptorDigest, OvfkitError } from '@ovfkit/core';
import { httpGet, readBody, redactUrl, type HttpOptions } from './http';
import { chunkIndex, chunkName } from './references';
import { indexTar, lendFile, readTar, safeMemberName, type TarHeader } from './tar';

/** A small file of the package, read whole. */
export interface PackageFile {
  name: string;
  bytes: Buffer;
}

/** The descriptor, as bytes and as text. */
export interface DescriptorFile extends PackageFile {
  text: string;
  /**
   * `sha256:<hex>` of {@link bytes} (core's descriptorDigest), when the source computed it: the
   * signature read and the front ends take this one instead of hashing the bytes again.
   */
  digest?: string;
}

/**
 * The descriptor file of bytes read: its text (UTF-8) and digest each computed when first asked
 * and kept, so that a caller planning from the bytes over a kept model (a Pulumi check) neither
 * decodes half a megabyte of XML it never reads as text nor hashes it more than once. The bytes
 * must not change after this (every source reads them anew).
 * @example const d = descriptorFile('app.ovf', bytes); d.digest // 'sha256:…'
 */
export function descriptorFile(name: string, bytes: Buffer): DescriptorFile {
  let text: string | undefined;
  let digest: string | undefined;
  const d = { name, bytes } as DescriptorFile;
  Object.defineProperties(d, {
    text: { get: () => (text ??= bytes.toString('utf8')), enumerable: true },
    digest: { get: () => (digest ??= descriptorDigest(bytes)), enumerable: true },
  });
  return d;
}

/** One member in a sequential pass over a package. */
export interface PackageEntry {
  name: string;
  /** Size in bytes when known before reading. */
  size?: number;
  stream: Readable;
  /** The member's bytes lent piece by piece, without the stream stage (see {@link TarEntry.visit}); use it or `stream`. */
  visit?: (visit: (piece: Buffer) => void) => Promise<void>;
}

/** `library`: an OVF item of a vCenter content library (@ovfkit/vsphere's librarySource). */
export type SourceKind = 'directory' | 'ovf' | 'ova' | 'url-ovf' | 'url-ova' | 'library';

/** Prefix of a library package source on every command line: `library:LIB/ITEM` or `library:ITEM-ID`. */
export const LIBRARY_SOURCE_PREFIX = 'library:';

/** True when a package argument names a content library item (opened by @ovfkit/vsphere's librarySource, not {@link openSource}). */
export function isLibrarySource(arg: string): boolean {
  return arg.startsWith(LIBRARY_SOURCE_PREFIX);
}

/**
 * Where a package's bytes come from. Plan time needs only {@link descriptor}; upload time opens
 * each file with {@link open}, or walks an OVA once with {@link entries}.
 */
export interface PackageSource {
  readonly kind: SourceKind;
  /** Path or URL (without credentials) for messages. */
  readonly location: string;
  /**
   * True when files can only be read in archive order in one pass (an OVA over HTTP without
   * Range support): {@link open} then re-reads the archive from the start.
   */
  readonly sequentialOnly: boolean;
  descriptor(): Promise<DescriptorFile>;
  /** The `.mf` with the descriptor's base name (or the archive's only `.mf`), if any. */
  manifest(): Promise<PackageFile | undefined>;
  /** The `.cert` with the descriptor's base name, if any. */
  certificate(): Promise<PackageFile | undefined>;
  /** The raw stored bytes of one file named by an href relative to the descriptor. */
  open(href: string): Promise<Readable>;
  /**
   * The same bytes as {@link open}, opened now (same errors) and lent piece by piece to the
   * visitor from reused buffers, read positionally as an OVA is (no stream stage): for a reader
   * that keeps nothing, such as a hash. Call the result once; it closes the file. Local files only.
   */
  lend?(href: string): Promise<(visit: (piece: Buffer) => void) => Promise<void>>;
  /** The stored size of a file, or undefined when it does not exist (or, over HTTP, is unknown). */
  size(href: string): Promise<number | undefined>;
  /** Whether the file exists. */
  has(href: string): Promise<boolean>;
  /**
   * Every chunk file of `href` (`href.000000000`, …) the source holds, named like hrefs, in no
   * particular order; undefined when the source cannot list its files (over HTTP, or an OVA read
   * in one pass), so a gap between chunks can be told from the end of the file.
   */
  chunkNames(href: string): Promise<string[] | undefined>;
  /** Member names in archive order (OVA), or undefined when the source cannot list (directory over HTTP). */
  members(): Promise<string[] | undefined>;
  /** One pass over an OVA, in archive order. For other sources: undefined. */
  entries(): AsyncIterable<PackageEntry> | undefined;
  close(): Promise<void>;
}

/** Options for {@link openSource}. */
export interface SourceOptions extends HttpOptions {
  /** Largest descriptor, manifest or certificate read into memory. @default 64 MiB */
  maxDescriptorBytes?: number;
  /**
   * Bytes of descriptor, manifests and certificates together that an `.ova` read in one pass
   * (a URL without Range) may buffer before its first disk. @default 80 MiB
   */
  maxMetadataBytes?: number;
}

const DEFAULT_MAX_SMALL = 64 * 1024 * 1024;
const DEFAULT_MAX_METADATA = 80 * 1024 * 1024;
/**
 * Members an `.ova` read in one pass may have before its first disk: the descriptor, then a
 * manifest and a certificate, with room for a few extra small files.
 */
export const MAX_METADATA_MEMBERS = 8;
/** Bytes of one read of a local file's stream: 1 MiB (2 MiB held twice the memory per stage for no less CPU: docs/performance.md). */
const READ_HWM = 1 << 20;

/**
 * Checks an `ovf:href` for use inside a package and returns it normalised. Refuses absolute URLs
 * (`http://…`, `file:`), absolute paths, backslashes, and anything that climbs out of the package.
 * @see DSP0243 §7.1: hrefs are URIs relative to the descriptor
 */
export function safeHref(href: string): string {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(href)) {
    throw new OvfkitError('UNSAFE_PATH', `href ${JSON.stringify(href)} is an absolute URL; a package file must be named relative to the descriptor`);
  }
  let decoded = href;
  try {
    decoded = decodeURIComponent(href);
  } catch {
    throw new OvfkitError('UNSAFE_PATH', `href ${JSON.stringify(href)} has invalid percent-encoding`);
  }
  for (const form of new Set([href, decoded])) {
    if (form.startsWith('/') || form.includes('\\') || form.includes('\0') || /^[A-Za-z]:/.test(form)) {
      throw new OvfkitError('UNSAFE_PATH', `href ${JSON.stringify(href)} is an absolute or non-portable path`);
    }
    const normal = path.posix.normalize(form);
    if (normal === '..' || normal.startsWith('../') || normal === '.' || normal === '') {
      throw new OvfkitError('UNSAFE_PATH', `href ${JSON.stringify(href)} escapes the package`);
    }
  }
  return path.posix.normalize(href);
}

function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

/**
 * Opens a package from a path or URL. Kind is chosen by extension (`.ova`, `.ovf`), by the
 * archive magic for other files, or by being a directory.
 * @example const src = await openSource('appliance.ova'); const d = await src.descriptor();
 */
export async function openSource(pathOrUrl: string, options: SourceOptions = {}): Promise<PackageSource> {
  if (isUrl(pathOrUrl)) {
    const url = new URL(pathOrUrl);
    if (/\.ova$/i.test(url.pathname)) return UrlOvaSource.create(url, options);
    if (/\.ovf$/i.test(url.pathname)) return new UrlOvfSource(url, options);
    throw new OvfkitError('USAGE', `cannot tell whether ${redactUrl(url)} is an .ovf or an .ova: the URL path must end in one of them`);
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(pathOrUrl)) {
    throw new OvfkitError('USAGE', `unsupported URL scheme in ${JSON.stringify(pathOrUrl.split('://')[0])}: only http and https`);
  }
  let st: fs.Stats;
  try {
    st = await fsp.stat(pathOrUrl);
  } catch (e) {
    throw new OvfkitError('IO', `cannot open ${pathOrUrl}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  if (st.isDirectory()) return DirectorySource.fromDirectory(pathOrUrl);
  if (!st.isFile()) throw new OvfkitError('USAGE', `${pathOrUrl} is neither a file nor a directory`);
  if (/\.ova$/i.test(pathOrUrl)) return OvaFileSource.create(pathOrUrl, st.size);
  if (/\.ovf$/i.test(pathOrUrl)) return new DirectorySource(path.dirname(pathOrUrl), path.basename(pathOrUrl), 'ovf');
  // No telling extension: a tar archive has "ustar" at offset 257.
  const fh = await fsp.open(pathOrUrl, 'r');
  try {
    const b = Buffer.alloc(512);
    const { bytesRead } = await fh.read(b, 0, 512, 0);
    if (bytesRead === 512 && b.toString('latin1', 257, 262) === 'ustar') return OvaFileSource.create(pathOrUrl, st.size);
  } finally {
    await fh.close();
  }
  return new DirectorySource(path.dirname(pathOrUrl), path.basename(pathOrUrl), 'ovf');
}

const baseOf = (name: string): string => name.replace(/\.[^./]*$/, '');

// ---------------------------------------------------------------------------------------------

class DirectorySource implements PackageSource {
  readonly sequentialOnly = false;
  readonly location: string;
  constructor(
    private readonly dir: string,
    private readonly descriptorName: string,
    readonly kind: 'directory' | 'ovf',
  ) {
    this.location = kind === 'ovf' ? path.join(dir, descriptorName) : dir;
  }

  static async fromDirectory(dir: string): Promise<DirectorySource> {
    const names = (await fsp.readdir(dir)).filter((n) => /\.ovf$/i.test(n)).sort();
    if (names.length === 0) throw new OvfkitError('USAGE', `${dir} contains no .ovf descriptor`);
    if (names.length > 1) throw new OvfkitError('USAGE', `${dir} contains several descriptors (${names.join(', ')}); name the .ovf file instead`);
    return new DirectorySource(dir, names[0] ?? '', 'directory');
  }

  private resolve(href: string): string {
    const rel = safeHref(href);
    const full = path.resolve(this.dir, ...rel.split('/'));
    const root = path.resolve(this.dir);
    if (full !== root && !full.startsWith(root + path.sep)) throw new OvfkitError('UNSAFE_PATH', `href ${JSON.stringify(href)} escapes the package`);
    return full;
  }

  /**
   * The one rule by which a file of the package is there: undefined when it does not exist; an
   * UNSAFE_PATH error when it is a symbolic link, not a regular file, or reached out of the
   * package through a linked folder (so a linked file is named as such, never "missing").
   */
  private async containedStat(full: string, shown: string): Promise<fs.Stats | undefined> {
    const st = await fsp.lstat(full).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
      throw new OvfkitError('IO', `cannot read ${full}: ${e.code ?? e.message}`, { cause: e });
    });
    if (!st) return undefined;
    if (st.isSymbolicLink()) throw new OvfkitError('UNSAFE_PATH', `${shown} is a symbolic link; files of a package folder are read only when they are regular files inside it`);
    if (!st.isFile()) throw new OvfkitError('UNSAFE_PATH', `${shown} is not a regular file`);
    // A symbolic link in a folder of the path could still lead out of the package.
    const [real, root] = await Promise.all([fsp.realpath(full), fsp.realpath(this.dir)]);
    if (!real.startsWith(root + path.sep)) throw new OvfkitError('UNSAFE_PATH', `${shown} leads out of the package through a symbolic link`);
    return st;
  }

  /**
   * Opens a file of the package for reading, with one rule for the descriptor, manifest,
   * certificate and data files alike: a regular file (lstat, not followed), whose real path is
   * inside the package folder, opened without following a link swapped in since (O_NOFOLLOW).
   * Undefined when it does not exist.
   */
  private async openContained(full: string, shown: string): Promise<{ handle: fsp.FileHandle; size: number } | undefined> {
    const st = await this.containedStat(full, shown);
    if (!st) return undefined;
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(full, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') throw new OvfkitError('UNSAFE_PATH', `${shown} became a symbolic link while being opened`);
      throw new OvfkitError('IO', `cannot read ${full}: ${code ?? (e as Error).message}`, { cause: e });
    }
    const now = await handle.stat();
    if (now.ino !== st.ino || now.dev !== st.dev) {
      await handle.close();
      throw new OvfkitError('UNSAFE_PATH', `${shown} was replaced while being opened`);
    }
    return { handle, size: now.size };
  }

  private async readSmall(name: string): Promise<PackageFile | undefined> {
    const opened = await this.openContained(path.join(this.dir, name), name);
    if (!opened) return undefined;
    try {
      if (opened.size > DEFAULT_MAX_SMALL) throw new OvfkitError('INPUT_TOO_LARGE', `${name} is larger than ${DEFAULT_MAX_SMALL} bytes (bound: maxDescriptorBytes)`);
      return { name, bytes: await readBody(opened.handle.createReadStream({ highWaterMark: READ_HWM, autoClose: false }), DEFAULT_MAX_SMALL, name) };
    } finally {
      await opened.handle.close();
    }
  }

  async descriptor(): Promise<DescriptorFile> {
    const f = await this.readSmall(this.descriptorName);
    if (!f) throw new OvfkitError('IO', `cannot read ${path.join(this.dir, this.descriptorName)}`);
    return descriptorFile(f.name, f.bytes);
  }
  manifest(): Promise<PackageFile | undefined> {
    return this.readSmall(`${baseOf(this.descriptorName)}.mf`);
  }
  certificate(): Promise<PackageFile | undefined> {
    return this.readSmall(`${baseOf(this.descriptorName)}.cert`);
  }
  async open(href: string): Promise<Readable> {
    const full = this.resolve(href);
    const opened = await this.openContained(full, href);
    if (!opened) throw new OvfkitError('IO', `${href} is referenced but not in the package (${full})`);
    return opened.handle.createReadStream({ highWaterMark: READ_HWM });
  }
  async lend(href: string): Promise<(visit: (piece: Buffer) => void) => Promise<void>> {
    const full = this.resolve(href);
    const opened = await this.openContained(full, href);
    if (!opened) throw new OvfkitError('IO', `${href} is referenced but not in the package (${full})`);
    return (visit) => lendFile(opened.handle, visit);
  }
  async size(href: string): Promise<number | undefined> {
    return (await this.containedStat(this.resolve(href), href))?.size;
  }
  async has(href: string): Promise<boolean> {
    return (await this.size(href)) !== undefined;
  }
  async chunkNames(href: string): Promise<string[] | undefined> {
    const rel = safeHref(href);
    const folder = path.dirname(this.resolve(href));
    const base = path.posix.basename(rel);
    const prefix = rel.slice(0, rel.length - base.length);
    const listed = await fsp.readdir(folder).catch(() => [] as string[]);
    return listed.filter((n) => chunkIndex(n, base) !== undefined).map((n) => prefix + n);
  }
  members(): Promise<string[] | undefined> {
    return Promise.resolve(undefined);
  }
  entries(): undefined {
    return undefined;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

// ---------------------------------------------------------------------------------------------

/** Shared by the OVA sources: find descriptor / manifest / certificate among the members. */
function pickMembers(names: string[]): { descriptor: string; manifest?: string; certificate?: string } {
  const descriptor = names.find((n) => /\.ovf$/i.test(n) && !n.includes('/')) ?? names.find((n) => /\.ovf$/i.test(n));
  if (!descriptor) throw new OvfkitError('INTEGRITY', 'the OVA contains no .ovf descriptor');
  const base = baseOf(descriptor);
  const manifest = names.find((n) => n === `${base}.mf`) ?? (names.filter((n) => /\.mf$/i.test(n)).length === 1 ? names.find((n) => /\.mf$/i.test(n)) : undefined);
  const certificate = names.find((n) => n === `${base}.cert`) ?? (names.filter((n) => /\.cert$/i.test(n)).length === 1 ? names.find((n) => /\.cert$/i.test(n)) : undefined);
  const out: { descriptor: string; manifest?: string; certificate?: string } = { descriptor };
  if (manifest) out.manifest = manifest;
  if (certificate) out.certificate = certificate;
  return out;
}

/** An href resolved against the descriptor's folder inside the archive. */
function memberFor(descriptor: string, href: string): string {
  const rel = safeHref(href);
  const dir = path.posix.dirname(descriptor);
  return safeMemberName(dir === '.' ? rel : path.posix.join(dir, rel));
}

/** The chunk files of `href` among an archive's members, named as hrefs. */
function chunksIn(index: TarHeader[], descriptor: string, href: string): string[] {
  const member = memberFor(descriptor, href);
  const rel = safeHref(href);
  return index.map((h) => chunkIndex(h.name, member)).filter((i): i is number => i !== undefined).map((i) => chunkName(rel, i));
}

/** Reads a whole small stream. */
async function small(stream: Readable, name: string, max: number): Promise<Buffer> {
  return readBody(stream, max, name);
}

/**
 * An OVA in a local file: the member index is read from the headers alone (positional reads,
 * data never touched), so any file can be opened at its offset; {@link entries} is the one
 * sequential pass for import and verification.
 */
class OvaFileSource implements PackageSource {
  readonly kind = 'ova';
  readonly sequentialOnly = false;
  private constructor(
    readonly location: string,
    private readonly index: TarHeader[],
    private readonly roles: ReturnType<typeof pickMembers>,
    private readonly max: number,
  ) {}

  static async create(file: string, totalBytes: number): Promise<OvaFileSource> {
    const fh = await fsp.open(file, 'r');
    let index: TarHeader[];
    try {
      index = await indexTar(async (offset, length) => {
        const b = Buffer.alloc(length);
        const { bytesRead } = await fh.read(b, 0, length, offset);
        return b.subarray(0, bytesRead);
      }, totalBytes);
    } finally {
      await fh.close();
    }
    const files = index.filter((h) => h.type === 'file');
    return new OvaFileSource(file, files, pickMembers(files.map((h) => h.name)), DEFAULT_MAX_SMALL);
  }

  private header(name: string): TarHeader | undefined {
    return this.index.find((h) => h.name === name);
  }
  private stream(h: TarHeader): Readable {
    if (h.size === 0) return Readable.from([]);
    return fs.createReadStream(this.location, { start: h.dataOffset, end: h.dataOffset + h.size - 1, highWaterMark: READ_HWM });
  }
  private async readMember(name: string | undefined): Promise<PackageFile | undefined> {
    const h = name ? this.header(name) : undefined;
    if (!h) return undefined;
    if (h.size > this.max) throw new OvfkitError('INPUT_TOO_LARGE', `${h.name} is larger than ${this.max} bytes`);
    return { name: h.name, bytes: await small(this.stream(h), h.name, this.max) };
  }
  async descriptor(): Promise<DescriptorFile> {
    const f = await this.readMember(this.roles.descriptor);
    if (!f) throw new OvfkitError('INTEGRITY', 'the OVA contains no .ovf descriptor');
    return descriptorFile(f.name, f.bytes);
  }
  manifest(): Promise<PackageFile | undefined> {
    return this.readMember(this.roles.manifest);
  }
  certificate(): Promise<PackageFile | undefined> {
    return this.readMember(this.roles.certificate);
  }
  open(href: string): Promise<Readable> {
    const name = memberFor(this.roles.descriptor, href);
    const h = this.header(name);
    if (!h) return Promise.reject(new OvfkitError('IO', `${href} is referenced but not in the OVA`));
    return Promise.resolve(this.stream(h));
  }
  size(href: string): Promise<number | undefined> {
    return Promise.resolve(this.header(memberFor(this.roles.descriptor, href))?.size);
  }
  async has(href: string): Promise<boolean> {
    return (await this.size(href)) !== undefined;
  }
  chunkNames(href: string): Promise<string[]> {
    return Promise.resolve(chunksIn(this.index, this.roles.descriptor, href));
  }
  members(): Promise<string[]> {
    return Promise.resolve(this.index.map((h) => h.name));
  }
  entries(): AsyncIterable<PackageEntry> {
    const location = this.location;
    return {
      async *[Symbol.asyncIterator]() {
        for await (const e of readTar({ file: location })) {
          if (e.type === 'file') yield { name: e.name, size: e.size, stream: e.stream, visit: e.visit };
        }
      },
    };
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

// ---------------------------------------------------------------------------------------------

/** An `.ovf` over HTTP: siblings are fetched relative to its URL and must stay under its folder. */
class UrlOvfSource implements PackageSource {
  readonly kind = 'url-ovf';
  readonly sequentialOnly = false;
  readonly location: string;
  private readonly max: number;
  constructor(
    private readonly url: URL,
    private readonly options: SourceOptions,
  ) {
    this.location = redactUrl(url);
    this.max = options.maxDescriptorBytes ?? DEFAULT_MAX_SMALL;
  }

  private sibling(href: string): URL {
    const rel = safeHref(href);
    const target = new URL(rel.split('/').map(encodeURIComponent).join('/'), this.url);
    const folder = new URL('.', this.url);
    if (target.origin !== folder.origin || !target.pathname.startsWith(folder.pathname)) {
      throw new OvfkitError('UNSAFE_PATH', `href ${JSON.stringify(href)} escapes the package folder`);
    }
    return target;
  }
  /**
   * Fetches a sibling with the descriptor's query string (a signed URL's token or SAS, which
   * servers that sign a folder require on every file), and, refused with 401/403, once without it
   * (a token that signs only the descriptor, beside public siblings). Messages show it redacted.
   */
  private async siblingGet<T>(href: string, get: (u: URL) => Promise<T>): Promise<T> {
    const plain = this.sibling(href);
    if (this.url.search === '') return get(plain);
    const signed = new URL(plain);
    signed.search = this.url.search;
    try {
      return await get(signed);
    } catch (e) {
      if (e instanceof OvfkitError && e.code === 'NETWORK' && /HTTP (401|403)\b/.test(e.message)) return get(plain);
      throw e;
    }
  }
  private async fetchSmall(name: string, optional: boolean): Promise<PackageFile | undefined> {
    const read = async (u: URL): Promise<PackageFile> => {
      const res = await httpGet(u, { ...this.options, maxBytes: this.max });
      return { name: path.posix.basename(u.pathname), bytes: await readBody(res.body, this.max, redactUrl(u)) };
    };
    try {
      return name === '' ? await read(this.url) : await this.siblingGet(name, read);
    } catch (e) {
      if (optional && e instanceof OvfkitError && e.code === 'NETWORK' && /HTTP (404|410)\b/.test(e.message)) return undefined;
      throw e;
    }
  }
  async descriptor(): Promise<DescriptorFile> {
    const f = await this.fetchSmall('', false);
    if (!f) throw new OvfkitError('NETWORK', `cannot fetch ${this.location}`);
    return descriptorFile(decodeURIComponent(path.posix.basename(this.url.pathname)), f.bytes);
  }
  private base(): string {
    return baseOf(decodeURIComponent(path.posix.basename(this.url.pathname)));
  }
  manifest(): Promise<PackageFile | undefined> {
    return this.fetchSmall(`${this.base()}.mf`, true);
  }
  certificate(): Promise<PackageFile | undefined> {
    return this.fetchSmall(`${this.base()}.cert`, true);
  }
  async open(href: string): Promise<Readable> {
    return this.siblingGet(href, async (u) => (await httpGet(u, this.options)).body);
  }
  async size(href: string): Promise<number | undefined> {
    try {
      const res = await this.siblingGet(href, (u) => httpGet(u, { ...this.options, range: { start: 0, end: 0 } }));
      res.body.destroy();
      return res.range?.total ?? res.contentLength;
    } catch (e) {
      if (e instanceof OvfkitError && /HTTP (404|410|416)\b/.test(e.message)) return undefined;
      throw e;
    }
  }
  async has(href: string): Promise<boolean> {
    try {
      const res = await this.siblingGet(href, (u) => httpGet(u, { ...this.options, range: { start: 0, end: 0 } }));
      res.body.destroy();
      return true;
    } catch (e) {
      if (e instanceof OvfkitError && /HTTP (404|410)\b/.test(e.message)) return false;
      throw e;
    }
  }
  chunkNames(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  members(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  entries(): undefined {
    return undefined;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * An `.ova` over HTTP. When the server honours Range, the member index is read header by header
 * and the descriptor is fetched without downloading the disks; each file is one ranged GET.
 * Without Range, the archive is streamed from the start and only read as far as needed.
 */
class UrlOvaSource implements PackageSource {
  readonly kind = 'url-ova';
  readonly location: string;
  private readonly max: number;
  private constructor(
    private readonly url: URL,
    private readonly options: SourceOptions,
    private readonly index: TarHeader[] | undefined,
    /** Without Range: the first members (up to the descriptor and the small files right after it). */
    private readonly head: Map<string, Buffer>,
    private readonly headNames: string[],
  ) {
    this.location = redactUrl(url);
    this.max = options.maxDescriptorBytes ?? DEFAULT_MAX_SMALL;
  }

  get sequentialOnly(): boolean {
    return this.index === undefined;
  }

  static async create(url: URL, options: SourceOptions): Promise<UrlOvaSource> {
    const max = options.maxDescriptorBytes ?? DEFAULT_MAX_SMALL;
    const probe = await httpGet(url, { ...options, range: { start: 0, end: 511 } });
    if (probe.status === 206 && probe.range?.total !== undefined) {
      probe.body.destroy();
      const total = probe.range.total;
      const readAt = async (offset: number, length: number): Promise<Buffer> => {
        if (offset >= total) return Buffer.alloc(0);
        const end = Math.min(offset + length, total) - 1;
        const res = await httpGet(url, { ...options, range: { start: offset, end } });
        if (res.status !== 206) {
          res.body.destroy();
          throw new OvfkitError('NETWORK', `GET ${redactUrl(url)}: the server stopped honouring Range requests`);
        }
        return readBody(res.body, length, redactUrl(url));
      };
      const index = (await indexTar(readAt, total)).filter((h) => h.type === 'file');
      return new UrlOvaSource(url, options, index, new Map(), index.map((h) => h.name));
    }
    let stream = probe;
    if (probe.status === 206) {
      // Ranged but without the total length: the index cannot be bounded, so stream instead.
      probe.body.destroy();
      stream = await httpGet(url, options);
    }
    // No Range: read the archive from the start until the descriptor (and any .mf/.cert right
    // behind it) were seen, then hang up.
    // Buffered members are bounded in number and in bytes together, checked on each header
    // before its data is read: a run of .cert members cannot grow memory without end.
    const maxTotal = options.maxMetadataBytes ?? DEFAULT_MAX_METADATA;
    const head = new Map<string, Buffer>();
    const names: string[] = [];
    let headBytes = 0;
    const it = readTar(stream.body)[Symbol.asyncIterator]();
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        const e = r.value;
        if (e.type !== 'file') continue;
        if (names.length === 0 && !/\.ovf$/i.test(e.name)) {
          // Reading on would download the disks just to find the descriptor.
          throw new OvfkitError('INTEGRITY', `the first member of ${redactUrl(url)} is ${JSON.stringify(e.name)}, not the .ovf descriptor, and the server does not support Range requests: the OVA cannot be streamed (repack it with the descriptor first)`);
        }
        const isSmall = /\.(ovf|mf|cert)$/i.test(e.name);
        if (!isSmall) break;
        if (names.length >= MAX_METADATA_MEMBERS) {
          throw new OvfkitError('INPUT_TOO_LARGE', `${redactUrl(url)} has more than ${MAX_METADATA_MEMBERS} descriptor, manifest or certificate members before its first disk (bound: MAX_METADATA_MEMBERS); an OVA has one of each`);
        }
        if (e.size > max) throw new OvfkitError('INPUT_TOO_LARGE', `${e.name} is larger than ${max} bytes (bound: maxDescriptorBytes)`);
        headBytes += e.size;
        if (headBytes > maxTotal) {
          throw new OvfkitError('INPUT_TOO_LARGE', `the descriptor, manifest and certificate members of ${redactUrl(url)} total more than ${maxTotal} bytes before its first disk (bound: maxMetadataBytes)`);
        }
        names.push(e.name);
        head.set(e.name, await small(e.stream, e.name, max));
      }
    } finally {
      await it.return?.();
      stream.body.destroy();
    }
    return new UrlOvaSource(url, options, undefined, head, names);
  }

  private roles(): ReturnType<typeof pickMembers> {
    return pickMembers(this.index ? this.index.map((h) => h.name) : this.headNames);
  }
  private async ranged(h: TarHeader): Promise<Readable> {
    if (h.size === 0) return Readable.from([]);
    const res = await httpGet(this.url, { ...this.options, range: { start: h.dataOffset, end: h.dataOffset + h.size - 1 } });
    if (res.status !== 206) {
      res.body.destroy();
      throw new OvfkitError('NETWORK', `GET ${this.location}: the server stopped honouring Range requests`);
    }
    return res.body;
  }
  private async readSmall(name: string | undefined): Promise<PackageFile | undefined> {
    if (!name) return undefined;
    if (!this.index) {
      const b = this.head.get(name);
      return b ? { name, bytes: b } : undefined;
    }
    const h = this.index.find((x) => x.name === name);
    if (!h) return undefined;
    if (h.size > this.max) throw new OvfkitError('INPUT_TOO_LARGE', `${name} is larger than ${this.max} bytes`);
    return { name, bytes: await small(await this.ranged(h), name, this.max) };
  }
  async descriptor(): Promise<DescriptorFile> {
    const f = await this.readSmall(this.roles().descriptor);
    if (!f) throw new OvfkitError('INTEGRITY', `the OVA at ${this.location} has no .ovf descriptor before its first disk`);
    return descriptorFile(f.name, f.bytes);
  }
  manifest(): Promise<PackageFile | undefined> {
    return this.readSmall(this.roles().manifest);
  }
  certificate(): Promise<PackageFile | undefined> {
    return this.readSmall(this.roles().certificate);
  }
  async open(href: string): Promise<Readable> {
    const name = memberFor(this.roles().descriptor, href);
    if (this.index) {
      const h = this.index.find((x) => x.name === name);
      if (!h) throw new OvfkitError('IO', `${href} is referenced but not in the OVA`);
      return this.ranged(h);
    }
    // Sequential only: stream the archive again up to this member and hand over its bytes.
    const res = await httpGet(this.url, this.options);
    const it = readTar(res.body)[Symbol.asyncIterator]();
    for (;;) {
      const r = await it.next().catch(async (e: unknown) => {
        res.body.destroy();
        throw e;
      });
      if (r.done) {
        res.body.destroy();
        throw new OvfkitError('IO', `${href} is referenced but not in the OVA`);
      }
      if (r.value.name === name) {
        const stream = r.value.stream;
        stream.once('close', () => {
          void it.return?.();
          res.body.destroy();
        });
        return stream;
      }
    }
  }
  async size(href: string): Promise<number | undefined> {
    const name = memberFor(this.roles().descriptor, href);
    return this.index?.find((h) => h.name === name)?.size;
  }
  async has(href: string): Promise<boolean> {
    const name = memberFor(this.roles().descriptor, href);
    if (this.index) return this.index.some((h) => h.name === name);
    throw new OvfkitError('USAGE', `cannot tell whether ${href} is in ${this.location} without downloading it: the server does not support Range requests`);
  }
  chunkNames(href: string): Promise<string[] | undefined> {
    return Promise.resolve(this.index ? chunksIn(this.index, this.roles().descriptor, href) : undefined);
  }
  members(): Promise<string[] | undefined> {
    return Promise.resolve(this.index?.map((h) => h.name));
  }
  entries(): AsyncIterable<PackageEntry> {
    const { url, options } = this;
    return {
      async *[Symbol.asyncIterator]() {
        const res = await httpGet(url, options);
        try {
          for await (const e of readTar(res.body)) {
            if (e.type === 'file') yield { name: e.name, size: e.size, stream: e.stream, visit: e.visit };
          }
        } finally {
          res.body.destroy();
        }
      },
    };
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
