import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { main } from 'ovfkit';

/** Runs the CLI in-process and collects what it prints. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await main(argv, { stdout: out, stderr: err, cwd: process.cwd(), env, signal: new AbortController().signal });
  return { code, stdout, stderr };
}

describe('ovfkit CLI dispatcher', () => {
  it('lists its commands with --help and exits 0', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: ovfkit <command>/);
  });

  it('rejects an unknown command with exit 2 and no stack trace', async () => {
    const r = await runCli(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "frobnicate"/);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
  });

  it('reports an unknown command as JSON with --json', async () => {
    const r = await runCli(['frobnicate', '--json']);
    assert.equal(r.code, 2);
    assert.deepEqual(JSON.parse(r.stdout), { error: { code: 'USAGE', message: 'unknown command "frobnicate"; run "ovfkit --help" for the list' } });
  });
});
