import * as path from 'node:path';

/** The repository root (this file is compiled to test/dist/paths.js). */
export const repoRoot = path.resolve(__dirname, '..', '..');
/** The shared corpus, read in place from `../shared/corpus` beside the repository (or OVFKIT_CORPUS); see test/corpus-gate.js. */
export { corpusPresent, corpusRoot, describeCorpus, itCorpus } from '../corpus-gate';
