/**
 * RASD ResourceType + ResourceSubType → vim25 device class: the device catalogue
 * CreateImportSpec uses, and the inverse CreateDescriptor uses.
 * @see ovf-spec-notes.md §10.2, vim25 VirtualDevice subclasses
 */
import type { DeviceType } from '../hostprofiles/types';

/** CIM ResourceType codes ovfkit handles. */
export const RT = {
  other: 1,
  processor: 3,
  memory: 4,
  ide: 5,
  scsi: 6,
  ethernet: 10,
  floppy: 14,
  cdrom: 15,
  dvd: 16,
  disk: 17,
  otherStorage: 20,
  serial: 21,
  parallel: 22,
  usb: 23,
  graphics: 24,
  /** VirtualBox sound card (not in the CIM enumeration). */
  virtualBoxSound: 35,
} as const;

/** What an Item becomes: a device class, a device vSphere creates by itself, or nothing known. */
export type DeviceMapping = { device: DeviceType } | { builtin: string } | { unsupported: 'type' | 'subtype' };

const SCSI: Record<string, DeviceType> = {
  lsilogic: 'VirtualLsiLogicController',
  lsilogicsas: 'VirtualLsiLogicSASController',
  buslogic: 'VirtualBusLogicController',
  virtualscsi: 'ParaVirtualSCSIController',
  pvscsi: 'ParaVirtualSCSIController',
  paravirtual: 'ParaVirtualSCSIController',
};

const NIC: Record<string, DeviceType> = {
  e1000: 'VirtualE1000',
  e1000e: 'VirtualE1000e',
  vmxnet3: 'VirtualVmxnet3',
  vmxnet2: 'VirtualVmxnet2',
  vmxnet: 'VirtualVmxnet',
  pcnet32: 'VirtualPCNet32',
  vlance: 'VirtualPCNet32',
  vmxnet3vrdma: 'VirtualVmxnet3Vrdma',
  sriovethernetcard: 'VirtualSriovEthernetCard',
  sriov: 'VirtualSriovEthernetCard',
};

const OTHER: Record<string, DeviceType> = {
  'vmware.vmci': 'VirtualMachineVMCIDevice',
  'vmware.soundcard.sb16': 'VirtualSoundBlaster16',
  'vmware.soundcard.ensoniq1371': 'VirtualEnsoniq1371',
  'vmware.soundcard.hdaudio': 'VirtualHdAudioCard',
  'vmware.vtpm': 'VirtualTPM',
  'vmware.nvdimm.controller': 'VirtualNVDIMMController',
  'vmware.nvdimm.device': 'VirtualNVDIMM',
  'vmware.precisionclock': 'VirtualPrecisionClock',
  'vmware.watchdogtimer': 'VirtualWDT',
};

/** Devices every new VM gets from vSphere; an Item describing one is accepted and skipped. */
const BUILTIN: Record<string, string> = {
  'vmware.pcicontroller': 'VirtualPCIController',
  'vmware.ps2controller': 'VirtualPS2Controller',
  'vmware.siocontroller': 'VirtualSIOController',
  'vmware.keyboard': 'VirtualKeyboard',
  'vmware.pointingdevice': 'VirtualPointingDevice',
};

/**
 * The device an Item describes. Subtypes are compared case-insensitively.
 * @example deviceFor(6, 'VirtualSCSI') // { device: 'ParaVirtualSCSIController' }
 */
export function deviceFor(resourceType: number, subtype: string | undefined): DeviceMapping {
  // ResourceSubType may list alternatives ("virtio lsilogic", "someother, lsilogic"): the first
  // one vSphere can create wins.
  const alternatives = (subtype ?? '').split(/[\s,]+/).filter((x) => x !== '');
  if (alternatives.length > 1) {
    for (const alt of alternatives) {
      const m = deviceForOne(resourceType, alt);
      if (!('unsupported' in m)) return m;
    }
  }
  return deviceForOne(resourceType, alternatives[0]);
}

function deviceForOne(resourceType: number, subtype: string | undefined): DeviceMapping {
  const sub = subtype?.trim().toLowerCase() ?? '';
  const pick = (table: Record<string, DeviceType>, dflt?: DeviceType): DeviceMapping => {
    const d = sub === '' ? dflt : table[sub];
    return d ? { device: d } : { unsupported: 'subtype' };
  };
  switch (resourceType) {
    case RT.other: {
      const b = BUILTIN[sub];
      if (b) return { builtin: b };
      return pick(OTHER);
    }
    case RT.ide:
      return { device: 'VirtualIDEController' };
    case RT.scsi:
      return pick(SCSI, 'VirtualLsiLogicController');
    case RT.otherStorage:
      if (sub === 'vmware.sata.ahci' || sub === 'ahci') return { device: 'VirtualAHCIController' };
      if (sub === 'vmware.nvme.controller' || sub === 'nvme') return { device: 'VirtualNVMEController' };
      // vSphere exports NVDIMMs as "other storage"; older writers used 1 (Other), read above.
      if (sub === 'vmware.nvdimm.controller') return { device: 'VirtualNVDIMMController' };
      if (sub === 'vmware.nvdimm.device') return { device: 'VirtualNVDIMM' };
      return { unsupported: 'subtype' };
    case RT.ethernet:
      return pick(NIC, 'VirtualE1000');
    case RT.floppy:
      return { device: 'VirtualFloppy' };
    case RT.cdrom:
    case RT.dvd:
      return { device: 'VirtualCdrom' };
    case RT.disk:
      return { device: 'VirtualDisk' };
    case RT.serial:
      return { device: 'VirtualSerialPort' };
    case RT.parallel:
      return { device: 'VirtualParallelPort' };
    case RT.usb:
      if (sub === 'vmware.usb.xhci') return { device: 'VirtualUSBXHCIController' };
      if (sub === '' || sub === 'vmware.usb.ehci' || sub === 'vmware.usb.uhci') return { device: 'VirtualUSBController' };
      return { unsupported: 'subtype' };
    case RT.graphics:
      return { device: 'VirtualMachineVideoCard' };
    default:
      return { unsupported: 'type' };
  }
}

/** Controller families: bus numbering and slots per controller. */
export type ControllerFamily = 'ide' | 'scsi' | 'sata' | 'nvme' | 'usb' | 'nvdimm';

export function controllerFamily(t: DeviceType): ControllerFamily | undefined {
  switch (t) {
    case 'VirtualIDEController':
      return 'ide';
    case 'VirtualLsiLogicController':
    case 'VirtualLsiLogicSASController':
    case 'VirtualBusLogicController':
    case 'ParaVirtualSCSIController':
      return 'scsi';
    case 'VirtualAHCIController':
      return 'sata';
    case 'VirtualNVMEController':
      return 'nvme';
    case 'VirtualUSBController':
    case 'VirtualUSBXHCIController':
      return 'usb';
    case 'VirtualNVDIMMController':
      return 'nvdimm';
    default:
      return undefined;
  }
}

/** Usable unit numbers on one controller (SCSI skips 7, the HBA's own id). */
export function controllerUnits(family: ControllerFamily, t: DeviceType, hardwareVersion: number): number[] {
  const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  switch (family) {
    case 'ide':
      return range(2);
    case 'scsi':
      // PVSCSI takes 64 targets from vmx-14 (vSphere 6.7); the others 16.
      return range(t === 'ParaVirtualSCSIController' && hardwareVersion >= 14 ? 64 : 16).filter((u) => u !== 7);
    case 'sata':
      return range(30);
    case 'nvme':
      return range(hardwareVersion >= 20 ? 64 : 15);
    case 'nvdimm':
      return range(64);
    case 'usb':
      return [];
  }
}

/** The inverse for CreateDescriptor: vim25 class → RASD ResourceType and ResourceSubType. */
export const RASD_FOR_DEVICE: Readonly<Record<string, readonly [resourceType: number, subtype?: string]>> = {
  VirtualIDEController: [5],
  VirtualLsiLogicController: [6, 'lsilogic'],
  VirtualLsiLogicSASController: [6, 'lsilogicsas'],
  VirtualBusLogicController: [6, 'buslogic'],
  ParaVirtualSCSIController: [6, 'VirtualSCSI'],
  VirtualAHCIController: [20, 'vmware.sata.ahci'],
  VirtualNVMEController: [20, 'vmware.nvme.controller'],
  VirtualE1000: [10, 'E1000'],
  VirtualE1000e: [10, 'E1000e'],
  VirtualVmxnet3: [10, 'VmxNet3'],
  VirtualVmxnet3Vrdma: [10, 'vmxnet3vrdma'],
  VirtualVmxnet2: [10, 'VmxNet2'],
  VirtualVmxnet: [10, 'Vmxnet'],
  VirtualPCNet32: [10, 'PCNet32'],
  VirtualSriovEthernetCard: [10, 'SriovEthernetCard'],
  VirtualFloppy: [14],
  VirtualCdrom: [15],
  VirtualDisk: [17],
  VirtualSerialPort: [21],
  VirtualParallelPort: [22],
  VirtualUSBController: [23, 'vmware.usb.ehci'],
  VirtualUSBXHCIController: [23, 'vmware.usb.xhci'],
  VirtualMachineVideoCard: [24],
  VirtualMachineVMCIDevice: [1, 'vmware.vmci'],
  VirtualSoundBlaster16: [1, 'vmware.soundcard.sb16'],
  VirtualEnsoniq1371: [1, 'vmware.soundcard.ensoniq1371'],
  VirtualHdAudioCard: [1, 'vmware.soundcard.hdaudio'],
  VirtualTPM: [1, 'vmware.vtpm'],
  // As vCenter exports them (issue 13); the reader takes 1 (Other) as well.
  VirtualNVDIMMController: [20, 'vmware.nvdimm.controller'],
  VirtualNVDIMM: [20, 'vmware.nvdimm.device'],
  VirtualPrecisionClock: [1, 'vmware.precisionclock'],
  VirtualWDT: [1, 'vmware.watchdogtimer'],
};
