/**
 * Installing the provider where `terraform init` finds it without a registry: Terraform's
 * implied local mirror `$HOME/.terraform.d/plugins/registry.terraform.io/ovfkit/ovfkit/<version>/<os>_<arch>/`
 * (OpenTofu reads the same directory, under registry.opentofu.org too), holding a launcher that
 * runs this package's provider with this Node.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The provider's source address parts: `registry.terraform.io/ovfkit/ovfkit`. */
export const PROVIDER_NAMESPACE = 'ovfkit';
export const PROVIDER_TYPE = 'ovfkit';
export const PROVIDER_VERSION: string = (require('../package.json') as { version: string }).version;

/** Terraform's name for this platform (`linux_amd64`, `darwin_arm64`, …). */
export function terraformPlatform(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = platform === 'win32' ? 'windows' : platform;
  const a = ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' } as Record<string, string>)[arch] ?? arch;
  return `${os}_${a}`;
}

export interface InstallOptions {
  /** The home directory whose `.terraform.d/plugins` is written. @default os.homedir() via $HOME */
  home: string;
  /** Registry hosts to install under. @default ['registry.terraform.io'] */
  hosts?: string[];
  /** The Node binary the launcher runs. @default process.execPath */
  node?: string;
}

export interface InstallResult {
  /** The executables written, one per host. */
  files: string[];
  /** A CLI configuration block that uses only this mirror for ovfkit/ovfkit. */
  providerInstallation: string;
}

/** The entry point the launcher runs (this package's compiled main). */
function entryPoint(): string {
  return path.join(__dirname, '..', 'bin', 'terraform-provider-ovfkit.js');
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Writes the launcher into the implied local mirror (replacing an older one of this version);
 * written to a temporary name and renamed, so a concurrent `terraform init` never sees half a file.
 * @example installProvider({ home: os.homedir() }).files[0] // ~/.terraform.d/plugins/registry.terraform.io/ovfkit/ovfkit/0.1.0/linux_amd64/terraform-provider-ovfkit_v0.1.0
 */
export function installProvider(options: InstallOptions): InstallResult {
  if (process.platform === 'win32') throw new Error('ovfkit terraform install writes a POSIX shell launcher; on Windows, point a provider_installation dev_overrides block at a .cmd that runs bin/terraform-provider-ovfkit.js');
  const node = options.node ?? process.execPath;
  const mirror = path.join(options.home, '.terraform.d', 'plugins');
  const files: string[] = [];
  for (const host of options.hosts ?? ['registry.terraform.io']) {
    const dir = path.join(mirror, host, PROVIDER_NAMESPACE, PROVIDER_TYPE, PROVIDER_VERSION, terraformPlatform());
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `terraform-provider-${PROVIDER_TYPE}_v${PROVIDER_VERSION}`);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `#!/bin/sh\n# ovfkit ${PROVIDER_VERSION}: written by \`ovfkit terraform install\`\nexec ${shellQuote(node)} ${shellQuote(entryPoint())} "$@"\n`, { mode: 0o755 });
    fs.renameSync(tmp, file);
    files.push(file);
  }
  const providerInstallation = [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirror)}`,
    `    include = ["${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}"]`,
    '  }',
    '  direct {',
    `    exclude = ["${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}"]`,
    '  }',
    '}',
    '',
  ].join('\n');
  return { files, providerInstallation };
}
