/**
 * Plan-time checks of `ovfkit_import` / `ovfkit_plan`: the package is read through
 * @ovfkit/package and core's `createPlan` computes the plan (ParseDescriptor, ValidateHost,
 * CreateImportSpec); its errors and warnings become Terraform diagnostics on the attribute they
 * are about (`property_mapping["workers"]`, `network_mapping["Data"]`). Nothing here decides an
 * OVF fact: the verdict is the plan's; this file only says where Terraform should point.
 */
import * as fs from 'node:fs/promises';
import {
  checkHostProfile, checkInventory, createPlan, escapeControls, judgePackage, type PlanPackageFile, issueDetails, issueTag, type HostProfile, type InventorySnapshot, type OvfPlan, type PackageFacts, type PlanIssue, type PlanSignature, resolveHostProfile,
  parallelDisksProblem, redactUrl, MANIFEST_POLICIES, SIGNATURE_POLICIES, type ManifestPolicy, type SignatureFacts, type SignaturePolicy, urlCarriesSecret,
} from '@ovfkit/core';
import { openSource, packageFacts, readSignatureFacts, trustedCertificates } from '@ovfkit/package';

import { attributePath, type AttributePath, type Diagnostic, errorDiagnostic } from '../protocol/messages';
import { isUnknown, type TfValue } from '../protocol/values';

/** Where offline checks run: a host profile (name or JSON file) and an inventory snapshot file. */
export interface PlanTarget {
  hostProfile?: string;
  inventory?: string;
}

/** A decoded config/state object: attribute name → value. */
export type TfObject = { [name: string]: TfValue };

/** The descriptor an import is planned from: the exact bytes, and where they came from. */
export interface PlannedDescriptor {
  bytes: Uint8Array;
  name: string;
  /**
   * What the package holds around the descriptor, for the files the plan lists (its one parse):
   * the plan judges whether it is complete. The source is opened again; its descriptor is not read again.
   */
  package: (declared: readonly PlanPackageFile[]) => Promise<PackageFacts>;
  /** What its `.mf` and `.cert` say (the signer, the descriptor's manifest line); absent when not read (signature `ignore` and manifest_policy `skip`, or only the descriptor wanted). */
  signature?: SignatureFacts;
}

export interface ImportCheck {
  diagnostics: Diagnostic[];
  /** Core's plan, when the package could be read and every input it depends on is known. */
  plan?: OvfPlan;
  descriptor?: PlannedDescriptor;
}

/** A known string, or undefined (null or not known yet). */
export function knownString(v: TfValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The known strings of a list(string) value. */
export function knownList(v: TfValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The plan's signature as the `signature_status` and `signer` attributes. */
export function signatureAttributes(s: PlanSignature): { signature_status: string; signer: TfValue } {
  return {
    signature_status: s.status,
    signer: s.signer ? { subject: s.signer.subject, issuer: s.signer.issuer, valid_from: s.signer.validFrom, valid_to: s.signer.validTo, trusted: s.trusted ?? null } : null,
  };
}

/** The known entries of a map(string) value. */
export function knownEntries(v: TfValue | undefined): [string, string][] {
  if (v === null || v === undefined || isUnknown(v) || typeof v !== 'object' || Array.isArray(v)) return [];
  return Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string');
}

/**
 * The attribute an issue is about, by its stable code (remote faults carry their vim25 type as
 * code); hardware, device and guest findings are about the package, so `source`.
 */
const ATTRIBUTE_FOR_CODE: Readonly<Record<string, string>> = {
  UNKNOWN_NETWORK_IN_MAPPING: 'network_mapping', UNKNOWN_MAPPED_NETWORK: 'network_mapping', NETWORK_NOT_MAPPED: 'network_mapping',
  OvfNetworkMappingNotSupported: 'network_mapping',
  UNKNOWN_PROPERTY_KEY: 'property_mapping', PROPERTY_VALUE_INVALID: 'property_mapping', PROPERTY_NOT_USER_CONFIGURABLE: 'property_mapping',
  OvfPropertyValue: 'property_mapping', OvfPropertyType: 'property_mapping', OvfPropertyQualifier: 'property_mapping',
  EULA_NOT_ACCEPTED: 'accept_all_eulas', UNKNOWN_DEPLOYMENT_OPTION: 'deployment_option', OvfInvalidValueConfiguration: 'deployment_option',
  AMBIGUOUS_PROPERTY_KEY: 'property_mapping',
  CERT_ABSENT: 'signature', CERT_UNTRUSTED: 'trusted_certificates', CERT_SELF_SIGNED: 'trusted_certificates',
  MANIFEST_ABSENT: 'manifest_policy',
  INSUFFICIENT_DATASTORE_SPACE: 'datastore', DATASTORE_INACCESSIBLE: 'datastore',
  UNKNOWN_DATASTORE: 'datastore', UNKNOWN_RESOURCE_POOL: 'resource_pool', UNKNOWN_HOST: 'host',
  DISK_PROVISIONING_UNSUPPORTED: 'disk_provisioning', OvfUnsupportedDiskProvisioning: 'disk_provisioning',
  IP_ALLOCATION_POLICY_UNSUPPORTED: 'ip_allocation_policy', IP_PROTOCOL_UNSUPPORTED: 'ip_protocol',
  INVALID_ENTITY_NAME: 'name', OvfInvalidVmName: 'name',
};

/** The attribute path of an issue: the map entry it names when it is about a mapping. */
export function issueAttribute(i: PlanIssue, config: TfObject): AttributePath {
  const attribute = ATTRIBUTE_FOR_CODE[i.code] ?? ATTRIBUTE_FOR_CODE[i.fault._typeName] ?? 'source';
  if (attribute !== 'network_mapping' && attribute !== 'property_mapping') return attributePath(attribute);
  // A password value lives in password_property_mapping.
  const maps = attribute === 'property_mapping' ? ['property_mapping', 'password_property_mapping'] : [attribute];
  for (const m of maps) {
    const keys = knownEntries(config[m]).map(([k]) => k);
    const key = keys.find((k) => i.value === k) ?? keys.find((k) => i.localizedMessage.includes(JSON.stringify(k)));
    if (key !== undefined) return attributePath(m, key);
  }
  return attributePath(attribute);
}

/** An issue as Terraform shows it: the message as summary; where, what is allowed, the fix and the code as detail. */
export function issueDiagnostic(i: PlanIssue, severity: 'ERROR' | 'WARNING', config: TfObject, against: string): Diagnostic {
  // core's one issue text: the message as summary, its details and tag one per line.
  const detail = [...issueDetails(i, { against }), issueTag(i)].join('\n');
  return { severity, summary: escapeControls(i.localizedMessage, 'line'), detail: escapeControls(detail, 'layout'), attribute: issueAttribute(i, config) };
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try { text = await fs.readFile(file, 'utf8'); } catch (e) { throw new Error(`${what} ${file} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
  try { return JSON.parse(text) as unknown; } catch (e) { throw new Error(`${what} ${file} is not JSON: ${(e as Error).message}`); }
}

/** The host profile plans are checked against: a built-in name, a JSON file, or the newest built-in. */
export async function loadHostProfile(spec: string | undefined): Promise<HostProfile> {
  if (spec === undefined || !/\.json$/i.test(spec)) return resolveHostProfile(spec);
  const check = checkHostProfile(await readJson(spec, 'host profile'));
  if (!check.profile) throw new Error(`host profile ${spec} is not valid: ${check.issues.map((x) => x.message).join('; ')}`);
  return check.profile;
}

async function loadInventory(file: string): Promise<InventorySnapshot> {
  const check = checkInventory(await readJson(file, 'inventory snapshot'));
  if (!check.inventory) throw new Error(`inventory snapshot ${file} is not valid: ${check.issues.map((x) => x.message).join('; ')}`);
  return check.inventory;
}

/**
 * Reads the descriptor of a package (only the descriptor, manifest and certificate: never the
 * disks); with `signature`, the signature facts too, judged against `trustStore`.
 */
export async function readDescriptor(source: string, signature?: { trustStore: string[] }): Promise<PlannedDescriptor> {
  const src = await openSource(source, {});
  try {
    const d = await src.descriptor();
    const facts = async (declared: readonly PlanPackageFile[]): Promise<PackageFacts> => {
      const again = await openSource(source, {});
      try { return await packageFacts(again, d, declared); } finally { await again.close(); }
    };
    const read: PlannedDescriptor = { bytes: d.bytes, name: d.name, package: facts };
    if (signature) read.signature = await readSignatureFacts(src, d, signature.trustStore.length ? { trustStore: signature.trustStore } : {});
    return read;
  } finally {
    await src.close();
  }
}

/** The attribute a placement the inventory lacks is about, from createPlan's message. */
function placementAttribute(message: string): string {
  if (/^datastore /.test(message)) return 'datastore';
  if (/^resource pool /.test(message)) return 'resource_pool';
  if (/^host /.test(message)) return 'host';
  return 'source';
}

/** The attributes a plan is computed from: while any is unknown, the plan is too. */
export const PLAN_INPUTS = ['source', 'name', 'resource_pool', 'cluster', 'vapp', 'datastore', 'host', 'network_mapping', 'property_mapping', 'password_property_mapping', 'deployment_option', 'disk_provisioning', 'ip_allocation_policy', 'ip_protocol', 'locale', 'accept_all_eulas', 'signature', 'trusted_certificates'] as const;

/**
 * Plans an import from config values; unknown values are left out of the plan and issues about
 * them are dropped (Terraform checks again at apply, when they are known).
 * @example
 * const { diagnostics, plan } = await checkImport({ source: 'app.ova', property_mapping: { workers: '40' } }, {});
 * diagnostics[0].attribute // property_mapping["workers"]
 */
export async function checkImport(config: TfObject, target: PlanTarget): Promise<ImportCheck> {
  const source = config['source'];
  if (source === undefined || source === null || isUnknown(source)) return { diagnostics: [] };
  if (typeof source !== 'string' || source === '') return { diagnostics: [errorDiagnostic('source is required', 'a path or http(s) URL of an .ova/.ovf, or a directory holding one', attributePath('source'))] };
  // Terraform keeps attributes in plan and state in plain text: a URL part that may be a secret (user, password, a signed URL's query or fragment) is refused, by core's rule.
  if (urlCarriesSecret(source)) {
    return { diagnostics: [errorDiagnostic('the source URL carries credentials or a token', `Terraform stores attributes in its plan and state in plain text, and ${redactUrl(source)} has a user, password, query string or fragment (a signed URL's token): serve the package at a URL without them, or download it first and give the path (under CDKTF, the terraformData backend reads a URL's secret parts from the apply environment with fromEnv)`, attributePath('source'))] };
  }
  const parallelDisks = config['parallel_disks'] ?? null;
  if (parallelDisks !== null && !isUnknown(parallelDisks) && parallelDisksProblem(parallelDisks)) {
    return { diagnostics: [errorDiagnostic('parallel_disks is not a number of connections', `parallel_disks ${parallelDisksProblem(parallelDisks)}`, attributePath('parallel_disks'))] };
  }
  const manifestPolicy = config['manifest_policy'] ?? null;
  if (manifestPolicy !== null && !isUnknown(manifestPolicy) && !(MANIFEST_POLICIES as readonly TfValue[]).includes(manifestPolicy)) {
    return { diagnostics: [errorDiagnostic(`manifest_policy must be one of ${MANIFEST_POLICIES.join(', ')}`, `got ${JSON.stringify(manifestPolicy)}`, attributePath('manifest_policy'))] };
  }
  const policy = config['signature'] ?? null;
  if (policy !== null && !isUnknown(policy) && !(SIGNATURE_POLICIES as readonly TfValue[]).includes(policy)) {
    return { diagnostics: [errorDiagnostic(`signature must be one of ${SIGNATURE_POLICIES.join(', ')}`, `got ${JSON.stringify(policy)}`, attributePath('signature'))] };
  }
  const signature: SignaturePolicy = typeof policy === 'string' ? policy as SignaturePolicy : 'verify';
  // The manifest policy the import will use (apply sends it), judged by the plan; while not known, not judged.
  const manifest: ManifestPolicy = isUnknown(manifestPolicy) ? 'skip' : typeof manifestPolicy === 'string' ? manifestPolicy as ManifestPolicy : 'verify-if-present';
  let trustStore: string[];
  try {
    trustStore = trustedCertificates(knownList(config['trusted_certificates']), 'trusted_certificates');
  } catch (e) {
    return { diagnostics: [errorDiagnostic('trusted_certificates cannot be used', (e as Error).message, attributePath('trusted_certificates'))] };
  }
  let descriptor: PlannedDescriptor;
  try {
    descriptor = await readDescriptor(source, signature === 'ignore' && manifest === 'skip' ? undefined : { trustStore });
  } catch (e) {
    return { diagnostics: [errorDiagnostic('cannot read the package', (e as Error).message, attributePath('source'))] };
  }
  const propertyMapping = [...knownEntries(config['property_mapping']), ...knownEntries(config['password_property_mapping'])];
  const placement = (k: string): string | undefined => knownString(config[k]);
  let hostProfile: HostProfile;
  let inventory: InventorySnapshot | undefined;
  try {
    hostProfile = await loadHostProfile(target.hostProfile);
    inventory = target.inventory !== undefined ? await loadInventory(target.inventory) : undefined;
  } catch (e) {
    return { diagnostics: [errorDiagnostic('the provider\'s offline target cannot be used', (e as Error).message)], descriptor };
  }
  let plan: OvfPlan;
  try {
    // Planned descriptor-only, then judged against the package facts of the files the plan lists
    // (as @ovfkit/package's planPackage does for `ovfkit plan`): one parse of the descriptor.
    ({ plan } = createPlan(descriptor.bytes, {
      hostProfile,
      ...(inventory ? { inventory } : {}),
      ...(inventory && placement('host') ? { host: placement('host')! } : {}),
      ...(inventory && (placement('vapp') ?? placement('resource_pool') ?? placement('cluster')) ? { resourcePool: (placement('vapp') ?? placement('resource_pool') ?? placement('cluster'))! } : {}),
      ...(inventory && placement('datastore') ? { datastore: placement('datastore')! } : {}),
      ...(placement('name') ? { entityName: placement('name')! } : {}),
      deploymentOption: knownString(config['deployment_option']) ?? '',
      locale: knownString(config['locale']) ?? '',
      networkMapping: Object.fromEntries(knownEntries(config['network_mapping'])),
      propertyMapping: Object.fromEntries(propertyMapping),
      ...(knownString(config['disk_provisioning']) ? { diskProvisioning: knownString(config['disk_provisioning'])! } : {}),
      ...(knownString(config['ip_allocation_policy']) ? { ipAllocationPolicy: knownString(config['ip_allocation_policy'])! } : {}),
      ...(knownString(config['ip_protocol']) ? { ipProtocol: knownString(config['ip_protocol'])! } : {}),
      ...(config['accept_all_eulas'] === true ? { importOption: ['acceptAllEulas'] } : {}),
      package: 'descriptor-only',
      signature: { policy: signature, ...(descriptor.signature ? { facts: descriptor.signature } : {}) },
      manifestPolicy: manifest,
      vocabulary: 'terraform',
    }));
  } catch (e) {
    const m = (e as Error).message;
    return { diagnostics: [errorDiagnostic(m, `checked against the inventory snapshot ${target.inventory ?? ''}`.trim(), attributePath(placementAttribute(m)))], descriptor };
  }
  try {
    judgePackage(plan, await descriptor.package(plan.package.files));
  } catch (e) {
    return { diagnostics: [errorDiagnostic('cannot read the package', (e as Error).message, attributePath('source'))], descriptor };
  }
  const against = `host profile ${plan.hostProfile}${target.inventory ? ` and inventory ${target.inventory}` : ''}`;
  const diagnostics = [
    ...plan.errors.map((i) => issueDiagnostic(i, 'ERROR', config, against)),
    ...plan.warnings.map((i) => issueDiagnostic(i, 'WARNING', config, against)),
    ...passwordPlacement(plan, config),
  ].filter((d) => !aboutUnknown(d, config));
  return { diagnostics, plan, descriptor };
}

/**
 * A password property given in `property_mapping` would be stored in the state in plain text:
 * the plan says which properties are passwords, and those belong in the write-only map.
 */
function passwordPlacement(plan: OvfPlan, config: TfObject): Diagnostic[] {
  const passwords = new Set(plan.properties.filter((p) => p.password).map((p) => p.id));
  return knownEntries(config['property_mapping']).filter(([k]) => passwords.has(k)).map(([k]) => errorDiagnostic(
    `"${k}" is a password property`,
    'Terraform keeps property_mapping in its state and plan in plain text: give this value in password_property_mapping, which is write-only (never stored).',
    attributePath('property_mapping', k),
  ));
}

/** True when the diagnostic points at a value that is not known yet. */
function aboutUnknown(d: Diagnostic, config: TfObject): boolean {
  const steps = d.attribute?.steps ?? [];
  const first = steps[0];
  if (!first || !('attribute_name' in first)) return false;
  const v = config[first.attribute_name];
  if (isUnknown(v)) return true;
  const second = steps[1];
  if (second && 'element_key_string' in second && v && typeof v === 'object' && !Array.isArray(v)) return isUnknown((v as { [k: string]: TfValue })[second.element_key_string]);
  return false;
}

