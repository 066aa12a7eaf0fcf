import * as assert from 'node:assert/strict';

import { entryPath } from './inputs';
import { passwordDigest, passwordMatches } from './import-provider';

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
