/**
 * What the tests that run the real `terraform` with terraform-provider-ovfkit share: finding the
 * binary, and a HOME whose implied local mirror holds the provider (`ovfkit terraform install`)
 * with a CLI configuration that allows that mirror only, so nothing can be downloaded.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../paths';
import type { Simulator } from '../sim/simulator';

export const cliBin = path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js');

/** The terraform binary on PATH, or undefined. */
export function findTerraform(): string | undefined {
  const r = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  return r.status === 0 ? 'terraform' : undefined;
}

/** The absolute path of the terraform binary on PATH, or undefined (what a PATH of symlinks needs). */
export function terraformPath(): string | undefined {
  const r = spawnSync('/bin/sh', ['-c', 'command -v terraform'], { encoding: 'utf8' });
  const found = r.stdout.trim();
  return r.status === 0 && path.isAbsolute(found) ? fs.realpathSync(found) : undefined;
}

/**
 * The environment terraform runs in: HOME under dir with the provider installed, the mirror-only
 * CLI configuration, no checkpoint calls, and the simulator's connection as VSPHERE_*.
 */
export function providerEnvironment(dir: string, sim: Simulator): NodeJS.ProcessEnv {
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  const cliConfig = path.join(dir, 'terraform.rc');
  fs.writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(path.join(home, '.terraform.d', 'plugins'))}\n    include = ["ovfkit/ovfkit"]\n  }\n  direct {\n    exclude = ["*/*/*"]\n  }\n}\n`);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_CLI_CONFIG_FILE: cliConfig,
    VSPHERE_SERVER: sim.sdkUrl,
    VSPHERE_USER: sim.username,
    VSPHERE_PASSWORD: sim.password,
    VSPHERE_THUMBPRINT: sim.thumbprint,
  };
  const install = spawnSync(process.execPath, [cliBin, 'terraform', 'install'], { encoding: 'utf8', env });
  assert.equal(install.status, 0, install.stderr);
  return env;
}
