/**
 * Which hardware Items apply to a deployment option, and a per-VM summary of them (CPU, memory,
 * disks, NICs) for readable output. The rule lives here, once, for every front end.
 * @see DSP0243 §9.8 (ovf:configuration), CIM RASD ResourceType
 */
import { memoryMB } from './importspec/units';
import type { Item, VirtualHardwareSection, VirtualSystem } from './model';
import type { ResolvedDescriptor, ResolvedDisk } from './resolve';
import { diskOfHostResource } from './validate';

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

/**
 * Summaries of every VirtualSystem (first VirtualHardwareSection) of a resolved descriptor: its
 * active Items, the disks' resolved capacities (a `${key}` capacity read from its property) and
 * the memory the ImportSpec sends, so the summary shows the facts the import uses.
 * @example summarizeVirtualSystems(resolveDescriptor(bytes, { deploymentOption: 'large' }))[0].memoryMB
 */
export function summarizeVirtualSystems(resolved: ResolvedDescriptor): VirtualSystemSummary[] {
  const out: VirtualSystemSummary[] = [];
  for (const e of resolved.entities) {
    if (e.content.kind !== 'VirtualSystem') continue;
    out.push(summarize(e.content, e.idPath, resolved.items.get(e.content)?.[0] ?? [], resolved.disks));
  }
  return out;
}

function summarize(vs: VirtualSystem, path: string, items: readonly Item[], disks: readonly ResolvedDisk[]): VirtualSystemSummary {
  const s: VirtualSystemSummary = { id: vs.id, path, virtualSystemType: [], disk: [], nic: [] };
  const guest = vs.operatingSystemSection?.osType ?? vs.operatingSystemSection?.id;
  if (guest !== undefined && guest !== '') s.guest = guest;
  const vhs = vs.virtualHardwareSection[0];
  if (!vhs) return s;
  s.virtualSystemType = [...(vhs.system?.virtualSystemType ?? [])];
  for (const item of items) {
    const q = item.virtualQuantity !== undefined && /^\d+$/.test(item.virtualQuantity) ? Number(item.virtualQuantity) : undefined;
    switch (item.resourceType) {
      case '3':
        if (q !== undefined) s.numCPUs = q;
        break;
      case '4': {
        // The MiB the ImportSpec sends (importspec/units.ts: one rule, rounded up).
        const mb = memoryMB(item);
        if (mb !== undefined) s.memoryMB = mb;
        break;
      }
      case '17': {
        for (const hr of item.hostResource) {
          // ovf:/disk/<id>, or ovf:/file/<id> of a File a Disk describes (validate.ts, as ParseDescriptor and CreateImportSpec read it).
          const d = diskOfHostResource(disks, hr);
          if (d) s.disk.push(d.capacityBytes === undefined ? { diskId: d.disk.diskId } : { diskId: d.disk.diskId, capacityBytes: d.capacityBytes });
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
