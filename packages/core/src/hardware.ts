/**
 * Which hardware Items apply to a deployment option, and a per-VM summary of them (CPU, memory,
 * disks, NICs) for readable output. The rule lives here, once, for every front end.
 * @see DSP0243 §9.8 (ovf:configuration), CIM RASD ResourceType
 */
import { unitBytes } from './envelope';
import type { Envelope, Item, VirtualHardwareSection, VirtualSystem } from './model';
import { parseHostResource, walkContent } from './validate';

/**
 * The Items of a VirtualHardwareSection active in `deploymentOption`: per InstanceID, the
 * `normal`-bound Item naming that configuration wins over an unconditional one.
 */
export function activeItems(vhs: VirtualHardwareSection, deploymentOption: string): Item[] {
  const out: Item[] = [];
  const slot = new Map<string, { index: number; specific: boolean }>();
  for (const item of vhs.item) {
    if ((item.bound ?? 'normal') !== 'normal') continue;
    const specific = item.configuration.length > 0;
    if (specific && !item.configuration.includes(deploymentOption)) continue;
    const id = item.instanceID;
    if (id === undefined || id === '') { out.push(item); continue; }
    const cur = slot.get(id);
    if (!cur) { slot.set(id, { index: out.length, specific }); out.push(item); }
    else if (specific || !cur.specific) { out[cur.index] = item; slot.set(id, { index: cur.index, specific: specific || cur.specific }); }
  }
  return out;
}

/** One VM's hardware in a deployment option. */
export interface VirtualSystemSummary {
  /** `ovf:id`. */
  id: string;
  /** Path of ids from the top entity (`web/vm1`). */
  path: string;
  /** `vssd:VirtualSystemType` families (`vmx-13`). */
  virtualSystemType: string[];
  numCPUs?: number;
  memoryMB?: number;
  /** Disks: diskId and capacity in bytes when known. */
  disk: { diskId: string; capacityBytes?: number }[];
  /** NIC network names (Connection) in order. */
  nic: string[];
  /** `vmw:osType` or the CIM OS id. */
  guest?: string;
}

/** Summaries of every VirtualSystem (first VirtualHardwareSection) for a deployment option. */
export function summarizeVirtualSystems(env: Envelope, deploymentOption: string): VirtualSystemSummary[] {
  const disks = new Map([...(env.diskSection?.disk ?? []), ...(env.sharedDiskSection?.disk ?? [])].map((d) => [d.diskId, d]));
  const out: VirtualSystemSummary[] = [];
  const paths = new Map<object, string>();
  for (const c of walkContent(env.content)) {
    if (c.kind === 'VirtualSystemCollection') {
      const p = paths.get(c);
      for (const k of c.content) paths.set(k, p === undefined ? k.id : `${p}/${k.id}`);
      continue;
    }
    out.push(summarize(c, paths.get(c) ?? c.id, deploymentOption, disks));
  }
  return out;
}

function summarize(vs: VirtualSystem, path: string, option: string, disks: Map<string, { capacityBytes?: number }>): VirtualSystemSummary {
  const s: VirtualSystemSummary = { id: vs.id, path, virtualSystemType: [], disk: [], nic: [] };
  const guest = vs.operatingSystemSection?.osType ?? vs.operatingSystemSection?.id;
  if (guest !== undefined && guest !== '') s.guest = guest;
  const vhs = vs.virtualHardwareSection[0];
  if (!vhs) return s;
  s.virtualSystemType = [...(vhs.system?.virtualSystemType ?? [])];
  for (const item of activeItems(vhs, option)) {
    const q = item.virtualQuantity !== undefined && /^\d+$/.test(item.virtualQuantity) ? Number(item.virtualQuantity) : undefined;
    switch (item.resourceType) {
      case '3':
        if (q !== undefined) s.numCPUs = q;
        break;
      case '4': {
        if (q === undefined) break;
        const units = item.allocationUnits === undefined ? 2 ** 20 : unitBytes(item.allocationUnits);
        if (units !== undefined) s.memoryMB = Math.round((q * units) / 2 ** 20);
        break;
      }
      case '17': {
        for (const hr of item.hostResource) {
          const r = parseHostResource(hr);
          if (r?.kind === 'disk') {
            const cap = disks.get(r.id)?.capacityBytes;
            s.disk.push(cap === undefined ? { diskId: r.id } : { diskId: r.id, capacityBytes: cap });
          }
        }
        break;
      }
      case '10':
        s.nic.push(item.connection[0] ?? '');
        break;
      default:
        if (item.kind === 'EthernetPortItem') s.nic.push(item.connection[0] ?? '');
        break;
    }
  }
  return s;
}
