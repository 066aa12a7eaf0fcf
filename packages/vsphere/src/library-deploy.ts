import { OvfkitError } from '@ovfkit/core';
import type { ManagedObjectReference } from './soap/codec';
import { Inventory } from './inventory';
import { type PlacementInput, resolvePlacement } from './placement';
import type { RestClient } from './library-rest';
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

/** A message of a deployment result (vcenter.ovf.OvfMessage, the fields ovfkit shows). */
interface OvfMessage {
  category?: string;
  message?: { default_message?: string };
}

/** What a library deployment made, with vCenter's warnings. */
export interface LibraryDeployResult {
  entity: ManagedObjectReference;
  warnings: string[];
}

/**
 * Deploys an OVF library item with `ovf/library-item/{id}?action=deploy`: placement and networks
 * resolved in the inventory as for an import, properties, deployment option and EULA acceptance
 * as `additional_parameters`. A result that did not succeed is an error with every message vCenter
 * gave (`IMPORT_SPEC`); vCenter removes what a failed deployment made.
 * @see vcenter.ovf.LibraryItem.deploy
 */
export async function deployLibraryItem(rest: RestClient, session: VimSession, options: LibraryDeployOptions): Promise<LibraryDeployResult> {
  const { signal } = options;
  const inv = new Inventory(session);
  const placement = await resolvePlacement(inv, options, signal);
  const networks = Object.fromEntries(Object.entries(placement.networks).map(([ovfName, ref]) => [ovfName, ref.value]));
  const additional: unknown[] = [];
  const props = Object.entries(options.propertyMapping ?? {});
  if (props.length) additional.push({ '@class': 'com.vmware.vcenter.ovf.property_params', type: 'PropertyParams', properties: props.map(([id, value]) => ({ id, value })) });
  if (options.deploymentOption) additional.push({ '@class': 'com.vmware.vcenter.ovf.deployment_option_params', type: 'DeploymentOptionParams', selected_key: options.deploymentOption });
  const body = {
    target: { resource_pool_id: placement.resourcePool.value, ...(placement.host ? { host_id: placement.host.value } : {}), ...(placement.folder ? { folder_id: placement.folder.value } : {}) },
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
  for (const v of Object.values(options.propertyMapping ?? {})) session.client.secrets.add(v);
  const r = await rest.call<{ succeeded: boolean; resource_id?: { type: string; id: string }; error?: { errors?: OvfMessage[]; warnings?: OvfMessage[] } }>({ method: 'POST', path: ['vcenter', 'ovf', 'library-item', options.itemId], action: 'deploy', body }, signal);
  const text = (m: OvfMessage): string => `${m.category ? `${m.category}: ` : ''}${m.message?.default_message ?? 'no message'}`;
  const warnings = (r.error?.warnings ?? []).map(text);
  if (!r.succeeded || !r.resource_id) {
    const errors = (r.error?.errors ?? []).map(text);
    throw new OvfkitError('IMPORT_SPEC', session.client.redact(`vCenter did not deploy library item ${options.itemId}: ${errors.length ? errors.join('; ') : 'no reason given'}`));
  }
  return { entity: { type: r.resource_id.type, value: r.resource_id.id }, warnings };
}
