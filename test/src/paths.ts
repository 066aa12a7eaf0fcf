import * as path from 'node:path';

/** The repository root (this file is compiled to test/dist/paths.js). */
export const repoRoot = path.resolve(__dirname, '..', '..');
/** The shared corpus, read in place from `../shared/corpus` beside the repository. */
export const corpusRoot = process.env['OVFKIT_CORPUS'] ?? path.resolve(repoRoot, '..', 'shared', 'corpus');
