import { OvfkitError, createOvfEnvironment, fullPropertyId, resolveDescriptor, ovfEnvironmentProperties, type OvfEnvironmentPlatform, type VAppPropertyValueSource } from '@ovfkit/core';
import type { ManagedObjectReference, RawXml } from './soap/codec';
import { ReconfigVMTask } from './soap/methods';
import type { XmlNode } from './soap/xml';
import type { VimSession } from './session';

/** The extraConfig key a guest's tools read the OVF environment from (`vmtoolsd --cmd "info-get guestinfo.ovfEnv"`). */
export const OVF_ENV_EXTRA_CONFIG_KEY = 'guestinfo.ovfEnv';

/** One VM of an import spec: its inventory name and the vApp properties the engine sent. */
export interface ImportSpecVm {
  name: string;
  property: Array<VAppPropertyValueSource & { type?: string }>;
}

const child = (n: XmlNode, name: string): XmlNode | undefined => n.children.find((c) => c.name === name);
const text = (n: XmlNode, name: string): string | undefined => child(n, name)?.text;

/**
 * The VMs of an ImportSpec as sent to ImportVApp, in order, with their vApp properties: a
 * VirtualMachineImportSpec (configSpec) is one VM; a VirtualAppImportSpec holds `child` specs.
 * Used when the created VM reports no vApp properties of its own (see {@link environmentSource}).
 * @see vim25 VirtualMachineImportSpec, VirtualAppImportSpec, VAppPropertyInfo
 */
export function importSpecVms(importSpec: RawXml): ImportSpecVm[] {
  const out: ImportSpecVm[] = [];
  const walk = (node: XmlNode): void => {
    const config = child(node, 'configSpec');
    if (config) {
      const property: ImportSpecVm['property'] = [];
      for (const p of child(config, 'vAppConfig')?.children ?? []) {
        if (p.name !== 'property') continue;
        const info = child(p, 'info');
        if (!info) continue;
        const src: ImportSpecVm['property'][number] = {};
        for (const f of ['classId', 'id', 'instanceId', 'value', 'defaultValue', 'type'] as const) {
          const v = text(info, f);
          if (v !== undefined) src[f] = v;
        }
        property.push(src);
      }
      out.push({ name: text(config, 'name') ?? '', property });
      return;
    }
    for (const c of node.children) if (c.name === 'child') walk(c);
  };
  walk(importSpec._raw);
  return out;
}

/** A VirtualSystem of the descriptor, in document order, with its ProductSection properties. */
export interface DescriptorVm {
  /** `ovf:id`, the `oe:id` of its environment. */
  id: string;
  property: ImportSpecVm['property'];
}

/**
 * The descriptor's VirtualSystems in document order (the order ImportSpec children follow) with
 * their ProductSection properties as core resolves them for the default configuration and the
 * `propertyMapping` the engine sent in `cisp.propertyMapping` (full ids, as the plan resolved
 * them): full id, password flag and mapped value come from the resolved descriptor, not derived
 * here. Used when neither the VM nor the server's import spec carries vApp properties.
 */
export function descriptorVms(descriptor: string, propertyMapping: Record<string, string> = {}): DescriptorVm[] {
  const r = resolveDescriptor(descriptor, { propertyMapping: Object.entries(propertyMapping).map(([key, value]) => ({ key, value })) });
  const out: DescriptorVm[] = [];
  r.entities.forEach((e, entity) => {
    if (e.content.kind !== 'VirtualSystem') return;
    const property = r.properties.filter((p) => p.entity === entity).map((p): DescriptorVm['property'][number] => ({
      id: p.property.key,
      ...(p.section.class ? { classId: p.section.class } : {}),
      ...(p.section.instance ? { instanceId: p.section.instance } : {}),
      ...(p.defaultValue !== '' || p.property.value !== undefined ? { defaultValue: p.defaultValue } : {}),
      ...(p.source === 'propertyMapping' ? { value: p.value } : {}),
      ...(p.password ? { type: 'password' } : {}),
    }));
    out.push({ id: e.content.id, property });
  });
  return out;
}

/** Where a VM's OVF environment properties came from, best first. */
export type OvfEnvSource = 'vm' | 'importSpec' | 'descriptor';

/**
 * The vApp properties a VM has now, as the server reports them (`config.vAppConfig.property`):
 * what ImportVApp kept from the import spec, with any later edits.
 * @see vim25 VmConfigInfo, VAppPropertyInfo
 */
export function vmConfigProperties(vAppConfig: unknown): ImportSpecVm['property'] {
  const cfg = vAppConfig as Record<string, unknown> | undefined;
  const list = cfg?.['property'];
  const props = (Array.isArray(list) ? list : list && typeof list === 'object' ? [list] : []) as Array<Record<string, unknown>>;
  return props.map((p) => {
    const src: ImportSpecVm['property'][number] = {};
    for (const f of ['classId', 'id', 'instanceId', 'value', 'defaultValue', 'type'] as const) {
      const v = p[f];
      if (typeof v === 'string') src[f] = v;
    }
    return src;
  });
}

const fullKey: (p: VAppPropertyValueSource) => string = fullPropertyId;

/**
 * Picks the properties of one VM's environment: the VM's own (the server's record) when it has
 * any, else the import spec's, else the descriptor's with the sent values. A password property
 * the VM reports without a value (a server may not return them) takes the value the import spec
 * carried for the same key, so the guest still gets it.
 */
export function environmentSource(vm: ImportSpecVm['property'], spec: ImportSpecVm['property'], described: ImportSpecVm['property'] | undefined): { from: OvfEnvSource; property: ImportSpecVm['property'] } {
  if (vm.length) {
    const sent = new Map(spec.map((p) => [fullKey(p), p]));
    return { from: 'vm', property: vm.map((p) => (p.type?.startsWith('password') && !p.value && sent.get(fullKey(p))?.value ? { ...p, value: sent.get(fullKey(p))!.value! } : p)) };
  }
  if (spec.length || !described) return { from: 'importSpec', property: spec };
  return { from: 'descriptor', property: described };
}

const SOURCE_TEXT: Record<OvfEnvSource, string> = {
  vm: "from the VM's vApp properties",
  importSpec: "from the import spec (the VM reports no vApp properties)",
  descriptor: 'from the descriptor and the sent property values (the server kept no vApp properties)',
};

/** Every VM under a vApp, nested vApps included. */
async function vmsOf(session: VimSession, vapp: ManagedObjectReference, signal?: AbortSignal): Promise<ManagedObjectReference[]> {
  const props = await session.properties(vapp, ['vm', 'resourcePool'], signal);
  const list = (v: unknown): ManagedObjectReference[] => (Array.isArray(v) ? (v as ManagedObjectReference[]) : v && typeof v === 'object' && 'value' in v ? [v as ManagedObjectReference] : []);
  const vms = list(props['vm']);
  for (const rp of list(props['resourcePool'])) {
    if (rp.type === 'VirtualApp') vms.push(...(await vmsOf(session, rp, signal)));
  }
  return vms;
}

/**
 * Injects the OVF environment as ExtraConfig `guestinfo.ovfEnv` into each VM just imported, as
 * govc does (govmomi ovf/importer InjectOvfEnv): on a bare ESXi host no vCenter delivers the
 * environment, so the client writes it. The properties are the ones the server put on each VM
 * (`config.vAppConfig`), with the fallbacks {@link environmentSource} describes. A vApp's child
 * VMs each get their own document. Password
 * values go in (the guest needs them) and are registered as client secrets so no error echoes
 * them. Throws on the first failure; the caller rolls the import back.
 * @returns the names of the VMs injected
 */
export async function injectOvfEnv(session: VimSession, created: ManagedObjectReference, importSpec: RawXml, sent: { descriptor: string; propertyMapping?: Record<string, string> }, log: (line: string) => void, signal?: AbortSignal): Promise<string[]> {
  const specVms = importSpecVms(importSpec);
  // VirtualSystems and import spec VMs pair up by position when their counts agree.
  const fromDescriptor = descriptorVms(sent.descriptor, sent.propertyMapping);
  const paired = fromDescriptor.length === specVms.length ? fromDescriptor : [];
  let targets: Array<{ vm: ManagedObjectReference; spec: ImportSpecVm }>;
  if (created.type === 'VirtualMachine') {
    const spec = specVms[0];
    if (!spec) throw new OvfkitError('VIM_PROTOCOL', 'the import spec describes no virtual machine; cannot build its OVF environment');
    targets = [{ vm: created, spec }];
  } else {
    const vms = await vmsOf(session, created, signal);
    const byName = new Map<string, ManagedObjectReference>();
    for (const vm of vms) byName.set(String((await session.properties(vm, ['name'], signal))['name'] ?? ''), vm);
    targets = specVms.map((spec) => {
      const vm = byName.get(spec.name);
      if (!vm) throw new OvfkitError('VIM_PROTOCOL', `the vApp has no VM named ${JSON.stringify(spec.name)}, which the import spec created; cannot inject its OVF environment`);
      return { vm, spec };
    });
  }
  const about = session.serviceContent.about as { name?: string; fullName?: string; version?: string; vendor?: string };
  const platform: OvfEnvironmentPlatform = {
    ...(about.name ? { kind: about.name } : {}),
    ...(about.version ? { version: about.version } : {}),
    ...(about.vendor ? { vendor: about.vendor } : {}),
    locale: 'en',
  };
  for (const [i, { vm, spec }] of targets.entries()) {
    const described = paired[i];
    const kept = vmConfigProperties((await session.properties(vm, ['config.vAppConfig'], signal))['config.vAppConfig']);
    const { from, property: source } = environmentSource(kept, spec.property, described?.property);
    for (const p of source) {
      const v = p.value || p.defaultValue;
      if (p.type?.startsWith('password') && v) session.client.secrets.add(v);
    }
    const property = ovfEnvironmentProperties(source);
    // oe:id is the VirtualSystem's ovf:id (DSP8027), not the inventory name; "" (as govc writes
    // it) when the descriptor and the import spec do not pair up.
    const doc = createOvfEnvironment({ id: described?.id ?? '', platform, property });
    await session.waitForTask(await session.client.send(new ReconfigVMTask({ _this: vm, spec: { extraConfig: [{ _typeName: 'OptionValue', key: OVF_ENV_EXTRA_CONFIG_KEY, value: doc }] } }), signal), signal);
    log(`injected the OVF environment (${property.length} propert${property.length === 1 ? 'y' : 'ies'} ${SOURCE_TEXT[from]}) into ${spec.name} as ${OVF_ENV_EXTRA_CONFIG_KEY}`);
  }
  return targets.map((t) => t.spec.name);
}
