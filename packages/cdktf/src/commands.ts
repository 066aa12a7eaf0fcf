/**
 * The `local-exec` provisioners the constructs attach to their `terraform_data`: the `ovfkit`
 * command lines, with every argument shell-quoted and no secret in them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocalExecProvisioner } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { ManifestPolicy, SignaturePolicy } from '@ovfkit/core';
import type { KeyValue, OvfImportRequest } from './core-port';
import { shellCommand, splitCommandPrefix, terraformLiteral } from './shell';
import { stackPath } from './stack-path';

/** Options of `ovfkit import` that are not part of OvfCreateImportSpecParams. */
export interface ImportRunOptions {
  powerOn: boolean;
  markAsTemplate: boolean;
  annotation?: string;
  /** The signature policy the import's plan enforces again at apply. @default the CLI's, verify */
  signature?: SignaturePolicy;
  /** CA certificates (PEM texts) the signer must chain to: given in the environment, read with --trust-env. */
  trustedCertificates?: readonly string[];
  /** Disks uploaded at once (`--parallel-disks`). @default the CLI's, 4 */
  parallelDisks?: number;
  /** How the import uses the manifest (`--manifest`). @default the CLI's, verify-if-present */
  manifestPolicy?: ManifestPolicy;
}

/** The variable that carries the trusted CA certificates to `ovfkit import --trust-env`. */
export const TRUSTED_CERTIFICATES_ENV = 'OVFKIT_TRUSTED_CERTIFICATES';

/** What `ovfkit reconfigure` sets in place on an imported VM or vApp. */
export interface ReconfigureOptions {
  powerOn: boolean;
  annotation?: string;
  propertyMapping: readonly KeyValue[];
  secretProperty: readonly KeyValue[];
}

/** A command prefix: a string split on spaces (`npx ovfkit`), or the words themselves. */
export type OvfkitPrefix = string | readonly string[];

/**
 * The `ovfkit` CLI `@ovfkit/cdktf` depends on, resolved at synth and run by `node` from PATH:
 * `terraform apply` needs no `ovfkit` on PATH. Inside the project its script is written relative
 * to the stack directory, like a source (a project moved to another folder still finds it).
 */
export function bundledOvfkit(scope: IConstruct): string[] {
  const manifest = require.resolve('ovfkit/package.json');
  const bin = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { bin: Record<string, string> }).bin['ovfkit']!;
  return ['node', stackPath(scope, path.join(path.dirname(manifest), bin))];
}

/** An option of an ovfkit command line: a value, or `true` for a flag. */
export type OvfkitOption = readonly [name: string, value: string | true];

/** A positional argument: a literal, or the value of an environment variable at apply time. */
export type OvfkitPositional = string | { readonly env: string };

/**
 * One `ovfkit` command line for `/bin/sh -c`. Every option is written `--name=value`, so a value
 * that starts with `-` (`annotation: '- managed by terraform'`) is that option's value, never
 * read as another option; the positionals follow `--` for the same reason. A positional taken
 * from the environment is written `"$NAME"`, expanded by the shell at apply time, so its value
 * is in neither the configuration nor the state.
 * @example
 * ovfkitCommandLine('ovfkit', ['destroy'], [{ env: 'OVFKIT_INVENTORY_PATH' }], [['if-exists', true]])
 * // ovfkit destroy --if-exists -- "$OVFKIT_INVENTORY_PATH"
 */
export function ovfkitCommandLine(prefix: OvfkitPrefix, subcommand: readonly string[], positionals: readonly OvfkitPositional[], options: readonly OvfkitOption[]): string {
  const words = [...(typeof prefix === 'string' ? splitCommandPrefix(prefix) : prefix), ...subcommand, ...options.map(([name, value]) => (value === true ? `--${name}` : `--${name}=${value}`))];
  const literal = terraformLiteral(shellCommand(words));
  const rest = positionals.map((p) => (typeof p === 'string' ? terraformLiteral(shellCommand([p])) : `"$${p.env}"`));
  return rest.length ? `${literal} -- ${rest.join(' ')}` : literal;
}

/**
 * `ovfkit import --expect-digest=<plan digest> … -- <source>` as a create-time provisioner: apply
 * imports only the descriptor synth planned (a package changed since synth is refused before
 * anything is created). Secret property values are named by environment variable
 * (`--prop-env=key=VAR`), so the CLI reads them from the apply environment.
 */
export function importCommand(prefix: OvfkitPrefix, source: OvfkitPositional, descriptorDigest: string, r: OvfImportRequest, run: ImportRunOptions): LocalExecProvisioner {
  const o: OvfkitOption[] = [['expect-digest', descriptorDigest], ['name', r.entityName]];
  const p = r.placement;
  if (p.datacenter !== undefined) o.push(['datacenter', p.datacenter]);
  // `--pool` takes a resource pool or a vApp; `--cluster` is its root pool when there is neither.
  const pool = p.vApp ?? p.resourcePool;
  if (pool !== undefined) o.push(['pool', pool]);
  else if (p.cluster !== undefined) o.push(['cluster', p.cluster]);
  if (p.datastore !== undefined) o.push(['datastore', p.datastore]);
  if (p.folder !== undefined) o.push(['folder', p.folder]);
  if (p.host !== undefined) o.push(['host', p.host]);
  if (r.deploymentOption !== '') o.push(['deployment-option', r.deploymentOption]);
  for (const kv of r.networkMapping) o.push(['net', `${kv.key}=${kv.value}`]);
  for (const kv of r.propertyMapping) o.push(['prop', `${kv.key}=${kv.value}`]);
  for (const kv of r.secretProperty) o.push(['prop-env', `${kv.key}=${kv.value}`]);
  if (r.locale !== '') o.push(['locale', r.locale]);
  if (r.diskProvisioning !== undefined) o.push(['disk-provisioning', r.diskProvisioning]);
  if (r.ipAllocationPolicy !== undefined) o.push(['ip-allocation-policy', r.ipAllocationPolicy]);
  if (r.ipProtocol !== undefined) o.push(['ip-protocol', r.ipProtocol]);
  if (run.manifestPolicy !== undefined) o.push(['manifest', run.manifestPolicy]);
  if (r.acceptAllEulas) o.push(['accept-all-eulas', true]);
  if (run.annotation !== undefined) o.push(['annotation', run.annotation]);
  if (run.markAsTemplate) o.push(['template', true]);
  if (run.powerOn) o.push(['power-on', true]);
  if (run.signature !== undefined) o.push(['signature', run.signature]);
  if (run.parallelDisks !== undefined) o.push(['parallel-disks', String(run.parallelDisks)]);
  if (!run.trustedCertificates?.length) return { type: 'local-exec', command: ovfkitCommandLine(prefix, ['import'], [source], o) };
  // PEM text is multi-line: the environment carries it, the command line names the variable.
  o.push(['trust-env', TRUSTED_CERTIFICATES_ENV]);
  return { type: 'local-exec', command: ovfkitCommandLine(prefix, ['import'], [source], o), environment: { [TRUSTED_CERTIFICATES_ENV]: run.trustedCertificates.join('\n') } };
}

/**
 * `ovfkit destroy --if-exists -- <inventory path>` as a destroy-time provisioner. Terraform lets a
 * destroy provisioner read only `self`, and on a replacement the old VM is the one to remove, so
 * the path comes from the instance's stored `triggers_replace` through an environment variable
 * (which also keeps the value away from the shell's parser). `--if-exists`: a VM already removed
 * by hand does not block `terraform destroy`.
 */
export function destroyCommand(prefix: OvfkitPrefix): LocalExecProvisioner {
  return {
    type: 'local-exec',
    when: 'destroy',
    command: ovfkitCommandLine(prefix, ['destroy'], [{ env: 'OVFKIT_INVENTORY_PATH' }], [['if-exists', true]]),
    environment: { OVFKIT_INVENTORY_PATH: '${self.triggers_replace.inventoryPath}' },
  };
}

/**
 * `ovfkit reconfigure --annotation=… --prop=k=v --prop-env=k=VAR --power-on|--power-off -- <path>`
 * as the create provisioner of the in-place resource: Terraform replaces that resource (never the
 * VM) when one of these settings changes, and this sets them on the VM the import created.
 */
export function reconfigureCommand(prefix: OvfkitPrefix, inventoryPath: string, r: ReconfigureOptions): LocalExecProvisioner {
  const o: OvfkitOption[] = [];
  if (r.annotation !== undefined) o.push(['annotation', r.annotation]);
  for (const kv of r.propertyMapping) o.push(['prop', `${kv.key}=${kv.value}`]);
  for (const kv of r.secretProperty) o.push(['prop-env', `${kv.key}=${kv.value}`]);
  o.push([r.powerOn ? 'power-on' : 'power-off', true]);
  return { type: 'local-exec', command: ovfkitCommandLine(prefix, ['reconfigure'], [inventoryPath], o) };
}
