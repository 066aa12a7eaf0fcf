/**
 * CreateImportSpec rules vSphere applies (issue 13): each case is a descriptor written for it,
 * and the whole error and warning lists of ParseDescriptor and CreateImportSpec are compared.
 */
import * as assert from 'node:assert/strict';
import type { OvfIssue } from '../faults';
import { LocalOvfManager } from '../ovfmanager';
import { createPlan } from '../plan';
import { escapeEntityName } from './names';
import type { VirtualAppImportSpec, VirtualMachineImportSpec } from './types';

const HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
  xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
  xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
  xmlns:vmw="http://www.vmware.com/schema/ovf">`;

/** A VirtualSystem `id` named `name`, with one CPU, 1 GB and `items`. */
function vs(id: string, name: string | undefined, items = ''): string {
  return `<VirtualSystem ovf:id="${id}"><Info>vm</Info>${name === undefined ? '' : `<Name>${name}</Name>`}
    <OperatingSystemSection ovf:id="101" vmw:osType="otherLinux64Guest"><Info>os</Info></OperatingSystemSection>
    <VirtualHardwareSection><Info>hw</Info>
      <System><vssd:ElementName>f</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType></System>
      <Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item>
      <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>mem</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>1024</rasd:VirtualQuantity></Item>
      ${items}
    </VirtualHardwareSection>
  </VirtualSystem>`;
}

const P = { locale: '', deploymentOption: '' };
/** The parts of an issue the tests pin: what a caller switches on. */
const brief = (list: OvfIssue[] | undefined): { code: string; fault: string }[] => (list ?? []).map((i) => ({ code: i.code, fault: i.fault._typeName }));

describe('CreateImportSpec: entity names with "/", "%" or "\\"', () => {
  it('escapes them as vSphere stores inventory names, keeping escapes already there', () => {
    assert.equal(escapeEntityName('web/db'), 'web%2fdb');
    assert.equal(escapeEntityName('C:\\vm'), 'C:%5cvm');
    assert.equal(escapeEntityName('100% up'), '100%25 up');
    assert.equal(escapeEntityName('a%2fb %5C c %25 %41'), 'a%2fb %5C c %25 %2541');
    assert.equal(escapeEntityName(escapeEntityName('a/b%c\\d')), 'a%2fb%25c%5cd');
    assert.equal(escapeEntityName('plain name'), 'plain name');
  });

  it('imports a VM whose entityName has all three, under the escaped name, with no issue', async () => {
    const text = `${HEAD}<References/>${vs('vm', undefined)}</Envelope>`;
    const r = await new LocalOvfManager().createImportSpec(text, undefined, undefined, { ...P, entityName: 'web/db\\1 100%' });
    assert.deepEqual(brief(r.error), []);
    assert.deepEqual(brief(r.warning), []);
    assert.equal((r.importSpec as VirtualMachineImportSpec).configSpec.name, 'web%2fdb%5c1 100%25');
    const { plan } = createPlan(text, { entityName: 'web/db\\1 100%' });
    assert.equal(plan.ok, true);
    assert.equal(plan.entityName, 'web%2fdb%5c1 100%25');
    assert.deepEqual(plan.entities, [{ name: 'web%2fdb%5c1 100%25', path: 'web%2fdb%5c1 100%25', kind: 'VirtualMachine' }]);
  });

  it('escapes the default names of a vApp and its VMs (ProductSection Product, VirtualSystem Name)', async () => {
    const text = `${HEAD}<References/>
  <VirtualSystemCollection ovf:id="app"><Info>vApp</Info>
    <ProductSection><Info>p</Info><Product>Shop 2/3</Product></ProductSection>
    ${vs('db', 'db\\primary')}
    ${vs('web', '50% web')}
  </VirtualSystemCollection></Envelope>`;
    const r = await new LocalOvfManager().createImportSpec(text, undefined, undefined, { ...P, entityName: '' });
    assert.deepEqual(brief(r.error), []);
    assert.deepEqual(brief(r.warning), []);
    const app = r.importSpec as VirtualAppImportSpec;
    assert.equal(app.name, 'Shop 2%2f3');
    assert.deepEqual(app.child!.map((c) => (c as VirtualMachineImportSpec).configSpec.name), ['db%5cprimary', '50%25 web']);
  });

  it('still refuses a name longer than 80 characters (OvfInvalidVmName), counted as given', async () => {
    const text = `${HEAD}<References/>${vs('vm', undefined)}</Envelope>`;
    const m = new LocalOvfManager();
    const at80 = await m.createImportSpec(text, undefined, undefined, { ...P, entityName: `${'a/'.repeat(40)}` });
    assert.deepEqual(brief(at80.error), []);
    const at81 = await m.createImportSpec(text, undefined, undefined, { ...P, entityName: 'a'.repeat(81) });
    assert.deepEqual(brief(at81.error), [{ code: 'INVALID_ENTITY_NAME', fault: 'OvfInvalidVmName' }]);
  });
});

describe('a Disk with ovf:fileRef="" is a blank disk (as in VMware VCF appliances)', () => {
  const items = `<Item><rasd:Address>0</rasd:Address><rasd:ElementName>scsi0</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>lsilogic</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>
      <Item><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:ElementName>boot</rasd:ElementName><rasd:HostResource>ovf:/disk/boot</rasd:HostResource><rasd:InstanceID>4</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
      <Item><rasd:AddressOnParent>1</rasd:AddressOnParent><rasd:ElementName>data</rasd:ElementName><rasd:HostResource>ovf:/disk/data</rasd:HostResource><rasd:InstanceID>5</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>`;
  const text = `${HEAD}
  <References><File ovf:href="boot.vmdk" ovf:id="file1" ovf:size="1048576"/></References>
  <DiskSection><Info>disks</Info>
    <Disk ovf:capacity="8" ovf:capacityAllocationUnits="byte * 2^30" ovf:diskId="boot" ovf:fileRef="file1" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
    <Disk ovf:capacity="100" ovf:capacityAllocationUnits="byte * 2^30" ovf:diskId="data" ovf:fileRef="" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  ${vs('vcf', undefined, items)}</Envelope>`;

  it('ParseDescriptor accepts it; the blank disk adds its capacity to the flat size and nothing to download or the sparse size', async () => {
    const r = await new LocalOvfManager().parseDescriptor(text, P);
    assert.deepEqual(brief(r.error), []);
    assert.deepEqual(brief(r.warning), []);
    assert.equal(r.approximateDownloadSize, 1048576);
    assert.equal(r.approximateFlatDeploymentSize, 108 * 2 ** 30);
    assert.equal(r.approximateSparseDeploymentSize, 1048576);
  });

  it('CreateImportSpec creates the disk empty: a new flat backing, no file to upload for it', async () => {
    const r = await new LocalOvfManager().createImportSpec(text, undefined, undefined, { ...P, entityName: 'vcf' });
    assert.deepEqual(brief(r.error), []);
    assert.deepEqual(brief(r.warning), []);
    const disks = (r.importSpec as VirtualMachineImportSpec).configSpec.deviceChange.filter((d) => d.device._typeName === 'VirtualDisk');
    assert.deepEqual(disks.map((d) => [d.fileOperation, d.device['capacityInBytes'], d.device.backing?._typeName]), [
      ['create', 8 * 2 ** 30, 'VirtualDiskFlatVer2BackingInfo'],
      ['create', 100 * 2 ** 30, 'VirtualDiskFlatVer2BackingInfo'],
    ]);
    assert.deepEqual(r.fileItem?.map((f) => [f.deviceId, f.path]), [[`/vcf/VirtualLsiLogicController0:0`, 'boot.vmdk']]);
  });
});

describe('rasd:HostResource forms ovf:/disk/ID, ovf://disk/ID and /disk/ID (one parser for ParseDescriptor and CreateImportSpec)', () => {
  const withForm = (form: string): string => `${HEAD}
  <References><File ovf:href="boot.vmdk" ovf:id="file1" ovf:size="1048576"/><File ovf:href="tools.iso" ovf:id="iso1" ovf:size="2048"/></References>
  <DiskSection><Info>disks</Info>
    <Disk ovf:capacity="8" ovf:capacityAllocationUnits="byte * 2^30" ovf:diskId="boot" ovf:fileRef="file1" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  ${vs('hr', undefined, `<Item><rasd:Address>0</rasd:Address><rasd:ElementName>scsi0</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>lsilogic</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>
      <Item><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:ElementName>boot</rasd:ElementName><rasd:HostResource>${form}disk/boot</rasd:HostResource><rasd:InstanceID>4</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
      <Item><rasd:Address>0</rasd:Address><rasd:ElementName>ide0</rasd:ElementName><rasd:InstanceID>5</rasd:InstanceID><rasd:ResourceType>5</rasd:ResourceType></Item>
      <Item><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:AutomaticAllocation>true</rasd:AutomaticAllocation><rasd:ElementName>cd</rasd:ElementName><rasd:HostResource>${form}file/iso1</rasd:HostResource><rasd:InstanceID>6</rasd:InstanceID><rasd:Parent>5</rasd:Parent><rasd:ResourceType>15</rasd:ResourceType></Item>`)}</Envelope>`;

  for (const form of ['ovf:/', 'ovf://', '/']) {
    it(`${form}disk/boot and ${form}file/iso1: no issue anywhere, the disk and the ISO are both uploaded`, async () => {
      const text = withForm(form);
      const m = new LocalOvfManager();
      const parsed = await m.parseDescriptor(text, P);
      assert.deepEqual([brief(parsed.error), brief(parsed.warning)], [[], []]);
      const r = await m.createImportSpec(text, undefined, undefined, { ...P, entityName: 'hr' });
      assert.deepEqual([brief(r.error), brief(r.warning)], [[], []]);
      const devices = (r.importSpec as VirtualMachineImportSpec).configSpec.deviceChange.map((d) => d.device);
      assert.deepEqual(devices.filter((d) => d._typeName === 'VirtualDisk').map((d) => d['capacityInBytes']), [8 * 2 ** 30]);
      assert.deepEqual(r.fileItem?.map((f) => f.path).sort(), ['boot.vmdk', 'tools.iso']);
      const { plan } = createPlan(text, { entityName: 'hr' });
      assert.deepEqual([plan.errors, plan.warnings, plan.ok], [[], [], true]);
      assert.deepEqual(plan.disks.map((d) => [d.diskId, d.file, d.capacityBytes]), [['boot', 'boot.vmdk', 8 * 2 ** 30]]);
    });
  }
});

describe('a File named by its href (the oVirt dialect) in rasd:HostResource or Disk ovf:fileRef names nothing, in ParseDescriptor and CreateImportSpec alike', () => {
  /** A disk whose Item's HostResource is `hostResource` and whose Disk's fileRef is `fileRef`, as oVirt writes image/volume references. */
  const oVirt = (hostResource: string, fileRef: string): string => `${HEAD}
  <References><File ovf:href="img-1/vol-1" ovf:id="vol-1" ovf:size="1048576"/></References>
  <DiskSection><Info>disks</Info>
    <Disk ovf:capacity="8" ovf:capacityAllocationUnits="byte * 2^30" ovf:diskId="vol-1" ovf:fileRef="${fileRef}" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  ${vs('ov', undefined, `<Item><rasd:Address>0</rasd:Address><rasd:ElementName>scsi0</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>lsilogic</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>
      <Item><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:ElementName>Drive 1</rasd:ElementName><rasd:HostResource>${hostResource}</rasd:HostResource><rasd:InstanceID>4</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>`)}</Envelope>`;
  const whole = (list: OvfIssue[] | undefined): unknown[] => (list ?? []).map((i) => [i.code, i.fault._typeName, i.line, i.value, i.allowed]);
  const DANGLING = (value: string): unknown[] => ['DANGLING_HOST_RESOURCE', 'OvfHostResourceConstraint', 17, value, '"ovf:/disk/vol-1", "ovf:/file/vol-1"'];

  for (const hostResource of ['img-1/vol-1', 'vol-1']) {
    it(`HostResource "${hostResource}" (the File's ${hostResource === 'vol-1' ? 'id' : 'href'}, bare): DANGLING_HOST_RESOURCE at parse, and CreateImportSpec and the plan report exactly that, no NO_CONTROLLER`, async () => {
      const text = oVirt(hostResource, 'vol-1');
      const m = new LocalOvfManager();
      const parsed = await m.parseDescriptor(text, P);
      assert.deepEqual([whole(parsed.error), whole(parsed.warning)], [[DANGLING(hostResource)], []]);
      const r = await m.createImportSpec(text, undefined, undefined, { ...P, entityName: 'ov' });
      assert.deepEqual([whole(r.error), r.importSpec], [[DANGLING(hostResource)], undefined]);
      const { plan } = createPlan(text, { entityName: 'ov' });
      assert.deepEqual([plan.ok, plan.errors.map((i) => [i.source, i.code])], [false, [['parseDescriptor', 'DANGLING_HOST_RESOURCE']]]);
    });
  }

  it('a Disk whose ovf:fileRef is the File\'s href: DANGLING_FILE_REF at parse (it no longer parses clean and then imports the disk blank, its file never uploaded)', async () => {
    const text = oVirt('ovf:/disk/vol-1', 'img-1/vol-1');
    const m = new LocalOvfManager();
    const parsed = await m.parseDescriptor(text, P);
    assert.deepEqual(parsed.error?.map((i) => [i.code, i.line, i.value]), [['DANGLING_FILE_REF', 8, 'img-1/vol-1']]);
    const r = await m.createImportSpec(text, undefined, undefined, { ...P, entityName: 'ov' });
    assert.deepEqual([r.error?.map((i) => i.code), r.fileItem], [['DANGLING_FILE_REF'], undefined]);
  });

  it('the same package written with ovf:/disk/<diskId> and fileRef = the File\'s id imports, the file uploaded', async () => {
    const r = await new LocalOvfManager().createImportSpec(oVirt('ovf:/disk/vol-1', 'vol-1'), undefined, undefined, { ...P, entityName: 'ov' });
    assert.deepEqual([r.error, r.fileItem?.map((f) => f.path)], [undefined, ['img-1/vol-1']]);
  });
});
