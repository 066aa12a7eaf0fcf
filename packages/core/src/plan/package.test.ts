import * as assert from 'node:assert/strict';
import { createPlan, judgePackage, type PackageFacts, type PackageFileFact } from './index';

/** A descriptor with one plain disk file, one gzip file and one file in chunks of 40 bytes. */
const OVF = `<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData">
  <References>
    <File ovf:href="d.vmdk" ovf:id="f1" ovf:size="100"/>
    <File ovf:href="z.vmdk.gz" ovf:id="f2" ovf:size="30" ovf:compression="gzip"/>
    <File ovf:href="c.vmdk" ovf:id="f3" ovf:size="100" ovf:chunkSize="40"/>
    <File ovf:href="http://example.com/remote.iso" ovf:id="f4"/>
  </References>
  <DiskSection><Info>d</Info><Disk ovf:capacity="1" ovf:capacityAllocationUnits="byte * 2^30" ovf:diskId="d1" ovf:fileRef="f1"/></DiskSection>
  <VirtualSystem ovf:id="app">
    <Info>vm</Info>
    <VirtualHardwareSection><Info>hw</Info>
      <System><vssd:ElementName>f</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-14</vssd:VirtualSystemType></System>
      <Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>
      <Item><rasd:ElementName>mem</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>1024</rasd:VirtualQuantity></Item>
      <Item><rasd:ElementName>scsi</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>lsilogic</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>
      <Item><rasd:ElementName>disk</rasd:ElementName><rasd:HostResource>ovf:/disk/d1</rasd:HostResource><rasd:InstanceID>4</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>`;

const part = (name: string, storedBytes?: number): { name: string; present: true; storedBytes?: number } => (storedBytes === undefined ? { name, present: true } : { name, present: true, storedBytes });
const absent = (name: string): { name: string; present: false } => ({ name, present: false });
const COMPLETE: PackageFileFact[] = [
  { href: 'd.vmdk', parts: [part('d.vmdk', 100)] },
  { href: 'z.vmdk.gz', parts: [part('z.vmdk.gz', 30)] },
  { href: 'c.vmdk', parts: [part('c.vmdk.000000000', 40), part('c.vmdk.000000001', 40), part('c.vmdk.000000002', 20)] },
];
const facts = (change: (files: PackageFileFact[]) => PackageFileFact[] = (f) => f): PackageFacts => ({ form: 'folder', location: '/pkgs/app', descriptorName: 'app.ovf', files: change(structuredClone(COMPLETE)) });
const replaced = (href: string, fact: PackageFileFact) => (files: PackageFileFact[]): PackageFileFact[] => files.map((f) => (f.href === href ? fact : f));
const issues = (list: { source: string; code: string; path?: string; line?: number; value?: string; allowed?: string; localizedMessage: string; fix?: string }[]) =>
  list.map((i) => ({ source: i.source, code: i.code, path: i.path, line: i.line, value: i.value, allowed: i.allowed, message: i.localizedMessage, fix: i.fix }));

describe('the plan: the package is complete', () => {
  it('is ready when every referenced file is there at its ovf:size (chunks adding up, a gzip file at its stored size)', () => {
    const { plan } = createPlan(OVF, { package: facts() });
    assert.deepEqual(plan.errors, []);
    assert.deepEqual(plan.warnings, []);
    assert.equal(plan.ok, true);
    assert.deepEqual(plan.package, {
      form: 'folder', location: '/pkgs/app',
      files: [
        { href: 'd.vmdk', path: '/Envelope/References/File[1]', line: 4, declaredBytes: 100, present: true, storedBytes: 100 },
        { href: 'z.vmdk.gz', path: '/Envelope/References/File[2]', line: 5, declaredBytes: 30, compression: 'gzip', present: true, storedBytes: 30 },
        { href: 'c.vmdk', path: '/Envelope/References/File[3]', line: 6, declaredBytes: 100, chunkBytes: 40, present: true, storedBytes: 100 },
      ],
    });
  });

  it('refuses a disk file that is not beside the descriptor, naming the file and what to do', () => {
    const { plan } = createPlan(OVF, { package: facts(replaced('d.vmdk', { href: 'd.vmdk', parts: [absent('d.vmdk')] })) });
    assert.deepEqual(issues(plan.errors), [{
      source: 'package', code: 'PACKAGE_FILE_MISSING', path: '/Envelope/References/File[1]', line: 4, value: 'd.vmdk', allowed: undefined,
      message: 'File "d.vmdk" is referenced by the descriptor but is not in the folder "/pkgs/app"',
      fix: 'put d.vmdk beside app.ovf, or correct ovf:href in the descriptor',
    }]);
    assert.equal(plan.ok, false);
    assert.equal(plan.package.files[0]?.present, false);
  });

  it('refuses a file shorter than its ovf:size, and a gzip file by its stored size', () => {
    const { plan } = createPlan(OVF, { package: facts((f) => replaced('z.vmdk.gz', { href: 'z.vmdk.gz', parts: [part('z.vmdk.gz', 31)] })(replaced('d.vmdk', { href: 'd.vmdk', parts: [part('d.vmdk', 60)] })(f))) });
    assert.deepEqual(issues(plan.errors), [
      {
        source: 'package', code: 'PACKAGE_FILE_SIZE_MISMATCH', path: '/Envelope/References/File[1]/@ovf:size', line: 4, value: '60', allowed: '100',
        message: 'File "d.vmdk" has 60 bytes in the folder "/pkgs/app", but its ovf:size is 100',
        fix: 'replace d.vmdk with the complete file, or, if the file is right, set ovf:size="60" in the descriptor (and its manifest line)',
      },
      {
        source: 'package', code: 'PACKAGE_FILE_SIZE_MISMATCH', path: '/Envelope/References/File[2]/@ovf:size', line: 5, value: '31', allowed: '30',
        message: 'File "z.vmdk.gz" has 31 bytes in the folder "/pkgs/app", but its ovf:size is 30 (the stored, compressed size)',
        fix: 'replace z.vmdk.gz with the complete file, or, if the file is right, set ovf:size="31" in the descriptor (and its manifest line)',
      },
    ]);
  });

  it('refuses a missing chunk, a chunk of the wrong size, and chunks that do not add up to ovf:size', () => {
    const chunks = (...sizes: Array<number | undefined>): PackageFileFact => ({ href: 'c.vmdk', parts: sizes.map((s, i) => (s === undefined ? absent(`c.vmdk.00000000${i}`) : part(`c.vmdk.00000000${i}`, s))) });
    const codes = (fact: PackageFileFact) => issues(createPlan(OVF, { package: facts(replaced('c.vmdk', fact)) }).plan.errors).map((i) => [i.code, i.path, i.value, i.allowed, i.message]);
    assert.deepEqual(codes(chunks(40, undefined, 20)), [['PACKAGE_CHUNK_MISSING', '/Envelope/References/File[3]', 'c.vmdk.000000001', undefined, 'File "c.vmdk" is stored in chunks of 40 bytes, and chunk "c.vmdk.000000001" is not in the folder "/pkgs/app"']]);
    assert.deepEqual(codes(chunks(40, 30, 30)), [['PACKAGE_CHUNK_SIZE_MISMATCH', '/Envelope/References/File[3]/@ovf:chunkSize', '30', '40', 'Chunk "c.vmdk.000000001" of "c.vmdk" has 30 bytes; every chunk but the last must have ovf:chunkSize 40']]);
    assert.deepEqual(codes(chunks(40, 40, 19)), [['PACKAGE_FILE_SIZE_MISMATCH', '/Envelope/References/File[3]/@ovf:size', '99', '100', 'File "c.vmdk" has 99 bytes in 3 chunks in the folder "/pkgs/app", but its ovf:size is 100']]);
  });

  it('names the package in the words of its form: an OVA gets "add … to the package"', () => {
    const { plan } = createPlan(OVF, { package: { ...facts(replaced('d.vmdk', { href: 'd.vmdk', parts: [absent('d.vmdk')] })), form: 'ova', location: 'app.ova' } });
    assert.deepEqual(issues(plan.errors).map((i) => [i.message, i.fix]), [['File "d.vmdk" is referenced by the descriptor but is not in the OVA "app.ova"', 'add d.vmdk to the package, or correct ovf:href in the descriptor']]);
  });

  it('warns, and does not refuse, when the source cannot tell before the upload (an .ova URL without Range)', () => {
    const { plan } = createPlan(OVF, { package: { ...facts(replaced('d.vmdk', { href: 'd.vmdk', parts: [{ name: 'd.vmdk', present: 'unknown' }] })), form: 'url', location: 'https://h/app.ova' } });
    assert.deepEqual(plan.errors, []);
    assert.deepEqual(plan.warnings.map((w) => [w.source, w.code, w.value]), [['package', 'PACKAGE_FILE_UNCHECKED', 'd.vmdk']]);
    assert.equal(plan.ok, true);
  });

  it('refuses a file the package layer would not read (an href escaping the package)', () => {
    const { plan } = createPlan(OVF, { package: facts(replaced('d.vmdk', { href: 'd.vmdk', parts: [], refused: 'href "d.vmdk" escapes the package' })) });
    assert.deepEqual(plan.errors.map((e) => [e.code, e.localizedMessage]), [['PACKAGE_FILE_MISSING', 'File "d.vmdk" cannot be read from the folder "/pkgs/app": href "d.vmdk" escapes the package']]);
  });

  it('plans the descriptor alone only as "descriptor-only", and the plan says so', () => {
    for (const input of [{ package: 'descriptor-only' as const }, {}]) {
      const { plan } = createPlan(OVF, input);
      assert.deepEqual([plan.errors, plan.warnings, plan.ok], [[], [], true]);
      assert.deepEqual(plan.package, {
        form: 'descriptor-only',
        files: [
          { href: 'd.vmdk', path: '/Envelope/References/File[1]', line: 4, declaredBytes: 100 },
          { href: 'z.vmdk.gz', path: '/Envelope/References/File[2]', line: 5, declaredBytes: 30, compression: 'gzip' },
          { href: 'c.vmdk', path: '/Envelope/References/File[3]', line: 6, declaredBytes: 100, chunkBytes: 40 },
        ],
      });
    }
  });

  it('judges a plan made without facts once they are gathered, as createPlan does with them (one parse)', () => {
    const missing = facts(replaced('d.vmdk', { href: 'd.vmdk', parts: [absent('d.vmdk')] }));
    const { plan } = createPlan(OVF);
    assert.equal(plan.ok, true);
    judgePackage(plan, missing);
    assert.deepEqual(plan, createPlan(OVF, { package: missing }).plan);
    assert.equal(plan.ok, false);
    // Judged again with complete facts, the earlier package issues are gone.
    assert.deepEqual([judgePackage(plan, facts()).errors, plan.ok], [[], true]);
  });

  it('adds no package issue to a descriptor that cannot be read', () => {
    const { plan } = createPlan('<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"><oops', { package: facts(() => []) });
    assert.deepEqual(plan.errors.map((e) => e.source), ['parseDescriptor']);
    assert.deepEqual(plan.package, { form: 'folder', location: '/pkgs/app', files: [] });
  });
});
