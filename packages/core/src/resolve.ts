/**
 * Resolve once: a descriptor and a choice (deployment option, locale, string bundles, property
 * mapping, entity name) become one {@link ResolvedDescriptor}. The OVF facts that ParseDescriptor,
 * ValidateHost, CreateImportSpec, the plan and the OVF environment all need (the chosen
 * configuration, localised texts, the main product and default entity name, entity paths and
 * names, full property ids and effective values, active Items, disk and NVDIMM capacities and
 * flat/sparse sizes, References, EULAs, the exact descriptor bytes, their decoded text and digest) are derived
 * here and nowhere else; those calls are projections of this object.
 * @see ARCHITECTURE.md "Resolve once", STYLE.md §15
 */
import { createHash } from 'node:crypto';
import type { OvfInvalidValueConfiguration, OvfIssue } from './faults';
import { readValidated, type DescriptorCache } from './descriptor-cache';
import { quantityBytes } from './envelope';
import { activeItems } from './hardware';
import { deviceFor } from './importspec/devices';
import { issues, type At } from './messages';
import type { Configuration, Content, Disk, Envelope, EulaSection, File, Item, Msg, ProductSection, Property, VirtualSystem } from './model';
import { fullPropertyId, type PropertyName } from './property-keys';
import { toVAppType } from './property-type';
import { diskOfHostResource, inConfiguration } from './validate';

export { diskOfHostResource };
import type { KeyValue, OvfCreateImportSpecParams } from './vim25';
import { asUtf8Document, decodeBytes, type XmlReadLimits } from './xml';

/** The caller's choice: the OvfParseDescriptorParams / OvfCreateImportSpecParams fields that change the facts. */
export interface ResolveChoice {
  /** `Configuration/@ovf:id`; "" = the descriptor's default. */
  deploymentOption?: string;
  /** `xml:lang` of the texts wanted (`de-DE`, `de_DE`, `de`); "" = the descriptor's own text. */
  locale?: string;
  /** Caller-supplied strings, looked up before the descriptor's bundles. @see vim25 OvfManagerCommonParams.msgBundle */
  msgBundle?: readonly KeyValue[];
  /** Full property id `[class.]key[.instance]` → value. @see vim25 OvfCreateImportSpecParams.propertyMapping */
  propertyMapping?: readonly KeyValue[];
  /** CreateImportSpec's `entityName`: the top entity's name; "" = {@link ResolvedDescriptor.defaultEntityName}. */
  entityName?: string;
  /** Input bounds when the descriptor is given as bytes or text. */
  limits?: XmlReadLimits;
  /** Where the read model of the same bytes is kept across resolutions (a long-lived front end's); without it the descriptor is read here. */
  cache?: DescriptorCache;
  /** With {@link cache}: {@link descriptorDigest} of exactly this input, when the caller has it (the cache's key, not hashed again). */
  digest?: string;
}

/** The chosen configuration. @see DSP0243 §9.8 */
export interface ResolvedConfiguration {
  /** The `ovf:id` applied ("" when the descriptor has no DeploymentOptionSection). */
  id: string;
  /** The descriptor's default configuration ("" when none). */
  defaultId: string;
  /** Every declared configuration id, in document order. */
  available: string[];
  /** Localised label of the chosen configuration. */
  label?: string;
  /** The one problem with the choice (an undeclared option), if any; it is also in `error`. */
  issue?: OvfIssue<OvfInvalidValueConfiguration>;
}

/** One VirtualSystem or VirtualSystemCollection with its place in the tree and its name. */
export interface ResolvedEntity {
  content: Content;
  /** Path of `ovf:id`s below the top (`db`, `tier/db`; the top's own is its ovf:id): ParseDescriptor's entityName values. */
  idPath: string;
  /** The name it gets in vSphere: the top one's entityName or default name, a child's Name or ovf:id. */
  name: string;
  /** Index of the parent entity in {@link ResolvedDescriptor.entities}; undefined for the top. */
  parent?: number;
}

/** One ProductSection property of the chosen configuration. @see DSP0243 §9.5 */
export interface ResolvedProperty {
  /** Index of the owning entity in {@link ResolvedDescriptor.entities}. */
  entity: number;
  section: ProductSection;
  property: Property;
  /** `[class.]key[.instance]`: the id propertyMapping, the OVF environment and vSphere use. */
  fullId: string;
  /** vim25 type (`string`, `int(1..64)`, `password(8..64)`, `ip:<network>`…). @see vim25 VAppPropertyInfo.type */
  type: string;
  typeReference?: string;
  password: boolean;
  /** The default for the chosen configuration: the first `Value` naming it, else `ovf:value`, else an expression default. */
  defaultValue: string;
  /** The value the import sets: the mapped one, else {@link defaultValue}. */
  value: string;
  source: 'propertyMapping' | 'default';
  label?: string;
  description?: string;
  category?: string;
}

/** A declared property as propertyMapping keys name it. */
export interface ResolvedPropertyName extends PropertyName {
  /** Index of the owning entity in {@link ResolvedDescriptor.entities}. */
  entity: number;
  section: ProductSection;
  property: Property;
  /** `[class.]key[.instance]`. */
  fullId: string;
  /** Its vim25 type is a password (ovf:password="true" or type password): its values are secrets. */
  password: boolean;
}

/** One Disk of the DiskSection (or SharedDiskSection). @see DSP0243 §9.1 */
export interface ResolvedDisk {
  disk: Disk;
  /** `ovf:capacity` × units in bytes, a `${key}` read from the property's effective value. */
  capacityBytes?: number;
  /** The File holding the disk's content, if any. */
  file?: File;
  /**
   * Bytes it takes thin: `ovf:populatedSize` when given and non-zero (0 is often written for
   * "unknown"), else the stored file's size (a lower bound for compressed content), else its
   * capacity when it has content of unknown size; an empty disk (no file) starts at 0.
   */
  sparseBytes?: number;
  /** True when an active Item of the chosen configuration uses it (every disk counts when no Item names one). */
  used: boolean;
}

/**
 * One active NVDIMM Item (`vmware.nvdimm.device`, rasd:ResourceType 20 or 1): its capacity, which
 * becomes the VirtualNVDIMM's `capacityInMB` and counts in both deployment sizes (docs/vmw-sections.md).
 * @see vim25 VirtualNVDIMM.capacityInMB
 */
export interface ResolvedNvdimm {
  /** Index of the VirtualSystem in {@link ResolvedDescriptor.entities}. */
  entity: number;
  /** Index of its VirtualHardwareSection in the VirtualSystem. */
  section: number;
  item: Item;
  /** `rasd:VirtualQuantity` × `rasd:AllocationUnits` (MiB when absent) rounded up to whole MiB; absent when it is not a positive whole number. */
  capacityMB?: number;
}

/** A EULA to accept before import. @see DSP0243 §9.6 */
export interface ResolvedEula {
  entity: number;
  section: EulaSection;
  /** The localised license text. */
  text: string;
}

/** The one resolved object the OvfManager projections and the front ends read. */
export interface ResolvedDescriptor {
  /** The descriptor exactly as given (a string is taken as its UTF-8 encoding). */
  readonly bytes: Uint8Array;
  /** The text as decoded by the declared encoding; "" when undecodable. */
  readonly text: string;
  /** `sha256:<hex>` of {@link bytes}. */
  readonly digest: string;
  /**
   * The descriptor as vSphere receives it from a live import: {@link text}, an XML declaration
   * naming another encoding made to say UTF-8 ({@link asUtf8Document}), the one string that
   * CreateImportSpec, ParseDescriptor and ValidateHost carry as an `xsd:string` in a UTF-8 SOAP
   * body. "" when undecodable (the plan is refused then).
   */
  readonly vimText: string;
  /** `sha256:<hex>` of {@link vimText} as UTF-8 (the plan's `descriptorTextDigest`): equal digests, identical text received. */
  readonly textDigest: string;
  /** The model; absent when the XML or its root is unusable. */
  envelope?: Envelope;
  /** ParseDescriptor's problems: reading, cross-references, properties, and the choice. */
  error: OvfIssue[];
  warning: OvfIssue[];
  configuration: ResolvedConfiguration;
  /** Localised text of a Msg: the caller's msgBundle, then the locale's bundles, then the text as written. */
  localize(m: Msg | undefined): string | undefined;
  /** The top entity's main product: its first ProductSection without class or instance, else its first. */
  mainProduct?: ProductSection;
  /** ParseDescriptor's defaultEntityName: the main product's name, else the top Name, else its ovf:id. */
  defaultEntityName: string;
  /** Every entity, top first, in document order. */
  entities: ResolvedEntity[];
  /** Every property that applies to the chosen configuration, in document order. */
  properties: ResolvedProperty[];
  /**
   * Every property the descriptor declares, whatever its configuration, in document order: what
   * a propertyMapping key is matched against (a key for another configuration's property names
   * a property, it is not unknown; vSphere's CreateImportSpec also takes it and sets nothing).
   */
  declaredProperties: ResolvedPropertyName[];
  /** Per VirtualSystem: the Items active in the chosen configuration, one list per VirtualHardwareSection. */
  items: ReadonlyMap<VirtualSystem, readonly (readonly Item[])[]>;
  disks: ResolvedDisk[];
  /** Every active NVDIMM Item of every hardware section, in document order. */
  nvdimms: ResolvedNvdimm[];
  /** `References/File` as declared. */
  references: File[];
  eulas: ResolvedEula[];
  /** Sums over the referenced files (download) and the used disks and first-section NVDIMMs (flat, sparse); absent when nothing is known. */
  sizes: { downloadBytes?: number; flatBytes?: number; sparseBytes?: number };
}

/**
 * `sha256:<hex>` of the descriptor bytes (a string is hashed as its UTF-8 encoding): the plan's
 * `descriptorDigest`, and what an import is pinned to so that the package imported is the one planned.
 * @example descriptorDigest(await fs.readFile('web.ovf')) // 'sha256:9f86d0…'
 */
export function descriptorDigest(ovfDescriptor: string | Uint8Array): string {
  const bytes = typeof ovfDescriptor === 'string' ? Buffer.from(ovfDescriptor, 'utf8') : ovfDescriptor;
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The default configuration: the one marked `ovf:default`, else the first. @see DSP0243 §9.8 */
export function defaultConfiguration(env: Envelope | undefined): Configuration | undefined {
  const configs = env?.deploymentOptionSection?.configuration ?? [];
  return configs.find((c) => c.default) ?? configs[0];
}

const langKey = (s: string): string => s.toLowerCase().replace(/_/g, '-');

/** The localiser: the caller's msgBundle first, then the exact `xml:lang` bundle, then same-language ones (`de` ~ `de-DE` ~ `de_DE`). */
function localiser(env: Envelope | undefined, locale: string, msgBundle: readonly KeyValue[]): (m: Msg | undefined) => string | undefined {
  const bundle = new Map<string, string>();
  const want = langKey(locale);
  if (env && want !== '') {
    const lang = want.split('-')[0];
    const exact = env.strings.filter((s) => langKey(s.lang) === want);
    const related = env.strings.filter((s) => langKey(s.lang).split('-')[0] === lang);
    for (const s of [...related.reverse(), ...exact]) for (const [k, v] of s.msg) bundle.set(k, v);
  }
  for (const kv of msgBundle) if (kv && typeof kv.key === 'string') bundle.set(kv.key, String(kv.value ?? ''));
  return (m) => {
    if (!m) return undefined;
    if (m.msgid !== undefined) {
      const t = bundle.get(m.msgid);
      if (t !== undefined) return t;
    }
    return m.text;
  };
}

const atOf = (x: { pos: { line: number; column: number }; path: string }, suffix = ''): At => ({ line: x.pos.line, column: x.pos.column, path: x.path + suffix });

/**
 * Resolves a descriptor (its bytes or text: read, decoded by the declared encoding and validated
 * here, the ParseDescriptor problems in `error`/`warning`) for a choice. Never throws for a bad
 * descriptor.
 * @example
 * const r = resolveDescriptor(bytes, { deploymentOption: 'small', locale: 'de_DE' });
 * r.properties.map((p) => [p.fullId, p.value])
 */
export function resolveDescriptor(input: string | Uint8Array, choice: ResolveChoice = {}): ResolvedDescriptor {
  if (choice.cache) {
    // Over a kept model, the resolution of the descriptor for the choice's configuration and
    // texts (deployment option, locale, msgBundle) is kept too: what each call adds, the entity
    // name and the property mapping, is applied to a copy of the parts it changes.
    const cache = choice.cache;
    const read = cache.read(input, choice.limits, choice.digest);
    const base = cache.resolution(read.digest, choice.limits, baseChoiceKey(choice), () => {
      const only: ResolveChoice = { deploymentOption: choice.deploymentOption ?? '', locale: choice.locale ?? '' };
      if (choice.msgBundle) only.msgBundle = choice.msgBundle;
      // Its input views are never read (each call's are its own): it keeps no reference to the bytes.
      return new Resolver(read.envelope, new Uint8Array(0), only, read.error, read.warning, read.digest).resolve();
    });
    return base ? fromBase(base, input, choice, read.digest) : new Resolver(read.envelope, input, choice, read.error, read.warning, read.digest).resolve();
  }
  const read = readValidated(input, choice.limits);
  return new Resolver(read.envelope, input, choice, read.error, read.warning).resolve();
}

/** The key of what a resolution shares between calls: the choice's configuration and texts. */
function baseChoiceKey(choice: ResolveChoice): string {
  return JSON.stringify([choice.deploymentOption ?? '', choice.locale ?? '', (choice.msgBundle ?? []).map((kv) => [kv?.key, kv?.value])]);
}

/**
 * A resolution for `choice` from a kept one of the same descriptor and configuration (resolved
 * with no entity name and no mapping): its issue lists, entities, properties, disks and sizes
 * copied (each call may change them: the name, the mapped values and what depends on them), the
 * rest shared, as the model is (nothing downstream writes to it: test/src/descriptor-cache.test.ts
 * plans the corpus over frozen kept resolutions and compares with fresh reads).
 */
function fromBase(base: ResolvedDescriptor, input: string | Uint8Array, choice: ResolveChoice, digest: string): ResolvedDescriptor {
  const copy = (list: readonly OvfIssue[]): OvfIssue[] => list.map((i) => ({ ...i }));
  const error = copy(base.error);
  const out: ResolvedDescriptor = {
    ...base,
    error,
    warning: copy(base.warning),
    configuration: { ...base.configuration, available: [...base.configuration.available] },
    entities: base.entities.map((e) => ({ ...e })),
    properties: base.properties.map((p) => ({ ...p })),
    declaredProperties: [...base.declaredProperties],
    disks: base.disks.map((d) => ({ ...d })),
    nvdimms: [...base.nvdimms],
    references: [...base.references],
    eulas: [...base.eulas],
    sizes: { ...base.sizes },
  } as Omit<ResolvedDescriptor, 'bytes' | 'text' | 'digest'> as ResolvedDescriptor;
  // The configuration's issue is also in `error`: the copy there.
  const at = base.configuration.issue ? base.error.indexOf(base.configuration.issue) : -1;
  if (at >= 0) out.configuration.issue = error[at]! as NonNullable<typeof out.configuration.issue>;
  Object.defineProperty(out, 'localize', { value: base.localize, enumerable: false });
  defineInputViews(out, input, digest);
  const top = out.entities[0];
  if (top && choice.entityName) top.name = choice.entityName;
  applyPropertyMapping(out, choice.propertyMapping ?? []);
  return out;
}

/** The choice a CreateImportSpec (or ValidateHost) call makes. @see vim25 OvfCreateImportSpecParams */
export function resolveChoice(cisp: Partial<OvfCreateImportSpecParams>): ResolveChoice {
  const c: ResolveChoice = { deploymentOption: cisp.deploymentOption ?? '', locale: cisp.locale ?? '', entityName: cisp.entityName ?? '' };
  if (cisp.msgBundle) c.msgBundle = cisp.msgBundle;
  if (cisp.propertyMapping) c.propertyMapping = cisp.propertyMapping;
  return c;
}

/** The resolution of input that could not be read at all: its bytes, the one issue saying why, no model. */
export function unresolvedDescriptor(input: string | Uint8Array, issue: OvfIssue): ResolvedDescriptor {
  return new Resolver(undefined, input, {}, [issue], []).resolve();
}

/**
 * Defines `bytes`, `text`, `digest`, `vimText` and `textDigest` on a resolution, each computed on
 * first read and kept: a large descriptor is not copied, decoded a second time or hashed unless
 * someone asks.
 */
function defineInputViews(out: ResolvedDescriptor, input: string | Uint8Array, digest?: string): void {
  const once = <T>(f: () => T): (() => T) => {
    let v: { value: T } | undefined;
    return () => (v ??= { value: f() }).value;
  };
  const bytes = once(() => (typeof input === 'string' ? Buffer.from(input, 'utf8') : input));
  const text = once(() => (typeof input === 'string' ? input : (decodeBytes(input).text ?? '')));
  const vimText = once(() => asUtf8Document(text()));
  Object.defineProperties(out, {
    bytes: { get: bytes, enumerable: false },
    text: { get: text, enumerable: false },
    digest: { get: once(() => digest ?? descriptorDigest(input)), enumerable: false },
    vimText: { get: vimText, enumerable: false },
    textDigest: { get: once(() => descriptorDigest(vimText())), enumerable: false },
  });
}

class Resolver {
  private readonly localize: (m: Msg | undefined) => string | undefined;
  private readonly out: ResolvedDescriptor;

  constructor(private readonly env: Envelope | undefined, input: string | Uint8Array, private readonly choice: ResolveChoice, error: OvfIssue[], warning: OvfIssue[], digest?: string) {
    this.localize = localiser(env, choice.locale ?? '', choice.msgBundle ?? []);
    // bytes, text and digest are defined below, computed when first read.
    this.out = {
      localize: this.localize,
      error,
      warning,
      configuration: { id: '', defaultId: '', available: [] },
      defaultEntityName: '',
      entities: [],
      properties: [],
      declaredProperties: [],
      items: new Map(),
      disks: [],
      nvdimms: [],
      references: [...(env?.references?.file ?? [])],
      eulas: [],
      sizes: {},
    } as Omit<ResolvedDescriptor, 'bytes' | 'text' | 'digest' | 'vimText' | 'textDigest'> as ResolvedDescriptor;
    if (env) this.out.envelope = env;
    // Not enumerable: the resolved object stays comparable and serialisable as data.
    Object.defineProperty(this.out, 'localize', { value: this.localize, enumerable: false });
    defineInputViews(this.out, input, digest);
  }

  resolve(): ResolvedDescriptor {
    if (!this.env) return this.out;
    this.configuration();
    this.entities();
    this.properties();
    this.items();
    this.disks();
    this.nvdimms();
    this.sizes();
    applyPropertyMapping(this.out, this.choice.propertyMapping ?? []);
    return this.out;
  }

  private configuration(): void {
    const configs = this.env?.deploymentOptionSection?.configuration ?? [];
    const dflt = defaultConfiguration(this.env);
    const c: ResolvedConfiguration = { id: dflt?.id ?? '', defaultId: dflt?.id ?? '', available: configs.map((x) => x.id) };
    const asked = this.choice.deploymentOption ?? '';
    if (asked !== '') {
      if (configs.some((x) => x.id === asked)) c.id = asked;
      else c.issue = issues.unknownDeploymentOption(asked, c.available);
    }
    const label = this.localize(configs.find((x) => x.id === c.id)?.label);
    if (label) c.label = label;
    this.out.configuration = c;
    if (c.issue) this.out.error.push(c.issue);
  }

  private entities(): void {
    const top = this.env?.content;
    if (!top) return;
    const main = top.productSection.find((p) => !p.class && !p.instance) ?? top.productSection[0];
    if (main) this.out.mainProduct = main;
    this.out.defaultEntityName = this.localize(main?.product) || this.localize(top.name) || top.id;
    const walk = (c: Content, parent: number | undefined): void => {
      const p = parent === undefined ? undefined : this.out.entities[parent]!;
      const name = parent === undefined ? this.choice.entityName || this.out.defaultEntityName || 'vm' : this.localize(c.name) || c.id || 'vm';
      const e: ResolvedEntity = { content: c, idPath: p && p.parent !== undefined ? `${p.idPath}/${c.id}` : c.id, name };
      if (parent !== undefined) e.parent = parent;
      const index = this.out.entities.push(e) - 1;
      for (const s of c.eulaSection) this.out.eulas.push({ entity: index, section: s, text: this.localize(s.license) ?? '' });
      if (c.kind === 'VirtualSystemCollection') for (const k of c.content) walk(k, index);
    };
    walk(top, undefined);
  }

  private properties(): void {
    const chosen = this.out.configuration.id;
    const networks = new Set((this.env?.networkSection?.network ?? []).map((n) => n.name));
    const { error, warning } = this.out;
    this.out.entities.forEach((e, entity) => {
      // Property ids are unique per entity: each VM / vApp gets its own vApp config.
      const seen = new Map<string, number>();
      for (const section of e.content.productSection) {
        const dotted = section.property.filter((p) => /[.:]/.test(p.key));
        if (dotted.length) warning.push(issues.propertyKeyInvalid(atOf(dotted[0]!, '/@ovf:key'), dotted[0]!.key, dotted.length));
        for (const p of section.property) {
          const name: PropertyName = { classId: section.class, id: p.key, instanceId: section.instance };
          const fullId = fullPropertyId(name);
          const t = toVAppType(p.type, p.qualifiers, p.password);
          const password = t.type.startsWith('password');
          this.out.declaredProperties.push({ ...name, entity, section, property: p, fullId, password });
          if (!inConfiguration(p.configuration, chosen)) continue;
          const first = seen.get(fullId);
          if (first !== undefined) error.push(issues.duplicateProperty(atOf(p, '/@ovf:key'), fullId, first));
          else seen.set(fullId, p.pos.line);
          for (const pr of t.problems) {
            if (pr.kind === 'type') error.push(issues.propertyType(atOf(p, '/@ovf:type'), p.key, p.type, p.value ?? ''));
            else if (pr.kind === 'qualifier') error.push(issues.propertyQualifier(atOf(p, '/@ovf:qualifiers'), p.key, p.type, p.value ?? '', pr.qualifier ?? '', pr.why));
            else warning.push(issues.propertyQualifierIgnored(atOf(p, '/@ovf:qualifiers'), p.key, p.type, p.value ?? '', pr.qualifier ?? ''));
          }
          if (t.typeReference !== undefined && networks.size > 0 && !networks.has(t.typeReference)) {
            error.push(issues.propertyNetwork(atOf(p, '/@ovf:qualifiers'), p.key, t.type, t.typeReference, [...networks]));
          }
          // Only non-empty defaults are checked: an empty default means "the user must supply it".
          const checkable = !t.problems.some((x) => x.kind !== 'ignored');
          const checkValue = (v: string, where: string): void => {
            if (v === '' || !checkable) return;
            const why = t.check(v);
            if (why) error.push(issues.propertyValue({ line: p.pos.line, column: p.pos.column, path: where }, p.key, t.type, p.password ? '(hidden)' : v, why));
          };
          if (p.value !== undefined) checkValue(p.value, `${p.path}/@ovf:value`);
          for (const v of p.values) checkValue(v.value, `${v.path}/@ovf:value`);
          // One rule for per-configuration values: the first Value naming the chosen configuration.
          let dflt = p.value ?? '';
          const perConfig = chosen === '' ? undefined : p.values.find((v) => v.configuration.includes(chosen));
          if (perConfig) dflt = perConfig.value;
          if (t.expressionDefault !== undefined && dflt === '') dflt = t.expressionDefault;
          const r: ResolvedProperty = { entity, section, property: p, fullId, type: t.type, password, defaultValue: dflt, value: dflt, source: 'default' };
          if (t.typeReference !== undefined) r.typeReference = t.typeReference;
          const label = this.localize(p.label);
          if (label !== undefined) r.label = label;
          const description = this.localize(p.description);
          if (description !== undefined) r.description = description;
          const category = this.localize(p.category);
          if (category !== undefined) r.category = category;
          this.out.properties.push(r);
        }
      }
    });
  }

  private items(): void {
    const chosen = this.out.configuration.id;
    const items = new Map<VirtualSystem, Item[][]>();
    for (const e of this.out.entities) {
      if (e.content.kind === 'VirtualSystem') items.set(e.content, e.content.virtualHardwareSection.map((vhs) => activeItems(vhs, chosen)));
    }
    this.out.items = items;
  }

  private disks(): void {
    const env = this.env!;
    const files = new Map(this.out.references.map((f) => [f.id, f]));
    const used = new Set<string>();
    // The first hardware section is what ParseDescriptor sizes; CreateImportSpec picks its section by host.
    const described = [...(env.diskSection?.disk ?? []), ...(env.sharedDiskSection?.disk ?? [])].map((disk) => ({ disk }));
    for (const lists of this.out.items.values()) {
      for (const item of lists[0] ?? []) for (const hr of item.hostResource) {
        const d = diskOfHostResource(described, hr);
        if (d) used.add(d.disk.diskId);
      }
    }
    const byRef = capacityReferences(this.out.properties);
    for (const d of [...(env.diskSection?.disk ?? []), ...(env.sharedDiskSection?.disk ?? [])]) {
      const r: ResolvedDisk = { disk: d, used: used.size === 0 || used.has(d.diskId) };
      const file = d.fileRef !== undefined ? files.get(d.fileRef) : undefined;
      if (file) r.file = file;
      if (d.capacityBytes === undefined && d.capacityPropertyRef !== undefined && !byRef.has(d.capacityPropertyRef)) {
        this.out.error.push(issues.danglingReference('DANGLING_CAPACITY_PROPERTY', atOf(d, '/@ovf:capacity'), 'Disk', 'ovf:capacity', d.capacity, 'Property', [...byRef.keys()]));
      }
      this.out.disks.push(r);
    }
  }

  private nvdimms(): void {
    this.out.entities.forEach((e, entity) => {
      if (e.content.kind !== 'VirtualSystem') return;
      (this.out.items.get(e.content) ?? []).forEach((items, section) => {
        for (const item of items) {
          const m = deviceFor(Number(item.resourceType), item.resourceSubType);
          if (!('device' in m) || m.device !== 'VirtualNVDIMM') continue;
          const n: ResolvedNvdimm = { entity, section, item };
          const q = item.virtualQuantity !== undefined && /^\d+$/.test(item.virtualQuantity.trim()) ? Number(item.virtualQuantity.trim()) : undefined;
          // capacityInMB is in MiB, as vCenter writes the quantity; other byte units are converted.
          const bytes = q !== undefined && q > 0 ? quantityBytes(q, item.allocationUnits, 2 ** 20) : undefined;
          if (bytes !== undefined) n.capacityMB = Math.ceil(bytes / 2 ** 20);
          this.out.nvdimms.push(n);
        }
      });
    });
  }

  private sizes(): void {
    const s = this.out.sizes;
    let download = 0;
    let anyFile = false;
    for (const f of this.out.references) if (f.size !== undefined) { download += f.size; anyFile = true; }
    if (anyFile && Number.isSafeInteger(download)) s.downloadBytes = download;
  }
}

/** What a Disk's `ovf:capacity="${key}"` can name: a property by its full id, or by its bare key (the first such property). */
function capacityReferences(properties: readonly ResolvedProperty[]): Map<string, ResolvedProperty> {
  const byRef = new Map<string, ResolvedProperty>();
  for (const p of properties) {
    if (!byRef.has(p.property.key)) byRef.set(p.property.key, p);
    byRef.set(p.fullId, p);
  }
  return byRef;
}

/**
 * Sets the property values a propertyMapping (keys are full ids) gives, and what depends on them:
 * the capacity and sparse size of each disk (a `${key}` capacity reads the effective value) and the
 * deployment sizes. resolveDescriptor applies the choice's mapping; a plan that resolves bare
 * keys against the descriptor first applies its full-id mapping with this, on the same object.
 */
export function applyPropertyMapping(r: ResolvedDescriptor, mapping: readonly KeyValue[]): void {
  const given = new Map(mapping.map((kv) => [kv.key, kv.value]));
  for (const p of r.properties) {
    const v = given.get(p.fullId);
    p.value = v ?? p.defaultValue;
    p.source = v === undefined ? 'default' : 'propertyMapping';
  }
  const byRef = capacityReferences(r.properties);
  for (const rd of r.disks) {
    const d = rd.disk;
    let cap = d.capacityBytes;
    if (cap === undefined && d.capacityPropertyRef !== undefined) {
      const value = byRef.get(d.capacityPropertyRef)?.value;
      const n = value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
      if (n !== undefined) cap = quantityBytes(n, d.capacityAllocationUnits);
    }
    delete rd.capacityBytes;
    delete rd.sparseBytes;
    if (cap === undefined) continue;
    rd.capacityBytes = cap;
    const populated = d.populatedSize !== undefined && d.populatedSize > 0 ? d.populatedSize : undefined;
    rd.sparseBytes = populated ?? rd.file?.size ?? (d.fileRef === undefined ? 0 : cap);
  }
  const s = r.sizes;
  delete s.flatBytes;
  delete s.sparseBytes;
  let flat = 0;
  let sparse = 0;
  let anyDisk = false;
  for (const d of r.disks) {
    if (!d.used || d.capacityBytes === undefined) continue;
    anyDisk = true;
    flat += d.capacityBytes;
    sparse += d.sparseBytes ?? 0;
  }
  // An NVDIMM's backing is allocated whole when the VM is created (no thin NVDIMM), so it counts
  // its capacity in both sizes; the first hardware section is what ParseDescriptor sizes.
  for (const n of r.nvdimms) {
    if (n.section !== 0 || n.capacityMB === undefined) continue;
    anyDisk = true;
    flat += n.capacityMB * 2 ** 20;
    sparse += n.capacityMB * 2 ** 20;
  }
  if (anyDisk && Number.isSafeInteger(flat)) s.flatBytes = flat;
  if (anyDisk && Number.isSafeInteger(sparse)) s.sparseBytes = sparse;
}
