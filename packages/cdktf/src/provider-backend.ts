/**
 * OvfImport's and OvfExport's `backend: 'provider'`: the import is an `ovfkit_import` resource of
 * terraform-provider-ovfkit (packages/terraform), through the bindings generated from its schema
 * (src/provider, scripts/generate-provider.js). Terraform then plans power state, annotation and
 * property values as in-place updates, reads the VM back (drift, a deleted VM re-created) and
 * runs the provider's own plan-time checks; synth still runs core's plan, so a broken contract
 * fails before terraform is started at all. The export is an `ovfkit_export`.
 */
import { type TerraformResource, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { UsageError } from '@ovfkit/core';
import type { OvfImportRequest } from './core-port';
import { Export } from './provider/export';
import { Import } from './provider/import';
import { OvfkitProvider } from './provider/provider';

export { Export as OvfkitExportResource, Import as OvfkitImportResource, OvfkitProvider };

/** What applies an OvfImport or OvfExport: Terraform's `terraform_data` with provisioners, or terraform-provider-ovfkit. */
export type OvfBackend = 'terraformData' | 'provider';

/**
 * The problems with `backend` and `provider` in a construct's props: `unsupported` are the props
 * given that the provider's resource has no input for.
 */
export function backendProblems(props: { readonly backend?: OvfBackend; readonly provider?: OvfkitProvider }, resourceType: string, unsupported: string[]): string[] {
  if (props.backend !== undefined && props.backend !== 'terraformData' && props.backend !== 'provider') return ['"backend" must be "terraformData" or "provider"'];
  if (props.backend === 'provider') return unsupported.map((key) => `"${key}" is not an input of the ${resourceType} resource: leave it out, or use backend "terraformData"`);
  return props.provider !== undefined ? ['"provider" is used only with backend: "provider"'] : [];
}

/** What the provider backend needs besides the request core planned. */
export interface ProviderImportOptions {
  /** The package as the provider reads it at plan and apply, in the stack directory Terraform runs it in. */
  source: string;
  powerOn?: boolean;
  annotation?: string;
  /** A provider instance to use; default: the stack's only OvfkitProvider, else a new one. */
  provider?: OvfkitProvider;
  /** The signature policy and trusted CA certificates (PEM texts) the provider's plan enforces. */
  signature?: string;
  trustedCertificates?: readonly string[];
  /** Disks uploaded at once (`parallel_disks`). */
  parallelDisks?: number;
  /** `manifest_policy`: require, verify-if-present or skip. */
  manifestPolicy?: string;
  /** `mark_as_template`. */
  markAsTemplate?: boolean;
}

/**
 * The stack's OvfkitProvider: the one given, the one already in the stack, or a new one with no
 * arguments (the provider then reads VSPHERE_SERVER, VSPHERE_USER, VSPHERE_PASSWORD, … at plan
 * and apply).
 */
function providerFor(scope: Construct, given: OvfkitProvider | undefined): OvfkitProvider {
  if (given) return given;
  const stack = TerraformStack.of(scope);
  const existing = stack.node.findAll().filter((c): c is OvfkitProvider => c instanceof OvfkitProvider);
  if (existing.length > 1) throw new UsageError(`${scope.node.path}: the stack has ${existing.length} OvfkitProvider instances: pass the one to use as "provider"`);
  return existing[0] ?? new OvfkitProvider(stack, 'ovfkit');
}

/**
 * A sensitive Terraform variable per secret: `fromEnv('ROOT_PW')` becomes variable `ROOT_PW`,
 * which Terraform reads from `TF_VAR_ROOT_PW`, and its value goes to the write-only
 * `password_property_mapping` (never in plan or state).
 */
function secretVariable(scope: Construct, name: string): TerraformVariable {
  const stack = TerraformStack.of(scope);
  const found = stack.node.tryFindChild(name);
  if (found instanceof TerraformVariable) return found;
  if (found) throw new UsageError(`${scope.node.path}: fromEnv('${name}') needs a Terraform variable "${name}", but the stack has another construct with that id`);
  const v = new TerraformVariable(stack, name, { type: 'string', sensitive: true, nullable: false, description: `secret for ovfkit (set TF_VAR_${name})` });
  v.overrideLogicalId(name);
  return v;
}

/** The `ovfkit_import` resource for a planned request. */
export function providerImport(scope: Construct, id: string, request: OvfImportRequest, o: ProviderImportOptions): Import {
  const p = request.placement;
  const passwords: Record<string, string> = {};
  for (const kv of request.secretProperty) passwords[kv.key] = secretVariable(scope, kv.value).stringValue;
  return new Import(scope, id, {
    provider: providerFor(scope, o.provider),
    source: o.source,
    name: request.entityName,
    ...(p.datacenter !== undefined ? { datacenter: p.datacenter } : {}),
    ...(p.resourcePool !== undefined ? { resourcePool: p.resourcePool } : {}),
    ...(p.cluster !== undefined ? { cluster: p.cluster } : {}),
    ...(p.vApp !== undefined ? { vapp: p.vApp } : {}),
    ...(p.datastore !== undefined ? { datastore: p.datastore } : {}),
    ...(p.folder !== undefined ? { folder: p.folder } : {}),
    ...(p.host !== undefined ? { host: p.host } : {}),
    ...(request.networkMapping.length ? { networkMapping: Object.fromEntries(request.networkMapping.map((kv) => [kv.key, kv.value])) } : {}),
    ...(request.propertyMapping.length ? { propertyMapping: Object.fromEntries(request.propertyMapping.map((kv) => [kv.key, kv.value])) } : {}),
    ...(request.secretProperty.length ? { passwordPropertyMapping: passwords } : {}),
    ...(request.deploymentOption ? { deploymentOption: request.deploymentOption } : {}),
    ...(request.diskProvisioning !== undefined ? { diskProvisioning: request.diskProvisioning } : {}),
    ...(request.ipAllocationPolicy !== undefined ? { ipAllocationPolicy: request.ipAllocationPolicy } : {}),
    ...(request.ipProtocol !== undefined ? { ipProtocol: request.ipProtocol } : {}),
    ...(request.locale !== '' ? { locale: request.locale } : {}),
    ...(o.manifestPolicy !== undefined ? { manifestPolicy: o.manifestPolicy } : {}),
    ...(o.markAsTemplate !== undefined ? { markAsTemplate: o.markAsTemplate } : {}),
    acceptAllEulas: request.acceptAllEulas,
    powerOn: o.powerOn ?? false,
    ...(o.annotation !== undefined ? { annotation: o.annotation } : {}),
    ...(o.signature !== undefined ? { signature: o.signature } : {}),
    ...(o.trustedCertificates?.length ? { trustedCertificates: [...o.trustedCertificates] } : {}),
    ...(o.parallelDisks !== undefined ? { parallelDisks: o.parallelDisks } : {}),
  });
}

/** What an `ovfkit_export` is given: OvfExport's props, resolved at synth. */
export interface ProviderExportOptions {
  /** Inventory path or moref (`VirtualMachine:vm-42`) of the VM or vApp. */
  entity: string;
  /** An .ova file or a directory, as the provider resolves it in the stack directory. */
  destination: string;
  /** As the manifest spells it (SHA256): the attribute the provider validates. */
  manifestAlgorithm: 'SHA1' | 'SHA256' | 'SHA512';
  name?: string;
  exportOption?: string[];
  chunkSize?: number;
  triggers?: Record<string, string>;
  provider?: OvfkitProvider;
  dependsOn?: TerraformResource[];
}

/** The `ovfkit_export` resource for an export. */
export function providerExport(scope: Construct, id: string, o: ProviderExportOptions): Export {
  return new Export(scope, id, {
    provider: providerFor(scope, o.provider),
    entity: o.entity,
    destination: o.destination,
    manifestAlgorithm: o.manifestAlgorithm,
    ...(o.name !== undefined ? { name: o.name } : {}),
    ...(o.exportOption?.length ? { exportOption: o.exportOption } : {}),
    ...(o.chunkSize !== undefined ? { chunkSize: o.chunkSize } : {}),
    ...(o.triggers !== undefined && Object.keys(o.triggers).length ? { triggers: o.triggers } : {}),
    ...(o.dependsOn?.length ? { dependsOn: o.dependsOn } : {}),
  });
}
