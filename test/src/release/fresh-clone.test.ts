/**
 * The README's test command in a fresh clone of HEAD with no `../shared` beside it: it exits 0,
 * and the tests that need the OVF corpus are named in one SKIP line instead of failing the run.
 * Expensive (install, build, the whole suite once more), so it runs where OVFKIT_RELEASE_TESTS=1
 * (`.ci/run` sets it); the inner run does not get that variable, so it does not run itself again.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../paths';
import { readmeTestCommand, releaseTestEnv, releaseTests } from './release-env';

describe('a fresh clone tests itself', function () {
  this.timeout(60 * 60_000);
  let tmp = '';

  before(function () {
    if (!releaseTests) {
      console.log('      SKIP: the fresh-clone run is a release test: set OVFKIT_RELEASE_TESTS=1 to run it (.ci/run does)');
      this.skip();
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-clone-'));
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('runs the README test command with no ../shared: exit 0, every other test passed, one SKIP line naming the missing corpus', () => {
    const command = readmeTestCommand(fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8'));
    assert.ok(command, 'README.md shows the test command');
    const head = spawnSync('git', ['-C', repoRoot, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
    assert.equal(head.status, 0, head.stderr);
    const clone = path.join(tmp, 'ovfkit');
    for (const args of [['clone', '--quiet', '--no-checkout', repoRoot, clone], ['-C', clone, 'checkout', '--quiet', head.stdout.trim()]]) {
      const r = spawnSync('git', args, { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
    assert.deepEqual(fs.readdirSync(tmp), ['ovfkit'], 'nothing beside the clone, so ../shared is absent');

    const r = spawnSync('bash', ['-c', command], {
      cwd: clone,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      // The Go build cache of this checkout: the simulator is built from the same sources.
      env: releaseTestEnv({ GOCACHE: process.env['GOCACHE'] ?? path.join(repoRoot, 'test', 'sim', 'bin', '.gocache') }),
    });
    const tail = `${r.stdout.slice(-6000)}\n${r.stderr.slice(-3000)}`;
    assert.equal(r.status, 0, tail);
    const lines = r.stdout.split('\n');
    const skip = lines.filter((l) => l.startsWith('SKIP: ') && l.includes('need the OVF corpus'));
    const corpus = path.join(tmp, 'shared', 'corpus');
    assert.equal(skip.length, 1, tail);
    assert.match(skip[0]!, new RegExp(`^SKIP: [1-9]\\d* test\\(s\\) need the OVF corpus, absent at ${corpus.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
    const counts = lines.map((l) => /^ovfkit: (\d+) passed, (\d+) failed, (\d+) skipped$/.exec(l)).find((m) => m);
    assert.ok(counts, tail);
    assert.equal(counts[2], '0');
    assert.ok(Number(counts[1]) > 100, `${counts[1]} tests passed in the clone`);
  });
});
