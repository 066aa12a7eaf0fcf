/**
 * The few calls the constructs make into `@ovfkit/core`. This is the only file that knows how
 * core is laid out: every OVF rule stays in core, the constructs only show its answers.
 */
import {
  type DiskSummary,
  type DocumentIssue,
  type HostProfile,
  type InventorySnapshot,
  type KeyValue,
  type NicSummary,
  type OvfCreateImportSpecParams,
  type OvfIssue,
  type OvfParseDescriptorResult,
  type PropertySummary,
  type VmSummary,
  EXPORT_OPTIONS,
  LocalOvfManager,
  UsageError,
  checkHostProfile,
  checkInventory,
  inventoryLookup,
  parseDescriptor as coreParseDescriptor,
  resolveHostProfile,
} from '@ovfkit/core';

export type {
  KeyValue,
  OvfIssue,
  OvfParseDescriptorResult,
  OvfNetworkInfo,
  OvfDeploymentOption,
  VAppPropertyInfo,
  DiskSummary,
  NicSummary,
  VmSummary,
  PropertySummary,
} from '@ovfkit/core';

/** Formats an issue as one line: `CODE at path: message (seen "…"; allowed: …) — fix`. */
export function formatIssue(issue: OvfIssue): string {
  let line = issue.code ?? issue.fault._typeName;
  if (issue.path) line += ` at ${issue.path}`;
  else if (issue.line) line += ` at line ${issue.line}`;
  const message = issue.localizedMessage ?? issue.fault._typeName;
  line += `: ${message}`;
  const details: string[] = [];
  if (issue.value !== undefined && !message.includes(issue.value)) details.push(`seen ${JSON.stringify(issue.value)}`);
  if (issue.allowed !== undefined && !message.includes(issue.allowed)) details.push(`allowed: ${issue.allowed}`);
  if (details.length) line += ` (${details.join('; ')})`;
  if (issue.fix && !message.includes(issue.fix)) line += ` — fix: ${issue.fix}`;
  return line;
}

/** One VM's hardware in a deployment option: core's summary plus its disks and NICs. */
export interface VirtualMachineHardware extends VmSummary {
  disks: DiskSummary[];
  nics: NicSummary[];
}

/** Where ValidateHost checks the package: a host profile and/or a captured inventory snapshot. */
export interface OvfHostTarget {
  /** A built-in profile name (e.g. `esxi-8.0`) or a host profile JSON document. */
  hostProfile?: string | object;
  /** An inventory snapshot JSON document (datastores, networks, resource pools). */
  inventory?: object;
}

/** Where an import goes, by inventory path or name, as the user wrote it. */
export interface OvfPlacement {
  datacenter?: string;
  resourcePool?: string;
  vApp?: string;
  datastore?: string;
  folder?: string;
  host?: string;
}

/** What an import is asked to do, in OvfCreateImportSpecParams' words; no secret values. */
export interface OvfImportRequest {
  entityName: string;
  deploymentOption: string;
  locale: string;
  /** OVF network name → vSphere network (inventory path or name). */
  networkMapping: KeyValue[];
  /** Property id → value; only values known at synth (secrets are listed in `secretProperty`). */
  propertyMapping: KeyValue[];
  /** Property id → name of the environment variable holding its value at apply time. */
  secretProperty: KeyValue[];
  diskProvisioning?: string;
  placement: OvfPlacement;
  acceptAllEulas: boolean;
}

/** One VM of the plan: its hardware, disks and NICs after mapping. */
export interface OvfPlanVirtualMachine {
  entity: string;
  name: string;
  hardwareVersion: string;
  guestId: string;
  numCPUs: number;
  memoryMB: number;
  firmware: string;
  disks: { label: string; capacityBytes: number | null; provisioning: string }[];
  nics: { label: string; adapter: string; ovfNetwork: string; network: string | null; mappedBy: string }[];
}

/**
 * The plan every front end shows (ARCHITECTURE.md "The IaC resources"), as Terraform stores it
 * in `terraform_data.input`: no secret values, only the names of the variables holding them.
 */
export interface OvfImportPlan {
  [key: string]: unknown;
  entityName: string;
  virtualApp: boolean;
  deploymentOption: string;
  diskProvisioning: string;
  virtualMachines: OvfPlanVirtualMachine[];
  /** Property id → the value it gets (`(from environment variable X)` for secrets). */
  properties: Record<string, string>;
  eulaCount: number;
  files: { path: string; sizeBytes: number | null }[];
  downloadBytes: number;
  flatDeploymentBytes: number;
  sparseDeploymentBytes: number;
}

/** Core's answer for an import at synth: ValidateHost and CreateImportSpec problems and the plan. */
export interface OvfImportCheck {
  /** What the package was checked against, e.g. `host profile esxi-8.0u3`. */
  against: string;
  hostError: OvfIssue[];
  hostWarning: OvfIssue[];
  importError: OvfIssue[];
  importWarning: OvfIssue[];
  plan?: OvfImportPlan;
}

/** The calls the constructs make into core. */
export interface OvfCorePort {
  parseDescriptor(ovfDescriptor: string, pdp: { locale: string; deploymentOption: string }): OvfParseDescriptorResult;
  virtualHardware(ovfDescriptor: string, params: { locale: string; deploymentOption: string }): VirtualMachineHardware[];
  checkImport(ovfDescriptor: string, request: OvfImportRequest, target: OvfHostTarget): OvfImportCheck;
  /** Keywords of `OvfManager.ovfExportOption` ovfkit knows. */
  exportOptions(): string[];
}

function documentProblem(what: string, issues: DocumentIssue[]): never {
  throw new UsageError(`${what} is not valid: ${issues.map((i) => `${i.path}: ${i.message}; fix: ${i.fix}`).join('; ')}`);
}

function managerFor(target: OvfHostTarget): { manager: LocalOvfManager; inventory?: InventorySnapshot; against: string } {
  let profile: HostProfile;
  if (typeof target.hostProfile === 'object') {
    const check = checkHostProfile(target.hostProfile);
    if (!check.profile) documentProblem('hostProfile', check.issues);
    profile = check.profile;
  } else {
    profile = resolveHostProfile(target.hostProfile);
  }
  let inventory: InventorySnapshot | undefined;
  if (target.inventory !== undefined) {
    const check = checkInventory(target.inventory);
    if (!check.inventory) documentProblem('inventory', check.issues);
    inventory = check.inventory;
  }
  const manager = new LocalOvfManager({ hostProfile: profile, ...(inventory ? { inventory } : {}) });
  const against = `host profile ${profile.name}${inventory ? ` and the inventory of ${inventory.datacenter.name}` : ''}`;
  return inventory ? { manager, inventory, against } : { manager, against };
}

function unknownPlacement(what: 'resourcePool' | 'datastore' | 'host', value: string, allowed: string[]): OvfIssue {
  return {
    fault: { _typeName: 'OvfInvalidValueReference', lineNumber: 0, elementName: 'placement', attributeName: what, value },
    code: `UNKNOWN_${what === 'resourcePool' ? 'RESOURCE_POOL' : what.toUpperCase()}`,
    localizedMessage: `${what} ${JSON.stringify(value)} is not in the inventory snapshot`,
    path: what,
    value,
    allowed: allowed.join(', ') || 'none',
    fix: `name one of the inventory's ${what === 'resourcePool' ? 'resource pools' : `${what}s`}, or capture the inventory again`,
  };
}

const byEntity = <T extends { entity: string }>(list: T[], entity: string): T[] => list.filter((x) => x.entity === entity);

/** The local OvfManager of `@ovfkit/core`, seen through {@link OvfCorePort}. All of it synchronous. */
export const ovfCore: OvfCorePort = {
  parseDescriptor(ovfDescriptor, pdp) {
    return coreParseDescriptor(ovfDescriptor, pdp);
  },

  virtualHardware(ovfDescriptor, params) {
    const { analysis } = new LocalOvfManager().createImportSpecWithAnalysis(ovfDescriptor, undefined, undefined, { ...params, entityName: '' });
    if (!analysis) return [];
    return analysis.vms.map((vm) => ({ ...vm, disks: byEntity(analysis.disks, vm.entity), nics: byEntity(analysis.nics, vm.entity) }));
  },

  checkImport(ovfDescriptor, request, target) {
    const { manager, inventory, against } = managerFor(target);
    const hostError: OvfIssue[] = [];
    const p = request.placement;
    let pool = p.vApp ?? p.resourcePool;
    let datastore = p.datastore;
    let host = p.host;
    if (inventory) {
      if (pool !== undefined && !inventoryLookup.resourcePool(inventory, pool)) {
        hostError.push(unknownPlacement('resourcePool', pool, inventory.resourcePools.map((r) => r.path ?? r.name)));
        pool = undefined;
      }
      if (datastore !== undefined && !inventoryLookup.datastore(inventory, datastore)) {
        hostError.push(unknownPlacement('datastore', datastore, inventory.datastores.map((d) => d.name)));
        datastore = undefined;
      }
      if (host !== undefined && !inventoryLookup.host(inventory, host)) {
        hostError.push(unknownPlacement('host', host, inventory.hosts.map((h) => h.name)));
        host = undefined;
      }
    } else {
      // Without an inventory nothing can be looked up: the names are checked by vSphere at apply.
      pool = undefined;
      datastore = undefined;
      host = undefined;
    }
    const cisp: OvfCreateImportSpecParams = {
      locale: request.locale,
      deploymentOption: request.deploymentOption,
      entityName: request.entityName,
      networkMapping: request.networkMapping.map((m) => ({ name: m.key, network: { type: 'Network', value: m.value } })),
      // Secret values are not known at synth; an empty value is checked for its key only.
      propertyMapping: [...request.propertyMapping, ...request.secretProperty.map((s) => ({ key: s.key, value: '' }))],
      importOption: request.acceptAllEulas ? ['acceptAllEulas'] : [],
      ...(request.diskProvisioning !== undefined ? { diskProvisioning: request.diskProvisioning } : {}),
      ...(host !== undefined ? { hostSystem: { type: 'HostSystem', value: host } } : {}),
    };
    const { analysis } = manager.createImportSpecWithAnalysis(ovfDescriptor, pool, datastore, cisp);
    if (!analysis) return { against, hostError, hostWarning: [], importError: [], importWarning: [] };
    const secretVar = new Map(request.secretProperty.map((s) => [s.key, s.value]));
    const properties: Record<string, string> = {};
    for (const prop of analysis.properties) {
      const variable = secretVar.get(prop.id);
      if (variable !== undefined) properties[prop.id] = `(from environment variable ${variable})`;
      else if (!prop.password) properties[prop.id] = prop.value;
    }
    const plan: OvfImportPlan = {
      entityName: analysis.entityName,
      virtualApp: analysis.virtualApp,
      deploymentOption: analysis.deploymentOption,
      diskProvisioning: analysis.provisioning,
      virtualMachines: analysis.vms.map((vm) => ({
        entity: vm.entity,
        name: vm.name,
        hardwareVersion: vm.hardwareVersion,
        guestId: vm.guestId,
        numCPUs: vm.numCPUs,
        memoryMB: vm.memoryMB,
        firmware: vm.firmware,
        disks: byEntity(analysis.disks, vm.entity).map((d) => ({ label: d.label, capacityBytes: d.capacityBytes ?? null, provisioning: d.provisioning })),
        nics: byEntity(analysis.nics, vm.entity).map((n) => ({ label: n.label, adapter: n.adapter, ovfNetwork: n.ovfNetwork, network: n.network?.name ?? null, mappedBy: n.mappedBy })),
      })),
      properties,
      eulaCount: analysis.eula.length,
      files: analysis.fileItem.map((f) => ({ path: f.path, sizeBytes: f.size ?? null })),
      downloadBytes: analysis.downloadSize,
      flatDeploymentBytes: analysis.flatDeploymentSize,
      sparseDeploymentBytes: analysis.sparseDeploymentSize,
    };
    return {
      against,
      hostError: [...hostError, ...analysis.hostError],
      hostWarning: analysis.hostWarning,
      importError: analysis.importError,
      importWarning: analysis.importWarning,
      plan,
    };
  },

  exportOptions() {
    return Object.keys(EXPORT_OPTIONS);
  },
};
