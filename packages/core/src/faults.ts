/**
 * The vim25 OVF fault types, as a discriminated union on `_typeName`, and the
 * `LocalizedMethodFault`-shaped entries that fill `error[]` / `warning[]` of every OvfManager result.
 *
 * Field names are the vim25 wire names. ovfkit's own extras (stable `code`, element `path`,
 * `value` seen, what is `allowed`, the `fix`, `line`/`column`) live on the entry, OUTSIDE `fault`,
 * so that `entry.fault` is exactly what vSphere would put on the wire.
 *
 * @see vim25 OvfFault hierarchy (vsphere-ovf-api.md §6)
 */
import type { IssueCode } from './issue-codes';
import type { KeyValue, LocalizableMessage } from './vim25';

/** Fields every fault inherits from `MethodFault`. @see vim25 MethodFault */
export interface MethodFaultBase {
  faultCause?: LocalizedMethodFault;
  faultMessage?: LocalizableMessage[];
}

// ---- OvfInvalidPackage {lineNumber} -------------------------------------------------------
/** @see vim25 OvfInvalidPackage */
interface OvfInvalidPackageFields extends MethodFaultBase {
  /** 1-based line of the offending element; 0 when not known. */
  lineNumber: number;
}
/** Malformed XML. @see vim25 OvfXmlFormat */
export interface OvfXmlFormat extends OvfInvalidPackageFields { _typeName: 'OvfXmlFormat'; description: string }
/** Root element is not an OVF Envelope in a known namespace. @see vim25 OvfWrongNamespace */
export interface OvfWrongNamespace extends OvfInvalidPackageFields { _typeName: 'OvfWrongNamespace'; namespaceName: string }
interface OvfAttributeFields extends OvfInvalidPackageFields { elementName: string; attributeName: string }
/** @see vim25 OvfMissingAttribute */
export interface OvfMissingAttribute extends OvfAttributeFields { _typeName: 'OvfMissingAttribute' }
/** @see vim25 OvfInvalidValue */
export interface OvfInvalidValue extends OvfAttributeFields {
  _typeName: 'OvfInvalidValue' | 'OvfInvalidValueConfiguration' | 'OvfInvalidValueEmpty' | 'OvfInvalidValueFormatMalformed' | 'OvfInvalidValueReference';
  value: string;
}
/** Unknown or malformed `ovf:configuration` value. @see vim25 OvfInvalidValueConfiguration */
export interface OvfInvalidValueConfiguration extends OvfInvalidValue { _typeName: 'OvfInvalidValueConfiguration' }
/** @see vim25 OvfInvalidValueEmpty */
export interface OvfInvalidValueEmpty extends OvfInvalidValue { _typeName: 'OvfInvalidValueEmpty' }
/** @see vim25 OvfInvalidValueFormatMalformed */
export interface OvfInvalidValueFormatMalformed extends OvfInvalidValue { _typeName: 'OvfInvalidValueFormatMalformed' }
/** Dangling fileRef / diskId / parentRef / Connection / Parent. @see vim25 OvfInvalidValueReference */
export interface OvfInvalidValueReference extends OvfInvalidValue { _typeName: 'OvfInvalidValueReference' }
interface OvfElementFields extends OvfInvalidPackageFields { name: string }
/** @see vim25 OvfMissingElement */
export interface OvfMissingElement extends OvfElementFields { _typeName: 'OvfMissingElement' }
/** `ovf:bound` min/max without a normal. @see vim25 OvfMissingElementNormalBoundary */
export interface OvfMissingElementNormalBoundary extends OvfElementFields { _typeName: 'OvfMissingElementNormalBoundary'; boundary: string }
/** @see vim25 OvfDuplicateElement */
export interface OvfDuplicateElement extends OvfElementFields { _typeName: 'OvfDuplicateElement' }
/** @see vim25 OvfDuplicatedElementBoundary */
export interface OvfDuplicatedElementBoundary extends OvfElementFields { _typeName: 'OvfDuplicatedElementBoundary'; boundary: string }
/** @see vim25 OvfElementInvalidValue */
export interface OvfElementInvalidValue extends OvfElementFields { _typeName: 'OvfElementInvalidValue'; value: string }
/** @see vim25 OvfUnexpectedElement */
export interface OvfUnexpectedElement extends OvfElementFields { _typeName: 'OvfUnexpectedElement' }
/** @see vim25 OvfWrongElement */
export interface OvfWrongElement extends OvfElementFields { _typeName: 'OvfWrongElement' }
interface OvfPropertyFields extends OvfInvalidPackageFields { type: string; value: string }
/** @see vim25 OvfPropertyType */
export interface OvfPropertyType extends OvfPropertyFields { _typeName: 'OvfPropertyType' }
/** @see vim25 OvfPropertyValue */
export interface OvfPropertyValue extends OvfPropertyFields { _typeName: 'OvfPropertyValue' }
/** @see vim25 OvfPropertyNetwork */
export interface OvfPropertyNetwork extends OvfPropertyFields { _typeName: 'OvfPropertyNetwork' }
/** @see vim25 OvfPropertyQualifier */
export interface OvfPropertyQualifier extends OvfPropertyFields { _typeName: 'OvfPropertyQualifier'; qualifier: string }
/** @see vim25 OvfPropertyQualifierDuplicate */
export interface OvfPropertyQualifierDuplicate extends OvfPropertyFields { _typeName: 'OvfPropertyQualifierDuplicate'; qualifier: string }
/** @see vim25 OvfPropertyQualifierIgnored */
export interface OvfPropertyQualifierIgnored extends OvfPropertyFields { _typeName: 'OvfPropertyQualifierIgnored'; qualifier: string }
interface OvfConstraintFields extends OvfInvalidPackageFields { name: string }
/** Disks not in References order (vSphere). @see vim25 OvfDiskOrderConstraint */
export interface OvfDiskOrderConstraint extends OvfConstraintFields { _typeName: 'OvfDiskOrderConstraint' }
/** HostResource maps to no Disk/File. @see vim25 OvfHostResourceConstraint */
export interface OvfHostResourceConstraint extends OvfConstraintFields { _typeName: 'OvfHostResourceConstraint'; value: string }

// ---- OvfUnsupportedPackage {lineNumber?} --------------------------------------------------
interface OvfUnsupportedPackageFields extends MethodFaultBase { lineNumber?: number }
/** @see vim25 OvfUnsupportedType */
export interface OvfUnsupportedType extends OvfUnsupportedPackageFields { _typeName: 'OvfUnsupportedType'; name: string; instanceId: string; deviceType: number }
/** @see vim25 OvfUnsupportedSubType */
export interface OvfUnsupportedSubType extends OvfUnsupportedPackageFields { _typeName: 'OvfUnsupportedSubType'; elementName: string; instanceId: string; deviceType: number; deviceSubType: string }
/** @see vim25 OvfUnsupportedElement */
export interface OvfUnsupportedElement extends OvfUnsupportedPackageFields { _typeName: 'OvfUnsupportedElement'; name: string }
/** @see vim25 OvfUnsupportedElementValue */
export interface OvfUnsupportedElementValue extends OvfUnsupportedPackageFields { _typeName: 'OvfUnsupportedElementValue'; name: string; value: string }
/** A required (`ovf:required` true or absent) section this consumer does not understand. @see vim25 OvfUnsupportedSection */
export interface OvfUnsupportedSection extends OvfUnsupportedPackageFields { _typeName: 'OvfUnsupportedSection'; name: string; info: string }
/** @see vim25 OvfNoSpaceOnController */
export interface OvfNoSpaceOnController extends OvfUnsupportedPackageFields { _typeName: 'OvfNoSpaceOnController'; name: string; parent: string }
/** @see vim25 OvfUnsupportedAttribute */
export interface OvfUnsupportedAttribute extends OvfUnsupportedPackageFields { _typeName: 'OvfUnsupportedAttribute'; elementName: string; attributeName: string }
/** @see vim25 OvfUnsupportedAttributeValue */
export interface OvfUnsupportedAttributeValue extends OvfUnsupportedPackageFields { _typeName: 'OvfUnsupportedAttributeValue'; elementName: string; attributeName: string; value: string }
/** @see vim25 OvfInvalidVmName */
export interface OvfInvalidVmName extends OvfUnsupportedPackageFields { _typeName: 'OvfInvalidVmName'; name: string }
/** @see vim25 OvfNoHostNic */
export interface OvfNoHostNic extends OvfUnsupportedPackageFields { _typeName: 'OvfNoHostNic' }
/** @see vim25 OvfNoSupportedHardwareFamily */
export interface OvfNoSupportedHardwareFamily extends OvfUnsupportedPackageFields { _typeName: 'OvfNoSupportedHardwareFamily'; version: string }

// ---- OvfImport ------------------------------------------------------------------------------
/** @see vim25 OvfHardwareCheck */
export interface OvfHardwareCheck extends MethodFaultBase { _typeName: 'OvfHardwareCheck' }
/** @see vim25 OvfImportFailed */
export interface OvfImportFailed extends MethodFaultBase { _typeName: 'OvfImportFailed' }
/** @see vim25 OvfMappedOsId */
export interface OvfMappedOsId extends MethodFaultBase { _typeName: 'OvfMappedOsId'; ovfId: number; ovfDescription: string; targetDescription: string }
/** @see vim25 OvfMissingHardware */
export interface OvfMissingHardware extends MethodFaultBase { _typeName: 'OvfMissingHardware'; name: string; resourceType: number }
/** @see vim25 OvfUnsupportedDiskProvisioning */
export interface OvfUnsupportedDiskProvisioning extends MethodFaultBase { _typeName: 'OvfUnsupportedDiskProvisioning'; diskProvisioning: string; supportedDiskProvisioning: string }
/** @see vim25 OvfNetworkMappingNotSupported */
export interface OvfNetworkMappingNotSupported extends MethodFaultBase { _typeName: 'OvfNetworkMappingNotSupported' }
/** @see vim25 OvfCpuCompatibility */
export interface OvfCpuCompatibility extends MethodFaultBase { _typeName: 'OvfCpuCompatibility'; registerName: string; level: number; registerValue: string; desiredRegisterValue: string }
/** @see vim25 OvfCpuCompatibilityCheckNotSupported */
export interface OvfCpuCompatibilityCheckNotSupported extends MethodFaultBase { _typeName: 'OvfCpuCompatibilityCheckNotSupported' }

// ---- OvfExport ------------------------------------------------------------------------------
/** @see vim25 OvfExportFailed */
export interface OvfExportFailed extends MethodFaultBase { _typeName: 'OvfExportFailed' }
interface OvfHardwareExportFields extends MethodFaultBase {
  /** vim25 VirtualDevice (polymorphic); kept opaque here. */
  device?: Record<string, unknown>;
  vmPath: string;
}
/** @see vim25 OvfHardwareExport */
export interface OvfHardwareExport extends OvfHardwareExportFields { _typeName: 'OvfHardwareExport' }
/** @see vim25 OvfConnectedDevice */
export interface OvfConnectedDevice extends OvfHardwareExportFields { _typeName: 'OvfConnectedDevice' }
/** @see vim25 OvfConnectedDeviceFloppy */
export interface OvfConnectedDeviceFloppy extends OvfHardwareExportFields { _typeName: 'OvfConnectedDeviceFloppy'; filename: string }
/** @see vim25 OvfConnectedDeviceIso */
export interface OvfConnectedDeviceIso extends OvfHardwareExportFields { _typeName: 'OvfConnectedDeviceIso'; filename: string }
/** @see vim25 OvfUnableToExportDisk */
export interface OvfUnableToExportDisk extends OvfHardwareExportFields { _typeName: 'OvfUnableToExportDisk'; diskName: string }
/** @see vim25 OvfUnknownDeviceBacking */
export interface OvfUnknownDeviceBacking extends OvfHardwareExportFields { _typeName: 'OvfUnknownDeviceBacking'; backing: Record<string, unknown> }
/** @see vim25 OvfUnsupportedDeviceExport */
export interface OvfUnsupportedDeviceExport extends OvfHardwareExportFields { _typeName: 'OvfUnsupportedDeviceExport' }
/** @see vim25 ConnectedIso */
export interface ConnectedIso extends MethodFaultBase { _typeName: 'ConnectedIso'; cdrom: Record<string, unknown>; filename: string }
/** @see vim25 OvfPropertyExport */
export interface OvfPropertyExport extends MethodFaultBase { _typeName: 'OvfPropertyExport'; type: string; value: string }
/** @see vim25 OvfPropertyNetworkExport */
export interface OvfPropertyNetworkExport extends MethodFaultBase { _typeName: 'OvfPropertyNetworkExport'; network: string }
/** @see vim25 OvfDuplicatedPropertyIdExport */
export interface OvfDuplicatedPropertyIdExport extends MethodFaultBase { _typeName: 'OvfDuplicatedPropertyIdExport'; fqid: string }
/** Two properties with the same `[classId.]id[.instanceId]`. @see vim25 OvfDuplicatedPropertyIdImport */
export interface OvfDuplicatedPropertyIdImport extends MethodFaultBase { _typeName: 'OvfDuplicatedPropertyIdImport'; fqid: string }

// ---- OvfSystemFault -------------------------------------------------------------------------
/** @see vim25 OvfInternalError */
export interface OvfInternalError extends MethodFaultBase { _typeName: 'OvfInternalError' }
/** @see vim25 OvfDiskMappingNotFound */
export interface OvfDiskMappingNotFound extends MethodFaultBase { _typeName: 'OvfDiskMappingNotFound'; diskName: string; vmName: string }
/** @see vim25 OvfHostValueNotParsed */
export interface OvfHostValueNotParsed extends MethodFaultBase { _typeName: 'OvfHostValueNotParsed'; property: string; value: string }
/** @see vim25 OvfToXmlUnsupportedElement */
export interface OvfToXmlUnsupportedElement extends MethodFaultBase { _typeName: 'OvfToXmlUnsupportedElement'; name?: string }
/** @see vim25 OvfUnknownDevice */
export interface OvfUnknownDevice extends MethodFaultBase { _typeName: 'OvfUnknownDevice'; device?: Record<string, unknown>; vmName: string }
/** @see vim25 OvfUnknownEntity */
export interface OvfUnknownEntity extends MethodFaultBase { _typeName: 'OvfUnknownEntity'; lineNumber: number }
/** @see vim25 OvfUnsupportedDeviceBackingInfo */
export interface OvfUnsupportedDeviceBackingInfo extends MethodFaultBase { _typeName: 'OvfUnsupportedDeviceBackingInfo'; elementName?: string; instanceId?: string; deviceName: string; backingName?: string }
/** @see vim25 OvfUnsupportedDeviceBackingOption */
export interface OvfUnsupportedDeviceBackingOption extends MethodFaultBase { _typeName: 'OvfUnsupportedDeviceBackingOption'; elementName?: string; instanceId?: string; deviceName: string; backingName?: string }

// ---- OvfConsumerCallbackFault {extensionKey, extensionName} ----------------------------------
interface OvfConsumerFields extends MethodFaultBase { extensionKey: string; extensionName: string }
/** @see vim25 OvfConsumerCommunicationError */
export interface OvfConsumerCommunicationError extends OvfConsumerFields { _typeName: 'OvfConsumerCommunicationError'; description: string }
/** @see vim25 OvfConsumerFault */
export interface OvfConsumerFault extends OvfConsumerFields { _typeName: 'OvfConsumerFault'; errorKey: string; message: string; params?: KeyValue[] }
/** @see vim25 OvfConsumerInvalidSection */
export interface OvfConsumerInvalidSection extends OvfConsumerFields { _typeName: 'OvfConsumerInvalidSection'; lineNumber: number; description: string }
/** @see vim25 OvfConsumerUndeclaredSection */
export interface OvfConsumerUndeclaredSection extends OvfConsumerFields { _typeName: 'OvfConsumerUndeclaredSection'; qualifiedSectionType: string }
/** @see vim25 OvfConsumerUndefinedPrefix */
export interface OvfConsumerUndefinedPrefix extends OvfConsumerFields { _typeName: 'OvfConsumerUndefinedPrefix'; prefix: string }

// ---- outside OvfFault, raised around import (vsphere-ovf-api.md §6, last lines) -------------
/** @see vim25 OvfConsumerPowerOnFault (extends InvalidState) */
export interface OvfConsumerPowerOnFault extends MethodFaultBase { _typeName: 'OvfConsumerPowerOnFault'; extensionKey: string; extensionName: string; description: string }
/** @see vim25 OvfConsumerValidationFault (extends VmConfigFault) */
export interface OvfConsumerValidationFault extends MethodFaultBase { _typeName: 'OvfConsumerValidationFault'; extensionKey: string; extensionName: string; message: string }
/** A vApp property problem at ImportVApp / lease time. @see vim25 VAppPropertyFault */
export interface VAppPropertyFault extends MethodFaultBase {
  _typeName: 'VAppPropertyFault' | 'NotUserConfigurableProperty' | 'InvalidPropertyType' | 'InvalidPropertyValue';
  id: string;
  category: string;
  label: string;
  type: string;
  value: string;
}

/** Every OVF fault ovfkit can put in `error[]` / `warning[]`; switch on `_typeName`. */
export type OvfFault =
  | OvfXmlFormat | OvfWrongNamespace | OvfMissingAttribute | OvfInvalidValue | OvfInvalidValueConfiguration
  | OvfInvalidValueEmpty | OvfInvalidValueFormatMalformed | OvfInvalidValueReference | OvfMissingElement
  | OvfMissingElementNormalBoundary | OvfDuplicateElement | OvfDuplicatedElementBoundary | OvfElementInvalidValue
  | OvfUnexpectedElement | OvfWrongElement | OvfPropertyType | OvfPropertyValue | OvfPropertyNetwork
  | OvfPropertyQualifier | OvfPropertyQualifierDuplicate | OvfPropertyQualifierIgnored | OvfDiskOrderConstraint
  | OvfHostResourceConstraint
  | OvfUnsupportedType | OvfUnsupportedSubType | OvfUnsupportedElement | OvfUnsupportedElementValue
  | OvfUnsupportedSection | OvfNoSpaceOnController | OvfUnsupportedAttribute | OvfUnsupportedAttributeValue
  | OvfInvalidVmName | OvfNoHostNic | OvfNoSupportedHardwareFamily
  | OvfHardwareCheck | OvfImportFailed | OvfMappedOsId | OvfMissingHardware | OvfUnsupportedDiskProvisioning
  | OvfNetworkMappingNotSupported | OvfCpuCompatibility | OvfCpuCompatibilityCheckNotSupported
  | OvfExportFailed | OvfHardwareExport | OvfConnectedDevice | OvfConnectedDeviceFloppy | OvfConnectedDeviceIso
  | OvfUnableToExportDisk | OvfUnknownDeviceBacking | OvfUnsupportedDeviceExport | ConnectedIso | OvfPropertyExport
  | OvfPropertyNetworkExport | OvfDuplicatedPropertyIdExport | OvfDuplicatedPropertyIdImport
  | OvfInternalError | OvfDiskMappingNotFound | OvfHostValueNotParsed | OvfToXmlUnsupportedElement
  | OvfUnknownDevice | OvfUnknownEntity | OvfUnsupportedDeviceBackingInfo | OvfUnsupportedDeviceBackingOption
  | OvfConsumerCommunicationError | OvfConsumerFault | OvfConsumerInvalidSection | OvfConsumerUndeclaredSection
  | OvfConsumerUndefinedPrefix
  | OvfConsumerPowerOnFault | OvfConsumerValidationFault | VAppPropertyFault;

/** The `_typeName` of any OVF fault. */
export type OvfFaultTypeName = OvfFault['_typeName'];

/** Picks the fault interface for a `_typeName`. */
export type OvfFaultOf<T extends OvfFaultTypeName> = Extract<OvfFault, { _typeName: T }>;

/**
 * vim25 `LocalizedMethodFault`: the wire shape of one `error[]` / `warning[]` entry.
 * @see vim25 LocalizedMethodFault
 */
export interface LocalizedMethodFault<F = OvfFault> {
  fault: F;
  localizedMessage?: string;
}

/**
 * One validation issue as ovfkit returns it: the vim25 entry plus ovfkit's extras, kept outside
 * `fault` so serialising `{fault, localizedMessage}` gives exactly the vSphere wire shape.
 * @example
 * { fault: { _typeName: 'OvfInvalidValueReference', lineNumber: 12, elementName: 'Disk',
 *            attributeName: 'ovf:fileRef', value: 'file9' },
 *   localizedMessage: 'Disk "vmdisk1" refers to file "file9", which is not declared in References',
 *   code: 'DANGLING_FILE_REF', path: '/Envelope/DiskSection/Disk[1]/@ovf:fileRef', value: 'file9',
 *   allowed: 'a File ovf:id from References: file1', fix: '…', line: 12, column: 5 }
 */
export interface OvfIssue<F extends OvfFault = OvfFault> extends LocalizedMethodFault<F> {
  localizedMessage: string;
  /** Stable ovfkit code (finer than `_typeName`), one of the closed {@link IssueCode} union. */
  code: IssueCode;
  /** Element path, e.g. `/Envelope/VirtualSystem[@ovf:id="vm"]/VirtualHardwareSection/Item[3]/rasd:Parent`. */
  path?: string;
  /** The value seen. */
  value?: string;
  /** What is allowed instead. */
  allowed?: string;
  /** How to fix it. */
  fix?: string;
  /** 1-based source line (same as `fault.lineNumber` where the fault has one). */
  line?: number;
  /** 1-based source column. */
  column?: number;
}

/** Strips ovfkit extras: the exact vim25 `LocalizedMethodFault` wire object of an issue. */
export function toLocalizedMethodFault(issue: OvfIssue): LocalizedMethodFault {
  return { fault: issue.fault, localizedMessage: issue.localizedMessage };
}
