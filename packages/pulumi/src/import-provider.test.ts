import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { descriptorDigest } from '@ovfkit/core';

import { defaultBackend } from './bind';
import { entryPath } from './inputs';
import { checkImport, passwordDigest, passwordMatches } from './import-provider';

describe('password property digests', () => {
  it('recognise the same value and reject another, without containing the value', () => {
    const d = passwordDigest('correct horse battery');
    assert.match(d, /^scrypt\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.ok(!d.includes('correct horse battery'));
    assert.equal(passwordMatches('correct horse battery', d), true);
    assert.equal(passwordMatches('correct horse battery!', d), false);
  });

  it('are salted, so equal passwords give different digests', () => {
    assert.notEqual(passwordDigest('same'), passwordDigest('same'));
  });
});

describe('input paths in check failures', () => {
  it('use dotted names for identifiers and quoted keys otherwise', () => {
    assert.equal(entryPath('propertyMapping', 'hostname'), 'propertyMapping.hostname');
    assert.equal(entryPath('networkMapping', 'VM Network'), 'networkMapping["VM Network"]');
    assert.equal(entryPath('propertyMapping', 'vami.ip0.app'), 'propertyMapping["vami.ip0.app"]');
  });
});

describe('the plan check() stores', () => {
  it('carries the digest of the descriptor bytes, as the import engine hashes them, even for a Latin-1 descriptor', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-pulumi-digest-'));
    try {
      // Not UTF-8: decoding to text and re-encoding would change the bytes, and so the digest.
      const minimal = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'minimal', 'minimal.ovf'), 'latin1');
      const bytes = Buffer.from(minimal.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace('<Info>', '<Info>Caf\u00e9 '), 'latin1');
      const file = path.join(dir, 'latin1.ovf');
      fs.writeFileSync(file, bytes);
      fs.copyFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'minimal', 'minimal-disk1.vmdk'), path.join(dir, 'minimal-disk1.vmdk'));
      const r = await checkImport(defaultBackend(), { source: file, manifestPolicy: 'skip' }, undefined);
      assert.deepEqual(r.failures, []);
      assert.equal(r.plan?.descriptorDigest, descriptorDigest(bytes));
      assert.equal(r.descriptor?.descriptorDigest, descriptorDigest(bytes));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a source URL with credentials (core\'s urlCarriesCredentials)', () => {
  const refused = 'source: the URL carries credentials (user:password@host), or does not parse as a URL so they cannot be told apart; inputs are stored in the state, so serve the package without them (or download it first) and pass the plain URL or path';
  // Nothing listens on port 1: a URL this check lets through fails only at the read after it.
  const cases: [string, string][] = [
    ['https://ci:s3cr3t@127.0.0.1:1/app.ova', refused],
    ['https://ci@127.0.0.1:1/app.ova', refused],
    ['https://:s3cr3t@127.0.0.1:1/app.ova', refused],
    ['http://ci:s3cr3t@exa mple/app.ova', refused],
    ['http://exa mple/app.ova', refused],
    // Let through: the read after it is what fails (the query redacted).
    ['https://@127.0.0.1:1/app.ova', 'source: cannot read the package: GET https://127.0.0.1:1/app.ova: ECONNREFUSED'],
    ['http://127.0.0.1:1/a%40b/app.ova', 'source: cannot read the package: GET http://127.0.0.1:1/a%40b/app.ova: ECONNREFUSED'],
    ['http://127.0.0.1:1/app.ova?X-Amz-Signature=abc&to=a@b', 'source: cannot read the package: GET http://127.0.0.1:1/app.ova?…: ECONNREFUSED'],
  ];
  it('are refused before anything is read: a user, a password, or an unparsable URL; an empty user part, an @ in the path or query and a query token are not', async () => {
    const seen: [string, string][] = [];
    for (const [source] of cases) {
      const r = await checkImport(defaultBackend(), { source, manifestPolicy: 'skip' }, undefined);
      seen.push([source, r.failures.map((f) => `${f.property}: ${f.reason}`).join(' | ')]);
    }
    assert.deepEqual(seen, cases);
  });
});
