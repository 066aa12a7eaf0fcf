/**
 * A host profile: what one ESXi host (release) can run, so ValidateHost and CreateImportSpec can
 * answer offline the way that host would. Stored as JSON (`format: "ovfkit.host-profile/1"`),
 * documented in docs/host-profiles.md.
 */

/** The format tag of a host-profile JSON document. */
export const HOST_PROFILE_FORMAT = 'ovfkit.host-profile/1';

/**
 * vim25 virtual device classes a host profile can list, i.e. what CreateImportSpec may put in
 * `deviceChange`. @see vim25 VirtualDevice and its subclasses
 */
export const DEVICE_TYPES = [
  'VirtualIDEController',
  'VirtualLsiLogicController',
  'VirtualLsiLogicSASController',
  'VirtualBusLogicController',
  'ParaVirtualSCSIController',
  'VirtualAHCIController',
  'VirtualNVMEController',
  'VirtualE1000',
  'VirtualE1000e',
  'VirtualVmxnet3',
  'VirtualVmxnet3Vrdma',
  'VirtualVmxnet2',
  'VirtualVmxnet',
  'VirtualPCNet32',
  'VirtualSriovEthernetCard',
  'VirtualFloppy',
  'VirtualCdrom',
  'VirtualDisk',
  'VirtualUSBController',
  'VirtualUSBXHCIController',
  'VirtualMachineVideoCard',
  'VirtualSerialPort',
  'VirtualParallelPort',
  'VirtualTPM',
  'VirtualNVDIMMController',
  'VirtualNVDIMM',
  'VirtualMachineVMCIDevice',
  'VirtualHdAudioCard',
  'VirtualEnsoniq1371',
  'VirtualSoundBlaster16',
  'VirtualPrecisionClock',
  'VirtualWDT',
] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** Disk provisioning keywords. @see vim25 OvfCreateImportSpecParamsDiskProvisioningType */
export const DISK_PROVISIONING_TYPES = [
  'monolithicSparse',
  'monolithicFlat',
  'twoGbMaxExtentSparse',
  'twoGbMaxExtentFlat',
  'thin',
  'thick',
  'seSparse',
  'eagerZeroedThick',
  'sparse',
  'flat',
] as const;
export type DiskProvisioningType = (typeof DISK_PROVISIONING_TYPES)[number];

/** One device class and the hardware versions that have it. */
export interface HostProfileDevice {
  type: DeviceType;
  /** First virtual hardware version with this device (e.g. 13 for NVMe). */
  minHardwareVersion: number;
  /** Last hardware version with it, when a later one dropped it. */
  maxHardwareVersion?: number;
  /** How many a VM may have (controllers per VM, NICs per VM…), from the configuration maximums. */
  maxPerVm?: number;
}

/** vCPU and memory maxima from this hardware version on (until the next entry). */
export interface HostProfileLimits {
  hardwareVersion: number;
  /** Maximum virtual CPUs per VM. */
  maxCPUs: number;
  /** Maximum memory per VM, in MB. */
  maxMemoryMB: number;
}

/** One guest OS id and, when it needs one, the lowest hardware version it is supported on. */
export interface HostProfileGuest {
  id: string;
  minHardwareVersion?: number;
}

/**
 * What a host supports. Names follow `esxi-<major>.<minor>u<update>` (`esxi-8.0u2`); `esxi-8.0`
 * is the latest update of that release.
 * @example
 * const p = resolveHostProfile('esxi-8.0u3'); p.maxHardwareVersion // 21
 */
export interface HostProfile {
  format: typeof HOST_PROFILE_FORMAT;
  /** Profile name, e.g. `esxi-8.0u3`. */
  name: string;
  /** Product as `AboutInfo` reports it. @see vim25 AboutInfo */
  product: { name: string; version: string; apiVersion: string };
  /** Hardware versions the host can create VMs with, ascending (`vmx-NN` numbers). */
  supportedHardwareVersions: number[];
  /** Hardware version used when a descriptor allows several (the host's default). */
  defaultHardwareVersion: number;
  /** vCPU/memory maxima, ascending by hardware version. */
  limits: HostProfileLimits[];
  /** Guest OS ids the host knows. */
  guestIds: HostProfileGuest[];
  /** Device classes, with the hardware versions that have them. */
  devices: HostProfileDevice[];
  /** Firmware: `bios` always; EFI and secure boot from a hardware version. */
  firmware: { efiMinHardwareVersion: number; secureBootMinHardwareVersion: number };
  /** Provisioning types the host accepts for imported disks. */
  supportedDiskProvisioning: DiskProvisioningType[];
  /** Where the facts come from. */
  sources?: string[];
}
