/**
 * ValidateHost: can this host run the package. The host checks of the one pass over the
 * Envelope (hardware family, guest id, disk provisioning, datastore space) and the projection of
 * that pass onto OvfValidateHostResult; device, CPU and memory checks run inside the hardware walk
 * of create-import-spec.ts, which reports them as host problems too.
 * @see vim25 OvfManager.ValidateHost, vsphere-ovf-api.md §5
 */
import { issue, qv } from '../importspec/issues';
import { wordsOf } from '../issue-text';
import { guestIdFor } from '../importspec/osids';
import type { DiskProvisioningType, HostProfile } from '../hostprofiles/types';
import { DISK_PROVISIONING_TYPES } from '../hostprofiles/types';
import { defaultDatastoreProvisioning } from '../inventory';
import type { VirtualHardwareSection, VirtualSystem } from '../model';
import type { OvfValidateHostResult } from '../vim25';
import type { Analysis, BuildInput } from './analysis';

/** The guest id the VM gets; one the host profile does not know (or not at this vmx) is a host error. */
export function checkGuestId(profile: HostProfile, a: Analysis, vs: VirtualSystem, entity: string, version: number): string {
  const os = vs.operatingSystemSection;
  let guestId = guestIdFor(os?.osType, os?.id);
  const guest = profile.guestIds.find((g) => g.id === guestId);
  if (!guest || (guest.minHardwareVersion ?? 0) > version) {
    a.hostError.push(issue('GUEST_ID_UNSUPPORTED', { _typeName: 'OvfHardwareCheck' }, guest ? `Guest OS ${qv(guestId)} needs hardware version vmx-${guest.minHardwareVersion} or later; ${qv(entity)} gets vmx-${pad(version)}` : `Guest OS ${qv(guestId)} of ${qv(entity)} is not known to host profile ${profile.name}`, {
      at: os ?? vs,
      value: guestId,
      allowed: guest ? `vmx-${guest.minHardwareVersion}+` : `a guest id of ${profile.name} (e.g. otherGuest64)`,
      fix: guest ? 'allow a newer vmx family in VirtualSystemType' : 'use a host profile of a newer ESXi release, or set vmw:osType to a supported id',
    }));
    if (!guest) guestId = guestId.includes('64') ? 'otherGuest64' : 'otherGuest';
  }
  return guestId;
}

/** The provisioning types host and datastore both support, and the one the import uses. */
export function chooseProvisioning(input: BuildInput, a: Analysis): void {
  const wanted = input.cisp.diskProvisioning;
  const hostList = input.profile.supportedDiskProvisioning;
  const ds = input.datastore;
  const dsList = ds ? (ds.supportedDiskProvisioning ?? defaultDatastoreProvisioning(ds.type)) : undefined;
  const supported = dsList ? hostList.filter((p) => dsList.includes(p)) : [...hostList];
  a.supportedDiskProvisioning = supported;
  if (!wanted) {
    // vSphere picks thick for an unspecified provisioning; NFS without VAAI can only do thin.
    a.provisioning = supported.includes('thick') ? 'thick' : supported.includes('thin') ? 'thin' : (supported[0] ?? 'thin');
    return;
  }
  if ((DISK_PROVISIONING_TYPES as readonly string[]).includes(wanted) && supported.includes(wanted as DiskProvisioningType)) {
    a.provisioning = wanted as DiskProvisioningType;
    return;
  }
  a.provisioning = supported.includes('thick') ? 'thick' : supported.includes('thin') ? 'thin' : (supported[0] ?? 'thin');
  a.importError.push(issue('DISK_PROVISIONING_UNSUPPORTED', { _typeName: 'OvfUnsupportedDiskProvisioning', diskProvisioning: wanted, supportedDiskProvisioning: supported.join(',') }, `Disk provisioning ${qv(wanted)} is not supported${ds ? ` on datastore ${qv(ds.name)}` : ' by the host'}`, {
    value: wanted,
    allowed: supported.join(', '),
    fix: `choose a supported provisioning, e.g. ${wordsOf(input.vocabulary).diskProvisioning(supported[0] ?? 'thin')}`,
  }));
}

/** The VirtualHardwareSection the host can run: its vmx family first, then any vmx family, then the first. */
export function chooseHardwareSection(profile: HostProfile, vs: VirtualSystem): VirtualHardwareSection | undefined {
  const supported = profile.supportedHardwareVersions;
  return (
    vs.virtualHardwareSection.find((h) => h.system?.virtualSystemType.some((t) => supported.includes(vmxNumber(t) ?? -1))) ??
    vs.virtualHardwareSection.find((h) => h.system?.virtualSystemType.some((t) => vmxNumber(t) !== undefined)) ??
    vs.virtualHardwareSection[0]
  );
}

/** The newest vmx family of the section the host supports; an unsupported family is a host error. */
export function hardwareVersion(profile: HostProfile, a: Analysis, vhs: VirtualHardwareSection | undefined, vs: VirtualSystem, entity: string): number {
  const types = vhs?.system?.virtualSystemType ?? [];
  if (types.length === 0) return profile.defaultHardwareVersion;
  const families = types.map(vmxNumber).filter((n): n is number => n !== undefined);
  const usable = families.filter((n) => profile.supportedHardwareVersions.includes(n));
  if (usable.length) return Math.max(...usable);
  const at = vhs?.system ?? vs;
  if (families.length === 0) {
    a.hostError.push(issue('NO_HARDWARE_FAMILY', { _typeName: 'OvfNoSupportedHardwareFamily', lineNumber: at.pos.line, version: types.join(' ') }, `No supported hardware family for ${qv(entity)}: VirtualSystemType ${qv(types.join(' '))} names no vmx-NN family`, {
      at,
      value: types.join(' '),
      allowed: `vmx-${pad(profile.supportedHardwareVersions[0] ?? 4)} … vmx-${pad(Math.max(...profile.supportedHardwareVersions))}`,
      fix: 'set vssd:VirtualSystemType to a vmx family, e.g. vmx-13',
    }));
  } else {
    a.hostError.push(issue('HARDWARE_VERSION_UNSUPPORTED', { _typeName: 'OvfHardwareCheck' }, `Virtual hardware ${families.map((n) => `vmx-${pad(n)}`).join(', ')} of ${qv(entity)} is not supported by ${profile.name} (newest: vmx-${pad(Math.max(...profile.supportedHardwareVersions))})`, {
      at,
      value: types.join(' '),
      allowed: profile.supportedHardwareVersions.map((n) => `vmx-${pad(n)}`).join(', '),
      fix: 'deploy to a newer ESXi host, or add an older vmx family to VirtualSystemType',
    }));
  }
  return profile.defaultHardwareVersion;
}

/** Does the package fit the datastore (or the host's largest one), thick or thin. */
export function checkDatastoreSpace(input: BuildInput, a: Analysis): void {
  const thin = ['thin', 'sparse', 'monolithicSparse', 'twoGbMaxExtentSparse', 'seSparse'].includes(a.provisioning);
  // Without a chosen provisioning (ValidateHost has none) only "does not fit even thin" is an
  // error; "fits only thin" is a warning.
  const chosen = !!input.cisp.diskProvisioning;
  // NVDIMMs are backed by the host's PMem storage, not by the datastore.
  const sparse = a.sparseDeploymentSize - a.nvdimmSize;
  const flat = a.flatDeploymentSize - a.nvdimmSize;
  const inv = input.inventory;
  const ds = input.datastore;
  let where: string;
  let free: number;
  if (ds) {
    if (ds.accessible === false) {
      a.hostError.push(issue('DATASTORE_INACCESSIBLE', { _typeName: 'OvfHardwareCheck' }, `Datastore ${qv(ds.name)} is not accessible`, { value: ds.name, fix: 'choose another datastore' }));
      return;
    }
    where = `Datastore ${qv(ds.name)} has`;
    free = ds.freeSpace;
  } else if (inv && input.host) {
    const hostDs = inv.datastores.filter((d) => d.accessible !== false && input.host!.datastores.some((r) => r === d.name || r === d.moref));
    free = Math.max(0, ...hostDs.map((d) => d.freeSpace));
    where = `The largest datastore of host ${qv(input.host.name)} has`;
  } else return;
  const need = chosen ? (thin ? sparse : flat) : sparse;
  const how = chosen ? `${a.provisioning}-provisioned` : 'even thin-provisioned';
  if (need > free) {
    a.hostError.push(issue('INSUFFICIENT_DATASTORE_SPACE', { _typeName: 'OvfHardwareCheck' }, `${where} ${gib(free)} free; the disks need ${gib(need)} ${how}`, {
      value: String(free),
      allowed: `at least ${need} bytes free`,
      fix: chosen && !thin ? 'choose thin provisioning or a larger datastore' : 'free space or choose a larger datastore',
    }));
  } else if (!chosen && flat > free) {
    a.hostWarning.push(issue('INSUFFICIENT_DATASTORE_SPACE', { _typeName: 'OvfHardwareCheck' }, `${where} ${gib(free)} free: enough for thin disks (${gib(sparse)}) but not thick ones (${gib(flat)})`, {
      value: String(free),
      allowed: `at least ${flat} bytes free for thick disks`,
      fix: `import with thin provisioning (${wordsOf(input.vocabulary).diskProvisioning('thin')})`,
    }));
  }
}

function gib(n: number): string {
  return `${(n / 2 ** 30).toFixed(1)} GiB`;
}

export function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `vmx-13` → 13, anything else → undefined. */
export function vmxNumber(t: string): number | undefined {
  const m = /^vmx-(\d+)$/i.exec(t.trim());
  return m ? Number(m[1]) : undefined;
}

/** The ValidateHost result of an analysis: sizes, host problems, the provisioning types allowed. @see vim25 OvfValidateHostResult */
export function validateHostResult(a: Analysis): OvfValidateHostResult {
  const result: OvfValidateHostResult = {};
  result.downloadSize = a.downloadSize;
  result.flatDeploymentSize = a.flatDeploymentSize;
  result.sparseDeploymentSize = a.sparseDeploymentSize;
  if (a.hostError.length) result.error = a.hostError;
  if (a.hostWarning.length) result.warning = a.hostWarning;
  result.supportedDiskProvisioning = [...a.supportedDiskProvisioning];
  return result;
}

