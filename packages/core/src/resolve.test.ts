import * as assert from 'node:assert/strict';
import { createPlan } from './plan';
import { LocalOvfManager } from './ovfmanager';
import { parseDescriptor } from './parse-descriptor';
import { fullPropertyId } from './property-keys';
import { resolveDescriptor } from './resolve';
import type { VirtualMachineImportSpec } from './importspec/types';

/** A VM whose first ProductSection is a classed sub-product, with German strings and a per-configuration value. */
const OVF = `<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData">
  <References><File ovf:href="d.vmdk" ovf:id="f1" ovf:size="1000"/></References>
  <DiskSection><Info>d</Info><Disk ovf:capacity="1" ovf:capacityAllocationUnits="byte * 2^30" ovf:diskId="d1" ovf:fileRef="f1" ovf:populatedSize="500"/></DiskSection>
  <DeploymentOptionSection><Info>c</Info>
    <Configuration ovf:id="small" ovf:default="true"><Label ovf:msgid="small.label">Small</Label><Description>s</Description></Configuration>
    <Configuration ovf:id="large"><Label ovf:msgid="large.label">Large</Label><Description>l</Description></Configuration>
  </DeploymentOptionSection>
  <VirtualSystem ovf:id="vm">
    <Info>vm</Info>
    <ProductSection ovf:class="com.example.sub"><Info>p</Info><Product>Sub</Product>
      <Property ovf:key="workers" ovf:type="uint8" ovf:userConfigurable="true" ovf:value="2" ovf:qualifiers="MaxValue(64)">
        <Label ovf:msgid="workers.label">Workers</Label>
        <Value ovf:value="8" ovf:configuration="large"/>
        <Value ovf:value="16" ovf:configuration="large"/>
      </Property>
    </ProductSection>
    <ProductSection><Info>p</Info><Product>Main</Product></ProductSection>
    <VirtualHardwareSection><Info>hw</Info>
      <System><vssd:ElementName>f</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-14</vssd:VirtualSystemType></System>
      <Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>
      <Item><rasd:ElementName>mem</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>1024</rasd:VirtualQuantity></Item>
      <Item><rasd:ElementName>scsi</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>lsilogic</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>
      <Item><rasd:ElementName>disk</rasd:ElementName><rasd:HostResource>ovf://disk/d1</rasd:HostResource><rasd:InstanceID>4</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
    </VirtualHardwareSection>
  </VirtualSystem>
  <Strings xml:lang="de-DE"><Msg ovf:msgid="workers.label">Arbeiter</Msg><Msg ovf:msgid="large.label">Groß</Msg></Strings>
</Envelope>`;

const CISP = { locale: '', deploymentOption: '', entityName: '' };

describe('resolveDescriptor: one derivation of every fact', () => {
  it('names the entity after the main (unclassed) product, in ParseDescriptor, CreateImportSpec and the plan alike', async () => {
    assert.equal(resolveDescriptor(OVF).defaultEntityName, 'Main');
    assert.equal(parseDescriptor(OVF).defaultEntityName, 'Main');
    const cis = await new LocalOvfManager().createImportSpec(OVF, undefined, undefined, CISP);
    assert.equal((cis.importSpec as VirtualMachineImportSpec).configSpec.name, 'Main');
    assert.equal(createPlan(OVF).plan.entityName, 'Main');
  });

  it('localises for de_DE the same way in ParseDescriptor and CreateImportSpec', async () => {
    const pd = parseDescriptor(OVF, { locale: 'de_DE', deploymentOption: '' });
    assert.equal(pd.property?.[0]?.label, 'Arbeiter');
    const cis = await new LocalOvfManager().createImportSpec(OVF, undefined, undefined, { ...CISP, locale: 'de_DE' });
    assert.equal((cis.importSpec as VirtualMachineImportSpec).configSpec.vAppConfig?.property?.[0]?.info.label, 'Arbeiter');
    const { plan } = createPlan(OVF, { locale: 'de_DE', deploymentOption: 'large' });
    assert.equal(plan.properties[0]?.label, 'Arbeiter');
    assert.equal(plan.deploymentOption.label, 'Groß');
  });

  it('gives one sparse size per disk: populatedSize when given, in ParseDescriptor, ValidateHost and the plan', async () => {
    const pd = parseDescriptor(OVF);
    const vh = await new LocalOvfManager().validateHost(OVF, undefined, { locale: '', deploymentOption: '' });
    const { plan } = createPlan(OVF);
    assert.deepEqual([pd.approximateSparseDeploymentSize, vh.sparseDeploymentSize, plan.sizes.sparseDeploymentBytes], [500, 500, 500]);
    assert.deepEqual([pd.approximateFlatDeploymentSize, vh.flatDeploymentSize, plan.sizes.flatDeploymentBytes], [2 ** 30, 2 ** 30, 2 ** 30]);
  });

  it('sizes an ovf:/file/<id> disk whose File a Disk describes by that Disk, in ParseDescriptor, ValidateHost, CreateImportSpec and the plan', async () => {
    // DSP0243 §9.1: the Disk (capacity × units, populatedSize) describes its File's content; the File gives only the stored bytes (1000).
    const byFile = OVF.replace('ovf://disk/d1', 'ovf:/file/f1');
    assert.notEqual(byFile, OVF);
    const sizes = async (d: string): Promise<unknown> => {
      const pd = parseDescriptor(d);
      const vh = await new LocalOvfManager().validateHost(d, undefined, { locale: '', deploymentOption: '' });
      const cis = await new LocalOvfManager().createImportSpec(d, undefined, undefined, CISP);
      const disk = (cis.importSpec as VirtualMachineImportSpec).configSpec.deviceChange?.map((c) => c.device).find((x) => x._typeName === 'VirtualDisk');
      return {
        parseDescriptor: [pd.approximateFlatDeploymentSize, pd.approximateSparseDeploymentSize],
        validateHost: [vh.flatDeploymentSize, vh.sparseDeploymentSize],
        createImportSpec: { capacityInBytes: disk?.['capacityInBytes'], warning: cis.warning ?? [] },
      };
    };
    assert.deepEqual(await sizes(byFile), {
      parseDescriptor: [2 ** 30, 500],
      validateHost: [2 ** 30, 500],
      createImportSpec: { capacityInBytes: 2 ** 30, warning: [] },
    });
    // The whole plan is the one of the ovf:/disk/ form (but for the digests of the other bytes and text).
    const planOf = (d: string): unknown => ({ ...createPlan(d).plan, descriptorDigest: '', descriptorTextDigest: '' });
    assert.deepEqual(planOf(byFile), planOf(OVF));
  });

  it('takes the first Value naming the chosen configuration, everywhere', async () => {
    const r = resolveDescriptor(OVF, { deploymentOption: 'large' });
    assert.equal(r.properties[0]?.defaultValue, '8');
    assert.equal(parseDescriptor(OVF, { locale: '', deploymentOption: 'large' }).property?.[0]?.defaultValue, '8');
    const cis = await new LocalOvfManager().createImportSpec(OVF, undefined, undefined, { ...CISP, deploymentOption: 'large' });
    assert.equal((cis.importSpec as VirtualMachineImportSpec).configSpec.vAppConfig?.property?.[0]?.info.defaultValue, '8');
    assert.equal(createPlan(OVF, { deploymentOption: 'large' }).plan.properties[0]?.value, '8');
  });

  it('reports an unknown deployment option once, in one wording', () => {
    const { plan } = createPlan(OVF, { deploymentOption: 'huge' });
    assert.deepEqual(plan.errors.map((e) => `${e.source}:${e.code}`), ['parseDescriptor:UNKNOWN_DEPLOYMENT_OPTION']);
    assert.deepEqual(plan.warnings, []);
  });

  it('CreateImportSpec carries the unknown deployment option once, as ParseDescriptor words it', async () => {
    const cis = await new LocalOvfManager().createImportSpec(OVF, undefined, undefined, { ...CISP, deploymentOption: 'huge' });
    const pd = parseDescriptor(OVF, { locale: '', deploymentOption: 'huge' });
    assert.deepEqual(cis.error, pd.error);
    assert.equal(cis.error?.length, 1);
  });

  it('gives each property its full id [class.]key[.instance], and the mapping sets it by that id', () => {
    assert.equal(fullPropertyId({ classId: 'com.example', id: 'workers', instanceId: '1' }), 'com.example.workers.1');
    assert.equal(fullPropertyId({ id: 'workers', instanceId: '' }), 'workers');
    const r = resolveDescriptor(OVF, { propertyMapping: [{ key: 'com.example.sub.workers', value: '4' }] });
    assert.deepEqual(r.properties.map((p) => [p.fullId, p.value, p.defaultValue, p.source]), [['com.example.sub.workers', '4', '2', 'propertyMapping']]);
  });

  it('sizes a disk whose capacity is a property reference from the mapped value, in CreateImportSpec and the plan alike', async () => {
    const withRef = OVF.replace('ovf:capacity="1" ovf:capacityAllocationUnits="byte * 2^30"', 'ovf:capacity="${workers}" ovf:capacityAllocationUnits="byte * 2^30"');
    const pm = [{ key: 'com.example.sub.workers', value: '3' }];
    assert.deepEqual(resolveDescriptor(withRef, { propertyMapping: pm }).disks.map((d) => [d.disk.diskId, d.capacityBytes, d.sparseBytes]), [['d1', 3 * 2 ** 30, 500]]);
    const vh = await new LocalOvfManager().validateHost(withRef, undefined, { locale: '', deploymentOption: '' });
    assert.equal(vh.flatDeploymentSize, 2 * 2 ** 30);
    assert.deepEqual(createPlan(withRef, { propertyMapping: { 'com.example.sub.workers': '3' } }).plan.disks.map((d) => d.capacityBytes), [3 * 2 ** 30]);
  });

  it('applies a bare key, resolved by the plan to its full id, to the one resolution: plan, CreateImportSpec and a ${key} disk agree', () => {
    const withRef = OVF.replace('ovf:capacity="1" ovf:capacityAllocationUnits="byte * 2^30"', 'ovf:capacity="${workers}" ovf:capacityAllocationUnits="byte * 2^30"');
    const r = createPlan(withRef, { propertyMapping: { workers: '4' } });
    assert.deepEqual(r.plan.errors, []);
    assert.deepEqual(r.plan.properties.map((p) => [p.id, p.value, p.source]), [['com.example.sub.workers', '4', 'propertyMapping']]);
    const vm = r.createImportSpec.importSpec as VirtualMachineImportSpec;
    assert.deepEqual(vm.configSpec.vAppConfig?.property?.map((p) => [p.info.id, p.info.value]), [['workers', '4']]);
    assert.deepEqual([r.plan.disks.map((d) => d.capacityBytes), r.plan.sizes.flatDeploymentBytes], [[4 * 2 ** 30], 4 * 2 ** 30]);
    // ParseDescriptor has no mapping: its approximate size is the default's.
    assert.equal(r.parseDescriptor.approximateFlatDeploymentSize, 2 * 2 ** 30);
  });

  it('keeps the exact bytes and decodes them by the declared encoding', () => {
    const latin1 = Buffer.from(OVF.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="ISO-8859-1"?>').replace('>Main<', '>Caf\u00e9<'), 'latin1');
    const r = resolveDescriptor(latin1);
    assert.equal(r.bytes, latin1);
    assert.match(r.text, /Café/);
    assert.equal(r.defaultEntityName, 'Café');
    assert.equal(createPlan(latin1).plan.descriptorDigest, r.digest);
  });
});
