/** The device catalogue on descriptors written for it: NVDIMMs as vSphere exports them (issue 13). */
import * as assert from 'node:assert/strict';
import { LocalOvfManager } from '../ovfmanager';
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
