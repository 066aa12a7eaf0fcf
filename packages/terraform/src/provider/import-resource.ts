/**
 * `ovfkit_import`: plan = core's plan of the config (diagnostics on the attribute at fault) and
 * which attributes force a new import; apply = @ovfkit/vsphere's import engine (which refuses a
 * package whose descriptor is not the planned one, and removes what it made on failure), or the
 * in-place changes vSphere makes live (power, annotation, vApp property values); read = the
 * entity read back (gone → removed from state; changed values → drift); import = adopt an entity
 * by moref or inventory path.
 */
import { type HostProfile, type KeyValue, type ManagedObjectReference, type ManifestPolicy, type OvfPlan, passwordDigest, passwordMatches, type SignaturePolicy } from '@ovfkit/core';
import type { OvfEntityState, OvfSession } from '@ovfkit/vsphere';

import { attributePath, type AttributePath, type Diagnostic, errorDiagnostic } from '../protocol/messages';
import { isUnknown, type TfValue, UNKNOWN } from '../protocol/values';
import { checkImport, issueDiagnostic, knownEntries, knownList, knownString, loadHostProfile, PLAN_INPUTS, signatureAttributes, type TfObject } from './check';
import type { ProviderSettings } from './connection';
import { IMPORT_SCHEMA } from './schema';

/**
 * Attributes whose change means a new place or a new deployment: the entity is imported again.
 * `source` is not one of them: new bytes show as a new descriptor_digest (below), and the same
 * package at another path (a checkout moved, a CI workspace) is only a new value in state.
 */
export const REPLACE_ATTRIBUTES = ['name', 'datacenter', 'resource_pool', 'cluster', 'vapp', 'datastore', 'folder', 'host', 'network_mapping', 'deployment_option', 'disk_provisioning', 'ip_allocation_policy', 'ip_protocol', 'locale', 'mark_as_template'] as const;

/** `VirtualMachine:vm-42` ↔ moref. */
export function formatMoRef(ref: ManagedObjectReference): string { return `${ref.type}:${ref.value}`; }
export function parseMoRef(id: string): ManagedObjectReference | undefined {
  const m = /^(VirtualMachine|VirtualApp):(.+)$/.exec(id);
  return m ? { type: m[1]!, value: m[2]! } : undefined;
}

const same = (a: TfValue | undefined, b: TfValue | undefined): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Opens a session for an apply-time operation. */
export type SessionOpener = (what: string) => Promise<OvfSession>;

/** What plan and apply share: the object with every schema attribute present. */
function complete(o: TfObject): TfObject {
  return Object.fromEntries(Object.keys(IMPORT_SCHEMA.attributes).map((k) => [k, o[k] ?? null]));
}

export interface PlanResult {
  planned: TfObject | null;
  requiresReplace: AttributePath[];
  diagnostics: Diagnostic[];
}

/**
 * PlanResourceChange. The planned state is the proposed one (config with prior computed values)
 * plus what the plan knows already (descriptor digest, name, deployment option) and unknowns for
 * what only apply knows.
 */
export async function planImport(prior: TfObject | null, proposed: TfObject | null, config: TfObject | null, settings: ProviderSettings): Promise<PlanResult> {
  if (proposed === null || config === null) return { planned: null, requiresReplace: [], diagnostics: [] };
  const check = await checkImport(config, settings.target);
  const diagnostics = check.diagnostics;
  if (diagnostics.some((d) => d.severity === 'ERROR')) return { planned: proposed, requiresReplace: [], diagnostics };
  const planned: TfObject = complete({ ...proposed, password_property_mapping: null });
  const planKnown = check.plan !== undefined && !PLAN_INPUTS.some((k) => isUnknown(config[k]));
  planned['descriptor_digest'] = planKnown ? check.plan!.descriptorDigest : UNKNOWN;
  if (config['name'] === null) planned['name'] = prior?.['name'] ?? (planKnown ? check.plan!.entityName : UNKNOWN);
  if (config['deployment_option'] === null) planned['deployment_option'] = prior?.['deployment_option'] ?? (planKnown ? check.plan!.deploymentOption.key : UNKNOWN);
  if (config['annotation'] === null) planned['annotation'] = prior?.['annotation'] ?? UNKNOWN;
  // The signer, as the plan judged it: shown by terraform plan, enforced again at apply.
  Object.assign(planned, planKnown ? signatureAttributes(check.plan!.signature) : { signature_status: UNKNOWN, signer: UNKNOWN });

  if (prior === null) {
    planned['id'] = UNKNOWN;
    planned['vms'] = UNKNOWN;
    planned['password_property_digests'] = knownEntries(config['password_property_mapping']).length || isUnknown(config['password_property_mapping']) ? UNKNOWN : {};
    return { planned, requiresReplace: [], diagnostics };
  }

  const requiresReplace: AttributePath[] = [];
  for (const k of REPLACE_ATTRIBUTES) {
    // A prior null means not recorded (an adopted entity) or the default: adopt the config's value.
    if (prior[k] === null || prior[k] === undefined) continue;
    if (isUnknown(planned[k]) || !same(prior[k], planned[k])) requiresReplace.push(attributePath(k));
  }
  if (prior['descriptor_digest'] !== null && !same(prior['descriptor_digest'], planned['descriptor_digest'])) requiresReplace.push(attributePath('descriptor_digest'));
  if (requiresReplace.length > 0) {
    planned['id'] = UNKNOWN;
    planned['vms'] = UNKNOWN;
    planned['password_property_digests'] = UNKNOWN;
    return { planned, requiresReplace, diagnostics };
  }
  // In place: a changed power state changes what vms reports; a changed password, its digest.
  if (!same(prior['power_on'], planned['power_on']) && planned['power_on'] !== null) planned['vms'] = UNKNOWN;
  const digests = (prior['password_property_digests'] ?? {}) as { [k: string]: TfValue };
  const passwords = config['password_property_mapping'];
  const passwordsChanged = isUnknown(passwords)
    || knownEntries(passwords).length !== Object.keys(digests).length
    || knownEntries(passwords).some(([k, v]) => typeof digests[k] !== 'string' || !passwordMatches(v, digests[k] as string));
  planned['password_property_digests'] = passwordsChanged ? UNKNOWN : digests;
  return { planned, requiresReplace, diagnostics };
}

/** The state of an entity as read back, over what the config/state said. */
function stateOf(base: TfObject, entity: OvfEntityState, extra: { passwordDigests?: TfValue }): TfObject {
  const state = complete({ ...base, password_property_mapping: null });
  state['id'] = formatMoRef(entity.entity);
  state['name'] = entity.name;
  if (entity.annotation !== undefined || state['annotation'] === null || isUnknown(state['annotation'])) state['annotation'] = entity.annotation ?? '';
  state['vms'] = entity.vms.map((vm) => ({ id: formatMoRef(vm.entity), name: vm.name, power_state: vm.powerState, num_cpus: vm.numCPUs ?? null, memory_mb: vm.memoryMB ?? null }));
  if (state['power_on'] !== null) state['power_on'] = entity.powerState === 'poweredOn';
  // What vSphere reports wins over what was asked, so a change made outside shows as drift.
  const mapping = state['property_mapping'];
  if (mapping !== null && typeof mapping === 'object' && !Array.isArray(mapping) && !isUnknown(mapping)) {
    const now: { [k: string]: TfValue } = { ...mapping };
    for (const owner of [entity, ...entity.vms]) {
      for (const kv of owner.property ?? []) {
        const key = kv.key in now ? kv.key : kv.id !== undefined && kv.id in now ? kv.id : undefined;
        if (key !== undefined) now[key] = kv.value;
      }
    }
    state['property_mapping'] = now;
  }
  if (extra.passwordDigests !== undefined) state['password_property_digests'] = extra.passwordDigests;
  return state;
}

function digestsFor(config: TfObject, previous: TfValue | undefined): { [k: string]: TfValue } {
  const prev = (previous && typeof previous === 'object' && !Array.isArray(previous) && !isUnknown(previous) ? previous : {}) as { [k: string]: TfValue };
  return Object.fromEntries(knownEntries(config['password_property_mapping']).map(([k, v]) => {
    const p = prev[k];
    return [k, typeof p === 'string' && passwordMatches(v, p) ? p : passwordDigest(v)];
  }));
}

export interface ApplyResult {
  state: TfObject | null;
  diagnostics: Diagnostic[];
}

/** ApplyResourceChange: create, update in place, or destroy. */
export async function applyImport(prior: TfObject | null, planned: TfObject | null, config: TfObject | null, settings: ProviderSettings, open: SessionOpener): Promise<ApplyResult> {
  if (planned === null) {
    const ref = parseMoRef(knownString(prior?.['id']) ?? '');
    if (!ref) return { state: null, diagnostics: [] };
    const session = await open('destroying an ovfkit_import');
    try { await session.destroy(ref); } finally { await session.logout().catch(() => undefined); }
    return { state: null, diagnostics: [] };
  }
  const cfg = config ?? planned;
  if (prior === null) return createImport(planned, cfg, settings, open);
  return updateImport(prior, planned, cfg, settings, open);
}

/**
 * Create: the import engine plans the bytes it reads with core (the verdict Terraform's final
 * plan showed, pinned to its descriptor digest) and refuses what that plan refuses, creating
 * nothing; its refusal is rendered as the plan-time diagnostics are.
 */
async function createImport(planned: TfObject, config: TfObject, settings: ProviderSettings, open: SessionOpener): Promise<ApplyResult> {
  const s = (k: string): string | undefined => knownString(config[k]);
  const digest = knownString(planned['descriptor_digest']);
  const deploymentOption = knownString(planned['deployment_option']) ?? s('deployment_option');
  let hostProfile: HostProfile;
  try { hostProfile = await loadHostProfile(settings.target.hostProfile); } catch (e) { return { state: null, diagnostics: [errorDiagnostic('the provider\'s offline target cannot be used', (e as Error).message)] }; }
  const session = await open('creating an ovfkit_import');
  try {
    const placement = Object.fromEntries((['datacenter', 'datastore', 'folder', 'host'] as const).filter((k) => s(k)).map((k) => [k, s(k)!]));
    if (s('resource_pool')) placement['resourcePool'] = s('resource_pool')!;
    if (s('cluster')) placement['cluster'] = s('cluster')!;
    if (s('vapp')) placement['vApp'] = s('vapp')!;
    const annotation = s('annotation');
    const { entity, plan } = await session.importOvf({
      source: s('source')!,
      ...(s('name') ? { entityName: s('name')! } : {}),
      deploymentOption: deploymentOption ?? '',
      locale: s('locale') ?? '',
      ...(s('disk_provisioning') ? { diskProvisioning: s('disk_provisioning')! } : {}),
      ...(s('ip_allocation_policy') ? { ipAllocationPolicy: s('ip_allocation_policy')! } : {}),
      ...(s('ip_protocol') ? { ipProtocol: s('ip_protocol')! } : {}),
      networkMapping: Object.fromEntries(knownEntries(config['network_mapping'])),
      propertyMapping: [...knownEntries(config['property_mapping']), ...knownEntries(config['password_property_mapping'])].map(([key, value]): KeyValue => ({ key, value })),
      placement,
      manifestPolicy: (s('manifest_policy') ?? 'verify-if-present') as ManifestPolicy,
      acceptAllEulas: config['accept_all_eulas'] === true,
      powerOn: config['power_on'] === true,
      ...(annotation !== undefined ? { annotation } : {}),
      markAsTemplate: config['mark_as_template'] === true,
      hostProfile,
      vocabulary: 'terraform',
      signature: { policy: (s('signature') ?? 'verify') as SignaturePolicy, trustedCertificates: knownList(config['trusted_certificates']) },
      ...(digest !== undefined ? { expectedDescriptorDigest: digest } : {}),
      ...(typeof config['parallel_disks'] === 'number' ? { parallelDisks: config['parallel_disks'] } : {}),
    });
    const state = stateOf({ ...planned, descriptor_digest: plan.descriptorDigest, deployment_option: plan.deploymentOption.key, ...signatureAttributes(plan.signature) }, entity, { passwordDigests: digestsFor(config, undefined) });
    return { state, diagnostics: [] };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const refused = (e as { plan?: OvfPlan }).plan;
    if (code === 'PLAN_REFUSED' && refused) return { state: null, diagnostics: refused.errors.map((i) => issueDiagnostic(i, 'ERROR', config, `host profile ${refused.hostProfile}`)) };
    if (code === 'INTEGRITY') return { state: null, diagnostics: [errorDiagnostic('the package is not the one planned', `${(e as Error).message}`, attributePath('source'))] };
    throw e;
  } finally {
    await session.logout().catch(() => undefined);
  }
}

async function updateImport(prior: TfObject, planned: TfObject, config: TfObject, settings: ProviderSettings, open: SessionOpener): Promise<ApplyResult> {
  const ref = parseMoRef(knownString(prior['id']) ?? '');
  if (!ref) return { state: prior, diagnostics: [errorDiagnostic('the state has no entity id', `id is ${JSON.stringify(prior['id'])}`)] };
  const session = await open('updating an ovfkit_import');
  try {
    const change: { annotation?: string; property?: KeyValue[] } = {};
    const annotation = knownString(config['annotation']);
    if (annotation !== undefined && annotation !== prior['annotation']) change.annotation = annotation;
    const before = (prior['property_mapping'] ?? {}) as { [k: string]: TfValue };
    const property: KeyValue[] = knownEntries(config['property_mapping']).filter(([k, v]) => before[k] !== v).map(([key, value]) => ({ key, value }));
    const digests = (prior['password_property_digests'] ?? {}) as { [k: string]: TfValue };
    for (const [key, value] of knownEntries(config['password_property_mapping'])) {
      const d = digests[key];
      if (typeof d !== 'string' || !passwordMatches(value, d)) property.push({ key, value });
    }
    if (property.length > 0) change.property = property;
    if (change.annotation !== undefined || change.property) await session.reconfigure(ref, change);
    let entity = await session.readEntity(ref);
    if (!entity) return { state: null, diagnostics: [errorDiagnostic(`${formatMoRef(ref)} no longer exists in vSphere`, 'run terraform plan again: it will be imported anew')] };
    if (config['power_on'] !== null && (entity.powerState === 'poweredOn') !== (config['power_on'] === true)) {
      await session.setPowerState(ref, config['power_on'] === true);
      entity = (await session.readEntity(ref)) ?? entity;
    }
    // The planned digest is the prior one, or for an adopted entity (prior null) the config's plan.
    const digest = isUnknown(planned['descriptor_digest']) ? (await checkImport(config, settings.target)).plan?.descriptorDigest ?? null : planned['descriptor_digest'];
    return { state: stateOf({ ...planned, descriptor_digest: digest ?? null }, entity, { passwordDigests: digestsFor(config, prior['password_property_digests']) }), diagnostics: [] };
  } finally {
    await session.logout().catch(() => undefined);
  }
}

/** ReadResource: the entity now; null when it is gone (Terraform then plans to import it again). */
export async function readImport(state: TfObject, open: SessionOpener): Promise<TfObject | null> {
  const ref = parseMoRef(knownString(state['id']) ?? '');
  if (!ref) return state;
  const session = await open('refreshing an ovfkit_import');
  try {
    const entity = await session.readEntity(ref);
    return entity ? stateOf(state, entity, {}) : null;
  } finally {
    await session.logout().catch(() => undefined);
  }
}

/**
 * ImportResourceState: an entity by moref (`VirtualMachine:vm-42`) or inventory path
 * (`/DC0/vm/web`). What the import was made from is not recorded on the entity, so source and
 * placement stay null; the first plan adopts the config's values without a replacement.
 */
export async function adoptImport(id: string, open: SessionOpener): Promise<TfObject> {
  const session = await open('importing an ovfkit_import');
  try {
    let ref = parseMoRef(id);
    if (!ref) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Inventory } = require('@ovfkit/vsphere') as typeof import('@ovfkit/vsphere');
      const found = await new Inventory(session.session).find(id);
      if (!found || (found.type !== 'VirtualMachine' && found.type !== 'VirtualApp')) throw new Error(`${JSON.stringify(id)} is neither a VM nor a vApp id (VirtualMachine:vm-42) nor the inventory path of one`);
      ref = found;
    }
    const entity = await session.readEntity(ref);
    if (!entity) throw new Error(`${formatMoRef(ref)} does not exist`);
    // power_on and annotation are read from the entity, so adopting a running VM plans no power change.
    return stateOf(complete({ password_property_digests: {}, power_on: false }), entity, {});
  } finally {
    await session.logout().catch(() => undefined);
  }
}
