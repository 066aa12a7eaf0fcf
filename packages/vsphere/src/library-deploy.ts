import { DESCRIPTOR_DIGEST_PATTERN, OvfkitError, UsageError, descriptorDigest, judgeLibraryFilter, remoteFaultCode, type InventorySnapshot, type LibraryFilterOutcome, type LibraryOvfSummary, type OvfIssue, type OvfPlan } from '@ovfkit/core';
import { planPackage, type PlannedPackage, type PlanPackageOptions } from '@ovfkit/package';
import type { ManagedObjectReference } from './soap/codec';
import { Inventory } from './inventory';
import { ImportSpecError, PlanRefusedError, planOptionsOf, type ImportOvfOptions } from './import';
import { liveInventory, placementOf, type Placement, type PlacementInput, resolvePlacement } from './placement';
import { isRestError, type RestClient } from './library-rest';
import { librarySource } from './library-source';
import { destroyEntity } from './destroy';
import { PowerOnVAppTask, PowerOnVMTask } from './soap/methods';
import type { VimSession } from './session';

/** What {@link deployLibraryItem} deploys and where (the import's placement and OVF parameters). */
export interface LibraryDeployOptions extends PlacementInput {
  itemId: string;
  /** Inventory name of the new VM/vApp. */
  name: string;
  /** Property id → value (the full ids the plan resolved). */
  propertyMapping?: Record<string, string>;
  deploymentOption?: string;
  diskProvisioning?: string;
  acceptAllEulas?: boolean;
  annotation?: string;
  signal?: AbortSignal;
}

/** A message of a deployment result or filter (vcenter.ovf.OvfError / OvfWarning / OvfInfo, the fields ovfkit shows). */
interface OvfMessage {
  category?: string;
  name?: string;
  value?: string;
  message?: { default_message?: string };
  error?: { messages?: Array<{ default_message?: string }> };
  issues?: Array<{ file?: string; line_number?: number; message?: { default_message?: string } }>;
}

/** What a library deployment made, with vCenter's warnings. */
export interface LibraryDeployResult {
  entity: ManagedObjectReference;
  warnings: string[];
  /** The same warnings in the issue shape. */
  warning: OvfIssue[];
}

/** vCenter refused or failed a library deployment: every error and warning it gave, in the issue shape; nothing was left. */
export class LibraryDeployError extends ImportSpecError {
  constructor(itemId: string, error: OvfIssue[], warning: OvfIssue[], redact: (s: string) => string) {
    super(error, warning);
    this.message = redact(`vCenter did not deploy library item ${itemId}: ${error.length ? error.map((e) => e.localizedMessage).join('; ') : 'no reason given'}`);
  }
}

/** The vim25 fault an ovf message stands for: vCenter itself (SERVER), else the import (a parameter, INPUT, or the descriptor, VALIDATION); the category stays in the message. */
const CATEGORY_FAULT: Record<string, 'OvfImportFailed' | 'OvfInternalError'> = { INPUT: 'OvfImportFailed', VALIDATION: 'OvfImportFailed', SERVER: 'OvfInternalError' };

/** An ovf message of vCenter's as an issue: `CATEGORY: message`, with the parameter it names and the descriptor line of a parse issue. */
export function ovfMessageIssue(m: OvfMessage, redact: (s: string) => string = (s) => s): OvfIssue {
  const type = CATEGORY_FAULT[m.category ?? ''] ?? 'OvfInternalError';
  const text = m.message?.default_message ?? m.error?.messages?.map((x) => x.default_message).filter(Boolean).join('; ') ?? m.issues?.map((i) => i.message?.default_message).filter(Boolean).join('; ') ?? 'no message';
  const line = m.issues?.find((i) => typeof i.line_number === 'number' && i.line_number > 0)?.line_number;
  return {
    fault: { _typeName: type, ...(line !== undefined ? { lineNumber: line } : {}) },
    localizedMessage: redact(`${m.category ? `${m.category}: ` : ''}${text}`),
    code: remoteFaultCode(type),
    ...(m.name ? { path: m.name } : {}),
    ...(line !== undefined ? { line } : {}),
  };
}

/** The deployment target and spec of `ovf/library-item?action=deploy`, in the session's form. */
function deployBody(rest: RestClient, placement: Placement, networks: Record<string, string>, options: Omit<LibraryDeployOptions, 'itemId' | keyof PlacementInput>): Record<string, unknown> {
  const additional: unknown[] = [];
  const props = Object.entries(options.propertyMapping ?? {});
  if (props.length) additional.push({ '@class': 'com.vmware.vcenter.ovf.property_params', type: 'PropertyParams', properties: props.map(([id, value]) => ({ id, value })) });
  if (options.deploymentOption) additional.push({ '@class': 'com.vmware.vcenter.ovf.deployment_option_params', type: 'DeploymentOptionParams', selected_key: options.deploymentOption });
  return {
    target: targetOf(placement),
    deployment_spec: {
      name: options.name,
      accept_all_EULA: options.acceptAllEulas === true,
      default_datastore_id: placement.datastore.value,
      ...(options.annotation !== undefined ? { annotation: options.annotation } : {}),
      ...(options.diskProvisioning ? { storage_provisioning: options.diskProvisioning } : {}),
      // /api takes a map, /rest a list of {key, value}.
      network_mappings: rest.form === 'api' ? networks : Object.entries(networks).map(([key, value]) => ({ key, value })),
      ...(additional.length ? { additional_parameters: additional } : {}),
    },
  };
}

/** `vcenter.ovf.LibraryItem.DeploymentTarget` of a placement. */
function targetOf(placement: Pick<Placement, 'resourcePool' | 'host' | 'folder'>): Record<string, string> {
  return { resource_pool_id: placement.resourcePool.value, ...(placement.host ? { host_id: placement.host.value } : {}), ...(placement.folder ? { folder_id: placement.folder.value } : {}) };
}

/** The VMs and vApps named `name` under the deployment's folder (or vApp): what a deployment cut short may have left. */
async function namedUnder(session: VimSession, placement: Placement, name: string, signal?: AbortSignal): Promise<ManagedObjectReference[]> {
  const listed = await new Inventory(session).list(['VirtualMachine', 'VirtualApp'], ['name'], placement.folder ?? placement.resourcePool, signal);
  return listed.filter((o) => o.name === name).map((o) => o.ref);
}

/**
 * Sends the deployment and removes whatever a failed one left: the resource vCenter names in a
 * failed result, or, when the answer never came (a cut connection, an interrupt), a VM or vApp of
 * the deployment's name under its folder that was not there before.
 */
async function sendDeploy(rest: RestClient, session: VimSession, itemId: string, placement: Placement, body: Record<string, unknown>, name: string, signal?: AbortSignal): Promise<LibraryDeployResult> {
  const redact = (s: string): string => session.client.redact(s);
  const before = new Set((await namedUnder(session, placement, name, signal)).map((r) => r.value));
  const cleanup = async (refs: ManagedObjectReference[]): Promise<void> => {
    for (const r of refs) await destroyEntity(session, r, { ignoreMissing: true }).catch(() => undefined);
  };
  type Answer = { succeeded: boolean; resource_id?: { type: string; id: string }; error?: { errors?: OvfMessage[]; warnings?: OvfMessage[] } };
  let r: Answer;
  try {
    r = await rest.call<Answer>({ method: 'POST', path: ['vcenter', 'ovf', 'library-item', itemId], action: 'deploy', body }, signal);
  } catch (e) {
    if (!isRestError(e)) await cleanup((await namedUnder(session, placement, name).catch(() => [])).filter((x) => !before.has(x.value)));
    throw e;
  }
  const warning = (r.error?.warnings ?? []).map((m) => ovfMessageIssue(m, redact));
  if (!r.succeeded || !r.resource_id) {
    if (r.resource_id) await cleanup([{ type: r.resource_id.type, value: r.resource_id.id }]);
    throw new LibraryDeployError(itemId, (r.error?.errors ?? []).map((m) => ovfMessageIssue(m, redact)), warning, redact);
  }
  return { entity: { type: r.resource_id.type, value: r.resource_id.id }, warnings: warning.map((w) => w.localizedMessage), warning };
}

/**
 * Deploys an OVF library item with `ovf/library-item/{id}?action=deploy`: placement and networks
 * resolved in the inventory as for an import, properties, deployment option and EULA acceptance
 * as `additional_parameters`. A result that did not succeed is a {@link LibraryDeployError}
 * (`IMPORT_SPEC`) with every message vCenter gave; what a failed deployment left is removed.
 * @see vcenter.ovf.LibraryItem.deploy
 */
export async function deployLibraryItem(rest: RestClient, session: VimSession, options: LibraryDeployOptions): Promise<LibraryDeployResult> {
  const { signal } = options;
  const placement = await resolvePlacement(new Inventory(session), options, signal);
  const networks = Object.fromEntries(Object.entries(placement.networks).map(([ovfName, ref]) => [ovfName, ref.value]));
  for (const v of Object.values(options.propertyMapping ?? {})) session.client.secrets.add(v);
  return sendDeploy(rest, session, options.itemId, placement, deployBody(rest, placement, networks, options), options.name, signal);
}

/**
 * vCenter's `filter` of a library item for a deployment target: its summary (name, annotation,
 * EULAs, networks, storage groups, property and deployment option parameters), or the issues of
 * its refusal when vCenter rejects the target or the item (a vAPI error).
 * @see vcenter.ovf.LibraryItem.filter
 */
export async function filterLibraryItem(rest: RestClient, itemId: string, target: Pick<Placement, 'resourcePool' | 'host' | 'folder'>, signal?: AbortSignal): Promise<LibraryFilterOutcome> {
  try {
    return { summary: await rest.call<LibraryOvfSummary>({ method: 'POST', path: ['vcenter', 'ovf', 'library-item', itemId], action: 'filter', body: { target: targetOf(target) } }, signal) };
  } catch (e) {
    if (!isRestError(e)) throw e;
    return { refused: [{ fault: { _typeName: 'OvfImportFailed' }, code: 'OvfImportFailed', localizedMessage: `vCenter's filter of library item ${itemId} refused the deployment target: ${e.message}` }] };
  }
}

/** A library item planned live: the plan (the server's filter merged), the source's ids, the inventory and placement it was checked against. */
export interface LiveLibraryPlan {
  planned: PlannedPackage;
  itemId: string;
  libraryId: string;
  inventory: InventorySnapshot;
  /** The placement the plan resolved (absent when the pool or datastore was not resolved). */
  placement?: Placement;
  /** Whether vCenter's filter was asked (it needs a resolved resource pool: without one there is no deployment target). */
  filtered: boolean;
}

/**
 * Plans a library item against the server: the item's descriptor and files (librarySource), the
 * server's inventory (as an import's plan: placement and networks resolved by core's rules), then,
 * with the placement resolved, vCenter's `filter` for that target merged into the plan
 * (judgeLibraryFilter). `options.inventory`, when given, is used instead of a live capture.
 * @example const { planned } = await planLibraryItem(rest, session, 'library:templates/web', { resourcePool: 'DC0_C0' })
 */
export async function planLibraryItem(rest: RestClient, session: VimSession, arg: string, options: PlanPackageOptions & { datacenter?: string; signal?: AbortSignal }): Promise<LiveLibraryPlan> {
  const { signal, ...planOptions } = options;
  const inv = new Inventory(session);
  const inventory = planOptions.inventory ?? (await liveInventory(inv, options.datacenter, signal));
  const source = await librarySource(rest, arg, signal);
  const planned = await planPackage(source, { ...planOptions, inventory });
  const where = planned.placement;
  const placement = where?.resourcePool && where.datastore ? await placementOf(inv, inventory, where, signal) : undefined;
  // The filter's target is the pool (with the host and folder when given); the datastore is not part of it.
  const target = placement ?? (where?.resourcePool ? { resourcePool: { type: where.resourcePool.type === 'vApp' ? 'VirtualApp' : 'ResourcePool', value: where.resourcePool.moref }, host: where.host ? { type: 'HostSystem', value: where.host.moref } : undefined, folder: where.folder ? { type: 'Folder', value: where.folder.moref } : undefined } : undefined);
  if (target) judgeLibraryFilter(planned.plan, planned.parseDescriptor, await filterLibraryItem(rest, source.itemId, target, signal), planOptions.vocabulary ?? session.vocabulary);
  return { planned, itemId: source.itemId, libraryId: source.libraryId, inventory, ...(placement ? { placement } : {}), filtered: target !== undefined };
}

/** What {@link importLibraryItem} deploys: the import's options, the source a `library:` argument. */
export interface LibraryImportOptions extends Omit<ImportOvfOptions, 'source' | 'manifestPolicy' | 'injectOvfEnv' | 'markAsTemplate' | 'parallelDisks' | 'onProgress' | 'ipAllocationPolicy' | 'ipProtocol'> {
  /** `library:LIB/ITEM` or `library:ITEM-ID`. */
  source: string;
}

/** The outcome of {@link importLibraryItem}. */
export interface LibraryImportResult {
  entity: ManagedObjectReference;
  name: string;
  itemId: string;
  placement: Placement;
  /** vCenter's warnings of the deployment, in the issue shape. */
  warning: OvfIssue[];
  poweredOn: boolean;
  /** The plan the deployment was checked against, vCenter's filter merged. */
  plan: OvfPlan;
}

/**
 * `ovfkit import library:…`: the item planned exactly as `ovfkit import` plans a file (the
 * server's inventory, placement required, the host profile named, the signature judged) with
 * vCenter's `filter` merged, refused with nothing created when the plan has errors
 * ({@link PlanRefusedError}) or the descriptor is not the one planned; then deployed with the
 * plan's resolved placement, networks and property ids; then powered on. A failed deployment is
 * a {@link LibraryDeployError} and leaves nothing; a failed power-on destroys the new entity.
 * @example await importLibraryItem(rest, session, { source: 'library:templates/web', pool: 'DC0_C0', networkMapping: { 'VM Network': 'prod' } })
 */
export async function importLibraryItem(rest: RestClient, session: VimSession, options: LibraryImportOptions): Promise<LibraryImportResult> {
  const { signal } = options;
  if (options.expectedDescriptorDigest !== undefined && !DESCRIPTOR_DIGEST_PATTERN.test(options.expectedDescriptorDigest)) {
    throw new UsageError(`the expected descriptor digest must be sha256: and 64 lowercase hex digits (as a plan shows it), got ${JSON.stringify(options.expectedDescriptorDigest)}`);
  }
  const inventory = await liveInventory(new Inventory(session), options.datacenter, signal);
  const live = await planLibraryItem(rest, session, options.source, {
    ...planOptionsOf(options, inventory),
    signature: { policy: options.signature?.policy ?? 'verify' },
    ...(options.signature?.trustStore ? { trustStore: options.signature.trustStore } : {}),
    ...(options.datacenter ? { datacenter: options.datacenter } : {}),
    ...(signal ? { signal } : {}),
  });
  const { plan, cisp } = live.planned;
  if (options.expectedDescriptorDigest !== undefined && plan.descriptorDigest !== options.expectedDescriptorDigest) {
    throw new OvfkitError('INTEGRITY', `the package changed since it was planned: the descriptor of ${options.source} is ${plan.descriptorDigest}, the plan expected ${options.expectedDescriptorDigest}; nothing was deployed (plan again to deploy the item as it is now)`);
  }
  if (!plan.ok) throw new PlanRefusedError(plan);
  if (!live.placement || !live.planned.placement) throw new OvfkitError('INTERNAL', 'a plan that requires placement passed without one');
  const networks = Object.fromEntries(live.planned.placement.networkMapping.map((m) => [m.name, m.network.value]));
  // The values the plan checked, each key resolved to a property's full id: what vCenter matches.
  const propertyMapping = Object.fromEntries((cisp.propertyMapping ?? []).map((kv) => [kv.key, kv.value]));
  const secretIds = new Set(plan.properties.filter((p) => p.password).map((p) => p.id));
  for (const [k, v] of Object.entries(propertyMapping)) if (v && secretIds.has(k)) session.client.secrets.add(v);
  const name = options.name || plan.entityName;
  if (signal?.aborted) throw new OvfkitError('ABORTED', 'interrupted before anything was created');
  const body = deployBody(rest, live.placement, networks, {
    name,
    propertyMapping,
    ...(options.deploymentOption ? { deploymentOption: options.deploymentOption } : {}),
    ...(options.diskProvisioning ? { diskProvisioning: options.diskProvisioning } : {}),
    ...(options.acceptAllEulas ? { acceptAllEulas: true } : {}),
    ...(options.annotation !== undefined ? { annotation: options.annotation } : {}),
  });
  const r = await sendDeploy(rest, session, live.itemId, live.placement, body, name, signal);
  let poweredOn = false;
  try {
    if (options.powerOn) {
      const task = r.entity.type === 'VirtualMachine' ? new PowerOnVMTask({ _this: r.entity }) : new PowerOnVAppTask({ _this: r.entity });
      await session.waitForTask(await session.client.send(task, signal));
      poweredOn = true;
    }
  } catch (e) {
    await destroyEntity(session, r.entity, { ignoreMissing: true }).catch(() => undefined);
    throw e;
  }
  return { entity: r.entity, name, itemId: live.itemId, placement: live.placement, warning: r.warning, poweredOn, plan };
}
