/**
 * `OvfImport` and `OvfExport`: OVF/OVA import and export on vSphere as Pulumi resources.
 */
import * as pulumi from '@pulumi/pulumi';

import { urlCarriesSecret, type SameNames, type SignaturePolicy, type StoredPlan } from '@ovfkit/core';

import type { ManifestPolicy } from './backend';
import { planOf, IMPORT_INPUTS, type OvfImportVmOutput } from './inputs';
import { deprecatedExportInput, EXPORT_INPUTS, EXPORT_OLD_NAMES } from './export-provider';
import { CONNECTION_INPUTS } from './connection';
import { ovfExportProvider, ovfImportProvider } from './providers';

/**
 * A vCenter or ESXi endpoint for one resource, when it is not the stack's (`ovfkit:*`, then
 * `vsphere:*` config, then `VSPHERE_*`): one program can so import into several vCenters. The
 * whole object is kept as a Pulumi secret (encrypted in the checkpoint, inputs and outputs); the
 * provider needs it again to refresh and destroy.
 */
export interface OvfConnectionArgs {
  /** Host name or URL of vCenter / ESXi (`https://` and `/sdk` are implied). */
  server: pulumi.Input<string>;
  user?: pulumi.Input<string>;
  /** The password; pass a secret (`config.requireSecret('vcPassword')`). */
  password?: pulumi.Input<string>;
  /** SHA-256 fingerprint of the server certificate to pin. */
  thumbprint?: pulumi.Input<string>;
  /** Skip TLS verification. @default false */
  insecure?: pulumi.Input<boolean>;
}

/**
 * Arguments of {@link OvfImport}: the CreateImportSpec parameters in vim25 words, the placement
 * by inventory path or name, and what to do after the upload.
 */
export interface OvfImportArgs {
  /**
   * Path or http(s) URL of an `.ovf` or `.ova`, or a directory holding one `.ovf`. A URL with a
   * query string or fragment (a signed-URL token) is kept as a secret input; outputs and messages
   * show it redacted.
   */
  source: pulumi.Input<string>;
  /** Datacenter name or inventory path. @default the only datacenter */
  datacenter?: pulumi.Input<string>;
  /** Resource pool inventory path. @default the cluster's or host's root pool */
  resourcePool?: pulumi.Input<string>;
  /** Cluster name or path; its root pool is used when `resourcePool` is not given. */
  cluster?: pulumi.Input<string>;
  /** vApp to import into, instead of a resource pool. */
  vApp?: pulumi.Input<string>;
  /** Datastore name or path. @default vSphere's choice for the pool */
  datastore?: pulumi.Input<string>;
  /** VM folder path. @default the datacenter's VM folder */
  folder?: pulumi.Input<string>;
  /** ESXi host to place the VM on. */
  host?: pulumi.Input<string>;
  /** Name of the VM or vApp. @default the descriptor's name (`defaultEntityName`) */
  name?: pulumi.Input<string>;
  /** OVF network name → vSphere network (name or path). @see vim25 OvfNetworkMapping */
  networkMapping?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * vApp property values by property key (`id` or `classId.id.instanceId`). The whole map is
   * stored as a secret; password properties never reach state in plain text.
   */
  propertyMapping?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** `Configuration/@ovf:id`. @default the descriptor's default deployment option */
  deploymentOption?: pulumi.Input<string>;
  /** vim25 OvfCreateImportSpecParamsDiskProvisioningType, e.g. `thin`. @default the descriptor's / host's default */
  diskProvisioning?: pulumi.Input<string>;
  /** `dhcpPolicy`, `transientPolicy`, `fixedPolicy` or `fixedAllocatedPolicy`. */
  ipAllocationPolicy?: pulumi.Input<string>;
  /** `IPv4` or `IPv6`. */
  ipProtocol?: pulumi.Input<string>;
  /** Accept the package's EULAs; required when it has any. @default false */
  acceptAllEulas?: pulumi.Input<boolean>;
  /** @default 'verify-if-present' */
  manifestPolicy?: pulumi.Input<ManifestPolicy>;
  /**
   * How the package's signature (`.cert`) is judged, by the plan preview shows and the import
   * enforces: `verify`, a signature that is present must be valid; `require`, a valid one must be
   * present; `ignore`, not judged. The signer is in `plan.signature`. @default 'verify'
   */
  signature?: pulumi.Input<SignaturePolicy>;
  /** The CA certificates (PEM text) the signer must chain to; without them the chain is not judged. */
  trustedCertificates?: pulumi.Input<pulumi.Input<string>[]>;
  /** Power on after import; changed later in place. @default false */
  powerOn?: pulumi.Input<boolean>;
  /** The VM's annotation (notes); changed in place. */
  annotation?: pulumi.Input<string>;
  /** Mark the VM as a template after import. @default false */
  markAsTemplate?: pulumi.Input<boolean>;
  /** Host profile for offline checks: a built-in name (`esxi-8.0u3`) or a profile JSON file. @default the newest built-in */
  hostProfile?: pulumi.Input<string>;
  /** Inventory snapshot JSON file for offline checks (datastores, networks, pools). */
  inventory?: pulumi.Input<string>;
  /** Locale for descriptor messages. @default "" (the descriptor's default text) */
  locale?: pulumi.Input<string>;
  /** This resource's vCenter, when not the stack's; another server replaces the entity, new credentials do not. */
  connection?: pulumi.Input<OvfConnectionArgs>;
  /**
   * Disks uploaded at once, each over its own NFC connection (1 to 32), when the source reads any
   * file at any time (a folder, a local `.ova`, a URL with Range); a `.ova` streamed from a URL
   * without Range is one pass. How the bytes travel, not what is imported: a change is no diff. @default 4
   */
  parallelDisks?: pulumi.Input<number>;
}

// The runtime lists check() accepts (IMPORT_INPUTS, EXPORT_INPUTS, CONNECTION_INPUTS) cannot drift from the types.
const importInputsComplete: SameNames<OvfImportArgs, (typeof IMPORT_INPUTS)[number]> = true;
const exportInputsComplete: SameNames<OvfExportArgs, (typeof EXPORT_INPUTS)[number] | keyof typeof EXPORT_OLD_NAMES> = true;
const connectionInputsComplete: SameNames<OvfConnectionArgs, (typeof CONNECTION_INPUTS)[number]> = true;
void importInputsComplete; void exportInputsComplete; void connectionInputsComplete;

/**
 * Imports an OVF/OVA into vSphere. `pulumi preview` runs ParseDescriptor, ValidateHost and
 * CreateImportSpec checks (remote when `ovfkit:server` is configured, else against a host
 * profile) and names the input at fault; `pulumi up` imports transactionally; refresh reads the
 * VM's real state; destroy powers off and deletes it.
 * @example
 * const app = new OvfImport('app', {
 *   source: './appliance.ova', datastore: 'datastore1', resourcePool: '/DC0/host/DC0_C0/Resources',
 *   networkMapping: { 'VM Network': 'DC0_DVPG0' }, propertyMapping: { hostname: 'app01' },
 *   acceptAllEulas: true, powerOn: true,
 * });
 * export const vmId = app.id; // "VirtualMachine:vm-42"
 */
export class OvfImport extends pulumi.dynamic.Resource {
  /** `VirtualMachine` or `VirtualApp`. */
  declare public readonly entityType: pulumi.Output<string>;
  /** The entity's name in vSphere. */
  declare public readonly entityName: pulumi.Output<string>;
  /** Each VM: managed object reference, name, power state and hardware as read back. */
  declare public readonly vms: pulumi.Output<OvfImportVmOutput[]>;
  /** `sha256:<hex>` of the imported descriptor. */
  declare public readonly descriptorDigest: pulumi.Output<string>;
  /** The deployment option used. */
  declare public readonly deploymentOption: pulumi.Output<string>;
  /** Non-password vApp property values as vSphere reports them. */
  declare public readonly properties: pulumi.Output<Record<string, string>>;
  /** Power state read back from vSphere. */
  declare public readonly powerState: pulumi.Output<string>;
  /** Warnings from the package, ParseDescriptor, ValidateHost, CreateImportSpec and the import. */
  declare public readonly warnings: pulumi.Output<string[]>;
  /**
   * The plan preview showed (`ovfkit.plan/1`, as `ovfkit plan` prints it): descriptor digest,
   * deployment option, per-VM hardware, disks, networks, properties (passwords redacted), files,
   * EULAs, errors and warnings; EULA texts as their SHA-256 (core's `StoredPlan`). The provider
   * carries it as one JSON text (the `plan` input and output of the state); this is the object.
   */
  declare public readonly plan: pulumi.Output<StoredPlan>;

  constructor(name: string, args: OvfImportArgs, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, unknown> = {
      ...args,
      // A signed-URL token or credentials in the URL: the checkpoint keeps the input encrypted (the
      // provider's outputs hold the URL redacted).
      source: pulumi.output(args.source).apply((s) => (typeof s === 'string' && urlCarriesSecret(s) ? pulumi.secret(s) : s)),
      // Values may be passwords: keep the whole map secret in the checkpoint.
      ...(args.propertyMapping !== undefined ? { propertyMapping: pulumi.secret(args.propertyMapping) } : {}),
      ...(args.connection !== undefined ? { connection: pulumi.secret(args.connection) } : {}),
      entityType: undefined, entityName: undefined, vms: undefined, descriptorDigest: undefined,
      properties: undefined, passwordPropertyDigests: undefined, powerState: undefined, warnings: undefined, plan: undefined,
    };
    if (args.deploymentOption === undefined) props['deploymentOption'] = undefined;
    super(ovfImportProvider, name, props, {
      ...opts,
      // propertyMapping itself is never an output (only non-password values, as `properties`).
      additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), 'passwordPropertyDigests', 'connection'],
    }, 'ovfkit', 'OvfImport');
    // On the wire and in the state the plan is one JSON text (state written by earlier versions:
    // the object); the program reads the object, as before.
    this.plan = (this.plan as pulumi.Output<unknown>).apply((p) => planOf(p) as StoredPlan);
  }
}

/**
 * Arguments of {@link OvfExport}: `entity` and `destination` as in CDKTF's OvfExport and
 * Terraform's ovfkit_export; the others are vim25 `OvfCreateDescriptorParams` words, spelled as
 * there (CDKTF `exportOption`, Terraform `export_option`, `ovfkit export --export-option`).
 */
export interface OvfExportArgs {
  /** The VM or vApp: an `OvfImport` id (`VirtualMachine:vm-42`) or an inventory path. */
  entity: pulumi.Input<string>;
  /** A directory (format `ovf`) or a file ending in `.ova`. */
  destination: pulumi.Input<string>;
  /** @default from the destination: `ova` when it ends in .ova, else `ovf` */
  format?: pulumi.Input<'ovf' | 'ova'>;
  /** `name`: the `ovf:id` of the top entity and base name of the files. @default the entity's inventory name */
  name?: pulumi.Input<string>;
  /** Digest of the `.mf` manifest, spelled as the manifest writes it. @default 'SHA256' */
  manifestAlgorithm?: pulumi.Input<'SHA1' | 'SHA256' | 'SHA512'>;
  /** `exportOption` keywords (see `OvfManager.ovfExportOption`), e.g. `mac`, `uuid`, `extraconfig`. */
  exportOption?: pulumi.Input<pulumi.Input<string>[]>;
  /** @deprecated the old name of {@link OvfExportArgs.exportOption}, accepted for one release with a warning. */
  exportOptions?: pulumi.Input<pulumi.Input<string>[]>;
  /** Include ISO/floppy images (`includeImageFiles`). @default false */
  includeImageFiles?: pulumi.Input<boolean>;
  /** Store each disk as `<file>.000000000`, … of this many bytes (`ovf:chunkSize`). @default one file per disk */
  chunkSize?: pulumi.Input<number>;
  /** @deprecated the old name of {@link OvfExportArgs.chunkSize} (also bytes), accepted for one release with a warning. */
  chunkSizeBytes?: pulumi.Input<number>;
  /** PEM private key to sign the manifest (stored as a secret). */
  signingKey?: pulumi.Input<string>;
  /** PEM certificate matching `signingKey`. */
  signingCertificate?: pulumi.Input<string>;
  /** The vCenter the entity lives on, when not the stack's (see {@link OvfConnectionArgs}); used to export only, not kept in the outputs. */
  connection?: pulumi.Input<OvfConnectionArgs>;
}

/**
 * Exports a VM or vApp to an OVF directory or an OVA file, with a manifest.
 * @example
 * new OvfExport('backup', { entity: app.id, destination: './out/app.ova' });
 */
export class OvfExport extends pulumi.dynamic.Resource {
  /** The files written, with size and sha256. */
  declare public readonly files: pulumi.Output<{ path: string; size: number; digest: string }[]>;
  /** Digest of the manifest file. */
  declare public readonly manifestDigest: pulumi.Output<string>;
  /** The OVF descriptor written. */
  declare public readonly descriptor: pulumi.Output<string>;
  declare public readonly warnings: pulumi.Output<string[]>;

  constructor(name: string, args: OvfExportArgs, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, unknown> = {
      ...args,
      ...(args.signingKey !== undefined ? { signingKey: pulumi.secret(args.signingKey) } : {}),
      ...(args.connection !== undefined ? { connection: pulumi.secret(args.connection) } : {}),
      files: undefined, manifestDigest: undefined, descriptor: undefined, signed: undefined, warnings: undefined,
    };
    // The key is an input only (secret above); the state keeps just `signed: true`.
    super(ovfExportProvider, name, props, opts, 'ovfkit', 'OvfExport');
    // Check refuses an input given under both names; the old one alone works, with this warning.
    for (const [old, now] of Object.entries(EXPORT_OLD_NAMES)) {
      if ((args as unknown as Record<string, unknown>)[old] !== undefined) void pulumi.log.warn(deprecatedExportInput(old, now), this);
    }
  }
}
