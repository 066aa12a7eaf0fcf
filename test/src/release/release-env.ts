/**
 * What the release tests (a fresh clone's test run, packing and installing the packages) share:
 * whether to run them, and the environment of the commands they start outside the workspace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../paths';

/** The repository every package.json names; package README links point into it. */
export const REPOSITORY = 'https://github.com/ovfkit/ovfkit';

/** Every publishable package folder of the workspace (`packages/*`), by folder name. */
export const packageDirs = fs.readdirSync(path.join(repoRoot, 'packages')).filter((d) => fs.existsSync(path.join(repoRoot, 'packages', d, 'package.json'))).sort();

/** True when OVFKIT_RELEASE_TESTS=1: CI's `.ci/run` sets it; they take minutes, so a local `pnpm test` skips them. */
export const releaseTests = process.env['OVFKIT_RELEASE_TESTS'] === '1';

/**
 * A clean environment for npm/pnpm/npx run outside the workspace: PATH, HOME (so the npm cache and
 * the pnpm store of this machine are reused), the locale and temp folder, and `extra`; nothing of
 * the outer run (npm_config_* of a pnpm script, OVFKIT_CORPUS, OVFKIT_RELEASE_TESTS).
 */
export function releaseTestEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { COREPACK_INTEGRITY_KEYS: '0', CHECKPOINT_DISABLE: '1', npm_config_prefer_offline: 'true', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };
  for (const k of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'TERM']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return { ...env, ...extra };
}

/** The README's test command: the shell line of its code block that installs and runs `pnpm@10 test`. */
export function readmeTestCommand(readme: string): string | undefined {
  for (const line of readme.split('\n')) {
    const m = /^(npx -y pnpm@10 install && npx -y pnpm@10 test)\s*(#.*)?$/.exec(line.trim());
    if (m) return m[1];
  }
  return undefined;
}
