import { OvfkitError, UsageError, isOvfkitError, wordsOf, type Vocabulary } from '@ovfkit/core';
import { DigestStream, parseManifest, readReferences, storedNames, type ManifestAlgorithm, type PackageSource } from '@ovfkit/package';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { TransferProgress } from './import';
import { isRestError, type RestClient } from './library-rest';

/** A content library as the REST API describes it (content.LibraryModel, the fields ovfkit reads). */
export interface LibraryInfo {
  id: string;
  name: string;
  type: string;
}

/** A library item (content.library.ItemModel, the fields ovfkit reads). */
export interface LibraryItemInfo {
  id: string;
  library_id: string;
  name: string;
  type: string;
  content_version: string;
}

/** A file of a library item (content.library.item.FileModel). */
export interface LibraryItemFile {
  name: string;
  size?: number;
  checksum_info?: { algorithm?: string; checksum?: string };
}

/** Finds a library by id or (case-insensitive, as vCenter compares) name; a clear error when none or several. */
export async function findLibrary(rest: RestClient, nameOrId: string, signal?: AbortSignal): Promise<LibraryInfo> {
  try {
    return await rest.call<LibraryInfo>({ method: 'GET', path: ['content', 'library', nameOrId] }, signal);
  } catch (e) {
    if (!isRestError(e, 'NOT_FOUND') && !isRestError(e, 'INVALID_ARGUMENT')) throw e;
  }
  const ids = await rest.call<string[]>({ method: 'POST', path: ['content', 'library'], action: 'find', body: { name: nameOrId }, wrap: 'spec' }, signal);
  if (ids.length === 0) throw new UsageError(`no content library named ${JSON.stringify(nameOrId)}`);
  if (ids.length > 1) throw new UsageError(`${ids.length} content libraries are named ${JSON.stringify(nameOrId)}; give the id (${ids.join(', ')})`);
  return rest.call<LibraryInfo>({ method: 'GET', path: ['content', 'library', ids[0]!] }, signal);
}

/**
 * Creates a local library on one datastore (content.LocalLibrary.create).
 * @example await createLocalLibrary(rest, 'templates', 'datastore-12')
 */
export function createLocalLibrary(rest: RestClient, name: string, datastoreId: string, signal?: AbortSignal): Promise<string> {
  return rest.call<string>({ method: 'POST', path: ['content', 'local-library'], body: { name, type: 'LOCAL', storage_backings: [{ type: 'DATASTORE', datastore_id: datastoreId }] }, wrap: 'create_spec' }, signal);
}

/** The item of that name in the library, if any. */
export async function findItem(rest: RestClient, libraryId: string, name: string, signal?: AbortSignal): Promise<LibraryItemInfo | undefined> {
  const ids = await rest.call<string[]>({ method: 'POST', path: ['content', 'library', 'item'], action: 'find', body: { library_id: libraryId, name }, wrap: 'spec' }, signal);
  if (ids.length === 0) return undefined;
  return rest.call<LibraryItemInfo>({ method: 'GET', path: ['content', 'library', 'item', ids[0]!] }, signal);
}

/** The files of an item. */
export function itemFiles(rest: RestClient, itemId: string, signal?: AbortSignal): Promise<LibraryItemFile[]> {
  return rest.call<LibraryItemFile[]>({ method: 'GET', path: ['content', 'library', 'item', itemId, 'file'] }, signal);
}

/** What {@link publishToLibrary} publishes and where. */
export interface PublishOptions {
  source: PackageSource;
  /** Library name or id. */
  library: string;
  /** Item name (created when missing). */
  item: string;
  description?: string;
  /**
   * vCenter fetches each file from its URL itself (update session source type PULL). Needs a
   * URL source of an `.ovf` (its files are siblings of it).
   */
  pull?: boolean;
  onProgress?: (p: TransferProgress) => void;
  signal?: AbortSignal;
  /** How often a pull is polled. @default 250 */
  pollMs?: number;
  /** Whose words a refused choice is named in (`--pull`, Pulumi's `pull: true`). @default the session's (ConnectOptions' `vocabulary`) */
  vocabulary?: Vocabulary;
}

/** What a publish did. */
export interface PublishResult {
  libraryId: string;
  itemId: string;
  /** The item's content version after the publish. */
  contentVersion: string;
  /** False when the item already had exactly these files with these checksums: nothing was sent. */
  changed: boolean;
  /** Whether the item was created by this publish. */
  created: boolean;
  files: { name: string; size: number | undefined; algorithm?: string; checksum?: string }[];
  bytes: number;
}

/** One file of the package as it is published: its library name, where it comes from, its manifest digest. */
interface PublishFile {
  name: string;
  href: string;
  size: number | undefined;
  algorithm?: ManifestAlgorithm;
  digest?: string;
}

/**
 * Publishes an OVF package as an OVF library item through one update session: every stored file
 * (descriptor, each disk or chunk as stored, manifest, certificate) is added with its size and
 * the manifest's digest as `checksum_info`, streamed once from the source and hashed on the way
 * (a mismatch with the manifest fails the publish before the session completes), then validated
 * and completed. Any failure or interrupt cancels the session — vCenter then discards what it
 * received — and deletes the item if this publish created it: nothing half-published is left.
 * Publishing what the item already holds (same names, same manifest checksums) changes nothing.
 * @see vSphere Automation API content.library.item.UpdateSession, UpdateSessionFile
 */
export async function publishToLibrary(rest: RestClient, options: PublishOptions): Promise<PublishResult> {
  const { source, signal } = options;
  const files = await packageFiles(source);
  if (options.pull && source.kind !== 'url-ovf') throw new UsageError(`${wordsOf(options.vocabulary ?? rest.vim.vocabulary).libraryPull} needs the URL of an .ovf (vCenter fetches each file beside it); ${source.location} is a ${source.kind} source`);
  const lib = await findLibrary(rest, options.library, signal);
  let item = await findItem(rest, lib.id, options.item, signal);
  const result = (it: LibraryItemInfo, changed: boolean, created: boolean, bytes: number): PublishResult => ({
    libraryId: lib.id,
    itemId: it.id,
    contentVersion: it.content_version,
    changed,
    created,
    files: files.map((f) => ({ name: f.name, size: f.size, ...(f.algorithm ? { algorithm: f.algorithm, checksum: f.digest! } : {}) })),
    bytes,
  });
  if (item && (await sameContent(await itemFiles(rest, item.id, signal), files))) return result(item, false, false, 0);
  let created = false;
  if (!item) {
    const id = await rest.call<string>({ method: 'POST', path: ['content', 'library', 'item'], body: { library_id: lib.id, name: options.item, type: 'ovf', ...(options.description ? { description: options.description } : {}) }, wrap: 'create_spec' }, signal);
    created = true;
    item = await rest.call<LibraryItemInfo>({ method: 'GET', path: ['content', 'library', 'item', id] }, signal);
  }
  const itemId = item.id;
  let sessionId: string | undefined;
  let bytes = 0;
  try {
    sessionId = await rest.call<string>({ method: 'POST', path: ['content', 'library', 'item', 'update-session'], body: { library_item_id: itemId, library_item_content_version: item.content_version }, wrap: 'create_spec' }, signal);
    const sid = sessionId;
    const fileOp = { path: ['content', 'library', 'item', 'update-session', sid, 'file'] };
    // Files the item has and this package does not: removed when the session completes.
    if (!created) {
      const keep = new Set(files.map((f) => f.name));
      for (const old of await itemFiles(rest, itemId, signal)) {
        if (!keep.has(old.name)) await rest.call({ method: 'POST', ...fileOp, action: 'remove', body: { file_name: old.name } }, signal);
      }
    }
    const endpoints = new Map<string, string>();
    for (const f of files) {
      const spec = {
        name: f.name,
        source_type: options.pull ? 'PULL' : 'PUSH',
        ...(f.size !== undefined ? { size: f.size } : {}),
        ...(f.algorithm ? { checksum_info: { algorithm: f.algorithm, checksum: f.digest } } : {}),
        ...(options.pull ? { source_endpoint: { uri: new URL(f.href, source.location).toString() } } : {}),
      };
      const info = await rest.call<{ upload_endpoint?: { uri: string } }>({ method: 'POST', ...fileOp, body: spec, wrap: 'file_spec' }, signal);
      if (!options.pull) {
        if (!info.upload_endpoint?.uri) throw new OvfkitError('VIM_PROTOCOL', `the update session gave no upload endpoint for ${f.name}`);
        endpoints.set(f.name, info.upload_endpoint.uri);
      }
    }
    if (options.pull) bytes = await waitForPull(rest, sid, files, options);
    else bytes = await pushFiles(rest, source, files, endpoints, options);
    const v = await rest.call<{ has_errors: boolean; missing_files?: string[]; invalid_files?: { name: string; error_message?: { default_message?: string } }[] }>({ method: 'POST', ...fileOp, action: 'validate' }, signal);
    if (v.has_errors) {
      const why = [...(v.missing_files ?? []).map((n) => `${n}: not received`), ...(v.invalid_files ?? []).map((f) => `${f.name}: ${f.error_message?.default_message ?? 'invalid'}`)];
      throw new OvfkitError('INTEGRITY', `vCenter refused the published files: ${why.join('; ')}`);
    }
    await rest.call({ method: 'POST', path: ['content', 'library', 'item', 'update-session', sid], action: 'complete' }, signal);
    const state = await waitForSession(rest, sid, options);
    if (state.state !== 'DONE') throw new OvfkitError('VIM_PROTOCOL', `the update session ended ${state.state}${state.error_message?.default_message ? `: ${state.error_message.default_message}` : ''}`);
    sessionId = undefined;
    await rest.call({ method: 'DELETE', path: ['content', 'library', 'item', 'update-session', sid] }).catch(() => undefined);
  } catch (e) {
    // vCenter may have ended the session itself (a PULL source it cannot fetch): its reason is the answer.
    const ended = sessionId && isRestError(e) ? await rest.call<SessionState>({ method: 'GET', path: ['content', 'library', 'item', 'update-session', sessionId] }).catch(() => undefined) : undefined;
    const failed = ended?.state === 'ERROR' ? (await rest.call<PullFile[]>({ method: 'GET', path: ['content', 'library', 'item', 'update-session', sessionId!, 'file'] }).catch(() => [] as PullFile[])).find((f) => f.status === 'ERROR') : undefined;
    await rollback(rest, sessionId, created ? itemId : undefined);
    if (failed) throw fetchError(failed);
    if (ended?.state === 'ERROR' && ended.error_message?.default_message) throw new OvfkitError('NETWORK', `the update session ended ERROR: ${ended.error_message.default_message}`);
    throw e;
  }
  return result(await rest.call<LibraryItemInfo>({ method: 'GET', path: ['content', 'library', 'item', itemId] }), true, created, bytes);
}

/** Cancels the session and deletes an item this publish created; best effort, never masking the first error. */
async function rollback(rest: RestClient, sessionId: string | undefined, createdItem: string | undefined): Promise<void> {
  if (sessionId) {
    await rest.call({ method: 'POST', path: ['content', 'library', 'item', 'update-session', sessionId], action: 'cancel' }).catch(() => undefined);
    await rest.call({ method: 'DELETE', path: ['content', 'library', 'item', 'update-session', sessionId] }).catch(() => undefined);
  }
  if (createdItem) await rest.call({ method: 'DELETE', path: ['content', 'library', 'item', createdItem] }).catch(() => undefined);
}

/**
 * The stored files of a package, in References order after the descriptor, then manifest and
 * certificate; each with its manifest digest. An href with a directory is refused: a library
 * item's files are flat names.
 */
async function packageFiles(source: PackageSource): Promise<PublishFile[]> {
  const descriptor = await source.descriptor();
  const manifest = await source.manifest();
  const certificate = await source.certificate();
  const digests = new Map<string, { algorithm: ManifestAlgorithm; digest: string }>();
  if (manifest) {
    const m = parseManifest(manifest.bytes, manifest.name);
    const bad = m.issues.filter((i) => i.severity === 'error');
    if (bad.length) throw new OvfkitError('INTEGRITY', `${manifest.name}: ${bad.map((i) => i.message).join('; ')}`);
    for (const e of m.entries) digests.set(e.name, { algorithm: e.algorithm, digest: e.digest });
    const d = digests.get(descriptor.name);
    if (d) {
      const got = new DigestStream(d.algorithm);
      got.end(descriptor.bytes);
      for await (const _ of got);
      if (got.digest !== d.digest) throw new OvfkitError('INTEGRITY', `${descriptor.name} does not match its manifest digest (${d.algorithm} ${got.digest}, the manifest says ${d.digest}); nothing was published`);
    }
  }
  const out: PublishFile[] = [{ name: descriptor.name, href: descriptor.name, size: descriptor.bytes.length, ...withDigest(digests.get(descriptor.name) ?? sha256Of(descriptor.bytes)) }];
  for (const ref of readReferences(descriptor.bytes)) {
    for (const name of await storedNames(source, ref)) {
      if (name.includes('/')) throw new UsageError(`${name}: a library item holds flat file names; a file in a subdirectory of the package cannot be published`);
      if (!(await source.has(name))) throw new OvfkitError('IO', `${name} is referenced by the descriptor but not in ${source.location}`);
      out.push({ name, href: name, size: await source.size(name), ...withDigest(digests.get(name)) });
    }
  }
  // Small files have no manifest line: their own SHA-256, so vCenter checks them and a re-publish compares them.
  for (const f of [manifest, certificate]) if (f) out.push({ name: f.name, href: f.name, size: f.bytes.length, ...withDigest(sha256Of(f.bytes)) });
  const seen = new Set<string>();
  for (const f of out) {
    if (seen.has(f.name)) throw new OvfkitError('INTEGRITY', `${f.name} is referenced twice`);
    seen.add(f.name);
  }
  return out;
}

function sha256Of(bytes: Buffer): { algorithm: ManifestAlgorithm; digest: string } {
  return { algorithm: 'SHA256', digest: createHash('sha256').update(bytes).digest('hex') };
}

function withDigest(d: { algorithm: ManifestAlgorithm; digest: string } | undefined): { algorithm?: ManifestAlgorithm; digest?: string } {
  return d ? { algorithm: d.algorithm, digest: d.digest } : {};
}

/** True when the item has exactly these file names, each with the manifest's checksum (an unknown one is a change). */
function sameContent(have: LibraryItemFile[], want: PublishFile[]): boolean {
  if (have.length !== want.length) return false;
  const byName = new Map(have.map((f) => [f.name, f]));
  return want.every((f) => {
    const h = byName.get(f.name);
    if (!h) return false;
    if (f.size !== undefined && h.size !== undefined && f.size !== h.size) return false;
    // A file with no digest known before reading it (no manifest line) cannot be compared without a second pass.
    if (!f.algorithm) return false;
    return h.checksum_info?.algorithm?.toUpperCase() === f.algorithm && h.checksum_info.checksum?.toLowerCase() === f.digest;
  });
}

/** Streams every file to its upload endpoint, one pass over the source (archive order for an OVA). */
async function pushFiles(rest: RestClient, source: PackageSource, files: PublishFile[], endpoints: Map<string, string>, options: PublishOptions): Promise<number> {
  const signal = options.signal ?? new AbortController().signal;
  let total = 0;
  const send = async (f: PublishFile, stream: Readable): Promise<void> => {
    const hash = new DigestStream(f.algorithm ?? 'SHA256');
    let bytes = 0;
    hash.on('data', (c: Buffer) => {
      bytes += c.length;
      options.onProgress?.({ path: f.name, bytes, total: f.size, done: false });
    });
    stream.on('error', (e) => hash.destroy(e));
    stream.pipe(hash);
    // The server may answer once it has `size` bytes, before the digest is final: wait for both.
    await Promise.all([rest.upload(endpoints.get(f.name)!, hash, f.size, signal), finished(hash)]);
    if (f.algorithm && hash.digest !== f.digest) throw new OvfkitError('INTEGRITY', `${f.name} does not match its manifest digest (${f.algorithm} ${hash.digest}, the manifest says ${f.digest}); the publish was cancelled`);
    total += hash.bytes;
    options.onProgress?.({ path: f.name, bytes: hash.bytes, total: f.size, done: true });
  };
  const pending = new Map(files.map((f) => [f.name, f]));
  const entries = source.sequentialOnly ? source.entries() : undefined;
  if (entries) {
    for await (const entry of entries) {
      const f = pending.get(entry.name);
      if (!f) {
        entry.stream.resume();
        continue;
      }
      pending.delete(entry.name);
      await send(f, entry.stream);
    }
  }
  for (const f of pending.values()) await send(f, await source.open(f.href));
  return total;
}

interface SessionState {
  state: string;
  error_message?: { default_message?: string };
}

async function waitForSession(rest: RestClient, sid: string, options: PublishOptions): Promise<SessionState> {
  for (;;) {
    const s = await rest.call<SessionState>({ method: 'GET', path: ['content', 'library', 'item', 'update-session', sid] }, options.signal);
    if (s.state !== 'ACTIVE') return s;
    await sleep(options.pollMs ?? 250, options.signal);
  }
}

/** A file of an update session as its file list reports it. */
interface PullFile {
  name: string;
  status: string;
  bytes_transferred?: number;
  size?: number;
  error_message?: { default_message?: string };
}

/** The error of a file vCenter could not fetch (or store), in its own words. */
function fetchError(f: PullFile): OvfkitError {
  return new OvfkitError('NETWORK', `vCenter could not fetch ${f.name}: ${f.error_message?.default_message ?? 'no reason given'}`);
}

/** Waits until vCenter has fetched every PULL file (READY) or one failed (ERROR), showing its progress. */
async function waitForPull(rest: RestClient, sid: string, files: PublishFile[], options: PublishOptions): Promise<number> {
  const reported = new Set<string>();
  let ended: SessionState | undefined;
  for (;;) {
    const list = await rest.call<PullFile[]>({ method: 'GET', path: ['content', 'library', 'item', 'update-session', sid, 'file'] }, options.signal);
    for (const f of list) {
      if (f.status === 'ERROR') throw fetchError(f);
      if (!reported.has(f.name)) options.onProgress?.({ path: f.name, bytes: f.bytes_transferred ?? 0, total: f.size, done: f.status === 'READY' });
      if (f.status === 'READY') reported.add(f.name);
    }
    if (list.length === files.length && list.every((f) => f.status === 'READY')) return list.reduce((n, f) => n + (f.bytes_transferred ?? 0), 0);
    if (ended) throw new OvfkitError('NETWORK', `the update session ended ${ended.state} while vCenter fetched the files${ended.error_message?.default_message ? `: ${ended.error_message.default_message}` : ''}`);
    const s = await rest.call<SessionState>({ method: 'GET', path: ['content', 'library', 'item', 'update-session', sid] }, options.signal);
    // Ended: the file list, read once more, names the file that failed and why.
    if (s.state !== 'ACTIVE') {
      ended = s;
      continue;
    }
    await rest.call({ method: 'POST', path: ['content', 'library', 'item', 'update-session', sid], action: 'keep-alive' }, options.signal);
    await sleep(options.pollMs ?? 250, options.signal);
  }
}

/** Waits `ms`, or fails with ABORTED when `signal` aborts; Node's timer removes its abort listener either way. */
async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (e) {
    if (signal?.aborted) throw new OvfkitError('ABORTED', 'interrupted');
    throw e;
  }
}

/**
 * Reads an OVF item's descriptor through a download session (only the `.ovf` file is prepared
 * and fetched, at most `maxBytes`), then ends the session.
 * @see content.library.item.DownloadSession
 */
export async function readItemDescriptor(rest: RestClient, itemId: string, options: { maxBytes?: number; signal?: AbortSignal } = {}): Promise<{ name: string; bytes: Buffer }> {
  const files = await itemFiles(rest, itemId, options.signal);
  const ovfs = files.filter((f) => f.name.toLowerCase().endsWith('.ovf'));
  if (ovfs.length !== 1) throw new OvfkitError('UNSUPPORTED', `library item ${itemId} has ${ovfs.length} .ovf files (${files.map((f) => f.name).join(', ') || 'no files'}); an OVF item has exactly one`);
  const name = ovfs[0]!.name;
  return { name, bytes: await readItemFile(rest, itemId, name, options) };
}

/** Reads one (small) file of an item through its own download session, at most `maxBytes`, and ends the session. */
export async function readItemFile(rest: RestClient, itemId: string, name: string, options: { maxBytes?: number; signal?: AbortSignal } = {}): Promise<Buffer> {
  const { signal } = options;
  const sid = await rest.call<string>({ method: 'POST', path: ['content', 'library', 'item', 'download-session'], body: { library_item_id: itemId }, wrap: 'create_spec' }, signal);
  try {
    const fileOp = { path: ['content', 'library', 'item', 'download-session', sid, 'file'] };
    let info = await rest.call<{ status: string; download_endpoint?: { uri: string }; error_message?: { default_message?: string } }>({ method: 'POST', ...fileOp, action: 'prepare', body: { file_name: name } }, signal);
    while (info.status === 'PREPARING' || info.status === 'UNPREPARED') {
      await sleep(200, signal);
      info = await rest.call({ method: 'POST', ...fileOp, action: 'get', body: { file_name: name } }, signal);
    }
    if (info.status !== 'PREPARED' || !info.download_endpoint) throw new OvfkitError('VIM_PROTOCOL', `vCenter could not prepare ${name} for download: ${info.error_message?.default_message ?? info.status}`);
    return await rest.download(info.download_endpoint.uri, options.maxBytes ?? 64 << 20, signal);
  } finally {
    await rest.call({ method: 'DELETE', path: ['content', 'library', 'item', 'download-session', sid] }).catch(() => undefined);
  }
}

/** A file of an item's content as ovfkit compares it: name, size and checksum (manifest digest, or the file's own SHA-256). */
export interface LibraryContentFile {
  name: string;
  size?: number;
  algorithm?: string;
  checksum?: string;
}

/**
 * `sha256:<hex>` over an item's file list (sorted names with size and checksum): the same for a
 * package and for the item it was published into, so a changed package or a changed item shows
 * as a different digest. A file without a known checksum (no manifest line) counts by name and size.
 */
export function libraryContentDigest(files: readonly LibraryContentFile[]): string {
  const lines = [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${f.name}\t${f.size ?? ''}\t${f.algorithm && f.checksum ? `${f.algorithm.toUpperCase()}:${f.checksum.toLowerCase()}` : ''}`);
  return `sha256:${createHash('sha256').update(lines.join('\n')).digest('hex')}`;
}

/** What a publish of `source` would put in an item (the descriptor, manifest and certificate are read; disks are not), and its content digest. */
export async function libraryContent(source: PackageSource): Promise<{ files: LibraryContentFile[]; contentDigest: string }> {
  const files = (await packageFiles(source)).map((f): LibraryContentFile => ({ name: f.name, ...(f.size !== undefined ? { size: f.size } : {}), ...(f.algorithm ? { algorithm: f.algorithm, checksum: f.digest! } : {}) }));
  return { files, contentDigest: libraryContentDigest(files) };
}

/** An item's library content: its file list (from {@link itemFiles}) in the shape {@link libraryContentDigest} compares, and that digest; beside {@link libraryContent}, the same for a package about to be published. */
export function libraryContentOfItem(files: readonly LibraryItemFile[]): { files: LibraryContentFile[]; contentDigest: string } {
  const list = files.map((f): LibraryContentFile => ({
    name: f.name, ...(f.size !== undefined ? { size: f.size } : {}),
    ...(f.checksum_info?.algorithm && f.checksum_info.checksum ? { algorithm: f.checksum_info.algorithm.toUpperCase(), checksum: f.checksum_info.checksum.toLowerCase() } : {}),
  }));
  return { files: list, contentDigest: libraryContentDigest(list) };
}
