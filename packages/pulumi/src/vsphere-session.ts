/**
 * {@link VsphereSession} over @ovfkit/vsphere: the provider's calls mapped onto the vim25 client,
 * the import engine and destroy. Only call shapes are adapted here.
 */
import { createHash } from 'node:crypto';

import type { KeyValue, ManagedObjectReference, OvfFault, OvfIssue } from '@ovfkit/core';
import { OvfkitError } from '@ovfkit/core';
import {
  destroyEntity, exportOvf, importOvf, Inventory, isVimFault, methods, openPackage, resolvePlacement, VimSession, type PlacementInput,
} from '@ovfkit/vsphere';

import type { EntityState, ExportOutcome, ExportRequest, ImportOutcome, ImportSpecRequest, ImportValidation, Placement, VmState, VsphereSession } from './backend';
import type { ConnectionSettings } from './connection';

/** The vsphere placement input for the provider's placement inputs. */
export function placementInput(p: Placement): PlacementInput {
  const pool = p.resourcePool ?? p.vApp ?? (p.cluster ? `${p.cluster.replace(/\/$/, '')}/Resources` : undefined);
  return {
    ...(p.datacenter ? { datacenter: p.datacenter } : {}),
    ...(pool ? { pool } : {}),
    ...(p.datastore ? { datastore: p.datastore } : {}),
    ...(p.folder ? { folder: p.folder } : {}),
    ...(p.host ? { host: p.host } : {}),
  };
}

/** A vim25 LocalizedMethodFault from the wire as an ovfkit issue (the fault type is its code). */
function toIssue(w: { fault: { _typeName?: string } & Record<string, unknown>; localizedMessage?: string }): OvfIssue {
  const type = w.fault._typeName ?? 'MethodFault';
  return { fault: w.fault as unknown as OvfFault, localizedMessage: w.localizedMessage ?? type, code: type };
}

const POWER: Record<string, VmState['powerState']> = { poweredOn: 'poweredOn', poweredOff: 'poweredOff', suspended: 'suspended', started: 'poweredOn', stopped: 'poweredOff' };

class VimOvfSession implements VsphereSession {
  constructor(private readonly session: VimSession, private readonly server: string) {}

  private ovfManager(): ManagedObjectReference {
    const m = this.session.serviceContent.ovfManager;
    if (!m) throw new OvfkitError('VIM_PROTOCOL', 'the server has no OvfManager');
    return m;
  }

  async validate(ovfDescriptor: string, request: ImportSpecRequest): Promise<ImportValidation> {
    const inv = new Inventory(this.session);
    const placement = await resolvePlacement(inv, placementInput(request.placement));
    const networkMapping = [];
    for (const [name, target] of Object.entries(request.networkMapping)) {
      const p = target.startsWith('/') ? target : `${placement.datacenterPath}/network/${target}`;
      networkMapping.push({ name, network: await inv.get(p, 'network', ['Network', 'DistributedVirtualPortgroup', 'OpaqueNetwork']) });
    }
    const common = { locale: request.locale, deploymentOption: request.deploymentOption };
    const validateHost = placement.host
      ? await this.session.client.send(new methods.ValidateHost({ _this: this.ovfManager(), ovfDescriptor, host: placement.host, vhp: common }))
      : {};
    const spec = await this.session.client.send(new methods.CreateImportSpec({
      _this: this.ovfManager(), ovfDescriptor, resourcePool: placement.resourcePool, datastore: placement.datastore,
      cisp: {
        _typeName: 'OvfCreateImportSpecParams', ...common, entityName: request.entityName ?? '',
        ...(placement.host ? { hostSystem: placement.host } : {}),
        ...(networkMapping.length ? { networkMapping } : {}),
        ...(request.propertyMapping.length ? { propertyMapping: request.propertyMapping } : {}),
        ...(request.diskProvisioning ? { diskProvisioning: request.diskProvisioning } : {}),
        ...(request.ipAllocationPolicy ? { ipAllocationPolicy: request.ipAllocationPolicy } : {}),
        ...(request.ipProtocol ? { ipProtocol: request.ipProtocol } : {}),
      } as never,
    }));
    return {
      against: `vSphere at ${this.server}`,
      validateHost: {
        ...validateHost,
        error: ((validateHost as { error?: unknown[] }).error ?? []).map((e) => toIssue(e as never)),
        warning: ((validateHost as { warning?: unknown[] }).warning ?? []).map((e) => toIssue(e as never)),
      },
      importSpec: { error: spec.error.map((e) => toIssue(e as never)), warning: spec.warning.map((e) => toIssue(e as never)) },
    };
  }

  async importOvf(request: Parameters<VsphereSession['importOvf']>[0]): Promise<ImportOutcome> {
    const source = await openPackage(request.source);
    try {
      const r = await importOvf(this.session, {
        source,
        ...placementInput(request.placement),
        ...(request.entityName ? { name: request.entityName } : {}),
        networkMapping: request.networkMapping,
        propertyMapping: Object.fromEntries(request.propertyMapping.map((kv) => [kv.key, kv.value])),
        ...(request.deploymentOption ? { deploymentOption: request.deploymentOption } : {}),
        ...(request.diskProvisioning ? { diskProvisioning: request.diskProvisioning } : {}),
        ...(request.ipAllocationPolicy ? { ipAllocationPolicy: request.ipAllocationPolicy } : {}),
        ...(request.ipProtocol ? { ipProtocol: request.ipProtocol } : {}),
        acceptAllEulas: request.acceptAllEulas,
        powerOn: request.powerOn,
        ...(request.annotation !== undefined ? { annotation: request.annotation } : {}),
        markAsTemplate: request.markAsTemplate,
      });
      const entity = await this.readEntity(r.entity);
      if (!entity) throw new OvfkitError('VIM_FAULT', `${r.entity.type} ${r.entity.value} was imported but cannot be read back`);
      return { entity, warnings: r.warning.map((w) => toIssue(w as never)) };
    } finally {
      await source.close();
    }
  }

  private async readVm(ref: ManagedObjectReference): Promise<VmState> {
    const p = await this.session.properties(ref, ['name', 'runtime.powerState', 'config.annotation', 'config.template', 'summary.config.numCpu', 'summary.config.memorySizeMB']);
    const num = (v: unknown): number | undefined => (v === undefined ? undefined : Number(v));
    const numCPUs = num(p['summary.config.numCpu']);
    const memoryMB = num(p['summary.config.memorySizeMB']);
    return {
      entity: ref,
      name: String(p['name']),
      powerState: POWER[String(p['runtime.powerState'])] ?? 'poweredOff',
      ...(numCPUs !== undefined ? { numCPUs } : {}),
      ...(memoryMB !== undefined ? { memoryMB } : {}),
      ...(p['config.annotation'] !== undefined ? { annotation: String(p['config.annotation']) } : {}),
      template: p['config.template'] === true || p['config.template'] === 'true',
    };
  }

  async readEntity(entity: ManagedObjectReference): Promise<EntityState | undefined> {
    try {
      if (entity.type === 'VirtualMachine') {
        const vm = await this.readVm(entity);
        return { entity, name: vm.name, vms: [vm], powerState: vm.powerState, ...(vm.annotation !== undefined ? { annotation: vm.annotation } : {}) };
      }
      const p = await this.session.properties(entity, ['name', 'vm', 'summary.vAppState']);
      const raw = p['vm'];
      const refs = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) as ManagedObjectReference[];
      const vms = await Promise.all(refs.map((r) => this.readVm(r)));
      return { entity, name: String(p['name']), vms, powerState: POWER[String(p['summary.vAppState'])] ?? 'poweredOff' };
    } catch (e) {
      if (isVimFault(e, 'ManagedObjectNotFound')) return undefined;
      throw e;
    }
  }

  async setPowerState(entity: ManagedObjectReference, on: boolean): Promise<void> {
    const vm = entity.type === 'VirtualMachine';
    const task = on
      ? (vm ? new methods.PowerOnVMTask({ _this: entity }) : new methods.PowerOnVAppTask({ _this: entity }))
      : (vm ? new methods.PowerOffVMTask({ _this: entity }) : new methods.PowerOffVAppTask({ _this: entity, force: true }));
    await this.session.waitForTask(await this.session.client.send(task as never));
  }

  async reconfigure(entity: ManagedObjectReference, change: { annotation?: string; property?: KeyValue[] }): Promise<void> {
    if (change.property?.length) {
      // The vim25 client does not model VmConfigSpec.property yet; diff() replaces on propertyMapping instead.
      throw new OvfkitError('INTERNAL', 'changing vApp property values in place is not supported by this @ovfkit/vsphere');
    }
    if (change.annotation !== undefined) {
      if (entity.type !== 'VirtualMachine') throw new OvfkitError('USAGE', 'annotation can only be changed on a VM, not a vApp');
      await this.session.waitForTask(await this.session.client.send(new methods.ReconfigVMTask({ _this: entity, spec: { annotation: change.annotation } })));
    }
  }

  async destroy(entity: ManagedObjectReference): Promise<void> {
    await destroyEntity(this.session, entity, { ignoreMissing: true });
  }

  async exportOvf(request: ExportRequest): Promise<ExportOutcome> {
    if (request.chunkSizeBytes !== undefined || request.signingKeyPem !== undefined) {
      throw new OvfkitError('USAGE', 'the vsphere export engine does not chunk disks or sign manifests yet; remove chunkSizeBytes / signingKey');
    }
    const r = await exportOvf(this.session, {
      entity: request.entity,
      destination: request.destination,
      manifestAlgorithm: request.manifestAlgorithm,
      exportOption: request.exportOption,
      includeImageFiles: request.includeImageFiles,
    });
    return {
      files: r.files,
      manifestDigest: `sha256:${createHash('sha256').update(r.manifest).digest('hex')}`,
      ovfDescriptor: r.ovfDescriptor,
      warnings: r.warning.map((w) => toIssue(w as never)),
    };
  }

  async logout(): Promise<void> {
    await this.session.logout();
  }
}

/** Logs in and returns the provider's session; credentials go only to VimSession.connect. */
export async function connectOvfSession(c: ConnectionSettings): Promise<VsphereSession> {
  const session = await VimSession.connect({
    server: c.server,
    userName: c.user,
    password: c.password.reveal(),
    ...(c.thumbprint ? { thumbprint: c.thumbprint } : {}),
    ...(c.insecure ? { insecure: true } : {}),
  });
  return new VimOvfSession(session, c.server);
}
