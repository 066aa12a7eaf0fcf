import { PassThrough, type Readable } from 'node:stream';
import { OvfkitError, UsageError } from '@ovfkit/core';
import { LIBRARY_SOURCE_PREFIX, type DescriptorFile, type PackageEntry, type PackageFile, type PackageSource } from '@ovfkit/package';
import { findItem, findLibrary, itemFiles, readItemFile, type LibraryItemFile } from './library';
import type { RestClient } from './library-rest';

/**
 * An OVF library item as a package source, so that it is planned like any other (@ovfkit/package's
 * planPackage: descriptor, manifest and certificate read, the referenced files looked for among
 * the item's files with their sizes); each file read goes through its own download session.
 * @example const src = await librarySource(rest, 'library:templates/web'); await planPackage(src)
 */
export async function librarySource(rest: RestClient, arg: string, signal?: AbortSignal): Promise<PackageSource & { itemId: string; libraryId: string }> {
  const ref = arg.slice(LIBRARY_SOURCE_PREFIX.length);
  const slash = ref.indexOf('/');
  let itemId: string;
  let libraryId: string;
  if (slash < 0) {
    if (!ref) throw new UsageError('a library source is library:LIBRARY/ITEM or library:ITEM-ID');
    const item = await rest.call<{ id: string; library_id: string }>({ method: 'GET', path: ['content', 'library', 'item', ref] }, signal).catch(() => undefined);
    if (!item) throw new UsageError(`no content library item with id ${JSON.stringify(ref)}`);
    [itemId, libraryId] = [item.id, item.library_id];
  } else {
    const lib = await findLibrary(rest, ref.slice(0, slash), signal);
    const item = await findItem(rest, lib.id, ref.slice(slash + 1), signal);
    if (!item) throw new UsageError(`content library ${JSON.stringify(lib.name)} has no item ${JSON.stringify(ref.slice(slash + 1))}`);
    [itemId, libraryId] = [item.id, lib.id];
  }
  const files = new Map<string, LibraryItemFile>((await itemFiles(rest, itemId, signal)).map((f) => [f.name, f]));
  const ovfs = [...files.keys()].filter((n) => n.toLowerCase().endsWith('.ovf'));
  if (ovfs.length !== 1) throw new OvfkitError('UNSUPPORTED', `library item ${arg} has ${ovfs.length} .ovf files; an OVF item has exactly one`);
  const base = ovfs[0]!.replace(/\.ovf$/i, '');
  let descriptor: Promise<DescriptorFile> | undefined;
  const small = async (name: string): Promise<PackageFile | undefined> => (files.has(name) ? { name, bytes: await readItemFile(rest, itemId, name, { ...(signal ? { signal } : {}) }) } : undefined);
  return {
    kind: 'library',
    location: arg,
    sequentialOnly: false,
    itemId,
    libraryId,
    descriptor: () =>
      (descriptor ??= (async () => {
        const f = (await small(ovfs[0]!))!;
        return { ...f, text: f.bytes.toString('utf8') };
      })()),
    manifest: () => small(`${base}.mf`),
    certificate: () => small(`${base}.cert`),
    open: async (href: string): Promise<Readable> => {
      if (!files.has(href)) throw new OvfkitError('IO', `library item ${arg} has no file ${href}`);
      const out = new PassThrough();
      out.end(await readItemFile(rest, itemId, href, { maxBytes: 64 << 20, ...(signal ? { signal } : {}) }));
      return out;
    },
    size: async (href: string) => files.get(href)?.size,
    has: async (href: string) => files.has(href),
    chunkNames: async (href: string) => [...files.keys()].filter((n) => n.startsWith(`${href}.`)),
    members: async () => undefined,
    entries: (): AsyncIterable<PackageEntry> | undefined => undefined,
    close: async () => undefined,
  };
}
