/**
 * The `vim.OvfManager` interface, and `LocalOvfManager`: all of it running offline against a
 * host profile and an optional inventory snapshot, so a preview can say "this OVF will not run
 * on your hosts" without a vCenter. The remote implementation (packages/vsphere) has the same
 * shape. Results never throw for a bad descriptor: problems are `error[]` / `warning[]`.
 * @see vim25 OvfManager, ARCHITECTURE.md "One interface, two backends", vsphere-ovf-api.md §1, §11
 */
import { UsageError } from '../errors';
import type { OvfIssue } from '../faults';
import { createDescriptorFromConfig, EXPORT_OPTIONS, type CreateDescriptorOptions, type DescriptorSource } from './create-descriptor';
import { resolveHostProfile, type HostProfile } from '../hostprofiles';
import { builtinHostProfile } from '../hostprofiles/builtin';
import { inventoryLookup, type InventoryDatastore, type InventoryHost, type InventorySnapshot } from '../inventory';
import { analyze, createImportSpecResult, validateHostResult, type Analysis } from './create-import-spec';
import { issue } from '../importspec/issues';
import type { ImportSpec, OvfCreateImportSpecResult } from '../importspec/types';
import { parseDescriptorResult, parseDescriptorWithModel, resolveOrReport, type ParsedDescriptor } from '../parse-descriptor';
import { resolveChoice } from '../resolve';
import type {
  ManagedObjectReference,
  OvfCreateDescriptorParams,
  OvfCreateDescriptorResult,
  OvfCreateImportSpecParams,
  OvfOptionInfo,
  OvfParseDescriptorParams,
  OvfParseDescriptorResult,
  OvfValidateHostParams,
  OvfValidateHostResult,
} from '../vim25';

/** A managed object as the local manager accepts it: a moref, or a name / moref value / inventory path. */
export type EntityRef = ManagedObjectReference | string;

/**
 * The vSphere OvfManager, call for call. `createDescriptor` takes the entity to describe: a moref
 * for the remote manager, its configuration JSON for the local one. `S` is the backend's form of
 * the ImportSpec (the remote one keeps the server's XML for ImportVApp).
 * @see vim25 OvfManager
 */
export interface OvfManager<S = ImportSpec> {
  parseDescriptor(ovfDescriptor: string, pdp: OvfParseDescriptorParams): Promise<OvfParseDescriptorResult>;
  validateHost(ovfDescriptor: string, host: EntityRef | undefined, vhp: OvfValidateHostParams): Promise<OvfValidateHostResult>;
  createImportSpec(ovfDescriptor: string, resourcePool: EntityRef | undefined, datastore: EntityRef | undefined, cisp: OvfCreateImportSpecParams): Promise<OvfCreateImportSpecResult<S>>;
  createDescriptor(obj: ManagedObjectReference | DescriptorSource, cdp: OvfCreateDescriptorParams): Promise<OvfCreateDescriptorResult>;
  /** @see vim25 OvfManager.ovfImportOption */
  ovfImportOption(): Promise<OvfOptionInfo[]>;
  /** @see vim25 OvfManager.ovfExportOption */
  ovfExportOption(): Promise<OvfOptionInfo[]>;
}

/** Import option keywords the local manager understands. */
export const IMPORT_OPTIONS = {
  acceptAllEulas: 'The caller has shown and accepted every EULA of the package (without it CreateImportSpec warns EULA_NOT_ACCEPTED)',
  allowAllExtraConfig: 'Keep vmw:ExtraConfig keys that would override the VM configuration (numvcpus, memsize, ethernetN.*…); by default they are dropped with a warning',
} as const;

function optionInfo(table: Record<string, string>, prefix: string): OvfOptionInfo[] {
  return Object.entries(table).map(([option, message]) => ({ option, description: { key: `${prefix}.${option}`, message } }));
}

export interface LocalOvfManagerOptions {
  /** A profile, a built-in name (`esxi-8.0u2`, `esxi-8.0`). @default the newest built-in */
  hostProfile?: HostProfile | string;
  /** The site's inventory; without it networks, datastores and pools are taken on trust. */
  inventory?: InventorySnapshot;
  /** Configurations of entities `createDescriptor` can be asked about by moref value. */
  entities?: Record<string, DescriptorSource>;
  /** Write OVF 2.0 from createDescriptor. @default false */
  ovf2?: boolean;
}

const NO_PARAMS: OvfParseDescriptorParams = { locale: '', deploymentOption: '' };

function refValue(r: EntityRef | undefined): string | undefined {
  return r === undefined ? undefined : typeof r === 'string' ? r : r.value;
}

/**
 * The whole OvfManager, offline. Host checks use the host profile (or, when the inventory knows
 * the host, that host's profile); networks, datastores and pools are looked up in the inventory.
 * @example
 * const m = new LocalOvfManager({ hostProfile: 'esxi-7.0u3', inventory });
 * const r = await m.createImportSpec(text, 'Resources', 'datastore1', { locale: '', deploymentOption: '', entityName: 'web01' });
 */
export class LocalOvfManager implements OvfManager {
  readonly profile: HostProfile;
  readonly inventory: InventorySnapshot | undefined;
  private readonly entities: Record<string, DescriptorSource>;
  private readonly ovf2: boolean;

  constructor(options: LocalOvfManagerOptions = {}) {
    this.profile = typeof options.hostProfile === 'object' ? options.hostProfile : resolveHostProfile(options.hostProfile);
    this.inventory = options.inventory;
    this.entities = options.entities ?? {};
    this.ovf2 = options.ovf2 === true;
  }

  async parseDescriptor(ovfDescriptor: string, pdp: OvfParseDescriptorParams = NO_PARAMS): Promise<OvfParseDescriptorResult> {
    return parseDescriptorWithModel(ovfDescriptor, pdp).result;
  }

  /** The profile of a host of the inventory, else the manager's profile. */
  private profileFor(host: InventoryHost | undefined): HostProfile {
    if (!host) return this.profile;
    return builtinHostProfile(host.profile) ?? this.profile;
  }

  private host(ref: EntityRef | undefined): InventoryHost | undefined {
    const v = refValue(ref);
    if (v === undefined || !this.inventory) return undefined;
    const h = inventoryLookup.host(this.inventory, v);
    if (!h) throw new UsageError(`host ${JSON.stringify(v)} is not in the inventory snapshot; hosts: ${this.inventory.hosts.map((x) => x.name).join(', ') || 'none'}`);
    return h;
  }

  private datastore(ref: EntityRef | undefined): { ds?: InventoryDatastore; name: string } {
    const v = refValue(ref);
    if (v === undefined) return { name: '' };
    if (!this.inventory) return { name: v };
    const ds = inventoryLookup.datastore(this.inventory, v);
    if (!ds) throw new UsageError(`datastore ${JSON.stringify(v)} is not in the inventory snapshot; datastores: ${this.inventory.datastores.map((x) => x.name).join(', ') || 'none'}`);
    return { ds, name: ds.name };
  }

  /** Parses once and runs the shared analysis. */
  private run(ovfDescriptor: string, common: OvfManagerCommonParamsLike, pick: { host?: InventoryHost | undefined; datastore?: InventoryDatastore | undefined; datastoreName: string; resourcePool?: ManagedObjectReference | undefined }): { parsed: ParsedDescriptor; analysis?: Analysis } {
    const cisp: OvfCreateImportSpecParams = { entityName: '', ...common };
    const parsed = parseDescriptorResult(resolveOrReport(ovfDescriptor, resolveChoice(cisp)));
    if (!parsed.envelope || !parsed.envelope.content) return { parsed };
    const analysis = analyze({
      resolved: parsed.resolved,
      profile: this.profileFor(pick.host),
      inventory: this.inventory,
      host: pick.host,
      datastore: pick.datastore,
      datastoreName: pick.datastoreName,
      resourcePool: pick.resourcePool,
      cisp,
    });
    return { parsed, analysis };
  }

  /**
   * ValidateHost: can this host run the package — hardware version, device subtypes, CPU and
   * memory maxima, guest id, firmware, datastore space (with an inventory).
   * @see vim25 OvfManager.ValidateHost
   */
  async validateHost(ovfDescriptor: string, host: EntityRef | undefined, vhp: OvfValidateHostParams = NO_PARAMS): Promise<OvfValidateHostResult> {
    const h = this.host(host);
    const { parsed, analysis } = this.run(ovfDescriptor, vhp, { host: h, datastoreName: '' });
    if (!analysis) return { error: unusable(parsed) };
    return validateHostResult(analysis);
  }

  /**
   * CreateImportSpec: the ImportSpec tree and files to upload, with every mapping checked.
   * `importSpec` is absent when `error` is non-empty, as in vSphere.
   * @see vim25 OvfManager.CreateImportSpec
   */
  async createImportSpec(ovfDescriptor: string, resourcePool: EntityRef | undefined, datastore: EntityRef | undefined, cisp: OvfCreateImportSpecParams): Promise<OvfCreateImportSpecResult> {
    return this.createImportSpecWithAnalysis(ovfDescriptor, resourcePool, datastore, cisp).result;
  }

  /** {@link createImportSpec}, also returning the analysis behind it (for the plan). */
  createImportSpecWithAnalysis(ovfDescriptor: string, resourcePool: EntityRef | undefined, datastore: EntityRef | undefined, cisp: OvfCreateImportSpecParams): { result: OvfCreateImportSpecResult; analysis?: Analysis; parsed: ParsedDescriptor } {
    const inv = this.inventory;
    let pool: ManagedObjectReference | undefined;
    let host = this.host(cisp.hostSystem);
    const poolRef = refValue(resourcePool);
    if (poolRef !== undefined && inv) {
      const rp = inventoryLookup.resourcePool(inv, poolRef);
      if (!rp) throw new UsageError(`resource pool ${JSON.stringify(poolRef)} is not in the inventory snapshot; pools: ${inv.resourcePools.map((x) => x.path ?? x.name).join(', ') || 'none'}`);
      pool = { type: rp.type === 'vApp' ? 'VirtualApp' : 'ResourcePool', value: rp.moref };
      if (!host && rp.hosts[0] !== undefined) host = inventoryLookup.host(inv, rp.hosts[0]);
    } else if (typeof resourcePool === 'object') pool = resourcePool;
    const ds = this.datastore(datastore);
    const { parsed, analysis } = this.run(ovfDescriptor, cisp, { host, datastore: ds.ds, datastoreName: ds.name, resourcePool: pool });
    if (!analysis) return { result: { error: unusable(parsed) }, parsed };
    return { result: createImportSpecResult(analysis, parsed.result.error), analysis, parsed };
  }

  /**
   * CreateDescriptor: an OVF descriptor for a VM or vApp configuration. Without
   * `cdp.ovfFiles` it is a dry run with default file names.
   * @see vim25 OvfManager.CreateDescriptor
   */
  async createDescriptor(obj: ManagedObjectReference | DescriptorSource, cdp: OvfCreateDescriptorParams, options: CreateDescriptorOptions = {}): Promise<OvfCreateDescriptorResult> {
    let src: DescriptorSource | undefined;
    if ('hardware' in obj || ('_typeName' in obj && obj._typeName === 'VirtualApp')) src = obj as DescriptorSource;
    else {
      const ref = obj as ManagedObjectReference;
      src = this.entities[ref.value];
      if (!src) throw new UsageError(`no configuration for ${ref.type} ${JSON.stringify(ref.value)}: give the VM configuration JSON`);
    }
    return createDescriptorFromConfig(src, cdp, { ovf2: options.ovf2 ?? this.ovf2 });
  }

  async ovfImportOption(): Promise<OvfOptionInfo[]> {
    return optionInfo(IMPORT_OPTIONS, 'com.ovfkit.import');
  }

  async ovfExportOption(): Promise<OvfOptionInfo[]> {
    return optionInfo(EXPORT_OPTIONS, 'com.ovfkit.export');
  }
}

type OvfManagerCommonParamsLike = OvfValidateHostParams;

/** The parse errors, or one saying the descriptor has nothing to import. */
function unusable(parsed: ParsedDescriptor): OvfIssue[] {
  const errors = parsed.result.error ?? [];
  if (errors.length) return errors;
  return [issue('DESCRIPTOR_UNUSABLE', { _typeName: 'OvfMissingElement', lineNumber: 0, name: 'VirtualSystem' }, 'The descriptor has no VirtualSystem or VirtualSystemCollection to import', { fix: 'fix the descriptor (see ovfkit parse)' })];
}
