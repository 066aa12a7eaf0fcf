/**
 * The messages ValidateHost and CreateImportSpec report, in one place: each builder returns a
 * complete {@link OvfIssue} (vim25 fault + message + stable code, path, value, allowed, fix).
 */
import type { OvfFault, OvfIssue } from '../faults';
import type { Located } from '../model';

/** Stable codes of the issues ValidateHost / CreateImportSpec / CreateDescriptor add. */
export type OvfManagerIssueCode =
  | 'HARDWARE_VERSION_UNSUPPORTED'
  | 'NO_HARDWARE_FAMILY'
  | 'DEVICE_UNSUPPORTED'
  | 'DEVICE_TYPE_UNSUPPORTED'
  | 'DEVICE_TOO_MANY'
  | 'DEVICE_IGNORED'
  | 'CPU_ABOVE_MAXIMUM'
  | 'MEMORY_ABOVE_MAXIMUM'
  | 'CORES_PER_SOCKET_INVALID'
  | 'MISSING_CPU'
  | 'MISSING_MEMORY'
  | 'BAD_QUANTITY'
  | 'BAD_QUANTITY'
  | 'GUEST_ID_UNSUPPORTED'
  | 'FIRMWARE_UNSUPPORTED'
  | 'SECURE_BOOT_UNSUPPORTED'
  | 'DISK_PROVISIONING_UNSUPPORTED'
  | 'INSUFFICIENT_DATASTORE_SPACE'
  | 'DATASTORE_INACCESSIBLE'
  | 'HOST_UNAVAILABLE'
  | 'NO_CONTROLLER'
  | 'NO_SPACE_ON_CONTROLLER'
  | 'DISK_CAPACITY_UNKNOWN'
  | 'UNKNOWN_NETWORK_IN_MAPPING'
  | 'UNKNOWN_MAPPED_NETWORK'
  | 'NETWORK_NOT_MAPPED'
  | 'NO_HOST_NETWORK'
  | 'UNKNOWN_PROPERTY_KEY'
  | 'AMBIGUOUS_PROPERTY_KEY'
  | 'PROPERTY_VALUE_INVALID'
  | 'PROPERTY_NOT_USER_CONFIGURABLE'
  | 'IP_ALLOCATION_POLICY_UNSUPPORTED'
  | 'IP_PROTOCOL_UNSUPPORTED'
  | 'EULA_NOT_ACCEPTED'
  | 'UNKNOWN_DEPLOYMENT_OPTION'
  | 'EXTRA_CONFIG_BLOCKED'
  | 'INVALID_ENTITY_NAME'
  | 'UNKNOWN_DATACENTER'
  | 'UNKNOWN_FOLDER'
  | 'UNKNOWN_HOST'
  | 'UNKNOWN_RESOURCE_POOL'
  | 'UNKNOWN_DATASTORE'
  | 'AMBIGUOUS_INVENTORY_PATH'
  | 'PLACEMENT_REQUIRED'
  | 'HOST_NOT_IN_POOL'
  | 'FOLDER_WITH_VAPP'
  | 'UNKNOWN_IMPORT_OPTION'
  | 'DESCRIPTOR_UNUSABLE'
  | 'CONFIG_INVALID'
  | 'DEVICE_NOT_EXPORTED'
  | 'CONNECTED_MEDIA';

export interface IssueExtras {
  at?: Located | undefined;
  path?: string;
  value?: string;
  allowed?: string;
  fix?: string;
}

/** Builds one issue; `at` gives line/column and the element path. */
export function issue<F extends OvfFault>(code: OvfManagerIssueCode, fault: F, message: string, x: IssueExtras = {}): OvfIssue<F> {
  const out: OvfIssue<F> = { fault, localizedMessage: message, code };
  const path = x.path ?? x.at?.path;
  if (path !== undefined) out.path = path;
  if (x.value !== undefined) out.value = x.value;
  if (x.allowed !== undefined) out.allowed = x.allowed;
  if (x.fix !== undefined) out.fix = x.fix;
  if (x.at) {
    out.line = x.at.pos.line;
    out.column = x.at.pos.column;
  }
  return out;
}

/** Quotes a value for a message, cut to a readable length. */
export function qv(value: string): string {
  const v = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return `"${v.replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** What password values are shown as, anywhere ovfkit writes them. */
export const REDACTED = '********';
