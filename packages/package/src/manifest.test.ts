import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describeCorpus, readCorpus } from './fixtures.test.support';
import { formatManifest, ManifestVerifier, parseManifest } from './manifest';

const corpus = (p: string): Buffer => readCorpus(path.join('ovf', p));
const codes = (issues: { code: string; severity: string }[]): string[] => issues.map((i) => `${i.severity}:${i.code}`);

describeCorpus('manifest parsing over the corpus manifests', () => {
  it('reads a canonical SHA256 manifest (COT ubuntu.2.0.mf) with no issue', () => {
    const m = parseManifest(corpus('cot/ubuntu.2.0.mf'), 'ubuntu.2.0.mf');
    assert.deepEqual(m.entries.map((e) => [e.algorithm, e.name]), [['SHA256', 'ubuntu.2.0.ovf'], ['SHA256', 'ubuntu.2.0-disk1.vmdk']]);
    assert.deepEqual(m.issues, []);
  });

  it('reads SHA1 manifests but warns that vCenter 8 refuses SHA1, once per line', () => {
    const m = parseManifest(corpus('cot/input.mf'), 'input.mf');
    assert.equal(m.entries.length, 4);
    assert.deepEqual(codes(m.issues), Array(4).fill('warning:MF_SHA1'));
    assert.equal(m.issues[0]?.path, 'input.mf:1');
    assert.equal(m.issues[0]?.allowed, 'SHA256, SHA512');
  });

  it('warns about the space before "(" in govmomi ttylinux manifest, as vCenter 8 refuses it', () => {
    const m = parseManifest(corpus('govmomi/ttylinux/ttylinux-pc_i486-16.1.mf'), 'ttylinux.mf');
    assert.deepEqual(m.entries.map((e) => e.name), ['ttylinux-pc_i486-16.1.ovf', 'ttylinux-pc_i486-16.1-disk1.vmdk']);
    assert.deepEqual(codes(m.issues), ['warning:MF_SPACE_BEFORE_PAREN', 'warning:MF_SHA1', 'warning:MF_SPACE_BEFORE_PAREN', 'warning:MF_SHA1']);
    assert.equal(m.issues[0]?.allowed, 'SHA1(ttylinux-pc_i486-16.1.ovf)= hex');
  });

  it('parses every corpus manifest without a syntax error', () => {
    for (const f of ['govmomi/ttylinux/ttylinux-pc_i486-16.1.mf', 'cot/input.mf', 'cot/ubuntu.2.0.mf', 'ganeti/ganeti.mf', 'ganeti/wrong_manifest.mf', 'go-vcloud-director/vapp_with_3_vms/descriptor.mf']) {
      const m = parseManifest(corpus(f), path.basename(f));
      assert.ok(m.entries.length >= 2, f);
      assert.deepEqual(m.issues.filter((i) => i.severity === 'error'), [], f);
    }
  });
});

describe('manifest parsing of malformed lines', () => {
  const sha256 = 'a'.repeat(64);
  it('reports every problem with its line, not only the first', () => {
    const text = [
      `SHA256(a.ovf)= ${sha256}`,
      'this is not a manifest line',
      `MD5(b.vmdk)= ${'b'.repeat(32)}`,
      `SHA256(c.vmdk)= ${'c'.repeat(63)}`,
      `SHA256(a.ovf)= ${sha256}`,
      `SHA2-256(d.vmdk)= ${sha256}`,
      `sha256(e.vmdk)=${sha256}`,
      '',
    ].join('\r\n');
    const m = parseManifest(text, 'x.mf');
    assert.deepEqual(
      m.issues.map((i) => [i.code, i.path]),
      [
        ['MF_MALFORMED_LINE', 'x.mf:2'],
        ['MF_UNKNOWN_ALGORITHM', 'x.mf:3'],
        ['MF_DIGEST_LENGTH', 'x.mf:4'],
        ['MF_DUPLICATE_ENTRY', 'x.mf:5'],
        ['MF_ALGORITHM_SPELLING', 'x.mf:6'],
        ['MF_SPACING', 'x.mf:7'],
        ['MF_ALGORITHM_SPELLING', 'x.mf:7'],
        ['MF_LINE_ENDING', 'x.mf'],
      ],
    );
    assert.deepEqual(m.entries.map((e) => e.name), ['a.ovf', 'd.vmdk', 'e.vmdk']);
    assert.equal(m.issues[1]?.value, 'MD5');
  });

  it('reports an empty manifest as an error', () => {
    assert.deepEqual(codes(parseManifest('\n\n', 'e.mf').issues), ['error:MF_EMPTY']);
  });
});

describe('manifest verification report', () => {
  it('names the mismatched, missing, unreferenced and absent files precisely', () => {
    const m = parseManifest(formatManifest([
      { name: 'vm.ovf', digest: '1'.repeat(64) },
      { name: 'disk1.vmdk', digest: '2'.repeat(64) },
      { name: 'notes.txt', digest: '3'.repeat(64) },
      { name: 'gone.iso', digest: '4'.repeat(64) },
    ]), 'vm.mf');
    const v = new ManifestVerifier(m);
    v.record('vm.ovf', '1'.repeat(64), 10);
    v.record('disk1.vmdk', 'F'.repeat(64), 20);
    v.record('notes.txt', '3'.repeat(64), 5);
    const r = v.report(['vm.ovf', 'disk1.vmdk', 'disk2.vmdk', 'notes.txt'], ['vm.ovf', 'disk1.vmdk', 'disk2.vmdk']);
    assert.equal(r.ok, false);
    assert.deepEqual(r.issues.map((i) => [i.severity, i.code, i.path, i.value]), [
      ['error', 'MF_DIGEST_MISMATCH', 'vm.mf:2', 'f'.repeat(64)],
      ['warning', 'MF_UNREFERENCED_ENTRY', 'vm.mf:3', 'notes.txt'],
      ['error', 'MF_FILE_NOT_FOUND', 'vm.mf:4', 'gone.iso'],
      ['error', 'MF_MISSING_ENTRY', 'vm.mf', 'disk2.vmdk'],
    ]);
    assert.equal(r.issues[0]?.allowed, '2'.repeat(64));
    assert.deepEqual(r.checked.map((c) => c.ok), [true, false, true, false]);
  });

  it('writes canonical SHA256 lines by default', () => {
    assert.equal(formatManifest([{ name: 'a.ovf', digest: 'AB'.repeat(32) }]), `SHA256(a.ovf)= ${'ab'.repeat(32)}\n`);
    assert.throws(() => formatManifest([{ name: 'a(b).ovf', digest: 'ab' }]), /parentheses/);
  });
});
