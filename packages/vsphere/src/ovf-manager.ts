import type {
  DescriptorSource,
  EntityRef,
  ManagedObjectReference,
  OvfCreateDescriptorParams,
  OvfCreateDescriptorResult,
  OvfCreateImportSpecParams,
  OvfCreateImportSpecResult,
  OvfFileItem,
  OvfIssue,
  OvfManager,
  OvfOptionInfo,
  OvfParseDescriptorParams,
  OvfParseDescriptorResult,
  OvfValidateHostParams,
  OvfValidateHostResult,
} from '@ovfkit/core';
import { asUtf8Document, OvfkitError, remoteFaultCode, UsageError } from '@ovfkit/core';
import { Inventory } from './inventory';
import { isMoRef, type RawXml } from './soap/codec';
import { CreateDescriptor, CreateImportSpec, type LocalizedMethodFaultWire, ParseDescriptor, ValidateHost } from './soap/methods';
import type { VimSession } from './session';

/** CreateImportSpec's result from a live server: `importSpec` kept verbatim for ImportVApp. @see vim25 OvfCreateImportSpecResult */
export interface RemoteCreateImportSpecResult extends OvfCreateImportSpecResult<RawXml> {
  fileItem: OvfFileItem[];
  warning: OvfIssue[];
  error: OvfIssue[];
}

/** Options of a {@link VimOvfManager}. */
export interface VimOvfManagerOptions {
  /** Aborts the call in flight (the import engine's interrupt). */
  signal?: AbortSignal;
}

/**
 * `vim.OvfManager` on a live vCenter/ESXi: the same interface, calls, parameters and results as
 * the local OvfManager in @ovfkit/core, one SOAP call each, results returned untouched except
 * that each `error[]`/`warning[]` entry gains ovfkit's `code` (the vim25 fault type) and `line`.
 * An entity given as a string is an absolute inventory path or a `Type:id` MoRef.
 * @see vsphere-ovf-api.md §1
 * @example
 * const m = new VimOvfManager(session);
 * const r = await m.parseDescriptor(text, { locale: '', deploymentOption: '' });
 */
export class VimOvfManager implements OvfManager<RawXml> {
  private readonly signal: AbortSignal | undefined;

  constructor(
    readonly session: VimSession,
    options: VimOvfManagerOptions = {},
  ) {
    this.signal = options.signal;
  }

  private get ref(): ManagedObjectReference {
    const m = this.session.serviceContent.ovfManager;
    if (!m) throw new OvfkitError('VIM_PROTOCOL', 'this server has no OvfManager');
    return m;
  }

  /** A MoRef as given, or the object at an inventory path (`Type:id` taken as a MoRef). */
  private async entity(r: EntityRef, what: string, types: string[]): Promise<ManagedObjectReference> {
    return typeof r === 'string' ? new Inventory(this.session).get(r, what, types, this.signal) : r;
  }

  async parseDescriptor(ovfDescriptor: string, pdp: OvfParseDescriptorParams): Promise<OvfParseDescriptorResult> {
    const r = await this.session.client.send(new ParseDescriptor({ _this: this.ref, ovfDescriptor: asUtf8Document(ovfDescriptor), pdp }), this.signal);
    return { ...r, ...issuesOf(r) };
  }

  async validateHost(ovfDescriptor: string, host: EntityRef | undefined, vhp: OvfValidateHostParams): Promise<OvfValidateHostResult> {
    if (host === undefined) throw new UsageError('ValidateHost on a live server needs the host to check against');
    const r = await this.session.client.send(new ValidateHost({ _this: this.ref, ovfDescriptor: asUtf8Document(ovfDescriptor), host: await this.entity(host, 'host', ['HostSystem']), vhp }), this.signal);
    return { ...r, ...issuesOf(r) };
  }

  async createImportSpec(ovfDescriptor: string, resourcePool: EntityRef | undefined, datastore: EntityRef | undefined, cisp: OvfCreateImportSpecParams): Promise<RemoteCreateImportSpecResult> {
    if (resourcePool === undefined || datastore === undefined) throw new UsageError('CreateImportSpec on a live server needs the resource pool and the datastore');
    const r = await this.session.client.send(
      new CreateImportSpec({
        _this: this.ref,
        ovfDescriptor: asUtf8Document(ovfDescriptor),
        resourcePool: await this.entity(resourcePool, 'resource pool', ['ResourcePool', 'VirtualApp']),
        datastore: await this.entity(datastore, 'datastore', ['Datastore']),
        cisp,
      }),
      this.signal,
    );
    return { ...r, ...issuesOf(r) };
  }

  /** CreateDescriptor of a VM or vApp on the server; a configuration JSON is the local manager's input only. */
  async createDescriptor(obj: ManagedObjectReference | DescriptorSource, cdp: OvfCreateDescriptorParams): Promise<OvfCreateDescriptorResult> {
    if (!isMoRef(obj)) throw new UsageError('the live OvfManager describes an entity on the server: give its MoRef, not a configuration');
    const r = await this.session.client.send(new CreateDescriptor({ _this: this.ref, obj, cdp }), this.signal);
    return { ...r, ...issuesOf(r) };
  }

  /** The OvfManager's `ovfImportOption` property (since 5.1; empty on older servers). */
  async ovfImportOption(): Promise<OvfOptionInfo[]> {
    return ((await this.session.properties(this.ref, ['ovfImportOption'], this.signal))['ovfImportOption'] as OvfOptionInfo[] | undefined) ?? [];
  }

  /** The OvfManager's `ovfExportOption` property (since 5.1; empty on older servers). */
  async ovfExportOption(): Promise<OvfOptionInfo[]> {
    return ((await this.session.properties(this.ref, ['ovfExportOption'], this.signal))['ovfExportOption'] as OvfOptionInfo[] | undefined) ?? [];
  }
}

/** Gives each wire LocalizedMethodFault the OvfIssue extras: a stable code (the fault type) and the line. */
export function toIssue(f: LocalizedMethodFaultWire): OvfIssue {
  const type = f.fault._typeName ?? 'MethodFault';
  const line = typeof f.fault['lineNumber'] === 'number' && f.fault['lineNumber'] > 0 ? f.fault['lineNumber'] : undefined;
  return {
    fault: f.fault as unknown as OvfIssue['fault'],
    localizedMessage: f.localizedMessage ?? type,
    code: remoteFaultCode(type),
    ...(line !== undefined ? { line } : {}),
  };
}

function issuesOf(r: { error?: unknown[]; warning?: unknown[] }): { error: OvfIssue[]; warning: OvfIssue[] } {
  return { error: ((r.error ?? []) as LocalizedMethodFaultWire[]).map(toIssue), warning: ((r.warning ?? []) as LocalizedMethodFaultWire[]).map(toIssue) };
}
