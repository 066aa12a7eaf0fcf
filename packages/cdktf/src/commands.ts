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

/**
 * `ovfkit import <source> --expect-digest <plan digest> …` as a create-time provisioner: apply
 * imports only the descriptor synth planned (a package changed since synth is refused before
 * anything is created). Secret property values are named by environment variable
 * (`--prop-env key=VAR`), so the CLI reads them from the apply environment.
 */
export function importCommand(prefix: string, source: string, descriptorDigest: string, r: OvfImportRequest, run: ImportRunOptions): LocalExecProvisioner {
  const argv = [...splitCommandPrefix(prefix), 'import', source, '--expect-digest', descriptorDigest, '--name', r.entityName];
  const p = r.placement;
  if (p.datacenter !== undefined) argv.push('--datacenter', p.datacenter);
  // `--pool` takes a resource pool or a vApp.
  const pool = p.vApp ?? p.resourcePool;
  if (pool !== undefined) argv.push('--pool', pool);
  if (p.datastore !== undefined) argv.push('--datastore', p.datastore);
  if (p.folder !== undefined) argv.push('--folder', p.folder);
  if (p.host !== undefined) argv.push('--host', p.host);
  if (r.deploymentOption !== '') argv.push('--deployment-option', r.deploymentOption);
  for (const kv of r.networkMapping) argv.push('--net', `${kv.key}=${kv.value}`);
  for (const kv of r.propertyMapping) argv.push('--prop', `${kv.key}=${kv.value}`);
  for (const kv of r.secretProperty) argv.push('--prop-env', `${kv.key}=${kv.value}`);
  if (r.diskProvisioning !== undefined) argv.push('--disk-provisioning', r.diskProvisioning);
  if (r.acceptAllEulas) argv.push('--accept-all-eulas');
  if (run.annotation !== undefined) argv.push('--annotation', run.annotation);
  if (run.markAsTemplate) argv.push('--template');
  if (run.powerOn) argv.push('--power-on');
  return { type: 'local-exec', command: terraformLiteral(shellCommand(argv)) };
}

/**
 * `ovfkit destroy <inventory path> --if-exists` as a destroy-time provisioner. Terraform lets a
 * destroy provisioner read only `self`, and on a replacement the old VM is the one to remove, so
 * the path comes from the instance's stored `triggers_replace` through an environment variable
 * (which also keeps the value away from the shell's parser). `--if-exists`: a VM already removed
 * by hand does not block `terraform destroy`.
 */
export function destroyCommand(prefix: string): LocalExecProvisioner {
  const argv = terraformLiteral(shellCommand([...splitCommandPrefix(prefix), 'destroy']));
  return {
    type: 'local-exec',
    when: 'destroy',
    command: `${argv} "$OVFKIT_INVENTORY_PATH" --if-exists`,
    environment: { OVFKIT_INVENTORY_PATH: '${self.triggers_replace.inventoryPath}' },
  };
}
