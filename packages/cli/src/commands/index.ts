import type { Command } from '../command';

/** A sub-command by name; its module (and the libraries it needs) is loaded only when asked for. */
export interface CommandEntry {
  name: string;
  load(): Command;
}

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand: `ovfkit parse` never loads the vSphere client */
/**
 * Every sub-command, in the order `ovfkit --help` lists them.
 * Each lives in its own file; add one entry here (its name as the command's `name`).
 */
export const commandEntries: readonly CommandEntry[] = [
  { name: 'parse', load: () => (require('./parse') as typeof import('./parse')).parseCommand },
  { name: 'validate-host', load: () => (require('./validate-host') as typeof import('./validate-host')).validateHostCommand },
  { name: 'import-spec', load: () => (require('./import-spec') as typeof import('./import-spec')).importSpecCommand },
  { name: 'plan', load: () => (require('./plan') as typeof import('./plan')).planCommand },
  { name: 'diff', load: () => (require('./diff') as typeof import('./diff')).diffCommand },
  { name: 'show', load: () => (require('./show') as typeof import('./show')).showCommand },
  { name: 'descriptor', load: () => (require('./descriptor') as typeof import('./descriptor')).descriptorCommand },
  { name: 'manifest verify', load: () => (require('./manifest') as typeof import('./manifest')).manifestVerifyCommand },
  { name: 'manifest create', load: () => (require('./manifest') as typeof import('./manifest')).manifestCreateCommand },
  { name: 'ova pack', load: () => (require('./ova') as typeof import('./ova')).ovaPackCommand },
  { name: 'ova unpack', load: () => (require('./ova') as typeof import('./ova')).ovaUnpackCommand },
  { name: 'import', load: () => (require('./import') as typeof import('./import')).importCommand },
  { name: 'export', load: () => (require('./export') as typeof import('./export')).exportCommand },
  { name: 'reconfigure', load: () => (require('./reconfigure') as typeof import('./reconfigure')).reconfigureCommand },
  { name: 'destroy', load: () => (require('./destroy') as typeof import('./destroy')).destroyCommand },
  { name: 'inventory capture', load: () => (require('./inventory-capture') as typeof import('./inventory-capture')).inventoryCaptureCommand },
  { name: 'host-profile capture', load: () => (require('./host-profile-capture') as typeof import('./host-profile-capture')).hostProfileCaptureCommand },
  { name: 'library create', load: () => (require('./library') as typeof import('./library')).libraryCreateCommand },
  { name: 'library publish', load: () => (require('./library') as typeof import('./library')).libraryPublishCommand },
  { name: 'library delete', load: () => (require('./library-delete') as typeof import('./library-delete')).libraryDeleteCommand },
  { name: 'terraform install', load: () => (require('./terraform') as typeof import('./terraform')).terraformInstallCommand },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** Every command, loaded (for the top-level --help and tests). */
export function allCommands(): Command[] {
  return commandEntries.map((e) => e.load());
}
