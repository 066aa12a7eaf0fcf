/**
 * The provider's schema: the provider block, `ovfkit_import`, `ovfkit_export`, and the data
 * sources `ovfkit_descriptor` and `ovfkit_plan`. Attribute names are the snake_case of the
 * Pulumi inputs (`resourcePool` → `resource_pool`), so the three front ends say the same thing.
 */
import type { BlockSpec } from '../protocol/schema';
import type { TfType } from '../protocol/values';

const str = (description: string, extra: Partial<BlockSpec['attributes'][string]> = {}): BlockSpec['attributes'][string] => ({ type: 'string', description, optional: true, ...extra });
const STRING_MAP: TfType = ['map', 'string'];

export const PROVIDER_SCHEMA: BlockSpec = {
  version: 0,
  description: 'ovfkit: OVF/OVA import and export on vSphere, checked against the OVF contract at plan time. Without `server`, checks run offline against `host_profile` and `inventory`.',
  attributes: {
    server: str('vCenter or ESXi host name or URL (`https://` and `/sdk` implied). Default: VSPHERE_SERVER.'),
    user: str('User name. Default: VSPHERE_USER.'),
    password: str('Password. Default: VSPHERE_PASSWORD.', { sensitive: true }),
    thumbprint: str('SHA-256 fingerprint of the server certificate to pin. Default: VSPHERE_THUMBPRINT.'),
    ca: str('PEM CA certificate(s) to trust for the server (the text, not a path).'),
    insecure: { type: 'bool', description: 'Accept any server certificate. Default: VSPHERE_INSECURE / VSPHERE_ALLOW_UNVERIFIED_SSL.', optional: true },
    host_profile: str('Host profile for offline checks: a built-in name (esxi-8.0u3) or a profile JSON file. Default: the newest built-in.'),
    inventory: str('Inventory snapshot file (ovfkit inventory capture) for offline placement checks.'),
  },
};

/** The signature inputs of a plan: the policy and the CA certificates (PEM text) the signer must chain to. */
const SIGNATURE_INPUTS: BlockSpec['attributes'] = {
  signature: str('How the package\'s signature (.cert) is judged: verify (a signature that is present must be valid), require (a valid one must be present) or ignore. Default: verify.'),
  trusted_certificates: { type: ['list', 'string'], description: 'PEM texts of the CA certificates the signer must chain to (e.g. file("ca.pem")); without them the chain is not judged.', optional: true },
};

/** The signature as the plan judged it: status and signer. */
export const SIGNER_TYPE: TfType = ['object', { subject: 'string', issuer: 'string', valid_from: 'string', valid_to: 'string', trusted: 'bool' }];
const SIGNATURE_OUTPUTS: BlockSpec['attributes'] = {
  signature_status: { type: 'string', description: 'The plan\'s signature verdict: valid, invalid, absent (not signed) or unchecked.', computed: true },
  signer: { type: SIGNER_TYPE, description: 'The signing certificate (subject, issuer, validity; trusted is null without trusted_certificates); null when not signed.', computed: true },
};

/** One VM of an imported entity, as read back. */
export const VM_TYPE: TfType = ['object', { id: 'string', name: 'string', power_state: 'string', num_cpus: 'number', memory_mb: 'number' }];

export const IMPORT_SCHEMA: BlockSpec = {
  version: 0,
  description: 'Imports an OVF/OVA package as a VM or vApp (vim.OvfManager CreateImportSpec + HttpNfcLease). `terraform plan` runs ParseDescriptor, ValidateHost and CreateImportSpec and fails on the attribute at fault.',
  attributes: {
    id: { type: 'string', description: 'Managed object reference of the entity: VirtualMachine:vm-42 or VirtualApp:resgroup-v9.', computed: true },
    source: { type: 'string', description: 'Path or http(s) URL of an .ova or .ovf, or a directory holding one .ovf.', required: true },
    name: str('Entity name. Default: the descriptor\'s.', { computed: true }),
    datacenter: str('Datacenter (inventory path or name).'),
    resource_pool: str('Resource pool or vApp (inventory path).'),
    cluster: str('Cluster (name or inventory path): its root pool when resource_pool and vapp are not given.'),
    vapp: str('vApp to import into (inventory path), instead of a resource pool.'),
    datastore: str('Datastore.'),
    folder: str('VM folder.'),
    host: str('Target host.'),
    network_mapping: { type: STRING_MAP, description: 'OVF network name → vSphere network.', optional: true },
    property_mapping: { type: STRING_MAP, description: 'vApp property values by id ([class.]key[.instance]). Password properties go in password_property_mapping.', optional: true },
    password_property_mapping: { type: STRING_MAP, description: 'Values of password properties: write-only, never in plan or state; a change is seen through a salted digest.', optional: true, sensitive: true, writeOnly: true },
    deployment_option: str('Configuration/@ovf:id. Default: the descriptor\'s default.', { computed: true }),
    disk_provisioning: str('thin, thick, eagerZeroedThick, … Default: the descriptor\'s / thick.'),
    ip_allocation_policy: str('ipAllocationPolicy: dhcpPolicy, transientPolicy, fixedPolicy or fixedAllocatedPolicy (judged against the package\'s vmw:IpAssignmentSection).'),
    ip_protocol: str('ipProtocol: IPv4 or IPv6 (judged against the package\'s vmw:IpAssignmentSection protocols).'),
    locale: str('Locale of the descriptor\'s string bundles. Default: the text written in the descriptor.'),
    manifest_policy: str('How the import uses the package manifest: require, verify-if-present (default) or skip. How the bytes are checked, not what is imported: changed in place.'),
    mark_as_template: { type: 'bool', description: 'Mark the imported VM as a template.', optional: true },
    accept_all_eulas: { type: 'bool', description: 'Accept the package\'s EULAs (required when it has any).', optional: true },
    parallel_disks: { type: 'number', description: 'Disks uploaded at once, each over its own NFC connection (1 to 32), when the source reads any file at any time (a folder, a local .ova, a URL with Range); a .ova streamed from a URL without Range is one pass. How the bytes travel, not what is imported: changed in place. Default: 4.', optional: true },
    ...SIGNATURE_INPUTS,
    ...SIGNATURE_OUTPUTS,
    power_on: { type: 'bool', description: 'Power the entity on; changed in place.', optional: true },
    annotation: str('Annotation; changed in place.', { computed: true }),
    descriptor_digest: { type: 'string', description: 'sha256 of the imported descriptor: a different package at the same path replaces the entity.', computed: true },
    vms: { type: ['list', VM_TYPE], description: 'The VMs, as read back.', computed: true },
    password_property_digests: { type: STRING_MAP, description: 'Salted scrypt digests of the password property values (never the values).', computed: true, sensitive: true },
  },
};

export const EXPORT_SCHEMA: BlockSpec = {
  version: 0,
  description: 'Exports a VM or vApp to an OVF folder or an .ova (CreateDescriptor + HttpNfcLease), with a manifest.',
  attributes: {
    id: { type: 'string', description: 'The destination.', computed: true },
    entity: { type: 'string', description: 'VirtualMachine:vm-42, VirtualApp:… or an inventory path.', required: true },
    destination: { type: 'string', description: 'A directory (ovf) or a file ending in .ova.', required: true },
    manifest_algorithm: str('SHA1, SHA256 or SHA512. Default: SHA256.'),
    name: str('ovf:id of the top entity and base name of the files. Default: the entity\'s inventory name.'),
    export_option: { type: ['list', 'string'], description: 'OvfCreateDescriptorParams exportOption keywords (mac, uuid, extraconfig, …).', optional: true },
    chunk_size: { type: 'number', description: 'Store each disk as chunk files of this many bytes (ovf:chunkSize). Default: one file per disk.', optional: true },
    triggers: { type: STRING_MAP, description: 'Values that, when changed, export again.', optional: true },
    manifest_digest: { type: 'string', description: 'sha256 of the written manifest.', computed: true },
    files: { type: ['list', 'string'], description: 'Files written.', computed: true },
  },
};

export const DESCRIPTOR_SCHEMA: BlockSpec = {
  version: 0,
  description: 'ParseDescriptor of a package, as attributes.',
  attributes: {
    source: { type: 'string', description: 'Path or URL of an .ova/.ovf or a directory.', required: true },
    deployment_option: str('Configuration to parse for.'),
    descriptor_digest: { type: 'string', description: 'sha256 of the descriptor.', computed: true },
    default_entity_name: { type: 'string', description: 'The name an import gets by default.', computed: true },
    virtual_app: { type: 'bool', description: 'True for a VirtualSystemCollection.', computed: true },
    default_deployment_option: { type: 'string', description: 'The default Configuration.', computed: true },
    deployment_options: { type: ['list', 'string'], description: 'Configuration ids.', computed: true },
    networks: { type: ['list', 'string'], description: 'OVF network names.', computed: true },
    properties: { type: ['list', ['object', { id: 'string', type: 'string', password: 'bool', default_value: 'string', user_configurable: 'bool' }]], description: 'vApp properties (password defaults left out).', computed: true },
    eula_count: { type: 'number', description: 'Number of EULAs.', computed: true },
    approximate_download_size: { type: 'number', description: 'Bytes to transfer.', computed: true },
    approximate_flat_deployment_size: { type: 'number', description: 'Bytes on a datastore, thick.', computed: true },
    errors: { type: ['list', 'string'], description: 'ParseDescriptor errors.', computed: true },
    warnings: { type: ['list', 'string'], description: 'ParseDescriptor warnings.', computed: true },
  },
};

export const PLAN_SCHEMA: BlockSpec = {
  version: 0,
  description: 'The plan of an import (ovfkit.plan/1), as `ovfkit plan --json` shows it; its errors fail the read.',
  attributes: {
    source: { type: 'string', description: 'Path or URL of an .ova/.ovf or a directory.', required: true },
    name: str('Entity name.'),
    resource_pool: str('Resource pool (checked against the inventory snapshot).'),
    datastore: str('Datastore (checked against the inventory snapshot).'),
    host: str('Host (checked against the inventory snapshot).'),
    network_mapping: { type: STRING_MAP, description: 'OVF network → vSphere network.', optional: true },
    property_mapping: { type: STRING_MAP, description: 'vApp property values (no password values: they would be stored in state).', optional: true },
    deployment_option: str('Configuration.'),
    disk_provisioning: str('Disk provisioning.'),
    accept_all_eulas: { type: 'bool', description: 'Accept the EULAs.', optional: true },
    ...SIGNATURE_INPUTS,
    ...SIGNATURE_OUTPUTS,
    descriptor_digest: { type: 'string', description: 'sha256 of the descriptor.', computed: true },
    ok: { type: 'bool', description: 'True when the plan has no error.', computed: true },
    errors: { type: ['list', 'string'], description: 'Errors, one line each.', computed: true },
    warnings: { type: ['list', 'string'], description: 'Warnings, one line each.', computed: true },
    plan_json: { type: 'string', description: 'The whole plan object as JSON (passwords redacted, EULA texts as SHA-256).', computed: true },
  },
};

export const RESOURCE_SCHEMAS = { ovfkit_import: IMPORT_SCHEMA, ovfkit_export: EXPORT_SCHEMA } as const;
export const DATA_SOURCE_SCHEMAS = { ovfkit_descriptor: DESCRIPTOR_SCHEMA, ovfkit_plan: PLAN_SCHEMA } as const;
export type ResourceType = keyof typeof RESOURCE_SCHEMAS;
export type DataSourceType = keyof typeof DATA_SOURCE_SCHEMAS;
