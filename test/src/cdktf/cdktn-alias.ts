/**
 * Preload (`node -r`) that makes `require('cdktf')` load `cdktn` 0.24 and `require('constructs')`
 * the constructs in cdktn's peer range (10.7), as the npm alias a cdktn project declares does:
 * `"cdktf": "npm:cdktn@0.24.0"`. In this workspace the name `cdktf` is the real cdktf 0.21, so
 * the alias is made by module resolution instead; everything loaded after it, @ovfkit/cdktf and
 * its generated bindings included, runs on one copy of cdktn and one of constructs.
 */
import Module = require('node:module');

const cdktn = require.resolve('cdktn');
const constructs = require.resolve('constructs-for-cdktn');
const cdktnPackage = require.resolve('cdktn/package.json');
const constructsPackage = require.resolve('constructs-for-cdktn/package.json');
type Resolve = (request: string, ...rest: unknown[]) => string;
const m = Module as unknown as { _resolveFilename: Resolve };
const resolve = m._resolveFilename;
m._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  if (request === 'cdktf') return cdktn;
  if (request === 'constructs') return constructs;
  if (request === 'cdktf/package.json') return cdktnPackage;
  if (request === 'constructs/package.json') return constructsPackage;
  return resolve.call(this, request, ...rest);
};
