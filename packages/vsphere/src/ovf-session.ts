/**
 * One object per vSphere connection with the operations the IaC providers need (validate, import,
 * read back, power, reconfigure, destroy, export), in vim25 words. The Pulumi provider binds to
 * {@link connectOvfSession} at run time; the shapes here match its port structurally.
 */
import { createHash } from 'node:crypto';
import { fullPropertyId, matchPropertyKey, type PropertyName, type DescriptorCache, type HostProfile, type KeyValue, networkMoRefType, type OvfIssue, type OvfParseDescriptorResult, type OvfPlan, type OvfValidateHostResult, type PlanVocabulary, type SignaturePolicy, type Vocabulary, resolveInventoryPlacement, resolveMappedNetwork, UsageError } from '@ovfkit/core';
import { trustedCertificates } from '@ovfkit/package';
import type { OvfCreateImportSpecParamsDiskProvisioningType } from '@ovfkit/core';
import { destroyEntity } from './destroy';
import { exportOvf } from './export';
import { importOvf } from './import';
import { Inventory } from './inventory';
import { liveInventory, PlacementError, placementOf } from './placement';
import { VimOvfManager } from './ovf-manager';
import type { DataObject, ManagedObjectReference } from './soap/codec';
import { isVimFault } from './soap/fault';
import { PowerOffVAppTask, PowerOffVMTask, PowerOnVAppTask, PowerOnVMTask, ReconfigVMTask, UpdateVAppConfig } from './soap/methods';
import { VimSession, type ConnectOptions } from './session';
import { openPackage } from './source';

export interface OvfPlacement {
  datacenter?: string;
  resourcePool?: string;
  cluster?: string;
  vApp?: string;
  datastore?: string;
  folder?: string;
  host?: string;
}

export interface OvfImportSpecRequest {
  entityName?: string;
  deploymentOption: string;
  locale: string;
  diskProvisioning?: string;
  ipAllocationPolicy?: string;
  ipProtocol?: string;
  networkMapping: Record<string, string>;
  propertyMapping: KeyValue[];
  placement: OvfPlacement;
}

export interface OvfImportRequest extends OvfImportSpecRequest {
  source: string;
  manifestPolicy: 'require' | 'verify-if-present' | 'skip';
  acceptAllEulas: boolean;
  powerOn: boolean;
  annotation?: string;
  markAsTemplate: boolean;
  /** The digest of the descriptor that was checked (`plan.descriptorDigest`); {@link importOvf} refuses, before anything is created, a package whose descriptor differs. */
  expectedDescriptorDigest?: string;
  /** Host profile (built-in name or profile JSON) of the import's local checks. @default the newest built-in */
  hostProfile?: string | HostProfile;
  /** Whose words the fixes of the import's local checks use. @default 'api' */
  vocabulary?: PlanVocabulary;
  /** The signature policy of the import's plan and the CA certificates (PEM texts) the signer must chain to. @default { policy: 'verify' } */
  signature?: { policy: SignaturePolicy; trustedCertificates?: string[] };
  /** Files uploaded at once over NFC (see {@link importOvf}'s `parallelDisks`). @default 4 */
  parallelDisks?: number;
}

export type PowerState = 'poweredOn' | 'poweredOff' | 'suspended';

export interface OvfVmState {
  entity: ManagedObjectReference;
  name: string;
  powerState: PowerState;
  numCPUs?: number;
  memoryMB?: number;
  annotation?: string;
  template?: boolean;
  /** vApp property values (passwords left out), `key` as propertyMapping names it (`classId.id.instanceId`), `id` the bare id. */
  property?: Array<KeyValue & { id?: string }>;
  disks?: { label: string; capacityBytes: number }[];
  networks?: string[];
}

export interface OvfEntityState {
  entity: ManagedObjectReference;
  name: string;
  vms: OvfVmState[];
  annotation?: string;
  /** A vApp's own vApp property values (passwords left out), as {@link OvfVmState.property}; a VM's are in `vms`. */
  property?: Array<KeyValue & { id?: string }>;
  powerState: PowerState;
}

export interface OvfExportRequest {
  entity: string;
  destination: string;
  /** `ovf:id` of the top entity and base name of the files; default: the entity's inventory name. */
  name?: string;
  format: 'ovf' | 'ova';
  manifestAlgorithm: 'SHA1' | 'SHA256' | 'SHA512';
  exportOption: string[];
  includeImageFiles: boolean;
  chunkSizeBytes?: number;
  signingKeyPem?: string;
  signingCertificatePem?: string;
  /** Files downloaded at once over NFC (see {@link exportOvf}'s `parallelDisks`). @default 4 */
  parallelDisks?: number;
  /** Whose words a refused choice is named in. @default the session's (ConnectOptions' `vocabulary`) */
  vocabulary?: Vocabulary;
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** A wire field as text, or undefined when absent. */
const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

/**
 * vApp property values as the providers compare them: key as propertyMapping names it
 * (`classId.id.instanceId`), the bare `id`, the effective value (set, else default). Password
 * values are never read back: ovfkit never echoes them.
 */
function propertyValues(props: DataObject[]): Array<KeyValue & { id?: string }> {
  return props.filter((x) => !String(x['type'] ?? '').startsWith('password')).map((x) => ({
    key: fullPropertyId({ classId: str(x['classId']), id: str(x['id'] ?? x['key']), instanceId: str(x['instanceId']) }),
    ...(x['id'] !== undefined ? { id: String(x['id']) } : {}),
    value: String(x['value'] || x['defaultValue'] || ''),
  }));
}

/** A connected session for the IaC providers. */
/** Options of an {@link OvfSession}. */
export interface OvfSessionOptions {
  /** Where the imports' plans keep the read descriptor by digest (the provider process's, which its checks filled). @default none */
  descriptorCache?: DescriptorCache;
}

export class OvfSession {
  constructor(readonly session: VimSession, private readonly options: OvfSessionOptions = {}) {}

  protected placementInput(p: OvfPlacement): { datacenter?: string; pool?: string; datastore?: string; folder?: string; host?: string } {
    const pool = p.vApp ?? p.resourcePool ?? (p.cluster ? `${p.cluster.replace(/\/+$/, '')}/Resources` : undefined);
    return { ...(p.datacenter ? { datacenter: p.datacenter } : {}), ...(pool ? { pool } : {}), ...(p.datastore ? { datastore: p.datastore } : {}), ...(p.folder ? { folder: p.folder } : {}), ...(p.host ? { host: p.host } : {}) };
  }

  /** ValidateHost + CreateImportSpec on the live server: every error and warning, nothing created. */
  async validate(ovfDescriptor: string, request: OvfImportSpecRequest): Promise<{ against: string; validateHost: OvfValidateHostResult; importSpec: { error: OvfIssue[]; warning: OvfIssue[] } }> {
    const inv = new Inventory(this.session);
    // Placement and networks by core's rules on the server's inventory; every problem at once.
    const input = this.placementInput(request.placement);
    const snapshot = await liveInventory(inv, input.datacenter);
    const where = resolveInventoryPlacement(
      snapshot,
      { ...(input.pool ? { resourcePool: input.pool } : {}), ...(input.datastore ? { datastore: input.datastore } : {}), ...(input.folder ? { folder: input.folder } : {}), ...(input.host ? { host: input.host } : {}) },
      { complete: true },
    );
    const nets = Object.entries(request.networkMapping).map(([name, target]) => ({ name, ...resolveMappedNetwork(snapshot, name, target) }));
    const problems = [...where.issues, ...nets.flatMap((n) => (n.issue ? [n.issue] : []))];
    if (problems.length) throw new PlacementError(problems);
    const placement = await placementOf(inv, snapshot, where);
    const manager = new VimOvfManager(this.session);
    let host = placement.host;
    if (!host) {
      const owner = (await this.session.properties(placement.resourcePool, ['owner']))['owner'] as ManagedObjectReference | undefined;
      host = owner ? asArray((await this.session.properties(owner, ['host']))['host'] as ManagedObjectReference[] | undefined)[0] : undefined;
    }
    let against = `remote:${new URL(this.session.client.url).host}`;
    let validateHost: OvfValidateHostResult = { error: [], warning: [] };
    try {
      if (host) validateHost = await manager.validateHost(ovfDescriptor, host, { locale: request.locale, deploymentOption: request.deploymentOption });
    } catch (e) {
      if (!isVimFault(e, 'MethodNotFound')) throw e;
      against += ' (the server does not implement ValidateHost; CreateImportSpec only)';
    }
    const networkMapping = nets.map((n) => ({ name: n.name, network: { type: networkMoRefType(n.network!), value: n.network!.moref } }));
    const spec = await manager.createImportSpec(ovfDescriptor, placement.resourcePool, placement.datastore, {
      locale: request.locale,
      deploymentOption: request.deploymentOption,
      entityName: request.entityName ?? '',
      ...(placement.host ? { hostSystem: placement.host } : {}),
      ...(networkMapping.length ? { networkMapping } : {}),
      ...(request.ipAllocationPolicy ? { ipAllocationPolicy: request.ipAllocationPolicy } : {}),
      ...(request.ipProtocol ? { ipProtocol: request.ipProtocol } : {}),
      ...(request.propertyMapping.length ? { propertyMapping: request.propertyMapping } : {}),
      ...(request.diskProvisioning ? { diskProvisioning: request.diskProvisioning as OvfCreateImportSpecParamsDiskProvisioningType } : {}),
    });
    return { against, validateHost, importSpec: { error: spec.error, warning: spec.warning } };
  }

  /** Imports (see {@link importOvf}) and reads the new entity back. */
  async importOvf(request: OvfImportRequest): Promise<{ entity: OvfEntityState; warnings: OvfIssue[]; plan: OvfPlan; parse: OvfParseDescriptorResult }> {
    const source = await openPackage(request.source);
    try {
      const r = await importOvf(this.session, {
        source,
        ...this.placementInput(request.placement),
        ...(request.entityName ? { name: request.entityName } : {}),
        networkMapping: request.networkMapping,
        propertyMapping: Object.fromEntries(request.propertyMapping.map((kv) => [kv.key, kv.value])),
        ...(request.deploymentOption ? { deploymentOption: request.deploymentOption } : {}),
        ...(request.diskProvisioning ? { diskProvisioning: request.diskProvisioning } : {}),
        ...(request.ipAllocationPolicy ? { ipAllocationPolicy: request.ipAllocationPolicy } : {}),
        ...(request.ipProtocol ? { ipProtocol: request.ipProtocol } : {}),
        ...(request.annotation !== undefined ? { annotation: request.annotation } : {}),
        manifestPolicy: request.manifestPolicy,
        acceptAllEulas: request.acceptAllEulas,
        powerOn: request.powerOn,
        markAsTemplate: request.markAsTemplate,
        ...(request.expectedDescriptorDigest !== undefined ? { expectedDescriptorDigest: request.expectedDescriptorDigest } : {}),
        ...(request.hostProfile !== undefined ? { hostProfile: request.hostProfile } : {}),
        ...(request.locale ? { locale: request.locale } : {}),
        ...(request.vocabulary ? { vocabulary: request.vocabulary } : {}),
        ...(this.options.descriptorCache ? { descriptorCache: this.options.descriptorCache } : {}),
        ...(request.parallelDisks !== undefined ? { parallelDisks: request.parallelDisks } : {}),
        ...(request.signature ? { signature: { policy: request.signature.policy, ...(request.signature.trustedCertificates?.length ? { trustStore: trustedCertificates(request.signature.trustedCertificates, 'trustedCertificates') } : {}) } } : {}),
      });
      const entity = await this.readEntity(r.entity);
      if (!entity) throw new UsageError(`the imported ${r.entity.type} ${r.entity.value} vanished right after import`);
      return { entity, warnings: [...r.plan.warnings, ...r.warning], plan: r.plan, parse: r.parseDescriptor };
    } finally {
      await source.close();
    }
  }

  /** The entity as vSphere reports it now, or undefined when it no longer exists. */
  async readEntity(entity: ManagedObjectReference): Promise<OvfEntityState | undefined> {
    try {
      if (entity.type === 'VirtualMachine') {
        const vm = await this.readVm(entity);
        return { entity, name: vm.name, vms: [vm], ...(vm.annotation !== undefined ? { annotation: vm.annotation } : {}), powerState: vm.powerState };
      }
      const p = await this.session.properties(entity, ['name', 'summary.vAppState', 'vm', 'vAppConfig']);
      if (!('name' in p)) return undefined;
      const vms = await Promise.all(asArray(p['vm'] as ManagedObjectReference[] | undefined).map((v) => this.readVm(v)));
      const cfg = p['vAppConfig'] as DataObject | undefined;
      const annotation = cfg?.['annotation'] as string | undefined;
      const property = propertyValues(asArray(cfg?.['property'] as DataObject[] | undefined));
      return { entity, name: String(p['name']), vms, ...(annotation !== undefined ? { annotation } : {}), ...(property.length ? { property } : {}), powerState: p['summary.vAppState'] === 'started' ? 'poweredOn' : 'poweredOff' };
    } catch (e) {
      if (isVimFault(e, 'ManagedObjectNotFound')) return undefined;
      throw e;
    }
  }

  private async readVm(vm: ManagedObjectReference): Promise<OvfVmState> {
    const p = await this.session.properties(vm, ['name', 'runtime.powerState', 'config.hardware', 'config.annotation', 'config.template', 'config.vAppConfig', 'network']);
    const hw = p['config.hardware'] as { numCPU?: string; memoryMB?: string; device?: DataObject[] } | undefined;
    const devices = asArray(hw?.device);
    const props = asArray((p['config.vAppConfig'] as DataObject | undefined)?.['property'] as DataObject[] | undefined);
    const networks: string[] = [];
    for (const n of asArray(p['network'] as ManagedObjectReference[] | undefined)) networks.push(String((await this.session.properties(n, ['name']))['name']));
    const annotation = p['config.annotation'] as string | undefined;
    return {
      entity: vm,
      name: String(p['name']),
      powerState: (p['runtime.powerState'] as PowerState | undefined) ?? 'poweredOff',
      ...(hw?.numCPU !== undefined ? { numCPUs: Number(hw.numCPU) } : {}),
      ...(hw?.memoryMB !== undefined ? { memoryMB: Number(hw.memoryMB) } : {}),
      ...(annotation !== undefined ? { annotation } : {}),
      template: p['config.template'] === 'true' || p['config.template'] === true,
      property: propertyValues(props),
      disks: devices
        .filter((d) => d._typeName === 'VirtualDisk')
        .map((d) => ({ label: String((d['deviceInfo'] as DataObject | undefined)?.['label'] ?? d['key']), capacityBytes: d['capacityInBytes'] !== undefined ? Number(d['capacityInBytes']) : Number(d['capacityInKB']) * 1024 })),
      networks,
    };
  }

  async setPowerState(entity: ManagedObjectReference, on: boolean): Promise<void> {
    const vm = entity.type === 'VirtualMachine';
    const cmd = on ? (vm ? new PowerOnVMTask({ _this: entity }) : new PowerOnVAppTask({ _this: entity })) : vm ? new PowerOffVMTask({ _this: entity }) : new PowerOffVAppTask({ _this: entity, force: true });
    await this.session.waitForTask(await this.session.client.send(cmd));
  }

  /**
   * Changes what vSphere can change live: the annotation and vApp property values. A key (full
   * `classId.id.instanceId` or bare `id`) is edited wherever it is defined: on a VM
   * (`ReconfigVM_Task` with a `vAppConfig` property edit), on a vApp's own options
   * (`UpdateVAppConfig`) or on the vApp's VMs, each of which gets its own `ReconfigVM_Task`. Every
   * key is looked up before anything is changed; the calls themselves are not one transaction.
   */
  async reconfigure(entity: ManagedObjectReference, change: { annotation?: string; property?: KeyValue[] }): Promise<void> {
    const vm = entity.type === 'VirtualMachine';
    const path = (ref: ManagedObjectReference): string => (ref.type === 'VirtualMachine' ? 'config.vAppConfig' : 'vAppConfig');
    const edits = new Map<string, { ref: ManagedObjectReference; property: DataObject[] }>();
    if (change.property?.length) {
      const owners = [entity, ...(vm ? [] : asArray((await this.session.properties(entity, ['vm']))['vm'] as ManagedObjectReference[] | undefined))];
      const defined: Array<{ ref: ManagedObjectReference; props: DataObject[] }> = [];
      for (const ref of owners) {
        const cfg = (await this.session.properties(ref, [path(ref)]))[path(ref)] as DataObject | undefined;
        defined.push({ ref, props: asArray(cfg?.['property'] as DataObject[] | undefined) });
      }
      // A key names a property as a plan's propertyMapping does (core's matchPropertyKey): its full id, or the bare id of exactly one.
      const nameOf = (x: DataObject): PropertyName => ({ classId: str(x['classId']), id: str(x['id']), instanceId: str(x['instanceId']) });
      const names = defined.flatMap(({ props }) => props.map(nameOf));
      for (const kv of change.property) {
        const m = matchPropertyKey(kv.key, names);
        if (m.kind === 'ambiguous') throw new UsageError(`vApp property key ${JSON.stringify(kv.key)} of ${entity.value} names ${m.candidates.length} properties (${m.candidates.join(', ')}); give the full id of the one you mean`);
        if (m.kind === 'unknown') throw new UsageError(`${entity.value} has no vApp property ${JSON.stringify(kv.key)}${vm ? '' : ' (neither the vApp nor its VMs)'}${m.nearest.length ? `; did you mean ${m.nearest.join(' or ')}?` : ''}`);
        for (const { ref, props } of defined) {
          for (const x of props) {
            if (fullPropertyId(nameOf(x)) !== m.id) continue;
            const e = edits.get(ref.value) ?? { ref, property: [] };
            e.property.push({ operation: 'edit', info: { key: Number(x['key']), value: kv.value } });
            edits.set(ref.value, e);
          }
        }
      }
    }
    const own = edits.get(entity.value)?.property;
    if (vm) {
      const spec = { ...(change.annotation !== undefined ? { annotation: change.annotation } : {}), ...(own ? { vAppConfig: { _typeName: 'VmConfigSpec', property: own } } : {}) };
      await this.session.waitForTask(await this.session.client.send(new ReconfigVMTask({ _this: entity, spec })));
      return;
    }
    if (change.annotation !== undefined || own) {
      await this.session.client.send(new UpdateVAppConfig({ _this: entity, spec: { ...(change.annotation !== undefined ? { annotation: change.annotation } : {}), ...(own ? { property: own } : {}) } }));
    }
    for (const { ref, property } of edits.values()) {
      if (ref.value === entity.value) continue;
      await this.session.waitForTask(await this.session.client.send(new ReconfigVMTask({ _this: ref, spec: { vAppConfig: { _typeName: 'VmConfigSpec', property } } })));
    }
  }

  async destroy(entity: ManagedObjectReference): Promise<void> {
    await destroyEntity(this.session, entity, { ignoreMissing: true });
  }

  async exportOvf(request: OvfExportRequest): Promise<{ files: { path: string; size: number; digest: string }[]; manifestDigest: string; ovfDescriptor: string; warnings: OvfIssue[] }> {
    if (!!request.signingKeyPem !== !!request.signingCertificatePem) throw new UsageError('signing needs both the private key and the certificate');
    if ((request.format === 'ova') !== request.destination.toLowerCase().endsWith('.ova')) {
      throw new UsageError(`format ${request.format} does not match the destination ${request.destination} (an .ova file for ova, a directory for ovf)`);
    }
    const r = await exportOvf(this.session, { entity: request.entity, destination: request.destination, ...(request.name !== undefined ? { name: request.name } : {}), manifestAlgorithm: request.manifestAlgorithm, exportOption: request.exportOption, includeImageFiles: request.includeImageFiles, ...(request.chunkSizeBytes !== undefined ? { chunkSize: request.chunkSizeBytes } : {}), ...(request.parallelDisks !== undefined ? { parallelDisks: request.parallelDisks } : {}), ...(request.vocabulary ? { vocabulary: request.vocabulary } : {}), ...(request.signingKeyPem && request.signingCertificatePem ? { signing: { privateKeyPem: request.signingKeyPem, certificatePem: request.signingCertificatePem } } : {}) });
    return {
      files: r.files,
      manifestDigest: `sha256:${createHash('sha256').update(r.manifest).digest('hex')}`,
      ovfDescriptor: r.ovfDescriptor,
      warnings: r.warning,
    };
  }

  async logout(): Promise<void> {
    await this.session.logout();
  }
}

/** Connects and logs in; the entry point the IaC providers bind to. */
export async function connectOvfSession(options: ConnectOptions & OvfSessionOptions): Promise<OvfSession> {
  const { descriptorCache, ...connect } = options;
  return new OvfSession(await VimSession.connect(connect), descriptorCache ? { descriptorCache } : {});
}
