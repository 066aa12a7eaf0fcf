/**
 * How many times one offline OvfImport check() parses the descriptor (core's envelope reader,
 * counted in this process): once for bytes this provider process has not read, none for bytes it
 * has (the provider's per-digest DescriptorCache). The package facts are gathered for the files the
 * plan lists (as `ovfkit plan` does through @ovfkit/package's planPackage), not from a second parse:
 * before, a first check parsed twice (bind.ts readDescriptor's packageFacts, then the plan).
 * Each package has its own descriptor bytes, so each first check is a first read.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createOvfImportProvider, defaultBackend } from '@ovfkit/pulumi';

import { countEnvelopeReads } from '../envelope-reads';
import { buildOva, type BuiltPackage } from '../vsphere-fixtures';

describe('OvfImport check() offline: one descriptor parse', function () {
  this.timeout(60_000);
  let tmp: string;
  let pkg: BuiltPackage;
  let folder: string;
  let bare: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-check-parses-'));
    pkg = await buildOva(path.join(tmp, 'pkg'), 'tiny', [{ id: 'tiny01', cpus: 1, memoryMB: 256, disksMiB: [1], nics: ['VM Network'] }]);
    // The same descriptor beside its disk (a folder package), and alone (its disk missing).
    // Other bytes than the .ova's (a comment), so that no check reads a descriptor another has read.
    folder = path.join(tmp, 'pkg', 'tiny.ovf');
    fs.writeFileSync(folder, `${pkg.descriptor}<!-- the folder package -->\n`);
    fs.mkdirSync(path.join(tmp, 'bare'));
    bare = path.join(tmp, 'bare', 'tiny.ovf');
    fs.writeFileSync(bare, `${pkg.descriptor}<!-- the package without its disk -->\n`);
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const check = async (source: string): Promise<{ failures: unknown; localParses: number }> => {
    const provider = createOvfImportProvider(() => defaultBackend());
    const reads = countEnvelopeReads();
    try {
      const checked = await provider.check({}, { source, name: 'parses-a', hostProfile: 'esxi-8.0', networkMapping: { 'VM Network': 'VM Network' } });
      return { failures: checked.failures, localParses: reads.count() };
    } finally {
      reads.restore();
    }
  };

  for (const [form, source] of [['an .ova', (): string => pkg.ova], ['a folder', (): string => folder]] as const) {
    it(`parses ${form} package's descriptor once`, async () => {
      const r = await check(source());
      console.log(`      check(): ${JSON.stringify({ localParses: r.localParses })}`);
      assert.deepEqual(r, { failures: [], localParses: 1 });
    });
  }

  it('parses nothing when it checks bytes it has read before (the provider keeps them by digest)', async () => {
    assert.deepEqual(await check(pkg.ova), { failures: [], localParses: 0 });
  });

  it('still judges the files the plan lists: a missing disk is the one failure, with one parse', async () => {
    const r = await check(bare);
    const folder = path.dirname(bare);
    assert.deepEqual(r, {
      failures: [{
        property: 'source',
        reason: `File "tiny01-disk1.vmdk" is referenced by the descriptor but is not in the folder "${folder}"; at /Envelope/References/File[1] (line 3); fix: put tiny01-disk1.vmdk beside tiny.ovf, or correct ovf:href in the descriptor; checked against host profile esxi-8.0u3 [package: OvfImportFailed PACKAGE_FILE_MISSING]`,
      }],
      localParses: 1,
    });
  });
});
