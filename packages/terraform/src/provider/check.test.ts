import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { attributePath } from '../protocol/messages';
import { UNKNOWN } from '../protocol/values';
import { checkImport, type TfObject } from './check';

const minimal = path.join(__dirname, '..', '..', '..', '..', 'examples', 'minimal', 'minimal.ovf');

describe('ovfkit_import parallel_disks', () => {
  it('is refused on its attribute unless a whole number from 1 to 32 (core\'s rule); unknown or absent is no error', async () => {
    for (const bad of [0, 33, 2.5]) {
      assert.deepEqual((await checkImport({ source: minimal, parallel_disks: bad }, {})).diagnostics, [
        { severity: 'ERROR', summary: 'parallel_disks is not a number of connections', detail: `parallel_disks must be a whole number from 1 to 32, got ${bad}`, attribute: attributePath('parallel_disks') },
      ]);
    }
    for (const fine of [1, 32, UNKNOWN, null]) {
      const d = (await checkImport({ source: minimal, parallel_disks: fine }, {})).diagnostics;
      assert.deepEqual(d.filter((x) => x.attribute !== undefined && JSON.stringify(x.attribute).includes('parallel_disks')), [], String(fine));
    }
  });
});

describe('ovfkit_import source URLs', () => {
  it('refuses a URL with a user, password, query string or fragment (core\'s urlCarriesSecret), naming it redacted; a plain URL or path passes this check', async () => {
    const detail = (shown: string): string => `Terraform stores attributes in its plan and state in plain text, and ${shown} has a user, password, query string or fragment (a signed URL's token): serve the package at a URL without them, or download it first and give the path (under CDKTF, the terraformData backend reads a URL's secret parts from the apply environment with fromEnv)`;
    for (const [url, shown] of <[string, string][]>[
      ['https://user:hunter2@127.0.0.1:9/app.ova', 'https://127.0.0.1:9/app.ova'],
      ['https://127.0.0.1:9/app.ova?X-Amz-Signature=deadbeef', 'https://127.0.0.1:9/app.ova?…'],
      ['https://127.0.0.1:9/app.ova#sig=deadbeef', 'https://127.0.0.1:9/app.ova#…'],
    ]) {
      const d = (await checkImport({ source: url }, {})).diagnostics;
      assert.deepEqual(d, [{ severity: 'ERROR', summary: 'the source URL carries credentials or a token', detail: detail(shown), attribute: attributePath('source') }], url);
      assert.ok(!JSON.stringify(d).includes('hunter2') && !JSON.stringify(d).includes('deadbeef'));
    }
    const plain = (await checkImport({ source: 'http://127.0.0.1:9/app.ova' }, {})).diagnostics;
    assert.deepEqual(plain.map((x) => x.summary), ['cannot read the package'], 'a plain URL is read (nothing listens on port 9)');
    assert.deepEqual((await checkImport({ source: minimal }, {})).diagnostics.filter((x) => x.severity === 'ERROR'), []);
  });
});

describe('ovfkit_import manifest_policy: core\'s manifest verdict at plan, as apply refuses it', () => {
  it('refuses a package without a manifest under require on manifest_policy, and a wrong descriptor line unless skip on source; the whole error list', async () => {
    const errors = async (config: TfObject) => (await checkImport(config, {})).diagnostics.filter((x) => x.severity === 'ERROR');
    assert.deepEqual(await errors({ source: minimal, manifest_policy: 'require' }), [{
      severity: 'ERROR',
      summary: 'the package has no manifest (.mf), and manifest_policy = "require" asks for one',
      detail: 'at minimal.ovf\nfix: add a manifest to the package (ovfkit manifest create writes one), or accept a package without one with manifest_policy = "verify-if-present"\nchecked against host profile esxi-9.0ga\n[manifest: OvfImportFailed MANIFEST_ABSENT]',
      attribute: attributePath('manifest_policy'),
    }]);
    for (const policy of ['verify-if-present', 'skip', UNKNOWN, null]) assert.deepEqual(await errors({ source: minimal, manifest_policy: policy }), [], String(policy));
    // The same descriptor with a manifest whose line for it has another digest.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-tf-mf-'));
    try {
      fs.copyFileSync(minimal, path.join(dir, 'minimal.ovf'));
      fs.copyFileSync(path.join(path.dirname(minimal), 'minimal-disk1.vmdk'), path.join(dir, 'minimal-disk1.vmdk'));
      fs.writeFileSync(path.join(dir, 'minimal.mf'), `SHA256(minimal.ovf)= ${'0'.repeat(64)}\n`);
      const wrong = await errors({ source: dir });
      assert.deepEqual(wrong.map((d) => [d.summary, d.detail?.split('\n').pop(), JSON.stringify(d.attribute)]), [
        ['the descriptor minimal.ovf does not match its digest in the manifest minimal.mf', '[manifest: OvfImportFailed MANIFEST_DIGEST_MISMATCH]', JSON.stringify(attributePath('source'))],
      ]);
      assert.match(wrong[0]!.detail!, /set manifest_policy = "skip"/);
      assert.deepEqual(await errors({ source: dir, manifest_policy: 'skip' }), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
