/**
 * The few calls the constructs make into `@ovfkit/core` and `@ovfkit/package`, typed in the
 * vim25 shapes they need. This is the only file that knows how those packages are laid out:
 * every OVF rule stays in core, the constructs only show its answers.
 */
import * as core from '@ovfkit/core';

/** @see vim25 KeyValue */
export interface KeyValue {
  key: string;
  value: string;
}

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

/** A descriptor problem as core returns it (vim25 LocalizedMethodFault plus ovfkit's extras). */
export interface OvfIssue {
  fault: { _typeName: string };
  localizedMessage?: string;
  code?: string;
  path?: string;
  value?: string;
  allowed?: string;
  fix?: string;
  line?: number;
}

/** @see vim25 OvfNetworkInfo */
export interface OvfNetworkInfo {
  name: string;
  description: string;
}

/** @see vim25 OvfDeploymentOption */
export interface OvfDeploymentOption {
  key: string;
  label: string;
  description: string;
}

/** @see vim25 VAppPropertyInfo */
export interface VAppPropertyInfo {
  key: number;
  classId?: string;
  instanceId?: string;
  id?: string;
  category?: string;
  label?: string;
  type?: string;
  typeReference?: string;
  userConfigurable?: boolean;
  defaultValue?: string;
  value?: string;
  description?: string;
}

/** The fields of vim25 `OvfParseDescriptorResult` the constructs read. */
export interface OvfParseDescriptorResult {
  eula?: string[];
  network?: OvfNetworkInfo[];
  property?: VAppPropertyInfo[];
  annotation: string;
  approximateDownloadSize?: number;
  approximateFlatDeploymentSize?: number;
  approximateSparseDeploymentSize?: number;
  defaultEntityName: string;
  virtualApp: boolean;
  deploymentOption?: OvfDeploymentOption[];
  defaultDeploymentOption: string;
  entityName?: KeyValue[];
  error?: OvfIssue[];
  warning?: OvfIssue[];
}

/** The fields of vim25 `OvfValidateHostResult` the constructs read. */
export interface OvfValidateHostResult {
  downloadSize?: number;
  flatDeploymentSize?: number;
  sparseDeploymentSize?: number;
  error?: OvfIssue[];
  warning?: OvfIssue[];
  supportedDiskProvisioning?: string[];
}

/** One virtual disk of a VM, as the import will create it. */
export interface VirtualDiskPlan {
  /** `Disk/@ovf:diskId`. */
  diskId?: string;
  capacityBytes: number;
}

/** One network adapter of a VM and the OVF network it connects to. */
export interface VirtualEthernetCardPlan {
  /** OVF network name (`rasd:Connection`). */
  network: string;
  /** `rasd:ResourceSubType`, e.g. `VmxNet3`. */
  adapterType?: string;
}

/** The hardware one VirtualSystem gets for the chosen deployment option. */
export interface VirtualMachineHardware {
  /** Entity path (`vm1`, `WebTier/vm2`), as in ParseDescriptor's `entityName` values. */
  path: string;
  /** `VirtualSystem/Name` or its `ovf:id`. */
  name: string;
  /** `vssd:VirtualSystemType`, e.g. `vmx-13`. */
  virtualSystemType?: string;
  /** vSphere guest id, e.g. `otherLinux64Guest`. */
  guestId?: string;
  numCPUs?: number;
  memoryMB?: number;
  disks: VirtualDiskPlan[];
  nics: VirtualEthernetCardPlan[];
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
  cluster?: string;
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
  /** Property ids whose value arrives at apply time from the environment. */
  secretProperty: string[];
  diskProvisioning?: string;
  ipAllocationPolicy?: string;
  ipProtocol?: string;
  placement: OvfPlacement;
  acceptAllEulas: boolean;
}

/** The answer of core's import planning: the plan every front end shows, with its problems. */
export interface OvfImportPlanResult {
  plan?: Record<string, unknown>;
  error: OvfIssue[];
  warning: OvfIssue[];
}

/** The calls the constructs make into core. */
export interface OvfCorePort {
  parseDescriptor(ovfDescriptor: string, pdp: { locale: string; deploymentOption: string }): OvfParseDescriptorResult;
  virtualHardware(ovfDescriptor: string, params: { locale: string; deploymentOption: string }): VirtualMachineHardware[];
  validateHost(ovfDescriptor: string, target: OvfHostTarget, vhp: { locale: string; deploymentOption: string }): OvfValidateHostResult;
  planImport(ovfDescriptor: string, request: OvfImportRequest, target: OvfHostTarget): OvfImportPlanResult;
  /** Keywords `OvfManager.ovfExportOption` accepts. */
  exportOptions(): string[];
}

function missing(name: string): never {
  throw new core.OvfkitError('INTERNAL', `@ovfkit/core does not provide ${name}() in this build`);
}

const c = core as unknown as Record<string, unknown>;

/** The local OvfManager of `@ovfkit/core`, seen through {@link OvfCorePort}. */
export const ovfCore: OvfCorePort = {
  parseDescriptor(ovfDescriptor, pdp) {
    const f = c['parseDescriptor'] as ((d: string, p: object) => OvfParseDescriptorResult) | undefined;
    return f ? f(ovfDescriptor, pdp) : missing('parseDescriptor');
  },
  virtualHardware() {
    return missing('virtualHardware');
  },
  validateHost() {
    return missing('validateHost');
  },
  planImport() {
    return missing('createPlan');
  },
  exportOptions() {
    return missing('ovfExportOption');
  },
};
