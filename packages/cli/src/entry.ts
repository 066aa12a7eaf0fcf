/**
 * The `ovfkit` executable (bin/ovfkit.js). `--version` is answered before any command or library
 * is loaded, so asking costs little more than starting Node; everything else goes to main.
 */
import { versionLine } from './version';

/** Runs the command line `argv` (process.argv without node and the script) and sets the exit code. */
export function run(argv: string[]): void {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    process.stdout.write(versionLine());
    return;
  }
  void (require('./main') as typeof import('./main')).main(argv).then((code) => {
    process.exitCode = code;
  });
}
