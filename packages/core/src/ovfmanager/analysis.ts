/**
 * What the one pass over a parsed Envelope finds (its input, and the per-VM, disk, NIC and
 * property summaries the plan shows); ValidateHost and CreateImportSpec are projections of it.
 * @see vsphere-ovf-api.md §5 and §11
 */
import type { Vocabulary } from '../issue-text';
import type { OvfIssue } from '../faults';
import type { DiskProvisioningType, HostProfile } from '../hostprofiles/types';
import type { InventoryDatastore, InventoryHost, InventorySnapshot } from '../inventory';
import type { ImportSpec } from '../importspec/types';
import type { ManagedObjectReference, OvfCreateImportSpecParams, OvfFileItem } from '../vim25';
import type { ResolvedDescriptor } from '../resolve';

/** Inputs of one analysis. */
export interface BuildInput {
  /** The descriptor resolved for the cisp's choice; its envelope has content. */
  resolved: ResolvedDescriptor;
  profile: HostProfile;
  inventory?: InventorySnapshot | undefined;
  /** The host checked against (ValidateHost's `host`, or cisp.hostSystem / the pool's host). */
  host?: InventoryHost | undefined;
  /** The target datastore (CreateImportSpec's `datastore`), when known. */
  datastore?: InventoryDatastore | undefined;
  /** Datastore name for `files.vmPathName` (`[name]`); "" when unknown. */
  datastoreName: string;
  /** Pool the entity is imported into (becomes `resPoolEntity` only for a vApp parent). */
  resourcePool?: ManagedObjectReference | undefined;
  cisp: OvfCreateImportSpecParams;
  /** Whose words the fixes use: the plan's front end. @default 'api' */
  vocabulary?: Vocabulary | undefined;
}

/** One disk, as the plan shows it. */
export interface DiskSummary {
  /** Entity path (`web01` or `vapp/db`). */
  entity: string;
  diskId?: string;
  label: string;
  controller: string;
  capacityBytes?: number;
  populatedSizeBytes?: number;
  provisioning: DiskProvisioningType;
  file?: string;
  fileSizeBytes?: number;
}

/** One NIC and the network it lands on. */
export interface NicSummary {
  entity: string;
  label: string;
  adapter: string;
  ovfNetwork: string;
  /** The vSphere network chosen (name and moref), when known. */
  network?: { name: string; moref?: ManagedObjectReference };
  /** How it was chosen. */
  mappedBy: 'networkMapping' | 'sameName' | 'fallback' | 'unmapped';
}

/** One VM's hardware, as the plan shows it. */
export interface VmSummary {
  entity: string;
  name: string;
  hardwareVersion: string;
  guestId: string;
  numCPUs: number;
  numCoresPerSocket?: number;
  memoryMB: number;
  firmware: 'bios' | 'efi';
  secureBoot: boolean;
  devices: string[];
}

/** One property with the value it will get. Password values are redacted. */
export interface PropertySummary {
  entity: string;
  id: string;
  label?: string;
  category?: string;
  type: string;
  userConfigurable: boolean;
  password: boolean;
  /** The value that will be set (from propertyMapping or the default); `********` for passwords. */
  value: string;
  source: 'propertyMapping' | 'default';
  /** The bare key of propertyMapping the plan resolved to this property's full id (absent when the key was the full id). */
  mappingKey?: string;
}

/** Everything one pass finds. */
export interface Analysis {
  deploymentOption: string;
  entityName: string;
  virtualApp: boolean;
  importSpec?: ImportSpec;
  fileItem: OvfFileItem[];
  /** Problems of the host / datastore (ValidateHost reports these). */
  hostError: OvfIssue[];
  hostWarning: OvfIssue[];
  /** Problems of the import parameters and the package (CreateImportSpec reports these too). */
  importError: OvfIssue[];
  importWarning: OvfIssue[];
  downloadSize: number;
  flatDeploymentSize: number;
  sparseDeploymentSize: number;
  /** Bytes of NVDIMM backing in both sizes: allocated on the host's PMem storage, not on the datastore. */
  nvdimmSize: number;
  supportedDiskProvisioning: DiskProvisioningType[];
  provisioning: DiskProvisioningType;
  vms: VmSummary[];
  disks: DiskSummary[];
  nics: NicSummary[];
  properties: PropertySummary[];
  eula: string[];
}
