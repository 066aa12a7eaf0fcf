/**
 * The plan: the one object every front end shows before an import (Pulumi preview, Terraform
 * plan, `ovfkit plan`): descriptor digest, deployment option, entity names, per-VM hardware,
 * network mapping, properties (passwords redacted), disks with provisioning and sizes, files to
 * transfer, EULAs, the package's files (present, at their declared sizes), and the errors and
 * warnings of ParseDescriptor, ValidateHost, CreateImportSpec and the package check. Computed
 * with one parse and one analysis.
 * @see ARCHITECTURE.md "The IaC resources"
 */
import type { DescriptorCache } from '../descriptor-cache';
import type { OvfIssue } from '../faults';
import { resolveHostProfile, type HostProfile } from '../hostprofiles';
import { builtinHostProfile } from '../hostprofiles/builtin';
import type { DiskProvisioningType } from '../hostprofiles/types';
import { inventoryLookup, networkMoRefType, resolveInventoryPlacement, type InventoryPlacement, type InventoryHost, type InventorySnapshot } from '../inventory';
import { analyze, createImportSpecResult, validateHostResult, type DiskSummary, type NicSummary, type PropertySummary, type VmSummary } from '../ovfmanager/create-import-spec';
import { REDACTED } from '../importspec/issues';
import type { ImportSpec, OvfCreateImportSpecResult } from '../importspec/types';
import { parseDescriptorResult, resolveOrReport } from '../parse-descriptor';
import { applyPropertyMapping, resolveChoice } from '../resolve';

export { descriptorDigest } from '../resolve';
import type { KeyValue, ManagedObjectReference, OvfCreateImportSpecParams, OvfFileItem, OvfNetworkMapping, OvfParseDescriptorResult, OvfValidateHostResult } from '../vim25';
import { deploymentOptionFix, eulaNotAccepted, resolvePropertyMapping, type PlanVocabulary } from './verdict';

export { eulaNotAccepted, resolvePropertyMapping, type PlanVocabulary, type ResolvedPropertyMapping } from './verdict';
import { checkPackage, declaredPackageFiles, type PlanPackage, type PlanPackageInput } from './package';

export * from './package';
import { manifestVerdict, signatureVerdict, type ManifestPolicy, type PlanSignature, type PlanSignatureOptions } from './signature';

export * from './signature';
export * from './stored';
export * from './library-filter';

/** The form of {@link descriptorDigest}: `sha256:` and 64 lowercase hex digits. */
export const DESCRIPTOR_DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** The format tag of a plan. */
export const PLAN_FORMAT = 'ovfkit.plan/1';

/**
 * Which OvfManager call reported an issue, `plan` for what the plan refuses although vSphere would
 * go ahead, `package` for the package check ({@link checkPackage}), `signature` for the package's signature,
 * `manifest` for what the manifest policy demands of the package ({@link manifestVerdict}).
 */
export type PlanIssueSource = 'parseDescriptor' | 'validateHost' | 'createImportSpec' | 'plan' | 'package' | 'signature' | 'manifest' | 'libraryFilter';

/** An issue in the plan: the OvfManager entry plus the call that reported it. */
export type PlanIssue = OvfIssue & { source: PlanIssueSource };

/** Inputs of a plan: the CreateImportSpec parameters in flat form, and where to check. */
export interface PlanOptions {
  /** Host profile or built-in name. @default the newest built-in */
  hostProfile?: HostProfile | string;
  inventory?: InventorySnapshot;
  /**
   * With an inventory: a host of the inventory is checked against its own `profile` (true), or
   * against `hostProfile` whatever the inventory says (false: the live import, whose host
   * profile option says what the local checks assume). @default true
   */
  hostProfileFromInventory?: boolean;
  /**
   * With an inventory: a resource pool and a datastore must be determined (named, or the only
   * one there is), as an import needs them; else a PLACEMENT_REQUIRED error. @default false
   */
  requirePlacement?: boolean;
  /** Datacenter (name or path); with an inventory, it must be the inventory's. */
  datacenter?: string;
  /** VM folder (moref / inventory path / name). */
  folder?: string;
  /** Target host (moref / inventory path / name). */
  host?: string;
  /** Resource pool or vApp (moref / inventory path / name; a cluster or host stands for its root pool). */
  resourcePool?: string;
  /** Datastore (moref / inventory path / name). */
  datastore?: string;
  /** @default "" = the product name or top-level ovf:id */
  entityName?: string;
  /** @default "" = the descriptor's default configuration */
  deploymentOption?: string;
  locale?: string;
  /** OVF network name → vSphere network (moref, inventory path or name). */
  networkMapping?: Record<string, string> | OvfNetworkMapping[];
  /** Property id → value. Password values never appear in the plan. */
  propertyMapping?: Record<string, string> | KeyValue[];
  diskProvisioning?: string;
  ipAllocationPolicy?: string;
  ipProtocol?: string;
  importOption?: string[];
  /** Whose words the fixes of the plan's own rules use. @default 'api' */
  vocabulary?: PlanVocabulary;
  /**
   * The package around the descriptor, as @ovfkit/package found it (`packageFacts`), or
   * `descriptor-only` when the user chose to plan the descriptor alone. Every front end passes
   * the facts: a referenced file missing or short is then a plan error.
   * @default 'descriptor-only': bytes alone are a descriptor, and the plan says so
   */
  package?: PlanPackageInput;
  /** The package's signature facts (from @ovfkit/package) and the policy they are judged under. @default no facts, policy 'verify' */
  signature?: PlanSignatureOptions;
  /**
   * The manifest policy the import will use, judged against `signature.facts` (the `.mf` is read
   * with the `.cert`): `require` refuses a package without a manifest; unless `skip`, the
   * descriptor must be listed in it with its digest. A front end reads the facts unless both the
   * signature policy is `ignore` and this is `skip`.
   * @default 'verify-if-present' (the import's)
   */
  manifestPolicy?: ManifestPolicy;
  /** Keeps the read descriptor by digest for the next plan of the same bytes (a long-lived front end's). @default none: read here */
  descriptorCache?: DescriptorCache;
  /**
   * With a {@link descriptorCache}: {@link descriptorDigest} of exactly these bytes, when the caller
   * already took it (a front end reading through @ovfkit/package has the source's), so that a kept
   * descriptor is found without hashing the bytes again. It must be core's digest of these very
   * bytes: the cache is keyed on it. @default hashed here
   */
  descriptorDigest?: string;
}

/** The plan. Stable key order and content for a given input, so diffs are meaningful. */
export interface OvfPlan {
  format: typeof PLAN_FORMAT;
  /** `sha256:<hex>` of the descriptor bytes: a changed digest means a new import. */
  descriptorDigest: string;
  /**
   * `sha256:<hex>` of the descriptor text a live import sends (UTF-8 of core's decoding of those
   * bytes, its XML declaration saying UTF-8): what vSphere's CreateImportSpec receives. Equal to
   * `descriptorDigest` for a UTF-8 descriptor without BOM whose declaration says UTF-8 or nothing.
   */
  descriptorTextDigest: string;
  hostProfile: string;
  /** Datacenter of the inventory snapshot checked against, if any. */
  inventory?: string;
  target: { host?: string; resourcePool?: string; datastore?: string };
  virtualApp: boolean;
  entityName: string;
  /** Every entity: top-level first, then children (`vapp/vm1`). */
  entities: { name: string; path: string; kind: 'VirtualMachine' | 'VirtualApp' }[];
  deploymentOption: { key: string; label?: string; default: boolean; available: string[] };
  diskProvisioning: DiskProvisioningType;
  vms: VmSummary[];
  networks: NicSummary[];
  properties: PropertySummary[];
  disks: DiskSummary[];
  files: OvfFileItem[];
  /** The package: its form and each referenced file, declared and found. */
  package: PlanPackage;
  sizes: { downloadBytes: number; flatDeploymentBytes: number; sparseDeploymentBytes: number };
  eula: { count: number; accepted: boolean; texts: string[] };
  /** Who signed the package and whether the signature holds, under the policy. */
  signature: PlanSignature;
  errors: PlanIssue[];
  warnings: PlanIssue[];
  /** True when no call reported an error: the import can proceed. */
  ok: boolean;
}

/** The plan and the vim25 results it was made from. */
export interface PlanWithResults {
  plan: OvfPlan;
  /**
   * The CreateImportSpec parameters the plan checked, propertyMapping keys resolved to full ids
   * (values included: never show it): what a live import sends.
   */
  cisp: OvfCreateImportSpecParams;
  parseDescriptor: OvfParseDescriptorResult;
  validateHost: OvfValidateHostResult;
  createImportSpec: OvfCreateImportSpecResult;
  /** The descriptor text a live import sends to CreateImportSpec, of digest `plan.descriptorTextDigest`: the one decoding of the planned bytes. */
  descriptorText: string;
  /** With an inventory: the objects placement resolved to (what an import sends), and the network mapping by moref. */
  placement?: Omit<InventoryPlacement, 'issues'> & { networkMapping: OvfNetworkMapping[] };
}

function toMapping(m: PlanOptions['networkMapping'], inv: InventorySnapshot | undefined): OvfNetworkMapping[] {
  if (!m) return [];
  if (Array.isArray(m)) return m;
  return Object.entries(m).map(([name, net]) => {
    const n = inv ? inventoryLookup.network(inv, net) : undefined;
    return { name, network: { type: n ? networkMoRefType(n) : 'Network', value: n?.moref ?? net } };
  });
}

function toKeyValues(m: PlanOptions['propertyMapping']): KeyValue[] {
  if (!m) return [];
  return Array.isArray(m) ? m : Object.entries(m).map(([key, value]) => ({ key, value }));
}

function tag(source: PlanIssueSource, list: readonly OvfIssue[] | undefined): PlanIssue[] {
  return (list ?? []).map((i) => ({ ...i, source }));
}

function entitiesOf(spec: ImportSpec | undefined, path: string[], out: OvfPlan['entities']): void {
  if (!spec) return;
  if (spec._typeName === 'VirtualAppImportSpec') {
    out.push({ name: spec.name, path: [...path, spec.name].join('/'), kind: 'VirtualApp' });
    for (const c of spec.child ?? []) entitiesOf(c, [...path, spec.name], out);
  } else out.push({ name: spec.configSpec.name, path: [...path, spec.configSpec.name].join('/'), kind: 'VirtualMachine' });
}

/**
 * Computes the plan of importing a descriptor: ParseDescriptor + ValidateHost +
 * CreateImportSpec, once each, over one parse. Never throws for a bad descriptor or placement:
 * with an inventory, every datacenter, folder, host, pool, datastore and network it cannot
 * resolve is an error of the plan, all at once.
 * @example
 * const { plan } = createPlan(text, { hostProfile: 'esxi-8.0', networkMapping: { 'VM Network': 'prod-pg' } });
 * if (!plan.ok) for (const e of plan.errors) console.error(e.localizedMessage);
 */
export function createPlan(ovfDescriptor: string | Uint8Array, options: PlanOptions = {}): PlanWithResults {
  const inv = options.inventory;
  const placed: InventoryPlacement = inv
    ? resolveInventoryPlacement(
        inv,
        {
          ...(options.datacenter !== undefined ? { datacenter: options.datacenter } : {}),
          ...(options.folder !== undefined ? { folder: options.folder } : {}),
          ...(options.host !== undefined ? { host: options.host } : {}),
          ...(options.resourcePool !== undefined ? { resourcePool: options.resourcePool } : {}),
          ...(options.datastore !== undefined ? { datastore: options.datastore } : {}),
        },
        { complete: options.requirePlacement === true },
      )
    : { issues: [] };
  const pool = placed.resourcePool;
  const datastore = placed.datastore;
  // The host checked: the one given, else the pool's first.
  let host: InventoryHost | undefined = placed.host;
  if (!host && pool && inv && pool.hosts[0] !== undefined && options.host === undefined) host = inv.hosts.find((h) => h.moref === pool.hosts[0] || h.name === pool.hosts[0]);
  const baseProfile = typeof options.hostProfile === 'object' ? options.hostProfile : resolveHostProfile(options.hostProfile);
  const profile = host && options.hostProfileFromInventory !== false ? (builtinHostProfile(host.profile) ?? baseProfile) : baseProfile;

  const cisp: OvfCreateImportSpecParams = {
    locale: options.locale ?? '',
    deploymentOption: options.deploymentOption ?? '',
    entityName: options.entityName ?? '',
  };
  const nm = toMapping(options.networkMapping, inv);
  if (nm.length) cisp.networkMapping = nm;
  const pm = toKeyValues(options.propertyMapping);
  if (options.diskProvisioning) cisp.diskProvisioning = options.diskProvisioning;
  if (options.ipAllocationPolicy) cisp.ipAllocationPolicy = options.ipAllocationPolicy;
  if (options.ipProtocol) cisp.ipProtocol = options.ipProtocol;
  if (options.importOption?.length) cisp.importOption = options.importOption;

  const resolved = resolveOrReport(ovfDescriptor, { ...resolveChoice(cisp), ...(options.descriptorCache ? { cache: options.descriptorCache, ...(options.descriptorDigest ? { digest: options.descriptorDigest } : {}) } : {}) });
  const parsed = parseDescriptorResult(resolved);
  const signed = signatureVerdict(options.signature, resolved.digest, options.vocabulary);
  const pr = parsed.result;
  // vSphere sets a property only by its full id: each key is resolved to one first.
  const keys = parsed.envelope ? resolvePropertyMapping(resolved.declaredProperties, pm, options.vocabulary) : { propertyMapping: pm, bareKeys: new Map<string, string>(), errors: [] };
  if (keys.propertyMapping.length) cisp.propertyMapping = keys.propertyMapping;
  // The same resolution, now with the full-id values: what CreateImportSpec and the plan show.
  applyPropertyMapping(resolved, keys.propertyMapping);
  const plan: OvfPlan = {
    format: PLAN_FORMAT,
    descriptorDigest: resolved.digest,
    descriptorTextDigest: resolved.textDigest,
    hostProfile: profile.name,
    target: {},
    virtualApp: pr.virtualApp,
    entityName: cisp.entityName || pr.defaultEntityName,
    entities: [],
    deploymentOption: { key: resolved.configuration.id, default: resolved.configuration.id === resolved.configuration.defaultId, available: resolved.configuration.available },
    diskProvisioning: 'thick',
    vms: [],
    networks: [],
    properties: [],
    disks: [],
    files: [],
    package: { form: 'descriptor-only', files: [] }, // set below
    sizes: { downloadBytes: pr.approximateDownloadSize ?? 0, flatDeploymentBytes: pr.approximateFlatDeploymentSize ?? 0, sparseDeploymentBytes: pr.approximateSparseDeploymentSize ?? 0 },
    eula: { count: resolved.eulas.length, accepted: options.importOption?.includes('acceptAllEulas') ?? false, texts: resolved.eulas.map((e) => e.text) },
    signature: signed.signature,
    errors: [...tag('parseDescriptor', pr.error), ...tag('validateHost', placed.issues)],
    warnings: tag('parseDescriptor', pr.warning),
    ok: false,
  };
  if (inv) plan.inventory = inv.datacenter.name;
  if (host) plan.target.host = host.name;
  if (pool) plan.target.resourcePool = pool.path ?? pool.name;
  else if (options.resourcePool) plan.target.resourcePool = options.resourcePool;
  if (datastore) plan.target.datastore = datastore.name;
  else if (options.datastore) plan.target.datastore = options.datastore;
  const { issues: _placementIssues, ...where } = placed;
  const placement: PlanWithResults['placement'] = inv ? { ...where, networkMapping: nm.filter((m) => inv.networks.some((n) => n.moref === m.network.value)) } : undefined;

  const validateHost: OvfValidateHostResult = {};
  const createImportSpec: OvfCreateImportSpecResult = {};
  if (parsed.envelope?.content) {
    const a = analyze({
      resolved,
      profile,
      inventory: inv,
      host,
      datastore,
      datastoreName: datastore?.name ?? options.datastore ?? '',
      resourcePool: pool ? { type: pool.type === 'vApp' ? 'VirtualApp' : 'ResourcePool', value: pool.moref } : undefined,
      cisp,
      vocabulary: options.vocabulary,
    });
    // Both still empty here: the results take the analysis' fields in their usual order.
    Object.assign(validateHost, validateHostResult(a));
    Object.assign(createImportSpec, createImportSpecResult(a, pr.error));

    if (resolved.configuration.label) plan.deploymentOption.label = resolved.configuration.label;
    plan.entityName = a.entityName;
    plan.diskProvisioning = a.provisioning;
    plan.vms = a.vms;
    plan.networks = a.nics;
    plan.properties = a.properties;
    plan.disks = a.disks;
    plan.files = a.fileItem;
    plan.sizes = { downloadBytes: a.downloadSize, flatDeploymentBytes: a.flatDeploymentSize, sparseDeploymentBytes: a.sparseDeploymentSize };
    for (const p of plan.properties) {
      const key = keys.bareKeys.get(p.id);
      if (key !== undefined && p.source === 'propertyMapping') p.mappingKey = key;
    }
    entitiesOf(a.importSpec, [], plan.entities);
    // ParseDescriptor and CreateImportSpec both refuse an unknown deployment option: the plan says it once.
    const asked = pr.error?.some((i) => i.code === 'UNKNOWN_DEPLOYMENT_OPTION') ?? false;
    plan.errors.push(...tag('validateHost', a.hostError), ...tag('createImportSpec', a.importError.filter((i) => !(asked && i.code === 'UNKNOWN_DEPLOYMENT_OPTION'))));
    // A EULA not accepted, which CreateImportSpec warns about, is the plan's error below.
    plan.warnings.push(...tag('validateHost', a.hostWarning), ...tag('createImportSpec', a.importWarning.filter((i) => i.code !== 'EULA_NOT_ACCEPTED')));
  } else {
    validateHost.error = pr.error ?? [];
    createImportSpec.error = pr.error ?? [];
  }
  for (const i of plan.errors) if (i.code === 'UNKNOWN_DEPLOYMENT_OPTION') i.fix = deploymentOptionFix(plan.deploymentOption.available, options.vocabulary);
  plan.errors.push(...tag('plan', keys.errors));
  if (plan.eula.count > 0 && !plan.eula.accepted) plan.errors.push(...tag('plan', [eulaNotAccepted(plan.eula.count, options.vocabulary)]));
  plan.errors.push(...tag('signature', signed.errors));
  plan.warnings.push(...tag('signature', signed.warnings));
  plan.errors.push(...tag('manifest', manifestVerdict({ facts: options.signature?.facts, policy: options.manifestPolicy, signaturePolicy: options.signature?.policy }, resolved.digest, options.vocabulary)));
  // After the OvfManager calls: the package is judged against the References of the one parse
  // (none when the descriptor could not be read).
  plan.package.files = declaredPackageFiles(parsed.envelope?.references?.file ?? []);
  judgePackage(plan, options.package);
  // A secret never leaves through the plan. It is redacted by field where each issue is built
  // (CreateImportSpec puts REDACTED in the value of a password property's issue, and no message
  // quotes a mapped value), never by searching messages for its text: that mangled every message
  // containing a short password's letters and showed an observer where they were (issue 12 item 9).
  const secretKeys = new Set(plan.properties.filter((p) => p.password).map((p) => p.id));
  for (const i of [...plan.errors, ...plan.warnings]) {
    if (i.value !== undefined && i.value !== '' && keys.propertyMapping.some((kv) => secretKeys.has(kv.key) && kv.value === i.value)) i.value = REDACTED;
  }
  return { plan, cisp, parseDescriptor: pr, validateHost, createImportSpec, descriptorText: resolved.vimText, ...(placement ? { placement } : {}) };
}

/**
 * Judges the package of a plan (again) from its facts: replaces the plan's package part and its
 * package issues, and sets `ok`. What `createPlan` does with `PlanOptions.package`; for a caller
 * that gathers the facts from the plan's own `package.files` (the import engine: one parse).
 * @example judgePackage(planned.plan, await packageFacts(source, descriptor.name, planned.plan.package.files))
 */
export function judgePackage(plan: OvfPlan, input: PlanPackageInput | undefined): OvfPlan {
  const pkg = checkPackage(plan.package.files, input);
  plan.package = pkg.plan;
  plan.errors = [...plan.errors.filter((i) => i.source !== 'package'), ...tag('package', pkg.error)];
  plan.warnings = [...plan.warnings.filter((i) => i.source !== 'package'), ...tag('package', pkg.warning)];
  plan.ok = plan.errors.length === 0;
  return plan;
}
