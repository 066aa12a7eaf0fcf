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
  type OvfPlan,
  type ManifestPolicy,
  type PackageFacts,
  type PlanIssue,
  type PlanPackageFile,
  type PlanSignatureOptions,
  type PlanIssueSource,
  type OvfIssue,
  type OvfParseDescriptorResult,
  type PropertySummary,
  type VmSummary,
  EXPORT_OPTIONS,
  LocalOvfManager,
  UsageError,
  escapeControls,
  checkHostProfile,
  checkInventory,
  createPlan,
  judgePackage,
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

/** The one issue text of core (see @ovfkit/core `formatIssue`), re-exported for synth output and tests. */
export { formatIssue } from '@ovfkit/core';

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
  /** A cluster: its root pool when no resource pool or vApp is given. */
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
  /** Property id → name of the environment variable holding its value at apply time. */
  secretProperty: KeyValue[];
  diskProvisioning?: string;
  ipAllocationPolicy?: string;
  ipProtocol?: string;
  placement: OvfPlacement;
  acceptAllEulas: boolean;
}

/**
 * Core's plan (`ovfkit.plan/1`, the object `ovfkit plan` and Pulumi show) as OvfImport.plan holds
 * it: the verdict whole (errors, warnings, ok: what `ovfkit show` renders for a CI comment), the
 * EULA texts left out (counted); password values are redacted by core, secrets given by
 * environment variable read `(from environment variable X)`.
 */
export type OvfImportPlan = Omit<OvfPlan, 'eula'> & { eula: { count: number; accepted: boolean } };

/** Core's answer for an import at synth: ValidateHost and CreateImportSpec problems and the plan. */
export interface OvfImportCheck {
  /** What the package was checked against, e.g. `host profile esxi-8.0u3`. */
  against: string;
  hostError: OvfIssue[];
  hostWarning: OvfIssue[];
  importError: OvfIssue[];
  importWarning: OvfIssue[];
  /** What the plan refuses although vSphere would go ahead: a property key naming no property or several, a EULA not accepted. */
  planError: OvfIssue[];
  /** The package check: a referenced file missing or not at its ovf:size. */
  packageError: OvfIssue[];
  packageWarning: OvfIssue[];
  /** The signature verdict under the policy: a `.cert` that does not hold, or none under `require`. */
  signatureError: OvfIssue[];
  signatureWarning: OvfIssue[];
  /** What the manifest policy demands of the package: a manifest under `require`, the descriptor listed in it with its digest unless `skip`. */
  manifestError: OvfIssue[];
  plan: OvfImportPlan;
  /** The ParseDescriptor result the plan was made from (reused by OvfImport's Descriptor). */
  parseResult: OvfParseDescriptorResult;
}

/** The calls the constructs make into core. */
export interface OvfCorePort {
  parseDescriptor(ovfDescriptor: string, pdp: { locale: string; deploymentOption: string }): OvfParseDescriptorResult;
  virtualHardware(ovfDescriptor: string, params: { locale: string; deploymentOption: string }): VirtualMachineHardware[];
  /**
   * Given the bytes, as `ovfkit plan` is: the plan's digest is the one `ovfkit import --expect-digest`
   * checks. One parse: the plan is made descriptor-only, then judged (core `judgePackage`) against
   * `packageFacts` of the files it lists, as @ovfkit/package's planPackage does for `ovfkit plan`.
   * The manifest policy is the one the import will use at apply, judged from `signature.facts`.
   */
  checkImport(ovfDescriptor: string | Uint8Array, request: OvfImportRequest, target: OvfHostTarget, packageFacts: (files: readonly PlanPackageFile[]) => PackageFacts, signature: PlanSignatureOptions, manifestPolicy?: ManifestPolicy): OvfImportCheck;
  /** Keywords of `OvfManager.ovfExportOption` ovfkit knows. */
  exportOptions(): string[];
}

function documentProblem(what: string, issues: DocumentIssue[]): never {
  throw new UsageError(escapeControls(`${what} is not valid: ${issues.map((i) => `${i.path}: ${i.message}; fix: ${i.fix}`).join('; ')}`, 'line'));
}

function targetOf(target: OvfHostTarget): { profile: HostProfile; inventory?: InventorySnapshot } {
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
  return inventory ? { profile, inventory } : { profile };
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

  checkImport(ovfDescriptor, request, target, packageFacts, signature, manifestPolicy) {
    const { profile, inventory } = targetOf(target);
    const p = request.placement;
    const resourcePool = p.vApp ?? p.resourcePool ?? p.cluster;
    const { plan, parseDescriptor: parseResult } = createPlan(ovfDescriptor, {
      hostProfile: profile,
      // Every placement input the inventory lacks is an error of the plan, all at once.
      ...(inventory ? { inventory } : {}),
      ...(p.datacenter !== undefined ? { datacenter: p.datacenter } : {}),
      ...(p.folder !== undefined ? { folder: p.folder } : {}),
      ...(p.host !== undefined ? { host: p.host } : {}),
      ...(resourcePool !== undefined ? { resourcePool } : {}),
      ...(p.datastore !== undefined ? { datastore: p.datastore } : {}),
      entityName: request.entityName,
      deploymentOption: request.deploymentOption,
      locale: request.locale,
      networkMapping: Object.fromEntries(request.networkMapping.map((m) => [m.key, m.value])),
      // Secret values are not known at synth: an empty value has its key checked, not its value.
      propertyMapping: [...request.propertyMapping, ...request.secretProperty.map((s) => ({ key: s.key, value: '' }))],
      ...(request.diskProvisioning !== undefined ? { diskProvisioning: request.diskProvisioning } : {}),
      ...(request.ipAllocationPolicy !== undefined ? { ipAllocationPolicy: request.ipAllocationPolicy } : {}),
      ...(request.ipProtocol !== undefined ? { ipProtocol: request.ipProtocol } : {}),
      importOption: request.acceptAllEulas ? ['acceptAllEulas'] : [],
      vocabulary: 'cdktf',
      // The files the plan lists, then their facts: no second parse for the References.
      package: 'descriptor-only',
      signature,
      ...(manifestPolicy ? { manifestPolicy } : {}),
    });
    judgePackage(plan, packageFacts(plan.package.files));
    const from = (source: PlanIssueSource, list: PlanIssue[]): OvfIssue[] => list.filter((i) => i.source === source).map(({ source: _source, ...issue }) => issue);
    const secretVar = new Map(request.secretProperty.map((s) => [s.key, s.value]));
    const { errors, warnings, eula, ...rest } = plan;
    // The verdict stays in the plan (errors, warnings, ok, each issue with its call), as every front end shows it.
    const shown: OvfImportPlan = {
      ...rest,
      errors,
      warnings,
      properties: rest.properties.map((prop) => {
        const variable = secretVar.get(prop.mappingKey ?? prop.id);
        return variable === undefined ? prop : { ...prop, value: `(from environment variable ${variable})` };
      }),
      eula: { count: eula.count, accepted: eula.accepted },
    };
    // createPlan checks against the profile of the inventory's host when it knows the host.
    const checkedAgainst = `host profile ${plan.hostProfile}${inventory ? ` and the inventory of ${inventory.datacenter.name}` : ''}`;
    return {
      against: checkedAgainst,
      hostError: from('validateHost', errors),
      hostWarning: from('validateHost', warnings),
      importError: from('createImportSpec', errors),
      importWarning: from('createImportSpec', warnings),
      planError: from('plan', errors),
      packageError: from('package', errors),
      packageWarning: from('package', warnings),
      signatureError: from('signature', errors),
      signatureWarning: from('signature', warnings),
      manifestError: from('manifest', errors),
      plan: shown,
      parseResult,
    };
  },

  exportOptions() {
    return Object.keys(EXPORT_OPTIONS);
  },
};
