import type { Command } from '../command';
import { parseCommand } from './parse';
import { validateHostCommand } from './validate-host';
import { importSpecCommand } from './import-spec';
import { planCommand } from './plan';
import { diffCommand } from './diff';
import { descriptorCommand } from './descriptor';
import { manifestCreateCommand, manifestVerifyCommand } from './manifest';
import { ovaPackCommand, ovaUnpackCommand } from './ova';
import { importCommand } from './import';
import { exportCommand } from './export';
import { destroyCommand } from './destroy';
import { reconfigureCommand } from './reconfigure';
import { inventoryCaptureCommand } from './inventory-capture';
import { hostProfileCaptureCommand } from './host-profile-capture';
import { terraformInstallCommand } from './terraform';
import { libraryCreateCommand, libraryPublishCommand } from './library';

/**
 * Every sub-command, in the order `ovfkit --help` lists them.
 * Each lives in its own file; add one import and one entry here.
 */
export const commands: Command[] = [parseCommand, validateHostCommand, importSpecCommand, planCommand, diffCommand, descriptorCommand, manifestVerifyCommand, manifestCreateCommand, ovaPackCommand, ovaUnpackCommand, importCommand, exportCommand, reconfigureCommand, destroyCommand, inventoryCaptureCommand, hostProfileCaptureCommand, libraryCreateCommand, libraryPublishCommand, terraformInstallCommand];
