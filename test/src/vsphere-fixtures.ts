import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OvaWriter, openPackage, type PackageSource } from '@ovfkit/vsphere';

/** One virtual system of a generated package. */
export interface VmSpec {
  id: string;
  cpus: number;
  memoryMB: number;
  /** Disk capacities in MiB; each gets a real streamOptimized VMDK made by qemu-img. */
  disksMiB: number[];
  /** OVF network names, one NIC each. */
  nics: string[];
  /** KiB of random (incompressible) data at the start of each disk, so its VMDK has a real size. */
  randomKiB?: number;
  /** qemu-img VMDK subformat. @default 'streamOptimized' (what vSphere accepts) */
  subformat?: string;
  /** Raw section XML put in the VirtualSystem after its OperatingSystemSection (e.g. a ProductSection). */
  sections?: string;
  /** Raw `<Item>` XML appended to the hardware section (to provoke CreateImportSpec errors). */
  extraItems?: string;
  /** `VirtualHardwareSection/@ovf:transport` (OVF environment transports, e.g. `com.vmware.guestInfo iso`). */
  transport?: string;
}

const NS = `xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" xmlns:vmw="http://www.vmware.com/schema/ovf"`;

function item(fields: Record<string, string | number>): string {
  return `<Item>${Object.entries(fields)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `<rasd:${k}>${v}</rasd:${k}>`)
    .join('')}</Item>`;
}

function virtualSystem(vm: VmSpec, diskIds: string[]): string {
  let id = 1;
  const items: string[] = [
    item({ InstanceID: id++, ElementName: `${vm.cpus} virtual CPU(s)`, ResourceType: 3, VirtualQuantity: vm.cpus, AllocationUnits: 'hertz * 10^6' }),
    item({ InstanceID: id++, ElementName: `${vm.memoryMB}MB of memory`, ResourceType: 4, VirtualQuantity: vm.memoryMB, AllocationUnits: 'byte * 2^20' }),
  ];
  const scsi = id++;
  items.push(item({ InstanceID: scsi, ElementName: 'SCSI Controller 0', ResourceType: 6, ResourceSubType: 'lsilogic', Address: 0 }));
  diskIds.forEach((d, i) => items.push(item({ InstanceID: id++, ElementName: `Hard disk ${i + 1}`, ResourceType: 17, HostResource: `ovf:/disk/${d}`, Parent: scsi, AddressOnParent: i })));
  vm.nics.forEach((n, i) => items.push(item({ InstanceID: id++, ElementName: `Network adapter ${i + 1}`, ResourceType: 10, ResourceSubType: 'VmxNet3', Connection: n, AutomaticAllocation: 'true', AddressOnParent: 7 + i })));
  if (vm.extraItems) items.push(vm.extraItems);
  return `<VirtualSystem ovf:id="${vm.id}"><Info>A virtual machine</Info><Name>${vm.id}</Name>
<OperatingSystemSection ovf:id="101" vmw:osType="otherLinux64Guest"><Info>guest</Info></OperatingSystemSection>${vm.sections ?? ''}
<VirtualHardwareSection${vm.transport !== undefined ? ` ovf:transport="${vm.transport}"` : ''}><Info>hardware</Info><System><vssd:ElementName>Virtual Hardware Family</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemIdentifier>${vm.id}</vssd:VirtualSystemIdentifier><vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType></System>
${items.join('\n')}
</VirtualHardwareSection></VirtualSystem>`;
}

/** A real streamOptimized VMDK of `mib` MiB capacity with a few non-zero bytes, made by qemu-img. */
export function makeStreamOptimizedVmdk(dir: string, name: string, mib: number, randomKiB = 0, subformat = 'streamOptimized'): string {
  const raw = path.join(dir, `${name}.raw`);
  const fd = fs.openSync(raw, 'w');
  fs.ftruncateSync(fd, mib * 1024 * 1024);
  fs.writeSync(fd, Buffer.from(`ovfkit test disk ${name}\n`.repeat(64)), 0, undefined, 0);
  if (randomKiB) fs.writeSync(fd, randomBytes(randomKiB * 1024), 0, undefined, 4096);
  fs.closeSync(fd);
  const out = path.join(dir, `${name}.vmdk`);
  execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'vmdk', '-o', `subformat=${subformat}`, raw, out]);
  fs.rmSync(raw);
  return out;
}

export interface BuiltPackage {
  ova: string;
  descriptor: string;
  disks: string[];
}

/**
 * Builds an OVA (descriptor first, disks, manifest last) with one VM, or with several under a
 * VirtualSystemCollection (a vApp) named `vappName`.
 */
export async function buildOva(dir: string, name: string, vms: VmSpec[], options: { vappName?: string; corruptManifest?: boolean; eula?: string; /** Raw section XML put after the NetworkSection (e.g. a DeploymentOptionSection). */ envelopeSections?: string; /** Raw section XML put in the VirtualSystemCollection before its VirtualSystems (e.g. the vApp's ProductSection). */ vappSections?: string } = {}): Promise<BuiltPackage> {
  fs.mkdirSync(dir, { recursive: true });
  const files: Array<{ href: string; file: string; capacityMiB: number; diskId: string; fileId: string }> = [];
  const systems: string[] = [];
  for (const vm of vms) {
    const ids: string[] = [];
    vm.disksMiB.forEach((mib, i) => {
      const base = `${vm.id}-disk${i + 1}`;
      const file = makeStreamOptimizedVmdk(dir, base, mib, vm.randomKiB ?? 0, vm.subformat);
      files.push({ href: `${base}.vmdk`, file, capacityMiB: mib, diskId: `${base}-id`, fileId: `${base}-file` });
      ids.push(`${base}-id`);
    });
    systems.push(virtualSystem(vm, ids));
  }
  const networks = [...new Set(vms.flatMap((v) => v.nics))];
  const eula = options.eula ? `<EulaSection><Info>License</Info><License>${options.eula}</License></EulaSection>` : '';
  const body = options.vappName
    ? `<VirtualSystemCollection ovf:id="${options.vappName}"><Info>A vApp</Info><Name>${options.vappName}</Name>${eula}${options.vappSections ?? ''}${systems.join('\n')}</VirtualSystemCollection>`
    : systems[0]!.replace('<Info>A virtual machine</Info>', `<Info>A virtual machine</Info>${eula}`);
  const descriptor = `<?xml version="1.0" encoding="UTF-8"?>
<Envelope ${NS}>
<References>${files.map((f) => `<File ovf:href="${f.href}" ovf:id="${f.fileId}" ovf:size="${fs.statSync(f.file).size}"/>`).join('')}</References>
<DiskSection><Info>disks</Info>${files.map((f) => `<Disk ovf:capacity="${f.capacityMiB}" ovf:capacityAllocationUnits="byte * 2^20" ovf:diskId="${f.diskId}" ovf:fileRef="${f.fileId}" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>`).join('')}</DiskSection>
<NetworkSection><Info>networks</Info>${networks.map((n) => `<Network ovf:name="${n}"><Description>${n}</Description></Network>`).join('')}</NetworkSection>${options.envelopeSections ?? ''}
${body}
</Envelope>
`;
  const ova = path.join(dir, `${name}.ova`);
  fs.rmSync(ova, { force: true });
  const w = await OvaWriter.create(ova, Buffer.byteLength(descriptor));
  const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
  const mf: string[] = [`SHA256(${name}.ovf)= ${sha(descriptor)}`];
  for (const f of files) {
    await w.addStream(f.href, fs.createReadStream(f.file));
    const digest = sha(fs.readFileSync(f.file));
    mf.push(`SHA256(${f.href})= ${options.corruptManifest ? digest.replace(/^./, (c) => (c === '0' ? '1' : '0')) : digest}`);
  }
  await w.writeDescriptor(`${name}.ovf`, descriptor);
  await w.addBuffer(`${name}.mf`, Buffer.from(mf.join('\n') + '\n'));
  await w.close();
  return { ova, descriptor, disks: files.map((f) => f.file) };
}

/**
 * An OVA around an existing streamOptimized VMDK (for benchmarks: the disk is made once); with
 * `copies`, one VM with that many disks, each a member of its own (`<vmdk>` then `-2`, `-3`, …)
 * holding the same bytes; with `manifest`, a SHA256 manifest at the end (so an import checks every byte).
 */
export async function buildOvaFromVmdk(dir: string, name: string, vmdk: string, capacityMiB: number, options: { copies?: number; manifest?: boolean } = {}): Promise<string> {
  const copies = options.copies ?? 1;
  const first = path.basename(vmdk);
  const hrefs = Array.from({ length: copies }, (_, i) => (i === 0 ? first : first.replace(/(\.vmdk)?$/i, `-${i + 1}$1`)));
  const size = fs.statSync(vmdk).size;
  const ids = hrefs.map((_, i) => (i === 0 ? 'disk1' : `disk${i + 1}`));
  const descriptor = `<?xml version="1.0" encoding="UTF-8"?>
<Envelope ${NS}>
<References>${hrefs.map((href, i) => `<File ovf:href="${href}" ovf:id="file${i + 1}" ovf:size="${size}"/>`).join('')}</References>
<DiskSection><Info>disks</Info>${ids.map((id, i) => `<Disk ovf:capacity="${capacityMiB}" ovf:capacityAllocationUnits="byte * 2^20" ovf:diskId="${id}" ovf:fileRef="file${i + 1}" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>`).join('')}</DiskSection>
<NetworkSection><Info>networks</Info><Network ovf:name="VM Network"><Description>VM Network</Description></Network></NetworkSection>
${virtualSystem({ id: name, cpus: 1, memoryMB: 512, disksMiB: ids.map(() => capacityMiB), nics: ['VM Network'] }, ids)}
</Envelope>
`;
  const ova = path.join(dir, `${name}.ova`);
  const w = await OvaWriter.create(ova, Buffer.byteLength(descriptor));
  const hash = createHash('sha256');
  for (const [i, href] of hrefs.entries()) await w.addStream(href, fs.createReadStream(vmdk, { highWaterMark: 1 << 20 }), i === 0 && options.manifest ? (c) => hash.update(c) : undefined);
  const stored = await w.writeDescriptor(`${name}.ovf`, descriptor);
  if (options.manifest) {
    const digest = hash.digest('hex');
    const lines = [`SHA256(${name}.ovf)= ${createHash('sha256').update(stored).digest('hex')}`, ...hrefs.map((href) => `SHA256(${href})= ${digest}`)];
    await w.addBuffer(`${name}.mf`, Buffer.from(lines.join('\n') + '\n'));
  }
  await w.close();
  return ova;
}

/**
 * A temporary folder for a test file's packages, and `pkg(file)` to open one for an import; every
 * opened source is closed and the folder removed after the run (a root-level `after` hook).
 */
export function packageScope(prefix: string): { tmp: string; pkg(file: string): Promise<PackageSource> } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const opened: PackageSource[] = [];
  after(async () => {
    for (const s of opened) await s.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  return {
    tmp,
    async pkg(file) {
      const s = await openPackage(file);
      opened.push(s);
      return s;
    },
  };
}
