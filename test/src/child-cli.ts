/**
 * The CLI in a child process of its own, so that what a hostile input costs is its own: the exit,
 * the output, the wall time and the peak RSS (read by the child at exit through a preload).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './paths';

/** What one child run of the CLI did. */
export interface ChildRun {
  status: number | null;
  /** The signal that ended it: SIGKILL means it hit `limitMs` and did not end by itself. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** process.resourceUsage().maxRSS of the child at exit, in KiB (undefined if it was killed). */
  maxRssKiB: number | undefined;
}

const PRELOAD = `const fs = require('node:fs'); process.on('exit', () => { try { fs.writeFileSync(process.env.OVFKIT_TEST_RSS_FILE, String(process.resourceUsage().maxRSS)); } catch {} });`;

/** Runs `ovfkit ...args` with `env` added, killed after `limitMs` (which only catches a hang). */
export async function runCliChild(args: string[], options: { env?: NodeJS.ProcessEnv; limitMs?: number; cwd?: string } = {}): Promise<ChildRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-child-'));
  const preload = path.join(dir, 'rss.js');
  const rssFile = path.join(dir, 'rss');
  fs.writeFileSync(preload, PRELOAD);
  const started = Date.now();
  try {
    return await new Promise<ChildRun>((resolve) => {
      const child = spawn(process.execPath, ['--require', preload, path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js'), ...args], {
        env: { ...process.env, ...options.env, OVFKIT_TEST_RSS_FILE: rssFile },
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(options.cwd ? { cwd: options.cwd } : {}),
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const kill = setTimeout(() => child.kill('SIGKILL'), options.limitMs ?? 120_000);
      child.on('close', (status, signal) => {
        clearTimeout(kill);
        const rss = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) : undefined;
        resolve({ status, signal, stdout, stderr, ms: Date.now() - started, maxRssKiB: rss });
      });
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
