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
