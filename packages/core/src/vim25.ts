/**
 * vim25 data objects of the OVF API, with the wire (WSDL) field names.
 *
 * Longs: xsd:long fields are typed {@link long} = `number`. Every size a descriptor can carry
 * below 2^53 bytes (8 PiB) is exact as a JS number, and results are JSON-friendly; values that
 * would not be exact are never produced: the parser reports them as `OvfInvalidValue` instead
 * (see {@link isLong}). A wire client holding a larger value must reject it, not round it.
 *
 * @see vsphere-ovf-api.md §2–§4
 */
import type { OvfIssue } from './faults';

/** xsd:long carried as a safe integer (`Number.isSafeInteger`). */
export type long = number;
/** xsd:int (32-bit signed). */
export type int = number;

/** True when `n` can stand for an xsd:long exactly. */
export function isLong(n: unknown): n is long {
  return typeof n === 'number' && Number.isSafeInteger(n);
}

/** @see vim25 KeyValue */
export interface KeyValue {
  key: string;
  value: string;
}

/** @see vim25 KeyAnyValue */
export interface KeyAnyValue {
  key: string;
  value: unknown;
}

/** @see vim25 LocalizableMessage */
export interface LocalizableMessage {
  key: string;
  arg?: KeyAnyValue[];
  message?: string;
}

/** @see vim25 ManagedObjectReference */
export interface ManagedObjectReference {
  type: string;
  value: string;
}

/** Parameters every OvfManager call shares. @see vim25 OvfManagerCommonParams */
export interface OvfManagerCommonParams {
  /** Locale to pick the descriptor's string bundle; "" = default (the element text). */
  locale: string;
  /** `Configuration/@ovf:id` to use; "" = the descriptor's default. */
  deploymentOption: string;
  /** Extra msgid→text pairs, looked up before the descriptor's own bundles. */
  msgBundle?: KeyValue[];
  /** Parsing-modifier keywords (see OvfManager.ovfImportOption). @since 5.1 */
  importOption?: string[];
}

/** @see vim25 OvfParseDescriptorParams */
export interface OvfParseDescriptorParams extends OvfManagerCommonParams {}

/** @see vim25 OvfValidateHostParams */
export interface OvfValidateHostParams extends OvfManagerCommonParams {}

/** @see vim25 OvfNetworkMapping */
export interface OvfNetworkMapping {
  name: string;
  network: ManagedObjectReference;
}

/** @see vim25 OvfResourceMap (deprecated 5.1) */
export interface OvfResourceMap {
  source: string;
  parent?: ManagedObjectReference;
  /** vim25 ResourceConfigSpec, kept opaque here. */
  resourceSpec?: Record<string, unknown>;
  datastore?: ManagedObjectReference;
}

/** @see vim25 OvfCreateImportSpecParamsDiskProvisioningType */
export type OvfCreateImportSpecParamsDiskProvisioningType =
  | 'monolithicSparse' | 'monolithicFlat' | 'twoGbMaxExtentSparse' | 'twoGbMaxExtentFlat'
  | 'thin' | 'thick' | 'seSparse' | 'eagerZeroedThick' | 'sparse' | 'flat';

/** @see vim25 OvfCreateImportSpecParams */
export interface OvfCreateImportSpecParams extends OvfManagerCommonParams {
  entityName: string;
  hostSystem?: ManagedObjectReference;
  networkMapping?: OvfNetworkMapping[];
  ipAllocationPolicy?: string;
  ipProtocol?: string;
  propertyMapping?: KeyValue[];
  resourceMapping?: OvfResourceMap[];
  diskProvisioning?: string;
  instantiationOst?: OvfConsumerOstNode;
}

/** @see vim25 OvfCreateDescriptorParams */
export interface OvfCreateDescriptorParams {
  ovfFiles?: OvfFile[];
  name?: string;
  description?: string;
  includeImageFiles?: boolean;
  exportOption?: string[];
  snapshot?: ManagedObjectReference;
}

/** A downloaded file for CreateDescriptor. @see vim25 OvfFile */
export interface OvfFile {
  deviceId: string;
  path: string;
  compressionMethod?: string;
  chunkSize?: long;
  size: long;
  capacity?: long;
  populatedSize?: long;
}

/** @see vim25 OvfNetworkInfo */
export interface OvfNetworkInfo {
  name: string;
  description: string;
}

/** @see vim25 OvfDeploymentOption */
export interface OvfDeploymentOption {
  /** `Configuration/@ovf:id`. */
  key: string;
  /** Localised `Label`. */
  label: string;
  /** Localised `Description`. */
  description: string;
}

/** @see vim25 OvfOptionInfo */
export interface OvfOptionInfo {
  option: string;
  description: LocalizableMessage;
}

/** @see vim25 OvfConsumerOvfSection */
export interface OvfConsumerOvfSection {
  lineNumber: int;
  /** Self-contained XML fragment declaring all its namespaces. */
  xml: string;
}

/** @see vim25 OvfConsumerOstNode */
export interface OvfConsumerOstNode {
  id: string;
  type: 'envelope' | 'virtualSystem' | 'virtualSystemCollection';
  section?: OvfConsumerOvfSection[];
  child?: OvfConsumerOstNode[];
  entity?: ManagedObjectReference;
}

/** Top-level ProductSection. @see vim25 VAppProductInfo */
export interface VAppProductInfo {
  key: int;
  classId?: string;
  instanceId?: string;
  name?: string;
  vendor?: string;
  version?: string;
  fullVersion?: string;
  vendorUrl?: string;
  productUrl?: string;
  appUrl?: string;
}

/** One ProductSection Property in vApp type syntax. @see vim25 VAppPropertyInfo */
export interface VAppPropertyInfo {
  key: int;
  classId?: string;
  instanceId?: string;
  id?: string;
  category?: string;
  label?: string;
  /** vApp type grammar: `string(1..64)`, `int(0..10)`, `string["a", "b"]`, `password`, `ip:net`, `expression`… */
  type?: string;
  typeReference?: string;
  userConfigurable?: boolean;
  defaultValue?: string;
  value?: string;
  description?: string;
}

/** @see vim25 VAppIPAssignmentInfo */
export interface VAppIPAssignmentInfo {
  supportedAllocationScheme?: string[];
  ipAllocationPolicy?: string;
  supportedIpProtocol?: string[];
  ipProtocol?: string;
}

/**
 * The result of ParseDescriptor, field for field (wire order).
 * @see vim25 OvfParseDescriptorResult
 */
export interface OvfParseDescriptorResult {
  eula?: string[];
  network?: OvfNetworkInfo[];
  ipAllocationScheme?: string[];
  ipProtocols?: string[];
  property?: VAppPropertyInfo[];
  productInfo?: VAppProductInfo;
  annotation: string;
  approximateDownloadSize?: long;
  approximateFlatDeploymentSize?: long;
  approximateSparseDeploymentSize?: long;
  defaultEntityName: string;
  virtualApp: boolean;
  deploymentOption?: OvfDeploymentOption[];
  defaultDeploymentOption: string;
  entityName?: KeyValue[];
  annotatedOst?: OvfConsumerOstNode;
  error?: OvfIssue[];
  warning?: OvfIssue[];
}

/** @see vim25 OvfValidateHostResult */
export interface OvfValidateHostResult {
  downloadSize?: long;
  flatDeploymentSize?: long;
  sparseDeploymentSize?: long;
  error?: OvfIssue[];
  warning?: OvfIssue[];
  supportedDiskProvisioning?: string[];
}

/** A file to upload after ImportVApp. @see vim25 OvfFileItem */
export interface OvfFileItem {
  deviceId: string;
  path: string;
  compressionMethod?: string;
  chunkSize?: long;
  size?: long;
  cimType: int;
  create: boolean;
}

/** @see vim25 OvfCreateDescriptorResult */
export interface OvfCreateDescriptorResult {
  ovfDescriptor: string;
  error?: OvfIssue[];
  warning?: OvfIssue[];
  includeImageFiles?: boolean;
}
