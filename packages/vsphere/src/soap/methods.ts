/**
 * The vim25 methods ovfkit calls, one typed command each (AWS SDK v3 shape).
 * Parameters are listed in WSDL order after `_this`.
 * @see vim25-soap-wire.md §4–§6, vsphere-ovf-api.md §1, §7, §8
 */
import type {
  KeyValue,
  OvfCreateDescriptorParams,
  OvfCreateDescriptorResult,
  OvfCreateImportSpecParams,
  OvfFileItem,
  OvfParseDescriptorParams,
  OvfParseDescriptorResult,
  OvfValidateHostParams,
  OvfValidateHostResult,
} from '@ovfkit/core';
import type { DataObject, ManagedObjectReference, RawXml } from './codec';
import { defineCommand } from './client';

type This<T extends string = string> = { _this: ManagedObjectReference & { type: T | string } };

/** @see vim25 AboutInfo */
export interface AboutInfo {
  name: string;
  fullName: string;
  vendor: string;
  version: string;
  build: string;
  osType: string;
  productLineId: string;
  /** `VirtualCenter` or `HostAgent` (a bare ESXi). */
  apiType: string;
  apiVersion: string;
  instanceUuid?: string;
}

/** @see vim25 ServiceContent (the fields ovfkit uses) */
export interface ServiceContent {
  rootFolder: ManagedObjectReference;
  propertyCollector: ManagedObjectReference;
  viewManager?: ManagedObjectReference;
  about: AboutInfo;
  sessionManager?: ManagedObjectReference;
  taskManager?: ManagedObjectReference;
  searchIndex: ManagedObjectReference;
  fileManager?: ManagedObjectReference;
  ovfManager?: ManagedObjectReference;
}

/** @see vim25 UserSession */
export interface UserSession {
  key: string;
  userName: string;
  fullName: string;
  loginTime: string;
  locale: string;
}

/** @see vim25 PropertySpec */
export interface PropertySpec {
  type: string;
  all?: boolean;
  pathSet?: string[];
}

/** @see vim25 SelectionSpec / TraversalSpec */
export interface SelectionSpec {
  _typeName?: 'SelectionSpec' | 'TraversalSpec';
  name?: string;
  type?: string;
  path?: string;
  skip?: boolean;
  selectSet?: SelectionSpec[];
}

/** @see vim25 ObjectSpec */
export interface ObjectSpec {
  obj: ManagedObjectReference;
  skip?: boolean;
  selectSet?: SelectionSpec[];
}

/** @see vim25 PropertyFilterSpec */
export interface PropertyFilterSpec {
  propSet: PropertySpec[];
  objectSet: ObjectSpec[];
  reportMissingObjectsInResults?: boolean;
}

/** @see vim25 DynamicProperty */
export interface DynamicProperty {
  name: string;
  val: unknown;
}

/** @see vim25 ObjectContent */
export interface ObjectContent {
  obj: ManagedObjectReference;
  propSet: DynamicProperty[];
  missingSet: Array<{ path: string; fault: { fault: DataObject; localizedMessage?: string } }>;
}

/** @see vim25 RetrieveResult */
export interface RetrieveResult {
  token?: string;
  objects: ObjectContent[];
}

/** @see vim25 WaitOptions */
export interface WaitOptions {
  /** Seconds the server may hold the call before answering "no change" (no `returnval`). */
  maxWaitSeconds?: number;
  maxObjectUpdates?: number;
}

/** @see vim25 PropertyChange */
export interface PropertyChange {
  name: string;
  /** `add`, `remove`, `assign` or `indirectRemove` (vim25 PropertyChangeOp). */
  op: string;
  val?: unknown;
}

/** @see vim25 ObjectUpdate */
export interface ObjectUpdate {
  /** `enter`, `modify` or `leave` (vim25 ObjectUpdateKind). */
  kind: string;
  obj: ManagedObjectReference;
  changeSet: PropertyChange[];
  missingSet: Array<{ path: string; fault: LocalizedMethodFaultWire }>;
}

/** @see vim25 PropertyFilterUpdate */
export interface PropertyFilterUpdate {
  filter: ManagedObjectReference;
  objectSet: ObjectUpdate[];
  missingSet: Array<{ obj: ManagedObjectReference; fault: LocalizedMethodFaultWire }>;
}

/** @see vim25 UpdateSet */
export interface UpdateSet {
  version: string;
  filterSet: PropertyFilterUpdate[];
  truncated?: boolean;
}

/**
 * The server's record of one device URL's transfer: SHA-1 (and, after
 * HttpNfcLeaseSetManifestChecksumType, `checksum` of `checksumType`) of the bytes it received or sent.
 * @see vim25 HttpNfcLeaseManifestEntry (4.1; checksum/checksumType 6.7)
 */
export interface HttpNfcLeaseManifestEntry {
  /** The device URL's `key`. */
  key: string;
  sha1: string;
  checksum?: string;
  /** `sha1` or `sha256` (vim25 HttpNfcLeaseManifestEntryChecksumType). */
  checksumType?: string;
  size: number;
  disk: boolean;
  capacity?: number;
  populatedSize?: number;
}

/** @see vim25 LocalizedMethodFault */
export interface LocalizedMethodFaultWire {
  fault: DataObject;
  localizedMessage?: string;
}

/** @see vim25 TaskInfo */
export interface TaskInfo {
  key: string;
  task: ManagedObjectReference;
  entity?: ManagedObjectReference;
  state: 'queued' | 'running' | 'success' | 'error';
  error?: LocalizedMethodFaultWire;
  result?: unknown;
  progress?: number;
}

/** @see vim25 HttpNfcLeaseDeviceUrl */
export interface HttpNfcLeaseDeviceUrl {
  key: string;
  importKey: string;
  url: string;
  sslThumbprint: string;
  disk?: boolean;
  targetId?: string;
  datastoreKey?: string;
  fileSize?: number;
}

/** @see vim25 HttpNfcLeaseInfo */
export interface HttpNfcLeaseInfo {
  lease: ManagedObjectReference;
  entity: ManagedObjectReference;
  deviceUrl: HttpNfcLeaseDeviceUrl[];
  totalDiskCapacityInKB: number;
  leaseTimeout: number;
}

/** The result of CreateImportSpec as received: `importSpec` is kept verbatim for ImportVApp. @see vim25 OvfCreateImportSpecResult */
export interface OvfCreateImportSpecResultWire {
  importSpec?: RawXml;
  fileItem: OvfFileItem[];
  warning: LocalizedMethodFaultWire[];
  error: LocalizedMethodFaultWire[];
}

export const RetrieveServiceContent = defineCommand<This, ServiceContent>('RetrieveServiceContent', [], 'ServiceContent', { idempotent: true });
export const Login = defineCommand<This & { userName: string; password: string; locale?: string }, UserSession>(
  'Login',
  [['userName', 'string'], ['password', 'string'], ['locale', 'string']],
  'UserSession',
  { secretParams: ['password'] },
);
export const Logout = defineCommand<This, void>('Logout', [], 'void');
export const RetrievePropertiesEx = defineCommand<This & { specSet: PropertyFilterSpec[]; options: { maxObjects?: number } }, RetrieveResult | undefined>(
  'RetrievePropertiesEx',
  [['specSet', 'PropertyFilterSpec', 'array'], ['options', 'RetrieveOptions']],
  'RetrieveResult',
  { idempotent: true },
);
export const ContinueRetrievePropertiesEx = defineCommand<This & { token: string }, RetrieveResult>('ContinueRetrievePropertiesEx', [['token', 'string']], 'RetrieveResult');
export const CancelRetrievePropertiesEx = defineCommand<This & { token: string }, void>('CancelRetrievePropertiesEx', [['token', 'string']], 'void');
export const CreatePropertyCollector = defineCommand<This, ManagedObjectReference>('CreatePropertyCollector', [], 'MoRef');
export const DestroyPropertyCollector = defineCommand<This, void>('DestroyPropertyCollector', [], 'void');
export const CreateFilter = defineCommand<This & { spec: PropertyFilterSpec; partialUpdates: boolean }, ManagedObjectReference>('CreateFilter', [['spec', 'PropertyFilterSpec'], ['partialUpdates', 'boolean']], 'MoRef');
export const DestroyPropertyFilter = defineCommand<This, void>('DestroyPropertyFilter', [], 'void');
/** No `returnval` (undefined) when `maxWaitSeconds` passed without a change. A read: safe to repeat with the same version. */
export const WaitForUpdatesEx = defineCommand<This & { version?: string; options?: WaitOptions }, UpdateSet | undefined>(
  'WaitForUpdatesEx',
  [['version', 'string'], ['options', 'WaitOptions']],
  'UpdateSet',
  { idempotent: true },
);
export const CancelWaitForUpdates = defineCommand<This, void>('CancelWaitForUpdates', [], 'void');
export const FindByInventoryPath = defineCommand<This & { inventoryPath: string }, ManagedObjectReference | undefined>('FindByInventoryPath', [['inventoryPath', 'string']], 'MoRef', { idempotent: true });

export const ParseDescriptor = defineCommand<This & { ovfDescriptor: string; pdp: OvfParseDescriptorParams }, OvfParseDescriptorResult>(
  'ParseDescriptor',
  [['ovfDescriptor', 'string'], ['pdp', 'OvfParseDescriptorParams']],
  'OvfParseDescriptorResult',
  { idempotent: true },
);
export const ValidateHost = defineCommand<This & { ovfDescriptor: string; host: ManagedObjectReference; vhp: OvfValidateHostParams }, OvfValidateHostResult>(
  'ValidateHost',
  [['ovfDescriptor', 'string'], ['host', 'MoRef'], ['vhp', 'OvfValidateHostParams']],
  'OvfValidateHostResult',
  { idempotent: true },
);
export const CreateImportSpec = defineCommand<
  This & { ovfDescriptor: string; resourcePool: ManagedObjectReference; datastore: ManagedObjectReference; cisp: OvfCreateImportSpecParams },
  OvfCreateImportSpecResultWire
>('CreateImportSpec', [['ovfDescriptor', 'string'], ['resourcePool', 'MoRef'], ['datastore', 'MoRef'], ['cisp', 'OvfCreateImportSpecParams', 'poly']], 'OvfCreateImportSpecResult', { idempotent: true });
export const CreateDescriptor = defineCommand<This & { obj: ManagedObjectReference; cdp: OvfCreateDescriptorParams }, OvfCreateDescriptorResult>(
  'CreateDescriptor',
  [['obj', 'MoRef'], ['cdp', 'OvfCreateDescriptorParams']],
  'OvfCreateDescriptorResult',
  { idempotent: true },
);

export const ImportVApp = defineCommand<This & { spec: RawXml; folder?: ManagedObjectReference; host?: ManagedObjectReference }, ManagedObjectReference>(
  'ImportVApp',
  [['spec', 'raw'], ['folder', 'MoRef'], ['host', 'MoRef']],
  'MoRef',
);
export const ExportVm = defineCommand<This, ManagedObjectReference>('ExportVm', [], 'MoRef');
export const ExportVApp = defineCommand<This, ManagedObjectReference>('ExportVApp', [], 'MoRef');
export const HttpNfcLeaseProgress = defineCommand<This & { percent: number }, void>('HttpNfcLeaseProgress', [['percent', 'int']], 'void');
export const HttpNfcLeaseComplete = defineCommand<This, void>('HttpNfcLeaseComplete', [], 'void');
export const HttpNfcLeaseAbort = defineCommand<This & { fault?: LocalizedMethodFaultWire }, void>('HttpNfcLeaseAbort', [['fault', 'LocalizedMethodFault']], 'void');

/** @see vsphere-ovf-api.md §8 (4.1) */
export const HttpNfcLeaseGetManifest = defineCommand<This, HttpNfcLeaseManifestEntry[]>('HttpNfcLeaseGetManifest', [], 'HttpNfcLeaseManifestEntry[]', { idempotent: true });
/** key = deviceUrl.key, value = `sha1` | `sha256`; only transfers started afterwards are hashed so. @see vsphere-ovf-api.md §8 (6.7) */
export const HttpNfcLeaseSetManifestChecksumType = defineCommand<This & { deviceUrlsToChecksumTypes: KeyValue[] }, void>(
  'HttpNfcLeaseSetManifestChecksumType',
  [['deviceUrlsToChecksumTypes', 'KeyValue', 'array']],
  'void',
);

export const PowerOnVMTask = defineCommand<This & { host?: ManagedObjectReference }, ManagedObjectReference>('PowerOnVM_Task', [['host', 'MoRef']], 'MoRef');
export const PowerOffVMTask = defineCommand<This, ManagedObjectReference>('PowerOffVM_Task', [], 'MoRef');
export const PowerOffVAppTask = defineCommand<This & { force: boolean }, ManagedObjectReference>('PowerOffVApp_Task', [['force', 'boolean']], 'MoRef');
export const DestroyTask = defineCommand<This, ManagedObjectReference>('Destroy_Task', [], 'MoRef');
export const MarkAsTemplate = defineCommand<This, void>('MarkAsTemplate', [], 'void');
/** @see vim25 VirtualMachine.ReconfigVM_Task; extraConfig items are vim25 OptionValue */
export const ReconfigVMTask = defineCommand<This & { spec: { annotation?: string; extraConfig?: Array<{ _typeName: 'OptionValue'; key: string; value: string }>; vAppConfig?: DataObject } }, ManagedObjectReference>('ReconfigVM_Task', [['spec', 'VirtualMachineConfigSpec']], 'MoRef');
export const CancelTask = defineCommand<This, void>('CancelTask', [], 'void');

export type { KeyValue };

export const CreateContainerView = defineCommand<This & { container: ManagedObjectReference; type: string[]; recursive: boolean }, ManagedObjectReference>(
  'CreateContainerView',
  [['container', 'MoRef'], ['type', 'string', 'array'], ['recursive', 'boolean']],
  'MoRef',
);
export const DestroyView = defineCommand<This, void>('DestroyView', [], 'void');
export const PowerOnVAppTask = defineCommand<This, ManagedObjectReference>('PowerOnVApp_Task', [], 'MoRef');
export const QueryConfigOptionDescriptor = defineCommand<This, DataObject[]>('QueryConfigOptionDescriptor', [], 'VirtualMachineConfigOptionDescriptor[]', { idempotent: true });
export const QueryConfigOptionEx = defineCommand<This & { spec?: { key?: string; host?: ManagedObjectReference; guestId?: string[] } }, DataObject | undefined>(
  'QueryConfigOptionEx',
  [['spec', 'EnvironmentBrowserConfigOptionQuerySpec']],
  'VirtualMachineConfigOption',
  { idempotent: true },
);
/** The pre-6.0 form of QueryConfigOptionEx: one hardware version's options (`key` = `vmx-NN`). @see vim25 EnvironmentBrowser.QueryConfigOption */
export const QueryConfigOption = defineCommand<This & { key?: string; host?: ManagedObjectReference }, DataObject | undefined>(
  'QueryConfigOption',
  [['key', 'string'], ['host', 'MoRef']],
  'VirtualMachineConfigOption',
  { idempotent: true },
);
/** What a host (or compute resource) offers VMs: CPUs, memory maximum, datastores, networks. @see vim25 EnvironmentBrowser.QueryConfigTarget */
export const QueryConfigTarget = defineCommand<This & { host?: ManagedObjectReference }, DataObject | undefined>('QueryConfigTarget', [['host', 'MoRef']], 'ConfigTarget', { idempotent: true });
export const UpdateVAppConfig = defineCommand<This & { spec: DataObject }, void>('UpdateVAppConfig', [['spec', 'VAppConfigSpec']], 'void');
