/**
 * CreateImportSpec: one pass over a parsed Envelope that answers both ValidateHost and
 * CreateImportSpec: the ImportSpec tree, the files to upload, the sizes, a per-VM summary for the
 * plan, and every problem found (host-capability problems apart from import problems, because
 * ValidateHost reports only the former; its checks live in validate-host.ts).
 * @see vim25 OvfManager.CreateImportSpec, vsphere-ovf-api.md §5 and §11, ovf-spec-notes.md §5, §7, §8, §10, §12
 */
import type { OvfFault, OvfIssue } from '../faults';
import { limitsFor } from '../hostprofiles';
import type { DeviceType, DiskProvisioningType } from '../hostprofiles/types';
import {
  inventoryLookup,
  resolveMappedNetwork,
  networkMoRefType,
  type InventoryDatastore,
  type InventoryNetwork,
} from '../inventory';
import type {
  Content,
  Disk,
  Envelope,
  File,
  Item,
  Located,
  Msg,
  ProductSection,
  VirtualHardwareSection,
  VirtualSystem,
  VirtualSystemCollection,
  VmwConfig,
} from '../model';
import type { ManagedObjectReference, OvfFileItem, VAppProductInfo, VAppPropertyInfo } from '../vim25';
import { controllerFamily, controllerUnits, deviceFor, RT, type ControllerFamily } from '../importspec/devices';
import { wordsOf } from '../issue-text';
import { issue, qv, REDACTED, type IssueExtras, type OvfManagerIssueCode } from '../importspec/issues';
import { toVAppType } from '../property-type';
import { parseHostResource } from '../validate';
import type {
  ImportSpec,
  OptionValue,
  OvfCreateImportSpecResult,
  ResourceAllocationInfo,
  VAppConfigSpec,
  VAppEntityConfigInfo,
  VAppPropertySpec,
  VirtualAppImportSpec,
  VirtualDevice,
  VirtualDeviceBackingInfo,
  VirtualDeviceConfigSpec,
  VirtualMachineConfigSpec,
  VirtualMachineImportSpec,
  VmConfigSpec,
} from '../importspec/types';
import { escapeEntityName } from '../importspec/names';
import type { Analysis, BuildInput, DiskSummary, NicSummary, PropertySummary, VmSummary } from './analysis';
import { checkDatastoreSpace, checkGuestId, chooseHardwareSection, chooseProvisioning, hardwareVersion, pad } from './validate-host';
import { intValue, isIntegerText, memoryMB } from '../importspec/units';
import { quantityBytes } from '../envelope';
import { diskOfHostResource, type ResolvedDisk, type ResolvedEntity, type ResolvedNvdimm } from '../resolve';

const IP_POLICIES = ['dhcpPolicy', 'transientPolicy', 'fixedPolicy', 'fixedAllocatedPolicy'];

/** extraConfig keys vSphere refuses on import unless allowed: they would override the ConfigSpec. */
const BLOCKED_EXTRA_CONFIG = /^(numvcpus|memsize|guestos|virtualhw\.version|displayname|uuid\.(bios|location)|vc\.uuid|(ethernet|scsi|ide|sata|nvme|floppy|serial|parallel|usb)\d*\.)/i;

interface Controller {
  key: number;
  type: DeviceType;
  family: ControllerFamily;
  bus: number;
  free: number[];
  label: string;
}

class Builder {
  readonly a: Analysis;
  private nextKey = -200;
  private readonly files = new Map<string, File>();
  private readonly nvdimms = new Map<Item, ResolvedNvdimm>();
  /** The resolved entity of each VirtualSystem / VirtualSystemCollection, with its index. */
  private readonly entities = new Map<Content, { entity: ResolvedEntity; index: number }>();
  private readonly mappedNetworks = new Map<string, ManagedObjectReference>();
  private readonly eulaAccepted: boolean;
  private readonly allowExtraConfig: boolean;
  private readonly env: Envelope;

  constructor(private readonly input: BuildInput) {
    const r = input.resolved;
    this.env = r.envelope!;
    for (const f of r.references) this.files.set(f.id, f);
    for (const n of r.nvdimms) this.nvdimms.set(n.item, n);
    r.entities.forEach((entity, index) => this.entities.set(entity.content, { entity, index }));
    const env = this.env;
    const options = input.cisp.importOption ?? [];
    this.eulaAccepted = options.includes('acceptAllEulas');
    this.allowExtraConfig = options.includes('allowAllExtraConfig');
    this.a = {
      deploymentOption: '',
      entityName: '',
      virtualApp: env.content?.kind === 'VirtualSystemCollection',
      fileItem: [],
      hostError: [],
      hostWarning: [],
      importError: [],
      importWarning: [],
      downloadSize: 0,
      flatDeploymentSize: 0,
      sparseDeploymentSize: 0,
      nvdimmSize: 0,
      supportedDiskProvisioning: [],
      provisioning: 'thick',
      vms: [],
      disks: [],
      nics: [],
      properties: [],
      eula: [],
    };
  }

  // ---- issue helpers ------------------------------------------------------------------------
  private hostErr(code: OvfManagerIssueCode, fault: OvfFault, msg: string, x?: IssueExtras): void {
    this.a.hostError.push(issue(code, fault, msg, x));
  }
  private hostWarn(code: OvfManagerIssueCode, fault: OvfFault, msg: string, x?: IssueExtras): void {
    this.a.hostWarning.push(issue(code, fault, msg, x));
  }
  private err(code: OvfManagerIssueCode, fault: OvfFault, msg: string, x?: IssueExtras): void {
    this.a.importError.push(issue(code, fault, msg, x));
  }
  private warn(code: OvfManagerIssueCode, fault: OvfFault, msg: string, x?: IssueExtras): void {
    this.a.importWarning.push(issue(code, fault, msg, x));
  }

  /** Localised text of a Msg, by the resolved descriptor's one localiser. */
  text(m: Msg | undefined): string {
    return this.input.resolved.localize(m) ?? '';
  }

  private applies(configuration: readonly string[]): boolean {
    return configuration.length === 0 || configuration.includes(this.a.deploymentOption);
  }

  // ---- entry --------------------------------------------------------------------------------
  run(): Analysis {
    const env = this.env;
    const cisp = this.input.cisp;
    // The choice of configuration and its one issue are the resolved descriptor's (ParseDescriptor reports it).
    this.a.deploymentOption = this.input.resolved.configuration.id;
    chooseProvisioning(this.input, this.a);
    if (!env.content) {
      this.err('DESCRIPTOR_UNUSABLE', { _typeName: 'OvfMissingElement', lineNumber: env.pos.line, name: 'VirtualSystem' }, 'The descriptor has no VirtualSystem or VirtualSystemCollection to import', {
        at: env,
        fix: `fix the descriptor (see ${wordsOf(this.input.vocabulary).descriptorListing})`,
      });
      return this.a;
    }
    // vSphere escapes "/", "\\" and "%" in the inventory name rather than refusing them; the
    // 80-character limit is applied to the name as given.
    const given = this.input.resolved.entities[0]?.name ?? '';
    this.a.entityName = escapeEntityName(given);
    if (given.length > 80) {
      this.err('INVALID_ENTITY_NAME', { _typeName: 'OvfInvalidVmName', name: given }, `The entity name ${qv(given)} is not a valid vSphere name`, {
        value: given,
        allowed: 'at most 80 characters',
        fix: `choose another name (${wordsOf(this.input.vocabulary).entityName})`,
      });
    }
    const host = this.input.host;
    if (host?.unavailable) {
      this.hostErr('HOST_UNAVAILABLE', { _typeName: 'OvfHardwareCheck' }, `Host ${qv(host.name)} is in maintenance mode or disconnected`, { value: host.name, fix: 'choose another host or pool' });
    }
    this.checkPropertyMapping();
    this.checkNetworkMapping();
    this.checkIpAssignment();
    for (const f of this.input.resolved.references) this.a.downloadSize += f.size ?? 0;
    const spec = this.content(env.content, [this.a.entityName], true, undefined);
    if (cisp.instantiationOst) spec.instantiationOst = cisp.instantiationOst;
    this.a.importSpec = spec;
    if (this.a.eula.length > 0 && !this.eulaAccepted) {
      this.warn('EULA_NOT_ACCEPTED', { _typeName: 'OvfImportFailed' }, `The package has ${this.a.eula.length} EULA(s) that must be accepted before import`, {
        allowed: wordsOf(this.input.vocabulary).acceptEulas,
        fix: `read the EULA(s) and accept with ${wordsOf(this.input.vocabulary).acceptEulas}`,
      });
    }
    checkDatastoreSpace(this.input, this.a);
    return this.a;
  }

  // ---- properties ---------------------------------------------------------------------------
  private checkPropertyMapping(): void {
    // Every declared property, whatever its configuration, by full id (resolve.ts; the first where two entities share one).
    const known = new Map<string, { p: ProductSection['property'][number] }>();
    for (const d of this.input.resolved.declaredProperties) if (!known.has(d.fullId)) known.set(d.fullId, { p: d.property });
    const resolved = new Map(this.input.resolved.properties.map((p) => [p.fullId, p]));
    for (const kv of this.input.cisp.propertyMapping ?? []) {
      const hit = known.get(kv.key);
      if (!hit) {
        this.warn('UNKNOWN_PROPERTY_KEY', { _typeName: 'OvfInvalidValueReference', lineNumber: 0, elementName: 'propertyMapping', attributeName: 'key', value: kv.key }, `propertyMapping key ${qv(kv.key)} matches no ProductSection property; it is ignored`, {
          value: kv.key,
          allowed: [...known.keys()].slice(0, 20).join(', ') || 'no properties in this descriptor',
          fix: `use the full property id [class.]key[.instance] (${wordsOf(this.input.vocabulary).descriptorListing} lists them)`,
        });
        continue;
      }
      const { p } = hit;
      const c = toVAppType(p.type, p.qualifiers, p.password);
      const secret = c.type.startsWith('password');
      const shown = secret ? REDACTED : kv.value;
      const dflt = resolved.get(kv.key)?.defaultValue ?? '';
      if (!p.userConfigurable && kv.value !== dflt) {
        this.err('PROPERTY_NOT_USER_CONFIGURABLE', { _typeName: 'OvfPropertyValue', lineNumber: p.pos.line, type: c.type, value: secret ? '' : kv.value }, `Property ${qv(kv.key)} is not user-configurable; vSphere refuses a new value for it (NotUserConfigurableProperty at import)`, {
          at: p,
          value: shown,
          allowed: secret ? 'its default value' : `its default value ${qv(dflt)}`,
          fix: `remove ${kv.key} from the property mapping`,
        });
      }
      const why = kv.value === '' ? undefined : c.check(kv.value);
      if (why) {
        this.err('PROPERTY_VALUE_INVALID', { _typeName: 'OvfPropertyValue', lineNumber: p.pos.line, type: c.type, value: secret ? '' : kv.value }, `Value for property ${qv(kv.key)} is invalid: ${why}`, {
          at: p,
          value: shown,
          allowed: c.type,
          fix: `give ${kv.key} a value of type ${c.type}`,
        });
      }
    }
  }

  private checkNetworkMapping(): void {
    const declared = new Set((this.env.networkSection?.network ?? []).map((n) => n.name));
    const inv = this.input.inventory;
    for (const raw of this.input.cisp.networkMapping ?? []) {
      // Callers from JavaScript sometimes give the network as a bare name or moref value.
      const net = raw.network as unknown;
      const m = typeof net === 'string' ? { name: raw.name, network: { type: 'Network', value: net } } : raw;
      if (!declared.has(m.name)) {
        this.err('UNKNOWN_NETWORK_IN_MAPPING', { _typeName: 'OvfInvalidValueReference', lineNumber: 0, elementName: 'networkMapping', attributeName: 'name', value: m.name }, `networkMapping names OVF network ${qv(m.name)}, which the NetworkSection does not declare`, {
          value: m.name,
          allowed: [...declared].join(', ') || 'no networks in this descriptor',
          fix: `map the networks the descriptor declares (${wordsOf(this.input.vocabulary).descriptorListing} lists them)`,
        });
        continue;
      }
      const unresolved = inv ? resolveMappedNetwork(inv, m.name, m.network.value).issue : undefined;
      if (unresolved) {
        this.a.importError.push(unresolved);
        continue;
      }
      this.mappedNetworks.set(m.name, m.network);
    }
  }

  private checkIpAssignment(): void {
    const cisp = this.input.cisp;
    const env = this.env;
    const ipa = env.ipAssignmentSection ?? env.content?.ipAssignmentSection;
    const schemes = ipa?.schemes ?? [];
    const protocols = ipa?.protocols.length ? ipa.protocols : ['IPv4'];
    if (cisp.ipAllocationPolicy) {
      const p = cisp.ipAllocationPolicy;
      const needs = p === 'dhcpPolicy' ? 'dhcp' : p === 'transientPolicy' || p === 'fixedAllocatedPolicy' ? 'ovfenv' : undefined;
      if (!IP_POLICIES.includes(p) || (needs && schemes.length > 0 && !schemes.includes(needs))) {
        this.err('IP_ALLOCATION_POLICY_UNSUPPORTED', { _typeName: 'OvfUnsupportedAttributeValue', elementName: 'OvfCreateImportSpecParams', attributeName: 'ipAllocationPolicy', value: p }, `IP allocation policy ${qv(p)} is not ${IP_POLICIES.includes(p) ? 'supported by the guest (vmw:IpAssignmentSection schemes: ' + schemes.join(',') + ')' : 'a vSphere policy'}`, {
          value: p,
          allowed: IP_POLICIES.join(', '),
          fix: 'choose a policy the package supports',
        });
      }
    }
    if (cisp.ipProtocol && !protocols.includes(cisp.ipProtocol)) {
      this.err('IP_PROTOCOL_UNSUPPORTED', { _typeName: 'OvfUnsupportedAttributeValue', elementName: 'OvfCreateImportSpecParams', attributeName: 'ipProtocol', value: cisp.ipProtocol }, `IP protocol ${qv(cisp.ipProtocol)} is not supported by the package`, {
        value: cisp.ipProtocol,
        allowed: protocols.join(', '),
        fix: 'choose a protocol from vmw:IpAssignmentSection protocols',
      });
    }
  }

  // ---- content tree -------------------------------------------------------------------------
  private content(c: Content, path: string[], top: boolean, entityConfig: VAppEntityConfigInfo | undefined): ImportSpec {
    const at = this.entities.get(c)?.index;
    for (const e of this.input.resolved.eulas) if (e.entity === at && e.text) this.a.eula.push(e.text);
    if (c.kind === 'VirtualSystemCollection') return this.collection(c, path, top, entityConfig);
    const spec = this.virtualSystem(c, path, top);
    if (entityConfig) spec.entityConfig = entityConfig;
    return spec;
  }

  private collection(c: VirtualSystemCollection, path: string[], top: boolean, entityConfig: VAppEntityConfigInfo | undefined): VirtualAppImportSpec {
    const vAppConfigSpec: VAppConfigSpec = { _typeName: 'VAppConfigSpec', ...this.vAppOptions(c, path, []) };
    const annotation = this.text(c.annotationSection?.annotation);
    if (annotation) vAppConfigSpec.annotation = annotation;
    const startup = new Map((c.startupSection?.item ?? []).map((s) => [s.id, s]));
    const children: ImportSpec[] = [];
    const entityConfigs: VAppEntityConfigInfo[] = [];
    for (const child of c.content) {
      const s = startup.get(child.id);
      const ec: VAppEntityConfigInfo = { tag: child.id };
      if (s) {
        const n = (v: string | undefined): number | undefined => intValue(v);
        const o = n(s.order);
        if (o !== undefined) ec.startOrder = o;
        const sd = n(s.startDelay);
        if (sd !== undefined) ec.startDelay = sd;
        if (s.waitingForGuest !== undefined) ec.waitingForGuest = s.waitingForGuest === 'true';
        ec.startAction = s.startAction ?? 'powerOn';
        const st = n(s.stopDelay);
        if (st !== undefined) ec.stopDelay = st;
        ec.stopAction = s.stopAction ?? 'powerOff';
      }
      entityConfigs.push(ec);
      children.push(this.content(child, [...path, escapeEntityName(this.entities.get(child)?.entity.name ?? child.id)], false, ec));
    }
    if (entityConfigs.length) vAppConfigSpec.entityConfig = entityConfigs;
    const spec: VirtualAppImportSpec = {
      _typeName: 'VirtualAppImportSpec',
      name: top ? this.a.entityName : path[path.length - 1]!,
      vAppConfigSpec,
      resourcePoolSpec: this.resourcePoolSpec(c),
    };
    if (children.length) spec.child = children;
    if (entityConfig) spec.entityConfig = entityConfig;
    return spec;
  }

  private resourcePoolSpec(c: VirtualSystemCollection): VirtualAppImportSpec['resourcePoolSpec'] {
    const alloc = (): ResourceAllocationInfo => ({ reservation: 0, expandableReservation: true, limit: -1, shares: { level: 'normal', shares: 4000 } });
    const spec = { cpuAllocation: alloc(), memoryAllocation: { ...alloc(), shares: { level: 'normal' as const, shares: 163840 } } };
    for (const item of c.resourceAllocationSection?.item ?? []) {
      if (!this.applies(item.configuration)) continue;
      const rt = intValue(item.resourceType);
      const target = rt === RT.processor ? spec.cpuAllocation : rt === RT.memory ? spec.memoryAllocation : undefined;
      if (target) Object.assign(target, allocation(item));
    }
    return spec;
  }

  /** vApp options (products, properties, IP assignment, EULAs) of one entity. */
  private vAppOptions(c: Content, path: string[], transport: readonly string[]): Omit<VmConfigSpec, '_typeName'> {
    const out: Omit<VmConfigSpec, '_typeName'> = {};
    const product = c.productSection.map((p, i) => {
      const info: VAppProductInfo = { key: i };
      if (p.class) info.classId = p.class;
      if (p.instance) info.instanceId = p.instance;
      const name = this.text(p.product);
      if (name) info.name = name;
      const vendor = this.text(p.vendor);
      if (vendor) info.vendor = vendor;
      if (p.version) info.version = p.version;
      if (p.fullVersion) info.fullVersion = p.fullVersion;
      if (p.vendorUrl) info.vendorUrl = p.vendorUrl;
      if (p.productUrl) info.productUrl = p.productUrl;
      if (p.appUrl) info.appUrl = p.appUrl;
      return { operation: 'add' as const, info };
    });
    if (product.length) out.product = product;
    const property: VAppPropertySpec[] = [];
    let key = 0;
    const at = this.entities.get(c)?.index;
    for (const rp of this.input.resolved.properties) {
      if (rp.entity !== at) continue;
      const { section, property: p } = rp;
      const mapped = rp.source === 'propertyMapping';
      const info: VAppPropertyInfo = { key: key++, id: p.key, type: rp.type, userConfigurable: p.userConfigurable, defaultValue: rp.defaultValue, value: mapped ? rp.value : '' };
      if (section.class) info.classId = section.class;
      if (section.instance) info.instanceId = section.instance;
      if (rp.category) info.category = rp.category;
      if (rp.label) info.label = rp.label;
      if (rp.description) info.description = rp.description;
      if (rp.typeReference) info.typeReference = rp.typeReference;
      property.push({ operation: 'add', info });
      const summary: PropertySummary = {
        entity: path.join('/'),
        id: rp.fullId,
        type: rp.type,
        userConfigurable: p.userConfigurable,
        password: rp.password,
        value: rp.password && rp.value !== '' ? REDACTED : rp.value,
        source: rp.source,
      };
      if (rp.label) summary.label = rp.label;
      if (rp.category) summary.category = rp.category;
      this.a.properties.push(summary);
    }
    if (property.length) out.property = property;
    const ipa = c.ipAssignmentSection ?? (path.length === 1 ? this.env.ipAssignmentSection : undefined);
    if (ipa || this.input.cisp.ipAllocationPolicy || this.input.cisp.ipProtocol) {
      const info: NonNullable<VmConfigSpec['ipAssignment']> = {};
      if (ipa?.schemes.length) info.supportedAllocationScheme = [...ipa.schemes];
      info.ipAllocationPolicy = this.input.cisp.ipAllocationPolicy || 'fixedPolicy';
      info.supportedIpProtocol = ipa?.protocols.length ? [...ipa.protocols] : ['IPv4'];
      info.ipProtocol = this.input.cisp.ipProtocol || info.supportedIpProtocol[0]!;
      out.ipAssignment = info;
    }
    const eula = this.input.resolved.eulas.filter((e) => e.entity === at && e.text).map((e) => e.text);
    if (eula.length) out.eula = eula;
    if (transport.length) out.ovfEnvironmentTransport = [...transport];
    return out;
  }

  // ---- a virtual system ---------------------------------------------------------------------
  private virtualSystem(vs: VirtualSystem, path: string[], top: boolean): VirtualMachineImportSpec {
    const profile = this.input.profile;
    const entity = path.join('/');
    const name = top ? this.a.entityName : path[path.length - 1]!;
    const vhs = chooseHardwareSection(profile, vs);
    const version = hardwareVersion(profile, this.a, vhs, vs, entity);
    const guestId = checkGuestId(profile, this.a, vs, entity, version);
    const ds = this.input.datastoreName;
    const configSpec: VirtualMachineConfigSpec = {
      name,
      version: `vmx-${pad(version)}`,
      guestId,
      files: { vmPathName: ds ? `[${ds}]` : '' },
      numCPUs: 1,
      memoryMB: 32,
      deviceChange: [],
    };
    const annotation = this.text(vs.annotationSection?.annotation);
    if (annotation) configSpec.annotation = annotation;
    const summary: VmSummary = { entity, name, hardwareVersion: configSpec.version, guestId, numCPUs: 1, memoryMB: 32, firmware: 'bios', secureBoot: false, devices: [] };
    if (vhs) this.hardware(vhs, vs, configSpec, summary, path, version);
    else {
      this.err('DESCRIPTOR_UNUSABLE', { _typeName: 'OvfMissingElement', lineNumber: vs.pos.line, name: 'VirtualHardwareSection' }, `VirtualSystem ${qv(vs.id)} has no VirtualHardwareSection`, { at: vs, fix: 'add a VirtualHardwareSection' });
    }
    const vApp = this.vAppOptions(vs, path, vhs?.transport ?? []);
    if (vs.installSection) {
      vApp.installBootRequired = true;
      vApp.installBootStopDelay = intValue(vs.installSection.initialBootStopDelay) ?? 0;
    }
    if (Object.keys(vApp).length) configSpec.vAppConfig = { _typeName: 'VmConfigSpec', ...vApp };
    this.a.vms.push(summary);
    const spec: VirtualMachineImportSpec = { _typeName: 'VirtualMachineImportSpec', configSpec };
    return spec;
  }

  private selectedItems(vs: VirtualSystem, vhs: VirtualHardwareSection): readonly Item[] {
    return this.input.resolved.items.get(vs)?.[vs.virtualHardwareSection.indexOf(vhs)] ?? [];
  }

  private hardware(vhs: VirtualHardwareSection, vs: VirtualSystem, spec: VirtualMachineConfigSpec, summary: VmSummary, path: string[], version: number): void {
    const profile = this.input.profile;
    const entity = path.join('/');
    const items = this.selectedItems(vs, vhs);
    const controllers = new Map<string, Controller>();
    /** InstanceIDs of Items already reported or skipped: devices on them are not reported again. */
    const skipped = new Set<string>();
    const busUsed: Record<ControllerFamily, Set<number>> = { ide: new Set(), scsi: new Set(), sata: new Set(), nvme: new Set(), usb: new Set(), nvdimm: new Set() };
    const counts = new Map<DeviceType, number>();
    const devices: VirtualDeviceConfigSpec[] = [];
    let sawCpu = false;
    let sawMemory = false;
    const ordered = [...items.filter((i) => isController(i)), ...items.filter((i) => !isController(i))];
    let ndisk = 0;
    for (const item of ordered) {
      const rt = intValue(item.resourceType);
      const label = item.elementName ?? item.caption ?? `Item ${item.instanceID ?? ''}`;
      if (rt === undefined) continue; // the parser reports an Item without ResourceType
      if (rt === RT.processor) {
        sawCpu = true;
        const n = intValue(item.virtualQuantity);
        // A VirtualQuantity that is no whole number is ParseDescriptor's MALFORMED_NUMBER already.
        if (item.virtualQuantity !== undefined && !isIntegerText(item.virtualQuantity)) { /* reported at parse */ } else if (n === undefined || n < 1) this.err('BAD_QUANTITY', { _typeName: 'OvfElementInvalidValue', lineNumber: item.pos.line, name: 'VirtualQuantity', value: item.virtualQuantity ?? '' }, `CPU count ${qv(item.virtualQuantity ?? '')} of ${qv(entity)} is not a positive integer`, { at: item, value: item.virtualQuantity ?? '', allowed: 'an integer ≥ 1', fix: 'set rasd:VirtualQuantity of the CPU item' });
        else spec.numCPUs = n;
        const cps = intValue(item.coresPerSocket);
        if (cps !== undefined) {
          spec.numCoresPerSocket = cps;
          if (cps < 1 || spec.numCPUs % cps !== 0) {
            this.hostErr('CORES_PER_SOCKET_INVALID', { _typeName: 'OvfHardwareCheck' }, `${spec.numCPUs} vCPUs of ${qv(entity)} cannot be split into sockets of ${cps} cores`, { at: item, value: String(cps), allowed: `a divisor of ${spec.numCPUs}`, fix: 'fix vmw:CoresPerSocket' });
          }
        }
        const alloc = allocation(item);
        if (Object.keys(alloc).length) spec.cpuAllocation = alloc;
        continue;
      }
      if (rt === RT.memory) {
        sawMemory = true;
        const mb = memoryMB(item);
        if (item.virtualQuantity !== undefined && !isIntegerText(item.virtualQuantity)) { /* reported at parse */ } else if (mb === undefined) {
          this.err('BAD_QUANTITY', { _typeName: 'OvfElementInvalidValue', lineNumber: item.pos.line, name: 'VirtualQuantity', value: item.virtualQuantity ?? '' }, `Memory size ${qv(`${item.virtualQuantity ?? ''} ${item.allocationUnits ?? ''}`)} of ${qv(entity)} cannot be read`, { at: item, value: `${item.virtualQuantity ?? ''} ${item.allocationUnits ?? ''}`, allowed: 'an integer with byte units, e.g. 4096 byte * 2^20', fix: 'fix the memory item' });
        } else spec.memoryMB = mb;
        const alloc = allocation(item);
        if (Object.keys(alloc).length) spec.memoryAllocation = alloc;
        continue;
      }
      const mapping = deviceFor(rt, item.resourceSubType);
      if ('builtin' in mapping) continue;
      if ('unsupported' in mapping) {
        const fault: OvfFault =
          mapping.unsupported === 'type'
            ? { _typeName: 'OvfUnsupportedType', lineNumber: item.pos.line, name: label, instanceId: item.instanceID ?? '', deviceType: rt }
            : { _typeName: 'OvfUnsupportedSubType', lineNumber: item.pos.line, elementName: label, instanceId: item.instanceID ?? '', deviceType: rt, deviceSubType: item.resourceSubType ?? '' };
        const msg = mapping.unsupported === 'type' ? `Device ${qv(label)} of ${qv(entity)} has resource type ${rt}, which vSphere cannot create` : `Device ${qv(label)} of ${qv(entity)} has subtype ${qv(item.resourceSubType ?? '')}, which vSphere cannot create for resource type ${rt}`;
        const x: IssueExtras = { at: item, value: mapping.unsupported === 'type' ? String(rt) : (item.resourceSubType ?? ''), allowed: 'a device type vSphere supports', fix: item.required ? 'remove the item or set ovf:required="false" on it' : 'none needed: the optional item is skipped' };
        if (item.required) this.hostErr('DEVICE_TYPE_UNSUPPORTED', fault, msg, x);
        else this.hostWarn('DEVICE_IGNORED', fault, `${msg}; it is optional and skipped`, x);
        if (item.instanceID !== undefined) skipped.add(item.instanceID);
        continue;
      }
      const type = mapping.device;
      const supported = profile.devices.find((d) => d.type === type);
      if (!supported || supported.minHardwareVersion > version || (supported.maxHardwareVersion !== undefined && supported.maxHardwareVersion < version)) {
        const x: IssueExtras = {
          at: item,
          value: item.resourceSubType ?? type,
          allowed: supported ? `vmx-${pad(supported.minHardwareVersion)} or later` : `a device of ${profile.name}`,
          fix: supported ? `allow vmx-${pad(supported.minHardwareVersion)}+ in VirtualSystemType, or use another device model` : 'use another device model or a newer host',
        };
        const msg = `${type} (${qv(label)}) of ${qv(entity)} needs ${supported ? `hardware version vmx-${pad(supported.minHardwareVersion)}; the VM gets vmx-${pad(version)}` : `a host that has it; ${profile.name} does not`}`;
        const fault: OvfFault = { _typeName: 'OvfUnsupportedSubType', lineNumber: item.pos.line, elementName: label, instanceId: item.instanceID ?? '', deviceType: rt, deviceSubType: item.resourceSubType ?? type };
        if (item.required) this.hostErr('DEVICE_UNSUPPORTED', fault, msg, x);
        else {
          this.hostWarn('DEVICE_IGNORED', fault, `${msg}; it is optional and skipped`, x);
          if (item.instanceID !== undefined) skipped.add(item.instanceID);
          continue;
        }
      }
      const count = (counts.get(type) ?? 0) + 1;
      counts.set(type, count);
      if (supported?.maxPerVm !== undefined && count === supported.maxPerVm + 1) {
        this.hostErr('DEVICE_TOO_MANY', { _typeName: 'OvfHardwareCheck' }, `${qv(entity)} has more than ${supported.maxPerVm} ${type} devices`, { at: item, value: String(count), allowed: `at most ${supported.maxPerVm}`, fix: 'remove devices' });
      }
      const device: VirtualDevice = { _typeName: type, key: this.nextKey--, deviceInfo: { label, summary: item.description ?? label } };
      applyConfig(device, item.config);
      const family = controllerFamily(type);
      if (family && family !== 'usb') {
        const want = intValue(item.address);
        const used = busUsed[family];
        let bus = want !== undefined && want >= 0 && !used.has(want) ? want : 0;
        while (used.has(bus)) bus++;
        used.add(bus);
        device['busNumber'] = bus;
        if (family === 'scsi') device['sharedBus'] = 'noSharing';
        if (family === 'scsi') device['hotAddRemove'] = true;
        controllers.set(item.instanceID ?? `#${device.key}`, { key: device.key, type, family, bus, free: controllerUnits(family, type, version), label });
        devices.push({ operation: 'add', device });
        summary.devices.push(`${type} ${bus}`);
        continue;
      }
      if (family === 'usb') {
        devices.push({ operation: 'add', device });
        summary.devices.push(type);
        continue;
      }
      // Devices that sit on a controller.
      const needsController = type === 'VirtualDisk' || type === 'VirtualCdrom' || type === 'VirtualNVDIMM';
      if (needsController) {
        const parent = item.parent !== undefined ? controllers.get(item.parent) : type === 'VirtualNVDIMM' ? [...controllers.values()].find((c) => c.family === 'nvdimm') : undefined;
        if (!parent && item.parent !== undefined && skipped.has(item.parent)) continue; // its controller is already reported
        if (!parent) {
          this.err('NO_CONTROLLER', { _typeName: 'OvfHostResourceConstraint', lineNumber: item.pos.line, name: 'Parent', value: item.parent ?? '' }, `${type} ${qv(label)} of ${qv(entity)} ${item.parent === undefined ? 'names no parent controller' : `sits on controller ${qv(item.parent)}, which is not a controller of this configuration`}`, {
            at: item,
            value: item.parent ?? '',
            allowed: [...controllers.keys()].join(', ') || 'no controllers',
            fix: 'set rasd:Parent to the InstanceID of an IDE, SCSI, SATA or NVMe controller',
          });
          continue;
        }
        const want = intValue(item.addressOnParent);
        const unit = want !== undefined && parent.free.includes(want) ? want : parent.free[0];
        if (unit === undefined) {
          this.hostErr('NO_SPACE_ON_CONTROLLER', { _typeName: 'OvfNoSpaceOnController', lineNumber: item.pos.line, name: label, parent: parent.label }, `Controller ${qv(parent.label)} of ${qv(entity)} has no free slot for ${qv(label)}`, { at: item, fix: 'add a controller or move the device' });
          continue;
        }
        parent.free = parent.free.filter((u) => u !== unit);
        device.controllerKey = parent.key;
        device.unitNumber = unit;
        const deviceId = `/${path.join('/')}/${parent.type}${parent.bus}:${unit}`;
        if (type === 'VirtualDisk') {
          if (this.disk(item, device, deviceId, entity, `${parent.type} ${parent.bus}:${unit}`, ndisk++)) devices.push({ operation: 'add', fileOperation: 'create', device });
        } else if (type === 'VirtualCdrom') {
          this.media(item, device, deviceId, RT.cdrom, 'VirtualCdromIsoBackingInfo');
          devices.push({ operation: 'add', device });
        } else if (type === 'VirtualNVDIMM') {
          if (this.nvdimm(item, device, label, entity)) devices.push({ operation: 'add', fileOperation: 'create', device });
        } else devices.push({ operation: 'add', device });
        summary.devices.push(`${type} ${parent.type}${parent.bus}:${unit}`);
        continue;
      }
      if (type === 'VirtualFloppy') {
        this.media(item, device, `/${path.join('/')}/VirtualFloppy${count - 1}`, RT.floppy, 'VirtualFloppyImageBackingInfo');
      } else if (rt === RT.ethernet) {
        this.nic(item, device, path, label, type);
      } else if (type === 'VirtualSerialPort' || type === 'VirtualParallelPort') {
        const kind = (item.resourceSubType ?? '').toLowerCase().split('.').pop() ?? '';
        const base = type === 'VirtualSerialPort' ? 'VirtualSerialPort' : 'VirtualParallelPort';
        const backing = kind === 'file' ? 'FileBackingInfo' : kind === 'pipe' && base === 'VirtualSerialPort' ? 'PipeBackingInfo' : kind === 'uri' && base === 'VirtualSerialPort' ? 'URIBackingInfo' : 'DeviceBackingInfo';
        device.backing = { _typeName: `${base}${backing}`, ...(backing === 'FileBackingInfo' ? { fileName: '' } : backing === 'URIBackingInfo' ? { direction: 'server', serviceURI: '' } : backing === 'PipeBackingInfo' ? { pipeName: '', endpoint: 'server' } : { deviceName: '', useAutoDetect: true }) };
        device.connectable = { startConnected: item.automaticAllocation === 'true', allowGuestControl: true, connected: false };
        if (base === 'VirtualSerialPort') device['yieldOnPoll'] = true;
      } else if (type === 'VirtualMachineVideoCard') {
        device['useAutoDetect'] = device['useAutoDetect'] ?? false;
      }
      devices.push({ operation: 'add', device });
      summary.devices.push(type);
    }
    if (!sawCpu) this.hostWarn('MISSING_CPU', { _typeName: 'OvfMissingHardware', name: 'CPU', resourceType: RT.processor }, `${qv(entity)} has no CPU item; vSphere gives it 1 vCPU`, { at: vhs, fix: 'add an Item with rasd:ResourceType 3' });
    if (!sawMemory) this.hostWarn('MISSING_MEMORY', { _typeName: 'OvfMissingHardware', name: 'Memory', resourceType: RT.memory }, `${qv(entity)} has no memory item; vSphere gives it 32 MB`, { at: vhs, fix: 'add an Item with rasd:ResourceType 4' });
    const lim = limitsFor(profile, version);
    if (lim && spec.numCPUs > lim.maxCPUs) {
      this.hostErr('CPU_ABOVE_MAXIMUM', { _typeName: 'OvfHardwareCheck' }, `${qv(entity)} asks for ${spec.numCPUs} vCPUs; vmx-${pad(version)} on ${profile.name} allows at most ${lim.maxCPUs}`, { at: vhs, value: String(spec.numCPUs), allowed: `at most ${lim.maxCPUs}`, fix: 'lower the CPU count or choose a deployment option with fewer vCPUs' });
    }
    if (lim && spec.memoryMB > lim.maxMemoryMB) {
      this.hostErr('MEMORY_ABOVE_MAXIMUM', { _typeName: 'OvfHardwareCheck' }, `${qv(entity)} asks for ${spec.memoryMB} MB of memory; vmx-${pad(version)} on ${profile.name} allows at most ${lim.maxMemoryMB} MB`, { at: vhs, value: String(spec.memoryMB), allowed: `at most ${lim.maxMemoryMB} MB`, fix: 'lower the memory size' });
    }
    this.vmConfig(vhs, spec, summary, entity, version);
    spec.deviceChange = devices;
    summary.numCPUs = spec.numCPUs;
    if (spec.numCoresPerSocket !== undefined) summary.numCoresPerSocket = spec.numCoresPerSocket;
    summary.memoryMB = spec.memoryMB;
    void vs;
  }

  private vmConfig(vhs: VirtualHardwareSection, spec: VirtualMachineConfigSpec, summary: VmSummary, entity: string, version: number): void {
    const profile = this.input.profile;
    for (const c of vhs.config) {
      if (c.key === 'firmware') {
        if (c.value !== 'efi' && c.value !== 'bios') {
          this.warn('CONFIG_INVALID', { _typeName: 'OvfUnsupportedAttributeValue', elementName: 'vmw:Config', attributeName: 'vmw:value', value: c.value }, `firmware ${qv(c.value)} is not bios or efi; ignored`, { at: c, value: c.value, allowed: 'bios, efi', fix: 'set firmware to bios or efi' });
          continue;
        }
        spec.firmware = c.value;
        summary.firmware = c.value;
        if (c.value === 'efi' && version < profile.firmware.efiMinHardwareVersion) {
          this.hostErr('FIRMWARE_UNSUPPORTED', { _typeName: 'OvfHardwareCheck' }, `EFI firmware of ${qv(entity)} needs vmx-${pad(profile.firmware.efiMinHardwareVersion)} or later`, { at: c, value: 'efi', allowed: `vmx-${pad(profile.firmware.efiMinHardwareVersion)}+`, fix: 'use bios firmware or a newer hardware version' });
        }
        continue;
      }
      if (c.key === 'bootOptions.efiSecureBootEnabled' && c.value === 'true') {
        summary.secureBoot = true;
        if (version < profile.firmware.secureBootMinHardwareVersion) {
          this.hostErr('SECURE_BOOT_UNSUPPORTED', { _typeName: 'OvfHardwareCheck' }, `Secure boot of ${qv(entity)} needs vmx-${pad(profile.firmware.secureBootMinHardwareVersion)} or later`, { at: c, value: 'true', allowed: `vmx-${pad(profile.firmware.secureBootMinHardwareVersion)}+`, fix: 'disable secure boot or use a newer hardware version' });
        }
      }
      setPath(spec as unknown as Record<string, unknown>, c.key, c.value);
    }
    if (summary.secureBoot && summary.firmware !== 'efi') {
      this.hostErr('SECURE_BOOT_UNSUPPORTED', { _typeName: 'OvfHardwareCheck' }, `Secure boot of ${qv(entity)} requires EFI firmware`, { at: vhs, fix: 'add vmw:Config firmware=efi' });
    }
    const extra: OptionValue[] = [];
    for (const c of vhs.extraConfig) {
      if (!this.allowExtraConfig && BLOCKED_EXTRA_CONFIG.test(c.key)) {
        this.warn('EXTRA_CONFIG_BLOCKED', { _typeName: 'OvfUnsupportedAttributeValue', elementName: 'vmw:ExtraConfig', attributeName: 'vmw:key', value: c.key }, `ExtraConfig ${qv(c.key)} would override a setting of the VM configuration; it is dropped`, { at: c, value: c.key, allowed: 'advanced options not settable through the ConfigSpec', fix: 'set it through the descriptor hardware, or pass importOption allowAllExtraConfig' });
        continue;
      }
      extra.push({ key: c.key, value: c.value });
    }
    if (extra.length) spec.extraConfig = extra;
  }

  private disk(item: Item, device: VirtualDevice, deviceId: string, entity: string, controller: string, n: number): boolean {
    const ref = item.hostResource[0];
    const prov = this.a.provisioning;
    let capacity: number | undefined;
    let populated: number | undefined;
    let resolvedDisk: ResolvedDisk | undefined;
    let disk: Disk | undefined;
    let file: File | undefined;
    if (ref) {
      // ovf:/disk/<id>, or ovf:/file/<id> of a File a Disk describes: that Disk (resolve.ts, as ParseDescriptor sizes it).
      resolvedDisk = diskOfHostResource(this.input.resolved.disks, ref);
      disk = resolvedDisk?.disk;
      const r = parseHostResource(ref);
      if (!disk && r?.kind === 'file') file = this.files.get(r.id);
      // A HostResource naming no Disk or File is ParseDescriptor's DANGLING_HOST_RESOURCE already.
      if (!disk && !file) return false;
    }
    if (resolvedDisk && disk) {
      capacity = resolvedDisk.capacityBytes;
      populated = disk.populatedSize;
      file = resolvedDisk.file;
    } else if (!file) {
      const q = intValue(item.virtualQuantity);
      if (q !== undefined) capacity = quantityBytes(q, item.allocationUnits);
    }
    if (capacity === undefined && !disk && file?.size !== undefined) {
      // A disk given as a bare File: vSphere reads the capacity from the VMDK at import.
      capacity = file.size;
      this.warn('DISK_CAPACITY_UNKNOWN', { _typeName: 'OvfHostResourceConstraint', lineNumber: item.pos.line, name: 'HostResource', value: item.hostResource[0] ?? '' }, `Disk ${qv(item.elementName ?? '')} of ${qv(entity)} is a bare File without a Disk entry; its capacity is only known from the file at import (file size used as an estimate)`, {
        at: item,
        value: item.hostResource[0] ?? '',
        fix: 'declare the disk in the DiskSection and point rasd:HostResource at ovf:/disk/<diskId>',
      });
    }
    if (capacity === undefined) {
      this.err('DISK_CAPACITY_UNKNOWN', { _typeName: 'OvfInvalidValue', lineNumber: (disk ?? item).pos.line, elementName: 'Disk', attributeName: 'ovf:capacity', value: disk?.capacity ?? '' }, `The capacity of disk ${qv(disk?.diskId ?? item.elementName ?? '')} of ${qv(entity)} cannot be determined`, {
        at: disk ?? item,
        value: disk?.capacity ?? '',
        allowed: 'an integer, or ${key} of an integer property',
        fix: disk?.capacityPropertyRef ? `give property ${disk.capacityPropertyRef} an integer value` : 'set ovf:capacity',
      });
      return false;
    }
    device['capacityInKB'] = Math.ceil(capacity / 1024);
    device['capacityInBytes'] = capacity;
    device.backing = diskBacking(prov, this.input.datastoreName, this.input.datastore);
    this.a.flatDeploymentSize += capacity;
    // A Disk's thin size is the resolved one; a bare File's is its size; a disk of neither, 0.
    this.a.sparseDeploymentSize += resolvedDisk ? (resolvedDisk.sparseBytes ?? 0) : (file?.size ?? 0);
    const ds: DiskSummary = { entity, label: item.elementName ?? `disk-${n}`, controller, capacityBytes: capacity, provisioning: prov };
    if (disk) ds.diskId = disk.diskId;
    if (populated !== undefined) ds.populatedSizeBytes = populated;
    if (file) {
      ds.file = file.href;
      if (file.size !== undefined) ds.fileSizeBytes = file.size;
      this.a.fileItem.push(fileItem(deviceId, file, RT.disk, false));
    }
    this.a.disks.push(ds);
    return true;
  }

  /** The NVDIMM's capacity as the resolved descriptor reads it; its backing is created whole, on the host's PMem storage. */
  private nvdimm(item: Item, device: VirtualDevice, label: string, entity: string): boolean {
    const mb = this.nvdimms.get(item)?.capacityMB;
    if (mb === undefined) {
      // A VirtualQuantity that is no whole number is ParseDescriptor's MALFORMED_NUMBER already.
      if (item.virtualQuantity === undefined || isIntegerText(item.virtualQuantity)) {
        const value = `${item.virtualQuantity ?? ''} ${item.allocationUnits ?? ''}`.trim();
        this.err('BAD_QUANTITY', { _typeName: 'OvfElementInvalidValue', lineNumber: item.pos.line, name: 'VirtualQuantity', value }, `NVDIMM ${qv(label)} of ${qv(entity)} has no capacity vSphere can read (${qv(value)})`, { at: item, value, allowed: 'a positive integer with byte units, e.g. 1024 byte * 2^20', fix: 'set rasd:VirtualQuantity (and rasd:AllocationUnits) of the NVDIMM item' });
      }
      return false;
    }
    device['capacityInMB'] = mb;
    device.backing = { _typeName: 'VirtualNVDIMMBackingInfo', fileName: '' };
    const bytes = mb * 2 ** 20;
    this.a.flatDeploymentSize += bytes;
    this.a.sparseDeploymentSize += bytes;
    this.a.nvdimmSize += bytes;
    return true;
  }

  private media(item: Item, device: VirtualDevice, deviceId: string, cimType: number, imageBacking: string): void {
    const ref = item.hostResource[0];
    const r = ref ? parseHostResource(ref) : undefined;
    const file = r?.kind === 'file' ? this.files.get(r.id) : undefined;
    const auto = item.automaticAllocation === undefined ? false : item.automaticAllocation.toLowerCase() === 'true';
    device.connectable = { startConnected: auto || file !== undefined, allowGuestControl: true, connected: false };
    if (file) {
      device.backing = { _typeName: imageBacking, fileName: '' };
      this.a.fileItem.push(fileItem(deviceId, file, cimType, true));
      this.a.downloadSize += 0;
    } else if (cimType === RT.cdrom) {
      device.backing = { _typeName: 'VirtualCdromRemotePassthroughBackingInfo', deviceName: '', useAutoDetect: false, exclusive: false };
    } else {
      device.backing = { _typeName: 'VirtualFloppyRemoteDeviceBackingInfo', deviceName: '', useAutoDetect: false };
    }
  }

  private nic(item: Item, device: VirtualDevice, path: string[], label: string, type: DeviceType): void {
    const inv = this.input.inventory;
    const ovfName = item.connection[0] ?? '';
    const entity = path.join('/');
    const summary: NicSummary = { entity, label, adapter: type, ovfNetwork: ovfName, mappedBy: 'unmapped' };
    let target: InventoryNetwork | undefined;
    let moref = this.mappedNetworks.get(ovfName);
    if (moref) {
      summary.mappedBy = 'networkMapping';
      target = inv ? inventoryLookup.network(inv, moref.value) : undefined;
    } else if (inv) {
      const hostNets = this.input.host ? inv.networks.filter((n) => this.input.host!.networks.some((r) => r === n.name || r === n.moref)) : inv.networks;
      target = hostNets.find((n) => n.name === ovfName);
      if (target) summary.mappedBy = 'sameName';
      else {
        target = hostNets[0];
        if (target) {
          summary.mappedBy = 'fallback';
          this.warn('NETWORK_NOT_MAPPED', { _typeName: 'OvfNoHostNic', lineNumber: item.pos.line }, `OVF network ${qv(ovfName)} of ${qv(entity)} is not mapped and the host has no network of that name; NIC ${qv(label)} goes to ${qv(target.name)}`, { at: item, value: ovfName, allowed: hostNets.map((n) => n.name).join(', '), fix: `map it: ${wordsOf(this.input.vocabulary).networkMapping(ovfName)}` });
        } else {
          this.err('NO_HOST_NETWORK', { _typeName: 'OvfNoHostNic', lineNumber: item.pos.line }, `NIC ${qv(label)} of ${qv(entity)} cannot be connected: the host has no networks`, { at: item, value: ovfName, fix: 'add a network to the host or remove the NIC' });
        }
      }
      if (target) moref = { type: networkMoRefType(target), value: target.moref };
    } else {
      this.warn('NETWORK_NOT_MAPPED', { _typeName: 'OvfNoHostNic', lineNumber: item.pos.line }, `OVF network ${qv(ovfName)} of ${qv(entity)} is not mapped; vSphere will connect NIC ${qv(label)} to a network of the same name, if the host has one`, { at: item, value: ovfName, fix: `map it: ${wordsOf(this.input.vocabulary).networkMapping(ovfName)}` });
    }
    const netName = target?.name ?? (moref && !inv ? moref.value : ovfName);
    if (target?.type === 'dvportgroup') {
      device.backing = { _typeName: 'VirtualEthernetCardDistributedVirtualPortBackingInfo', port: { portgroupKey: target.moref, switchUuid: target.switchUuid ?? '' } };
    } else if (target?.type === 'opaque') {
      device.backing = { _typeName: 'VirtualEthernetCardOpaqueNetworkBackingInfo', opaqueNetworkId: target.moref, opaqueNetworkType: 'nsx.LogicalSwitch' };
    } else {
      const b: VirtualDeviceBackingInfo = { _typeName: 'VirtualEthernetCardNetworkBackingInfo', deviceName: netName, useAutoDetect: false };
      if (moref) b['network'] = moref;
      device.backing = b;
    }
    const mac = item.address;
    if (mac && /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(mac)) {
      device['addressType'] = 'manual';
      device['macAddress'] = mac.replace(/-/g, ':').toLowerCase();
    } else device['addressType'] = 'generated';
    device['wakeOnLanEnabled'] = device['wakeOnLanEnabled'] ?? true;
    device.connectable = { startConnected: item.automaticAllocation === undefined ? true : item.automaticAllocation.toLowerCase() === 'true', allowGuestControl: true, connected: false };
    summary.network = moref ? { name: netName, moref } : { name: netName };
    this.a.nics.push(summary);
  }

}

/** Disk and NVDIMM controllers are created first, so devices can name them as Parent. */
function isController(i: Item): boolean {
  const rt = intValue(i.resourceType);
  const m = rt === undefined ? undefined : deviceFor(rt, i.resourceSubType);
  const family = m && 'device' in m ? controllerFamily(m.device) : undefined;
  return family !== undefined && family !== 'usb';
}

function allocation(item: Item): ResourceAllocationInfo {
  const out: ResourceAllocationInfo = {};
  const r = intValue(item.reservation);
  if (r !== undefined) out.reservation = r;
  const l = intValue(item.limit);
  if (l !== undefined) out.limit = l;
  const w = intValue(item.weight);
  if (w !== undefined) out.shares = { level: 'custom', shares: w };
  return out;
}

function fileItem(deviceId: string, f: File, cimType: number, create: boolean): OvfFileItem {
  const out: OvfFileItem = { deviceId, path: f.href, cimType, create };
  if (f.compression) out.compressionMethod = f.compression;
  if (f.chunkSize !== undefined) out.chunkSize = f.chunkSize;
  if (f.size !== undefined) out.size = f.size;
  return out;
}

function diskBacking(prov: DiskProvisioningType, datastoreName: string, ds: InventoryDatastore | undefined): VirtualDeviceBackingInfo {
  const base: VirtualDeviceBackingInfo = { _typeName: 'VirtualDiskFlatVer2BackingInfo', fileName: datastoreName ? `[${datastoreName}]` : '', diskMode: 'persistent' };
  if (ds) base['datastore'] = { type: 'Datastore', value: ds.moref };
  switch (prov) {
    case 'seSparse':
      return { ...base, _typeName: 'VirtualDiskSeSparseBackingInfo' };
    case 'thin':
    case 'sparse':
    case 'monolithicSparse':
    case 'twoGbMaxExtentSparse':
      return { ...base, thinProvisioned: true };
    case 'eagerZeroedThick':
      return { ...base, thinProvisioned: false, eagerlyScrub: true };
    default:
      return { ...base, thinProvisioned: false };
  }
}

function configValue(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^-?\d{1,15}$/.test(v)) return Number(v);
  return v;
}

/** Sets `a.b.c` on an object from a vmw:Config key, creating the nested objects. */
function setPath(target: Record<string, unknown>, key: string, value: string): void {
  const parts = key.split('.');
  if (parts.some((p) => p === '' || p === '__proto__' || p === 'constructor' || p === 'prototype')) return;
  let o = target;
  for (const p of parts.slice(0, -1)) {
    const next = o[p];
    if (typeof next !== 'object' || next === null) o[p] = p === 'slotInfo' ? { _typeName: 'VirtualDevicePciBusSlotInfo' } : {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts[parts.length - 1]!] = configValue(value);
}

function applyConfig(device: VirtualDevice, config: readonly VmwConfig[]): void {
  for (const c of config) setPath(device as unknown as Record<string, unknown>, c.key, c.value);
}

/** Runs the analysis behind ValidateHost and CreateImportSpec. */
export function analyze(input: BuildInput): Analysis {
  return new Builder(input).run();
}

/**
 * The CreateImportSpec result of an analysis: the parse errors and every import and host problem;
 * `importSpec` and `fileItem` only when there is no error, as in vSphere. @see vim25 OvfCreateImportSpecResult
 */
export function createImportSpecResult(a: Analysis, parseError: readonly OvfIssue[] | undefined): OvfCreateImportSpecResult {
  const result: OvfCreateImportSpecResult = {};
  const error = [...(parseError ?? []), ...a.importError, ...a.hostError];
  const warning = [...a.importWarning, ...a.hostWarning];
  if (error.length) result.error = error;
  else {
    result.importSpec = a.importSpec!;
    if (a.fileItem.length) result.fileItem = a.fileItem;
  }
  if (warning.length) result.warning = warning;
  return result;
}

export type { Located };
export type { Analysis, BuildInput, DiskSummary, NicSummary, PropertySummary, VmSummary } from './analysis';
export { validateHostResult, vmxNumber } from './validate-host';
