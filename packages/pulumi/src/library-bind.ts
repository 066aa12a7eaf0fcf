/**
 * The library half of the default backend: @ovfkit/vsphere's library session (publish, item
 * read/delete, an item as a package source, deploy) and the offline content of a package. Loaded
 * on first use, as the rest of @ovfkit/vsphere is.
 */
import { descriptorDigest } from '@ovfkit/core';
import { openSource, type PackageSource } from '@ovfkit/package';

import type { DescriptorRead, LibrarySession, ManifestPolicy, OvfkitLibraryBackend, SignatureRead } from './backend';
import type { ConnectionSettings } from './connection';

type Vsphere = typeof import('@ovfkit/vsphere');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vsphere = (): Vsphere => require('@ovfkit/vsphere') as Vsphere;

/** The library calls over `describe` (bind.ts's reading of a package source: descriptor, manifest policy, signature facts). */
export function createLibraryBackend(describe: (src: PackageSource, options: { manifestPolicy: ManifestPolicy } & SignatureRead) => Promise<DescriptorRead>): OvfkitLibraryBackend {
  return {
    async libraryContent(source) {
      const src = await openSource(source, {});
      try {
        const content = await vsphere().libraryContent(src);
        return { ...content, descriptorDigest: descriptorDigest((await src.descriptor()).bytes) };
      } finally {
        await src.close();
      }
    },

    async connectLibrary(connection: ConnectionSettings): Promise<LibrarySession> {
      const s = await vsphere().connectLibrarySession({
        server: connection.server,
        userName: connection.user,
        password: connection.password.reveal(),
        ...(connection.thumbprint ? { thumbprint: connection.thumbprint } : {}),
        ...(connection.insecure ? { insecure: true } : {}),
        vocabulary: 'pulumi',
      });
      // The port's shapes over the session's own calls (kept before they are replaced on it).
      const publish = s.publish.bind(s);
      const readItem = s.readItem.bind(s);
      const session: LibrarySession = Object.assign(s, {
        async publish(source: string, options: { library: string; item: string; description?: string; pull?: boolean }) {
          const r = await publish(source, { ...options, vocabulary: 'pulumi' });
          const files = r.files.map((f) => ({ name: f.name, ...(f.size !== undefined ? { size: f.size } : {}), ...(f.algorithm ? { algorithm: f.algorithm, checksum: f.checksum! } : {}) }));
          return { libraryId: r.libraryId, itemId: r.itemId, contentVersion: r.contentVersion, changed: r.changed, created: r.created, files, contentDigest: vsphere().libraryContentDigest(files) };
        },
        async readItem(itemId: string) {
          const r = await readItem(itemId);
          return r && { libraryId: r.item.library_id, name: r.item.name, contentVersion: r.item.content_version, files: r.files, contentDigest: r.contentDigest };
        },
        async readDescriptor(source: string, options: { manifestPolicy: ManifestPolicy } & SignatureRead) {
          const src = await s.source(source);
          return { ...(await describe(src, options)), itemId: src.itemId };
        },
      });
      return session;
    },
  };
}
