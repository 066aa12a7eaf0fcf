import * as assert from 'node:assert/strict';

import { attributePath } from '../protocol/messages';
import { UNKNOWN } from '../protocol/values';
import { planExport, validateExport } from './export-resource';

const config = { entity: '/DC0/vm/golden', destination: 'golden.ova', manifest_algorithm: null, name: null, export_option: null, chunk_size: null, triggers: null, id: null, manifest_digest: null, files: null };

describe('ovfkit_export', () => {
  it('validates the manifest algorithm and chunk size as errors, an export option ovfkit does not know as a warning, on their attributes', () => {
    assert.deepEqual(validateExport(config), []);
    assert.deepEqual(validateExport({ ...config, manifest_algorithm: 'MD5', chunk_size: 0.5, export_option: ['uuid', 'nosuch', UNKNOWN] }), [
      { severity: 'ERROR', summary: 'manifest_algorithm "MD5" is not one of SHA1, SHA256, SHA512', attribute: attributePath('manifest_algorithm') },
      { severity: 'ERROR', summary: 'chunk_size must be a positive whole number of bytes (got 0.5)', attribute: attributePath('chunk_size') },
      { severity: 'WARNING', summary: 'export_option "nosuch" is not an export option ovfkit knows', detail: 'known: mac, uuid, extraconfig, nodevicesubtypes; vSphere ignores unknown keywords', attribute: attributePath('export_option', 1) },
    ]);
  });

  it('plans a new export when any input changes (triggers, name, options, chunk size), and none when nothing does', () => {
    const prior = { ...config, id: 'golden.ova', manifest_digest: 'sha256:00', files: ['golden.ovf'], triggers: { release: '1' } };
    assert.deepEqual(planExport(prior, prior), { planned: prior, requiresReplace: [] });
    for (const [key, value] of [['triggers', { release: '2' }], ['name', 'other'], ['export_option', ['mac']], ['chunk_size', 4096], ['manifest_algorithm', 'SHA512']] as const) {
      const r = planExport(prior, { ...prior, [key]: value });
      assert.deepEqual(r.requiresReplace, [attributePath(key)], key);
      assert.deepEqual(r.planned, { ...prior, [key]: value, id: UNKNOWN, manifest_digest: UNKNOWN, files: UNKNOWN }, key);
    }
  });
});
