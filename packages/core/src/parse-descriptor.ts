/**
 * `parseDescriptor`: the local equivalent of vSphere's `OvfManager.ParseDescriptor`. Reads and
 * validates a descriptor and returns an {@link OvfParseDescriptorResult} with the vim25 fields;
 * problems are `error[]` / `warning[]` entries, never exceptions.
 * @see vim25 OvfManager.ParseDescriptor, vsphere-ovf-api.md §3, §11
 */
import type { OvfIssue } from './faults';
import { issues } from './messages';
import type { Content, Envelope } from './model';
import { resolveDescriptor, unresolvedDescriptor, type ResolveChoice, type ResolvedDescriptor, type ResolvedProperty } from './resolve';
import type {
  KeyValue, OvfConsumerOstNode, OvfDeploymentOption, OvfNetworkInfo, OvfParseDescriptorParams, OvfParseDescriptorResult,
  VAppProductInfo, VAppPropertyInfo,
} from './vim25';
import type { XmlReadLimits } from './xml';

/** Options beyond the vim25 parameters. */
export interface ParseDescriptorOptions {
  /** Input bounds for untrusted descriptors. */
  limits?: XmlReadLimits;
}

/** The result plus the resolved descriptor it was projected from (for CreateImportSpec and friends). */
export interface ParsedDescriptor {
  result: OvfParseDescriptorResult;
  envelope?: Envelope;
  /** The deployment option actually applied ("" when the descriptor has none). */
  deploymentOption: string;
  /** The one resolved object the result is a projection of. */
  resolved: ResolvedDescriptor;
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

/** {@link parseDescriptor}, also returning the model and the resolved descriptor. Never throws. */
export function parseDescriptorWithModel(ovfDescriptor: string | Uint8Array, pdp: OvfParseDescriptorParams = NO_PARAMS, options: ParseDescriptorOptions = {}): ParsedDescriptor {
  const p = pdp ?? NO_PARAMS;
  const choice: ResolveChoice = { deploymentOption: p.deploymentOption ?? '', locale: p.locale ?? '' };
  if (p.msgBundle) choice.msgBundle = p.msgBundle;
  if (options.limits) choice.limits = options.limits;
  return parseDescriptorResult(resolveOrReport(ovfDescriptor, choice));
}

/**
 * {@link resolveDescriptor} for a caller's input, never throwing: input that is neither text nor
 * bytes, or an internal failure, becomes one error on an otherwise empty resolution.
 */
export function resolveOrReport(ovfDescriptor: string | Uint8Array, choice: ResolveChoice): ResolvedDescriptor {
  if (typeof ovfDescriptor !== 'string' && !(ovfDescriptor instanceof Uint8Array)) return unresolvedDescriptor('', issues.xmlFormat('the descriptor is neither text nor bytes', 0, 0));
  try {
    return resolveDescriptor(ovfDescriptor, choice);
  } catch (e) {
    return unresolvedDescriptor(ovfDescriptor, issues.internal('parse', e));
  }
}

/** ParseDescriptor as a projection of a resolved descriptor. Never throws. */
export function parseDescriptorResult(resolved: ResolvedDescriptor): ParsedDescriptor {
  const env = resolved.envelope;
  if (!env) return { result: emptyResult(resolved.error, resolved.warning), deploymentOption: '', resolved };
  try {
    const out: ParsedDescriptor = { result: project(resolved, env), envelope: env, deploymentOption: resolved.configuration.id, resolved };
    return out;
  } catch (e) {
    resolved.error.push(issues.internal('parse', e));
    return { result: emptyResult(resolved.error, resolved.warning), envelope: env, deploymentOption: resolved.configuration.id, resolved };
  }
}

function emptyResult(error: OvfIssue[], warning: OvfIssue[]): OvfParseDescriptorResult {
  return { annotation: '', defaultEntityName: '', virtualApp: false, defaultDeploymentOption: '', error, warning };
}

function project(r: ResolvedDescriptor, env: Envelope): OvfParseDescriptorResult {
  const text = r.localize;
  const top = env.content;
  const result: OvfParseDescriptorResult = { annotation: '', defaultEntityName: '', virtualApp: top?.kind === 'VirtualSystemCollection', defaultDeploymentOption: r.configuration.defaultId };

  if (r.eulas.length) result.eula = r.eulas.map((e) => e.text);

  const network: OvfNetworkInfo[] = (env.networkSection?.network ?? []).map((n) => ({ name: n.name, description: text(n.description) ?? '' }));
  if (network.length) result.network = network;

  const ipa = env.ipAssignmentSection ?? top?.ipAssignmentSection;
  if (ipa?.schemes.length) result.ipAllocationScheme = [...ipa.schemes];
  if (ipa?.protocols.length) result.ipProtocols = [...ipa.protocols];

  const property = r.properties.map((p, key) => propertyInfo(p, key));
  if (property.length) result.property = property;

  const topProduct = r.mainProduct;
  if (topProduct) {
    const p: VAppProductInfo = { key: 0 };
    if (topProduct.class !== undefined) p.classId = topProduct.class;
    if (topProduct.instance !== undefined) p.instanceId = topProduct.instance;
    const name = text(topProduct.product);
    if (name !== undefined) p.name = name;
    const vendor = text(topProduct.vendor);
    if (vendor !== undefined) p.vendor = vendor;
    if (topProduct.version !== undefined) p.version = topProduct.version;
    if (topProduct.fullVersion !== undefined) p.fullVersion = topProduct.fullVersion;
    if (topProduct.vendorUrl !== undefined) p.vendorUrl = topProduct.vendorUrl;
    if (topProduct.productUrl !== undefined) p.productUrl = topProduct.productUrl;
    if (topProduct.appUrl !== undefined) p.appUrl = topProduct.appUrl;
    result.productInfo = p;
  }
  result.annotation = text(top?.annotationSection?.annotation) ?? '';

  if (r.sizes.downloadBytes !== undefined) result.approximateDownloadSize = r.sizes.downloadBytes;
  if (r.sizes.flatBytes !== undefined) result.approximateFlatDeploymentSize = r.sizes.flatBytes;
  if (r.sizes.sparseBytes !== undefined) result.approximateSparseDeploymentSize = r.sizes.sparseBytes;
  result.defaultEntityName = r.defaultEntityName;

  const configs = env.deploymentOptionSection?.configuration ?? [];
  const options: OvfDeploymentOption[] = configs.map((c) => ({ key: c.id, label: text(c.label) ?? '', description: text(c.description) ?? '' }));
  if (options.length) result.deploymentOption = options;

  if (top?.kind === 'VirtualSystemCollection') {
    const entityName: KeyValue[] = r.entities.filter((e) => e.parent !== undefined).map((e) => ({ key: e.name, value: e.idPath }));
    if (entityName.length) result.entityName = entityName;
  }
  if (top) result.annotatedOst = { id: '', type: 'envelope', child: [ost(top)] };
  result.error = r.error;
  result.warning = r.warning;
  return inWireOrder(result);
}

/** One resolved property as ParseDescriptor's VAppPropertyInfo (password defaults read back empty, as in vSphere). */
function propertyInfo(p: ResolvedProperty, key: number): VAppPropertyInfo {
  const info: VAppPropertyInfo = { key };
  if (p.section.class !== undefined) info.classId = p.section.class;
  if (p.section.instance !== undefined) info.instanceId = p.section.instance;
  info.id = p.property.key;
  if (p.category !== undefined) info.category = p.category;
  if (p.label !== undefined) info.label = p.label;
  info.type = p.type;
  if (p.typeReference !== undefined) info.typeReference = p.typeReference;
  info.userConfigurable = p.property.userConfigurable;
  // A secret never leaves the parser.
  info.defaultValue = p.password ? '' : p.defaultValue;
  if (p.description !== undefined) info.description = p.description;
  return info;
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
