import * as assert from 'node:assert/strict';
import { builtinHostProfile, checkHostProfile, limitsFor, type HostProfile } from '@ovfkit/core';
import { type HostConfigOption, type HostEnvironment, hostProfileFromEnvironment } from './capture';
import { deserializeReturn } from './soap/client';
import type { DataObject } from './soap/codec';
import { parseXml } from './soap/xml';

/**
 * A QueryConfigOptionExResponse in the shape ESXi sends it (element names, nesting, xsi:type on
 * each virtualDeviceOption, one <numCPU> per allowed count, int options as min/max/defaultValue),
 * trimmed to the fields capture reads. The numbers are chosen, not a real host's.
 */
function configOptionXml(o: {
  version: number;
  maxCPUs?: number;
  maxMemMB?: number;
  devices?: string[];
  pci?: Record<string, number>;
  sio?: Record<string, number>;
  hw?: Record<string, number>;
  guests?: Array<{ id: string; firmware?: string[]; secureBoot?: boolean }>;
}): string {
  const int = (name: string, max: number): string => `<${name}><min>0</min><max>${max}</max><defaultValue>0</defaultValue></${name}>`;
  const vmx = `vmx-${String(o.version).padStart(2, '0')}`;
  const devices = [
    `<virtualDeviceOption xsi:type="VirtualPCIControllerOption"><type>VirtualPCIController</type><deprecated>false</deprecated><plugAndPlay>false</plugAndPlay>${int('devices', 32)}${Object.entries(o.pci ?? {}).map(([k, v]) => int(k, v)).join('')}</virtualDeviceOption>`,
    `<virtualDeviceOption xsi:type="VirtualSIOControllerOption"><type>VirtualSIOController</type><deprecated>false</deprecated><plugAndPlay>false</plugAndPlay>${int('devices', 8)}${Object.entries(o.sio ?? {}).map(([k, v]) => int(k, v)).join('')}</virtualDeviceOption>`,
    ...(o.devices ?? []).map((d) => `<virtualDeviceOption xsi:type="${d === 'VirtualMachineVideoCard' ? 'VirtualVideoCardOption' : `${d}Option`}"><type>${d}</type><connectOption><startConnected><supported>true</supported><defaultValue>true</defaultValue></startConnected></connectOption><deprecated>false</deprecated><plugAndPlay>false</plugAndPlay></virtualDeviceOption>`),
  ];
  const guests = (o.guests ?? []).map(
    (g) =>
      `<guestOSDescriptor><id>${g.id}</id><family>linuxGuest</family><fullName>${g.id}</fullName><supportedMaxCPUs>16</supportedMaxCPUs><supportedMinMemMB>32</supportedMinMemMB><supportedMaxMemMB>65536</supportedMaxMemMB><recommendedMemMB>1024</recommendedMemMB><recommendedColorDepth>24</recommendedColorDepth><supportedDiskControllerList>VirtualLsiLogicController</supportedDiskControllerList><recommendedDiskController>VirtualLsiLogicController</recommendedDiskController><supportedNumDisks>60</supportedNumDisks><supportedEthernetCard>VirtualVmxnet3</supportedEthernetCard><supportsWakeOnLan>true</supportsWakeOnLan>${(g.firmware ?? []).map((f) => `<supportedFirmware>${f}</supportedFirmware>`).join('')}${g.secureBoot === undefined ? '' : `<supportsSecureBoot>${g.secureBoot}</supportsSecureBoot>`}</guestOSDescriptor>`,
  );
  const cpus = o.maxCPUs === undefined ? '' : Array.from({ length: o.maxCPUs }, (_, i) => `<numCPU>${i + 1}</numCPU>`).join('');
  return (
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>` +
    `<QueryConfigOptionExResponse xmlns="urn:vim25"><returnval><version>${vmx}</version><description>test</description>${guests.join('')}<guestOSDefaultIndex>0</guestOSDefaultIndex>` +
    `<hardwareOptions><hwVersion>${o.version}</hwVersion>${devices.join('')}<deviceListReadonly>false</deviceListReadonly>${cpus}<numCoresPerSocket><min>1</min><max>${o.maxCPUs ?? 1}</max><defaultValue>1</defaultValue></numCoresPerSocket><numCpuReadonly>false</numCpuReadonly>` +
    `<memoryMB><min>4</min><max>${o.maxMemMB ?? 0}</max><defaultValue>1024</defaultValue></memoryMB>${int('numPCIControllers', 1)}${Object.entries(o.hw ?? {}).map(([k, v]) => int(k, v)).join('')}</hardwareOptions>` +
    `<supportedMonitorType>release</supportedMonitorType></returnval></QueryConfigOptionExResponse></soapenv:Body></soapenv:Envelope>`
  );
}

/** Decodes a response through the same codec the client uses. */
function decoded(xml: string, type = 'VirtualMachineConfigOption'): DataObject {
  const doc = parseXml(xml);
  return deserializeReturn(doc.children[0]!.children[0]!, type, false) as DataObject;
}

const option = (version: number, xml: Parameters<typeof configOptionXml>[0] | string): HostConfigOption => ({
  hardwareVersion: version,
  method: 'QueryConfigOptionEx',
  option: decoded(typeof xml === 'string' ? xml : configOptionXml(xml)),
});

const base = builtinHostProfile('esxi-7.0u3')!;
const identity = { name: 'captured-h1', product: { name: 'VMware ESXi', version: '7.0.3', apiVersion: '7.0.3.0' }, capturedFrom: 'captured from test' };

function capture(env: HostEnvironment): HostProfile {
  const p = hostProfileFromEnvironment(base, env, identity);
  assert.deepEqual(checkHostProfile(JSON.parse(JSON.stringify(p))).issues, [], 'the captured profile passes the host-profile validator');
  return p;
}

const guests = (firmware: string[], secureBoot: boolean) => [
  { id: 'rhel8_64Guest', firmware, secureBoot },
  { id: 'otherGuest64', firmware, secureBoot },
];

describe('host-profile capture: mapping what the EnvironmentBrowser reports', () => {
  const full: HostEnvironment = {
    descriptors: { supported: [17, 18, 19], defaultVersion: 18 },
    options: [
      option(17, { version: 17, maxCPUs: 100, maxMemMB: 3000000, devices: ['VirtualE1000', 'VirtualVmxnet', 'VirtualDisk', 'VirtualCdrom'], pci: { numEthernetCards: 6 }, hw: { numIDEControllers: 1 }, guests: guests(['bios'], false) }),
      option(18, { version: 18, maxCPUs: 300, maxMemMB: 5000000, devices: ['VirtualE1000', 'VirtualVmxnet', 'VirtualNVMEController', 'VirtualDisk', 'VirtualCdrom', 'VirtualSerialPort', 'VirtualIDEController'], pci: { numEthernetCards: 5, numNVMEControllers: 3 }, sio: { numSerialPorts: 7 }, hw: { numIDEControllers: 1 }, guests: guests(['bios', 'efi'], false) }),
      option(19, { version: 19, maxCPUs: 500, maxMemMB: 9000000, devices: ['VirtualE1000', 'VirtualNVMEController', 'VirtualDisk', 'VirtualCdrom', 'VirtualSerialPort', 'VirtualIDEController'], pci: { numEthernetCards: 4, numNVMEControllers: 2 }, sio: { numSerialPorts: 9 }, hw: { numIDEControllers: 1 }, guests: [...guests(['bios', 'efi'], true), { id: 'windows2019srvNext_64Guest', firmware: ['efi'], secureBoot: true }] }),
    ],
    target: { numCpus: 64, supportedMaxMemMB: 8000000 },
  };

  it('takes the vCPU and memory maxima of each hardware version from hardwareOptions, and says where each came from', () => {
    const p = capture(full);
    assert.deepEqual(p.supportedHardwareVersions, [17, 18, 19]);
    assert.equal(p.defaultHardwareVersion, 18);
    assert.deepEqual(p.limits, [
      { hardwareVersion: 17, maxCPUs: 100, maxMemoryMB: 3000000 },
      { hardwareVersion: 18, maxCPUs: 300, maxMemoryMB: 5000000 },
      // 9000000 from memoryMB.max, capped by ConfigTarget.supportedMaxMemMB
      { hardwareVersion: 19, maxCPUs: 500, maxMemoryMB: 8000000 },
    ]);
    assert.ok(p.sources!.includes('limits vmx-18: maxCPUs 300 from QueryConfigOptionEx vmx-18 hardwareOptions.numCPU; maxMemoryMB 5000000 from QueryConfigOptionEx vmx-18 hardwareOptions.memoryMB.max'), p.sources!.join('\n'));
    assert.ok(p.sources!.some((s) => /^limits vmx-19: .*maxMemoryMB 8000000 from QueryConfigTarget supportedMaxMemMB \(below 9000000/.test(s)));
    assert.notDeepEqual(limitsFor(p, 18), limitsFor(base, 18), 'the host facts replaced the built-in ones');
  });

  it('lists the device classes the host offers, from the first version listing each, with per-VM counts from the controller options', () => {
    const p = capture(full);
    const dev = (t: string) => p.devices.find((d) => d.type === t);
    assert.deepEqual(dev('VirtualNVMEController'), { type: 'VirtualNVMEController', minHardwareVersion: 18, maxPerVm: 2 });
    assert.deepEqual(dev('VirtualVmxnet'), { type: 'VirtualVmxnet', minHardwareVersion: 4, maxHardwareVersion: 18, maxPerVm: 5 }, 'listed for vmx-17 and vmx-18 only');
    assert.deepEqual(dev('VirtualE1000'), { type: 'VirtualE1000', minHardwareVersion: 4, maxPerVm: 4 }, 'listed from the lowest reported version: the built-in minimum stays');
    assert.deepEqual(dev('VirtualSerialPort'), { type: 'VirtualSerialPort', minHardwareVersion: 18, maxPerVm: 9 });
    assert.deepEqual(dev('VirtualIDEController'), { type: 'VirtualIDEController', minHardwareVersion: 18, maxPerVm: 1 });
    assert.equal(dev('VirtualVmxnet3'), undefined, 'not offered by the host');
    assert.ok(p.sources!.some((s) => s.startsWith('devices not offered by the host') && s.includes('VirtualVmxnet3')));
    assert.ok(p.sources!.includes('devices VirtualNVMEController: minHardwareVersion 18 from QueryConfigOptionEx vmx-18 hardwareOptions.virtualDeviceOption; maxPerVm 2 from QueryConfigOptionEx vmx-19 VirtualPCIControllerOption.numNVMEControllers'), p.sources!.join('\n'));
  });

  it('takes EFI and secure boot from the first version whose guest descriptors allow them', () => {
    const p = capture(full);
    assert.deepEqual(p.firmware, { efiMinHardwareVersion: 18, secureBootMinHardwareVersion: 19 });
    assert.ok(p.sources!.includes('firmware.efiMinHardwareVersion 18 from QueryConfigOptionEx vmx-18 guestOSDescriptor.supportedFirmware'));
  });

  it('lists the guest ids with the first hardware version that offers each', () => {
    const p = capture(full);
    assert.deepEqual(p.guestIds, [{ id: 'otherGuest64' }, { id: 'rhel8_64Guest' }, { id: 'windows2019srvNext_64Guest', minHardwareVersion: 19 }]);
  });

  it("keeps the built-in facts for a version whose query failed, and records why", () => {
    const { target: _target, ...noTarget } = full;
    const p = capture({ ...noTarget, options: full.options.filter((o) => o.hardwareVersion !== 18), notes: ['QueryConfigOptionEx vmx-18 failed (InvalidArgument): its facts come from the built-in profile'] });
    assert.deepEqual(p.limits.find((l) => l.hardwareVersion === 18), { hardwareVersion: 18, ...pick(limitsFor(base, 18)!) });
    assert.ok(p.sources!.includes(`limits vmx-18: maxCPUs ${limitsFor(base, 18)!.maxCPUs} from built-in esxi-7.0u3; maxMemoryMB ${limitsFor(base, 18)!.maxMemoryMB} from built-in esxi-7.0u3`));
    assert.ok(p.sources!.includes('QueryConfigOptionEx vmx-18 failed (InvalidArgument): its facts come from the built-in profile'));
  });

  it("turns vcsim's sparse answer (zeros, no device options, bare guest ids) into a valid profile of built-in facts, saying so", () => {
    // What govmomi 0.24.2's vcsim sends for QueryConfigOptionEx: zero hardwareOptions, ids and families only.
    const sparse =
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><QueryConfigOptionExResponse xmlns="urn:vim25"><returnval>` +
      `<version>vmx-13</version><description></description><guestOSDescriptor><id>otherGuest</id><family>otherGuestFamily</family><fullName></fullName><supportedMaxCPUs>0</supportedMaxCPUs><supportedMinMemMB>0</supportedMinMemMB><supportedMaxMemMB>0</supportedMaxMemMB><recommendedMemMB>0</recommendedMemMB><recommendedColorDepth>0</recommendedColorDepth><recommendedDiskController></recommendedDiskController><supportedNumDisks>0</supportedNumDisks><recommendedDiskSizeMB>0</recommendedDiskSizeMB><supportsWakeOnLan>false</supportsWakeOnLan></guestOSDescriptor>` +
      `<guestOSDefaultIndex>0</guestOSDefaultIndex><hardwareOptions><hwVersion>0</hwVersion><deviceListReadonly>false</deviceListReadonly><numCpuReadonly>false</numCpuReadonly><memoryMB><min>0</min><max>0</max><defaultValue>0</defaultValue></memoryMB><numPCIControllers><min>0</min><max>0</max><defaultValue>0</defaultValue></numPCIControllers><numIDEControllers><min>0</min><max>0</max><defaultValue>0</defaultValue></numIDEControllers></hardwareOptions>` +
      `<capabilities></capabilities><datastore></datastore><defaultDevice XMLSchema-instance:type="VirtualIDEController"><key>200</key></defaultDevice></returnval></QueryConfigOptionExResponse></soapenv:Body></soapenv:Envelope>`;
    const p = capture({ descriptors: { supported: [13] }, options: [option(13, sparse)] });
    assert.deepEqual(p.supportedHardwareVersions, [13]);
    assert.deepEqual(p.limits, base.limits);
    assert.deepEqual(p.devices, base.devices);
    assert.deepEqual(p.firmware, base.firmware);
    assert.deepEqual(p.guestIds, [{ id: 'otherGuest' }]);
    assert.ok(p.sources!.includes('devices from built-in esxi-7.0u3 (the host listed no hardwareOptions.virtualDeviceOption)'));
    assert.ok(p.sources!.includes('limits from built-in esxi-7.0u3 (the host reported no hardwareOptions.numCPU or memoryMB, nor a ConfigTarget supportedMaxMemMB)'), p.sources!.join('\n'));
  });

  it('treats values a profile cannot hold as not reported, so a hostile or broken answer still gives a valid profile', () => {
    const xml = configOptionXml({ version: 19, maxMemMB: 2, devices: ['VirtualE1000'], pci: { numEthernetCards: -1 }, guests: [{ id: 'otherGuest64' }] });
    const bad = option(19, xml.replace('<deviceListReadonly>', '<numCPU>0</numCPU><numCPU>-3</numCPU><deviceListReadonly>'));
    assert.deepEqual(bad.option['hardwareOptions'] && (bad.option['hardwareOptions'] as DataObject)['numCPU'], [0, -3]);
    const p = capture({ descriptors: { supported: [19, 100, -4], defaultVersion: 100 }, options: [bad, { ...bad, hardwareVersion: 1000 }] });
    assert.deepEqual(p.supportedHardwareVersions, [19]);
    assert.equal(p.defaultHardwareVersion, 19);
    assert.deepEqual(p.limits, base.limits, 'no usable vCPU or memory maximum: the built-in ones');
    assert.deepEqual(p.devices, [{ type: 'VirtualE1000', minHardwareVersion: 4, maxPerVm: 10 }], 'a negative count falls back to the built-in one');
  });

  it('without any EnvironmentBrowser answer is the built-in profile under the host\'s name', () => {
    const p = capture({ options: [], notes: ['QueryConfigOptionDescriptor failed (MethodNotFound): its facts come from the built-in profile'] });
    const { name: _n, product: _p, sources: _s, ...rest } = p;
    const { name: _bn, product: _bp, sources: _bs, ...builtinRest } = base;
    assert.deepEqual(rest, builtinRest);
    assert.equal(p.name, 'captured-h1');
  });
});

function pick(l: { maxCPUs: number; maxMemoryMB: number }): { maxCPUs: number; maxMemoryMB: number } {
  return { maxCPUs: l.maxCPUs, maxMemoryMB: l.maxMemoryMB };
}
