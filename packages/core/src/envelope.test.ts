/**
 * Reading rules vSphere applies at ParseDescriptor (issue 13): each case is a descriptor written
 * for it, and the whole error and warning lists (code, fault, path) are compared.
 */
import * as assert from 'node:assert/strict';
import type { OvfIssue } from './faults';
import { LocalOvfManager } from './ovfmanager';
import { parseDescriptor } from './parse-descriptor';

const HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
  xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
  xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
  xmlns:vmw="http://www.vmware.com/schema/ovf" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:acme="http://example.com/acme">`;

const CPU = '<Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item>';

/** One VM; `envelope` goes before the VirtualSystem, `vs` inside it, `items` into its hardware. */
function ovf(p: { envelope?: string; vs?: string; items?: string; tail?: string } = {}): string {
  return `${HEAD}
  <References/>
  ${p.envelope ?? ''}
  <VirtualSystem ovf:id="vm">
    <Info>a vm</Info>
    ${p.vs ?? ''}
    <VirtualHardwareSection><Info>hw</Info>
      <System><vssd:ElementName>f</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType></System>
      ${p.items ?? CPU}
    </VirtualHardwareSection>
  </VirtualSystem>
  ${p.tail ?? ''}
</Envelope>`;
}

const P = { locale: '', deploymentOption: '' };
/** The parts of an issue the tests pin: what a caller switches on and shows. */
const brief = (list: OvfIssue[] | undefined): { code: string; fault: string; path?: string; line?: number }[] =>
  (list ?? []).map((i) => ({ code: i.code, fault: i.fault._typeName, ...(i.path !== undefined && { path: i.path }), ...(i.line !== undefined && { line: i.line }) }));
const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('readEnvelope: VMware sections vSphere understands', () => {
  it('accepts every vmw section vCenter 8/9 writes, ovf:required or not, with no issue', () => {
    const sections = ['TagBasedPlacementGroupSection', 'TagBasedPlacementSection', 'BootOrderSection', 'StorageGroupSection', 'StorageSection',
      'vServiceDependencySection', 'CpuCompatibilitySection', 'MigrationUpgradeRequisitesSection', 'VirtualDeviceGroupSection'];
    const vs = sections.map((s) => `<vmw:${s} ovf:required="true"><Info>${s}</Info></vmw:${s}>`).join('\n');
    const r = parseDescriptor(ovf({ vs, envelope: '<vmw:TagBasedPlacementGroupSection vmw:id="g1" vmw:name="Gold" vmw:priority="0"><Info>tags</Info></vmw:TagBasedPlacementGroupSection>' }), P);
    assert.deepEqual(brief(r.error), []);
    assert.deepEqual(brief(r.warning), []);
  });

  it('still refuses a required vmw section vSphere does not know', () => {
    const text = ovf({ vs: '<vmw:NoSuchSection><Info>?</Info></vmw:NoSuchSection>' });
    const r = parseDescriptor(text, P);
    assert.deepEqual(brief(r.error), [{ code: 'UNSUPPORTED_SECTION', fault: 'OvfUnsupportedSection', path: '/Envelope/VirtualSystem[@ovf:id="vm"]/vmw:NoSuchSection', line: lineOf(text, '<vmw:NoSuchSection') }]);
  });
});

describe('readEnvelope: rules vSphere enforces at parse', () => {
  it('refuses two ProductSections with the same class and instance (OvfDuplicateElement)', () => {
    const ps = (key: string): string => `<ProductSection ovf:class="com.acme" ovf:instance="1"><Info>p</Info><Property ovf:key="${key}" ovf:type="string"/></ProductSection>`;
    const text = ovf({ vs: `${ps('a')}\n${ps('b')}\n<ProductSection ovf:class="com.acme" ovf:instance="2"><Info>p</Info></ProductSection>` });
    const r = parseDescriptor(text, P);
    assert.deepEqual(brief(r.error), [{ code: 'DUPLICATE_PRODUCT_SECTION', fault: 'OvfDuplicateElement', path: '/Envelope/VirtualSystem[@ovf:id="vm"]/ProductSection[2]', line: lineOf(text, '<ProductSection') + 1 }]);
    assert.equal(r.error![0]!.value, 'com.acme.1');
  });

  it('refuses a ResourceAllocationSection inside a VirtualSystem (only a collection may have one)', () => {
    const text = ovf({ vs: `<ResourceAllocationSection><Info>res</Info>${CPU}</ResourceAllocationSection>` });
    const r = parseDescriptor(text, P);
    assert.deepEqual(brief(r.error), [{ code: 'MISPLACED_SECTION', fault: 'OvfWrongElement', path: '/Envelope/VirtualSystem[@ovf:id="vm"]/ResourceAllocationSection', line: lineOf(text, '<ResourceAllocationSection') }]);
  });

  it('refuses an Item element no RASD schema defines when it says ovf:required="true", and ignores it otherwise', () => {
    const item = (attr: string): string => `<Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity><acme:Turbo ${attr}>on</acme:Turbo><rasd:Generation>1</rasd:Generation></Item>`;
    const text = ovf({ items: item('ovf:required="true"') });
    const r = parseDescriptor(text, P);
    assert.deepEqual(brief(r.error), [{ code: 'UNSUPPORTED_ELEMENT', fault: 'OvfUnsupportedElement', path: '/Envelope/VirtualSystem[@ovf:id="vm"]/VirtualHardwareSection[1]/Item[1]/acme:Turbo', line: lineOf(text, '<acme:Turbo') }]);
    assert.deepEqual(r.error![0]!.fault, { _typeName: 'OvfUnsupportedElement', lineNumber: lineOf(text, '<acme:Turbo'), name: 'acme:Turbo' });
    assert.deepEqual(brief(parseDescriptor(ovf({ items: item('') }), P).error), []);
    assert.deepEqual(brief(parseDescriptor(ovf({ items: item('ovf:required="false"') }), P).error), []);
  });

  it('reports a VirtualQuantity that is not a whole number at parse, once; xsi:nil means no value', async () => {
    const text = ovf({ items: '<Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1.5</rasd:VirtualQuantity></Item>' });
    const r = parseDescriptor(text, P);
    assert.deepEqual(brief(r.error), [{ code: 'MALFORMED_NUMBER', fault: 'OvfInvalidValueFormatMalformed', path: '/Envelope/VirtualSystem[@ovf:id="vm"]/VirtualHardwareSection[1]/Item[1]/rasd:VirtualQuantity', line: lineOf(text, '<Item><rasd:ElementName>cpu') }]);
    assert.equal(r.error![0]!.value, '1.5');
    // One fact, one issue: CreateImportSpec does not report the same CPU count again as BAD_QUANTITY.
    const cisp = await new LocalOvfManager().createImportSpec(text, undefined, undefined, { ...P, entityName: 'vm' });
    assert.deepEqual(brief(cisp.error), brief(r.error));
    const nil = parseDescriptor(ovf({ items: `${CPU}<Item><rasd:ElementName>mem</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:Reservation>512</rasd:Reservation><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity xsi:nil="true"/></Item>` }), P);
    assert.deepEqual(brief(nil.error), []);
  });

  it('accepts an Envelope-level EulaSection with a warning, and does not show it as the EULA', () => {
    const text = ovf({ envelope: '<EulaSection><Info>eula</Info><License>Terms</License></EulaSection>' });
    const r = parseDescriptor(text, P);
    assert.deepEqual(brief(r.error), []);
    assert.deepEqual(brief(r.warning), [{ code: 'MISPLACED_SECTION', fault: 'OvfWrongElement', path: '/Envelope/EulaSection', line: lineOf(text, '<EulaSection') }]);
    assert.equal(r.eula, undefined);
  });

  it('accepts a Strings bundle whose file cannot be resolved with a warning, keeping the descriptor texts', () => {
    const text = ovf({ vs: '<AnnotationSection><Info>a</Info><Annotation ovf:msgid="note">Hello</Annotation></AnnotationSection>', tail: '<Strings xml:lang="de" ovf:fileRef="de-bundle"/>' });
    const r = parseDescriptor(text, { locale: 'de', deploymentOption: '' });
    assert.deepEqual(brief(r.error), []);
    assert.deepEqual(brief(r.warning), [{ code: 'DANGLING_STRINGS_FILE_REF', fault: 'OvfInvalidValueReference', path: '/Envelope/Strings[1]/@ovf:fileRef', line: lineOf(text, '<Strings') }]);
    assert.equal(r.annotation, 'Hello');
  });

  it('reads the legacy rasd:InstanceId as InstanceID, with a warning', () => {
    const items = `<Item><rasd:ElementName>scsi</rasd:ElementName><rasd:InstanceId>7</rasd:InstanceId><rasd:ResourceType>6</rasd:ResourceType></Item>
      <Item><rasd:ElementName>cd</rasd:ElementName><rasd:InstanceID>8</rasd:InstanceID><rasd:Parent>7</rasd:Parent><rasd:ResourceType>15</rasd:ResourceType></Item>`;
    const text = ovf({ items: CPU + items });
    const r = parseDescriptor(text, P);
    assert.deepEqual(brief(r.error), []);
    assert.deepEqual(brief(r.warning), [{ code: 'LEGACY_ELEMENT_NAME', fault: 'OvfWrongElement', path: '/Envelope/VirtualSystem[@ovf:id="vm"]/VirtualHardwareSection[1]/Item[2]/rasd:InstanceId', line: lineOf(text, '<rasd:InstanceId>') }]);
  });
});
