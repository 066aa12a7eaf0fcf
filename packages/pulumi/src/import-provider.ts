/**
 * The OvfImport provider logic: check = the package read (@ovfkit/package) + core's createPlan
 * (ParseDescriptor, ValidateHost, CreateImportSpec; the host-side calls on vCenter when a
 * connection is configured); diff names what forces replacement; create/read/update/delete go
 * through @ovfkit/vsphere's OvfSession.
 * Thin by design: every finding comes from core/package/vsphere; this file only says which input
 * it concerns (by the issue's stable code) and which findings stop a preview.
 */

import { composedError, escapeControls, MANIFEST_POLICIES, formatIssue, parallelDisksProblem, SIGNATURE_POLICIES, fullPropertyId, isOvfkitError, propertyIdOfKey, redactUrl, storedPlanJson, urlCarriesCredentials, passwordDigest, passwordMatches, type KeyValue, type OvfIssue, type OvfParseDescriptorResult, type OvfPlan, type PlanIssue } from '@ovfkit/core';

import { isLibrarySource } from '@ovfkit/package';

import type { DescriptorRead, EntityState, ImportSpecRequest, ImportValidation, LocalPlan, ManifestPolicy, OvfkitBackend, OvfkitLibraryBackend, SignatureRead, VsphereSession } from './backend';
import { connectionInputFailures, currentConnection, NO_CONNECTION_HINT, type ConnectionInput, type ConnectionSettings } from './connection';
import {
  entryPath, IMPORT_INPUTS, UNKNOWN, formatMoRef, isUnknown, unknownInputFailures,
  parseMoRef, planOf, PLACEMENT_KEYS, type OvfImportWireInputs, type OvfImportWireOutputs,
} from './inputs';
import { deployFromLibrary, libraryImportFailures, sourceBackend } from './library-provider';

/** A check failure as `pulumi.dynamic.CheckFailure`. */
export interface CheckFailure { property: string; reason: string }

/** The provider operations, in `pulumi.dynamic.ResourceProvider` shape (plain JSON in and out). */
export interface ProviderImpl<I, O> {
  check(olds: Partial<I>, news: I): Promise<{ inputs: I; failures: CheckFailure[] }>;
  diff(id: string, olds: O, news: I): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean; stables?: string[] }>;
  create(inputs: I): Promise<{ id: string; outs: O }>;
  read(id: string, props: O): Promise<{ id: string; props: O }>;
  update(id: string, olds: O, news: I): Promise<{ outs: O }>;
  delete(id: string, props: O): Promise<void>;
}

/** Inputs whose change replaces the imported entity: they change the imported bytes or placement. */
export const IMPORT_REPLACE_KEYS = [
  'source', 'deploymentOption', 'diskProvisioning', ...PLACEMENT_KEYS, 'name', 'networkMapping',
  'ipAllocationPolicy', 'ipProtocol', 'markAsTemplate', 'locale',
] as const;
/** Inputs vSphere changes live: power state, annotation, vApp property values (ReconfigVM_Task vAppConfig / UpdateVAppConfig). */
export const IMPORT_UPDATE_KEYS = ['powerOn', 'annotation', 'propertyMapping'] as const;

const PASSWORD_TYPE = /^password(\(|$)/;

/** True when the propertyMapping key names a password property (by its full id or its bare id, as the plan resolves keys). */
function isPasswordProperty(parse: OvfParseDescriptorResult | undefined, key: string): boolean {
  const properties = parse?.property ?? [];
  const id = propertyIdOfKey(key, properties);
  const p = id === undefined ? undefined : properties.find((q) => fullPropertyId(q) === id);
  return p !== undefined && PASSWORD_TYPE.test(p.type ?? '');
}

/** One line per issue: the message, then where, what is allowed and the fix. */
export function issueReason(i: OvfIssue, against?: string): string {
  return formatIssue(i, against ? { against } : {});
}

/**
 * Which input an OvfManager issue is about, by core's stable issue code (remote faults carry
 * their vim25 type as code). Hardware, device and guest findings concern the package itself.
 */
const INPUT_FOR_CODE: Record<string, string> = {
  UNKNOWN_NETWORK_IN_MAPPING: 'networkMapping', UNKNOWN_MAPPED_NETWORK: 'networkMapping', NETWORK_NOT_MAPPED: 'networkMapping',
  OvfNetworkMappingNotSupported: 'networkMapping',
  UNKNOWN_PROPERTY_KEY: 'propertyMapping', PROPERTY_VALUE_INVALID: 'propertyMapping', PROPERTY_NOT_USER_CONFIGURABLE: 'propertyMapping',
  OvfPropertyValue: 'propertyMapping', OvfPropertyType: 'propertyMapping', OvfPropertyQualifier: 'propertyMapping',
  IP_ALLOCATION_POLICY_UNSUPPORTED: 'ipAllocationPolicy', IP_PROTOCOL_UNSUPPORTED: 'ipProtocol',
  EULA_NOT_ACCEPTED: 'acceptAllEulas', UNKNOWN_DEPLOYMENT_OPTION: 'deploymentOption', OvfInvalidValueConfiguration: 'deploymentOption',
  INSUFFICIENT_DATASTORE_SPACE: 'datastore', DATASTORE_INACCESSIBLE: 'datastore',
  DISK_PROVISIONING_UNSUPPORTED: 'diskProvisioning', OvfUnsupportedDiskProvisioning: 'diskProvisioning',
  INVALID_ENTITY_NAME: 'name', OvfInvalidVmName: 'name',
  AMBIGUOUS_PROPERTY_KEY: 'propertyMapping',
  CERT_ABSENT: 'signature', CERT_UNTRUSTED: 'trustedCertificates', CERT_SELF_SIGNED: 'trustedCertificates',
  MANIFEST_ABSENT: 'manifestPolicy',
};

export function inputForIssue(i: OvfIssue, news: OvfImportWireInputs): string {
  // A placement issue of core's names its input in the fault (`placement`/`datastore`, `networkMapping`/`network`).
  const f = i.fault as { elementName?: string; attributeName?: string };
  const placed = f.elementName === 'placement' ? f.attributeName : f.elementName === 'networkMapping' ? 'networkMapping' : undefined;
  const input = INPUT_FOR_CODE[i.code] ?? placed ?? INPUT_FOR_CODE[i.fault._typeName] ?? 'source';
  if (input !== 'networkMapping' && input !== 'propertyMapping') return input;
  const map = news[input];
  if (!map || typeof map !== 'object') return input;
  const keys = Object.keys(map);
  const k = keys.find((key) => i.value === key) ?? keys.find((key) => i.localizedMessage.includes(JSON.stringify(key)));
  return k === undefined ? input : entryPath(input, k);
}

/** Inputs the plan is computed from. */
const PLAN_INPUTS = ['source', ...PLACEMENT_KEYS, 'name', 'networkMapping', 'propertyMapping', 'deploymentOption', 'diskProvisioning', 'ipAllocationPolicy', 'ipProtocol', 'acceptAllEulas', 'hostProfile', 'inventory', 'locale', 'manifestPolicy', 'signature', 'trustedCertificates'] as const;

export { passwordDigest, passwordMatches };

export function importSpecRequest(news: OvfImportWireInputs, deploymentOption: string): ImportSpecRequest {
  const placement: ImportSpecRequest['placement'] = {};
  for (const k of PLACEMENT_KEYS) {
    const v = news[k];
    if (typeof v === 'string' && !isUnknown(v)) placement[k] = v;
  }
  const known = (m: Record<string, string> | undefined): [string, string][] =>
    isUnknown(m) && typeof m !== 'object' ? [] : Object.entries(m ?? {}).filter(([, v]) => !isUnknown(v));
  return {
    deploymentOption,
    locale: news.locale ?? '',
    networkMapping: Object.fromEntries(known(news.networkMapping)),
    propertyMapping: known(news.propertyMapping).map(([key, value]): KeyValue => ({ key, value })),
    placement,
    ...(typeof news.name === 'string' && !isUnknown(news.name) ? { entityName: news.name } : {}),
    ...(typeof news.diskProvisioning === 'string' && !isUnknown(news.diskProvisioning) ? { diskProvisioning: news.diskProvisioning } : {}),
    ...(typeof news.ipAllocationPolicy === 'string' && !isUnknown(news.ipAllocationPolicy) ? { ipAllocationPolicy: news.ipAllocationPolicy } : {}),
    ...(typeof news.ipProtocol === 'string' && !isUnknown(news.ipProtocol) ? { ipProtocol: news.ipProtocol } : {}),
  };
}

/** Type-level checks of the inputs themselves (enums, kinds), before any descriptor is read. */
function shapeFailures(news: OvfImportWireInputs): CheckFailure[] {
  const f: CheckFailure[] = [];
  const oneOf = (k: keyof OvfImportWireInputs, allowed: readonly string[]): void => {
    const v = news[k];
    if (v === undefined || isUnknown(v)) return;
    if (typeof v !== 'string' || !allowed.includes(v)) f.push({ property: k, reason: `${JSON.stringify(v)} is not a valid ${k}; allowed: ${allowed.join(', ')}` });
  };
  if (news.source === undefined || news.source === null || (typeof news.source !== 'string' && !isUnknown(news.source)) || news.source === '') {
    f.push({ property: 'source', reason: 'source is required: a path or http(s) URL to an .ovf or .ova, or a directory holding one' });
  }
  if (typeof news.source === 'string' && urlCarriesCredentials(news.source)) {
    // Inputs are kept in the state: credentials in the URL would be stored there. A query token
    // is kept as a secret input instead (resources.ts, core's urlCarriesSecret).
    f.push({ property: 'source', reason: 'the URL carries credentials (user:password@host), or does not parse as a URL so they cannot be told apart; inputs are stored in the state, so serve the package without them (or download it first) and pass the plain URL or path' });
  }
  // Which policies and protocols a package supports is core's verdict (IP_ALLOCATION_POLICY_UNSUPPORTED,
  // IP_PROTOCOL_UNSUPPORTED in the plan); here only the shape.
  for (const k of ['ipAllocationPolicy', 'ipProtocol'] as const) {
    const v = news[k];
    if (v !== undefined && !isUnknown(v) && typeof v !== 'string') f.push({ property: k, reason: `${k} must be a string, got ${JSON.stringify(v)}` });
  }
  oneOf('manifestPolicy', MANIFEST_POLICIES);
  if (news.parallelDisks !== undefined && !isUnknown(news.parallelDisks) && parallelDisksProblem(news.parallelDisks)) f.push({ property: 'parallelDisks', reason: `parallelDisks ${parallelDisksProblem(news.parallelDisks)}` });
  if (!isUnknown(news.connection)) f.push(...connectionInputFailures(news.connection));
  oneOf('signature', SIGNATURE_POLICIES);
  const trusted = news.trustedCertificates;
  if (trusted !== undefined && !isUnknown(trusted) && (!Array.isArray(trusted) || trusted.some((c) => typeof c !== 'string'))) {
    f.push({ property: 'trustedCertificates', reason: 'trustedCertificates must be a list of PEM texts (the CA certificates the signer must chain to)' });
  }
  for (const k of ['acceptAllEulas', 'powerOn', 'markAsTemplate'] as const) {
    const v = news[k];
    if (v !== undefined && !isUnknown(v) && typeof v !== 'boolean') f.push({ property: k, reason: `${k} must be true or false, got ${JSON.stringify(v)}` });
  }
  for (const k of ['networkMapping', 'propertyMapping'] as const) {
    const m = news[k];
    if (m === undefined || isUnknown(m) && typeof m !== 'object') continue;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) { f.push({ property: k, reason: `${k} must be a map of names to strings` }); continue; }
    for (const [key, v] of Object.entries(m)) {
      if (!isUnknown(v) && typeof v !== 'string') f.push({ property: entryPath(k, key), reason: `the value for "${key}" must be a string, got ${typeof v}` });
    }
  }
  return f;
}

function dedupe(failures: CheckFailure[]): CheckFailure[] {
  const seen = new Set<string>();
  return failures.filter((x) => { const k = `${x.property}\u0000${x.reason}`; if (seen.has(k)) return false; seen.add(k); return true; });
}

/** Drops failures about inputs that are not known yet (preview): they are checked at `up`. */
function knownOnly(failures: CheckFailure[], news: OvfImportWireInputs): CheckFailure[] {
  return failures.filter((x) => {
    const top = /^[A-Za-z]+/.exec(x.property)?.[0] ?? x.property;
    const v = (news as unknown as Record<string, unknown>)[top];
    if (v === undefined) return true;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const key = x.property.slice(top.length).replace(/^\.|^\[|\]$/g, '');
      const k = key.startsWith('"') ? (JSON.parse(key) as string) : key;
      if (k !== '') return !isUnknown((v as Record<string, unknown>)[k]);
      return !(isUnknown(v) && Object.keys(v).length === 0);
    }
    return !isUnknown(v);
  });
}

/** What `check()` learned, reused by `getOvfDescriptor`/`validateOvf`. */
export interface ImportCheckReport {
  failures: CheckFailure[];
  warnings: string[];
  descriptor?: DescriptorRead;
  parse?: OvfParseDescriptorResult;
  validation?: ImportValidation;
  /** Core's plan object, for display. */
  plan?: OvfPlan;
}

/**
 * Runs every check an OvfImport gets at preview, with unknown inputs skipped.
 * @example
 * const r = await checkImport(backend, { source: './app.ova', acceptAllEulas: true }, undefined);
 * r.failures // [{ property: 'networkMapping["VM Network"]', reason: '…' }]
 */
export async function checkImport(backend: OvfkitBackend, news: OvfImportWireInputs, connection: ConnectionSettings | undefined): Promise<ImportCheckReport> {
  const failures = shapeFailures(news);
  const warnings: string[] = [];
  if (failures.some((x) => x.property === 'source') || isUnknown(news.source)) return { failures, warnings };

  let descriptor: DescriptorRead;
  try {
    descriptor = await backend.readDescriptor(news.source, { manifestPolicy: manifestPolicyOf(news), ...signatureRead(news) });
  } catch (e) {
    const m = (e as Error).message;
    failures.push(m.startsWith('trustedCertificates[') ? { property: 'trustedCertificates', reason: m } : { property: 'source', reason: `cannot read the package: ${m}` });
    return { failures, warnings };
  }
  for (const i of descriptor.error) failures.push({ property: inputForIssue(i, news), reason: issueReason(i) });
  warnings.push(...descriptor.warning.map((i) => issueReason(i)));

  const deploymentOption = typeof news.deploymentOption === 'string' && !isUnknown(news.deploymentOption) ? news.deploymentOption : '';
  const request = { ...importSpecRequest(news, deploymentOption), acceptAllEulas: news.acceptAllEulas === true || isUnknown(news.acceptAllEulas) };
  const target = {
    ...(typeof news.hostProfile === 'string' && !isUnknown(news.hostProfile) ? { hostProfile: news.hostProfile } : {}),
    ...(typeof news.inventory === 'string' && !isUnknown(news.inventory) && !connection ? { inventory: news.inventory } : {}),
  };
  // The descriptor against the inputs always runs in core (same messages as `ovfkit plan` and
  // CDKTF); with a connection, the host-side checks come from vSphere instead. Core is given the
  // bytes, as `ovfkit plan` is: the plan's digest is the one create() pins the import to, and the
  // import engine hashes the bytes it reads.
  let local: LocalPlan;
  try {
    local = await backend.planLocal(descriptor.ovfDescriptorBytes, request, target, descriptor.package, {
      policy: news.signature ?? 'verify', ...(descriptor.signature ? { facts: descriptor.signature } : {}),
    }, manifestPolicyOf(news), descriptor.descriptorDigest);
  } catch (e) {
    const m = (e as Error).message;
    // A target the snapshot lacks names the target; an unreadable snapshot or profile names its file.
    const property = /host profile/i.test(m) ? 'hostProfile' : /^inventory snapshot/i.test(m) ? 'inventory' : inputForPlacementError(e as Error);
    failures.push({ property, reason: m });
    return { failures: knownOnly(dedupe(failures), news), warnings, descriptor };
  }
  const parse = local.parse;
  const add = (list: readonly OvfIssue[], against: string | undefined): void => {
    for (const i of list) failures.push({ property: inputForIssue(i, news), reason: issueReason(i, against) });
  };
  const warn = (list: readonly OvfIssue[], against: string | undefined): void => {
    for (const i of list) warnings.push(issueReason(i, against));
  };
  // The verdict is the plan's, as in `ovfkit plan` and CDKTF: every error it lists, in its order
  // (an unknown deployment option once, the rest checked against the default one). With a
  // connection the host-side checks are vSphere's instead: the plan's findings about the
  // descriptor and the inputs are kept, its host and datastore findings left to the server.
  // ParseDescriptor's only complaint may be about an input (an unknown deployment option): the
  // descriptor is still usable, and vSphere checks it for the option the plan chose (the default).
  const parsed = (parse.error ?? []).every((i) => inputForIssue(i, news) === 'deploymentOption');
  const inputIssues = (i: OvfIssue): boolean => (INPUT_FOR_CODE[i.code] ?? 'source') !== 'source' && !['datastore', 'diskProvisioning'].includes(INPUT_FOR_CODE[i.code]!);
  const kept = (i: PlanIssue): boolean => !connection || i.source === 'parseDescriptor' || i.source === 'plan' || i.source === 'package' || i.source === 'signature' || i.source === 'manifest' || (i.source === 'createImportSpec' && parsed && inputIssues(i));
  const against = (i: PlanIssue): string | undefined => (connection || i.source === 'parseDescriptor' ? undefined : local.against);
  for (const i of local.plan.errors.filter(kept)) add([i], against(i));
  for (const i of local.plan.warnings.filter(kept)) warn([i], against(i));
  let validation: ImportValidation = local;
  if (connection && parsed) {
    try {
      const session = await backend.connect(connection);
      // vSphere is given the text and the keys the plan resolved (core's decoding of the bytes,
      // full ids), as the import sends them.
      try { validation = await session.validate(local.descriptorText, { ...request, deploymentOption: local.plan.deploymentOption.key, propertyMapping: local.propertyMapping }); } finally { await session.logout().catch(() => undefined); }
    } catch (e) {
      // The server's inventory lacks placement inputs or networks (@ovfkit/vsphere PlacementError): each on its input.
      const issues = (e as { issues?: unknown }).issues;
      if (isOvfkitError(e) && Array.isArray(issues)) add(issues as OvfIssue[], `the inventory of ${connection.server}`);
      else failures.push({ property: inputForPlacementError(e as Error), reason: `vSphere at ${connection.server}: ${(e as Error).message}` });
      return { failures: knownOnly(dedupe(failures), news), warnings, descriptor, parse, plan: local.plan };
    }
    add([...(validation.validateHost.error ?? []), ...validation.importSpec.error], validation.against);
    warn([...(validation.validateHost.warning ?? []), ...validation.importSpec.warning], validation.against);
  }
  return { failures: knownOnly(dedupe(failures), news), warnings: [...new Set(warnings)], descriptor, parse, validation, plan: local.plan };
}

/**
 * The manifest policy the import will use, which the plan judges the package under: the input's,
 * or the default; `skip` for a library item (vCenter deploys it) and while the input is not known.
 */
function manifestPolicyOf(news: OvfImportWireInputs): ManifestPolicy {
  if (isUnknown(news.manifestPolicy) || (typeof news.source === 'string' && isLibrarySource(news.source))) return 'skip';
  return news.manifestPolicy ?? 'verify-if-present';
}

/** The signature inputs as the backend reads them (known values only: an unknown one leaves the plan unknown). */
export function signatureRead(news: OvfImportWireInputs): SignatureRead {
  return {
    ...(typeof news.signature === 'string' && !isUnknown(news.signature) ? { signature: news.signature } : {}),
    ...(Array.isArray(news.trustedCertificates) && !isUnknown(news.trustedCertificates) ? { trustedCertificates: news.trustedCertificates } : {}),
  };
}

/** A placement that cannot be resolved names its input in the message (`datastore "x"`, `resource pool`, …). */
function inputForPlacementError(e: Error): string {
  const m = e.message.toLowerCase();
  if (m.includes('datastore')) return 'datastore';
  if (m.includes('resource pool') || m.includes('--pool')) return 'resourcePool';
  if (m.includes('datacenter')) return 'datacenter';
  if (m.includes('folder')) return 'folder';
  if (m.includes('host')) return 'host';
  if (m.includes('network')) return 'networkMapping';
  return 'source';
}

/**
 * The connection for a resource's inputs or state (its own `connection`, else the stack's); none
 * while its `connection` is not known yet (preview): the checks then run offline rather than
 * against another vCenter.
 */
export function connectionFor(input: ConnectionInput | undefined): ConnectionSettings | undefined {
  return isUnknown(input) ? undefined : currentConnection(input);
}

function requireConnection(what: string, input: ConnectionInput | undefined): ConnectionSettings {
  const c = connectionFor(input);
  if (!c) throw new Error(`${what} needs a vSphere connection: ${NO_CONNECTION_HINT}`);
  return c;
}

async function withSession<T>(backend: OvfkitBackend, what: string, input: ConnectionInput | undefined, f: (s: VsphereSession) => Promise<T>): Promise<T> {
  const session = await backend.connect(requireConnection(what, input));
  try { return await f(session); } finally { await session.logout().catch(() => undefined); }
}

export function stateOutputs(inputs: OvfImportWireInputs, entity: EntityState, extra: {
  descriptorDigest: string; deploymentOption: string; warnings: string[]; parse?: OvfParseDescriptorResult; previousDigests?: Record<string, string>;
}): OvfImportWireOutputs {
  const { propertyMapping, ...rest } = inputs;
  const properties: Record<string, string> = {};
  const passwordPropertyDigests: Record<string, string> = {};
  for (const [key, value] of Object.entries(propertyMapping ?? {})) {
    if (isPasswordProperty(extra.parse, key)) {
      const prev = extra.previousDigests?.[key];
      passwordPropertyDigests[key] = prev !== undefined && passwordMatches(value, prev) ? prev : passwordDigest(value);
    } else properties[key] = value;
  }
  // What vSphere reports wins over what was asked (drift shows on refresh), passwords excepted.
  for (const owner of [entity, ...entity.vms]) {
    for (const kv of owner.property ?? []) {
      // The mapping may name a property by its full key (class.id.instance) or by its bare id.
      const key = kv.key in properties ? kv.key : kv.id !== undefined && kv.id in properties ? kv.id : undefined;
      if (key !== undefined && !(key in passwordPropertyDigests) && !isPasswordProperty(extra.parse, key)) properties[key] = kv.value;
    }
  }
  return {
    ...rest,
    // The real URL stays in the (secret) inputs; the state's outputs keep it without user, password or token.
    ...(typeof inputs.source === 'string' ? { source: redactUrl(inputs.source) } : {}),
    name: inputs.name ?? entity.name,
    entityType: entity.entity.type,
    entityName: entity.name,
    vms: entity.vms.map((vm) => ({
      id: formatMoRef(vm.entity), name: vm.name, powerState: vm.powerState,
      ...(vm.numCPUs !== undefined ? { numCPUs: vm.numCPUs } : {}),
      ...(vm.memoryMB !== undefined ? { memoryMB: vm.memoryMB } : {}),
      ...(vm.disks ? { disks: vm.disks } : {}),
      ...(vm.networks ? { networks: vm.networks } : {}),
    })),
    descriptorDigest: extra.descriptorDigest,
    deploymentOption: extra.deploymentOption,
    properties,
    passwordPropertyDigests,
    powerState: entity.powerState,
    powerOn: entity.powerState === 'poweredOn',
    ...(entity.annotation !== undefined ? { annotation: entity.annotation } : {}),
    warnings: extra.warnings,
  };
}

/**
 * The OvfImport provider operations over a backend.
 * @example
 * const impl = createOvfImportProvider(() => defaultBackend());
 * await impl.check({}, { source: 'examples/minimal/minimal.ova' });
 */
export function createOvfImportProvider(getBackend: () => OvfkitBackend & Partial<OvfkitLibraryBackend>): ProviderImpl<OvfImportWireInputs, OvfImportWireOutputs> {
  const digestCache = new Map<string, string>();
  const currentDigest = async (source: string, inputs: OvfImportWireInputs): Promise<string> => {
    const cached = digestCache.get(source);
    if (cached) return cached;
    const d = await sourceBackend(getBackend(), inputs.connection).readDescriptor(source, { manifestPolicy: inputs.manifestPolicy ?? 'verify-if-present' });
    digestCache.set(source, d.descriptorDigest);
    return d.descriptorDigest;
  };

  return {
    async check(_olds, news) {
      // A `library:` source is read through the Content Library and planned like a file.
      const report = await checkImport(sourceBackend(getBackend(), news.connection), news, connectionFor(news.connection));
      report.failures.push(...libraryImportFailures(news), ...unknownInputFailures('OvfImport', news, IMPORT_INPUTS, ['plan']));
      const inputs: OvfImportWireInputs = { ...news };
      // Deterministic defaults only, so the diff is stable between runs.
      if (inputs.manifestPolicy === undefined) inputs.manifestPolicy = 'verify-if-present';
      if (inputs.signature === undefined) inputs.signature = 'verify';
      if (inputs.acceptAllEulas === undefined) inputs.acceptAllEulas = false;
      if (inputs.powerOn === undefined) inputs.powerOn = false;
      if (inputs.markAsTemplate === undefined) inputs.markAsTemplate = false;
      if (inputs.deploymentOption === undefined && report.parse?.defaultDeploymentOption) inputs.deploymentOption = report.parse.defaultDeploymentOption;
      // The plan (core's createPlan: digest, deployment option, per-VM hardware, disks, networks,
      // properties with passwords redacted, files, EULAs, issues) is what preview shows, as in
      // `ovfkit plan` and the CDKTF constructs. Not known yet when an input it depends on is not.
      // It travels as one JSON text: a Struct of its every field cost the plugin host and the
      // engine a walk of 20-30 KB of values in each Check and Diff (docs/performance.md); the
      // OvfImport resource class gives programs the object.
      if (PLAN_INPUTS.some((k) => isUnknown((news as unknown as Record<string, unknown>)[k]))) inputs.plan = UNKNOWN;
      else if (report.plan) inputs.plan = storedPlanJson(report.plan);
      if (report.descriptor) digestCache.set(news.source, report.descriptor.descriptorDigest);
      return { inputs, failures: report.failures };
    },

    async diff(_id, olds, news) {
      const replaces: string[] = [];
      const changed: string[] = [];
      const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
      for (const k of IMPORT_REPLACE_KEYS) {
        const n = (news as unknown as Record<string, unknown>)[k];
        const o = (olds as unknown as Record<string, unknown>)[k];
        if (k === 'name' && n === undefined) continue; // the descriptor's name was used and is kept
        if (k === 'deploymentOption' && n === undefined) continue;
        // Outputs hold the source redacted: a new token for the same URL is no change (a changed
        // package is, by its digest below).
        if (k === 'source' && typeof n === 'string' && typeof o === 'string' && !isUnknown(n) && redactUrl(o) === redactUrl(n)) continue;
        if (isUnknown(n) || !same(o, n)) replaces.push(k);
      }
      if (!replaces.includes('source') && typeof news.source === 'string') {
        try {
          if ((await currentDigest(news.source, news)) !== olds.descriptorDigest) replaces.push('source');
        } catch { replaces.push('source'); }
      }
      if (isUnknown(news.powerOn) || (news.powerOn !== undefined && news.powerOn !== olds.powerOn)) changed.push('powerOn');
      if (isUnknown(news.annotation) || (news.annotation !== undefined && news.annotation !== olds.annotation)) changed.push('annotation');
      const pm = news.propertyMapping ?? {};
      const oldKeys = new Set([...Object.keys(olds.properties ?? {}), ...Object.keys(olds.passwordPropertyDigests ?? {})]);
      let propsChanged = isUnknown(pm) || Object.keys(pm).length !== oldKeys.size;
      for (const [key, value] of Object.entries(pm)) {
        if (propsChanged) break;
        const digest = olds.passwordPropertyDigests?.[key];
        if (isUnknown(value)) propsChanged = true;
        else if (digest !== undefined) propsChanged = !passwordMatches(value, digest);
        else propsChanged = olds.properties?.[key] !== value;
      }
      if (propsChanged) changed.push('propertyMapping');
      // Another vCenter is another entity; new credentials for the same one change only the state.
      const server = (c: ConnectionInput | undefined): string | undefined => (isUnknown(c) ? UNKNOWN : c?.server);
      if (isUnknown(news.connection?.server) || server(news.connection) !== server(olds.connection)) replaces.push('connection');
      else if (!same(news.connection, olds.connection)) changed.push('connection');
      // vSphere refuses a second entity of the same name in a folder: a replacement that keeps
      // its name must delete the old one first; a renamed one is created first (Pulumi's default).
      return { changes: replaces.length > 0 || changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && !replaces.includes('name') };
    },

    async create(inputs) {
      const backend = getBackend();
      if (isLibrarySource(inputs.source)) return deployFromLibrary(backend, inputs);
      return withSession(backend, 'creating an OvfImport', inputs.connection, async (session) => {
        // check() planned this import (its plan is in the inputs); the engine plans it once more
        // over the bytes it imports, refuses what the plan refuses before it creates anything,
        // and, pinned to the digest check() approved, a package that changed since then.
        const planned = planOf(inputs.plan)?.descriptorDigest;
        let outcome: Awaited<ReturnType<VsphereSession['importOvf']>>;
        try {
          outcome = await session.importOvf({
            ...importSpecRequest(inputs, inputs.deploymentOption ?? ''),
            source: inputs.source,
            manifestPolicy: inputs.manifestPolicy ?? 'verify-if-present',
            acceptAllEulas: inputs.acceptAllEulas === true,
            powerOn: inputs.powerOn === true,
            markAsTemplate: inputs.markAsTemplate === true,
            ...(inputs.annotation !== undefined ? { annotation: inputs.annotation } : {}),
            ...(typeof planned === 'string' ? { expectedDescriptorDigest: planned } : {}),
            vocabulary: 'pulumi',
            signature: { policy: inputs.signature ?? 'verify', ...(inputs.trustedCertificates?.length ? { trustedCertificates: inputs.trustedCertificates } : {}) },
            ...(typeof inputs.hostProfile === 'string' ? { hostProfile: inputs.hostProfile } : {}),
            ...(typeof inputs.parallelDisks === 'number' ? { parallelDisks: inputs.parallelDisks } : {}),
          });
        } catch (e) {
          const plan = (e as { plan?: OvfPlan }).plan;
          if (!isOvfkitError(e) || e.code !== 'PLAN_REFUSED' || !plan) throw e;
          throw composedError(new Error(`the import would fail:\n${plan.errors.map((i) => `  ${escapeControls(`${inputForIssue(i, inputs)}: ${issueReason(i)}`, 'line')}`).join('\n')}`));
        }
        const outs = stateOutputs(inputs, outcome.entity, {
          descriptorDigest: outcome.plan.descriptorDigest,
          deploymentOption: outcome.plan.deploymentOption.key,
          warnings: [...new Set(outcome.warnings.map((i) => issueReason(i)))],
          parse: outcome.parse,
        });
        return { id: formatMoRef(outcome.entity.entity), outs };
      });
    },

    async read(id, props) {
      const ref = parseMoRef(id);
      if (!ref) throw new Error(`"${id}" is not an OvfImport id (expected Type:value, e.g. VirtualMachine:vm-42)`);
      return withSession(getBackend(), 'refreshing an OvfImport', props.connection, async (session) => {
        const entity = await session.readEntity(ref);
        if (!entity) return { id: '', props }; // gone: the engine drops it from state
        const outs = stateOutputs({ ...props, propertyMapping: { ...props.properties } } as OvfImportWireInputs, entity, {
          descriptorDigest: props.descriptorDigest, deploymentOption: props.deploymentOption, warnings: props.warnings ?? [],
        });
        outs.passwordPropertyDigests = props.passwordPropertyDigests ?? {};
        return { id, props: outs };
      });
    },

    async update(id, olds, news) {
      const ref = parseMoRef(id);
      if (!ref) throw new Error(`"${id}" is not an OvfImport id`);
      const backend = getBackend();
      return withSession(backend, 'updating an OvfImport', news.connection, async (session) => {
        // Only which properties are passwords is needed here: the descriptor, not a full check.
        const read = await sourceBackend(backend, news.connection).readDescriptor(news.source, { manifestPolicy: news.manifestPolicy ?? 'verify-if-present' });
        const parse = await backend.parseDescriptor(read.ovfDescriptorBytes, { locale: news.locale ?? '', deploymentOption: olds.deploymentOption ?? '' });
        const change: { annotation?: string; property?: KeyValue[] } = {};
        if (news.annotation !== undefined && news.annotation !== olds.annotation) change.annotation = news.annotation;
        const wantOn = news.powerOn === true;
        const property: KeyValue[] = [];
        for (const [key, value] of Object.entries(news.propertyMapping ?? {})) {
          const digest = olds.passwordPropertyDigests?.[key];
          if (digest !== undefined ? !passwordMatches(value, digest) : olds.properties?.[key] !== value) property.push({ key, value });
        }
        if (property.length > 0) change.property = property;
        if (change.annotation !== undefined || change.property) await session.reconfigure(ref, change);
        const now = await session.readEntity(ref);
        if (!now) throw new Error(`${id} no longer exists in vSphere; run pulumi refresh`);
        if ((now.powerState === 'poweredOn') !== wantOn) await session.setPowerState(ref, wantOn);
        const after = (await session.readEntity(ref)) ?? now;
        return {
          outs: stateOutputs(news, after, {
            descriptorDigest: olds.descriptorDigest,
            deploymentOption: olds.deploymentOption,
            warnings: olds.warnings ?? [],
            ...(parse ? { parse } : {}),
            previousDigests: olds.passwordPropertyDigests ?? {},
          }),
        };
      });
    },

    async delete(id, props) {
      const ref = parseMoRef(id);
      if (!ref) return;
      await withSession(getBackend(), 'deleting an OvfImport', props.connection, async (session) => {
        if (await session.readEntity(ref)) await session.destroy(ref);
      });
    },
  };
}
