/**
 * Package sources for import: @ovfkit/package's, under the name the import engine's callers know.
 * `importOvf` reads them through openFile / filesInOrder (chunks, gzip, per-part digests).
 */
export { openSource as openPackage, type PackageSource } from '@ovfkit/package';
