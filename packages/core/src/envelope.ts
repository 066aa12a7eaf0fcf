/**
 * Builds the typed OVF model ({@link Envelope}) from the XML tree, in one pass, reporting local
 * problems (missing/malformed attributes, unknown required sections, misplaced sections) as
 * issues. Cross-reference checks (dangling refs, duplicates, cycles, qualifiers) live in
 * validate.ts so that the model can be built for a broken descriptor too.
 *
 * @see DSP0243 §7–§10, ovf-spec-notes.md §3–§12
 */
import type { OvfIssue } from './faults';
import { type At, issues } from './messages';
import type {
  AnnotationSection, Category, Configuration, Content, DeploymentOptionSection, Disk, DiskSection, EulaSection, File,
  Envelope, Icon, InstallSection, IpAssignmentSection, Item, Msg, Network, NetworkSection, OperatingSystemSection,
  OtherSection, OvfVersion, ProductSection, Property, PropertyConfigurationValue, References, ResourceAllocationSection,
  StartupItem, StartupSection, StringsSection, System, VirtualHardwareSection, VirtualSystem, VirtualSystemCollection,
  VmwConfig,
} from './model';
import { NS, readTree, type XmlReadLimits, type XmlTree } from './xml';

/** The outcome of {@link readEnvelope}: the model (absent if the XML or root is unusable) and the issues. */
export interface ReadEnvelopeResult {
  envelope?: Envelope;
  error: OvfIssue[];
  warning: OvfIssue[];
}

/** OVF namespaces; "" too, because the oVirt dialect writes unqualified elements under an OVF root. */
const OVF_NS = new Set<string>([NS.ovf1, NS.ovf2, NS.ovf09, NS.ovf09dmtf, '']);
const isOvf = (uri: string): boolean => OVF_NS.has(uri);
const RASD_NS = new Set<string>([NS.rasd, NS.sasd, NS.epasd]);

/** DSP0243 sections ovfkit recognises but does not interpret (no OvfUnsupportedSection for them). */
const RECOGNISED_OVF_SECTIONS = new Set([
  'SharedDiskSection', 'ScaleOutSection', 'PlacementGroupSection', 'PlacementSection', 'EncryptionSection',
  'BootDeviceSection', 'EnvironmentFilesSection', 'ResourceAllocationSection', 'StartupSection',
]);
/**
 * vmw sections vSphere understands (it applies or keeps them), so a required one is no
 * OvfUnsupportedSection. The list and what ovfkit does with each: docs/vmw-sections.md.
 * @see ovf-spec-notes.md §12
 */
const RECOGNISED_VMW = new Set([
  'IpAssignmentSection', 'BootOrderSection', 'StorageGroupSection', 'StorageSection', 'TagBasedPlacementSection',
  'TagBasedPlacementGroupSection', 'vServiceDependencySection', 'CpuCompatibilitySection',
  'MigrationUpgradeRequisitesSection', 'VirtualDeviceGroupSection',
]);

/** Every property of CIM_ResourceAllocationSettingData and its storage/Ethernet subclasses (DSP8023 schemas). */
const RASD_ELEMENTS = new Set([
  'Address', 'AddressOnParent', 'AllocationUnits', 'AutomaticAllocation', 'AutomaticDeallocation', 'Caption',
  'ChangeableType', 'ConfigurationName', 'Connection', 'ConsumerVisibility', 'Description', 'ElementName', 'Generation',
  'HostResource', 'InstanceID', 'Limit', 'MappingBehavior', 'OtherResourceType', 'Parent', 'PoolID', 'Reservation',
  'ResourceSubType', 'ResourceType', 'VirtualQuantity', 'VirtualQuantityUnits', 'Weight',
  // OVF 0.9 RASD
  'BusNumber',
  // CIM_StorageAllocationSettingData
  'Access', 'HostExtentName', 'HostExtentNameFormat', 'HostExtentNameNamespace', 'HostExtentStartingAddress',
  'HostResourceBlockSize', 'OtherHostExtentNameFormat', 'OtherHostExtentNameNamespace', 'VirtualResourceBlockSize',
  // CIM_EthernetPortAllocationSettingData
  'AllowedPriorities', 'AllowedToReceiveMACAddresses', 'AllowedToReceiveVLANs', 'AllowedToTransmitMACAddresses',
  'AllowedToTransmitVLANs', 'DefaultPortVID', 'DefaultPriority', 'DesiredVLANEndpointMode', 'GroupID', 'ManagerID',
  'NetworkPortProfileID', 'NetworkPortProfileIDType', 'OtherEndpointMode', 'OtherNetworkPortProfileIDTypeInfo',
  'PortCorrelationID', 'PortVID', 'Promiscuous', 'ReceiveBandwidthLimit', 'ReceiveBandwidthReservation',
  'SourceMACFilteringEnabled',
]);
/** vmw elements vSphere reads inside an Item. */
const VMW_ITEM_ELEMENTS = new Set(['Config', 'CoresPerSocket']);

/**
 * Reads a descriptor into the OVF model. Never throws.
 * @example
 * const { envelope, error } = readEnvelope(fs.readFileSync('appliance.ovf'));
 */
export function readEnvelope(input: string | Uint8Array, limits?: XmlReadLimits): ReadEnvelopeResult {
  const xml = readTree(input, limits);
  const error = xml.error;
  const warning = xml.warning;
  if (!xml.tree) return { error, warning };
  try {
    const envelope = new EnvelopeBuilder(xml.tree, error, warning).envelope(0);
    return envelope ? { envelope, error, warning } : { error, warning };
  } catch (e) {
    // A bug here must not turn a descriptor into a crash: report it as the vSphere internal fault.
    error.push(issues.internal('read', e));
    return { error, warning };
  }
}

/** The element's (local) section name: `Section xsi:type="ovf:DiskSection_Type"` (OVF 0.9) → `DiskSection`. */
function sectionName(t: XmlTree, el: number): string {
  const local = t.local(el);
  if ((local === 'Section' || local === 'Content') && isOvf(t.uri(el))) {
    const x = xsiType(t, el);
    if (x) return x.replace(/_Type$/, '');
  }
  return local;
}

function xsiType(t: XmlTree, el: number): string | undefined {
  const v = t.attr(el, NS.xsi, 'type');
  if (v === undefined) return undefined;
  const i = v.indexOf(':');
  return i >= 0 ? v.slice(i + 1) : v;
}

/** An OVF attribute: `ovf:x` in any OVF namespace, or unqualified `x` (lenient, as ovftool is). */
function oa(t: XmlTree, el: number, local: string): string | undefined {
  let unqualified: string | undefined;
  const end = t.attrStart[el]! + t.attrCount[el]!;
  for (let k = t.attrStart[el]!; k < end; k++) {
    if (t.locals[t.attrNameId[k]!] !== local) continue;
    const uri = t.uris[t.attrUriId[k]!]!;
    if (isOvf(uri)) return t.attrValue[k];
    if (uri === '') unqualified = t.attrValue[k];
  }
  return unqualified;
}

function nsAttr(t: XmlTree, el: number, uri: string, local: string): string | undefined {
  return t.attr(el, uri, local);
}

/** The first OVF child element with this local name, or -1. */
function child(t: XmlTree, el: number, local: string): number {
  for (let c = t.first[el]!; c >= 0; c = t.next[c]!) if (t.local(c) === local && isOvf(t.uri(c))) return c;
  return -1;
}

function pos(t: XmlTree, el: number): { line: number; column: number } {
  return { line: t.line[el]!, column: t.column[el]! };
}

function bool(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  const t = v.trim().toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  return dflt;
}

/** Shared empty lists for the common case (most Items have no Connection, HostResource, Config). */
const NO_STRINGS: readonly string[] = Object.freeze([]);
const NO_CONFIG: readonly VmwConfig[] = Object.freeze([]);
function splitList(v: string | undefined): string[] {
  if (!v) return [];
  return v.split(/[\s,]+/).filter((s) => s.length > 0);
}

/** Parses a non-negative xs:long text; `undefined` result with an issue when it is not one. */
export function parseLong(text: string): { value?: number; problem?: 'malformed' | 'range' } {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) return { problem: 'malformed' };
  if (t.startsWith('-')) return /^-0+$/.test(t) ? { value: 0 } : { problem: 'range' };
  const n = Number(t);
  if (!Number.isSafeInteger(n)) return { problem: 'range' };
  return { value: n };
}

const BASE_UNITS: Record<string, number> = {
  byte: 1, bytes: 1, b: 1,
  kilobyte: 1024, kilobytes: 1024, kb: 1024, kibibyte: 1024, kibibytes: 1024, kib: 1024,
  megabyte: 2 ** 20, megabytes: 2 ** 20, mb: 2 ** 20, mebibyte: 2 ** 20, mebibytes: 2 ** 20, mib: 2 ** 20,
  gigabyte: 2 ** 30, gigabytes: 2 ** 30, gb: 2 ** 30, gibibyte: 2 ** 30, gibibytes: 2 ** 30, gib: 2 ** 30,
  terabyte: 2 ** 40, terabytes: 2 ** 40, tb: 2 ** 40, tebibyte: 2 ** 40, tebibytes: 2 ** 40, tib: 2 ** 40,
};

/**
 * Bytes per unit of a DSP0004 programmatic unit (`byte * 2^30`, `byte*1024`, `GigaBytes`);
 * `undefined` when not understood. Kilo/mega/giga are binary, as VMware and VirtualBox write them.
 * @see DSP0004 Annex C, govmomi ovf/parser.go
 */
export function unitBytes(units: string): number | undefined {
  const parts = units.toLowerCase().replace(/\s+/g, '').split('*');
  const base = BASE_UNITS[parts[0] ?? ''];
  if (base === undefined) return undefined;
  let factor = base;
  for (let i = 1; i < parts.length; i++) {
    const m = /^(\d{1,4})(?:\^(-?\d{1,3}))?$/.exec(parts[i]!);
    if (!m) return undefined;
    const f = m[2] === undefined ? Number(m[1]) : Number(m[1]) ** Number(m[2]);
    if (!Number.isFinite(f) || f <= 0) return undefined;
    factor *= f;
  }
  return Number.isFinite(factor) ? factor : undefined;
}

/**
 * `quantity` × `units` in bytes (`defaultUnit` bytes per unit when no units are given): the one
 * rule for Disk capacities (`ovf:capacity` × `ovf:capacityAllocationUnits`, a `${key}` value
 * included), memory and NVDIMM quantities and unbacked disk Items. Undefined when the units are
 * not understood or the product is not a whole number of bytes up to 2^53 − 1.
 * @example quantityBytes(10, 'byte * 2^30') // 10737418240
 */
export function quantityBytes(quantity: number, units: string | undefined, defaultUnit = 1): number | undefined {
  const factor = units === undefined ? defaultUnit : unitBytes(units);
  if (factor === undefined) return undefined;
  const b = quantity * factor;
  return Number.isSafeInteger(b) ? b : undefined;
}

class EnvelopeBuilder {
  constructor(private readonly t: XmlTree, private readonly error: OvfIssue[], private readonly warning: OvfIssue[]) {}

  private at(el: number, path: string): At {
    const t = this.t;
    return { line: t.line[el]!, column: t.column[el]!, path };
  }

  private msg(el: number): Msg | undefined {
    const t = this.t;
    if (el < 0) return undefined;
    const msgid = oa(t, el, 'msgid');
    const text = t.text(el).trim();
    return msgid === undefined ? { text } : { text, msgid };
  }

  /** Required attribute: reports missing/empty, returns "" then. */
  private req(el: number, local: string, elementName: string, path: string): string {
    const t = this.t;
    const v = oa(t, el, local);
    if (v === undefined) {
      this.error.push(issues.missingAttribute(this.at(el, path), elementName, `ovf:${local}`));
      return '';
    }
    if (v.trim() === '') {
      this.error.push(issues.emptyValue(this.at(el, `${path}/@ovf:${local}`), elementName, `ovf:${local}`));
      return '';
    }
    return v;
  }

  private long(el: number, text: string, elementName: string, attributeName: string, path: string): number | undefined {
    const t = this.t;
    const r = parseLong(text);
    if (r.problem === 'malformed') {
      this.error.push(issues.malformedNumber(this.at(el, `${path}/@${attributeName}`), elementName, attributeName, text, 'a whole number of bytes'));
    } else if (r.problem === 'range') {
      this.error.push(issues.numberOutOfRange(this.at(el, `${path}/@${attributeName}`), elementName, attributeName, text, `0 to ${Number.MAX_SAFE_INTEGER}`));
    }
    return r.value;
  }

  /** The section's `Info`; DSP0243 requires one on every OVF section (a warning when absent). */
  private info(el: number, path: string): Msg | undefined {
    const t = this.t;
    for (let c = t.first[el]!; c >= 0; c = t.next[c]!) if (t.local(c) === 'Info' && isOvf(t.uri(c))) return this.msg(c);
    if (isOvf(t.uri(el))) this.warning.push(issues.missingElement({ line: t.line[el]!, column: t.column[el]!, path }, sectionName(t, el), 'Info', `Add <Info> (a one-line description) as the first child of ${sectionName(t, el)}.`));
    return undefined;
  }

  envelope(root: number): Envelope | undefined {
    const t = this.t;
    const rootAt = this.at(root, '/Envelope');
    let ovfVersion: OvfVersion;
    if (t.uri(root) === NS.ovf1) ovfVersion = '1.x';
    else if (t.uri(root) === NS.ovf2) ovfVersion = '2.x';
    else if (t.uri(root) === NS.ovf09 || t.uri(root) === NS.ovf09dmtf) {
      ovfVersion = '0.9';
      this.warning.push(issues.legacyNamespace(rootAt, t.uri(root)));
    } else {
      this.error.push(issues.wrongNamespace({ ...rootAt, path: `/${t.local(root)}` }, t.uri(root), t.local(root)));
      return undefined;
    }
    if (t.local(root) !== 'Envelope') {
      this.error.push(issues.wrongNamespace({ ...rootAt, path: `/${t.local(root)}` }, t.uri(root), t.local(root)));
      return undefined;
    }
    let references: References | undefined;
    let diskSection: DiskSection | undefined;
    let sharedDiskSection: DiskSection | undefined;
    let networkSection: NetworkSection | undefined;
    let deploymentOptionSection: DeploymentOptionSection | undefined;
    let ipAssignmentSection: IpAssignmentSection | undefined;
    let content: Content | undefined;
    const otherSection: OtherSection[] = [];
    const strings: StringsSection[] = [];
    let stringsIndex = 0;

    for (let c = t.first[root]!; c >= 0; c = t.next[c]!) {
      const name = sectionName(t, c);
      if (isOvf(t.uri(c))) {
        switch (name) {
          case 'References':
            if (references) this.error.push(issues.duplicateSection(this.at(c, '/Envelope/References'), 'References', 'Envelope', references.pos.line));
            else references = this.references(c);
            continue;
          case 'DiskSection':
            if (diskSection) this.error.push(issues.duplicateSection(this.at(c, '/Envelope/DiskSection'), 'DiskSection', 'Envelope', diskSection.pos.line));
            else diskSection = this.diskSection(c, '/Envelope/DiskSection');
            continue;
          case 'SharedDiskSection':
            if (!sharedDiskSection) sharedDiskSection = this.diskSection(c, '/Envelope/SharedDiskSection');
            continue;
          case 'NetworkSection':
            if (networkSection) this.error.push(issues.duplicateSection(this.at(c, '/Envelope/NetworkSection'), 'NetworkSection', 'Envelope', networkSection.pos.line));
            else networkSection = this.networkSection(c);
            continue;
          case 'DeploymentOptionSection':
            if (deploymentOptionSection) this.error.push(issues.duplicateSection(this.at(c, '/Envelope/DeploymentOptionSection'), 'DeploymentOptionSection', 'Envelope', deploymentOptionSection.pos.line));
            else deploymentOptionSection = this.deploymentOptionSection(c);
            continue;
          case 'VirtualSystem':
          case 'VirtualSystemCollection':
            if (content) {
              this.error.push(issues.duplicateSection(this.at(c, `/Envelope/${name}`), 'VirtualSystem or VirtualSystemCollection', 'Envelope', content.pos.line));
            } else {
              content = this.content(c, name, '/Envelope');
            }
            continue;
          case 'Strings':
            strings.push(this.strings(c, `/Envelope/Strings[${++stringsIndex}]`));
            continue;
          case 'Info':
            continue;
          default:
            if (RECOGNISED_OVF_SECTIONS.has(name) || name.endsWith('Section') || t.local(c) === 'Section') {
              const s = this.otherSection(c, `/Envelope/${name}`);
              if (name === 'EulaSection') {
                // vSphere accepts an Envelope-level EULA with a warning (and does not show it).
                this.warning.push(issues.misplacedSection(this.at(c, `/Envelope/${name}`), name, 'Envelope', 'VirtualSystem or VirtualSystemCollection'));
              } else if (['ProductSection', 'AnnotationSection', 'OperatingSystemSection', 'VirtualHardwareSection', 'InstallSection'].includes(name)) {
                this.error.push(issues.misplacedSection(this.at(c, `/Envelope/${name}`), name, 'Envelope', 'VirtualSystem or VirtualSystemCollection'));
              } else if (!RECOGNISED_OVF_SECTIONS.has(name) && s.required) {
                (t.uri(c) === '' ? this.warning : this.error).push(issues.unsupportedSection(this.at(c, `/Envelope/${name}`), name, s.info?.text ?? ''));
              }
              otherSection.push(s);
            } else {
              this.warning.push(issues.unexpectedElement(this.at(c, `/Envelope/${t.name(c)}`), t.name(c), 'Envelope'));
            }
            continue;
        }
      }
      if (t.uri(c) === NS.vmw && t.local(c) === 'IpAssignmentSection') {
        ipAssignmentSection = this.ipAssignment(c, `/Envelope/${t.name(c)}`);
        continue;
      }
      this.extension(c, '/Envelope', otherSection);
    }

    const rootPos = pos(t, root);
    if (!references) {
      this.error.push(issues.missingElement(rootAt, 'Envelope', 'References', 'Add <References/> as the first child of Envelope (it may be empty).'));
    }
    if (!content) {
      this.error.push(issues.missingElement(rootAt, 'Envelope', 'VirtualSystem', 'Add the VirtualSystem or VirtualSystemCollection that describes the appliance.'));
    }
    const version = oa(t, root, 'version');
    const lang = nsAttr(t, root, NS.xml, 'lang');
    const env: Envelope = {
      pos: rootPos, path: '/Envelope', ovfVersion, namespaceURI: t.uri(root),
      ...(version !== undefined && { version }),
      ...(lang !== undefined && { lang }),
      ...(references && { references }),
      ...(diskSection && { diskSection }),
      ...(sharedDiskSection && { sharedDiskSection }),
      ...(networkSection && { networkSection }),
      ...(deploymentOptionSection && { deploymentOptionSection }),
      ...(ipAssignmentSection && { ipAssignmentSection }),
      otherSection,
      ...(content && { content }),
      strings,
    };
    return env;
  }

  /** A non-OVF element where sections go: a vendor section (kept; unsupported if required). */
  private extension(c: number, parentPath: string, otherSection: OtherSection[]): void {
    const t = this.t;
    const path = `${parentPath}/${t.name(c)}`;
    const s = this.otherSection(c, path);
    otherSection.push(s);
    const understood = t.uri(c) === NS.vmw && RECOGNISED_VMW.has(t.local(c));
    if (s.required && !understood) this.error.push(issues.unsupportedSection(this.at(c, path), t.name(c), s.info?.text ?? ''));
  }

  private otherSection(c: number, path: string): OtherSection {
    const t = this.t;
    const info = this.info(c, path);
    const xt = xsiType(t, c);
    return {
      pos: pos(t, c), path, required: bool(oa(t, c, 'required'), true),
      ...(info && { info }), namespaceURI: t.uri(c), localName: sectionName(t, c), ...(xt !== undefined && { xsiType: xt }),
    };
  }

  private references(el: number): References {
    const t = this.t;
    const file: File[] = [];
    let i = 0;
    for (let c = t.first[el]!; c >= 0; c = t.next[c]!) {
      if (t.local(c) !== 'File' || !isOvf(t.uri(c))) continue;
      const path = `/Envelope/References/File[${++i}]`;
      const id = this.req(c, 'id', 'File', path);
      const href = this.req(c, 'href', 'File', path);
      const sizeText = oa(t, c, 'size');
      const size = sizeText === undefined ? undefined : this.long(c, sizeText, 'File', 'ovf:size', path);
      const chunkSizeText = oa(t, c, 'chunkSize');
      const chunkSize = chunkSizeText === undefined ? undefined : this.long(c, chunkSizeText, 'File', 'ovf:chunkSize', path);
      if (chunkSize === 0) this.error.push(issues.numberOutOfRange(this.at(c, `${path}/@ovf:chunkSize`), 'File', 'ovf:chunkSize', '0', `1 to ${Number.MAX_SAFE_INTEGER}`));
      const compression = oa(t, c, 'compression');
      if (compression !== undefined && !['gzip', 'identity', 'bzip2', ''].includes(compression)) {
        this.error.push(issues.invalidValue(this.at(c, `${path}/@ovf:compression`), 'File', 'ovf:compression', compression, '"gzip" or "identity"', 'not a compression method OVF defines'));
      }
      file.push({
        pos: pos(t, c), path, id, href,
        ...(size !== undefined && { size }), ...(sizeText !== undefined && { sizeText }),
        ...(compression !== undefined && { compression }),
        ...(chunkSize !== undefined && { chunkSize }), ...(chunkSizeText !== undefined && { chunkSizeText }),
      });
    }
    return { pos: pos(t, el), path: '/Envelope/References', file };
  }

  private diskSection(el: number, sectionPath: string): DiskSection {
    const t = this.t;
    const disk: Disk[] = [];
    let i = 0;
    for (let c = t.first[el]!; c >= 0; c = t.next[c]!) {
      if (t.local(c) !== 'Disk' || !isOvf(t.uri(c))) continue;
      const path = `${sectionPath}/Disk[${++i}]`;
      const diskId = this.req(c, 'diskId', 'Disk', path);
      const capacity = oa(t, c, 'capacity');
      const units = oa(t, c, 'capacityAllocationUnits');
      let capacityBytes: number | undefined;
      let capacityPropertyRef: string | undefined;
      if (capacity === undefined) {
        // VirtualBox/Ganeti omit it for disks that come with a file: vSphere reads the size from the file.
        this.warning.push(issues.missingAttribute(this.at(c, path), 'Disk', 'ovf:capacity', 'Add ovf:capacity (in ovf:capacityAllocationUnits) so the size is known before upload.'));
      } else {
        const ref = /^\$\{([^}]+)\}$/.exec(capacity.trim());
        let factor: number | undefined = 1;
        if (units !== undefined) {
          factor = unitBytes(units);
          if (factor === undefined) this.error.push(issues.badUnits(this.at(c, `${path}/@ovf:capacityAllocationUnits`), 'Disk', 'ovf:capacityAllocationUnits', units));
        }
        if (ref) capacityPropertyRef = ref[1]!;
        else {
          const n = this.long(c, capacity, 'Disk', 'ovf:capacity', path);
          if (n !== undefined && factor !== undefined) {
            const b = quantityBytes(n, units);
            if (b !== undefined) capacityBytes = b;
            else this.error.push(issues.numberOutOfRange(this.at(c, `${path}/@ovf:capacity`), 'Disk', 'ovf:capacity', `${capacity} × ${units ?? 'byte'}`, `at most ${Number.MAX_SAFE_INTEGER} bytes`));
          }
        }
      }
      const populatedSizeText = oa(t, c, 'populatedSize');
      const populatedSize = populatedSizeText === undefined ? undefined : this.long(c, populatedSizeText, 'Disk', 'ovf:populatedSize', path);
      // An empty ovf:fileRef is a disk with no file, created blank (VMware's VCF appliances write it).
      const fileRef = oa(t, c, 'fileRef') || undefined;
      const format = oa(t, c, 'format');
      const parentRef = oa(t, c, 'parentRef');
      disk.push({
        pos: pos(t, c), path, diskId, capacity: capacity ?? '',
        ...(fileRef !== undefined && { fileRef }), ...(units !== undefined && { capacityAllocationUnits: units }),
        ...(capacityBytes !== undefined && { capacityBytes }), ...(capacityPropertyRef !== undefined && { capacityPropertyRef }),
        ...(format !== undefined && { format }), ...(populatedSizeText !== undefined && { populatedSizeText }),
        ...(populatedSize !== undefined && { populatedSize }), ...(parentRef !== undefined && { parentRef }),
      });
    }
    const info = this.info(el, sectionPath);
    return { pos: pos(t, el), path: sectionPath, required: bool(oa(t, el, 'required'), true), ...(info && { info }), disk };
  }

  private networkSection(el: number): NetworkSection {
    const t = this.t;
    const network: Network[] = [];
    let i = 0;
    for (let c = t.first[el]!; c >= 0; c = t.next[c]!) {
      if (t.local(c) !== 'Network' || !isOvf(t.uri(c))) continue;
      const path = `/Envelope/NetworkSection/Network[${++i}]`;
      const name = this.req(c, 'name', 'Network', path);
      const description = this.msg(child(t, c, 'Description'));
      network.push({ pos: pos(t, c), path, name, ...(description && { description }) });
    }
    const info = this.info(el, '/Envelope/NetworkSection');
    return { pos: pos(t, el), path: '/Envelope/NetworkSection', required: bool(oa(t, el, 'required'), true), ...(info && { info }), network };
  }

  private deploymentOptionSection(el: number): DeploymentOptionSection {
    const t = this.t;
    const configuration: Configuration[] = [];
    let i = 0;
    for (let c = t.first[el]!; c >= 0; c = t.next[c]!) {
      if (t.local(c) !== 'Configuration' || !isOvf(t.uri(c))) continue;
      const path = `/Envelope/DeploymentOptionSection/Configuration[${++i}]`;
      const id = this.req(c, 'id', 'Configuration', path);
      let label: Msg | undefined;
      let description: Msg | undefined;
      for (let d = t.first[c]!; d >= 0; d = t.next[d]!) {
        if (!isOvf(t.uri(d))) continue;
        if (t.local(d) === 'Label') label = this.msg(d);
        else if (t.local(d) === 'Description') description = this.msg(d);
      }
      configuration.push({
        pos: pos(t, c), path, id, default: bool(oa(t, c, 'default'), false),
        ...(label && { label }), ...(description && { description }),
      });
    }
    const info = this.info(el, '/Envelope/DeploymentOptionSection');
    return { pos: pos(t, el), path: '/Envelope/DeploymentOptionSection', required: bool(oa(t, el, 'required'), true), ...(info && { info }), configuration };
  }

  private ipAssignment(el: number, path: string): IpAssignmentSection {
    const t = this.t;
    const info = this.info(el, path);
    return {
      pos: pos(t, el), path, required: bool(oa(t, el, 'required'), true), ...(info && { info }),
      schemes: splitList(nsAttr(t, el, NS.vmw, 'schemes')), protocols: splitList(nsAttr(t, el, NS.vmw, 'protocols')),
    };
  }

  private strings(el: number, path: string): StringsSection {
    const t = this.t;
    const msg = new Map<string, string>();
    for (let c = t.first[el]!; c >= 0; c = t.next[c]!) {
      if (t.local(c) !== 'Msg' || !isOvf(t.uri(c))) continue;
      const id = oa(t, c, 'msgid');
      if (id !== undefined && !msg.has(id)) msg.set(id, t.text(c).trim());
    }
    const fileRef = oa(t, el, 'fileRef');
    return { pos: pos(t, el), path, lang: nsAttr(t, el, NS.xml, 'lang') ?? oa(t, el, 'lang') ?? '', ...(fileRef !== undefined && { fileRef }), msg };
  }

  private content(el: number, kind: 'VirtualSystem' | 'VirtualSystemCollection', parentPath: string): Content {
    const t = this.t;
    const rawId = oa(t, el, 'id');
    const path = `${parentPath}/${kind}[@ovf:id="${rawId ?? ''}"]`;
    const id = this.req(el, 'id', kind, path);
    let info: Msg | undefined;
    let name: Msg | undefined;
    const productSection: ProductSection[] = [];
    const eulaSection: EulaSection[] = [];
    let annotationSection: AnnotationSection | undefined;
    let ipAssignmentSection: IpAssignmentSection | undefined;
    let operatingSystemSection: OperatingSystemSection | undefined;
    let installSection: InstallSection | undefined;
    const virtualHardwareSection: VirtualHardwareSection[] = [];
    let resourceAllocationSection: ResourceAllocationSection | undefined;
    let startupSection: StartupSection | undefined;
    const children: Content[] = [];
    const otherSection: OtherSection[] = [];
    const isVS = kind === 'VirtualSystem';
    const onlyIn = (c: number, sname: string, where: string): void => {
      this.error.push(issues.misplacedSection(this.at(c, `${path}/${sname}`), sname, kind, where));
    };

    for (let c = t.first[el]!; c >= 0; c = t.next[c]!) {
      const sname = sectionName(t, c);
      if (isOvf(t.uri(c))) {
        const spath = `${path}/${sname}`;
        switch (sname) {
          case 'Info': info = this.msg(c); continue;
          case 'Name': name = this.msg(c); continue;
          case 'ProductSection': productSection.push(this.productSection(c, `${spath}[${productSection.length + 1}]`)); continue;
          case 'EulaSection': {
            const lic = child(t, c, 'License');
            const license = this.msg(lic);
            const sInfo = this.info(c, spath);
            if (lic < 0) this.error.push(issues.missingElement(this.at(c, spath), 'EulaSection', 'License'));
            eulaSection.push({ pos: pos(t, c), path: `${spath}[${eulaSection.length + 1}]`, required: bool(oa(t, c, 'required'), true), ...(sInfo && { info: sInfo }), ...(license && { license }) });
            continue;
          }
          case 'AnnotationSection': {
            const ann = this.msg(child(t, c, 'Annotation'));
            const sInfo = this.info(c, spath);
            if (annotationSection) this.error.push(issues.duplicateSection(this.at(c, spath), sname, kind, annotationSection.pos.line));
            else annotationSection = { pos: pos(t, c), path: spath, required: bool(oa(t, c, 'required'), true), ...(sInfo && { info: sInfo }), ...(ann && { annotation: ann }) };
            continue;
          }
          case 'OperatingSystemSection': {
            if (!isVS) { onlyIn(c, sname, 'VirtualSystem'); continue; }
            const sInfo = this.info(c, spath);
            const osId = oa(t, c, 'id');
            if (osId === undefined) this.error.push(issues.missingAttribute(this.at(c, spath), sname, 'ovf:id'));
            const version = oa(t, c, 'version');
            const osType = nsAttr(t, c, NS.vmw, 'osType');
            const description = this.msg(child(t, c, 'Description'));
            if (operatingSystemSection) this.error.push(issues.duplicateSection(this.at(c, spath), sname, kind, operatingSystemSection.pos.line));
            else operatingSystemSection = {
              pos: pos(t, c), path: spath, required: bool(oa(t, c, 'required'), true), ...(sInfo && { info: sInfo }),
              id: osId ?? '', ...(version !== undefined && { version }), ...(osType !== undefined && { osType }), ...(description && { description }),
            };
            continue;
          }
          case 'InstallSection': {
            if (!isVS) { onlyIn(c, sname, 'VirtualSystem'); continue; }
            const sInfo = this.info(c, spath);
            installSection = { pos: pos(t, c), path: spath, required: bool(oa(t, c, 'required'), true), ...(sInfo && { info: sInfo }), initialBootStopDelay: oa(t, c, 'initialBootStopDelay') ?? '0' };
            continue;
          }
          case 'VirtualHardwareSection':
            if (!isVS) { onlyIn(c, sname, 'VirtualSystem'); continue; }
            virtualHardwareSection.push(this.virtualHardwareSection(c, `${spath}[${virtualHardwareSection.length + 1}]`));
            continue;
          case 'ResourceAllocationSection': {
            if (isVS) { onlyIn(c, sname, 'VirtualSystemCollection'); continue; }
            const sInfo = this.info(c, spath);
            const items: Item[] = [];
            for (let d = t.first[c]!; d >= 0; d = t.next[d]!) if (t.local(d) === 'Item' && isOvf(t.uri(d))) items.push(this.item(d, 'Item', `${spath}/Item[${items.length + 1}]`));
            resourceAllocationSection = { pos: pos(t, c), path: spath, required: bool(oa(t, c, 'required'), true), ...(sInfo && { info: sInfo }), item: items };
            continue;
          }
          case 'StartupSection':
            startupSection = this.startupSection(c, spath);
            continue;
          case 'VirtualSystem':
          case 'VirtualSystemCollection':
            if (isVS) { this.warning.push(issues.unexpectedElement(this.at(c, spath), sname, 'VirtualSystem')); continue; }
            children.push(this.content(c, sname, path));
            continue;
          case 'DiskSection': case 'NetworkSection': case 'DeploymentOptionSection': case 'References':
            onlyIn(c, sname, 'Envelope');
            continue;
          default:
            if (sname.endsWith('Section') || t.local(c) === 'Section') {
              const s = this.otherSection(c, spath);
              otherSection.push(s);
              if (!RECOGNISED_OVF_SECTIONS.has(sname) && s.required) {
                // The oVirt dialect writes its own unqualified sections (SnapshotsSection…) without
                // ovf:required="false"; read tolerantly, they are warnings.
                (t.uri(c) === '' ? this.warning : this.error).push(issues.unsupportedSection(this.at(c, spath), sname, s.info?.text ?? ''));
              }
            } else {
              this.warning.push(issues.unexpectedElement(this.at(c, `${path}/${t.name(c)}`), t.name(c), kind));
            }
            continue;
        }
      }
      if (t.uri(c) === NS.vmw && t.local(c) === 'IpAssignmentSection') {
        ipAssignmentSection = this.ipAssignment(c, `${path}/${t.name(c)}`);
        continue;
      }
      this.extension(c, path, otherSection);
    }
    if (isVS && virtualHardwareSection.length === 0) this.error.push(issues.noVirtualHardware(this.at(el, path), id));
    if (!info) this.warning.push(issues.missingElement(this.at(el, path), kind, 'Info', `Add <Info> as the first child of ${kind}.`));

    const base = {
      pos: pos(t, el), path, id,
      ...(info && { info }), ...(name && { name }), productSection, eulaSection,
      ...(annotationSection && { annotationSection }), ...(ipAssignmentSection && { ipAssignmentSection }), otherSection,
    };
    if (isVS) {
      const vs: VirtualSystem = {
        ...base, kind: 'VirtualSystem',
        ...(operatingSystemSection && { operatingSystemSection }), ...(installSection && { installSection }), virtualHardwareSection,
      };
      return vs;
    }
    const vsc: VirtualSystemCollection = {
      ...base, kind: 'VirtualSystemCollection',
      ...(resourceAllocationSection && { resourceAllocationSection }), ...(startupSection && { startupSection }), content: children,
    };
    return vsc;
  }

  private productSection(el: number, path: string): ProductSection {
    const t = this.t;
    const sInfo = this.info(el, path);
    const cls = oa(t, el, 'class');
    const instance = oa(t, el, 'instance');
    let product: Msg | undefined;
    let vendor: Msg | undefined;
    const text: Record<string, string> = {};
    const icon: Icon[] = [];
    const category: Category[] = [];
    const property: Property[] = [];
    let currentCategory: Msg | undefined;
    for (let c = t.first[el]!; c >= 0; c = t.next[c]!) {
      if (!isOvf(t.uri(c))) continue;
      switch (t.local(c)) {
        case 'Product': product = this.msg(c); break;
        case 'Vendor': vendor = this.msg(c); break;
        case 'Version': case 'FullVersion': case 'ProductUrl': case 'VendorUrl': case 'AppUrl':
          text[t.local(c)] = t.text(c).trim();
          break;
        case 'Icon': {
          const ipath = `${path}/Icon[${icon.length + 1}]`;
          const h = oa(t, c, 'height'); const w = oa(t, c, 'width'); const mt = oa(t, c, 'mimeType');
          icon.push({ pos: pos(t, c), path: ipath, fileRef: oa(t, c, 'fileRef') ?? '', ...(h !== undefined && { height: h }), ...(w !== undefined && { width: w }), ...(mt !== undefined && { mimeType: mt }) });
          break;
        }
        case 'Category': {
          currentCategory = this.msg(c)!;
          category.push({ pos: pos(t, c), path: `${path}/Category[${category.length + 1}]`, text: currentCategory });
          break;
        }
        case 'Property':
          property.push(this.property(c, `${path}/Property[${property.length + 1}]`, currentCategory));
          break;
        default:
          break;
      }
    }
    return {
      pos: pos(t, el), path, required: bool(oa(t, el, 'required'), true), ...(sInfo && { info: sInfo }),
      ...(cls !== undefined && { class: cls }), ...(instance !== undefined && { instance }),
      ...(product && { product }), ...(vendor && { vendor }),
      ...(text['Version'] !== undefined && { version: text['Version'] }), ...(text['FullVersion'] !== undefined && { fullVersion: text['FullVersion'] }),
      ...(text['ProductUrl'] !== undefined && { productUrl: text['ProductUrl'] }), ...(text['VendorUrl'] !== undefined && { vendorUrl: text['VendorUrl'] }),
      ...(text['AppUrl'] !== undefined && { appUrl: text['AppUrl'] }),
      icon, category, property,
    };
  }

  private property(c: number, path: string, category: Msg | undefined): Property {
    const t = this.t;
    const rawKey = oa(t, c, 'key');
    const key = rawKey === undefined ? this.req(c, 'key', 'Property', path) : rawKey;
    const type = oa(t, c, 'type');
    if (type === undefined) this.error.push(issues.missingAttribute(this.at(c, path), 'Property', 'ovf:type'));
    const value = oa(t, c, 'value');
    const qualifiers = oa(t, c, 'qualifiers');
    let label: Msg | undefined;
    let description: Msg | undefined;
    const values: PropertyConfigurationValue[] = [];
    for (let d = t.first[c]!; d >= 0; d = t.next[d]!) {
      if (!isOvf(t.uri(d))) continue;
      if (t.local(d) === 'Label') label = this.msg(d);
      else if (t.local(d) === 'Description') description = this.msg(d);
      else if (t.local(d) === 'Value') {
        values.push({ pos: pos(t, d), path: `${path}/Value[${values.length + 1}]`, value: oa(t, d, 'value') ?? '', configuration: splitList(oa(t, d, 'configuration')) });
      }
    }
    return {
      pos: pos(t, c), path, key, type: type ?? '',
      ...(value !== undefined && { value }), ...(qualifiers !== undefined && { qualifiers }),
      userConfigurable: bool(oa(t, c, 'userConfigurable'), false),
      password: bool(oa(t, c, 'password'), false) || bool(oa(t, c, 'isPassword'), false),
      required: bool(oa(t, c, 'required'), true),
      ...(label && { label }), ...(description && { description }), ...(category && { category }), values,
      configuration: splitList(oa(t, c, 'configuration')),
    };
  }

  private startupSection(el: number, path: string): StartupSection {
    const t = this.t;
    const item: StartupItem[] = [];
    for (let c = t.first[el]!; c >= 0; c = t.next[c]!) {
      if (t.local(c) !== 'Item' || !isOvf(t.uri(c))) continue;
      const ipath = `${path}/Item[${item.length + 1}]`;
      const id = this.req(c, 'id', 'StartupSection Item', ipath);
      const order = oa(t, c, 'order');
      if (order === undefined) this.error.push(issues.missingAttribute(this.at(c, ipath), 'StartupSection Item', 'ovf:order'));
      else if (parseLong(order).problem) this.error.push(issues.malformedNumber(this.at(c, `${ipath}/@ovf:order`), 'StartupSection Item', 'ovf:order', order, 'a non-negative whole number'));
      const opt = (k: string): Record<string, string> => { const v = oa(t, c, k); return v === undefined ? {} : { [k]: v }; };
      item.push({
        pos: pos(t, c), path: ipath, id, order: order ?? '',
        ...opt('startDelay'), ...opt('waitingForGuest'), ...opt('stopDelay'), ...opt('startAction'), ...opt('stopAction'),
      });
    }
    const sInfo = this.info(el, path);
    return { pos: pos(t, el), path, required: bool(oa(t, el, 'required'), true), ...(sInfo && { info: sInfo }), item };
  }

  private virtualHardwareSection(el: number, path: string): VirtualHardwareSection {
    const t = this.t;
    let system: System | undefined;
    const item: Item[] = [];
    const config: VmwConfig[] = [];
    const extraConfig: VmwConfig[] = [];
    for (let c = t.first[el]!; c >= 0; c = t.next[c]!) {
      if (isOvf(t.uri(c))) {
        if (t.local(c) === 'System') system = this.system(c, `${path}/System`);
        else if (t.local(c) === 'Item' || t.local(c) === 'StorageItem' || t.local(c) === 'EthernetPortItem') {
          item.push(this.item(c, t.local(c), `${path}/${t.local(c)}[${item.length + 1}]`));
        }
      } else if (t.uri(c) === NS.vmw) {
        if (t.local(c) === 'Config') config.push(this.vmwConfig(c, `${path}/vmw:Config[${config.length + 1}]`));
        else if (t.local(c) === 'ExtraConfig') extraConfig.push(this.vmwConfig(c, `${path}/vmw:ExtraConfig[${extraConfig.length + 1}]`));
      }
    }
    const sInfo = this.info(el, path);
    const id = oa(t, el, 'id');
    return {
      pos: pos(t, el), path, required: bool(oa(t, el, 'required'), true), ...(sInfo && { info: sInfo }),
      ...(id !== undefined && { id }), transport: splitList(oa(t, el, 'transport')), ...(system && { system }), item, config, extraConfig,
    };
  }

  private vmwConfig(c: number, path: string): VmwConfig {
    const t = this.t;
    const key = nsAttr(t, c, NS.vmw, 'key');
    if (key === undefined) this.error.push(issues.missingAttribute(this.at(c, path), t.name(c), 'vmw:key'));
    return { pos: pos(t, c), path, key: key ?? '', value: nsAttr(t, c, NS.vmw, 'value') ?? '', required: bool(oa(t, c, 'required'), true) };
  }

  private system(el: number, path: string): System {
    const t = this.t;
    const f: Record<string, string> = {};
    const types: string[] = [];
    for (let c = t.first[el]!; c >= 0; c = t.next[c]!) {
      if (t.uri(c) !== NS.vssd) continue;
      if (t.local(c) === 'VirtualSystemType') types.push(...splitList(t.text(c)));
      else f[t.local(c)] = t.text(c).trim();
    }
    return {
      pos: pos(t, el), path,
      ...(f['ElementName'] !== undefined && { elementName: f['ElementName'] }),
      ...(f['InstanceID'] !== undefined && { instanceID: f['InstanceID'] }),
      ...(f['VirtualSystemIdentifier'] !== undefined && { virtualSystemIdentifier: f['VirtualSystemIdentifier'] }),
      virtualSystemType: types,
    };
  }

  /**
   * An Item child no RASD schema defines that says ovf:required="true": a consumer must fail on it
   * (DSP0243 §9.4). Without the attribute it is read as an extension and ignored, as the oVirt and
   * JAXB dialects write dozens of them.
   */
  private unknownItemElement(c: number, path: string): void {
    const t = this.t;
    if (RASD_NS.has(t.uri(c)) && RASD_ELEMENTS.has(t.local(c))) return;
    if (!bool(oa(t, c, 'required'), false)) return;
    this.error.push(issues.unsupportedElement(this.at(c, `${path}/${t.name(c)}`), t.name(c)));
  }

  private item(el: number, kind: string, path: string): Item {
    const t = this.t;
    const it: { -readonly [K in keyof Item]?: Item[K] } & { connection: string[]; hostResource: string[]; config: VmwConfig[] } = {
      connection: NO_STRINGS as string[], hostResource: NO_STRINGS as string[], config: NO_CONFIG as VmwConfig[],
    };
    for (let c = t.first[el]!; c >= 0; c = t.next[c]!) {
      if (RASD_NS.has(t.uri(c))) {
        // xsi:nil="true" (JAXB writes every absent field so) means the element has no value.
        if (bool(t.attr(c, NS.xsi, 'nil'), false)) continue;
        const v = t.text(c).trim();
        switch (t.local(c)) {
          case 'Address': it.address = v; break;
          case 'AddressOnParent': it.addressOnParent = v; break;
          case 'AllocationUnits': it.allocationUnits = v; break;
          case 'AutomaticAllocation': it.automaticAllocation = v; break;
          case 'Caption': it.caption = v; break;
          case 'Connection': it.connection = it.connection === NO_STRINGS ? [v] : [...it.connection, v]; break;
          case 'Description': it.description = v; break;
          case 'ElementName': it.elementName = v; break;
          case 'HostResource': it.hostResource = it.hostResource === NO_STRINGS ? [v] : [...it.hostResource, v]; break;
          case 'InstanceID': it.instanceID = v; break;
          case 'InstanceId':
            // Old VMware exports spell it so; vSphere reads it as InstanceID.
            it.instanceID ??= v;
            this.warning.push(issues.legacyElementName(this.at(c, `${path}/${t.name(c)}`), t.name(c), 'rasd:InstanceID'));
            break;
          case 'Limit': it.limit = v; break;
          case 'OtherResourceType': it.otherResourceType = v; break;
          case 'Parent': it.parent = v; break;
          case 'Reservation': it.reservation = v; break;
          case 'ResourceSubType': it.resourceSubType = v; break;
          case 'ResourceType': it.resourceType = v; break;
          case 'VirtualQuantity': it.virtualQuantity = v; break;
          case 'VirtualQuantityUnits': it.virtualQuantityUnits = v; break;
          case 'Weight': it.weight = v; break;
          default: this.unknownItemElement(c, path); break;
        }
      } else if (t.uri(c) === NS.vmw && VMW_ITEM_ELEMENTS.has(t.local(c))) {
        if (t.local(c) === 'Config') it.config = [...it.config, this.vmwConfig(c, `${path}/vmw:Config[${it.config.length + 1}]`)];
        else it.coresPerSocket = t.text(c).trim();
      } else {
        this.unknownItemElement(c, path);
      }
    }
    const bound = oa(t, el, 'bound');
    if (bound !== undefined && bound !== 'min' && bound !== 'max' && bound !== 'normal') this.error.push(issues.invalidBound(this.at(el, `${path}/@ovf:bound`), bound));
    // Filled in place (no spread copy): large descriptors have tens of thousands of Items.
    const m = it as { -readonly [K in keyof Item]?: Item[K] };
    m.pos = pos(t, el);
    m.path = path;
    m.kind = kind as Item['kind'];
    m.required = t.attrCount[el] === 0 ? true : bool(oa(t, el, 'required'), true);
    m.configuration = t.attrCount[el] === 0 ? NO_STRINGS : splitList(oa(t, el, 'configuration'));
    if (bound !== undefined) m.bound = bound;
    return m as Item;
  }
}
