/** The `ovfkit --version` line, from the package's own package.json. */
export function versionLine(): string {
  return `ovfkit ${(require('../package.json') as { version: string }).version}\n`;
}
