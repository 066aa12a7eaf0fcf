/**
 * How many times the Terraform provider's plan-time check of one ovfkit_import parses the
 * descriptor (core's envelope reader, counted in this process): once. The package facts are
 * gathered for the files the plan lists (as `ovfkit plan` does through @ovfkit/package's
 * planPackage), not from a second parse: before, check.ts readDescriptor's packageFacts read the
 * descriptor's References itself, then the plan parsed it again (two).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { countEnvelopeReads } from '../envelope-reads';
import { buildOva, type BuiltPackage } from '../vsphere-fixtures';

type Check = (config: { [k: string]: unknown }, target: { hostProfile?: string }) => Promise<{ diagnostics: unknown[]; plan?: { ok: boolean } }>;
/** The provider's checkImport (not exported by the package's entry: its plan-time check module). */
const { checkImport } = require(path.join(path.dirname(require.resolve('@ovfkit/terraform')), 'provider', 'check.js')) as { checkImport: Check };

describe('terraform ovfkit_import check: one descriptor parse', function () {
  this.timeout(60_000);
  let tmp: string;
  let pkg: BuiltPackage;
  let folder: string;
  let bare: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-tf-check-parses-'));
    pkg = await buildOva(path.join(tmp, 'pkg'), 'tiny', [{ id: 'tiny01', cpus: 1, memoryMB: 256, disksMiB: [1], nics: ['VM Network'] }]);
    folder = path.join(tmp, 'pkg', 'tiny.ovf');
    fs.writeFileSync(folder, pkg.descriptor);
    fs.mkdirSync(path.join(tmp, 'bare'));
    bare = path.join(tmp, 'bare', 'tiny.ovf');
    fs.writeFileSync(bare, pkg.descriptor);
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const check = async (source: string): Promise<{ diagnostics: unknown[]; ok: boolean | undefined; localParses: number }> => {
    const reads = countEnvelopeReads();
    try {
      const r = await checkImport({ source, name: 'parses-a', network_mapping: { 'VM Network': 'VM Network' } }, { hostProfile: 'esxi-8.0' });
      return { diagnostics: r.diagnostics, ok: r.plan?.ok, localParses: reads.count() };
    } finally {
      reads.restore();
    }
  };

  for (const [form, source] of [['an .ova', (): string => pkg.ova], ['a folder', (): string => folder]] as const) {
    it(`parses ${form} package's descriptor once`, async () => {
      assert.deepEqual(await check(source()), { diagnostics: [], ok: true, localParses: 1 });
    });
  }

  it('still judges the files the plan lists: a missing disk is the one diagnostic, with one parse', async () => {
    const r = await check(bare);
    assert.deepEqual(r, {
      diagnostics: [{
        severity: 'ERROR',
        summary: `File "tiny01-disk1.vmdk" is referenced by the descriptor but is not in the folder "${path.dirname(bare)}"`,
        detail: 'at /Envelope/References/File[1] (line 3)\nfix: put tiny01-disk1.vmdk beside tiny.ovf, or correct ovf:href in the descriptor\nchecked against host profile esxi-8.0u3\n[package: OvfImportFailed PACKAGE_FILE_MISSING]',
        attribute: { steps: [{ attribute_name: 'source' }] },
      }],
      ok: false,
      localParses: 1,
    });
  });
});
