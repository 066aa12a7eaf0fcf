/**
 * CreateDescriptor: an OVF descriptor (1.x, or 2.0 on request) for a VM or vApp described as
 * vim25 configuration JSON (`VirtualMachineConfigInfo`-shaped), with References, DiskSection,
 * NetworkSection, VirtualHardwareSection, ProductSection and AnnotationSection. Written with a
 * small escaping writer: no text is spliced into XML unescaped.
 * @see vim25 OvfManager.CreateDescriptor, vsphere-ovf-api.md §2 (OvfCreateDescriptorParams, OvfFile), §3
 */
import type { OvfFault, OvfIssue } from '../faults';
import { escapeXmlAttribute, escapeXmlText, withoutNonXmlChars } from '../xml-escape';
import { RASD_FOR_DEVICE } from '../importspec/devices';
import { issue, qv } from '../importspec/issues';
import { CIM_OS_TO_GUEST_ID } from '../importspec/osids';
import type { ImportSpec, OptionValue, VAppEntityConfigInfo, VirtualDevice } from '../importspec/types';
import type { OvfCreateDescriptorParams, OvfCreateDescriptorResult, OvfFile, VAppIPAssignmentInfo, VAppProductInfo, VAppPropertyInfo } from '../vim25';

/** A VM as CreateDescriptor sees it. @see vim25 VirtualMachineConfigInfo */
export interface VirtualMachineConfigInfo {
  _typeName?: 'VirtualMachineConfigInfo';
  name: string;
  guestId: string;
  /** `vmx-NN`. */
  version: string;
  uuid?: string;
  annotation?: string;
  firmware?: 'bios' | 'efi';
  bootOptions?: { efiSecureBootEnabled?: boolean };
  hardware: { numCPU: number; numCoresPerSocket?: number; memoryMB: number; device: VirtualDevice[] };
  extraConfig?: OptionValue[];
  vAppConfig?: {
    product?: VAppProductInfo[];
    property?: VAppPropertyInfo[];
    ipAssignment?: VAppIPAssignmentInfo;
    eula?: string[];
    ovfEnvironmentTransport?: string[];
  };
}

/** A vApp as CreateDescriptor sees it: its options and its children. @see vim25 VAppConfigInfo */
export interface VirtualAppConfigInfo {
  _typeName: 'VirtualApp';
  name: string;
  annotation?: string;
  vAppConfig?: {
    product?: VAppProductInfo[];
    property?: VAppPropertyInfo[];
    entityConfig?: VAppEntityConfigInfo[];
  };
  child: DescriptorSource[];
}

/** What CreateDescriptor describes: a VM or a vApp. */
export type DescriptorSource = VirtualMachineConfigInfo | VirtualAppConfigInfo;

/** Export option keywords (the same words as ovftool's --exportFlags). @see vim25 OvfManager.ovfExportOption */
export const EXPORT_OPTIONS = {
  mac: 'Keep the MAC addresses of the network adapters',
  uuid: 'Keep the BIOS UUID of the virtual machine',
  extraconfig: 'Include the extra configuration (vmw:ExtraConfig) of the virtual machine',
  nodevicesubtypes: 'Omit the device subtypes (rasd:ResourceSubType) of controllers and adapters',
} as const;

/**
 * Digests of an export's manifest, spelled as the `.mf` lines and `ovfkit export
 * --algorithm` write them (`SHA256(disk.vmdk)= …`). @see vim25 OvfFile, DSP0243 §5.1
 */
export const MANIFEST_ALGORITHMS = ['SHA256', 'SHA512', 'SHA1'] as const;
export type ManifestAlgorithmName = (typeof MANIFEST_ALGORITHMS)[number];

/**
 * A manifest algorithm as written by a user: the `.mf` spelling, or its lower case (CDKTF's and
 * the CLI's old spelling), read with a deprecation `warning`; anything else is an `error`.
 * `input` names the input in the messages.
 * @example readManifestAlgorithm('sha256', 'manifestAlgorithm') // { algorithm: 'SHA256', warning: 'manifestAlgorithm "sha256" is deprecated: write "SHA256", …' }
 */
export function readManifestAlgorithm(text: unknown, input: string): { algorithm: ManifestAlgorithmName; warning?: string } | { error: string } {
  const canonical = MANIFEST_ALGORITHMS.find((a) => a === text);
  if (canonical) return { algorithm: canonical };
  const folded = typeof text === 'string' ? MANIFEST_ALGORITHMS.find((a) => a === text.toUpperCase()) : undefined;
  if (folded) return { algorithm: folded, warning: `${input} ${JSON.stringify(text)} is deprecated: write ${JSON.stringify(folded)}, as the manifest, Pulumi, CDKTF, Terraform and the CLI spell it; the lower-case spelling is accepted for one release` };
  return { error: `${input} must be ${MANIFEST_ALGORITHMS.join(', ')} (got ${JSON.stringify(text)})` };
}

export interface CreateDescriptorOptions {
  /** Write OVF 2.0 instead of 1.x. @default false */
  ovf2?: boolean;
}

const NS1 = 'http://schemas.dmtf.org/ovf/envelope/1';
const NS2 = 'http://schemas.dmtf.org/ovf/envelope/2';
const STREAM_OPTIMIZED = 'http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized';
const BUILTIN = new Set(['VirtualPCIController', 'VirtualPS2Controller', 'VirtualSIOController', 'VirtualKeyboard', 'VirtualPointingDevice']);

/**
 * An attribute value or element text from a VM's configuration, which may hold characters XML
 * cannot carry (a control character pasted into an annotation): dropped, so the descriptor is
 * still written, then escaped.
 */
const attrValue = (v: string | number): string => escapeXmlAttribute(withoutNonXmlChars(String(v)));
const textValue = (v: string | number): string => escapeXmlText(withoutNonXmlChars(String(v)));

function attributes(attrs: Array<[string, string | number | undefined]>): string {
  return attrs.map(([k, v]) => (v === undefined ? '' : ` ${k}="${attrValue(v)}"`)).join('');
}

/** A tiny XML writer: elements, attributes in the given order, escaped text. */
class Xml {
  private readonly out: string[];
  /** `depth` > 0: a fragment to be placed that deep inside another writer's output, without the XML declaration. */
  constructor(private depth = 0) {
    this.out = depth === 0 ? ['<?xml version="1.0" encoding="UTF-8"?>\n'] : [];
  }
  open(name: string, attrs: Array<[string, string | number | undefined]> = [], selfClose = false): void {
    this.out.push(`${'  '.repeat(this.depth)}<${name}${attributes(attrs)}${selfClose ? '/>' : '>'}\n`);
    if (!selfClose) this.depth++;
  }
  close(name: string): void {
    this.depth--;
    this.out.push(`${'  '.repeat(this.depth)}</${name}>\n`);
  }
  leaf(name: string, content: string | number, attrs: Array<[string, string | number | undefined]> = []): void {
    this.out.push(`${'  '.repeat(this.depth)}<${name}${attributes(attrs)}>${textValue(content)}</${name}>\n`);
  }
  /** Markup built by the caller from escaped parts. */
  raw(markup: string): void {
    this.out.push(`${'  '.repeat(this.depth)}${markup}\n`);
  }
  toString(): string {
    return this.out.join('');
  }
}

interface DiskOut {
  diskId: string;
  capacityBytes: number;
  fileRef?: string;
  populatedSize?: number;
}

interface FileOut {
  id: string;
  href: string;
  size?: number;
  compression?: string;
  chunkSize?: number;
}

/** Maps a vApp type back to an OVF type and qualifiers. */
export function ovfTypeOf(vAppType: string | undefined, defaultValue = ''): { type: string; qualifiers?: string; password?: boolean; expression?: boolean } {
  const t = (vAppType ?? 'string').trim();
  if (t === 'expression') {
    // `${net:VM Network}` → Net("VM Network"); `${vimIp:}` → VimIp. @see vsphere-ovf-api.md §4
    const e = /^\$\{(\w+):(.*)\}$/.exec(defaultValue);
    if (!e) return { type: 'string', expression: true };
    const name = e[1]![0]!.toUpperCase() + e[1]!.slice(1);
    return { type: 'string', qualifiers: e[2] ? `${name}("${e[2]}")` : name, expression: true };
  }
  let m: RegExpExecArray | null;
  const range = (a: string | undefined, b: string | undefined, lo: string, hi: string): string | undefined => {
    const q = [a ? `${lo}(${a})` : '', b ? `${hi}(${b})` : ''].filter(Boolean).join(',');
    return q || undefined;
  };
  if ((m = /^(string|password)(?:\((\d*)\.\.(\d*)\))?$/.exec(t))) {
    const out: { type: string; qualifiers?: string; password?: boolean } = { type: 'string' };
    const q = range(m[2], m[3], 'MinLen', 'MaxLen');
    if (q) out.qualifiers = q;
    if (m[1] === 'password') out.password = true;
    return out;
  }
  if ((m = /^string\[(.*)\]$/s.exec(t))) return { type: 'string', qualifiers: `ValueMap{${m[1]!.replace(/"\s*,\s*"/g, '","')}}` };
  if ((m = /^int(?:\((-?\d*)\.\.(-?\d*)\))?$/.exec(t))) {
    const q = range(m[1], m[2], 'MinValue', 'MaxValue');
    return q ? { type: 'sint32', qualifiers: q } : { type: 'sint32' };
  }
  if ((m = /^real(?:\(([-\d.eE+]*)\.\.([-\d.eE+]*)\))?$/.exec(t))) {
    const q = range(m[1], m[2], 'MinValue', 'MaxValue');
    return q ? { type: 'real64', qualifiers: q } : { type: 'real64' };
  }
  if (t === 'boolean') return { type: 'boolean' };
  if ((m = /^ip(?::(.*))?$/.exec(t))) return { type: 'string', qualifiers: m[1] ? `Ip("${m[1]}")` : 'Ip' };
  return { type: 'string' };
}

/** The CIM OS code for a guest id (1 Other / 102 Other 64-Bit when unknown). */
function cimOsFor(guestId: string): number {
  for (const [code, [, id]] of Object.entries(CIM_OS_TO_GUEST_ID)) if (id === guestId && code !== '0') return Number(code);
  return /64/.test(guestId) ? 102 : 1;
}

class DescriptorWriter {
  readonly error: OvfIssue[] = [];
  readonly warning: OvfIssue[] = [];
  includeImageFiles = false;
  private readonly files: FileOut[] = [];
  private readonly disks: DiskOut[] = [];
  private readonly networks = new Set<string>();
  private readonly options: Set<string>;
  private readonly ovfFiles: OvfFile[] | undefined;

  constructor(private readonly cdp: OvfCreateDescriptorParams, private readonly ovf2: boolean) {
    this.options = new Set((cdp.exportOption ?? []).map((o) => o.toLowerCase()));
    this.ovfFiles = cdp.ovfFiles && cdp.ovfFiles.length > 0 ? cdp.ovfFiles : undefined;
  }

  private fault(code: 'DEVICE_NOT_EXPORTED' | 'CONNECTED_MEDIA' | 'CONFIG_INVALID', fault: OvfFault, msg: string, warning: boolean, path: string): void {
    (warning ? this.warning : this.error).push(issue(code, fault, msg, { path }));
  }

  write(src: DescriptorSource): string {
    // Written at its final depth, not re-indented afterwards: indenting after the fact would add
    // spaces inside multi-line text (an annotation) and change the value.
    const body = new Xml(1);
    const topName = this.cdp.name || src.name;
    this.entity(body, src, topName, true, `/${topName}`);
    const x = new Xml();
    const ns = this.ovf2 ? NS2 : NS1;
    x.open('Envelope', [
      ['xmlns', ns],
      ['xmlns:ovf', ns],
      ['xmlns:cim', 'http://schemas.dmtf.org/wbem/wscim/1/common'],
      ['xmlns:rasd', 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData'],
      ['xmlns:vssd', 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData'],
      ['xmlns:vmw', 'http://www.vmware.com/schema/ovf'],
      ['xmlns:xsi', 'http://www.w3.org/2001/XMLSchema-instance'],
      ['ovf:version', this.ovf2 ? '2.0' : '1.1'],
    ]);
    x.open('References');
    for (const f of this.files) {
      x.open('File', [['ovf:href', f.href], ['ovf:id', f.id], ['ovf:size', f.size], ['ovf:compression', f.compression], ['ovf:chunkSize', f.chunkSize]], true);
    }
    x.close('References');
    if (this.disks.length) {
      x.open('DiskSection');
      x.leaf('Info', 'Virtual disk information');
      for (const d of this.disks) {
        x.open('Disk', [['ovf:capacity', d.capacityBytes], ['ovf:capacityAllocationUnits', 'byte'], ['ovf:diskId', d.diskId], ['ovf:fileRef', d.fileRef], ['ovf:format', STREAM_OPTIMIZED], ['ovf:populatedSize', d.populatedSize]], true);
      }
      x.close('DiskSection');
    }
    if (this.networks.size) {
      x.open('NetworkSection');
      x.leaf('Info', 'The list of logical networks');
      for (const n of this.networks) {
        x.open('Network', [['ovf:name', n]]);
        x.leaf('Description', `The ${n} network`);
        x.close('Network');
      }
      x.close('NetworkSection');
    }
    return `${x.toString()}${body.toString()}</Envelope>\n`;
  }

  private entity(x: Xml, src: DescriptorSource, name: string, top: boolean, path: string): void {
    const annotation = top && this.cdp.description !== undefined ? this.cdp.description : src.annotation;
    if (src._typeName === 'VirtualApp') {
      x.open('VirtualSystemCollection', [['ovf:id', name]]);
      x.leaf('Info', 'A vApp');
      x.leaf('Name', name);
      if (annotation) this.annotation(x, annotation);
      const ec = src.vAppConfig?.entityConfig ?? [];
      if (ec.length) {
        x.open('StartupSection');
        x.leaf('Info', 'The start and stop order of the virtual machines');
        for (const e of ec) {
          if (!e.tag) continue;
          x.open('Item', [['ovf:id', e.tag], ['ovf:order', e.startOrder ?? 0], ['ovf:startDelay', e.startDelay ?? 0], ['ovf:waitingForGuest', String(e.waitingForGuest ?? false)], ['ovf:startAction', e.startAction ?? 'powerOn'], ['ovf:stopDelay', e.stopDelay ?? 0], ['ovf:stopAction', e.stopAction ?? 'powerOff']], true);
        }
        x.close('StartupSection');
      }
      this.products(x, src.vAppConfig?.product ?? [], src.vAppConfig?.property ?? []);
      for (const child of src.child) this.entity(x, child, child.name, false, `${path}/${child.name}`);
      x.close('VirtualSystemCollection');
      return;
    }
    this.vm(x, src, name, annotation, path);
  }

  private annotation(x: Xml, text: string): void {
    x.open('AnnotationSection');
    x.leaf('Info', 'A human-readable annotation');
    x.leaf('Annotation', text);
    x.close('AnnotationSection');
  }

  private vm(x: Xml, vm: VirtualMachineConfigInfo, name: string, annotation: string | undefined, path: string): void {
    x.open('VirtualSystem', [['ovf:id', name]]);
    x.leaf('Info', 'A virtual machine');
    x.leaf('Name', name);
    if (annotation) this.annotation(x, annotation);
    x.open('OperatingSystemSection', [['ovf:id', cimOsFor(vm.guestId)], ['vmw:osType', vm.guestId]]);
    x.leaf('Info', 'The kind of installed guest operating system');
    x.close('OperatingSystemSection');
    const transport = vm.vAppConfig?.ovfEnvironmentTransport ?? [];
    x.open('VirtualHardwareSection', transport.length ? [['ovf:transport', transport.join(' ')]] : []);
    x.leaf('Info', 'Virtual hardware requirements');
    x.open('System');
    x.leaf('vssd:ElementName', 'Virtual Hardware Family');
    x.leaf('vssd:InstanceID', 0);
    x.leaf('vssd:VirtualSystemIdentifier', name);
    x.leaf('vssd:VirtualSystemType', vm.version);
    x.close('System');
    const hw = vm.hardware;
    this.item(x, {
      AllocationUnits: 'hertz * 10^6',
      Description: 'Number of Virtual CPUs',
      ElementName: `${hw.numCPU} virtual CPU(s)`,
      InstanceID: '1',
      ResourceType: '3',
      VirtualQuantity: String(hw.numCPU),
    }, hw.numCoresPerSocket !== undefined ? [`<vmw:CoresPerSocket ovf:required="false">${hw.numCoresPerSocket}</vmw:CoresPerSocket>`] : []);
    this.item(x, {
      AllocationUnits: 'byte * 2^20',
      Description: 'Memory Size',
      ElementName: `${hw.memoryMB}MB of memory`,
      InstanceID: '2',
      ResourceType: '4',
      VirtualQuantity: String(hw.memoryMB),
    });
    const instanceOf = new Map<number, string>();
    let next = 3;
    const devices = [...hw.device].sort((a, b) => Number(!isController(a)) - Number(!isController(b)));
    for (const d of devices) if (!BUILTIN.has(d._typeName)) instanceOf.set(d.key, String(next++));
    let diskNo = 0;
    for (const d of devices) {
      if (BUILTIN.has(d._typeName)) continue;
      const rasd = RASD_FOR_DEVICE[d._typeName];
      const label = d.deviceInfo?.label ?? d._typeName;
      if (!rasd) {
        this.fault('DEVICE_NOT_EXPORTED', { _typeName: 'OvfUnsupportedDeviceExport', vmPath: path, device: d as unknown as Record<string, unknown> }, `Device ${qv(label)} (${d._typeName}) of ${qv(name)} cannot be described in OVF; it is left out`, true, `${path}/${label}`);
        continue;
      }
      const [rt, sub] = rasd;
      const r: Record<string, string> = { ElementName: label, InstanceID: instanceOf.get(d.key)!, ResourceType: String(rt) };
      if (sub && !this.options.has('nodevicesubtypes')) r['ResourceSubType'] = sub;
      if (d.deviceInfo?.summary && d.deviceInfo.summary !== label) r['Description'] = d.deviceInfo.summary;
      if (d.controllerKey !== undefined && instanceOf.has(d.controllerKey)) r['Parent'] = instanceOf.get(d.controllerKey)!;
      if (d.unitNumber !== undefined) r['AddressOnParent'] = String(d.unitNumber);
      if (typeof d['busNumber'] === 'number') r['Address'] = String(d['busNumber']);
      const backing = d.backing;
      if (d._typeName === 'VirtualDisk') {
        const capacity = typeof d['capacityInBytes'] === 'number' ? d['capacityInBytes'] : typeof d['capacityInKB'] === 'number' ? d['capacityInKB'] * 1024 : undefined;
        if (capacity === undefined) {
          this.fault('CONFIG_INVALID', { _typeName: 'OvfUnableToExportDisk', vmPath: path, diskName: label }, `Disk ${qv(label)} of ${qv(name)} has no capacityInKB or capacityInBytes`, false, `${path}/${label}`);
          continue;
        }
        diskNo++;
        const diskId = `vmdisk${this.disks.length + 1}`;
        const deviceId = `/${name}/${this.controllerClass(hw.device, d.controllerKey)}${this.busOf(hw.device, d.controllerKey)}:${d.unitNumber ?? 0}`;
        const disk: DiskOut = { diskId, capacityBytes: capacity };
        const file = this.fileFor(deviceId, `${name}-disk${diskNo}.vmdk`);
        if (file) {
          disk.fileRef = file.file.id;
          if (file.ovf?.capacity !== undefined) disk.capacityBytes = file.ovf.capacity;
          if (file.ovf?.populatedSize !== undefined) disk.populatedSize = file.ovf.populatedSize;
        }
        this.disks.push(disk);
        r['HostResource'] = `ovf:/disk/${diskId}`;
      } else if (d._typeName === 'VirtualNVDIMM' && typeof d['capacityInMB'] === 'number') {
        r['AllocationUnits'] = 'byte * 2^20';
        r['VirtualQuantity'] = String(d['capacityInMB']);
      } else if (RASD_FOR_DEVICE[d._typeName]?.[0] === 10) {
        const net = String(backing?.['deviceName'] ?? (backing?.['port'] as { portgroupKey?: string } | undefined)?.portgroupKey ?? 'VM Network');
        this.networks.add(net);
        r['Connection'] = net;
        r['AutomaticAllocation'] = String(d.connectable?.startConnected ?? true);
        if (this.options.has('mac') && typeof d['macAddress'] === 'string') r['Address'] = d['macAddress'];
      } else if (d._typeName === 'VirtualCdrom' || d._typeName === 'VirtualFloppy') {
        r['AutomaticAllocation'] = String(d.connectable?.startConnected ?? false);
        const image = backing?._typeName === 'VirtualCdromIsoBackingInfo' || backing?._typeName === 'VirtualFloppyImageBackingInfo';
        if (image) {
          this.includeImageFiles = true;
          const fileName = String(backing?.['fileName'] ?? '');
          if (this.cdp.includeImageFiles) {
            const ext = d._typeName === 'VirtualCdrom' ? 'iso' : 'flp';
            const deviceId = `/${name}/${d._typeName === 'VirtualCdrom' ? this.controllerClass(hw.device, d.controllerKey) + this.busOf(hw.device, d.controllerKey) + ':' + (d.unitNumber ?? 0) : 'VirtualFloppy0'}`;
            const file = this.fileFor(deviceId, `${name}-file${this.files.length + 1}.${ext}`);
            if (file) r['HostResource'] = `ovf:/file/${file.file.id}`;
          } else if (d.connectable?.startConnected) {
            const fault: OvfFault = d._typeName === 'VirtualCdrom'
              ? { _typeName: 'OvfConnectedDeviceIso', vmPath: path, filename: fileName }
              : { _typeName: 'OvfConnectedDeviceFloppy', vmPath: path, filename: fileName };
            this.fault('CONNECTED_MEDIA', fault, `${d._typeName === 'VirtualCdrom' ? 'CD-ROM' : 'Floppy'} ${qv(label)} of ${qv(name)} has image ${qv(fileName)} connected; the image is not exported (set includeImageFiles to include it)`, true, `${path}/${label}`);
          }
        }
      }
      this.item(x, r, itemConfig(d));
    }
    if (vm.firmware) x.open('vmw:Config', [['ovf:required', 'false'], ['vmw:key', 'firmware'], ['vmw:value', vm.firmware]], true);
    if (vm.bootOptions?.efiSecureBootEnabled !== undefined) {
      x.open('vmw:Config', [['ovf:required', 'false'], ['vmw:key', 'bootOptions.efiSecureBootEnabled'], ['vmw:value', String(vm.bootOptions.efiSecureBootEnabled)]], true);
    }
    if (this.options.has('uuid') && vm.uuid) x.open('vmw:Config', [['ovf:required', 'false'], ['vmw:key', 'uuid'], ['vmw:value', vm.uuid]], true);
    if (this.options.has('extraconfig')) {
      for (const e of vm.extraConfig ?? []) x.open('vmw:ExtraConfig', [['ovf:required', 'false'], ['vmw:key', e.key], ['vmw:value', e.value]], true);
    }
    x.close('VirtualHardwareSection');
    this.products(x, vm.vAppConfig?.product ?? [], vm.vAppConfig?.property ?? []);
    for (const e of vm.vAppConfig?.eula ?? []) {
      x.open('EulaSection');
      x.leaf('Info', 'An end-user license agreement');
      x.leaf('License', e);
      x.close('EulaSection');
    }
    x.close('VirtualSystem');
  }

  private controllerClass(devices: VirtualDevice[], key: number | undefined): string {
    return devices.find((d) => d.key === key)?._typeName ?? 'VirtualController';
  }

  private busOf(devices: VirtualDevice[], key: number | undefined): number {
    const b = devices.find((d) => d.key === key)?.['busNumber'];
    return typeof b === 'number' ? b : 0;
  }

  /** The File for a device: from `ovfFiles` in a real run, a default name in the dry run. */
  private fileFor(deviceId: string, defaultName: string): { file: FileOut; ovf?: OvfFile } | undefined {
    if (!this.ovfFiles) {
      const file: FileOut = { id: `file${this.files.length + 1}`, href: defaultName };
      this.files.push(file);
      return { file };
    }
    const f = this.ovfFiles.find((o) => o.deviceId === deviceId);
    if (!f) return undefined;
    const file: FileOut = { id: `file${this.files.length + 1}`, href: f.path, size: f.size };
    if (f.compressionMethod) file.compression = f.compressionMethod;
    if (f.chunkSize !== undefined) file.chunkSize = f.chunkSize;
    this.files.push(file);
    return { file, ovf: f };
  }

  private item(x: Xml, rasd: Record<string, string>, extra: string[] = []): void {
    x.open('Item');
    for (const k of Object.keys(rasd).sort()) x.leaf(`rasd:${k}`, rasd[k]!);
    for (const e of extra) x.raw(e);
    x.close('Item');
  }

  private products(x: Xml, products: VAppProductInfo[], properties: VAppPropertyInfo[]): void {
    const sections = products.length ? products : properties.length ? [{ key: 0 } as VAppProductInfo] : [];
    for (const p of sections) {
      const mine = properties.filter((q) => (q.classId ?? '') === (p.classId ?? '') && (q.instanceId ?? '') === (p.instanceId ?? ''));
      x.open('ProductSection', [['ovf:class', p.classId || undefined], ['ovf:instance', p.instanceId || undefined]]);
      x.leaf('Info', 'Information about the installed software');
      if (p.name) x.leaf('Product', p.name);
      if (p.vendor) x.leaf('Vendor', p.vendor);
      if (p.version) x.leaf('Version', p.version);
      if (p.fullVersion) x.leaf('FullVersion', p.fullVersion);
      if (p.productUrl) x.leaf('ProductUrl', p.productUrl);
      if (p.vendorUrl) x.leaf('VendorUrl', p.vendorUrl);
      if (p.appUrl) x.leaf('AppUrl', p.appUrl);
      let category: string | undefined;
      for (const q of mine) {
        if (q.category && q.category !== category) {
          x.leaf('Category', q.category);
          category = q.category;
        }
        const t = ovfTypeOf(q.type, q.defaultValue);
        const password = t.password === true;
        // Password values never leave through a descriptor; an expression is its qualifier.
        const value = password || (t.expression && t.qualifiers) ? '' : (q.value || q.defaultValue || '');
        x.open('Property', [
          ['ovf:key', q.id ?? `property${q.key}`],
          ['ovf:type', t.type],
          ['ovf:qualifiers', t.qualifiers],
          ['ovf:userConfigurable', q.userConfigurable ? 'true' : 'false'],
          ['ovf:value', value],
          ['ovf:password', password ? 'true' : undefined],
        ]);
        if (q.label) x.leaf('Label', q.label);
        if (q.description) x.leaf('Description', q.description);
        x.close('Property');
      }
      x.close('ProductSection');
    }
  }
}

function isController(d: VirtualDevice): boolean {
  return /Controller$/.test(d._typeName) && !BUILTIN.has(d._typeName);
}

/** vmw:Config children of a device Item, for the settings vSphere exports this way. */
function itemConfig(d: VirtualDevice): string[] {
  const out: string[] = [];
  const add = (key: string, v: unknown): void => {
    if (v !== undefined && v !== null && typeof v !== 'object') out.push(`<vmw:Config ovf:required="false" vmw:key="${attrValue(key)}" vmw:value="${attrValue(String(v))}"/>`);
  };
  if (d._typeName === 'VirtualDisk') add('backing.writeThrough', d.backing?.['writeThrough']);
  if (typeof d['wakeOnLanEnabled'] === 'boolean') add('wakeOnLanEnabled', d['wakeOnLanEnabled']);
  if (d._typeName === 'VirtualMachineVideoCard') {
    add('videoRamSizeInKB', d['videoRamSizeInKB']);
    add('numDisplays', d['numDisplays']);
    add('enable3DSupport', d['enable3DSupport']);
  }
  const slot = d['slotInfo'] as { pciSlotNumber?: number } | undefined;
  if (slot?.pciSlotNumber !== undefined) add('slotInfo.pciSlotNumber', slot.pciSlotNumber);
  return out;
}

/**
 * Writes the descriptor of a VM or vApp. Without `cdp.ovfFiles` it is a dry run: every disk
 * gets a default file name (`<vm>-disk1.vmdk`) and no size. With it, only the listed files
 * are referenced, with their sizes, compression and chunk sizes.
 * @example
 * const r = createDescriptorFromConfig(vmConfig, { exportOption: ['mac'] });
 */
export function createDescriptorFromConfig(src: DescriptorSource, cdp: OvfCreateDescriptorParams, options: CreateDescriptorOptions = {}): OvfCreateDescriptorResult {
  const w = new DescriptorWriter(cdp, options.ovf2 === true);
  const xml = w.write(src);
  const result: OvfCreateDescriptorResult = { ovfDescriptor: w.error.length ? '' : xml };
  if (w.error.length) result.error = w.error;
  if (w.warning.length) result.warning = w.warning;
  if (w.includeImageFiles) result.includeImageFiles = true;
  return result;
}

/**
 * The VirtualMachineConfigInfo a VM would have after importing `spec`: what CreateDescriptor
 * describes when exporting it again (used by the round-trip tests and `ovfkit descriptor`).
 */
export function configInfoFromImportSpec(spec: ImportSpec): DescriptorSource {
  if (spec._typeName === 'VirtualAppImportSpec') {
    const app: VirtualAppConfigInfo = { _typeName: 'VirtualApp', name: spec.name, child: (spec.child ?? []).map(configInfoFromImportSpec) };
    const v = spec.vAppConfigSpec;
    const cfg: NonNullable<VirtualAppConfigInfo['vAppConfig']> = {};
    if (v.product?.length) cfg.product = v.product.map((p) => p.info);
    if (v.property?.length) cfg.property = v.property.map((p) => p.info);
    if (v.entityConfig?.length) cfg.entityConfig = v.entityConfig;
    if (Object.keys(cfg).length) app.vAppConfig = cfg;
    if (v.annotation) app.annotation = v.annotation;
    return app;
  }
  const c = spec.configSpec;
  const vm: VirtualMachineConfigInfo = {
    name: c.name,
    guestId: c.guestId,
    version: c.version,
    hardware: { numCPU: c.numCPUs, memoryMB: c.memoryMB, device: c.deviceChange.map((d) => d.device) },
  };
  if (c.numCoresPerSocket !== undefined) vm.hardware.numCoresPerSocket = c.numCoresPerSocket;
  if (c.annotation) vm.annotation = c.annotation;
  if (c.firmware) vm.firmware = c.firmware;
  const sb = (c.bootOptions as { efiSecureBootEnabled?: unknown } | undefined)?.efiSecureBootEnabled;
  if (typeof sb === 'boolean') vm.bootOptions = { efiSecureBootEnabled: sb };
  if (c.extraConfig?.length) vm.extraConfig = c.extraConfig;
  const v = c.vAppConfig;
  if (v) {
    const cfg: NonNullable<VirtualMachineConfigInfo['vAppConfig']> = {};
    if (v.product?.length) cfg.product = v.product.map((p) => p.info);
    if (v.property?.length) cfg.property = v.property.map((p) => p.info);
    if (v.ipAssignment) cfg.ipAssignment = v.ipAssignment;
    if (v.eula?.length) cfg.eula = v.eula;
    if (v.ovfEnvironmentTransport?.length) cfg.ovfEnvironmentTransport = v.ovfEnvironmentTransport;
    vm.vAppConfig = cfg;
  }
  return vm;
}
