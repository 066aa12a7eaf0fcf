import * as assert from 'node:assert/strict';
import { checkInventory } from '../inventory';
import { SITE } from '../inventory/inventory.test';
import type { VirtualMachineImportSpec, VirtualAppImportSpec } from '../importspec/types';
import { LocalOvfManager } from './index';

/** A small descriptor; `hw` replaces the default hardware items, `extra` goes into the VirtualSystem. */
function ovf(o: { vmx?: string; hw?: string; extra?: string; sections?: string; os?: string } = {}): string {
  const hw =
    o.hw ??
    `<Item><rasd:ElementName>2 vCPU</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>
     <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>4 GB</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>4096</rasd:VirtualQuantity></Item>
     <Item><rasd:Address>0</rasd:Address><rasd:ElementName>scsi0</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>
     <Item><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:ElementName>disk0</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource><rasd:InstanceID>4</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
     <Item><rasd:AutomaticAllocation>true</rasd:AutomaticAllocation><rasd:Connection>VM Network</rasd:Connection><rasd:ElementName>eth0</rasd:ElementName><rasd:InstanceID>5</rasd:InstanceID><rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType></Item>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
  xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
  xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
  xmlns:vmw="http://www.vmware.com/schema/ovf">
  <References><File ovf:href="disk1.vmdk" ovf:id="file1" ovf:size="1048576"/></References>
  <DiskSection><Info>disks</Info><Disk ovf:capacity="10" ovf:capacityAllocationUnits="byte * 2^30" ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:populatedSize="2097152"
    ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/></DiskSection>
  <NetworkSection><Info>nets</Info><Network ovf:name="VM Network"><Description>net</Description></Network></NetworkSection>
  ${o.sections ?? ''}
  <VirtualSystem ovf:id="web">
    <Info>A VM</Info>
    <OperatingSystemSection ovf:id="101" ${o.os ?? 'vmw:osType="otherLinux64Guest"'}><Info>os</Info></OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>hw</Info>
      <System><vssd:ElementName>Virtual Hardware Family</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>${o.vmx ?? 'vmx-13'}</vssd:VirtualSystemType></System>
      ${hw}
    </VirtualHardwareSection>
    ${o.extra ?? ''}
  </VirtualSystem>
</Envelope>`;
}

const P = { locale: '', deploymentOption: '' };
const CISP = { ...P, entityName: 'web01' };
const codes = (list: { code: string }[] | undefined): string[] => (list ?? []).map((i) => i.code);

describe('LocalOvfManager.validateHost', () => {
  it('accepts a plain vmx-13 VM on ESXi 6.5 and reports the sizes', async () => {
    const r = await new LocalOvfManager({ hostProfile: 'esxi-6.5' }).validateHost(ovf(), undefined, P);
    assert.equal(r.error, undefined);
    assert.equal(r.downloadSize, 1048576);
    assert.equal(r.flatDeploymentSize, 10 * 2 ** 30);
    assert.equal(r.sparseDeploymentSize, 2097152);
    assert.ok(r.supportedDiskProvisioning?.includes('thin'));
  });

  it('refuses vmx-21 on ESXi 7.0 with OvfHardwareCheck naming the versions', async () => {
    const r = await new LocalOvfManager({ hostProfile: 'esxi-7.0' }).validateHost(ovf({ vmx: 'vmx-21' }), undefined, P);
    assert.deepEqual(codes(r.error), ['HARDWARE_VERSION_UNSUPPORTED']);
    assert.equal(r.error![0]!.fault._typeName, 'OvfHardwareCheck');
    assert.match(r.error![0]!.localizedMessage, /vmx-21 .* not supported by esxi-7\.0u3 \(newest: vmx-19\)/);
  });

  it('picks the newest family the host supports from a list', async () => {
    const m = new LocalOvfManager({ hostProfile: 'esxi-6.7ga' });
    const r = await m.createImportSpec(ovf({ vmx: 'vmx-10 vmx-14 vmx-19' }), undefined, undefined, CISP);
    assert.equal((r.importSpec as VirtualMachineImportSpec).configSpec.version, 'vmx-14');
  });

  it('says no vmx family at all is OvfNoSupportedHardwareFamily', async () => {
    const r = await new LocalOvfManager().validateHost(ovf({ vmx: 'virtualbox-2.2' }), undefined, P);
    assert.deepEqual(codes(r.error), ['NO_HARDWARE_FAMILY']);
    assert.equal(r.error![0]!.fault._typeName, 'OvfNoSupportedHardwareFamily');
  });

  it('refuses an NVMe controller on vmx-11 as an unsupported subtype', async () => {
    const hw = `<Item><rasd:ElementName>nvme0</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>vmware.nvme.controller</rasd:ResourceSubType><rasd:ResourceType>20</rasd:ResourceType></Item>`;
    const r = await new LocalOvfManager().validateHost(ovf({ vmx: 'vmx-11', hw }), undefined, P);
    const e = r.error!.find((i) => i.code === 'DEVICE_UNSUPPORTED');
    assert.ok(e, JSON.stringify(r.error));
    assert.equal(e.fault._typeName, 'OvfUnsupportedSubType');
    assert.match(e.localizedMessage, /VirtualNVMEController .* needs hardware version vmx-13; the VM gets vmx-11/);
    assert.deepEqual(codes(r.warning), ['MISSING_CPU', 'MISSING_MEMORY']);
  });

  it('refuses more vCPUs and memory than the hardware version allows', async () => {
    const hw = `<Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>200</rasd:VirtualQuantity></Item>
      <Item><rasd:AllocationUnits>byte * 2^30</rasd:AllocationUnits><rasd:ElementName>mem</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>7000</rasd:VirtualQuantity></Item>`;
    const r = await new LocalOvfManager({ hostProfile: 'esxi-6.5' }).validateHost(ovf({ hw }), undefined, P);
    assert.deepEqual(codes(r.error), ['CPU_ABOVE_MAXIMUM', 'MEMORY_ABOVE_MAXIMUM']);
    assert.equal(r.error![1]!.allowed, 'at most 6275072 MB');
  });

  it('refuses a guest id the release does not know, and EFI secure boot below vmx-13', async () => {
    const extra = '';
    const r = await new LocalOvfManager({ hostProfile: 'esxi-7.0' }).validateHost(ovf({ os: 'vmw:osType="windows11_64Guest"', extra }), undefined, P);
    assert.deepEqual(codes(r.error), ['GUEST_ID_UNSUPPORTED']);
    const hw = `<vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="efi"/><vmw:Config ovf:required="false" vmw:key="bootOptions.efiSecureBootEnabled" vmw:value="true"/>`;
    const r2 = await new LocalOvfManager().validateHost(ovf({ vmx: 'vmx-11', hw: hwWith(hw) }), undefined, P);
    assert.deepEqual(codes(r2.error), ['SECURE_BOOT_UNSUPPORTED']);
  });

  it('accepts RHEL 10 (rhel10_64Guest) on ESXi 9.0 and refuses it on 8.0 U3, as vSphere does', async () => {
    const os = 'vmw:osType="rhel10_64Guest"';
    const r9 = await new LocalOvfManager({ hostProfile: 'esxi-9.0' }).validateHost(ovf({ os }), undefined, P);
    assert.equal(r9.error, undefined);
    const r8 = await new LocalOvfManager({ hostProfile: 'esxi-8.0u3' }).validateHost(ovf({ os }), undefined, P);
    assert.deepEqual(r8.error?.map((i) => [i.code, i.fault._typeName, i.value]), [['GUEST_ID_UNSUPPORTED', 'OvfHardwareCheck', 'rhel10_64Guest']]);
  });

  it('with an inventory, warns when the host fits the disks only thin, and refuses when not even thin', async () => {
    const small = structuredClone(SITE);
    small.datastores[0]!.freeSpace = 5 * 2 ** 30;
    const m = new LocalOvfManager({ inventory: checkInventory(small).inventory! });
    const r = await m.validateHost(ovf(), 'esx1.lab', P);
    assert.equal(r.error, undefined);
    assert.deepEqual(codes(r.warning), ['INSUFFICIENT_DATASTORE_SPACE']);
    assert.match(r.warning![0]!.localizedMessage, /host "esx1\.lab" has 5\.0 GiB free: enough for thin disks/);
    small.datastores[0]!.freeSpace = 1024;
    small.datastores[1]!.freeSpace = 1024;
    const r2 = await new LocalOvfManager({ inventory: checkInventory(small).inventory! }).validateHost(ovf(), 'esx1.lab', P);
    assert.deepEqual(codes(r2.error), ['INSUFFICIENT_DATASTORE_SPACE']);
  });
});

describe('LocalOvfManager with an inventory host in maintenance mode', () => {
  it('refuses to validate against it', async () => {
    const site = structuredClone(SITE) as typeof SITE & { hosts: Array<(typeof SITE)['hosts'][number] & { unavailable?: boolean }> };
    site.hosts[0]!.unavailable = true;
    const r = await new LocalOvfManager({ inventory: checkInventory(site).inventory! }).validateHost(ovf(), 'esx1.lab', P);
    assert.deepEqual(codes(r.error), ['HOST_UNAVAILABLE']);
  });
});

function hwWith(extra: string): string {
  return `<Item><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item>
    <Item><rasd:ElementName>mem</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>512</rasd:VirtualQuantity></Item>${extra}`;
}

describe('LocalOvfManager.createImportSpec', () => {
  it('builds a VirtualMachineImportSpec with controllers, disk, NIC and the file to upload', async () => {
    const r = await new LocalOvfManager().createImportSpec(ovf(), undefined, 'datastore1', CISP);
    assert.equal(r.error, undefined);
    const spec = r.importSpec as VirtualMachineImportSpec;
    assert.equal(spec._typeName, 'VirtualMachineImportSpec');
    const c = spec.configSpec;
    assert.deepEqual([c.name, c.version, c.guestId, c.numCPUs, c.memoryMB, c.files.vmPathName], ['web01', 'vmx-13', 'otherLinux64Guest', 2, 4096, '[datastore1]']);
    assert.deepEqual(c.deviceChange.map((d) => d.device._typeName), ['ParaVirtualSCSIController', 'VirtualDisk', 'VirtualVmxnet3']);
    const disk = c.deviceChange[1]!;
    assert.equal(disk.fileOperation, 'create');
    assert.equal(disk.device['capacityInKB'], 10 * 2 ** 20);
    assert.equal(disk.device.controllerKey, c.deviceChange[0]!.device.key);
    assert.deepEqual(r.fileItem, [{ deviceId: '/web01/ParaVirtualSCSIController0:0', path: 'disk1.vmdk', cimType: 17, create: false, size: 1048576 }]);
    assert.deepEqual(codes(r.warning), ['NETWORK_NOT_MAPPED']);
  });

  it('maps the OVF network through networkMapping onto an inventory port group', async () => {
    const { inventory } = checkInventory(SITE);
    const m = new LocalOvfManager({ inventory: inventory! });
    const r = await m.createImportSpec(ovf(), 'Resources', 'vmfs1', { ...CISP, networkMapping: [{ name: 'VM Network', network: { type: 'DistributedVirtualPortgroup', value: 'dvportgroup-14' } }] });
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    const nic = (r.importSpec as VirtualMachineImportSpec).configSpec.deviceChange.find((d) => d.device._typeName === 'VirtualVmxnet3')!;
    assert.deepEqual(nic.device.backing, { _typeName: 'VirtualEthernetCardDistributedVirtualPortBackingInfo', port: { portgroupKey: 'dvportgroup-14', switchUuid: '50 1e 2a 3b 4c 5d 6e 7f-80 91 a2 b3 c4 d5 e6 f7' } });
    assert.equal(r.warning, undefined);
  });

  it('reports a mapping for a network the descriptor does not declare, and drops the importSpec', async () => {
    const r = await new LocalOvfManager().createImportSpec(ovf(), undefined, undefined, { ...CISP, networkMapping: [{ name: 'Management', network: { type: 'Network', value: 'network-1' } }] });
    assert.deepEqual(codes(r.error), ['UNKNOWN_NETWORK_IN_MAPPING']);
    assert.equal(r.importSpec, undefined);
    assert.equal(r.error![0]!.allowed, 'VM Network');
  });

  it('refuses thick provisioning on an NFS datastore without VAAI', async () => {
    const { inventory } = checkInventory(SITE);
    const r = await new LocalOvfManager({ inventory: inventory! }).createImportSpec(ovf(), undefined, 'nfs1', { ...CISP, diskProvisioning: 'eagerZeroedThick' });
    assert.deepEqual(codes(r.error), ['DISK_PROVISIONING_UNSUPPORTED']);
    assert.equal(r.error![0]!.allowed, 'monolithicSparse, twoGbMaxExtentSparse, thin, sparse');
    assert.equal(r.error![0]!.fault._typeName, 'OvfUnsupportedDiskProvisioning');
  });

  it('checks property values against type and qualifiers, and never echoes a password', async () => {
    const extra = `<ProductSection><Info>p</Info><Product>Web</Product>
      <Property ovf:key="port" ovf:type="uint16" ovf:qualifiers="MinValue(1024),MaxValue(65535)" ovf:userConfigurable="true" ovf:value="8080"/>
      <Property ovf:key="mode" ovf:type="string" ovf:qualifiers="ValueMap{&quot;a&quot;,&quot;b&quot;}" ovf:userConfigurable="true" ovf:value="a"/>
      <Property ovf:key="pw" ovf:type="string" ovf:qualifiers="MinLen(8)" ovf:password="true" ovf:userConfigurable="true"/>
      <Property ovf:key="fixed" ovf:type="string" ovf:value="x"/></ProductSection>`;
    const r = await new LocalOvfManager().createImportSpec(ovf({ extra }), undefined, undefined, {
      ...CISP,
      propertyMapping: [
        { key: 'port', value: '80' },
        { key: 'mode', value: 'c' },
        { key: 'pw', value: 'Zq9!x' },
        { key: 'fixed', value: 'y' },
        { key: 'nope', value: '1' },
      ],
    });
    assert.deepEqual(codes(r.error), ['PROPERTY_VALUE_INVALID', 'PROPERTY_VALUE_INVALID', 'PROPERTY_VALUE_INVALID', 'PROPERTY_NOT_USER_CONFIGURABLE']);
    assert.deepEqual(codes(r.warning), ['UNKNOWN_PROPERTY_KEY', 'NETWORK_NOT_MAPPED']);
    assert.ok(!JSON.stringify(r).includes('Zq9!x'), 'the password value appears nowhere in the result');
  });

  it('puts valid mapped values in vAppConfig with the vApp types', async () => {
    const extra = `<ProductSection><Info>p</Info><Property ovf:key="port" ovf:type="uint16" ovf:qualifiers="MinValue(1024)" ovf:userConfigurable="true" ovf:value="8080"/></ProductSection>`;
    const r = await new LocalOvfManager().createImportSpec(ovf({ extra }), undefined, undefined, { ...CISP, propertyMapping: [{ key: 'port', value: '9090' }] });
    const prop = (r.importSpec as VirtualMachineImportSpec).configSpec.vAppConfig!.property![0]!.info;
    assert.deepEqual([prop.id, prop.type, prop.defaultValue, prop.value], ['port', 'int(1024..)', '8080', '9090']);
  });

  it('builds a VirtualAppImportSpec tree for a VirtualSystemCollection', async () => {
    const vsc = `<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData">
  <References/>
  <VirtualSystemCollection ovf:id="app"><Info>vApp</Info>
    <StartupSection><Info>s</Info><Item ovf:id="db" ovf:order="1"/><Item ovf:id="web" ovf:order="2" ovf:startDelay="30"/></StartupSection>
    ${['db', 'web'].map((id) => `<VirtualSystem ovf:id="${id}"><Info>vm</Info><VirtualHardwareSection><Info>hw</Info><System><vssd:ElementName>f</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-10</vssd:VirtualSystemType></System>${hwWith('')}</VirtualHardwareSection></VirtualSystem>`).join('\n')}
  </VirtualSystemCollection>
</Envelope>`;
    const r = await new LocalOvfManager().createImportSpec(vsc, undefined, undefined, { ...P, entityName: '' });
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    const app = r.importSpec as VirtualAppImportSpec;
    assert.equal(app._typeName, 'VirtualAppImportSpec');
    assert.equal(app.name, 'app');
    assert.deepEqual(app.child!.map((c) => (c as VirtualMachineImportSpec).configSpec.name), ['db', 'web']);
    assert.deepEqual(app.child!.map((c) => [c.entityConfig?.tag, c.entityConfig?.startOrder]), [['db', 1], ['web', 2]]);
    assert.equal(app.child![1]!.entityConfig?.startDelay, 30);
  });

  it('uses the deployment option asked for, and refuses one that is not declared', async () => {
    const sections = `<DeploymentOptionSection><Info>d</Info><Configuration ovf:id="small" ovf:default="true"><Label>S</Label><Description>s</Description></Configuration><Configuration ovf:id="large"><Label>L</Label><Description>l</Description></Configuration></DeploymentOptionSection>`;
    const hw = hwWith('').replace('<Item><rasd:ElementName>cpu', '<Item ovf:configuration="small"><rasd:ElementName>cpu') + `<Item ovf:configuration="large"><rasd:ElementName>cpu</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>8</rasd:VirtualQuantity></Item>`;
    const m = new LocalOvfManager();
    const small = await m.createImportSpec(ovf({ sections, hw }), undefined, undefined, CISP);
    const large = await m.createImportSpec(ovf({ sections, hw }), undefined, undefined, { ...CISP, deploymentOption: 'large' });
    assert.equal((small.importSpec as VirtualMachineImportSpec).configSpec.numCPUs, 1);
    assert.equal((large.importSpec as VirtualMachineImportSpec).configSpec.numCPUs, 8);
    const bad = await m.createImportSpec(ovf({ sections, hw }), undefined, undefined, { ...CISP, deploymentOption: 'huge' });
    assert.ok(codes(bad.error).includes('UNKNOWN_DEPLOYMENT_OPTION'));
  });

  it('returns the parse errors of a broken descriptor instead of throwing', async () => {
    const r = await new LocalOvfManager().createImportSpec('<Envelope', undefined, undefined, CISP);
    assert.equal(r.importSpec, undefined);
    assert.equal(r.error![0]!.fault._typeName, 'OvfXmlFormat');
  });
});

describe('OvfManager options', () => {
  it('lists import and export option keywords as OvfOptionInfo', async () => {
    const m = new LocalOvfManager();
    assert.deepEqual((await m.ovfImportOption()).map((o) => o.option), ['acceptAllEulas', 'allowAllExtraConfig']);
    assert.deepEqual((await m.ovfExportOption()).map((o) => o.option), ['mac', 'uuid', 'extraconfig', 'nodevicesubtypes']);
    assert.equal((await m.ovfExportOption())[0]!.description.key, 'com.ovfkit.export.mac');
  });
});
