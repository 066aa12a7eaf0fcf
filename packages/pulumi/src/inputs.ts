/**
 * Input shapes of the resources as they reach the provider (plain JSON, with the engine's
 * unknown sentinel during preview), and the small helpers that read them.
 */
import { DISK_PROVISIONING_TYPES, storedPlanOf, unknownKeys, type ManagedObjectReference, type StoredPlan, type SignaturePolicy } from '@ovfkit/core';

import type { ManifestPolicy, Placement } from './backend';
import type { ConnectionInput } from './connection';

/**
 * The engine's placeholder for a value that is not known yet (preview of a value computed by
 * another resource). @see pulumi `resource.UnknownStringValue`
 */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/** True when the value, or anything inside it, is not known yet. */
export function isUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(isUnknown);
  if (v !== null && typeof v === 'object') return Object.values(v).some(isUnknown);
  return false;
}

/** Placement inputs, in the order they are reported. */
export const PLACEMENT_KEYS = ['datacenter', 'resourcePool', 'cluster', 'vApp', 'datastore', 'folder', 'host'] as const satisfies readonly (keyof Placement)[];

/**
 * Every input of OvfImport (`OvfImportArgs`; resources.ts fails to compile when the two differ):
 * check() refuses any other, and test/src/vocabulary.test.ts holds it against docs/architecture.md.
 */
export const IMPORT_INPUTS = [
  'source', ...PLACEMENT_KEYS, 'name', 'networkMapping', 'propertyMapping', 'deploymentOption', 'diskProvisioning',
  'ipAllocationPolicy', 'ipProtocol', 'acceptAllEulas', 'manifestPolicy', 'signature', 'trustedCertificates',
  'powerOn', 'annotation', 'markAsTemplate', 'hostProfile', 'inventory', 'locale', 'connection', 'parallelDisks',
] as const satisfies readonly (keyof OvfImportWireInputs)[];

/**
 * Failures for the keys of `given` that are not inputs (a typo like `resoucePool` would otherwise
 * be ignored), naming the nearest input. Keys the engine adds (`__provider`), keys without a value
 * and `ownKeys` (what check() itself writes back, such as the plan) are not judged.
 */
export function unknownInputFailures(resource: string, given: object, inputs: readonly string[], ownKeys: readonly string[] = []): { property: string; reason: string }[] {
  const engine = Object.keys(given).filter((k) => k.startsWith('__'));
  return unknownKeys(given, inputs, [...ownKeys, ...engine]).map(({ key, near }) => ({
    property: key, reason: `${resource} has no input "${key}"${near.length ? `; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ''}`,
  }));
}

/** vim25 OvfCreateImportSpecParamsDiskProvisioningType values (core's list). */
export const DISK_PROVISIONING = DISK_PROVISIONING_TYPES;

/** OvfImport inputs on the wire (after `check()` filled the defaults). */
export interface OvfImportWireInputs extends Placement {
  source: string;
  name?: string;
  networkMapping?: Record<string, string>;
  propertyMapping?: Record<string, string>;
  deploymentOption?: string;
  diskProvisioning?: string;
  ipAllocationPolicy?: string;
  ipProtocol?: string;
  acceptAllEulas?: boolean;
  manifestPolicy?: ManifestPolicy;
  signature?: SignaturePolicy;
  /** PEM texts of the CA certificates the signer must chain to. */
  trustedCertificates?: string[];
  powerOn?: boolean;
  annotation?: string;
  markAsTemplate?: boolean;
  hostProfile?: string;
  inventory?: string;
  locale?: string;
  /** The vCenter / ESXi this resource lives on, when not the stack's (a secret in the checkpoint). */
  connection?: ConnectionInput;
  /** Disks uploaded at once over NFC (core's rule: 1 to 32). @default 4 */
  parallelDisks?: number;
  /**
   * Set by `check()`: core's plan for these inputs in its stored form (EULA texts as digests), as
   * one JSON text (one protobuf string on the wire, not a Struct of every field), or the unknown
   * sentinel during preview. State written by earlier versions holds the object itself: read it with
   * {@link planOf}.
   */
  plan?: string | StoredPlan;
}

/**
 * The stored plan in a `plan` input or output, whichever shape it has: the JSON text check() puts
 * there, or the object older state holds; undefined when absent, unknown or not a plan.
 * @example planOf('{"format":"ovfkit.plan/1",…}')?.descriptorDigest // 'sha256:…'
 */
export function planOf(v: unknown): StoredPlan | undefined {
  return v === UNKNOWN ? undefined : storedPlanOf(v);
}

/** One VM of an imported entity, as kept in state. */
export interface OvfImportVmOutput {
  /** `VirtualMachine:vm-42`. */
  id: string;
  name: string;
  powerState: string;
  numCPUs?: number;
  memoryMB?: number;
  disks?: { label: string; capacityBytes: number }[];
  networks?: string[];
}

/** OvfImport state: the non-secret inputs, plus what the import produced and read back. */
export interface OvfImportWireOutputs extends Omit<OvfImportWireInputs, 'propertyMapping'> {
  /** vim25 type of the entity: `VirtualMachine` or `VirtualApp`. */
  entityType: string;
  /** The entity's name in vSphere. */
  entityName: string;
  vms: OvfImportVmOutput[];
  /** `sha256:<hex>` of the imported descriptor. */
  descriptorDigest: string;
  /** The deployment option that was used (the descriptor's default when none was given). */
  deploymentOption: string;
  /** vApp property values as the entity reports them; password properties are left out. */
  properties: Record<string, string>;
  /** Salted scrypt digests of password property values, so a change can be detected without the value. */
  passwordPropertyDigests: Record<string, string>;
  /** The power state read back from vSphere. */
  powerState: string;
  warnings: string[];
}

/** `VirtualMachine:vm-42` ↔ `{type, value}`: the id form the provider uses. */
export function formatMoRef(ref: ManagedObjectReference): string {
  return `${ref.type}:${ref.value}`;
}
export function parseMoRef(id: string): ManagedObjectReference | undefined {
  const m = /^([A-Za-z]+):(.+)$/.exec(id);
  return m ? { type: m[1]!, value: m[2]! } : undefined;
}

/** A Pulumi property path for a map entry: `networkMapping.VM_Network` or `networkMapping["VM Network"]`. */
export function entryPath(input: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${input}.${key}` : `${input}[${JSON.stringify(key)}]`;
}
