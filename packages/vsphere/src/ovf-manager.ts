import type {
  ManagedObjectReference,
  OvfCreateDescriptorParams,
  OvfCreateDescriptorResult,
  OvfCreateImportSpecParams,
  OvfFileItem,
  OvfIssue,
  OvfOptionInfo,
  OvfParseDescriptorParams,
  OvfParseDescriptorResult,
  OvfValidateHostParams,
  OvfValidateHostResult,
} from '@ovfkit/core';
import { OvfkitError } from '@ovfkit/core';
import type { RawXml } from './soap/codec';
import { CreateDescriptor, CreateImportSpec, type LocalizedMethodFaultWire, ParseDescriptor, ValidateHost } from './soap/methods';
import type { VimSession } from './session';

/** CreateImportSpec's result from a live server: `importSpec` kept verbatim for ImportVApp. @see vim25 OvfCreateImportSpecResult */
export interface RemoteCreateImportSpecResult {
  importSpec?: RawXml;
  fileItem: OvfFileItem[];
  warning: OvfIssue[];
  error: OvfIssue[];
}

/**
 * `vim.OvfManager` on a live vCenter/ESXi: the same calls, parameters and results as the local
 * OvfManager in @ovfkit/core, one SOAP call each, results returned untouched except that each
 * `error[]`/`warning[]` entry gains ovfkit's `code` (the vim25 fault type) and `line`.
 * @see vsphere-ovf-api.md §1
 * @example
 * const m = new VimOvfManager(session);
 * const r = await m.parseDescriptor(text, { locale: '', deploymentOption: '' });
 */
export class VimOvfManager {
  constructor(readonly session: VimSession) {}

  private get ref(): ManagedObjectReference {
    const m = this.session.serviceContent.ovfManager;
    if (!m) throw new OvfkitError('VIM_PROTOCOL', 'this server has no OvfManager');
    return m;
  }

  async parseDescriptor(ovfDescriptor: string, pdp: OvfParseDescriptorParams): Promise<OvfParseDescriptorResult> {
    const r = await this.session.client.send(new ParseDescriptor({ _this: this.ref, ovfDescriptor, pdp }));
    return { ...r, ...issuesOf(r) };
  }

  async validateHost(ovfDescriptor: string, host: ManagedObjectReference, vhp: OvfValidateHostParams): Promise<OvfValidateHostResult> {
    const r = await this.session.client.send(new ValidateHost({ _this: this.ref, ovfDescriptor, host, vhp }));
    return { ...r, ...issuesOf(r) };
  }

  async createImportSpec(ovfDescriptor: string, resourcePool: ManagedObjectReference, datastore: ManagedObjectReference, cisp: OvfCreateImportSpecParams): Promise<RemoteCreateImportSpecResult> {
    const r = await this.session.client.send(new CreateImportSpec({ _this: this.ref, ovfDescriptor, resourcePool, datastore, cisp }));
    return { ...r, ...issuesOf(r) };
  }

  async createDescriptor(obj: ManagedObjectReference, cdp: OvfCreateDescriptorParams): Promise<OvfCreateDescriptorResult> {
    const r = await this.session.client.send(new CreateDescriptor({ _this: this.ref, obj, cdp }));
    return { ...r, ...issuesOf(r) };
  }

  /** The OvfManager's `ovfImportOption` property (since 5.1; empty on older servers). */
  async ovfImportOption(): Promise<OvfOptionInfo[]> {
    return ((await this.session.properties(this.ref, ['ovfImportOption']))['ovfImportOption'] as OvfOptionInfo[] | undefined) ?? [];
  }

  /** The OvfManager's `ovfExportOption` property (since 5.1; empty on older servers). */
  async ovfExportOption(): Promise<OvfOptionInfo[]> {
    return ((await this.session.properties(this.ref, ['ovfExportOption']))['ovfExportOption'] as OvfOptionInfo[] | undefined) ?? [];
  }
}

/** Gives each wire LocalizedMethodFault the OvfIssue extras: a stable code (the fault type) and the line. */
export function toIssue(f: LocalizedMethodFaultWire): OvfIssue {
  const type = f.fault._typeName ?? 'MethodFault';
  const line = typeof f.fault['lineNumber'] === 'number' && f.fault['lineNumber'] > 0 ? f.fault['lineNumber'] : undefined;
  return {
    fault: f.fault as unknown as OvfIssue['fault'],
    localizedMessage: f.localizedMessage ?? type,
    code: type,
    ...(line !== undefined ? { line } : {}),
  };
}

function issuesOf(r: { error?: unknown[]; warning?: unknown[] }): { error: OvfIssue[]; warning: OvfIssue[] } {
  return { error: ((r.error ?? []) as LocalizedMethodFaultWire[]).map(toIssue), warning: ((r.warning ?? []) as LocalizedMethodFaultWire[]).map(toIssue) };
}
