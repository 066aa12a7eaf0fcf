import { GUEST_MIN_HARDWARE_VERSION, GUEST_OS_IDENTIFIERS } from './guestids';
import {
  DISK_PROVISIONING_TYPES,
  HOST_PROFILE_FORMAT,
  type HostProfile,
  type HostProfileDevice,
  type HostProfileLimits,
} from './types';

/**
 * The facts behind the built-in profiles. Sources:
 * - VMware KB 1003746 / Broadcom KB 315655 "Virtual machine hardware versions": which ESXi release
 *   introduced which `vmx-NN` (13: 6.5; 14: 6.7; 15: 6.7 U2; 17: 7.0; 18: 7.0 U1; 19: 7.0 U2;
 *   20: 8.0; 21: 8.0 U2; 22: 9.0) and the per-version vCPU / memory maxima.
 * - VMware KB 2007240 "ESXi/ESX hosts and compatible virtual machine hardware versions list".
 * - VMware Configuration Maximums (configmax.broadcom.com) for devices per VM.
 * - govmomi `vim25/types/enum.go` for guest ids (see ./guestids.ts).
 * Approximations are listed in docs/host-profiles.md.
 */
export const HOST_PROFILE_SOURCES = [
  'VMware KB 1003746 (Broadcom KB 315655): Virtual machine hardware versions',
  'VMware KB 2007240: ESXi hosts and compatible virtual machine hardware versions',
  'VMware Configuration Maximums (configmax.broadcom.com), vSphere 6.5-9.0',
  'govmomi vim25/types/enum.go VirtualMachineGuestOsIdentifier (+ minAPIVersionForEnumValue)',
];

/** vCPU / memory maxima per hardware version (KB 1003746 "Virtual Hardware Features"). */
const LIMITS: HostProfileLimits[] = [
  { hardwareVersion: 4, maxCPUs: 4, maxMemoryMB: 64 * 1024 - 4 },
  { hardwareVersion: 7, maxCPUs: 8, maxMemoryMB: 255 * 1024 },
  { hardwareVersion: 8, maxCPUs: 32, maxMemoryMB: 1011 * 1024 },
  { hardwareVersion: 9, maxCPUs: 64, maxMemoryMB: 1011 * 1024 },
  { hardwareVersion: 11, maxCPUs: 128, maxMemoryMB: 4080 * 1024 },
  { hardwareVersion: 13, maxCPUs: 128, maxMemoryMB: 6128 * 1024 },
  { hardwareVersion: 15, maxCPUs: 256, maxMemoryMB: 6128 * 1024 },
  { hardwareVersion: 18, maxCPUs: 768, maxMemoryMB: 24560 * 1024 },
  // vSphere 9.0 configuration maximums: 960 vCPUs per VM; memory unchanged (approximate).
  { hardwareVersion: 22, maxCPUs: 960, maxMemoryMB: 24560 * 1024 },
];

/** Device classes and the first hardware version with each (KB 1003746 feature table). */
const DEVICES: HostProfileDevice[] = [
  { type: 'VirtualIDEController', minHardwareVersion: 4, maxPerVm: 2 },
  { type: 'VirtualLsiLogicController', minHardwareVersion: 4, maxPerVm: 4 },
  { type: 'VirtualBusLogicController', minHardwareVersion: 4, maxPerVm: 4 },
  { type: 'VirtualLsiLogicSASController', minHardwareVersion: 7, maxPerVm: 4 },
  { type: 'ParaVirtualSCSIController', minHardwareVersion: 7, maxPerVm: 4 },
  { type: 'VirtualAHCIController', minHardwareVersion: 10, maxPerVm: 4 },
  { type: 'VirtualNVMEController', minHardwareVersion: 13, maxPerVm: 4 },
  { type: 'VirtualE1000', minHardwareVersion: 4, maxPerVm: 10 },
  { type: 'VirtualPCNet32', minHardwareVersion: 4, maxPerVm: 10 },
  { type: 'VirtualVmxnet', minHardwareVersion: 4, maxPerVm: 10 },
  { type: 'VirtualVmxnet2', minHardwareVersion: 4, maxPerVm: 10 },
  { type: 'VirtualVmxnet3', minHardwareVersion: 7, maxPerVm: 10 },
  { type: 'VirtualE1000e', minHardwareVersion: 8, maxPerVm: 10 },
  { type: 'VirtualSriovEthernetCard', minHardwareVersion: 10, maxPerVm: 10 },
  { type: 'VirtualVmxnet3Vrdma', minHardwareVersion: 13, maxPerVm: 10 },
  { type: 'VirtualFloppy', minHardwareVersion: 4, maxPerVm: 2 },
  { type: 'VirtualCdrom', minHardwareVersion: 4 },
  { type: 'VirtualDisk', minHardwareVersion: 4 },
  { type: 'VirtualMachineVideoCard', minHardwareVersion: 4, maxPerVm: 1 },
  { type: 'VirtualSerialPort', minHardwareVersion: 4, maxPerVm: 32 },
  { type: 'VirtualParallelPort', minHardwareVersion: 4, maxPerVm: 3 },
  { type: 'VirtualEnsoniq1371', minHardwareVersion: 4, maxPerVm: 1 },
  { type: 'VirtualSoundBlaster16', minHardwareVersion: 4, maxPerVm: 1 },
  { type: 'VirtualHdAudioCard', minHardwareVersion: 7, maxPerVm: 1 },
  { type: 'VirtualUSBController', minHardwareVersion: 7, maxPerVm: 1 },
  { type: 'VirtualMachineVMCIDevice', minHardwareVersion: 7, maxPerVm: 1 },
  { type: 'VirtualUSBXHCIController', minHardwareVersion: 8, maxPerVm: 1 },
  { type: 'VirtualTPM', minHardwareVersion: 14, maxPerVm: 1 },
  { type: 'VirtualNVDIMMController', minHardwareVersion: 14, maxPerVm: 1 },
  { type: 'VirtualNVDIMM', minHardwareVersion: 14, maxPerVm: 64 },
  { type: 'VirtualPrecisionClock', minHardwareVersion: 17, maxPerVm: 1 },
  { type: 'VirtualWDT', minHardwareVersion: 17, maxPerVm: 1 },
];

/** Hardware versions ESXi can create (vmx-12 and vmx-16 are Workstation/Fusion-only). */
const ESXI_HARDWARE_VERSIONS = [4, 7, 8, 9, 10, 11, 13, 14, 15, 17, 18, 19, 20, 21, 22];

interface Release {
  name: string;
  version: string;
  apiVersion: string;
  maxHardwareVersion: number;
}

/** Built-in releases, oldest first. `esxi-X.Y` is an alias of the last update listed for X.Y. */
const RELEASES: Release[] = [
  { name: 'esxi-6.5u3', version: '6.5.0', apiVersion: '6.5', maxHardwareVersion: 13 },
  { name: 'esxi-6.7ga', version: '6.7.0', apiVersion: '6.7', maxHardwareVersion: 14 },
  { name: 'esxi-6.7u1', version: '6.7.0', apiVersion: '6.7.1', maxHardwareVersion: 14 },
  { name: 'esxi-6.7u2', version: '6.7.0', apiVersion: '6.7.2', maxHardwareVersion: 15 },
  { name: 'esxi-6.7u3', version: '6.7.0', apiVersion: '6.7.3', maxHardwareVersion: 15 },
  { name: 'esxi-7.0ga', version: '7.0.0', apiVersion: '7.0.0.0', maxHardwareVersion: 17 },
  { name: 'esxi-7.0u1', version: '7.0.1', apiVersion: '7.0.1.0', maxHardwareVersion: 18 },
  { name: 'esxi-7.0u2', version: '7.0.2', apiVersion: '7.0.2.0', maxHardwareVersion: 19 },
  { name: 'esxi-7.0u3', version: '7.0.3', apiVersion: '7.0.3.0', maxHardwareVersion: 19 },
  { name: 'esxi-8.0ga', version: '8.0.0', apiVersion: '8.0.0.1', maxHardwareVersion: 20 },
  { name: 'esxi-8.0u1', version: '8.0.1', apiVersion: '8.0.1.0', maxHardwareVersion: 20 },
  { name: 'esxi-8.0u2', version: '8.0.2', apiVersion: '8.0.2.0', maxHardwareVersion: 21 },
  { name: 'esxi-8.0u3', version: '8.0.3', apiVersion: '8.0.3.0', maxHardwareVersion: 21 },
  { name: 'esxi-9.0ga', version: '9.0.0', apiVersion: '9.0.0.0', maxHardwareVersion: 22 },
];

/** Compares dotted API versions numerically (`"2.5 U2"` counts as 2.5). */
export function compareApiVersions(a: string, b: string): number {
  const pa = a.split(/[ .]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[ .]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function buildProfile(r: Release): HostProfile {
  const guestIds = GUEST_OS_IDENTIFIERS.filter(([, since]) => since === '' || compareApiVersions(since, r.apiVersion) <= 0).map(([id]) => {
    const min = GUEST_MIN_HARDWARE_VERSION[id];
    return min === undefined ? { id } : { id, minHardwareVersion: min };
  });
  return {
    format: HOST_PROFILE_FORMAT,
    name: r.name,
    product: { name: 'VMware ESXi', version: r.version, apiVersion: r.apiVersion },
    supportedHardwareVersions: ESXI_HARDWARE_VERSIONS.filter((v) => v <= r.maxHardwareVersion),
    defaultHardwareVersion: r.maxHardwareVersion,
    limits: LIMITS.filter((l) => l.hardwareVersion <= r.maxHardwareVersion).map((l) => ({ ...l })),
    guestIds,
    devices: DEVICES.filter((d) => d.minHardwareVersion <= r.maxHardwareVersion).map((d) => ({ ...d })),
    firmware: { efiMinHardwareVersion: 7, secureBootMinHardwareVersion: 13 },
    supportedDiskProvisioning: [...DISK_PROVISIONING_TYPES],
    sources: [...HOST_PROFILE_SOURCES],
  };
}

/** Names of the built-in profiles, oldest first (`esxi-6.5u3` … `esxi-9.0ga`). */
export const BUILTIN_HOST_PROFILE_NAMES: readonly string[] = RELEASES.map((r) => r.name);

/** Alias → full name: `esxi-8.0` → its latest update. */
export const HOST_PROFILE_ALIASES: Readonly<Record<string, string>> = (() => {
  const aliases: Record<string, string> = {};
  for (const r of RELEASES) aliases[r.name.replace(/(ga|u\d+)$/, '')] = r.name; // later updates overwrite earlier
  return aliases;
})();

/** The profile used when none is named: the newest release. */
export const DEFAULT_HOST_PROFILE_NAME: string = RELEASES[RELEASES.length - 1]!.name;

/**
 * The name of the built-in profile closest to (not newer than) a host's API version; the oldest
 * when every release is newer. Read from the release list: no profile is built.
 * @example closestBuiltinHostProfileName('7.0.3.0') // 'esxi-7.0u3'
 */
export function closestBuiltinHostProfileName(apiVersion: string): string {
  let best: Release | undefined;
  for (const r of RELEASES) if (compareApiVersions(r.apiVersion, apiVersion) <= 0) best = r;
  return (best ?? RELEASES[0]!).name;
}

const cache = new Map<string, HostProfile>();

/**
 * A built-in host profile by name or alias, or undefined. Returns a fresh copy each call so
 * callers may edit it.
 * @example builtinHostProfile('esxi-8.0')?.name // 'esxi-8.0u3'
 */
export function builtinHostProfile(name: string): HostProfile | undefined {
  const full = HOST_PROFILE_ALIASES[name] ?? name;
  const release = RELEASES.find((r) => r.name === full);
  if (!release) return undefined;
  let p = cache.get(full);
  if (!p) {
    p = buildProfile(release);
    cache.set(full, p);
  }
  return structuredClone(p);
}
