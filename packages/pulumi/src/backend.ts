/**
 * The provider's view of the layers below it: one small typed port, bound at run time to
 * @ovfkit/core (ParseDescriptor, the local OvfManager), @ovfkit/package (sources) and
 * @ovfkit/vsphere (remote OvfManager, import/export engines). Every OVF rule lives there;
 * this file only adapts call shapes. Tests drive the real binding, never a stand-in.
 */
import type {
  KeyValue, ManagedObjectReference, OvfIssue, OvfParseDescriptorParams, OvfParseDescriptorResult, OvfPlan,
  OvfValidateHostResult, PackageFacts, PlanPackageFile, PlanSignatureOptions, SignatureFacts, SignaturePolicy,
} from '@ovfkit/core';
import type { OvfEntityState, OvfExportRequest, OvfImportRequest, OvfImportSpecRequest, OvfPlacement, OvfVmState } from '@ovfkit/vsphere';

import type { ConnectionSettings } from './connection';

/** How a package's manifest is treated. @default 'verify-if-present' */
export type ManifestPolicy = OvfImportRequest['manifestPolicy'];

/** A descriptor read from a source (directory, .ovf, .ova, URL), with what the package said about it. */
export interface DescriptorRead {
  /**
   * The descriptor bytes as stored: what the plan is made from and its digest is taken of. No
   * text is kept beside them: the text vSphere is given is the plan's (`LocalPlan.descriptorText`,
   * core's one decoding of these bytes), never another reading of them.
   */
  ovfDescriptorBytes: Uint8Array;
  /** `sha256:<hex>` of the descriptor bytes: what an import is keyed on. */
  descriptorDigest: string;
  /** Package-level problems (manifest, certificate, archive) as issues. */
  error: OvfIssue[];
  warning: OvfIssue[];
  /**
   * What the package holds of the files a plan lists (@ovfkit/package `packageFacts`), gathered
   * when the plan asks: the files come from the plan's one parse, as `ovfkit plan` gathers them.
   */
  package: PackageFactsOf;
  /** What the package's `.mf` and `.cert` say (@ovfkit/package `readSignatureFacts`): its signer and how the manifest lists the descriptor; absent when neither is judged (signature `ignore`, manifestPolicy `skip`). */
  signature?: SignatureFacts;
}

/** Gathers the package facts of the files a descriptor-only plan lists, for core's judgePackage. */
export type PackageFactsOf = (declared: readonly PlanPackageFile[]) => Promise<PackageFacts>;

/** How a package's signature is read: the policy and the trusted CA certificates (PEM texts). */
export interface SignatureRead {
  signature?: SignaturePolicy;
  trustedCertificates?: string[];
}

/** Where an import goes, by inventory path or name, as the user wrote it. */
export type Placement = OvfPlacement;

/**
 * The CreateImportSpec parameters the provider can set, in vim25 words; `networkMapping` maps an
 * OVF network name to a target network (name or inventory path).
 */
export type ImportSpecRequest = OvfImportSpecRequest;

/** What ValidateHost and CreateImportSpec said, from the local or the remote OvfManager. */
export interface ImportValidation {
  /** `local:<host profile>` or `remote:<server>`. */
  against: string;
  validateHost: OvfValidateHostResult;
  importSpec: { error: OvfIssue[]; warning: OvfIssue[] };
}

/** A VM as read back from vSphere (real state, for drift); password property values are never returned. */
export type VmState = OvfVmState;

/** An imported entity (a VM or a vApp with its VMs). */
export type EntityState = OvfEntityState;

export type ImportRequest = OvfImportRequest;

export interface ImportOutcome {
  entity: EntityState;
  /** The plan's warnings, then the server's. */
  warnings: OvfIssue[];
  /** The local plan the engine checked the import against, over the bytes it imported. */
  plan: OvfPlan;
  parse: OvfParseDescriptorResult;
}

/** What to export; `entity` is `VirtualMachine:vm-42`, `VirtualApp:resgroup-v9` or an inventory path. */
export type ExportRequest = OvfExportRequest;

export interface ExportOutcome {
  files: { path: string; size: number; digest: string }[];
  manifestDigest: string;
  ovfDescriptor: string;
  warnings: OvfIssue[];
}

/** One open vSphere session. */
export interface VsphereSession {
  validate(ovfDescriptor: string, request: ImportSpecRequest): Promise<ImportValidation>;
  /** Imports; with `expectedDescriptorDigest` set, refuses (code INTEGRITY, nothing created) a package whose descriptor is not that one. */
  importOvf(request: ImportRequest): Promise<ImportOutcome>;
  /** The entity as it is now, or undefined when it no longer exists. */
  readEntity(entity: ManagedObjectReference): Promise<EntityState | undefined>;
  setPowerState(entity: ManagedObjectReference, on: boolean): Promise<void>;
  reconfigure(entity: ManagedObjectReference, change: { annotation?: string; property?: KeyValue[] }): Promise<void>;
  /** Powers off (if needed) and destroys the entity. */
  destroy(entity: ManagedObjectReference): Promise<void>;
  exportOvf(request: ExportRequest): Promise<ExportOutcome>;
  logout(): Promise<void>;
}

/** The local plan: ParseDescriptor + ValidateHost + CreateImportSpec over one parse (core's `createPlan`). */
export interface LocalPlan extends ImportValidation {
  parse: OvfParseDescriptorResult;
  /** The propertyMapping the plan checked, each key resolved to a property's full id (values included: never shown). */
  propertyMapping: KeyValue[];
  /** Core's plan object (`ovfkit.plan/1`), as `ovfkit plan` and the CDKTF constructs show it. */
  plan: OvfPlan;
  /** The descriptor text vSphere is given (core's `PlanWithResults.descriptorText`, of digest `plan.descriptorTextDigest`). */
  descriptorText: string;
}

/** The provider's port onto core, package and vsphere. */
export interface OvfkitBackend {
  readDescriptor(source: string, options: { manifestPolicy: ManifestPolicy } & SignatureRead): Promise<DescriptorRead>;
  parseDescriptor(ovfDescriptor: string | Uint8Array, pdp: OvfParseDescriptorParams): Promise<OvfParseDescriptorResult>;
  /**
   * The plan offline, against a host profile (name or JSON file) and an optional inventory
   * snapshot file. `digest`: the {@link DescriptorRead.descriptorDigest} of these very bytes, when
   * the caller has it (the kept descriptor is then found without hashing them again).
   */
  planLocal(ovfDescriptor: string | Uint8Array, request: ImportSpecRequest & { acceptAllEulas: boolean }, target: { hostProfile?: string; inventory?: string }, pkg: PackageFactsOf, signature?: PlanSignatureOptions, manifestPolicy?: ManifestPolicy, digest?: string): Promise<LocalPlan>;
  connect(connection: ConnectionSettings): Promise<VsphereSession>;
}

/** What a library item holds, as the providers compare it (@ovfkit/vsphere `libraryContentDigest`). */
export interface LibraryContent {
  files: { name: string; size?: number; algorithm?: string; checksum?: string }[];
  /** `sha256:<hex>` over the sorted file list with sizes and checksums. */
  contentDigest: string;
}

/** A publish's outcome (@ovfkit/vsphere `PublishResult`). */
export interface LibraryPublishOutcome {
  libraryId: string;
  itemId: string;
  contentVersion: string;
  changed: boolean;
  created: boolean;
}

/** A vSphere session with its REST session: the library half of the port. */
export interface LibrarySession extends VsphereSession {
  publish(source: string, options: { library: string; item: string; description?: string; pull?: boolean }): Promise<LibraryPublishOutcome & LibraryContent>;
  /** The item as it is now, or undefined when it no longer exists. */
  readItem(itemId: string): Promise<(LibraryContent & { libraryId: string; name: string; contentVersion: string }) | undefined>;
  deleteItem(itemId: string): Promise<void>;
  /** The item's descriptor as a package's (`library:LIB/ITEM` or `library:<id>`), read through download sessions. */
  readDescriptor(source: string, options: { manifestPolicy: ManifestPolicy } & SignatureRead): Promise<DescriptorRead & { itemId: string }>;
  /** Deploys the item (`ovf/library-item/{id}?action=deploy`); vCenter's warnings come back as text. */
  deploy(request: ImportSpecRequest & { itemId: string; acceptAllEulas: boolean; annotation?: string }): Promise<{ entity: ManagedObjectReference; warnings: string[] }>;
}

/** The port's library calls: offline content of a package, and the library session. */
export interface OvfkitLibraryBackend {
  /** What publishing `source` would put in an item (descriptor, manifest and certificate read; disks not). */
  libraryContent(source: string): Promise<LibraryContent & { descriptorDigest: string }>;
  connectLibrary(connection: ConnectionSettings): Promise<LibrarySession>;
}
