import * as assert from 'node:assert/strict';
import { parseDescriptor } from './parse-descriptor';

const HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
  xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
  xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
  xmlns:vmw="http://www.vmware.com/schema/ovf">`;

/** A small descriptor with hooks to inject parts. */
function ovf(parts: { refs?: string; disks?: string; nets?: string; options?: string; product?: string; items?: string; extra?: string; strings?: string } = {}): string {
  return `${HEAD}
  <References>${parts.refs ?? '<File ovf:id="file1" ovf:href="disk1.vmdk" ovf:size="1000"/>'}</References>
  <DiskSection><Info>disks</Info>${parts.disks ?? '<Disk ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:capacity="2" ovf:capacityAllocationUnits="byte * 2^30" ovf:populatedSize="500"/>'}</DiskSection>
  <NetworkSection><Info>nets</Info>${parts.nets ?? '<Network ovf:name="VM Network"><Description>the net</Description></Network>'}</NetworkSection>
  ${parts.options ?? ''}
  <VirtualSystem ovf:id="vm">
    <Info>a vm</Info>
    ${parts.product ?? ''}
    ${parts.extra ?? ''}
    <VirtualHardwareSection><Info>hw</Info>
      <System><vssd:ElementName>f</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType></System>
      ${parts.items ?? `<Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item>
      <Item><rasd:ElementName>scsi</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>6</rasd:ResourceType></Item>
      <Item><rasd:ElementName>disk</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource><rasd:InstanceID>3</rasd:InstanceID><rasd:Parent>2</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
      <Item><rasd:Connection>VM Network</rasd:Connection><rasd:ElementName>nic</rasd:ElementName><rasd:InstanceID>4</rasd:InstanceID><rasd:ResourceType>10</rasd:ResourceType></Item>`}
    </VirtualHardwareSection>
  </VirtualSystem>
  ${parts.strings ?? ''}
</Envelope>`;
}
const P = { locale: '', deploymentOption: '' };
const codes = (r: ReturnType<typeof parseDescriptor>): string[] => (r.error ?? []).map((e) => e.code);

const OPTIONS = `<DeploymentOptionSection><Info>sizes</Info>
  <Configuration ovf:id="small"><Label ovf:msgid="small.label">Small</Label><Description>1 CPU</Description></Configuration>
  <Configuration ovf:id="large" ovf:default="true"><Label>Large</Label><Description>4 CPU</Description></Configuration>
</DeploymentOptionSection>`;
const PRODUCT = `<ProductSection ovf:class="app">
  <Info>p</Info><Product ovf:msgid="product">Demo</Product><Vendor>ACME</Vendor><Version>1.0</Version>
  <Category>Network</Category>
  <Property ovf:key="hostname" ovf:type="string" ovf:qualifiers="MaxLen(10)" ovf:userConfigurable="true" ovf:value="demo">
    <Label ovf:msgid="hostname.label">Host name</Label>
    <Value ovf:value="big-one" ovf:configuration="large"/>
  </Property>
  <Property ovf:key="secret" ovf:type="string" ovf:password="true" ovf:value="hunter2" ovf:userConfigurable="true"/>
</ProductSection>`;

describe('parseDescriptor', () => {
  it('returns the vim25 result fields of a valid descriptor with no errors', () => {
    const r = parseDescriptor(ovf({ product: PRODUCT, options: OPTIONS }), P);
    assert.deepEqual(r.error, []);
    assert.equal(r.defaultEntityName, 'Demo');
    assert.equal(r.virtualApp, false);
    assert.equal(r.defaultDeploymentOption, 'large');
    assert.deepEqual(r.network, [{ name: 'VM Network', description: 'the net' }]);
    assert.equal(r.approximateDownloadSize, 1000);
    assert.equal(r.approximateFlatDeploymentSize, 2 * 2 ** 30);
    assert.equal(r.approximateSparseDeploymentSize, 500);
    assert.deepEqual(r.productInfo, { key: 0, classId: 'app', name: 'Demo', vendor: 'ACME', version: '1.0' });
    assert.deepEqual(r.annotatedOst, { id: '', type: 'envelope', child: [{ id: 'vm', type: 'virtualSystem' }] });
  });

  it('applies the chosen deployment option to property values, and the default without one', () => {
    const dflt = parseDescriptor(ovf({ product: PRODUCT, options: OPTIONS }), P);
    assert.equal(dflt.property?.[0]?.defaultValue, 'big-one');
    const small = parseDescriptor(ovf({ product: PRODUCT, options: OPTIONS }), { locale: '', deploymentOption: 'small' });
    assert.equal(small.property?.[0]?.defaultValue, 'demo');
  });

  it('reports an unknown deployment option with the choices', () => {
    const r = parseDescriptor(ovf({ options: OPTIONS }), { locale: '', deploymentOption: 'huge' });
    assert.deepEqual(codes(r), ['UNKNOWN_DEPLOYMENT_OPTION']);
    assert.equal(r.error?.[0]?.allowed, '"small", "large"');
  });

  it('maps properties to VAppPropertyInfo and never returns a password default', () => {
    const r = parseDescriptor(ovf({ product: PRODUCT }), P);
    assert.deepEqual(r.property?.[0], { key: 0, classId: 'app', id: 'hostname', category: 'Network', label: 'Host name', type: 'string(..10)', userConfigurable: true, defaultValue: 'demo' });
    assert.equal(r.property?.[1]?.type, 'password');
    assert.equal(r.property?.[1]?.defaultValue, '');
    assert.ok(!JSON.stringify(r).includes('hunter2'));
  });

  it('localises texts from the StringsSection for the locale, and msgBundle first', () => {
    const strings = '<Strings xml:lang="de-DE"><Msg ovf:msgid="product">Vorführung</Msg><Msg ovf:msgid="hostname.label">Rechnername</Msg><Msg ovf:msgid="small.label">Klein</Msg></Strings>';
    const de = parseDescriptor(ovf({ product: PRODUCT, options: OPTIONS, strings }), { locale: 'de', deploymentOption: '' });
    assert.equal(de.productInfo?.name, 'Vorführung');
    assert.equal(de.property?.[0]?.label, 'Rechnername');
    assert.equal(de.deploymentOption?.[0]?.label, 'Klein');
    const bundle = parseDescriptor(ovf({ product: PRODUCT, strings }), { locale: 'de-DE', deploymentOption: '', msgBundle: [{ key: 'product', value: 'Aus dem Bündel' }] });
    assert.equal(bundle.productInfo?.name, 'Aus dem Bündel');
    assert.equal(parseDescriptor(ovf({ product: PRODUCT, strings }), P).productInfo?.name, 'Demo');
  });

  it('reports a default value outside the qualifiers', () => {
    const product = '<ProductSection><Info>p</Info><Property ovf:key="n" ovf:type="uint8" ovf:qualifiers="MinValue(1) MaxValue(5)" ovf:value="9"/></ProductSection>';
    const r = parseDescriptor(ovf({ product }), P);
    assert.deepEqual(codes(r), ['PROPERTY_VALUE']);
    assert.equal(r.error?.[0]?.fault._typeName, 'OvfPropertyValue');
  });

  it('reports every dangling reference, not only the first', () => {
    const items = `<Item><rasd:ElementName>disk</rasd:ElementName><rasd:HostResource>ovf:/disk/nope</rasd:HostResource><rasd:InstanceID>3</rasd:InstanceID><rasd:Parent>99</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
      <Item><rasd:Connection>Other Net</rasd:Connection><rasd:ElementName>nic</rasd:ElementName><rasd:InstanceID>4</rasd:InstanceID><rasd:ResourceType>10</rasd:ResourceType></Item>`;
    const disks = '<Disk ovf:diskId="vmdisk1" ovf:fileRef="file9" ovf:capacity="1" ovf:parentRef="ghost"/>';
    const r = parseDescriptor(ovf({ items, disks }), P);
    assert.deepEqual(codes(r).sort(), ['DANGLING_CONNECTION', 'DANGLING_FILE_REF', 'DANGLING_HOST_RESOURCE', 'DANGLING_PARENT', 'DANGLING_PARENT_REF']);
    const fileRef = r.error!.find((e) => e.code === 'DANGLING_FILE_REF')!;
    assert.deepEqual(fileRef.fault, { _typeName: 'OvfInvalidValueReference', lineNumber: fileRef.line, elementName: 'Disk', attributeName: 'ovf:fileRef', value: 'file9' });
    assert.equal(fileRef.path, '/Envelope/DiskSection/Disk[1]/@ovf:fileRef');
    assert.equal(fileRef.allowed, '"file1"');
  });

  it('reports reference cycles in disk chains and Item parents, in linear time', () => {
    const disks = '<Disk ovf:diskId="a" ovf:capacity="1" ovf:parentRef="b"/><Disk ovf:diskId="b" ovf:capacity="1" ovf:parentRef="a"/>';
    const items = Array.from({ length: 3000 }, (_, i) => `<Item><rasd:ElementName>x</rasd:ElementName><rasd:InstanceID>${i}</rasd:InstanceID><rasd:Parent>${(i + 1) % 3000}</rasd:Parent><rasd:ResourceType>1</rasd:ResourceType></Item>`).join('');
    const r = parseDescriptor(ovf({ disks, items }), P);
    assert.deepEqual(codes(r), ['REFERENCE_CYCLE', 'REFERENCE_CYCLE']);
  });

  it('reports every one of thousands of dangling Parents and Connections (no shortcut, no quadratic lists)', () => {
    const items = Array.from({ length: 5000 }, (_, i) => `<Item><rasd:Connection>net${i}</rasd:Connection><rasd:ElementName>x</rasd:ElementName><rasd:InstanceID>${i}</rasd:InstanceID><rasd:Parent>p${i}</rasd:Parent><rasd:ResourceType>10</rasd:ResourceType></Item>`).join('');
    const r = parseDescriptor(ovf({ items }), P);
    assert.equal(r.error?.filter((e) => e.code === 'DANGLING_PARENT').length, 5000);
    assert.equal(r.error?.filter((e) => e.code === 'DANGLING_CONNECTION').length, 5000);
  });

  it('reports absurd numbers: 1e400, negatives, beyond 2^53, non-numeric', () => {
    const refs = '<File ovf:id="f1" ovf:href="a" ovf:size="1e400"/><File ovf:id="f2" ovf:href="b" ovf:size="-5"/><File ovf:id="f3" ovf:href="c" ovf:size="99999999999999999999"/>';
    const disks = '<Disk ovf:diskId="d" ovf:capacity="lots"/><Disk ovf:diskId="e" ovf:capacity="9007199254740991" ovf:capacityAllocationUnits="byte * 2^30"/><Disk ovf:diskId="g" ovf:capacity="1" ovf:capacityAllocationUnits="furlongs"/>';
    const r = parseDescriptor(ovf({ refs, disks, items: '' }), P);
    assert.deepEqual(codes(r).sort(), ['BAD_UNITS', 'MALFORMED_NUMBER', 'MALFORMED_NUMBER', 'NUMBER_OUT_OF_RANGE', 'NUMBER_OUT_OF_RANGE', 'NUMBER_OUT_OF_RANGE']);
  });

  it('checks ovf:bound ranges: a min/max without normal, and a repeated bound', () => {
    const item = (bound: string, q: string): string => `<Item ${bound}><rasd:ElementName>m</rasd:ElementName><rasd:InstanceID>5</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>${q}</rasd:VirtualQuantity></Item>`;
    const r = parseDescriptor(ovf({ items: item('ovf:bound="min"', '1') + item('ovf:bound="min"', '2') + item('ovf:bound="max"', '4') }), P);
    assert.deepEqual(codes(r).sort(), ['DUPLICATE_BOUND', 'MISSING_NORMAL_BOUND']);
    assert.deepEqual(codes(parseDescriptor(ovf({ items: item('ovf:bound="min"', '1') + item('', '2') + item('ovf:bound="max"', '4') }), P)), []);
  });

  it('reports an unknown ovf:configuration id on an Item', () => {
    const items = '<Item ovf:configuration="medium"><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType></Item>';
    assert.deepEqual(codes(parseDescriptor(ovf({ items, options: OPTIONS }), P)), ['UNKNOWN_CONFIGURATION']);
  });

  it('reports an unknown required section as OvfUnsupportedSection, and ignores an optional one', () => {
    const extra = '<foo:Gizmo xmlns:foo="urn:foo"><Info>x</Info></foo:Gizmo><foo:OptionalSection xmlns:foo="urn:foo" ovf:required="false"><Info>y</Info></foo:OptionalSection>';
    const r = parseDescriptor(ovf({ extra }), P);
    assert.deepEqual(codes(r), ['UNSUPPORTED_SECTION']);
    assert.deepEqual(r.error?.[0]?.fault, { _typeName: 'OvfUnsupportedSection', lineNumber: r.error?.[0]?.line, name: 'foo:Gizmo', info: 'x' });
  });

  it('never throws, even for non-text input', () => {
    assert.doesNotThrow(() => parseDescriptor(undefined as unknown as string, P));
    assert.deepEqual(codes(parseDescriptor('', P)), ['XML_MALFORMED']);
    assert.deepEqual(codes(parseDescriptor('<notovf/>', P)), ['WRONG_NAMESPACE']);
  });

  it('lists child entities of a vApp by display name and path', () => {
    const vapp = `${HEAD}<References/><VirtualSystemCollection ovf:id="app"><Info>x</Info>
      <VirtualSystem ovf:id="web"><Info>w</Info><Name>Web server</Name><VirtualHardwareSection><Info>h</Info></VirtualHardwareSection></VirtualSystem>
      <VirtualSystemCollection ovf:id="db"><Info>d</Info><VirtualSystem ovf:id="pg"><Info>p</Info><VirtualHardwareSection><Info>h</Info></VirtualHardwareSection></VirtualSystem></VirtualSystemCollection>
    </VirtualSystemCollection></Envelope>`;
    const r = parseDescriptor(vapp, P);
    assert.deepEqual(r.error, []);
    assert.equal(r.virtualApp, true);
    assert.deepEqual(r.entityName, [{ key: 'Web server', value: 'web' }, { key: 'db', value: 'db' }, { key: 'pg', value: 'db/pg' }]);
  });
});
