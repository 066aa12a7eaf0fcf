import * as assert from 'node:assert/strict';
import { runCli } from './run-cli';

// Still exported from here for the tests that import it from this file; new code imports ./run-cli.
export { runCli };

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
