/**
 * The `local-exec` provisioners the constructs attach to their `terraform_data`: the `ovfkit`
 * command lines, with every argument shell-quoted and no secret in them.
 */
import type { LocalExecProvisioner } from 'cdktf';
import type { KeyValue, OvfImportRequest } from './core-port';
import { shellCommand, splitCommandPrefix, terraformLiteral } from './shell';

/** Options of `ovfkit import` that are not part of OvfCreateImportSpecParams. */
export interface ImportRunOptions {
  manifestPolicy: string;
  powerOn: boolean;
  markAsTemplate: boolean;
  annotation?: string;
}

/**
 * `ovfkit import <source> …` as a create-time provisioner. Secret property values are named by
 * environment variable (`--prop-env key=VAR`) so the CLI reads them from the apply environment.
 */
export function importCommand(
  prefix: string,
  source: string,
  r: OvfImportRequest,
  secretEnv: readonly KeyValue[],
  run: ImportRunOptions,
): LocalExecProvisioner {
  const argv = [...splitCommandPrefix(prefix), 'import', source, '--name', r.entityName];
  const p = r.placement;
  if (p.datacenter !== undefined) argv.push('--datacenter', p.datacenter);
  if (p.resourcePool !== undefined) argv.push('--pool', p.resourcePool);
  if (p.cluster !== undefined) argv.push('--cluster', p.cluster);
  if (p.vApp !== undefined) argv.push('--vapp', p.vApp);
  if (p.datastore !== undefined) argv.push('--datastore', p.datastore);
  if (p.folder !== undefined) argv.push('--folder', p.folder);
  if (p.host !== undefined) argv.push('--host', p.host);
  if (r.deploymentOption !== '') argv.push('--deployment-option', r.deploymentOption);
  if (r.locale !== '') argv.push('--locale', r.locale);
  for (const kv of r.networkMapping) argv.push('--net', `${kv.key}=${kv.value}`);
  for (const kv of r.propertyMapping) argv.push('--prop', `${kv.key}=${kv.value}`);
  for (const kv of secretEnv) argv.push('--prop-env', `${kv.key}=${kv.value}`);
  if (r.diskProvisioning !== undefined) argv.push('--disk-provisioning', r.diskProvisioning);
  if (r.ipAllocationPolicy !== undefined) argv.push('--ip-allocation-policy', r.ipAllocationPolicy);
  if (r.ipProtocol !== undefined) argv.push('--ip-protocol', r.ipProtocol);
  if (r.acceptAllEulas) argv.push('--accept-all-eulas');
  argv.push('--manifest', run.manifestPolicy);
  if (run.annotation !== undefined) argv.push('--annotation', run.annotation);
  if (run.powerOn) argv.push('--power-on');
  if (run.markAsTemplate) argv.push('--mark-as-template');
  return { type: 'local-exec', command: terraformLiteral(shellCommand(argv)) };
}

/**
 * `ovfkit destroy` as a destroy-time provisioner. Terraform lets a destroy provisioner read
 * only `self`, and on a replacement the old VM is the one to remove, so the name and folder are
 * taken from the instance's stored `triggers_replace` through environment variables (which also
 * spares quoting values the shell would otherwise see).
 */
export function destroyCommand(prefix: string): LocalExecProvisioner {
  const argv = terraformLiteral(shellCommand([...splitCommandPrefix(prefix), 'destroy']));
  return {
    type: 'local-exec',
    when: 'destroy',
    // `$${` is Terraform's escape for a literal `${`, left for the shell to expand.
    command: `${argv} --name "$OVFKIT_ENTITY_NAME" $\${OVFKIT_DATACENTER:+--datacenter "$OVFKIT_DATACENTER"} $\${OVFKIT_FOLDER:+--folder "$OVFKIT_FOLDER"}`,
    environment: {
      OVFKIT_ENTITY_NAME: '${self.triggers_replace.request.entityName}',
      OVFKIT_DATACENTER: '${try(self.triggers_replace.request.placement.datacenter, "")}',
      OVFKIT_FOLDER: '${try(self.triggers_replace.request.placement.folder, "")}',
    },
  };
}
