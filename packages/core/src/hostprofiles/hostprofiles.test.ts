import * as assert from 'node:assert/strict';
import {
  BUILTIN_HOST_PROFILE_NAMES,
  checkHostProfile,
  DEFAULT_HOST_PROFILE_NAME,
  limitsFor,
  resolveHostProfile,
} from './index';
import { isOvfkitError } from '../errors';

describe('built-in host profiles', () => {
  it('cover ESXi 6.5, 6.7, 7.0 U1-U3, 8.0 U1-U3 and 9.0 with their newest hardware versions', () => {
    const max = (n: string): number => resolveHostProfile(n).defaultHardwareVersion;
    assert.equal(max('esxi-6.5'), 13);
    assert.equal(max('esxi-6.7ga'), 14);
    assert.equal(max('esxi-7.0ga'), 17);
    assert.equal(max('esxi-7.0u1'), 18);
    assert.equal(max('esxi-7.0u2'), 19);
    assert.equal(max('esxi-7.0u3'), 19);
    assert.equal(max('esxi-8.0u1'), 20);
    assert.equal(max('esxi-8.0u2'), 21);
    assert.equal(max('esxi-8.0u3'), 21);
    assert.equal(max('esxi-9.0'), 22);
  });

  it('resolve a release name to its latest update, and nothing to the newest release', () => {
    assert.equal(resolveHostProfile('esxi-8.0').name, 'esxi-8.0u3');
    assert.equal(resolveHostProfile('esxi-7.0').name, 'esxi-7.0u3');
    assert.equal(resolveHostProfile().name, DEFAULT_HOST_PROFILE_NAME);
    assert.equal(DEFAULT_HOST_PROFILE_NAME, BUILTIN_HOST_PROFILE_NAMES[BUILTIN_HOST_PROFILE_NAMES.length - 1]);
  });

  it('reject an unknown name with a usage error that lists the names', () => {
    assert.throws(() => resolveHostProfile('esxi-5.5'), (e: unknown) => isOvfkitError(e) && e.code === 'USAGE' && /esxi-8\.0u2/.test(e.message));
  });

  it('know the vSphere 9.0 guest ids only from ESXi 9.0', () => {
    const nine = ['rhel10_64Guest', 'oracleLinux10_64Guest', 'debian13Guest', 'debian13_64Guest', 'freebsd15Guest', 'freebsd15_64Guest', 'other7xLinuxGuest', 'other7xLinux64Guest'];
    const ids = (n: string): Set<string> => new Set(resolveHostProfile(n).guestIds.map((g) => g.id));
    assert.deepEqual(nine.filter((id) => ids('esxi-9.0').has(id)), nine);
    assert.deepEqual(nine.filter((id) => ids('esxi-8.0u3').has(id)), []);
    assert.ok(ids('esxi-8.0u3').has('crxSys1Guest') && !ids('esxi-8.0u2').has('crxSys1Guest'));
    assert.equal(ids('esxi-9.0').size, ids('esxi-8.0u3').size + nine.length);
  });

  it('know Windows 11 only from ESXi 8.0, and only on vmx-14 or later', () => {
    assert.ok(!resolveHostProfile('esxi-7.0u3').guestIds.some((g) => g.id === 'windows11_64Guest'));
    const w11 = resolveHostProfile('esxi-8.0').guestIds.find((g) => g.id === 'windows11_64Guest');
    assert.deepEqual(w11, { id: 'windows11_64Guest', minHardwareVersion: 14 });
    assert.ok(resolveHostProfile('esxi-6.5').guestIds.some((g) => g.id === 'otherLinux64Guest'));
  });

  it('give NVMe from vmx-13, vTPM from vmx-14 and no device above the release', () => {
    const p = resolveHostProfile('esxi-6.5');
    assert.equal(p.devices.find((d) => d.type === 'VirtualNVMEController')?.minHardwareVersion, 13);
    assert.equal(p.devices.find((d) => d.type === 'VirtualTPM'), undefined);
    assert.equal(resolveHostProfile('esxi-6.7').devices.find((d) => d.type === 'VirtualTPM')?.minHardwareVersion, 14);
  });

  it('give vCPU and memory maxima per hardware version', () => {
    const p = resolveHostProfile('esxi-8.0');
    assert.deepEqual(limitsFor(p, 13), { hardwareVersion: 13, maxCPUs: 128, maxMemoryMB: 6128 * 1024 });
    assert.equal(limitsFor(p, 19)?.maxCPUs, 768);
    assert.equal(limitsFor(p, 7)?.maxCPUs, 8);
  });

  it('survive a JSON round trip through the validator unchanged', () => {
    for (const name of BUILTIN_HOST_PROFILE_NAMES) {
      const p = resolveHostProfile(name);
      const check = checkHostProfile(JSON.parse(JSON.stringify(p)));
      assert.deepEqual(check.issues, []);
      assert.deepEqual(check.profile, p);
    }
  });
});

describe('the host-profile validator', () => {
  it('reports every problem of a bad document as data, with path, value, allowed and fix', () => {
    const bad = {
      format: 'ovfkit.host-profile/1',
      name: 'lab',
      product: { name: 'VMware ESXi', version: '8.0.2', apiVersion: '8.0.2.0' },
      supportedHardwareVersions: [13, 'vmx-21'],
      defaultHardwareVersion: 21,
      limits: [{ hardwareVersion: 13, maxCPUs: 0, maxMemoryMB: 1024 }],
      guestIds: ['otherGuest', 'otherGuest'],
      devices: [{ type: 'VirtualFloppyDisk', minHardwareVersion: 4 }],
      firmware: { efiMinHardwareVersion: 7, secureBootMinHardwareVersion: 13 },
      supportedDiskProvisioning: ['thin', 'lazy'],
      colour: 'blue',
    };
    const { profile, issues } = checkHostProfile(bad);
    assert.equal(profile, undefined);
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.code]));
    assert.deepEqual(byPath, {
      '$.colour': 'UNKNOWN_FIELD',
      '$.supportedHardwareVersions[1]': 'WRONG_TYPE',
      '$.defaultHardwareVersion': 'DANGLING_REFERENCE',
      '$.limits[0].maxCPUs': 'OUT_OF_RANGE',
      '$.guestIds[1].id': 'DUPLICATE',
      '$.devices[0].type': 'UNKNOWN_VALUE',
      '$.supportedDiskProvisioning[1]': 'UNKNOWN_VALUE',
    });
    for (const i of issues) {
      assert.ok(i.allowed && i.fix && i.message, `issue at ${i.path} has allowed, fix and message`);
    }
  });

  it('says so when the document is not a host profile at all', () => {
    const { issues } = checkHostProfile({ format: 'ovfkit.inventory/1' });
    assert.equal(issues[0]?.code, 'WRONG_FORMAT');
    assert.equal(checkHostProfile('esxi').issues[0]?.code, 'WRONG_TYPE');
  });
});
