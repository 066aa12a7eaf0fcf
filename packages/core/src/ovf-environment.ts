import { OvfkitError } from './errors';
import { fullPropertyId } from './property-keys';
import { attr, readXml, type XmlElement } from './xml';
import { NOT_XML_CHAR, escapeXmlAttribute, escapeXmlText } from './xml-escape';

/** The OVF environment namespace. @see DSP8027; ovf-spec-notes.md §13 */
export const OVF_ENV_NS = 'http://schemas.dmtf.org/ovf/environment/1';

/** @see DSP8027 PlatformSection_Type (all optional) */
export interface OvfEnvironmentPlatform {
  kind?: string;
  version?: string;
  vendor?: string;
  locale?: string;
  /** Minutes from UTC. */
  timezone?: number;
}

/** One `Property oe:key oe:value` of a PropertySection. */
export interface OvfEnvironmentProperty {
  /** Full key `[classId.]id[.instanceId]`. */
  key: string;
  /** The effective value: the value set at deployment, else the default. */
  value: string;
}

/** What a guest receives. @see DSP8027 Environment_Type */
export interface OvfEnvironment {
  /** `oe:id`: the ovf:id of the receiving VirtualSystem ("" allowed). */
  id: string;
  platform?: OvfEnvironmentPlatform;
  property: OvfEnvironmentProperty[];
}

/** The vApp property fields the effective value is chosen from. @see vim25 VAppPropertyInfo */
export interface VAppPropertyValueSource {
  classId?: string;
  id?: string;
  instanceId?: string;
  value?: string;
  defaultValue?: string;
}

/**
 * The environment's properties from a VM's (or import spec's) vApp properties, as vCenter and
 * govc's InjectOvfEnv build them: key `[classId.]id[.instanceId]`, the set value, else the default.
 * Password properties are included: the guest is who needs them.
 */
export function ovfEnvironmentProperties(props: readonly VAppPropertyValueSource[]): OvfEnvironmentProperty[] {
  return props
    .filter((p) => p.id)
    .map((p) => ({ key: fullPropertyId(p), value: p.value || (p.defaultValue ?? '') }));
}

/**
 * Writes the OVF environment document (DSP8027) a guest reads, e.g. from `guestinfo.ovfEnv`.
 * Every value is escaped; a value with a character XML cannot carry (NUL, most C0 controls) is
 * refused, naming the property's key but never its value (it may be a password).
 * @see DSP8027; ovf-spec-notes.md §13; govmomi ovf/env.go
 * @example
 * createOvfEnvironment({ id: 'web', property: [{ key: 'hostname', value: 'web01' }] })
 */
export function createOvfEnvironment(env: OvfEnvironment): string {
  const check = (what: string, s: string): string => {
    if (NOT_XML_CHAR.test(s)) throw new OvfkitError('USAGE', `${what} contains a character an XML document cannot carry (a control character); the OVF environment cannot be written`);
    return s;
  };
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Environment xmlns="${OVF_ENV_NS}" xmlns:oe="${OVF_ENV_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" oe:id="${escapeXmlAttribute(check('the environment id', env.id))}">`,
  ];
  const p = env.platform;
  if (p) {
    out.push('  <PlatformSection>');
    const fields: Array<[string, string | number | undefined]> = [['Kind', p.kind], ['Version', p.version], ['Vendor', p.vendor], ['Locale', p.locale], ['Timezone', p.timezone]];
    for (const [name, v] of fields) if (v !== undefined) out.push(`    <${name}>${escapeXmlText(check(`PlatformSection ${name}`, String(v)))}</${name}>`);
    out.push('  </PlatformSection>');
  }
  out.push('  <PropertySection>');
  for (const prop of env.property) {
    check(`the key ${JSON.stringify(prop.key.replace(NOT_XML_CHAR, '?'))}`, prop.key);
    check(`the value of property ${JSON.stringify(prop.key)}`, prop.value);
    out.push(`    <Property oe:key="${escapeXmlAttribute(prop.key)}" oe:value="${escapeXmlAttribute(prop.value)}"/>`);
  }
  out.push('  </PropertySection>', '</Environment>', '');
  return out.join('\n');
}

/**
 * Reads an OVF environment document with core's (entity-free, size-limited) XML reader: the
 * `oe:id`, the PlatformSection and the top-level PropertySection (sibling `Entity` sections are
 * not returned).
 */
export function readOvfEnvironment(xml: string | Uint8Array): OvfEnvironment {
  const { root, error } = readXml(xml);
  if (!root) throw new OvfkitError('PARSE', `not an XML document: ${error.map((e) => e.localizedMessage).join('; ')}`);
  if (root.local !== 'Environment' || root.uri !== OVF_ENV_NS) throw new OvfkitError('PARSE', `not an OVF environment: the root is {${root.uri}}${root.local}`);
  const env: OvfEnvironment = { id: attr(root, OVF_ENV_NS, 'id') ?? '', property: [] };
  const child = (el: XmlElement, local: string): XmlElement | undefined => el.children.find((c) => c.local === local && c.uri === OVF_ENV_NS);
  const platform = child(root, 'PlatformSection');
  if (platform) {
    const text = (local: string): string | undefined => child(platform, local)?.text.trim();
    const tz = text('Timezone');
    const p: OvfEnvironmentPlatform = {};
    for (const [k, local] of [['kind', 'Kind'], ['version', 'Version'], ['vendor', 'Vendor'], ['locale', 'Locale']] as const) {
      const v = text(local);
      if (v !== undefined) p[k] = v;
    }
    if (tz !== undefined && /^-?\d+$/.test(tz)) p.timezone = Number(tz);
    env.platform = p;
  }
  for (const el of child(root, 'PropertySection')?.children ?? []) {
    if (el.local !== 'Property' || el.uri !== OVF_ENV_NS) continue;
    const key = attr(el, OVF_ENV_NS, 'key');
    if (key === undefined) continue;
    env.property.push({ key, value: attr(el, OVF_ENV_NS, 'value') ?? '' });
  }
  return env;
}
