/**
 * A spec run only beside the construct tests under cdktn-alias.js (cdktn.test.ts; not named
 * *.test so the suite does not run it alone): proves they ran on cdktn and on cdktn's constructs.
 */
import * as assert from 'node:assert/strict';

describe('the framework these construct tests run on', () => {
  it('is cdktn 0.24 with constructs 10.7', () => {
    assert.match(require.resolve('cdktf'), /node_modules\/cdktn\/lib\/index\.js$/);
    assert.equal((require('cdktf/package.json') as { version: string }).version, '0.24.0');
    assert.match((require('constructs/package.json') as { version: string }).version, /^10\.7\./);
  });
});
