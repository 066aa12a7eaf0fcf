/**
 * Every descriptor of the shared corpus, keyed by its PROVENANCE status:
 * positives parse without errors (or, for a few, with the spec violations documented below),
 * negatives yield the errors their source project expects, edge/template/quirk files behave as
 * documented per file.
 */
import * as assert from 'node:assert/strict';
import { type OvfIssue, parseDescriptor } from '@ovfkit/core';
import { provenance, readCorpus } from './corpus';
import { describeCorpus } from './paths';

/** What one file must produce: the exact set of error codes, and warning codes that must appear. */
interface Expect {
  errors: string[];
  warnings?: string[];
  /** Why, for anything other than "no errors". */
  why?: string;
  /** Extra assertions on the issues. */
  check?: (error: OvfIssue[], warning: OvfIssue[]) => void;
}

const codes = (list: OvfIssue[]): string[] => [...new Set(list.map((i) => i.code))].sort();

/**
 * Positives that break a DSP0243 rule vSphere enforces. Their projects accept them; ovfkit reports
 * the violation as vSphere would. Every other positive must have no error at all.
 */
const POSITIVE_EXCEPTIONS: Record<string, Expect> = {
  'ovf/govmomi/xmltestfiles/VirtualAppliances-Pos/nvapp00n.ovf': {
    errors: [], warnings: ['DANGLING_STRINGS_FILE_REF'],
    why: '<Strings ovf:fileRef="eula"/> names no File in References: vSphere imports it with a warning and keeps the descriptor texts',
  },
  'ovf/virt-v2v/test-o-ovirt.ovf.expected': {
    errors: ['DANGLING_FILE_REF', 'DANGLING_HOST_RESOURCE', 'DUPLICATE_INSTANCE_ID', 'MALFORMED_NUMBER'],
    why: 'a test expectation with #SIZE#/#UUID#/#DISK_ID# placeholders the virt-v2v test substitutes; and, as vmOvfData.xml, its Disk fileRef and HostResource name the File by its href',
  },
  'ovf/ovirt-engine/vmOvfData.xml': {
    errors: ['DANGLING_FILE_REF', 'DANGLING_HOST_RESOURCE'],
    why: 'the oVirt dialect: the Disk ovf:fileRef and the disk Item rasd:HostResource name the File by its href (image/volume), not as ovf:/disk/<diskId> and a File ovf:id; vSphere resolves neither (docs/vmw-sections.md)',
  },
  'ovf/ovirt-engine/vmOvfData2.xml': { errors: ['DANGLING_FILE_REF', 'DANGLING_HOST_RESOURCE'], why: 'as vmOvfData.xml' },
  'ovf/ganeti/ganeti.ovf': {
    errors: ['DANGLING_PARENT', 'UNSUPPORTED_SECTION'],
    why: 'gnt:GanetiSection has no ovf:required="false" (DSP0243 §9: a consumer must fail), and a disk Item names Parent 3, which does not exist',
  },
  'ovf/ganeti/gzip_disk.ovf': { errors: ['DANGLING_PARENT', 'UNSUPPORTED_SECTION'], why: 'as ganeti.ovf' },
  'ovf/abiquo/someOVF.ovf': {
    errors: ['DUPLICATE_PRODUCT_SECTION', 'DUPLICATE_PROPERTY'],
    why: 'property waitTimeout is declared twice in ProductSection class org.mysql.db, and classes org.linuxdistx and org.apache.httpd each have two ProductSections (same class, no instance)',
  },
  'ovf/glance/testserver.ovf': {
    errors: ['MISPLACED_SECTION'],
    why: 'VirtualBox writes a ResourceAllocationSection (ProcessorAllocationSettingData) inside the VirtualSystem; DSP0243 allows it only in a VirtualSystemCollection, and vSphere refuses it there',
  },
  'ovf/openxt/uivm.ovf': {
    errors: ['REFERENCE_CYCLE', 'UNSUPPORTED_SECTION'],
    why: 'xci:ApplianceSection is required but unknown outside XenClient, and Item 4 names itself as Parent',
  },
  'ovf/go-vcloud-director/test_vapp_template_ovf/descriptor.ovf': {
    errors: ['DUPLICATE_CONTENT_ID'], why: 'the VirtualSystemCollection and its VirtualSystem both have ovf:id "yVM"',
  },
};

/** Every non-positive file, with the errors its source project expects. */
const EXPECTED: Record<string, Expect> = {
  'ovf/govmomi/fixtures/invalid-property-key.ovf': {
    errors: [], warnings: ['PROPERTY_KEY_INVALID'],
    why: 'DSP0243 §9.5.1 forbids "." in ovf:key, but vSphere accepts it (vCSA uses guestinfo.cis.* keys) and govmomi disabled the check; reported as a warning',
    check: (_e, w) => assert.ok(w.some((i) => i.code === 'PROPERTY_KEY_INVALID' && i.value === 'invalid.key')),
  },
  'ovf/govmomi/importovf2014/invalid.ovf': {
    errors: ['MISSING_ATTRIBUTE'],
    check: (e) => assert.deepEqual(e.map((i) => i.fault), [{ _typeName: 'OvfMissingAttribute', lineNumber: e[0]!.line, elementName: 'VirtualSystem', attributeName: 'ovf:id' }]),
  },
  'ovf/govmomi/xmltestfiles/Envelope_1_0-Neg/invalid_neg_chunk.ovf': {
    errors: ['MALFORMED_NUMBER'],
    check: (e) => assert.deepEqual(e[0]!.fault, { _typeName: 'OvfInvalidValueFormatMalformed', lineNumber: 4, elementName: 'File', attributeName: 'ovf:size', value: 'abcd' }),
  },
  'ovf/govmomi/xmltestfiles/Envelope_1_0-Neg/invalid_namespace.ovf': {
    errors: ['WRONG_NAMESPACE'],
    check: (e) => assert.equal((e[0]!.fault as { namespaceName: string }).namespaceName, 'http://nosuchspec.com/ovf/envelope/1'),
  },
  'ovf/govmomi/xmltestfiles/ProductSection_1_0-Neg/prop_dup_keys.ovf': {
    errors: ['DUPLICATE_PROPERTY'],
    check: (e) => assert.equal(e[0]!.fault._typeName, 'OvfDuplicatedPropertyIdImport'),
  },
  'ovf/govmomi/xmltestfiles/DiskSection_1_0-Neg/popsize_gt_capacity.ovf': {
    errors: ['POPULATED_SIZE_EXCEEDS_CAPACITY'],
    check: (e) => assert.equal(e[0]!.value, '8589934593'),
  },
  'ovf/govmomi/xmltestfiles/VirtualHardware_1_0-Neg/dup_instanceid.ovf': {
    errors: ['DUPLICATE_INSTANCE_ID'],
    check: (e) => assert.equal(e[0]!.value, '6'),
  },
  'ovf/govmomi/external/jeos_corrupted.ovf': {
    errors: ['XML_MALFORMED'], check: (e) => assert.equal((e[0]!.fault as { lineNumber: number }).lineNumber, 1),
  },
  'ovf/govmomi/external/unsupportedSection.ovf': {
    errors: ['UNSUPPORTED_SECTION'],
    check: (e) => assert.deepEqual(e.map((i) => (i.fault as { name: string }).name), ['UnsupportedSectionFoo']),
  },
  'ovf/govmomi/security-test-content/negative-size-disk/haoUnOS2VMs.ovf': {
    errors: ['NUMBER_OUT_OF_RANGE'],
    check: (e) => {
      assert.ok(e.some((i) => i.value === '-9223372036854775807'), 'the negative File size');
      assert.ok(e.some((i) => i.value === '9223372036854775807'), 'the populatedSize beyond 2^53');
    },
  },
  'ovf/cot/ersatz_ovf_3.0.ovf': { errors: ['WRONG_NAMESPACE'] },
  'ovf/cot/invalid.ovf': {
    errors: ['DANGLING_FILE_REF', 'DANGLING_HOST_RESOURCE'],
    check: (e) => {
      assert.ok(e.some((i) => i.code === 'DANGLING_FILE_REF' && i.value === 'flash2'));
      assert.ok(e.some((i) => i.code === 'DANGLING_HOST_RESOURCE' && i.value === 'nonexistent.vmdk'));
    },
  },
  'ovf/pve-storage/XEE.ovf': {
    errors: ['XML_DOCTYPE'],
    check: (e) => assert.equal(e.length, 1, 'stops at the DOCTYPE: nothing of the entity is read'),
  },
  'ovf/ganeti/corrupted_resources.ovf': {
    errors: [], why: 'the referenced disk file is absent from the package: a package-level check (@ovfkit/package), not a descriptor error',
  },
  'ovf/ganeti/no_disk_in_ref.ovf': { errors: ['DANGLING_FILE_REF'], check: (e) => assert.equal(e[0]!.value, 'file1') },
  'ovf/ganeti/wrong_manifest.ovf': {
    errors: ['UNSUPPORTED_SECTION'],
    why: 'the wrong checksum is in wrong_manifest.mf (package-level); the descriptor itself has the required gnt:GanetiSection of ganeti.ovf',
  },
  'ovf/ganeti/wrong_xml.ovf': { errors: ['XML_MALFORMED'], check: (e) => assert.equal(e[0]!.line, 71) },
  'ovf/abiquo/malformed.ovf': { errors: ['XML_MALFORMED'], check: (e) => assert.equal(e[0]!.line, 5) },
  'ovf/glance/illegal-xml.ovf': { errors: ['XML_MALFORMED'], check: (e) => assert.equal(e[0]!.line, 2) },
  // edge
  'ovf/govmomi/2011OVFs/sunVHW-DiskTypes_invalidUTF.ovf': { errors: [], why: 'a UTF-8 BOM is legal XML' },
  'ovf/ganeti/empty.ovf': {
    errors: ['MISSING_ATTRIBUTE'], why: 'Ganeti edge test: VirtualSystem and OperatingSystemSection without ovf:id',
    check: (e) => assert.deepEqual(e.map((i) => (i.fault as { elementName: string }).elementName).sort(), ['OperatingSystemSection', 'VirtualSystem']),
  },
  // templates: placeholders are not numbers
  'ovf/arch-boxes/box.ovf': { errors: ['MALFORMED_NUMBER'], check: (e) => assert.equal(e[0]!.value, 'DISK_CAPACITY') },
  'ovf/oracle-linux/OVM_TEMPLATE.ovf': { errors: ['DANGLING_CAPACITY_PROPERTY', 'MALFORMED_NUMBER'], warnings: ['PROPERTY_KEY_INVALID'] },
  'ovf/open-vmdk/template-hw21.ovf': { errors: ['MALFORMED_NUMBER'] },
  'ovf/vyos-build/template.ovf': { errors: ['MALFORMED_NUMBER'] },
  // quirks
  'ovf/govmomi/fixtures/virtualsystemcollection.ovf': {
    errors: [], warnings: ['NAMESPACE_TOLERATED'], why: 'the epasd namespace URI with a space is read as the CIM EPASD URI, with a warning',
  },
  'ovf/xenadmin/sample_app.ovf': {
    errors: [], warnings: ['XML_ENCODING_MISMATCH'], why: 'declares UTF-16, bytes are UTF-8: read as UTF-8 with a warning',
  },
};

describeCorpus('the OVF corpus, by PROVENANCE status', () => {
  const rows = provenance().filter((r) => r.kind === 'descriptor');

  it('covers every descriptor of PROVENANCE.tsv with an expectation', () => {
    assert.ok(rows.length >= 90, `expected the 96 corpus descriptors, found ${rows.length}`);
    for (const r of rows) {
      if (r.status !== 'positive') assert.ok(EXPECTED[r.localPath], `no expectation for ${r.status} file ${r.localPath}`);
    }
    for (const p of [...Object.keys(EXPECTED), ...Object.keys(POSITIVE_EXCEPTIONS)]) {
      assert.ok(rows.some((r) => r.localPath === p), `expectation for a file not in the corpus: ${p}`);
    }
  });

  for (const r of rows) {
    const expect = r.status === 'positive' ? POSITIVE_EXCEPTIONS[r.localPath] ?? { errors: [] } : EXPECTED[r.localPath];
    const title = expect?.errors.length
      ? `${r.status} ${r.localPath} reports ${expect.errors.join(', ')}${expect.why ? ` (${expect.why})` : ''}`
      : `${r.status} ${r.localPath} parses without errors${expect?.why ? ` (${expect.why})` : ''}`;
    it(title, () => {
      assert.ok(expect, 'expectation missing');
      const bytes = readCorpus(r.localPath);
      const result = parseDescriptor(bytes, { locale: '', deploymentOption: '' });
      const error = result.error ?? [];
      const warning = result.warning ?? [];
      assert.deepEqual(codes(error), [...expect.errors].sort(), error.map((i) => `${i.code} line ${i.line}: ${i.localizedMessage}`).join('\n'));
      for (const w of expect.warnings ?? []) assert.ok(warning.some((i) => i.code === w), `warning ${w} expected, got ${codes(warning).join(', ')}`);
      for (const i of [...error, ...warning]) {
        assert.ok(i.localizedMessage.length > 0 && typeof i.fault._typeName === 'string', 'every issue has a fault type and a message');
      }
      expect.check?.(error, warning);
      if (r.status === 'positive') assert.notEqual(result.defaultEntityName, '', 'a usable descriptor has a default entity name');
    });
  }
});
