/**
 * `ovfkit host-profile capture` against the simulator, whose EnvironmentBrowser answers with
 * synthetic per-hardware-version config options (test/sim/vcsim-ovfkit/envbrowser.go: vmx-09,
 * 10, 11 and 13; vmx-11 allows 144 vCPUs, vmx-13 112, the built-in esxi-6.5u3 128 for both),
 * then offline `validate-host` / `plan` with the captured profile.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtinHostProfile, checkHostProfile, type HostProfile, limitsFor } from '@ovfkit/core';
import { runCli } from './run-cli';
import { type Simulator, useSimulator } from './sim/simulator';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-hostprofile-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const env = (sim: Simulator): NodeJS.ProcessEnv => ({ VSPHERE_SERVER: sim.sdkUrl, VSPHERE_USER: sim.username, VSPHERE_PASSWORD: sim.password, VSPHERE_THUMBPRINT: sim.thumbprint });

/** A one-VM descriptor asking for `cpus` vCPUs on hardware version `vmx`, with `nics` E1000 NICs. */
function descriptor(name: string, vmx: number, cpus: number, nics = 0): string {
  const nicItems = Array.from(
    { length: nics },
    (_, i) => `<Item><rasd:AddressOnParent>${7 + i}</rasd:AddressOnParent><rasd:AutomaticAllocation>true</rasd:AutomaticAllocation><rasd:Connection>VM Network</rasd:Connection><rasd:ElementName>nic${i}</rasd:ElementName><rasd:InstanceID>${10 + i}</rasd:InstanceID><rasd:ResourceSubType>E1000</rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType></Item>`,
  ).join('\n');
  const file = path.join(tmp, `${name}.ovf`);
  fs.writeFileSync(
    file,
    `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData">
  <References/>
  ${nics ? '<NetworkSection><Info>networks</Info><Network ovf:name="VM Network"><Description>lan</Description></Network></NetworkSection>' : ''}
  <VirtualSystem ovf:id="${name}">
    <Info>a VM</Info>
    <OperatingSystemSection ovf:id="101"><Info>os</Info></OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>hardware</Info>
      <System><vssd:ElementName>Virtual Hardware Family</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-${String(vmx).padStart(2, '0')}</vssd:VirtualSystemType></System>
      <Item><rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits><rasd:ElementName>${cpus} virtual CPUs</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>${cpus}</rasd:VirtualQuantity></Item>
      <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>1024 MB</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>1024</rasd:VirtualQuantity></Item>
      ${nicItems}
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
`,
  );
  return file;
}

interface HostResult {
  error: Array<{ code: string; localizedMessage: string }>;
}

async function validateHost(file: string, profile: string): Promise<{ code: number; errors: string[]; messages: string[] }> {
  const r = await runCli(['validate-host', file, '--host-profile', profile, '--json'], {});
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const out = JSON.parse(r.stdout) as Partial<HostResult>;
  const error = out.error ?? [];
  return { code: r.code, errors: error.map((e) => e.code), messages: error.map((e) => e.localizedMessage) };
}

async function capture(sim: Simulator, out: string): Promise<HostProfile> {
  const r = await runCli(['host-profile', 'capture', '--host', '/DC0/host/DC0_H0/DC0_H0', '--out', out], env(sim));
  assert.equal(r.code, 0, r.stderr);
  const check = checkHostProfile(JSON.parse(fs.readFileSync(out, 'utf8')));
  assert.deepEqual(check.issues, [], 'the captured profile passes the host-profile validator');
  return check.profile!;
}

describe('host-profile capture reads the limits the host reports (simulator with full EnvironmentBrowser answers)', function () {
  this.timeout(120_000);
  const sim = useSimulator();
  const builtin = builtinHostProfile('esxi-6.5u3')!;
  let profile: HostProfile;
  const file = path.join(tmp, 'captured.json');

  before(async () => {
    profile = await capture(sim(), file);
  });

  it('takes hardware versions, vCPU/memory maxima, device counts, firmware and guests from the host, not from the built-in profile', () => {
    assert.deepEqual(profile.supportedHardwareVersions, [9, 10, 11, 13], 'vmx-08 is run-only (createSupported=false)');
    assert.equal(profile.defaultHardwareVersion, 11);
    assert.deepEqual(profile.limits, [
      { hardwareVersion: 9, maxCPUs: 40, maxMemoryMB: 917504 },
      { hardwareVersion: 10, maxCPUs: 72, maxMemoryMB: 1966080 },
      { hardwareVersion: 11, maxCPUs: 144, maxMemoryMB: 3932160 },
      // 7340032 in hardwareOptions.memoryMB, capped by QueryConfigTarget's supportedMaxMemMB
      { hardwareVersion: 13, maxCPUs: 112, maxMemoryMB: 6815744 },
    ]);
    assert.notDeepEqual(limitsFor(profile, 13), limitsFor(builtin, 13));
    const dev = (t: string) => profile.devices.find((d) => d.type === t);
    assert.deepEqual(dev('VirtualNVMEController'), { type: 'VirtualNVMEController', minHardwareVersion: 11, maxPerVm: 2 });
    assert.deepEqual(dev('VirtualE1000'), { type: 'VirtualE1000', minHardwareVersion: 4, maxPerVm: 7 });
    assert.equal(dev('VirtualVmxnet'), undefined, 'the host offers no VirtualVmxnet');
    assert.equal(dev('VirtualVmxnet2')?.maxHardwareVersion, 10);
    assert.deepEqual(profile.firmware, { efiMinHardwareVersion: 10, secureBootMinHardwareVersion: 11 });
    assert.deepEqual(profile.guestIds.find((g) => g.id === 'windows9Server64Guest'), { id: 'windows9Server64Guest', minHardwareVersion: 13 });
    assert.ok(profile.guestIds.length > 100);
  });

  it('records per field where each value came from', () => {
    const sources = profile.sources!;
    assert.match(sources[0]!, /^captured from 127\.0\.0\.1:\d+ host DC0_H0 at .*; facts the host did not report come from built-in esxi-6\.5u3$/);
    assert.ok(sources.includes('limits vmx-11: maxCPUs 144 from QueryConfigOptionEx vmx-11 hardwareOptions.numCPU; maxMemoryMB 3932160 from QueryConfigOptionEx vmx-11 hardwareOptions.memoryMB.max'), sources.join('\n'));
    assert.ok(sources.some((s) => s.startsWith('limits vmx-13: maxCPUs 112 from QueryConfigOptionEx vmx-13 hardwareOptions.numCPU; maxMemoryMB 6815744 from QueryConfigTarget supportedMaxMemMB')));
    assert.ok(sources.includes('devices VirtualNVMEController: minHardwareVersion 11 from QueryConfigOptionEx vmx-11 hardwareOptions.virtualDeviceOption; maxPerVm 2 from QueryConfigOptionEx vmx-13 VirtualPCIControllerOption.numNVMEControllers'));
    assert.ok(sources.includes('supportedDiskProvisioning from built-in esxi-6.5u3 (the EnvironmentBrowser does not report it)'));
  });

  it('offline, rejects 120 vCPUs on vmx-13, above the host\'s 112, which the built-in profile accepts', async () => {
    const file120 = descriptor('cpu120', 13, 120);
    const withBuiltin = await validateHost(file120, 'esxi-6.5u3');
    assert.deepEqual(withBuiltin.errors, []);
    const withCaptured = await validateHost(file120, file);
    assert.deepEqual(withCaptured.errors, ['CPU_ABOVE_MAXIMUM']);
    assert.match(withCaptured.messages[0]!, /asks for 120 vCPUs; vmx-13 on captured-DC0_H0 allows at most 112/);
    const plan = await runCli(['plan', file120, '--host-profile', file, '--json'], {});
    assert.equal(plan.code, 1, plan.stderr);
    assert.match(plan.stdout, /CPU_ABOVE_MAXIMUM/);
  });

  it('offline, accepts 140 vCPUs on vmx-11, within the host\'s 144, which the built-in profile rejects', async () => {
    const file140 = descriptor('cpu140', 11, 140);
    assert.deepEqual((await validateHost(file140, 'esxi-6.5u3')).errors, ['CPU_ABOVE_MAXIMUM']);
    assert.deepEqual((await validateHost(file140, file)).errors, []);
    const plan = await runCli(['plan', file140, '--host-profile', file, '--json'], {});
    assert.equal(plan.code, 0, plan.stdout);
  });

  it('offline, rejects 8 E1000 NICs, above the host\'s numEthernetCards 7, which the built-in profile accepts', async () => {
    const nics8 = descriptor('nics8', 11, 2, 8);
    assert.deepEqual((await validateHost(nics8, 'esxi-6.5u3')).errors, []);
    assert.deepEqual((await validateHost(nics8, file)).errors, ['DEVICE_TOO_MANY']);
  });

  it('on a cluster, keeps only the hardware versions whose descriptor lists the captured host', async () => {
    const hp = async (host: string): Promise<number[]> => {
      const r = await runCli(['host-profile', 'capture', '--host', host, '--json'], env(sim()));
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as HostProfile).supportedHardwareVersions;
    };
    assert.deepEqual(await hp('/DC0/host/DC0_C0/DC0_C0_H0'), [9, 10, 11, 13]);
    assert.deepEqual(await hp('/DC0/host/DC0_C0/DC0_C0_H2'), [9, 10, 11], 'vmx-13 lists every cluster host but H2');
  });

  it('reads each hardware version with QueryConfigOption on a server without QueryConfigOptionEx', async () => {
    await sim().inject({ kind: 'fault', method: 'QueryConfigOptionEx', fault: 'MethodNotFound', times: 20 });
    const old = await capture(sim(), path.join(tmp, 'old-server.json'));
    assert.deepEqual(old.limits, profile.limits);
    assert.deepEqual(old.devices, profile.devices);
    assert.ok(old.sources!.includes('limits vmx-10: maxCPUs 72 from QueryConfigOption vmx-10 hardwareOptions.numCPU; maxMemoryMB 1966080 from QueryConfigOption vmx-10 hardwareOptions.memoryMB.max'), old.sources!.join('\n'));
    assert.equal((await sim().collectors()).calls['QueryConfigOption'], 4, 'one QueryConfigOption per creatable version');
  });

  it('keeps the built-in facts for a query that fails (one hardware version, the ConfigTarget), and says so', async () => {
    await sim().inject({ kind: 'fault', method: 'QueryConfigTarget', fault: 'NotSupported' });
    // The first QueryConfigOptionEx is for vmx-09.
    await sim().inject({ kind: 'fault', method: 'QueryConfigOptionEx', fault: 'InvalidArgument' });
    const p = await capture(sim(), path.join(tmp, 'no-target.json'));
    assert.deepEqual(limitsFor(p, 13), { hardwareVersion: 13, maxCPUs: 112, maxMemoryMB: 7340032 }, 'without ConfigTarget, memoryMB.max stands');
    assert.ok(p.sources!.includes('QueryConfigTarget failed (NotSupported): its facts come from the built-in profile'));
    const b9 = limitsFor(builtinHostProfile('esxi-6.5u3')!, 9)!;
    assert.deepEqual(limitsFor(p, 9), { hardwareVersion: 9, maxCPUs: b9.maxCPUs, maxMemoryMB: b9.maxMemoryMB });
    assert.ok(p.sources!.includes('QueryConfigOptionEx vmx-09 failed (InvalidArgument): its facts come from the built-in profile'), p.sources!.join('\n'));
    assert.ok(p.sources!.includes(`limits vmx-09: maxCPUs ${b9.maxCPUs} from built-in esxi-6.5u3; maxMemoryMB ${b9.maxMemoryMB} from built-in esxi-6.5u3`));
    assert.deepEqual(limitsFor(p, 10), { hardwareVersion: 10, maxCPUs: 72, maxMemoryMB: 1966080 }, 'the other versions still come from the host');
  });
});

describe('host-profile capture from a host that answers only vcsim\'s sparse defaults', function () {
  this.timeout(120_000);
  const sim = useSimulator({ envBrowser: 'sparse' });

  it('still yields a valid profile, with the built-in limits and every fallback recorded', async () => {
    const p = await capture(sim(), path.join(tmp, 'sparse.json'));
    const builtin = builtinHostProfile('esxi-6.5u3')!;
    assert.deepEqual(p.supportedHardwareVersions, [13]);
    assert.deepEqual(p.limits, builtin.limits);
    assert.deepEqual(p.devices, builtin.devices);
    assert.deepEqual(p.firmware, builtin.firmware);
    assert.ok(p.guestIds.length > 100, 'guest ids still come from the host');
    for (const fallback of [
      'limits from built-in esxi-6.5u3 (the host reported no hardwareOptions.numCPU or memoryMB, nor a ConfigTarget supportedMaxMemMB)',
      'devices from built-in esxi-6.5u3 (the host listed no hardwareOptions.virtualDeviceOption)',
      'firmware.efiMinHardwareVersion 7 from built-in esxi-6.5u3 (no guestOSDescriptor.supportedFirmware reported)',
      'firmware.secureBootMinHardwareVersion 13 from built-in esxi-6.5u3 (no guestOSDescriptor.supportsSecureBoot reported)',
    ]) {
      assert.ok(p.sources!.includes(fallback), `${fallback}\nin\n${p.sources!.join('\n')}`);
    }
    // The 120-vCPU descriptor passes, as with the built-in profile the facts came from.
    assert.deepEqual((await validateHost(descriptor('sparse120', 13, 120), path.join(tmp, 'sparse.json'))).errors, []);
  });
});

describe('host-profile capture from a bare ESXi host (simulator -esx)', function () {
  this.timeout(120_000);
  const sim = useSimulator({ esx: true });

  it('captures the only host without --host, from its own compute resource\'s EnvironmentBrowser', async () => {
    const r = await runCli(['host-profile', 'capture', '--json'], env(sim()));
    assert.equal(r.code, 0, r.stderr);
    const p = checkHostProfile(JSON.parse(r.stdout));
    assert.deepEqual(p.issues, []);
    assert.deepEqual(limitsFor(p.profile!, 11), { hardwareVersion: 11, maxCPUs: 144, maxMemoryMB: 3932160 });
  });
});
