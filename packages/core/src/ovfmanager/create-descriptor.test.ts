import * as assert from 'node:assert/strict';
import { parseDescriptor } from '../parse-descriptor';
import { readEnvelope } from '../envelope';
import { createDescriptorFromConfig, type VirtualMachineConfigInfo } from './create-descriptor';

const VM: VirtualMachineConfigInfo = {
  name: 'web01',
  guestId: 'ubuntu64Guest',
  version: 'vmx-19',
  uuid: '4210aaaa-bbbb-cccc-dddd-eeeeffff0000',
  annotation: 'Front end <prod> & "friends"',
  firmware: 'efi',
  bootOptions: { efiSecureBootEnabled: true },
  hardware: {
    numCPU: 4,
    numCoresPerSocket: 2,
    memoryMB: 8192,
    device: [
      { _typeName: 'VirtualPCIController', key: 100 },
      { _typeName: 'ParaVirtualSCSIController', key: 1000, busNumber: 0, deviceInfo: { label: 'SCSI controller 0', summary: 'VMware paravirtual SCSI' } },
      { _typeName: 'VirtualDisk', key: 2000, controllerKey: 1000, unitNumber: 0, capacityInKB: 16 * 1024 * 1024, deviceInfo: { label: 'Hard disk 1', summary: '16 GB' } },
      { _typeName: 'VirtualVmxnet3', key: 4000, macAddress: '00:50:56:aa:bb:cc', backing: { _typeName: 'VirtualEthernetCardNetworkBackingInfo', deviceName: 'prod-pg' }, connectable: { startConnected: true, allowGuestControl: true, connected: true }, deviceInfo: { label: 'Network adapter 1', summary: 'prod-pg' } },
      { _typeName: 'VirtualMachineVMCIDevice', key: 12000 },
      { _typeName: 'VirtualFancyThing', key: 13000, deviceInfo: { label: 'Fancy', summary: 'x' } },
    ],
  },
  extraConfig: [{ key: 'guestinfo.role', value: 'web' }],
  vAppConfig: {
    product: [{ key: 0, name: 'Web', vendor: 'ACME', version: '1.0' }],
    property: [
      { key: 0, id: 'port', type: 'int(1..65535)', userConfigurable: true, defaultValue: '443', label: 'Port' },
      { key: 1, id: 'pw', type: 'password(8..)', userConfigurable: true, defaultValue: '', value: 'never-exported' },
    ],
  },
};

describe('CreateDescriptor from a VM configuration', () => {
  it('writes a dry-run OVF 1.x descriptor that ParseDescriptor reads back without errors', () => {
    const r = createDescriptorFromConfig(VM, {});
    assert.equal(r.error, undefined);
    const p = parseDescriptor(r.ovfDescriptor, { locale: '', deploymentOption: '' });
    assert.deepEqual(p.error ?? [], []);
    assert.equal(p.defaultEntityName, 'Web');
    assert.equal(p.annotation, 'Front end <prod> & "friends"');
    assert.deepEqual(p.network?.map((n) => n.name), ['prod-pg']);
    assert.equal(p.approximateFlatDeploymentSize, 16 * 2 ** 30);
    assert.deepEqual(p.property?.map((x) => [x.id, x.type]), [['port', 'int(1..65535)'], ['pw', 'password(8..)']]);
    assert.match(r.ovfDescriptor, /<File ovf:href="web01-disk1\.vmdk" ovf:id="file1"\/>/);
    assert.match(r.ovfDescriptor, /vmw:key="firmware" vmw:value="efi"/);
    assert.match(r.ovfDescriptor, /<vmw:CoresPerSocket ovf:required="false">2<\/vmw:CoresPerSocket>/);
  });

  it('never writes a password value, a MAC, the UUID or extra config unless asked', () => {
    const r = createDescriptorFromConfig(VM, {});
    assert.ok(!r.ovfDescriptor.includes('never-exported'));
    assert.ok(!r.ovfDescriptor.includes('00:50:56:aa:bb:cc'));
    assert.ok(!r.ovfDescriptor.includes('4210aaaa'));
    assert.ok(!r.ovfDescriptor.includes('guestinfo.role'));
    const all = createDescriptorFromConfig(VM, { exportOption: ['mac', 'uuid', 'extraconfig'] }).ovfDescriptor;
    assert.match(all, /<rasd:Address>00:50:56:aa:bb:cc<\/rasd:Address>/);
    assert.match(all, /vmw:key="uuid" vmw:value="4210aaaa-bbbb-cccc-dddd-eeeeffff0000"/);
    assert.match(all, /<vmw:ExtraConfig ovf:required="false" vmw:key="guestinfo.role" vmw:value="web"\/>/);
    assert.ok(!all.includes('never-exported'));
  });

  it('uses the OvfFile list of a real run for References, sizes and the device mapping', () => {
    const r = createDescriptorFromConfig(VM, { name: 'web-export', ovfFiles: [{ deviceId: '/web-export/ParaVirtualSCSIController0:0', path: 'web-export-1.vmdk', size: 123456, populatedSize: 2000000, compressionMethod: 'gzip' }] });
    assert.match(r.ovfDescriptor, /<File ovf:href="web-export-1\.vmdk" ovf:id="file1" ovf:size="123456" ovf:compression="gzip"\/>/);
    assert.match(r.ovfDescriptor, /ovf:populatedSize="2000000"/);
    assert.match(r.ovfDescriptor, /<VirtualSystem ovf:id="web-export">/);
  });

  it('leaves out and warns about a device OVF cannot describe', () => {
    const r = createDescriptorFromConfig(VM, {});
    assert.deepEqual(r.warning?.map((w) => [w.code, w.fault._typeName]), [['DEVICE_NOT_EXPORTED', 'OvfUnsupportedDeviceExport']]);
    assert.ok(!r.ovfDescriptor.includes('Fancy'));
  });

  it('writes OVF 2.0 on request', () => {
    const r = createDescriptorFromConfig(VM, {}, { ovf2: true });
    assert.match(r.ovfDescriptor, /xmlns="http:\/\/schemas\.dmtf\.org\/ovf\/envelope\/2"/);
    assert.deepEqual(parseDescriptor(r.ovfDescriptor, { locale: '', deploymentOption: '' }).error ?? [], []);
  });

  it('describes a vApp and its start order', () => {
    const r = createDescriptorFromConfig({ _typeName: 'VirtualApp', name: 'app', vAppConfig: { entityConfig: [{ tag: 'web01', startOrder: 1, startDelay: 10 }] }, child: [VM] }, {});
    const p = parseDescriptor(r.ovfDescriptor, { locale: '', deploymentOption: '' });
    assert.deepEqual(p.error ?? [], []);
    assert.equal(p.virtualApp, true);
    assert.match(r.ovfDescriptor, /<Item ovf:id="web01" ovf:order="1" ovf:startDelay="10"/);
  });

  it('escapes every attribute and text it writes, and drops characters XML cannot carry', () => {
    const annotation = 'Line 1 <b>&amp;</b> ]]>\n\tLine "2"\u0001';
    const r = createDescriptorFromConfig({ ...VM, annotation, extraConfig: [{ key: 'guestinfo.motd', value: 'hi "there"\n<all>' }] }, { exportOption: ['extraconfig'] });
    assert.deepEqual(parseDescriptor(r.ovfDescriptor, { locale: '', deploymentOption: '' }).error ?? [], []);
    assert.match(r.ovfDescriptor, /<Annotation>Line 1 &lt;b&gt;&amp;amp;&lt;\/b&gt; ]]&gt;\n\tLine "2"<\/Annotation>/);
    assert.match(r.ovfDescriptor, /vmw:value="hi &quot;there&quot;&#10;&lt;all&gt;"/);
    assert.ok(readEnvelope(r.ovfDescriptor).envelope, 'the descriptor reads back');
  });
});
