import { OvfkitError, createOvfEnvironment, ovfEnvironmentProperties, type OvfEnvironmentPlatform, type VAppPropertyValueSource } from '@ovfkit/core';
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
 * The properties come from what the engine sent, not from the created VM, because a server may
 * not keep them (govmomi's vcsim 0.24.2 drops configSpec.vAppConfig at import).
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

/** Every VM under a vApp, nested vApps included. */
async function vmsOf(session: VimSession, vapp: ManagedObjectReference, signal?: AbortSignal): Promise<ManagedObjectReference[]> {
  const props = await session.properties(vapp, ['vm', 'resourcePool'], signal);
  const vms = [...((props['vm'] as ManagedObjectReference[] | undefined) ?? [])];
  for (const rp of (props['resourcePool'] as ManagedObjectReference[] | undefined) ?? []) {
    if (rp.type === 'VirtualApp') vms.push(...(await vmsOf(session, rp, signal)));
  }
  return vms;
}

/**
 * Injects the OVF environment as ExtraConfig `guestinfo.ovfEnv` into each VM just imported, as
 * govc does (govmomi ovf/importer InjectOvfEnv): on a bare ESXi host no vCenter delivers the
 * environment, so the client writes it. A vApp's child VMs each get their own document. Password
 * values go in (the guest needs them) and are registered as client secrets so no error echoes
 * them. Throws on the first failure; the caller rolls the import back.
 * @returns the names of the VMs injected
 */
export async function injectOvfEnv(session: VimSession, created: ManagedObjectReference, importSpec: RawXml, log: (line: string) => void, signal?: AbortSignal): Promise<string[]> {
  const specVms = importSpecVms(importSpec);
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
  for (const { vm, spec } of targets) {
    for (const p of spec.property) {
      const v = p.value || p.defaultValue;
      if (p.type?.startsWith('password') && v) session.client.secrets.add(v);
    }
    const property = ovfEnvironmentProperties(spec.property);
    // oe:id stays "" as govc writes it: the import spec carries the inventory name, not the
    // VirtualSystem's ovf:id that DSP8027 means.
    const doc = createOvfEnvironment({ id: '', platform, property });
    await session.waitForTask(await session.client.send(new ReconfigVMTask({ _this: vm, spec: { extraConfig: [{ _typeName: 'OptionValue', key: OVF_ENV_EXTRA_CONFIG_KEY, value: doc }] } }), signal), signal);
    log(`injected the OVF environment (${property.length} propert${property.length === 1 ? 'y' : 'ies'}) into ${spec.name} as ${OVF_ENV_EXTRA_CONFIG_KEY}`);
  }
  return targets.map((t) => t.spec.name);
}
