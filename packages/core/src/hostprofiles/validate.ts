import { IssueCollector, type DocumentIssue } from './issues';
import {
  DEVICE_TYPES,
  DISK_PROVISIONING_TYPES,
  HOST_PROFILE_FORMAT,
  type DeviceType,
  type DiskProvisioningType,
  type HostProfile,
  type HostProfileDevice,
  type HostProfileGuest,
  type HostProfileLimits,
} from './types';

/** A checked host-profile document: the profile when it is usable, and every problem found. */
export interface HostProfileCheck {
  profile?: HostProfile;
  issues: DocumentIssue[];
}

const TOP_FIELDS = [
  'format', 'name', 'product', 'supportedHardwareVersions', 'defaultHardwareVersion', 'limits',
  'guestIds', 'devices', 'firmware', 'supportedDiskProvisioning', 'sources',
] as const;

/**
 * Checks a host-profile JSON value (already parsed) and returns the typed profile with every
 * problem found; `profile` is absent when any issue was found.
 * @see docs/host-profiles.md
 * @example
 * const { profile, issues } = checkHostProfile(JSON.parse(text));
 */
export function checkHostProfile(json: unknown): HostProfileCheck {
  const c = new IssueCollector();
  if (!c.isObject(json, '$')) return { issues: c.issues };
  if (json['format'] !== HOST_PROFILE_FORMAT) {
    c.add('WRONG_FORMAT', '$.format', json['format'], `"${HOST_PROFILE_FORMAT}"`, `set "format": "${HOST_PROFILE_FORMAT}" (is this a host profile?)`);
    // Another kind of document: listing its fields as unknown would only bury the point.
    return { issues: c.issues };
  }
  c.unknownFields(json, '$', TOP_FIELDS);
  const name = c.string(json, 'name', '$');
  let product: HostProfile['product'] | undefined;
  if (c.isObject(json['product'], '$.product')) {
    const p = json['product'];
    const pn = c.string(p, 'name', '$.product');
    const pv = c.string(p, 'version', '$.product');
    const pa = c.string(p, 'apiVersion', '$.product');
    if (pn && pv && pa) product = { name: pn, version: pv, apiVersion: pa };
  }
  const hw: number[] = [];
  const hwList = c.array(json, 'supportedHardwareVersions', '$');
  hwList?.forEach((v, i) => {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 3 && v <= 99) hw.push(v);
    else c.add('WRONG_TYPE', `$.supportedHardwareVersions[${i}]`, v, 'an integer from 3 to 99 (the NN of vmx-NN)', 'write hardware versions as numbers, e.g. 21 for vmx-21');
  });
  if (hwList && hwList.length === 0) c.add('OUT_OF_RANGE', '$.supportedHardwareVersions', hwList, 'at least one hardware version', 'list the vmx-NN numbers the host can run');
  const def = c.integer(json, 'defaultHardwareVersion', '$', 3, true, 99);
  if (def !== undefined && hw.length > 0 && !hw.includes(def)) {
    c.add('DANGLING_REFERENCE', '$.defaultHardwareVersion', def, `one of ${hw.join(', ')}`, 'pick a version listed in supportedHardwareVersions');
  }
  const limits: HostProfileLimits[] = [];
  c.array(json, 'limits', '$')?.forEach((v, i) => {
    const path = `$.limits[${i}]`;
    if (!c.isObject(v, path)) return;
    c.unknownFields(v, path, ['hardwareVersion', 'maxCPUs', 'maxMemoryMB']);
    const h = c.integer(v, 'hardwareVersion', path, 3, true, 99);
    const cpu = c.integer(v, 'maxCPUs', path, 1);
    const mem = c.integer(v, 'maxMemoryMB', path, 4);
    if (h !== undefined && cpu !== undefined && mem !== undefined) limits.push({ hardwareVersion: h, maxCPUs: cpu, maxMemoryMB: mem });
  });
  limits.sort((a, b) => a.hardwareVersion - b.hardwareVersion);
  const guestIds: HostProfileGuest[] = [];
  const seenGuests = new Set<string>();
  c.array(json, 'guestIds', '$')?.forEach((v, i) => {
    const path = `$.guestIds[${i}]`;
    // A bare string is accepted as shorthand for { id }.
    const o = typeof v === 'string' ? { id: v } : v;
    if (!c.isObject(o, path)) return;
    c.unknownFields(o, path, ['id', 'minHardwareVersion']);
    const id = c.string(o, 'id', path);
    const min = c.integer(o, 'minHardwareVersion', path, 3, false, 99);
    if (id === undefined) return;
    if (seenGuests.has(id)) c.add('DUPLICATE', `${path}.id`, id, 'each guest id once', `remove the second "${id}"`);
    seenGuests.add(id);
    guestIds.push(min === undefined ? { id } : { id, minHardwareVersion: min });
  });
  const devices: HostProfileDevice[] = [];
  const seenDevices = new Set<string>();
  c.array(json, 'devices', '$')?.forEach((v, i) => {
    const path = `$.devices[${i}]`;
    if (!c.isObject(v, path)) return;
    c.unknownFields(v, path, ['type', 'minHardwareVersion', 'maxHardwareVersion', 'maxPerVm']);
    const type = c.oneOf<DeviceType>(v, 'type', path, DEVICE_TYPES);
    const min = c.integer(v, 'minHardwareVersion', path, 3, true, 99);
    const max = c.integer(v, 'maxHardwareVersion', path, 3, false, 99);
    const per = c.integer(v, 'maxPerVm', path, 0, false);
    if (type === undefined || min === undefined) return;
    if (seenDevices.has(type)) c.add('DUPLICATE', `${path}.type`, type, 'each device type once', `merge the two "${type}" entries`);
    seenDevices.add(type);
    const d: HostProfileDevice = { type, minHardwareVersion: min };
    if (max !== undefined) d.maxHardwareVersion = max;
    if (per !== undefined) d.maxPerVm = per;
    devices.push(d);
  });
  let firmware: HostProfile['firmware'] | undefined;
  if (c.isObject(json['firmware'], '$.firmware')) {
    const f = json['firmware'];
    c.unknownFields(f, '$.firmware', ['efiMinHardwareVersion', 'secureBootMinHardwareVersion']);
    const efi = c.integer(f, 'efiMinHardwareVersion', '$.firmware', 3, true, 99);
    const sb = c.integer(f, 'secureBootMinHardwareVersion', '$.firmware', 3, true, 99);
    if (efi !== undefined && sb !== undefined) firmware = { efiMinHardwareVersion: efi, secureBootMinHardwareVersion: sb };
  }
  const provisioning: DiskProvisioningType[] = [];
  c.array(json, 'supportedDiskProvisioning', '$')?.forEach((v, i) => {
    if (typeof v === 'string' && (DISK_PROVISIONING_TYPES as readonly string[]).includes(v)) provisioning.push(v as DiskProvisioningType);
    else c.add('UNKNOWN_VALUE', `$.supportedDiskProvisioning[${i}]`, v, DISK_PROVISIONING_TYPES.join(', '), 'use the vim25 OvfCreateImportSpecParamsDiskProvisioningType names');
  });
  const sources: string[] = [];
  c.array(json, 'sources', '$', false)?.forEach((v, i) => {
    if (typeof v === 'string') sources.push(v);
    else c.add('WRONG_TYPE', `$.sources[${i}]`, v, 'a string', 'write each source as a string');
  });
  if (c.issues.length > 0 || !name || !product || def === undefined || !firmware) return { issues: c.issues };
  const profile: HostProfile = {
    format: HOST_PROFILE_FORMAT,
    name,
    product,
    supportedHardwareVersions: [...new Set(hw)].sort((a, b) => a - b),
    defaultHardwareVersion: def,
    limits,
    guestIds,
    devices,
    firmware,
    supportedDiskProvisioning: provisioning,
  };
  if (sources.length) profile.sources = sources;
  return { profile, issues: [] };
}
