/** The device catalogue on descriptors written for it: NVDIMMs as vSphere exports them (issue 13). */
import * as assert from 'node:assert/strict';
import { checkInventory } from '../inventory';
import { SITE } from '../inventory/inventory.test';
import { LocalOvfManager } from '../ovfmanager';
import { configInfoFromImportSpec, createDescriptorFromConfig } from '../ovfmanager/create-descriptor';
import { createPlan } from '../plan';
import { deviceFor } from './devices';
import type { VirtualMachineImportSpec } from './types';

/** A vmx-14 VM with an NVDIMM controller and one 512 MB NVDIMM, both under `resourceType`. */
function nvdimmOvf(resourceType: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
  xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
  xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
  xmlns:vmw="http://www.vmware.com/schema/ovf">
  <References/>
  <VirtualSystem ovf:id="pmem">
    <Info>A VM with persistent memory</Info>
    <OperatingSystemSection ovf:id="101" vmw:osType="otherLinux64Guest"><Info>os</Info></OperatingSystemSection>
    <VirtualHardwareSection><Info>hw</Info>
      <System><vssd:ElementName>Virtual Hardware Family</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-14</vssd:VirtualSystemType></System>
      <Item><rasd:ElementName>1 vCPU</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item>
      <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>1 GB</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>1024</rasd:VirtualQuantity></Item>
      <Item><rasd:ElementName>NVDIMM device 0</rasd:ElementName><rasd:InstanceID>4</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceSubType>vmware.nvdimm.device</rasd:ResourceSubType><rasd:ResourceType>${resourceType}</rasd:ResourceType><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:VirtualQuantity>512</rasd:VirtualQuantity></Item>
      <Item><rasd:ElementName>NVDIMM controller</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>vmware.nvdimm.controller</rasd:ResourceSubType><rasd:ResourceType>${resourceType}</rasd:ResourceType></Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>`;
}

describe('devices: NVDIMM', () => {
  it('maps vmware.nvdimm.* under ResourceType 20 (as vSphere exports them) and 1 (older writers)', () => {
    for (const rt of [1, 20]) {
      assert.deepEqual(deviceFor(rt, 'vmware.nvdimm.controller'), { device: 'VirtualNVDIMMController' });
      assert.deepEqual(deviceFor(rt, 'VMware.NVDIMM.Device'), { device: 'VirtualNVDIMM' });
    }
    assert.deepEqual(deviceFor(20, 'vmware.nvdimm.other'), { unsupported: 'subtype' });
  });

  for (const rt of [20, 1]) {
    it(`CreateImportSpec puts the NVDIMM (ResourceType ${rt}) on its controller, created first`, async () => {
      const r = await new LocalOvfManager({ hostProfile: 'esxi-8.0u3' }).createImportSpec(nvdimmOvf(rt), undefined, undefined, { locale: '', deploymentOption: '', entityName: 'pmem' });
      assert.deepEqual(r.error, undefined);
      const changes = (r.importSpec as VirtualMachineImportSpec).configSpec.deviceChange;
      assert.deepEqual(changes.map((d) => d.device._typeName), ['VirtualNVDIMMController', 'VirtualNVDIMM']);
      assert.equal(changes[1]!.device.controllerKey, changes[0]!.device.key);
      assert.equal(changes[1]!.device.unitNumber, 0);
    });
  }
});

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const P = { locale: '', deploymentOption: '' };

/**
 * A vmx-14 VM with a 1 GiB disk (512 KiB populated, in a 300 KiB file) and an NVDIMM whose
 * capacity is `quantity` (omitted when undefined) in `units` (omitted when undefined).
 */
function pmemVm(quantity: string | undefined, units: string | undefined): string {
  const q = quantity === undefined ? '' : `<rasd:VirtualQuantity>${quantity}</rasd:VirtualQuantity>`;
  const u = units === undefined ? '' : `<rasd:AllocationUnits>${units}</rasd:AllocationUnits>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
  xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
  xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
  xmlns:vmw="http://www.vmware.com/schema/ovf">
  <References><File ovf:href="pmem-disk1.vmdk" ovf:id="file1" ovf:size="307200"/></References>
  <DiskSection><Info>disks</Info><Disk ovf:capacity="1" ovf:capacityAllocationUnits="byte * 2^30" ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:populatedSize="524288" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/></DiskSection>
  <VirtualSystem ovf:id="pmem">
    <Info>A VM with persistent memory</Info>
    <OperatingSystemSection ovf:id="101" vmw:osType="otherLinux64Guest"><Info>os</Info></OperatingSystemSection>
    <VirtualHardwareSection><Info>hw</Info>
      <System><vssd:ElementName>Virtual Hardware Family</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-14</vssd:VirtualSystemType></System>
      <Item><rasd:ElementName>1 vCPU</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item>
      <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>1 GB</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>1024</rasd:VirtualQuantity></Item>
      <Item><rasd:Address>0</rasd:Address><rasd:ElementName>SCSI controller 0</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>
      <Item><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:ElementName>Hard disk 1</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource><rasd:InstanceID>4</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
      <Item><rasd:ElementName>NVDIMM controller</rasd:ElementName><rasd:InstanceID>5</rasd:InstanceID><rasd:ResourceSubType>vmware.nvdimm.controller</rasd:ResourceSubType><rasd:ResourceType>20</rasd:ResourceType></Item>
      <Item>${u}<rasd:ElementName>NVDIMM 1</rasd:ElementName><rasd:InstanceID>6</rasd:InstanceID><rasd:Parent>5</rasd:Parent><rasd:ResourceSubType>vmware.nvdimm.device</rasd:ResourceSubType><rasd:ResourceType>20</rasd:ResourceType>${q}</Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>`;
}

describe('devices: an NVDIMM\'s capacity (capacityInMB, and in the deployment sizes)', () => {
  const m = new LocalOvfManager({ hostProfile: 'esxi-8.0u3' });

  it('sets capacityInMB from VirtualQuantity in byte * 2^20, a new NVDIMM backing created whole, and counts it in the flat and sparse sizes of all three calls and the plan', async () => {
    const text = pmemVm('512', 'byte * 2^20');
    const parsed = await m.parseDescriptor(text, P);
    assert.deepEqual([parsed.error, parsed.warning], [[], []]);
    // Disk: 1 GiB flat, its populated 512 KiB sparse; the NVDIMM: 512 MiB in both.
    assert.deepEqual([parsed.approximateFlatDeploymentSize, parsed.approximateSparseDeploymentSize], [GiB + 512 * MiB, 524288 + 512 * MiB]);
    const host = await m.validateHost(text, undefined, P);
    assert.deepEqual([host.error, host.flatDeploymentSize, host.sparseDeploymentSize], [undefined, GiB + 512 * MiB, 524288 + 512 * MiB]);
    const r = await m.createImportSpec(text, undefined, undefined, { ...P, entityName: 'pmem' });
    assert.deepEqual([r.error, r.warning], [undefined, undefined]);
    const nvdimm = (r.importSpec as VirtualMachineImportSpec).configSpec.deviceChange.find((d) => d.device._typeName === 'VirtualNVDIMM')!;
    assert.deepEqual([nvdimm.operation, nvdimm.fileOperation, nvdimm.device['capacityInMB'], nvdimm.device.backing], ['add', 'create', 512, { _typeName: 'VirtualNVDIMMBackingInfo', fileName: '' }]);
    // Nothing to upload for it: the only file is the disk's.
    assert.deepEqual(r.fileItem?.map((f) => f.path), ['pmem-disk1.vmdk']);
    const { plan } = createPlan(text, { hostProfile: 'esxi-8.0u3', entityName: 'pmem' });
    assert.deepEqual([plan.ok, plan.sizes], [true, { downloadBytes: 307200, flatDeploymentBytes: GiB + 512 * MiB, sparseDeploymentBytes: 524288 + 512 * MiB }]);
  });

  it('reads other byte units, and MiB when AllocationUnits is absent, rounding up to whole MiB', async () => {
    for (const [quantity, units, mb] of [['2', 'byte * 2^30', 2048], ['256', undefined, 256], ['1000', 'byte', 1]] as const) {
      const r = await m.createImportSpec(pmemVm(quantity, units), undefined, undefined, { ...P, entityName: 'pmem' });
      assert.equal(r.error, undefined, `${quantity} ${units}`);
      const nvdimm = (r.importSpec as VirtualMachineImportSpec).configSpec.deviceChange.find((d) => d.device._typeName === 'VirtualNVDIMM')!;
      assert.equal(nvdimm.device['capacityInMB'], mb, `${quantity} ${units}`);
      assert.equal((await m.parseDescriptor(pmemVm(quantity, units), P)).approximateFlatDeploymentSize, GiB + mb * MiB);
    }
  });

  it('refuses an NVDIMM without a capacity (BAD_QUANTITY); a capacity that is no whole number is ParseDescriptor\'s MALFORMED_NUMBER, reported once', async () => {
    const none = await m.createImportSpec(pmemVm(undefined, undefined), undefined, undefined, { ...P, entityName: 'pmem' });
    assert.deepEqual(none.error?.map((i) => [i.code, i.fault._typeName, i.line]), [['BAD_QUANTITY', 'OvfElementInvalidValue', 18]]);
    assert.equal((await m.parseDescriptor(pmemVm(undefined, undefined), P)).approximateFlatDeploymentSize, GiB);
    const zero = await m.createImportSpec(pmemVm('0', 'byte * 2^20'), undefined, undefined, { ...P, entityName: 'pmem' });
    assert.deepEqual(zero.error?.map((i) => [i.code, i.value]), [['BAD_QUANTITY', '0 byte * 2^20']]);
    const half = await m.createImportSpec(pmemVm('1.5', 'byte * 2^30'), undefined, undefined, { ...P, entityName: 'pmem' });
    assert.deepEqual(half.error?.map((i) => i.code), ['MALFORMED_NUMBER']);
  });

  it('checks the datastore for the disks only: the NVDIMM is backed by the host\'s PMem storage', async () => {
    const site = structuredClone(SITE);
    site.hosts[0]!.profile = 'esxi-8.0u3';
    // Room for the thick disk (1 GiB), not for the disk and the NVDIMM (1.5 GiB).
    for (const d of site.datastores) d.freeSpace = GiB + MiB;
    const r = await new LocalOvfManager({ inventory: checkInventory(site).inventory! }).validateHost(pmemVm('512', 'byte * 2^20'), 'esx1.lab', P);
    assert.deepEqual([r.error, r.warning, r.flatDeploymentSize], [undefined, undefined, GiB + 512 * MiB]);
    for (const d of site.datastores) d.freeSpace = GiB - MiB;
    const short = await new LocalOvfManager({ inventory: checkInventory(site).inventory! }).validateHost(pmemVm('512', 'byte * 2^20'), 'esx1.lab', P);
    assert.deepEqual([short.error, short.warning?.map((i) => i.code)], [undefined, ['INSUFFICIENT_DATASTORE_SPACE']]);
    assert.match(short.warning![0]!.localizedMessage, /enough for thin disks \(0\.0 GiB\) but not thick ones \(1\.0 GiB\)/);
  });

  it('CreateDescriptor writes the NVDIMM as vCenter exports it (ResourceType 20, its capacity in byte * 2^20), and that imports to the same capacityInMB', async () => {
    const r = await m.createImportSpec(pmemVm('512', 'byte * 2^20'), undefined, undefined, { ...P, entityName: 'pmem' });
    const d = createDescriptorFromConfig(configInfoFromImportSpec(r.importSpec!), {});
    assert.equal(d.error, undefined);
    assert.match(d.ovfDescriptor, /<rasd:AllocationUnits>byte \* 2\^20<\/rasd:AllocationUnits>\s*<rasd:ElementName>NVDIMM 1<\/rasd:ElementName>[\s\S]*?<rasd:ResourceSubType>vmware\.nvdimm\.device<\/rasd:ResourceSubType>\s*<rasd:ResourceType>20<\/rasd:ResourceType>\s*<rasd:VirtualQuantity>512<\/rasd:VirtualQuantity>/);
    const again = await m.createImportSpec(d.ovfDescriptor, undefined, undefined, { ...P, entityName: 'pmem' });
    assert.equal(again.error, undefined);
    const nvdimm = (again.importSpec as VirtualMachineImportSpec).configSpec.deviceChange.find((x) => x.device._typeName === 'VirtualNVDIMM')!;
    assert.equal(nvdimm.device['capacityInMB'], 512);
  });
});
