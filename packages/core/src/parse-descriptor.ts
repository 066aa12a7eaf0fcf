/**
 * `parseDescriptor`: the local equivalent of vSphere's `OvfManager.ParseDescriptor`. Reads and
 * validates a descriptor and returns an {@link OvfParseDescriptorResult} with the vim25 fields;
 * problems are `error[]` / `warning[]` entries, never exceptions.
 * @see vim25 OvfManager.ParseDescriptor, vsphere-ovf-api.md §3, §11
 */
import type { OvfIssue } from './faults';
import { readEnvelope } from './envelope';
import { type At, issues } from './messages';
import type { Content, Envelope, Msg, Property } from './model';
import { toVAppType } from './property-type';
import { activeItems } from './hardware';
import { inConfiguration, parseHostResource, validateEnvelope, walkContent } from './validate';
import type {
  KeyValue, OvfConsumerOstNode, OvfDeploymentOption, OvfNetworkInfo, OvfParseDescriptorParams, OvfParseDescriptorResult,
  VAppProductInfo, VAppPropertyInfo,
} from './vim25';
import { unitBytes } from './envelope';
import type { XmlReadLimits } from './xml';

/** Options beyond the vim25 parameters. */
export interface ParseDescriptorOptions {
  /** Input bounds for untrusted descriptors. */
  limits?: XmlReadLimits;
}

/** The result plus the model it was computed from (for CreateImportSpec and friends). */
export interface ParsedDescriptor {
  result: OvfParseDescriptorResult;
  envelope?: Envelope;
  /** The deployment option actually applied ("" when the descriptor has none). */
  deploymentOption: string;
}

const NO_PARAMS: OvfParseDescriptorParams = { locale: '', deploymentOption: '' };

/**
 * Parses and validates an OVF descriptor like `OvfManager.ParseDescriptor`. Never throws.
 * `ovfDescriptor` may be the text, or the file's bytes (then the encoding is detected here).
 * @example
 * const r = parseDescriptor(fs.readFileSync('vcsa.ovf', 'utf8'), { locale: '', deploymentOption: 'tiny' });
 * if (r.error?.length) console.error(r.error.map((e) => e.localizedMessage).join('\n'));
 */
export function parseDescriptor(ovfDescriptor: string | Uint8Array, pdp: OvfParseDescriptorParams = NO_PARAMS, options: ParseDescriptorOptions = {}): OvfParseDescriptorResult {
  return parseDescriptorWithModel(ovfDescriptor, pdp, options).result;
}

/** {@link parseDescriptor}, also returning the model. Never throws. */
export function parseDescriptorWithModel(ovfDescriptor: string | Uint8Array, pdp: OvfParseDescriptorParams = NO_PARAMS, options: ParseDescriptorOptions = {}): ParsedDescriptor {
  let error: OvfIssue[] = [];
  let warning: OvfIssue[] = [];
  try {
    if (typeof ovfDescriptor !== 'string' && !(ovfDescriptor instanceof Uint8Array)) {
      error.push(issues.xmlFormat('the descriptor is neither text nor bytes', 0, 0));
      return { result: emptyResult(error, warning), deploymentOption: '' };
    }
    const read = readEnvelope(ovfDescriptor, options.limits);
    error = read.error;
    warning = read.warning;
    const env = read.envelope;
    if (!env) return { result: emptyResult(error, warning), deploymentOption: '' };
    validateEnvelope(env, error, warning);
    return new ResultBuilder(env, pdp ?? NO_PARAMS, error, warning).build();
  } catch (e) {
    error.push(issues.internal('parse', e));
    return { result: emptyResult(error, warning), deploymentOption: '' };
  }
}

function emptyResult(error: OvfIssue[], warning: OvfIssue[]): OvfParseDescriptorResult {
  return { annotation: '', defaultEntityName: '', virtualApp: false, defaultDeploymentOption: '', error, warning };
}

const atOf = (x: { pos: { line: number; column: number }; path: string }): At => ({ line: x.pos.line, column: x.pos.column, path: x.path });

class ResultBuilder {
  private readonly bundle = new Map<string, string>();
  private readonly locale: string;

  constructor(private readonly env: Envelope, private readonly pdp: OvfParseDescriptorParams, private readonly error: OvfIssue[], private readonly warning: OvfIssue[]) {
    this.locale = pdp.locale ?? '';
    this.selectBundle();
  }

  /** Strings bundle for the locale: exact `xml:lang`, then same language (`de` ~ `de-DE`). */
  private selectBundle(): void {
    const want = this.locale.toLowerCase().replace('_', '-');
    if (want !== '') {
      const lang = want.split('-')[0];
      const exact = this.env.strings.filter((s) => s.lang.toLowerCase().replace('_', '-') === want);
      const related = this.env.strings.filter((s) => s.lang.toLowerCase().replace('_', '-').split('-')[0] === lang);
      for (const s of [...related.reverse(), ...exact]) for (const [k, v] of s.msg) this.bundle.set(k, v);
    }
    // msgBundle is looked up before the descriptor's own bundles.
    for (const kv of this.pdp.msgBundle ?? []) if (kv && typeof kv.key === 'string') this.bundle.set(kv.key, String(kv.value ?? ''));
  }

  private text(m: Msg | undefined): string | undefined {
    if (!m) return undefined;
    if (m.msgid !== undefined) {
      const t = this.bundle.get(m.msgid);
      if (t !== undefined) return t;
    }
    return m.text;
  }

  build(): ParsedDescriptor {
    const env = this.env;
    const configs = env.deploymentOptionSection?.configuration ?? [];
    const defaultDeploymentOption = (configs.find((c) => c.default) ?? configs[0])?.id ?? '';
    let chosen = defaultDeploymentOption;
    const asked = this.pdp.deploymentOption ?? '';
    if (asked !== '') {
      if (configs.some((c) => c.id === asked)) chosen = asked;
      else this.error.push(issues.unknownDeploymentOption(asked, configs.map((c) => c.id)));
    }
    const top = env.content;
    const result: OvfParseDescriptorResult = { annotation: '', defaultEntityName: '', virtualApp: top?.kind === 'VirtualSystemCollection', defaultDeploymentOption };

    const eula: string[] = [];
    for (const c of walkContent(top)) for (const e of c.eulaSection) eula.push(this.text(e.license) ?? '');
    if (eula.length) result.eula = eula;

    const network: OvfNetworkInfo[] = (env.networkSection?.network ?? []).map((n) => ({ name: n.name, description: this.text(n.description) ?? '' }));
    if (network.length) result.network = network;

    const ipa = env.ipAssignmentSection ?? top?.ipAssignmentSection;
    if (ipa?.schemes.length) result.ipAllocationScheme = [...ipa.schemes];
    if (ipa?.protocols.length) result.ipProtocols = [...ipa.protocols];

    const property = this.properties(top, chosen);
    if (property.length) result.property = property;

    const topProduct = top?.productSection[0];
    if (topProduct) {
      const p: VAppProductInfo = { key: 0 };
      if (topProduct.class !== undefined) p.classId = topProduct.class;
      if (topProduct.instance !== undefined) p.instanceId = topProduct.instance;
      const name = this.text(topProduct.product);
      if (name !== undefined) p.name = name;
      const vendor = this.text(topProduct.vendor);
      if (vendor !== undefined) p.vendor = vendor;
      if (topProduct.version !== undefined) p.version = topProduct.version;
      if (topProduct.fullVersion !== undefined) p.fullVersion = topProduct.fullVersion;
      if (topProduct.vendorUrl !== undefined) p.vendorUrl = topProduct.vendorUrl;
      if (topProduct.productUrl !== undefined) p.productUrl = topProduct.productUrl;
      if (topProduct.appUrl !== undefined) p.appUrl = topProduct.appUrl;
      result.productInfo = p;
    }
    result.annotation = this.text(top?.annotationSection?.annotation) ?? '';

    this.sizes(result, property, chosen);
    const productName = this.text(topProduct?.product);
    result.defaultEntityName = productName !== undefined && productName !== '' ? productName : top?.id ?? '';

    const options: OvfDeploymentOption[] = configs.map((c) => ({ key: c.id, label: this.text(c.label) ?? '', description: this.text(c.description) ?? '' }));
    if (options.length) result.deploymentOption = options;

    if (top?.kind === 'VirtualSystemCollection') {
      const entityName: KeyValue[] = [];
      const walk = (c: Content, prefix: string): void => {
        const path = prefix === '' ? c.id : `${prefix}/${c.id}`;
        entityName.push({ key: this.text(c.name) || c.id, value: path });
        if (c.kind === 'VirtualSystemCollection') for (const k of c.content) walk(k, path);
      };
      for (const k of top.content) walk(k, '');
      if (entityName.length) result.entityName = entityName;
    }
    if (top) result.annotatedOst = { id: '', type: 'envelope', child: [ost(top)] };
    result.error = this.error;
    result.warning = this.warning;
    return { result: inWireOrder(result), envelope: env, deploymentOption: chosen };
  }

  /** Every ProductSection property of the tree, as VAppPropertyInfo, for the chosen configuration. */
  private properties(top: Content | undefined, chosen: string): VAppPropertyInfo[] {
    const out: VAppPropertyInfo[] = [];
    const networks = new Set((this.env.networkSection?.network ?? []).map((n) => n.name));
    for (const c of walkContent(top)) {
      // Property ids are unique per entity: each VM / vApp gets its own vApp config.
      const fqids = new Map<string, number>();
      for (const ps of c.productSection) {
        const dotted = ps.property.filter((p) => /[.:]/.test(p.key));
        if (dotted.length) this.warning.push(issues.propertyKeyInvalid({ ...atOf(dotted[0]!), path: `${dotted[0]!.path}/@ovf:key` }, dotted[0]!.key, dotted.length));
        for (const p of ps.property) {
          if (!inConfiguration(p.configuration, chosen)) continue;
          const at = atOf(p);
          const fqid = [ps.class, p.key, ps.instance].filter((x) => x !== undefined && x !== '').join('.');
          const first = fqids.get(fqid);
          if (first !== undefined) this.error.push(issues.duplicateProperty({ ...at, path: `${p.path}/@ovf:key` }, fqid, first));
          else fqids.set(fqid, p.pos.line);
          out.push(this.property(p, ps.class, ps.instance, chosen, out.length, networks));
        }
      }
    }
    return out;
  }

  private property(p: Property, classId: string | undefined, instanceId: string | undefined, chosen: string, key: number, networks: Set<string>): VAppPropertyInfo {
    const at = atOf(p);
    const vt = toVAppType(p.type, p.qualifiers, p.password);
    for (const pr of vt.problems) {
      if (pr.kind === 'type') this.error.push(issues.propertyType({ ...at, path: `${p.path}/@ovf:type` }, p.key, p.type, p.value ?? ''));
      else if (pr.kind === 'qualifier') this.error.push(issues.propertyQualifier({ ...at, path: `${p.path}/@ovf:qualifiers` }, p.key, p.type, p.value ?? '', pr.qualifier ?? '', pr.why));
      else this.warning.push(issues.propertyQualifierIgnored({ ...at, path: `${p.path}/@ovf:qualifiers` }, p.key, p.type, p.value ?? '', pr.qualifier ?? ''));
    }
    if (vt.typeReference !== undefined && networks.size > 0 && !networks.has(vt.typeReference)) {
      this.error.push(issues.propertyNetwork({ ...at, path: `${p.path}/@ovf:qualifiers` }, p.key, vt.type, vt.typeReference, [...networks]));
    }
    let value = p.value;
    for (const v of p.values) if (chosen !== '' && v.configuration.includes(chosen)) { value = v.value; break; }
    if (vt.expressionDefault !== undefined && (value === undefined || value === '')) value = vt.expressionDefault;
    // Only non-empty defaults are checked: an empty default means "the user must supply it".
    const checkValue = (v: string, where: string): void => {
      if (v === '' || vt.problems.some((x) => x.kind !== 'ignored')) return;
      const why = vt.check(v);
      if (why) this.error.push(issues.propertyValue({ ...at, path: where }, p.key, vt.type, p.password ? '(hidden)' : v, why));
    };
    if (p.value !== undefined) checkValue(p.value, `${p.path}/@ovf:value`);
    for (const v of p.values) checkValue(v.value, `${v.path}/@ovf:value`);

    const info: VAppPropertyInfo = { key };
    if (classId !== undefined) info.classId = classId;
    if (instanceId !== undefined) info.instanceId = instanceId;
    info.id = p.key;
    const category = this.text(p.category);
    if (category !== undefined) info.category = category;
    const label = this.text(p.label);
    if (label !== undefined) info.label = label;
    info.type = vt.type;
    if (vt.typeReference !== undefined) info.typeReference = vt.typeReference;
    info.userConfigurable = p.userConfigurable;
    // Password defaults read back as empty (as vSphere does): a secret never leaves the parser.
    info.defaultValue = vt.type.startsWith('password') ? '' : value ?? '';
    const description = this.text(p.description);
    if (description !== undefined) info.description = description;
    return info;
  }

  /** approximate*Size: sum of File sizes; sum of used disks' capacities (flat) and populated sizes (sparse). */
  private sizes(result: OvfParseDescriptorResult, property: VAppPropertyInfo[], chosen: string): void {
    // Deployment sizes count the disks the chosen configuration's Items use (all disks when no
    // Item names one), as per-configuration disks are common (vCSA has a disk set per size).
    const used = new Set<string>();
    for (const c of walkContent(this.env.content)) {
      if (c.kind !== 'VirtualSystem') continue;
      for (const vhs of c.virtualHardwareSection.slice(0, 1)) {
        for (const item of activeItems(vhs, chosen)) {
          for (const hr of item.hostResource) {
            const r = parseHostResource(hr);
            if (r?.kind === 'disk') used.add(r.id);
          }
        }
      }
    }
    const files = this.env.references?.file ?? [];
    let download = 0;
    let anyFile = false;
    for (const f of files) if (f.size !== undefined) { download += f.size; anyFile = true; }
    if (anyFile && Number.isSafeInteger(download)) result.approximateDownloadSize = download;
    const fileSize = new Map(files.map((f) => [f.id, f.size]));
    let ids: Map<string, VAppPropertyInfo> | undefined;
    const byId = (): Map<string, VAppPropertyInfo> => {
      if (!ids) {
        ids = new Map();
        for (const p of property) {
          if (p.id === undefined) continue;
          if (!ids.has(p.id)) ids.set(p.id, p);
          if (p.classId) ids.set(`${p.classId}.${p.id}`, p);
        }
      }
      return ids;
    };
    let flat = 0;
    let sparse = 0;
    let anyDisk = false;
    for (const d of [...(this.env.diskSection?.disk ?? []), ...(this.env.sharedDiskSection?.disk ?? [])]) {
      if (used.size > 0 && !used.has(d.diskId)) continue;
      let cap = d.capacityBytes;
      if (cap === undefined && d.capacityPropertyRef !== undefined) {
        const prop = byId().get(d.capacityPropertyRef);
        const factor = d.capacityAllocationUnits === undefined ? 1 : unitBytes(d.capacityAllocationUnits);
        const n = prop?.defaultValue !== undefined && /^\d+$/.test(prop.defaultValue) ? Number(prop.defaultValue) : undefined;
        if (!prop) {
          this.error.push(issues.danglingReference('DANGLING_CAPACITY_PROPERTY', { ...atOf(d), path: `${d.path}/@ovf:capacity` }, 'Disk', 'ovf:capacity', d.capacity, 'Property', [...byId().keys()]));
        } else if (n !== undefined && factor !== undefined && Number.isSafeInteger(n * factor)) cap = n * factor;
      }
      if (cap === undefined) continue;
      anyDisk = true;
      flat += cap;
      const f = d.fileRef !== undefined ? fileSize.get(d.fileRef) : undefined;
      // Sparse ≈ bytes actually written: populatedSize, else the (stream-optimized) file size;
      // a disk created empty (no fileRef) starts at ~0.
      sparse += d.populatedSize ?? f ?? (d.fileRef === undefined ? 0 : cap);
    }
    if (anyDisk && Number.isSafeInteger(flat)) result.approximateFlatDeploymentSize = flat;
    if (anyDisk && Number.isSafeInteger(sparse)) result.approximateSparseDeploymentSize = sparse;
  }
}

/** vim25 wire order of OvfParseDescriptorResult, so JSON output reads like the API reference. */
const WIRE_ORDER: readonly (keyof OvfParseDescriptorResult)[] = [
  'eula', 'network', 'ipAllocationScheme', 'ipProtocols', 'property', 'productInfo', 'annotation',
  'approximateDownloadSize', 'approximateFlatDeploymentSize', 'approximateSparseDeploymentSize',
  'defaultEntityName', 'virtualApp', 'deploymentOption', 'defaultDeploymentOption', 'entityName',
  'annotatedOst', 'error', 'warning',
];

function inWireOrder(r: OvfParseDescriptorResult): OvfParseDescriptorResult {
  const out: Record<string, unknown> = {};
  for (const k of WIRE_ORDER) if (r[k] !== undefined) out[k] = r[k];
  return out as unknown as OvfParseDescriptorResult;
}

/** The OST skeleton: no OVF consumers are registered locally, so nodes carry no sections. */
function ost(c: Content): OvfConsumerOstNode {
  if (c.kind === 'VirtualSystem') return { id: c.id, type: 'virtualSystem' };
  const child = c.content.map(ost);
  return child.length ? { id: c.id, type: 'virtualSystemCollection', child } : { id: c.id, type: 'virtualSystemCollection' };
}
