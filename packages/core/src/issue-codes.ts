/**
 * Every stable code an {@link OvfIssue} can carry, as one closed union, so a misspelt code does
 * not compile and a caller can switch on it exhaustively: ParseDescriptor's, the OvfManager
 * calls', the plan's, the package checks', the signature verdict's and, for an issue a vSphere server reported, the
 * server's vim25 fault type.
 * @see faults.ts OvfIssue, STYLE.md §3
 */
import type { OvfFaultTypeName } from './faults';
import type { OvfManagerIssueCode } from './importspec/issues';
import type { OvfIssueCode } from './messages';
import type { PackageIssueCode } from './plan/package';
import type { ManifestIssueCode, SignatureIssueCode } from './plan/signature';
import type { LibraryFilterIssueCode } from './plan/library-filter';

/** Codes of the manifest verdict of core's plan (plan/signature.ts `manifestVerdict`). */
export type { ManifestIssueCode } from './plan/signature';

/** Codes of the checks the front ends add themselves: a password literal that would be written to Terraform state. (A placement the inventory lacks is core's plan error, UNKNOWN_RESOURCE_POOL and the like.) */
export type FrontEndIssueCode = 'SECRET_IN_STATE';

/** The vim25 fault types ovfkit models, at run time: the code of an issue a server reported. */
export const OVF_FAULT_TYPE_NAMES = [
  'ConnectedIso', 'OvfConnectedDevice', 'OvfConnectedDeviceFloppy', 'OvfConnectedDeviceIso', 'OvfConsumerCommunicationError',
  'OvfConsumerFault', 'OvfConsumerInvalidSection', 'OvfConsumerPowerOnFault', 'OvfConsumerUndeclaredSection',
  'OvfConsumerUndefinedPrefix', 'OvfConsumerValidationFault', 'OvfCpuCompatibility', 'OvfCpuCompatibilityCheckNotSupported',
  'OvfDiskMappingNotFound', 'OvfDiskOrderConstraint', 'OvfDuplicateElement', 'OvfDuplicatedElementBoundary',
  'OvfDuplicatedPropertyIdExport', 'OvfDuplicatedPropertyIdImport', 'OvfElementInvalidValue', 'OvfExportFailed',
  'OvfHardwareCheck', 'OvfHardwareExport', 'OvfHostResourceConstraint', 'OvfHostValueNotParsed', 'OvfImportFailed',
  'OvfInternalError', 'OvfInvalidValue', 'OvfInvalidValueConfiguration', 'OvfInvalidValueEmpty',
  'OvfInvalidValueFormatMalformed', 'OvfInvalidValueReference', 'OvfInvalidVmName', 'OvfMappedOsId', 'OvfMissingAttribute',
  'OvfMissingElement', 'OvfMissingElementNormalBoundary', 'OvfMissingHardware', 'OvfNetworkMappingNotSupported',
  'OvfNoHostNic', 'OvfNoSpaceOnController', 'OvfNoSupportedHardwareFamily', 'OvfPropertyExport', 'OvfPropertyNetwork',
  'OvfPropertyNetworkExport', 'OvfPropertyQualifier', 'OvfPropertyQualifierDuplicate', 'OvfPropertyQualifierIgnored',
  'OvfPropertyType', 'OvfPropertyValue', 'OvfToXmlUnsupportedElement', 'OvfUnableToExportDisk', 'OvfUnexpectedElement',
  'OvfUnknownDevice', 'OvfUnknownDeviceBacking', 'OvfUnknownEntity', 'OvfUnsupportedAttribute',
  'OvfUnsupportedAttributeValue', 'OvfUnsupportedDeviceBackingInfo', 'OvfUnsupportedDeviceBackingOption',
  'OvfUnsupportedDeviceExport', 'OvfUnsupportedDiskProvisioning', 'OvfUnsupportedElement', 'OvfUnsupportedElementValue',
  'OvfUnsupportedSection', 'OvfUnsupportedSubType', 'OvfUnsupportedType', 'OvfWrongElement', 'OvfWrongNamespace',
  'OvfXmlFormat', 'VAppPropertyFault',
] as const satisfies readonly OvfFaultTypeName[];

/** The code of an issue a server reported: its vim25 fault type, or `MethodFault` (the base every fault extends) for one ovfkit does not model. */
export type RemoteFaultCode = (typeof OVF_FAULT_TYPE_NAMES)[number] | 'MethodFault';

/** Every code an {@link OvfIssue} can carry. */
export type IssueCode = OvfIssueCode | OvfManagerIssueCode | PackageIssueCode | SignatureIssueCode | ManifestIssueCode | FrontEndIssueCode | LibraryFilterIssueCode | RemoteFaultCode;

/** The code of an issue a vSphere server reported: its fault type when ovfkit models it, else `MethodFault`. */
export function remoteFaultCode(typeName: string | undefined): RemoteFaultCode {
  return (OVF_FAULT_TYPE_NAMES as readonly string[]).includes(typeName ?? '') ? (typeName as RemoteFaultCode) : 'MethodFault';
}
