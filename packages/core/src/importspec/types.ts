/**
 * vim25 data objects CreateImportSpec returns (the ImportSpec family and the parts of
 * VirtualMachineConfigSpec it fills), with wire names. Polymorphic objects carry `_typeName`
 * (the `xsi:type` on the wire): ImportSpec, VirtualDevice, backings, vAppConfig.
 * @see vsphere-ovf-api.md §5
 */
import type { OvfIssue } from '../faults';
import type {
  KeyValue,
  ManagedObjectReference,
  OvfConsumerOstNode,
  OvfFileItem,
  VAppIPAssignmentInfo,
  VAppProductInfo,
  VAppPropertyInfo,
} from '../vim25';

/** @see vim25 Description */
export interface Description {
  label: string;
  summary: string;
}

/** A device backing; `_typeName` is its vim25 class (`VirtualDiskFlatVer2BackingInfo`…). */
export interface VirtualDeviceBackingInfo {
  _typeName: string;
  [field: string]: unknown;
}

/** @see vim25 VirtualDeviceConnectInfo */
export interface VirtualDeviceConnectInfo {
  startConnected: boolean;
  allowGuestControl: boolean;
  connected: boolean;
}

/**
 * A virtual device in a config spec: `_typeName` is the vim25 class, the common fields are
 * typed, class-specific ones (`busNumber`, `sharedBus`, `capacityInKB`, `addressType`…) are
 * carried as further fields.
 * @see vim25 VirtualDevice
 */
export interface VirtualDevice {
  _typeName: string;
  key: number;
  deviceInfo?: Description;
  backing?: VirtualDeviceBackingInfo;
  connectable?: VirtualDeviceConnectInfo;
  controllerKey?: number;
  unitNumber?: number;
  [field: string]: unknown;
}

/** @see vim25 VirtualDeviceConfigSpec */
export interface VirtualDeviceConfigSpec {
  operation: 'add' | 'remove' | 'edit';
  fileOperation?: 'create' | 'destroy' | 'replace';
  device: VirtualDevice;
}

/** @see vim25 OptionValue */
export interface OptionValue {
  key: string;
  value: string;
}

/** @see vim25 ArrayUpdateSpec subclasses VAppProductSpec / VAppPropertySpec */
export interface VAppProductSpec {
  operation: 'add';
  info: VAppProductInfo;
}
export interface VAppPropertySpec {
  operation: 'add';
  info: VAppPropertyInfo;
}

/** @see vim25 VmConfigSpec (the vApp options of a VM) */
export interface VmConfigSpec {
  _typeName: 'VmConfigSpec' | 'VAppConfigSpec';
  product?: VAppProductSpec[];
  property?: VAppPropertySpec[];
  ipAssignment?: VAppIPAssignmentInfo;
  eula?: string[];
  ovfEnvironmentTransport?: string[];
  installBootRequired?: boolean;
  installBootStopDelay?: number;
}

/** @see vim25 VAppEntityConfigInfo (from StartupSection) */
export interface VAppEntityConfigInfo {
  key?: ManagedObjectReference;
  tag?: string;
  startOrder?: number;
  startDelay?: number;
  waitingForGuest?: boolean;
  startAction?: string;
  stopDelay?: number;
  stopAction?: string;
  destroyWithParent?: boolean;
}

/** @see vim25 VAppConfigSpec */
export interface VAppConfigSpec extends VmConfigSpec {
  _typeName: 'VAppConfigSpec';
  entityConfig?: VAppEntityConfigInfo[];
  annotation?: string;
}

/** @see vim25 ResourceAllocationInfo */
export interface ResourceAllocationInfo {
  reservation?: number;
  expandableReservation?: boolean;
  limit?: number;
  shares?: { level: 'low' | 'normal' | 'high' | 'custom'; shares: number };
}

/** @see vim25 ResourceConfigSpec */
export interface ResourceConfigSpec {
  cpuAllocation: ResourceAllocationInfo;
  memoryAllocation: ResourceAllocationInfo;
}

/** The parts of VirtualMachineConfigSpec CreateImportSpec fills. @see vim25 VirtualMachineConfigSpec */
export interface VirtualMachineConfigSpec {
  name: string;
  version: string;
  guestId: string;
  annotation?: string;
  files: { vmPathName: string };
  numCPUs: number;
  numCoresPerSocket?: number;
  memoryMB: number;
  cpuAllocation?: ResourceAllocationInfo;
  memoryAllocation?: ResourceAllocationInfo;
  firmware?: 'bios' | 'efi';
  bootOptions?: Record<string, unknown>;
  deviceChange: VirtualDeviceConfigSpec[];
  extraConfig?: OptionValue[];
  vAppConfig?: VmConfigSpec;
  /** Further `vmw:Config` settings (`cpuHotAddEnabled`, `tools`, `flags`…), by their vim25 names. */
  [field: string]: unknown;
}

/** @see vim25 VirtualMachineImportSpec */
export interface VirtualMachineImportSpec {
  _typeName: 'VirtualMachineImportSpec';
  entityConfig?: VAppEntityConfigInfo;
  instantiationOst?: OvfConsumerOstNode;
  configSpec: VirtualMachineConfigSpec;
  resPoolEntity?: ManagedObjectReference;
}

/** @see vim25 VirtualAppImportSpec */
export interface VirtualAppImportSpec {
  _typeName: 'VirtualAppImportSpec';
  entityConfig?: VAppEntityConfigInfo;
  instantiationOst?: OvfConsumerOstNode;
  name: string;
  vAppConfigSpec: VAppConfigSpec;
  resourcePoolSpec: ResourceConfigSpec;
  child?: ImportSpec[];
}

/** @see vim25 ImportSpec */
export type ImportSpec = VirtualMachineImportSpec | VirtualAppImportSpec;

/**
 * The result of CreateImportSpec. `importSpec` is absent when `error` is non-empty. `S` is how a
 * backend holds the spec: the typed tree locally, the server's XML verbatim remotely.
 * @see vim25 OvfCreateImportSpecResult
 */
export interface OvfCreateImportSpecResult<S = ImportSpec> {
  importSpec?: S;
  fileItem?: OvfFileItem[];
  warning?: OvfIssue[];
  error?: OvfIssue[];
}

