/**
 * `ovfkit validate-host`, `import-spec`, `plan` and `descriptor` over real corpus descriptors,
 * run in-process: exit codes, --json shapes, and nothing secret printed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './run-cli';
import { corpusRoot, describeCorpus, repoRoot } from './paths';

const photon = path.join(corpusRoot, 'ovf/govmomi/cloud-images/photon5.ovf');
const vcsa = path.join(corpusRoot, 'ovf/govmomi/vmware-appliances/vcsa65.ovf');

describeCorpus('ovfkit validate-host', () => {
  it('passes Photon OS (vmx-15) on ESXi 6.7 U3 and exits 0', async () => {
    const r = await runCli(['validate-host', photon, '--host-profile', 'esxi-6.7']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /validated against esxi-6\.7u3/);
    assert.match(r.stdout, /0 errors/);
  });

  it('refuses it on ESXi 6.5 with exit 1 and names the hardware version', async () => {
    const r = await runCli(['validate-host', photon, '--host-profile', 'esxi-6.5', '--json']);
    assert.equal(r.code, 1);
    const result = JSON.parse(r.stdout) as { error: { code: string; fault: { _typeName: string } }[] };
    assert.deepEqual(result.error.map((e) => [e.code, e.fault._typeName]), [['HARDWARE_VERSION_UNSUPPORTED', 'OvfHardwareCheck']]);
  });

  it('says which built-in profiles exist when the name is wrong (exit 2)', async () => {
    const r = await runCli(['validate-host', photon, '--host-profile', 'esxi-4.0']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown host profile "esxi-4\.0"; built-in profiles: .*esxi-9\.0/);
  });

  it('reads a host profile JSON file and reports its problems as a usage error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-hp-'));
    const file = path.join(dir, 'lab.json');
    fs.writeFileSync(file, JSON.stringify({ format: 'ovfkit.host-profile/1', name: 'lab' }));
    const r = await runCli(['validate-host', photon, '--host-profile', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /host profile .*lab\.json has \d+ problem\(s\):\n {2}\$\.product: required field is missing/);
    fs.rmSync(dir, { recursive: true });
  });
});

describeCorpus('ovfkit import-spec', () => {
  it('emits the vim25 CreateImportSpec result with _typeName on polymorphic objects', async () => {
    const r = await runCli(['import-spec', photon, '--json', '--name', 'photon01', '--net', 'None=VM Network', '--datastore', 'datastore1', '--disk-provisioning', 'thin']);
    assert.equal(r.code, 0, r.stdout);
    const res = JSON.parse(r.stdout) as { importSpec: { _typeName: string; configSpec: { name: string; deviceChange: { device: { _typeName: string; backing?: { _typeName: string; thinProvisioned?: boolean } } }[] } }; fileItem: { deviceId: string }[] };
    assert.equal(res.importSpec._typeName, 'VirtualMachineImportSpec');
    assert.equal(res.importSpec.configSpec.name, 'photon01');
    const disk = res.importSpec.configSpec.deviceChange.find((d) => d.device._typeName === 'VirtualDisk')!;
    assert.deepEqual([disk.device.backing?._typeName, disk.device.backing?.thinProvisioned], ['VirtualDiskFlatVer2BackingInfo', true]);
    assert.deepEqual(res.fileItem.map((f) => f.deviceId), ['/photon01/ParaVirtualSCSIController0:0']);
  });

  it('rejects a malformed --net with exit 2', async () => {
    const r = await runCli(['import-spec', photon, '--net', 'VM Network']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--net expects "OVF network=vSphere network"/);
  });
});

describeCorpus('ovfkit plan', () => {
  it('prints the summary a person reads before deploying, with the password hidden', async () => {
    // The corpus holds descriptors without their disks: planned as descriptors, by choice.
    const r = await runCli(['plan', vcsa, '--descriptor-only', '--deployment-option', 'small', '--prop', 'guestinfo.cis.appliance.root.passwd=Sup3r$ecret!!', '--accept-all-eulas', '--net', 'Network 1=VM Network']);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /plan to import VM "VMware vCenter Server Appliance"/);
    assert.match(r.stdout, /deployment {3}small \(Small vCenter Server with Embedded PSC\); 31 available/);
    assert.match(r.stdout, /guestinfo\.cis\.appliance\.root\.passwd: password = \(secret, set\) \(set\)/);
    assert.match(r.stdout, /result {7}ready to import/);
    assert.ok(!r.stdout.includes('Sup3r$ecret!!'));
  });

  it('exits 1 and lists the problems of all three calls when the import cannot work', async () => {
    const r = await runCli(['plan', photon, '--descriptor-only', '--host-profile', 'esxi-6.5', '--net', 'Nope=VM Network', '--json']);
    assert.equal(r.code, 1);
    const plan = JSON.parse(r.stdout) as { ok: boolean; errors: { source: string; code: string }[] };
    assert.equal(plan.ok, false);
    assert.deepEqual(plan.errors.map((e) => `${e.source}:${e.code}`), ['validateHost:HARDWARE_VERSION_UNSUPPORTED', 'createImportSpec:UNKNOWN_NETWORK_IN_MAPPING', 'plan:EULA_NOT_ACCEPTED']);
  });
});

describe('ovfkit descriptor', () => {
  it('writes the descriptor of a VM configuration JSON, which ovfkit parse accepts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-desc-'));
    const config = path.join(dir, 'vm.json');
    fs.writeFileSync(config, JSON.stringify({
      name: 'db01', guestId: 'rhel9_64Guest', version: 'vmx-19',
      hardware: { numCPU: 2, memoryMB: 4096, device: [
        { _typeName: 'VirtualLsiLogicSASController', key: 1000, busNumber: 0 },
        { _typeName: 'VirtualDisk', key: 2000, controllerKey: 1000, unitNumber: 0, capacityInKB: 1048576 },
      ] },
    }));
    const out = path.join(dir, 'db01.ovf');
    const r = await runCli(['descriptor', config, '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    const p = await runCli(['parse', out, '--json']);
    assert.equal(p.code, 0, p.stdout);
    assert.equal((JSON.parse(p.stdout) as { approximateFlatDeploymentSize: number }).approximateFlatDeploymentSize, 2 ** 30);
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses a file that is not a VM configuration (exit 2)', async () => {
    const r = await runCli(['descriptor', path.join(repoRoot, 'README.md')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is not JSON/);
  });
});

describeCorpus('ovfkit import-spec and secrets', () => {
  it('prints password property values as ******** in --json output', async () => {
    const r = await runCli(['import-spec', vcsa, '--json', '--prop', 'guestinfo.cis.appliance.root.passwd=Sup3r$ecret!!', '--net', 'Network 1=VM Network']);
    assert.equal(r.code, 0, r.stdout.slice(0, 500));
    assert.ok(!r.stdout.includes('Sup3r$ecret!!'));
    const res = JSON.parse(r.stdout) as { importSpec: { configSpec: { vAppConfig: { property: { info: { id: string; value: string } }[] } } } };
    assert.equal(res.importSpec.configSpec.vAppConfig.property.find((p) => p.info.id === 'guestinfo.cis.appliance.root.passwd')?.info.value, '********');
  });
});
