import * as fs from 'node:fs';
import * as path from 'node:path';
import { Annotations, DataResource, type TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { MANIFEST_POLICIES, SIGNATURE_POLICIES, UsageError, type ManifestPolicy, parallelDisksProblem, errorText, isOvfkitError, propertyIdOfKey, type PlanSignature, type SignaturePolicy } from '@ovfkit/core';
import { type KeyValue, type OvfHostTarget, type OvfImportPlan, type OvfImportRequest, type OvfIssue, type OvfPlacement, ovfCore } from './core-port';
import { OvfDescriptor, fullPropertyId, reportIssues } from './descriptor';
import { ENV_NAME, fromEnv, type OvfPropertyFromEnv, type OvfSourceContent, readOvfSourceSync, sourceLocation } from './source';
import { type ImportRunOptions, type ReconfigureOptions, bundledOvfkit, destroyCommand, importCommand, reconfigureCommand } from './commands';
import { terraformLiterals } from './shell';
import { type OvfBackend, type OvfkitProvider, backendProblems, providerImport } from './provider-backend';
import { synthSignatureFacts } from './package-port';
import { OvfLibraryItem } from './library';
import { type SameNames, unknownProps } from './props';

export { fromEnv, type OvfPropertyFromEnv };

/** @see vim25 OvfCreateImportSpecParamsDiskProvisioningType */
export type OvfDiskProvisioning =
  | 'monolithicSparse' | 'monolithicFlat' | 'twoGbMaxExtentSparse' | 'twoGbMaxExtentFlat'
  | 'thin' | 'thick' | 'seSparse' | 'eagerZeroedThick' | 'sparse' | 'flat';

/** Props of {@link OvfImport}; the names are those of vim25 `OvfCreateImportSpecParams`. */
export interface OvfImportProps {
  /**
   * The OVF package: a `.ovf` file, a directory or `.ova` file, or an http(s) URL. Give either
   * this or {@link descriptor}. A relative path is resolved against the working directory of
   * `cdktf synth`; the configuration stores it relative to the stack directory when it is inside
   * the project (absolute otherwise), and only the package's digests force a replacement. A URL with a user,
   * password, query string or fragment (credentials, a signed-URL token) must be given by
   * {@link fromEnv}: synth reads the variable to plan the package, the configuration keeps the
   * URL redacted, and the import provisioner reads the variable again at apply.
   */
  readonly source?: string | OvfPropertyFromEnv;
  /** An {@link OvfDescriptor} already in the tree, instead of {@link source}. */
  readonly descriptor?: OvfDescriptor;
  /**
   * An {@link OvfLibraryItem} of the stack, instead of {@link source}: the VM is deployed from that
   * Content Library item (`ovfkit import library:LIB/ITEM`, after the item is published), and
   * synth checks the deployment against the descriptor of the package being published.
   */
  readonly libraryItem?: OvfLibraryItem;
  /**
   * `entityName`: the name of the new VM or vApp.
   * @default the descriptor's default entity name (product name, else the top `ovf:id`)
   */
  readonly name?: string;
  /**
   * Inventory path or name of the datacenter. Give it, or an absolute {@link folder}: the
   * destroy provisioner finds the VM at `<folder>/<name>`.
   * @default the only datacenter, as `ovfkit import` resolves it (then `folder` must be absolute)
   */
  readonly datacenter?: string;
  /**
   * Inventory path of the resource pool to import into, e.g. `/DC0/host/DC0_C0/Resources`.
   * @default the only resource pool of the datacenter, as `ovfkit import` resolves it
   */
  readonly resourcePool?: string;
  /** Cluster name or inventory path: its root pool is used when {@link resourcePool} is not given (as Pulumi's `cluster`). */
  readonly cluster?: string;
  /** Inventory path of a vApp to import into (instead of a resource pool). */
  readonly vApp?: string;
  /**
   * Inventory path or name of the datastore for the disks, e.g. `LocalDS_0`.
   * @default the datastore `ovfkit import` picks when the placement has only one
   */
  readonly datastore?: string;
  /**
   * Inventory path of the VM folder: absolute (`/DC0/vm/apps`) or under the datacenter's VM
   * folder (`apps`).
   * @default the datacenter's root VM folder
   */
  readonly folder?: string;
  /**
   * Inventory path of the host to import on.
   * @default the one vSphere picks from the resource pool
   */
  readonly host?: string;
  /**
   * `networkMapping`: OVF network name (`NetworkSection/Network/@ovf:name`) → vSphere network.
   * @default unmapped networks go to the network vSphere picks (usually "VM Network")
   */
  readonly networkMapping?: Record<string, string>;
  /**
   * `propertyMapping`: full property id (`[classId.]id[.instanceId]`) → value. A password
   * property must be given with {@link fromEnv}, so that its value never lands in state.
   * @default each property keeps the descriptor's default value
   */
  readonly propertyMapping?: Record<string, string | OvfPropertyFromEnv>;
  /**
   * `deploymentOption`: `Configuration/@ovf:id` to deploy.
   * @default the descriptor's default deployment option
   */
  readonly deploymentOption?: string;
  /**
   * `diskProvisioning` applied to every disk.
   * @default the provisioning in the descriptor, as vSphere applies it
   */
  readonly diskProvisioning?: OvfDiskProvisioning;
  /**
   * `ipAllocationPolicy`: dhcpPolicy, transientPolicy, fixedPolicy or fixedAllocatedPolicy; core's
   * CreateImportSpec judges it against the package's vmw:IpAssignmentSection at synth.
   * @default vSphere's (fixedPolicy)
   */
  readonly ipAllocationPolicy?: string;
  /**
   * `ipProtocol`: IPv4 or IPv6, judged at synth against the package's vmw:IpAssignmentSection protocols.
   * @default vSphere's
   */
  readonly ipProtocol?: string;
  /**
   * How the import uses the package manifest (`ovfkit import --manifest`): `require`, `verify-if-present` or `skip`.
   * @default 'verify-if-present'
   */
  readonly manifestPolicy?: ManifestPolicy;
  /**
   * Accept every EULA in the package. A package with a EulaSection fails synth without it.
   * @default false
   */
  readonly acceptAllEulas?: boolean;
  /**
   * How the package's signature (`.cert`) is judged, at synth and again by the import at apply:
   * `verify`, a signature that is present must be valid; `require`, a valid one must be present;
   * `ignore`, not judged. The signer is shown in the import's `input` and {@link OvfImport.plan}.
   * @default 'verify'
   */
  readonly signature?: SignaturePolicy;
  /**
   * The CA certificates (PEM text) the signer must chain to; the provisioner gets them in its
   * environment. @default the chain is not judged
   */
  readonly trustedCertificates?: string[];
  /**
   * Annotation (notes) set on the imported VM or vApp.
   * @default the descriptor's AnnotationSection
   */
  readonly annotation?: string;
  /**
   * Mark the imported VM as a template.
   * @default false
   */
  readonly markAsTemplate?: boolean;
  /**
   * Disks uploaded at once, each over its own NFC connection (1 to 32), when the source reads
   * any file at any time (a folder, a local `.ova`, a URL with Range); a `.ova` streamed from a
   * URL without Range is one pass. How the bytes travel, never a reason to import again.
   * @default 4
   */
  readonly parallelDisks?: number;
  /**
   * Power the VM or vApp on once imported.
   * @default false
   */
  readonly powerOn?: boolean;
  /**
   * Locale of the descriptor's string bundles.
   * @default "" — the text written in the descriptor
   */
  readonly locale?: string;
  /**
   * ValidateHost against this host profile: a built-in profile name (e.g. `esxi-8.0`) or the
   * path of a host profile JSON file.
   * @default the newest built-in profile (an info annotation names the one used)
   */
  readonly hostProfile?: string;
  /**
   * Path of an inventory snapshot JSON file (`ovfkit inventory capture`): placement,
   * networks and free space are checked against it at synth.
   * @default placement is checked only at apply time, by vSphere
   */
  readonly inventory?: string;
  /**
   * The command the provisioners run, split on spaces (e.g. `npx ovfkit`).
   * @default `node <the ovfkit CLI @ovfkit/cdktf depends on>`, resolved at synth: only `node` must be on PATH at apply
   */
  readonly ovfkitCommand?: string;
  /**
   * What applies the import: `'terraformData'`, Terraform's built-in `terraform_data` with
   * `ovfkit` provisioners (no provider to install; every change is a replacement), or
   * `'provider'`, an `ovfkit_import` resource of terraform-provider-ovfkit (install it with
   * `ovfkit terraform install`): power state, annotation and property values change in place,
   * the VM is read back, and `terraform plan` runs the provider's checks too. With the provider,
   * a secret `fromEnv('NAME')` is the sensitive Terraform variable `NAME` (set `TF_VAR_NAME`).
   * @default 'terraformData'
   */
  readonly backend?: OvfBackend;
  /**
   * With `backend: 'provider'`, the OvfkitProvider to use (e.g. one per vCenter).
   * @default the stack's only OvfkitProvider, else a new one configured from VSPHERE_* at apply
   */
  readonly provider?: OvfkitProvider;
}

/**
 * Every prop of {@link OvfImport} (`OvfImportProps`; this file fails to compile when the two
 * differ): the construct refuses any other, and test/src/vocabulary.test.ts holds the list
 * against docs/architecture.md.
 */
export const OVF_IMPORT_PROPS = [
  'source', 'descriptor', 'libraryItem', 'name', 'datacenter', 'resourcePool', 'cluster', 'vApp', 'datastore', 'folder', 'host',
  'networkMapping', 'propertyMapping', 'deploymentOption', 'diskProvisioning', 'ipAllocationPolicy', 'ipProtocol',
  'manifestPolicy', 'acceptAllEulas', 'signature', 'trustedCertificates', 'annotation', 'markAsTemplate', 'parallelDisks',
  'powerOn', 'locale', 'hostProfile', 'inventory', 'ovfkitCommand', 'backend', 'provider',
] as const;
const importPropsComplete: SameNames<OvfImportProps, (typeof OVF_IMPORT_PROPS)[number]> = true;
void importPropsComplete;

/**
 * An OVF/OVA import into vSphere, checked at synth and applied by Terraform.
 *
 * At synth it runs ParseDescriptor, ValidateHost (against {@link OvfImportProps.hostProfile} or
 * {@link OvfImportProps.inventory}) and core's import plan over every prop; errors fail synth,
 * each listed with this construct's path, and warnings become annotations. It emits one
 * built-in `terraform_data` resource (no provider download): its `input` is the plan (digest,
 * deployment option, per-VM hardware, mappings — no secrets) and its `triggers_replace` makes a
 * changed package, placement or setting a replacement. A `local-exec` create provisioner runs
 * `ovfkit import`, a destroy provisioner `ovfkit destroy`; vSphere credentials and secret
 * property values come from the environment of `terraform apply`.
 * @see vim25 OvfManager.CreateImportSpec, ResourcePool.ImportVApp
 * @example
 * new OvfImport(stack, 'Appliance', {
 *   source: 'appliance.ova', datacenter: 'DC0', resourcePool: '/DC0/host/DC0_C0/Resources', datastore: 'LocalDS_0',
 *   networkMapping: { 'VM Network': 'DC0_DVPG0' },
 *   propertyMapping: { hostname: 'app01', root_password: fromEnv('APP_ROOT_PASSWORD') },
 * });
 */
export class OvfImport extends Construct {
  /** The parsed package (a child `Descriptor`, or the one given in props). */
  readonly descriptor: OvfDescriptor;
  /**
   * The resource that applies the import: a `terraform_data` whose `triggers_replace` is what only
   * a new import changes, or with `backend: 'provider'` an `ovfkit_import`.
   */
  readonly resource: TerraformResource;
  /**
   * The `terraform_data` that sets power state, annotation and property values in place
   * (`ovfkit reconfigure`); undefined with `backend: 'provider'`, whose resource updates in place itself.
   */
  readonly reconfigure: DataResource | undefined;
  /** What applies the import (props.backend, default `'terraformData'`). */
  readonly backend: OvfBackend;
  /** The name the VM or vApp gets in vSphere. */
  readonly entityName: string;
  /** The import request derived from the props: no secret values, only their variable names. */
  readonly request: OvfImportRequest;
  /** Inventory path of the imported VM or vApp (what `ovfkit destroy` is given). */
  readonly inventoryPath: string;
  /** Core's plan for this import (with the source, placement and network mapping); the resource's `input` shows its summary. */
  readonly plan: Record<string, unknown>;
  /** Every error found at synth (also registered as validations). */
  readonly errors: OvfIssue[] = [];
  /** Every warning found at synth (also added as annotations). */
  readonly warnings: OvfIssue[] = [];

  constructor(scope: Construct, id: string, props: OvfImportProps) {
    super(scope, id);
    checkImportProps(this.node.path, props);
    this.backend = props.backend ?? 'terraformData';

    const given = props.descriptor ?? props.libraryItem?.descriptor;
    const content: OvfSourceContent = given
      ? { source: given.source, ovfDescriptor: given.ovfDescriptor, ovfDescriptorBytes: given.ovfDescriptorBytes, descriptorDigest: given.descriptorDigest, packageFacts: (files) => given.packageFacts(files), signatureFiles: given.signatureFiles, ...(given.manifestDigest !== undefined ? { manifestDigest: given.manifestDigest } : {}) }
      : readOvfSourceSync(sourceLocation(this.node.path, props.source).read, process.cwd(), props.inventory);

    const propertyMapping: KeyValue[] = [];
    const secretProperty: KeyValue[] = [];
    for (const [key, value] of Object.entries(props.propertyMapping ?? {})) {
      if (typeof value === 'string') propertyMapping.push({ key, value });
      else secretProperty.push({ key, value: value.fromEnv });
    }
    const request: OvfImportRequest = {
      // "" until the plan resolves the descriptor's default name.
      entityName: props.name ?? '',
      deploymentOption: props.deploymentOption ?? given?.deploymentOption ?? '',
      locale: props.locale ?? '',
      networkMapping: Object.entries(props.networkMapping ?? {}).map(([key, value]) => ({ key, value })),
      propertyMapping,
      secretProperty,
      placement: placementOf(props),
      acceptAllEulas: props.acceptAllEulas ?? false,
    };
    if (props.diskProvisioning !== undefined) request.diskProvisioning = props.diskProvisioning;
    if (props.ipAllocationPolicy !== undefined) request.ipAllocationPolicy = props.ipAllocationPolicy;
    if (props.ipProtocol !== undefined) request.ipProtocol = props.ipProtocol;

    // One parse: core's plan runs ParseDescriptor, ValidateHost and CreateImportSpec, and its
    // ParseDescriptor result is the child Descriptor's. It runs even when the descriptor has
    // errors, so that every other problem is listed too.
    const policy = props.signature ?? 'verify';
    // The manifest policy the import will use at apply (none for a library item: vCenter deploys it).
    const manifestPolicy: ManifestPolicy = props.libraryItem ? 'skip' : props.manifestPolicy ?? 'verify-if-present';
    const check = withPath(this, () => ovfCore.checkImport(content.ovfDescriptorBytes, request, loadHostTarget(this, props), (files) => content.packageFacts(files), {
      policy, ...(policy === 'ignore' && manifestPolicy === 'skip' ? {} : { facts: synthSignatureFacts(content.signatureFiles, props.trustedCertificates ?? []) }),
    }, manifestPolicy));
    const d = given ?? new OvfDescriptor(this, 'Descriptor', {
      source: props.source as string | OvfPropertyFromEnv,
      ...(props.deploymentOption !== undefined ? { deploymentOption: props.deploymentOption } : {}),
      ...(props.locale !== undefined ? { locale: props.locale } : {}),
    }, content, check.parseResult);
    this.descriptor = d;
    this.entityName = check.plan.entityName;
    request.entityName = this.entityName;
    if (request.deploymentOption === '') request.deploymentOption = check.plan.deploymentOption.key;
    this.request = request;
    this.inventoryPath = inventoryPathOf(this.node.path, this.entityName, props);

    // A literal value for a password property would be written to the configuration and state
    // (the key may be the property's bare id, which the plan resolves to it).
    const givenLiterally = new Set(propertyMapping.map((kv) => propertyIdOfKey(kv.key, d.properties) ?? kv.key));
    for (const p of d.properties) {
      const fqid = fullPropertyId(p);
      if (givenLiterally.has(fqid) && isPasswordProperty(p.type)) this.errors.push(secretInStateIssue(fqid, p.id ?? fqid));
    }

    Annotations.of(this).addInfo(`checked against ${check.against}`);
    reportIssues(this, check.hostError, check.hostWarning, 'ValidateHost');
    reportIssues(this, check.importError, check.importWarning, 'CreateImportSpec');
    // A EULA not accepted and a key naming no property or several: the plan's own errors.
    reportIssues(this, check.planError, [], 'plan');
    // The package is complete, or synth fails: a file missing or short would fail only at upload.
    reportIssues(this, check.packageError, check.packageWarning, 'Package');
    // A signature that does not hold (or none, under require) fails synth, as it fails ovfkit plan.
    reportIssues(this, check.signatureError, check.signatureWarning, 'Signature');
    // What the manifest policy demands (a manifest under require, the descriptor's line), as the import refuses it.
    reportIssues(this, check.manifestError, [], 'Manifest');
    this.errors.push(...check.hostError, ...check.importError, ...check.planError, ...check.packageError, ...check.signatureError, ...check.manifestError);
    this.warnings.push(...check.hostWarning, ...check.importWarning, ...check.packageWarning, ...check.signatureWarning);
    const plan = check.plan;
    reportIssues(this, this.errors.filter((e) => e.code === 'SECRET_IN_STATE'), [], 'OvfImport');

    // Deployed from a library item: the item is the source Terraform shows (the package is the item's).
    const shownSource = props.libraryItem?.librarySource ?? d.storedSource;
    this.plan = {
      source: shownSource,
      ...(d.manifestDigest !== undefined ? { manifestDigest: d.manifestDigest } : {}),
      inventoryPath: this.inventoryPath,
      placement: request.placement,
      networkMapping: props.networkMapping ?? {},
      ...plan,
    };

    if (props.backend === 'provider') {
      if (d.sourceFromEnv !== undefined) throw new UsageError(`${this.node.path}: the descriptor's source is given by fromEnv, which backend "provider" does not support (the provider would store the URL in state): use backend "terraformData"`);
      this.resource = providerImport(this, 'Resource', request, {
        // As terraform_data stores it: relative to the stack directory (the provider's working
        // directory) when inside the project, so a moved checkout plans no change.
        source: d.storedSource,
        ...(props.powerOn !== undefined ? { powerOn: props.powerOn } : {}),
        ...(props.annotation !== undefined ? { annotation: props.annotation } : {}),
        ...(props.provider !== undefined ? { provider: props.provider } : {}),
        ...(props.signature !== undefined ? { signature: props.signature } : {}),
        ...(props.trustedCertificates?.length ? { trustedCertificates: props.trustedCertificates } : {}),
        ...(props.parallelDisks !== undefined ? { parallelDisks: props.parallelDisks } : {}),
        ...(props.manifestPolicy !== undefined ? { manifestPolicy: props.manifestPolicy } : {}),
        ...(props.markAsTemplate !== undefined ? { markAsTemplate: props.markAsTemplate } : {}),
      });
      this.reconfigure = undefined;
      return;
    }
    const command = props.ovfkitCommand ?? bundledOvfkit(this);
    const run: ImportRunOptions = {
      powerOn: props.powerOn ?? false,
      markAsTemplate: props.markAsTemplate ?? false,
      ...(props.annotation !== undefined ? { annotation: props.annotation } : {}),
      ...(props.signature !== undefined ? { signature: props.signature } : {}),
      ...(props.trustedCertificates?.length ? { trustedCertificates: props.trustedCertificates } : {}),
      ...(props.parallelDisks !== undefined ? { parallelDisks: props.parallelDisks } : {}),
      ...(props.manifestPolicy !== undefined ? { manifestPolicy: props.manifestPolicy } : {}),
    };
    this.resource = new DataResource(this, 'Resource', {
      // Shown, never a reason to replace: where the package lies and what core's plan makes of it.
      input: terraformLiterals(planSummary(shownSource, plan)),
      // What only a new import can change: the package's identity (not where it lies), placement,
      // networks and the CreateImportSpec parameters.
      triggersReplace: terraformLiterals({
        descriptorDigest: d.descriptorDigest,
        ...(d.manifestDigest !== undefined ? { manifestDigest: d.manifestDigest } : {}),
        inventoryPath: this.inventoryPath,
        deploymentOption: request.deploymentOption,
        ...(request.diskProvisioning !== undefined ? { diskProvisioning: request.diskProvisioning } : {}),
        ...(request.ipAllocationPolicy !== undefined ? { ipAllocationPolicy: request.ipAllocationPolicy } : {}),
        ...(request.ipProtocol !== undefined ? { ipProtocol: request.ipProtocol } : {}),
        locale: request.locale,
        acceptAllEulas: request.acceptAllEulas,
        markAsTemplate: run.markAsTemplate,
        placement: request.placement,
        networkMapping: props.networkMapping ?? {},
      }),
      // A URL given by fromEnv reaches the provisioner as "$VAR", expanded only at apply.
      provisioners: [importCommand(command, props.libraryItem ? props.libraryItem.librarySource : d.sourceFromEnv !== undefined ? { env: d.sourceFromEnv } : d.storedSource, plan.descriptorDigest, request, run), destroyCommand(command)],
      // A library item is published before it is deployed from.
      ...(props.libraryItem ? { dependsOn: [props.libraryItem.resource] } : {}),
    });
    // What vSphere changes on the VM in place (ReconfigVM_Task / UpdateVAppConfig, power): a change
    // replaces this record, whose create provisioner runs `ovfkit reconfigure`, and not the VM.
    const inPlace: ReconfigureOptions = { powerOn: run.powerOn, propertyMapping, secretProperty, ...(run.annotation !== undefined ? { annotation: run.annotation } : {}) };
    this.reconfigure = new DataResource(this, 'Reconfigure', {
      triggersReplace: terraformLiterals({
        powerOn: inPlace.powerOn,
        ...(inPlace.annotation !== undefined ? { annotation: inPlace.annotation } : {}),
        propertyMapping: Object.fromEntries(propertyMapping.map((kv) => [kv.key, kv.value])),
        propertyFromEnv: Object.fromEntries(secretProperty.map((kv) => [kv.key, kv.value])),
      }),
      provisioners: [reconfigureCommand(command, this.inventoryPath, inPlace)],
      dependsOn: [this.resource],
    });
  }
}

/**
 * The `input` Terraform shows for an import: the source and the hardware of core's plan (per VM
 * and per disk), short enough to read in a plan and to be echoed as `output`. The whole plan is
 * {@link OvfImport.plan}.
 */
function planSummary(source: string, plan: OvfImportPlan): Record<string, unknown> {
  return {
    source,
    hostProfile: plan.hostProfile,
    vms: plan.vms.map((v) => ({ name: v.name, numCPUs: v.numCPUs, memoryMB: v.memoryMB, guestId: v.guestId, hardwareVersion: v.hardwareVersion, firmware: v.firmware })),
    disks: plan.disks.map((x) => ({ entity: x.entity, label: x.label, ...(x.capacityBytes !== undefined ? { capacityBytes: x.capacityBytes } : {}), provisioning: x.provisioning })),
    signature: signatureSummary(plan.signature),
  };
}

/** The plan's signature as `input` shows it: the policy, the verdict and the signer. */
function signatureSummary(s: PlanSignature): Record<string, unknown> {
  return {
    policy: s.policy,
    status: s.status,
    ...(s.signer ? { signer: { subject: s.signer.subject, issuer: s.signer.issuer, validFrom: s.signer.validFrom, validTo: s.signer.validTo } } : {}),
    ...(s.trusted !== undefined ? { trusted: s.trusted } : {}),
  };
}

/**
 * Where `ovfkit destroy` finds the VM: `<folder>/<name>`, the folder absolute or under the
 * datacenter's VM folder. Without either Terraform could not remove what it created.
 */
function inventoryPathOf(where: string, name: string, props: OvfImportProps): string {
  const dc = props.datacenter?.replace(/^\/+|\/+$/g, '');
  const folder = props.folder?.replace(/\/+$/, '');
  if (folder?.startsWith('/')) return `${folder}/${name}`;
  if (dc) return `/${dc}/vm${folder ? `/${folder}` : ''}/${name}`;
  throw new UsageError(`${where}: give "datacenter" or an absolute "folder" (e.g. /DC0/vm) so that terraform destroy can find the VM it imported`);
}

/** Runs `f`, naming this construct in a usage error it throws (an unknown host profile, …). */
function withPath<T>(scope: Construct, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isOvfkitError(e) && e.code === 'USAGE' && !e.message.startsWith(scope.node.path)) throw new UsageError(`${scope.node.path}: ${errorText(e)}`, { cause: e });
    throw e;
  }
}

/** Placement props, in the order they are reported. */
const PLACEMENT_KEYS = ['datacenter', 'resourcePool', 'cluster', 'vApp', 'datastore', 'folder', 'host'] as const;

function placementOf(props: OvfImportProps): OvfPlacement {
  const placement: OvfPlacement = {};
  for (const key of PLACEMENT_KEYS) {
    const v = props[key];
    if (v !== undefined) placement[key] = v;
  }
  return placement;
}

function isPasswordProperty(type: string | undefined): boolean {
  return type !== undefined && /^password\b/.test(type);
}

function secretInStateIssue(fqid: string, key: string): OvfIssue {
  return {
    fault: { _typeName: 'OvfPropertyValue', lineNumber: 0, type: 'password', value: '' },
    code: 'SECRET_IN_STATE',
    path: `propertyMapping.${fqid}`,
    localizedMessage: `property "${key}" is a password property; a literal value would be written to the Terraform configuration and state`,
    allowed: 'fromEnv("<ENV_VAR>")',
    fix: `give propertyMapping: { ${JSON.stringify(fqid)}: fromEnv('SOME_ENV_VAR') } and set SOME_ENV_VAR when running terraform apply`,
  };
}

function checkImportProps(where: string, props: OvfImportProps): void {
  const problems: string[] = [];
  if (typeof props !== 'object' || props === null) throw new UsageError(`${where}: OvfImport needs props`);
  const hasSource = props.source !== undefined;
  const hasDescriptor = props.descriptor !== undefined;
  const given = [hasSource, hasDescriptor, props.libraryItem !== undefined].filter(Boolean).length;
  problems.push(...unknownProps('OvfImport', props, OVF_IMPORT_PROPS));
  if (given !== 1) problems.push('give exactly one of "source" (path or URL of the package), "descriptor" (an OvfDescriptor) and "libraryItem" (an OvfLibraryItem)');
  if (props.libraryItem !== undefined && !OvfLibraryItem.isOvfLibraryItem(props.libraryItem)) problems.push('"libraryItem" must be an OvfLibraryItem construct');
  if (props.libraryItem !== undefined && props.backend === 'provider') problems.push('"libraryItem" is not supported with backend "provider" yet (terraform-provider-ovfkit has no ovfkit_library_item): use backend "terraformData"');
  if (props.libraryItem !== undefined && props.markAsTemplate === true) problems.push('"markAsTemplate" is not supported for a deployment from a library item');
  if (hasDescriptor && !OvfDescriptor.isOvfDescriptor(props.descriptor)) problems.push('"descriptor" must be an OvfDescriptor construct');
  if (hasDescriptor && props.deploymentOption !== undefined && props.descriptor!.deploymentOption !== props.deploymentOption) {
    problems.push(`"deploymentOption" is "${props.deploymentOption}" but the given descriptor was parsed for "${props.descriptor!.deploymentOption}"; set it on the OvfDescriptor`);
  }
  for (const key of [...PLACEMENT_KEYS, 'name', 'deploymentOption', 'locale', 'hostProfile', 'inventory', 'ovfkitCommand', 'annotation', 'ipAllocationPolicy', 'ipProtocol'] as const) {
    const v = props[key];
    if (v !== undefined && (typeof v !== 'string' || (key !== 'locale' && v.trim() === ''))) problems.push(`"${key}" must be a non-empty string when given`);
  }
  for (const [k, v] of Object.entries(props.networkMapping ?? {})) {
    if (typeof v !== 'string' || v.trim() === '') problems.push(`networkMapping["${k}"] must name a vSphere network`);
  }
  for (const [k, v] of Object.entries(props.propertyMapping ?? {})) {
    if (typeof v === 'string') continue;
    if (typeof v !== 'object' || v === null || typeof v.fromEnv !== 'string') {
      problems.push(`propertyMapping["${k}"] must be a string or fromEnv("ENV_VAR")`);
    } else if (!ENV_NAME.test(v.fromEnv)) {
      problems.push(`propertyMapping["${k}"]: "${v.fromEnv}" is not an environment variable name (letters, digits, _; not starting with a digit)`);
    }
  }
  if (props.resourcePool !== undefined && props.vApp !== undefined) problems.push('give "resourcePool" or "vApp", not both');
  problems.push(...backendProblems(props, 'ovfkit_import', (['ovfkitCommand'] as const).filter((key) => props[key] !== undefined)));
  if (props.backend === 'provider' && typeof props.source === 'object' && props.source !== null) problems.push('a source given by fromEnv is not supported with backend "provider" (the provider would store the URL in state): use backend "terraformData"');
  if (!(typeof props.folder === 'string' && props.folder.startsWith('/')) && !(typeof props.datacenter === 'string' && props.datacenter.replace(/\//g, '') !== '')) {
    problems.push('give "datacenter" or an absolute "folder" (e.g. /DC0/vm) so that terraform destroy can find the VM it imported');
  }
  for (const key of ['acceptAllEulas', 'powerOn', 'markAsTemplate'] as const) {
    if (props[key] !== undefined && typeof props[key] !== 'boolean') problems.push(`"${key}" must be true or false`);
  }
  if (props.parallelDisks !== undefined && parallelDisksProblem(props.parallelDisks)) problems.push(`"parallelDisks" ${parallelDisksProblem(props.parallelDisks)}`);
  if (props.manifestPolicy !== undefined && !(MANIFEST_POLICIES as readonly unknown[]).includes(props.manifestPolicy)) problems.push(`"manifestPolicy" must be one of ${MANIFEST_POLICIES.join(', ')}`);
  if (props.libraryItem !== undefined && props.manifestPolicy !== undefined) problems.push('"manifestPolicy" does not apply to a deployment from a library item (vCenter deploys it)');
  if (props.libraryItem !== undefined && (props.ipAllocationPolicy !== undefined || props.ipProtocol !== undefined)) problems.push('"ipAllocationPolicy" and "ipProtocol" are not supported for a deployment from a library item');
  if (props.signature !== undefined && !(SIGNATURE_POLICIES as readonly unknown[]).includes(props.signature)) problems.push(`"signature" must be one of ${SIGNATURE_POLICIES.join(', ')}`);
  if (props.trustedCertificates !== undefined && (!Array.isArray(props.trustedCertificates) || props.trustedCertificates.some((c) => typeof c !== 'string'))) {
    problems.push('"trustedCertificates" must be a list of PEM texts (the CA certificates the signer must chain to)');
  }
  if (problems.length) throw new UsageError(`${where}: ${problems.join('; ')}`);
}

/** Reads hostProfile / inventory files named in props; a file that cannot be read is a usage error. */
function loadHostTarget(scope: Construct, props: OvfImportProps): OvfHostTarget {
  const target: OvfHostTarget = {};
  if (props.hostProfile !== undefined) {
    target.hostProfile = looksLikeFile(props.hostProfile) ? readJson(scope, 'hostProfile', props.hostProfile) : props.hostProfile;
  }
  if (props.inventory !== undefined) target.inventory = readJson(scope, 'inventory', props.inventory);
  return target;
}

function looksLikeFile(s: string): boolean {
  return s.endsWith('.json') || s.includes('/') || s.includes(path.sep);
}

function readJson(scope: Construct, prop: string, file: string): object {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(file), 'utf8');
  } catch (e) {
    throw new UsageError(`${scope.node.path}: cannot read ${prop} "${file}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null) throw new Error('not a JSON object');
    return v;
  } catch (e) {
    throw new UsageError(`${scope.node.path}: ${prop} "${file}" is not a JSON object: ${(e as Error).message}`);
  }
}
