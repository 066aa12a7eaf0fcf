import { itemContentBytes, OvfkitError, snapshotLibraryItem, type InventoryItemContent, type InventorySnapshot } from '@ovfkit/core';
import { descriptorFile, LIBRARY_SOURCE_PREFIX, type PackageEntry, type PackageFile, type PackageSource } from './source';

/**
 * A library item of an inventory snapshot as a package source, so that `plan library:LIB/ITEM
 * --inventory snap.json` (and a CDKTF synth) plans it offline exactly as the live item: the same
 * descriptor, manifest and certificate bytes, the same file names and sizes. Only the file
 * contents a plan reads are in a snapshot: opening a disk is an error.
 * @example await planPackage(snapshotLibrarySource(inventory, 'library:templates/web'), { inventory })
 */
export function snapshotLibrarySource(inventory: InventorySnapshot, arg: string): PackageSource & { itemId: string; libraryId: string } {
  const { library, item } = snapshotLibraryItem(inventory.libraries, arg.startsWith(LIBRARY_SOURCE_PREFIX) ? arg.slice(LIBRARY_SOURCE_PREFIX.length) : arg);
  const files = new Map(item.files.map((f) => [f.name, f.size]));
  const file = (c: InventoryItemContent | undefined): PackageFile | undefined => (c ? { name: c.name, bytes: itemContentBytes(c) } : undefined);
  return {
    kind: 'library',
    location: arg,
    sequentialOnly: false,
    itemId: item.id,
    libraryId: library.id,
    descriptor: async () => {
      const bytes = itemContentBytes(item.descriptor);
      return descriptorFile(item.descriptor.name, bytes);
    },
    manifest: async () => file(item.manifest),
    certificate: async () => file(item.certificate),
    open: async (href: string) => {
      throw new OvfkitError('UNSUPPORTED', `the inventory snapshot holds the descriptor of library item ${arg}, not its file ${href}: read it from vCenter`);
    },
    size: async (href: string) => files.get(href),
    has: async (href: string) => files.has(href),
    chunkNames: async (href: string) => [...files.keys()].filter((n) => n.startsWith(`${href}.`)),
    members: async () => undefined,
    entries: (): AsyncIterable<PackageEntry> | undefined => undefined,
    close: async () => undefined,
  };
}
