/**
 * The `local-exec` provisioners the constructs attach to their `terraform_data`: the `ovfkit`
 * command lines, with every argument shell-quoted and no secret in them.
 */
import type { LocalExecProvisioner } from 'cdktf';
import type { OvfImportRequest } from './core-port';
import { shellCommand, splitCommandPrefix, terraformLiteral } from './shell';

/** Options of `ovfkit import` that are not part of OvfCreateImportSpecParams. */
export interface ImportRunOptions {
  powerOn: boolean;
  markAsTemplate: boolean;
  annotation?: string;
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
export function ovfkitCommandLine(prefix: string, subcommand: readonly string[], positionals: readonly OvfkitPositional[], options: readonly OvfkitOption[]): string {
  const words = [...splitCommandPrefix(prefix), ...subcommand, ...options.map(([name, value]) => (value === true ? `--${name}` : `--${name}=${value}`))];
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
export function importCommand(prefix: string, source: OvfkitPositional, descriptorDigest: string, r: OvfImportRequest, run: ImportRunOptions): LocalExecProvisioner {
  const o: OvfkitOption[] = [['expect-digest', descriptorDigest], ['name', r.entityName]];
  const p = r.placement;
  if (p.datacenter !== undefined) o.push(['datacenter', p.datacenter]);
  // `--pool` takes a resource pool or a vApp.
  const pool = p.vApp ?? p.resourcePool;
  if (pool !== undefined) o.push(['pool', pool]);
  if (p.datastore !== undefined) o.push(['datastore', p.datastore]);
  if (p.folder !== undefined) o.push(['folder', p.folder]);
  if (p.host !== undefined) o.push(['host', p.host]);
  if (r.deploymentOption !== '') o.push(['deployment-option', r.deploymentOption]);
  for (const kv of r.networkMapping) o.push(['net', `${kv.key}=${kv.value}`]);
  for (const kv of r.propertyMapping) o.push(['prop', `${kv.key}=${kv.value}`]);
  for (const kv of r.secretProperty) o.push(['prop-env', `${kv.key}=${kv.value}`]);
  if (r.diskProvisioning !== undefined) o.push(['disk-provisioning', r.diskProvisioning]);
  if (r.acceptAllEulas) o.push(['accept-all-eulas', true]);
  if (run.annotation !== undefined) o.push(['annotation', run.annotation]);
  if (run.markAsTemplate) o.push(['template', true]);
  if (run.powerOn) o.push(['power-on', true]);
  return { type: 'local-exec', command: ovfkitCommandLine(prefix, ['import'], [source], o) };
}

/**
 * `ovfkit destroy --if-exists -- <inventory path>` as a destroy-time provisioner. Terraform lets a
 * destroy provisioner read only `self`, and on a replacement the old VM is the one to remove, so
 * the path comes from the instance's stored `triggers_replace` through an environment variable
 * (which also keeps the value away from the shell's parser). `--if-exists`: a VM already removed
 * by hand does not block `terraform destroy`.
 */
export function destroyCommand(prefix: string): LocalExecProvisioner {
  return {
    type: 'local-exec',
    when: 'destroy',
    command: ovfkitCommandLine(prefix, ['destroy'], [{ env: 'OVFKIT_INVENTORY_PATH' }], [['if-exists', true]]),
    environment: { OVFKIT_INVENTORY_PATH: '${self.triggers_replace.inventoryPath}' },
  };
}
