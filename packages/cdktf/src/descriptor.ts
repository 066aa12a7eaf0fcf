import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { isLibrarySource } from '@ovfkit/package';
import { fullPropertyId, UsageError, type PackageFacts, type PlanPackageFile } from '@ovfkit/core';
import {
  type OvfIssue,
  type OvfParseDescriptorResult,
  type OvfNetworkInfo,
  type OvfDeploymentOption,
  type VAppPropertyInfo,
  type VirtualMachineHardware,
  formatIssue,
  ovfCore,
} from './core-port';
import type { SignatureFiles } from './package-port';
import { type OvfPropertyFromEnv, type OvfSourceContent, isUrlSource, readOvfSourceSync, sourceLocation } from './source';
import { stackPath } from './stack-path';

/** Sizes ParseDescriptor estimates for the package, in bytes. @see vim25 OvfParseDescriptorResult */
export interface OvfDeploymentSizes {
  /** `approximateDownloadSize`: bytes transferred by an import. */
  downloadBytes?: number;
  /** `approximateFlatDeploymentSize`: datastore space with thick (flat) disks. */
  flatDeploymentBytes?: number;
  /** `approximateSparseDeploymentSize`: datastore space with thin (sparse) disks. */
  sparseDeploymentBytes?: number;
}

/** Props of {@link OvfDescriptor}. */
export interface OvfDescriptorProps {
  /**
   * The OVF package: a `.ovf` file, a directory or `.ova` file, or an http(s) URL. A relative
   * path is resolved against the working directory of `cdktf synth`. A URL with a user, password,
   * query string or fragment (credentials, a signed-URL token) must be given by `fromEnv("VAR")`,
   * so that only its redacted form is written to the configuration.
   */
  readonly source: string | OvfPropertyFromEnv;
  /**
   * `Configuration/@ovf:id` whose hardware {@link OvfDescriptor.hardware} describes.
   * @default the descriptor's default deployment option (`ovf:default="true"`, else the first)
   */
  readonly deploymentOption?: string;
  /**
   * Locale of the descriptor's string bundles used for labels and messages.
   * @default "" — the text written in the descriptor's elements
   */
  readonly locale?: string;
}

const DESCRIPTOR_SYMBOL = Symbol.for('@ovfkit/cdktf.OvfDescriptor');

/**
 * An OVF package's descriptor, parsed at synth time by the local OvfManager's ParseDescriptor.
 * Its networks, properties, deployment options, sizes and per-VM hardware are plain typed values
 * other constructs can read. Descriptor errors fail synth (listed with this construct's path);
 * warnings become annotations. It emits no Terraform resource.
 * @see vim25 OvfManager.ParseDescriptor
 * @example
 * const appliance = new OvfDescriptor(stack, 'Appliance', { source: 'dist/appliance.ova' });
 * new TerraformOutput(stack, 'cpus', { value: appliance.hardware[0]?.numCPUs });
 */
export class OvfDescriptor extends Construct {
  /** True for any `OvfDescriptor`, whichever copy of this package created it. */
  static isOvfDescriptor(x: unknown): x is OvfDescriptor {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[DESCRIPTOR_SYMBOL] === true;
  }

  /** The source as stored and shown: a local path made absolute, a URL without user, password, query or fragment. */
  readonly source: string;
  /**
   * The source as the configuration stores it and the provisioners are given it: a local path
   * relative to the stack directory when it is inside the project (absolute otherwise), a URL
   * without user, password, query or fragment. Never part of what forces a replacement.
   */
  readonly storedSource: string;
  /** The environment variable holding the source URL when it was given by `fromEnv` (read again at apply). */
  readonly sourceFromEnv: string | undefined;
  /** The descriptor text. */
  readonly ovfDescriptor: string;
  /** The descriptor bytes as stored. */
  readonly ovfDescriptorBytes: Buffer;
  /** `sha256:<hex>` of the descriptor bytes (core's `descriptorDigest`, the plan's digest). */
  readonly descriptorDigest: string;
  /** `sha256:<hex>` of the package's manifest (`.mf`) text, when it has one. */
  readonly manifestDigest: string | undefined;
  /** The descriptor, `.mf` and `.cert` as read: an OvfImport judges the signature against its trusted certificates. */
  readonly signatureFiles: SignatureFiles;
  /** The whole ParseDescriptor result, as the vSphere API returns it. */
  readonly parseResult: OvfParseDescriptorResult;
  /** `NetworkSection` networks. */
  readonly networks: OvfNetworkInfo[];
  /** ProductSection properties in vApp type syntax (`key`, `id`, `type`, `defaultValue`, …). */
  readonly properties: VAppPropertyInfo[];
  /** `DeploymentOptionSection` configurations. */
  readonly deploymentOptions: OvfDeploymentOption[];
  /** Key of the default deployment option ("" when the descriptor has none). */
  readonly defaultDeploymentOption: string;
  /** The deployment option {@link hardware} was computed for. */
  readonly deploymentOption: string;
  /** Name vSphere gives the entity when none is chosen. */
  readonly defaultEntityName: string;
  /** True when the top level is a `VirtualSystemCollection` (imported as a vApp). */
  readonly virtualApp: boolean;
  /** EULA texts the importer must accept. */
  readonly eulas: string[];
  /** Approximate download and deployment sizes. */
  readonly sizes: OvfDeploymentSizes;
  private readonly params: { locale: string; deploymentOption: string };
  private readonly read: OvfSourceContent;
  private hardwareCache: VirtualMachineHardware[] | undefined;
  /** ParseDescriptor `error[]` (each also registered as a construct validation). */
  readonly errors: OvfIssue[];
  /** ParseDescriptor `warning[]` (each also added as a warning annotation). */
  readonly warnings: OvfIssue[];

  constructor(scope: Construct, id: string, props: OvfDescriptorProps);
  /** @internal used by OvfImport to share one read and one parse of the package. */
  constructor(scope: Construct, id: string, props: OvfDescriptorProps, content: OvfSourceContent, parsed: OvfParseDescriptorResult);
  constructor(scope: Construct, id: string, props: OvfDescriptorProps, content?: OvfSourceContent, parsed?: OvfParseDescriptorResult) {
    super(scope, id);
    Object.defineProperty(this, DESCRIPTOR_SYMBOL, { value: true });
    const location = sourceLocation(this.node.path, props?.source);
    const read = content ?? readOvfSourceSync(location.read);
    this.source = read.source;
    // A URL or a library item (`library:LIB/ITEM`) is stored as given; a path relative to the stack directory.
    this.storedSource = isUrlSource(read.source) || isLibrarySource(read.source) ? read.source : stackPath(this, read.source, location.read);
    this.sourceFromEnv = location.fromEnv;
    this.ovfDescriptor = read.ovfDescriptor;
    this.ovfDescriptorBytes = read.ovfDescriptorBytes;
    this.descriptorDigest = read.descriptorDigest;
    this.manifestDigest = read.manifestDigest;
    this.read = read;
    this.signatureFiles = read.signatureFiles;

    const params = { locale: props.locale ?? '', deploymentOption: props.deploymentOption ?? '' };
    this.params = params;
    const result = parsed ?? ovfCore.parseDescriptor(this.ovfDescriptor, params);
    this.parseResult = result;
    this.networks = result.network ?? [];
    this.properties = result.property ?? [];
    this.deploymentOptions = result.deploymentOption ?? [];
    this.defaultDeploymentOption = result.defaultDeploymentOption;
    this.deploymentOption = props.deploymentOption ?? result.defaultDeploymentOption;
    this.defaultEntityName = result.defaultEntityName;
    this.virtualApp = result.virtualApp;
    this.eulas = result.eula ?? [];
    this.sizes = {};
    if (result.approximateDownloadSize !== undefined) this.sizes.downloadBytes = result.approximateDownloadSize;
    if (result.approximateFlatDeploymentSize !== undefined) this.sizes.flatDeploymentBytes = result.approximateFlatDeploymentSize;
    if (result.approximateSparseDeploymentSize !== undefined) this.sizes.sparseDeploymentBytes = result.approximateSparseDeploymentSize;
    this.errors = result.error ?? [];
    this.warnings = result.warning ?? [];

    reportIssues(this, this.errors, this.warnings, 'ParseDescriptor');
  }

  /**
   * Per-VM hardware for {@link deploymentOption}: CPUs, memory, firmware, guest id, hardware
   * version, disks and NICs (empty when the descriptor has errors). Computed on first read.
   */
  get hardware(): VirtualMachineHardware[] {
    this.hardwareCache ??= this.errors.length ? [] : ovfCore.virtualHardware(this.ovfDescriptor, this.params);
    return this.hardwareCache;
  }

  /**
   * What the package holds for `files`, the referenced files an OvfImport's plan lists (each
   * present and its stored size, from @ovfkit/package without reading the files): the plan judges
   * them. Read from the package once per list; the descriptor is not parsed for them.
   */
  packageFacts(files: readonly PlanPackageFile[]): PackageFacts {
    return this.read.packageFacts(files);
  }

  /** The property with this id (`[classId.]id[.instanceId]`), if the descriptor declares it. */
  property(id: string): VAppPropertyInfo | undefined {
    return this.properties.find((p) => fullPropertyId(p) === id);
  }
}

/** The full property id vSphere uses as the `propertyMapping` key, `[classId.]id[.instanceId]` (core's). */
export { fullPropertyId };

/**
 * Registers `errors` as one construct validation (synth lists every one with the construct path)
 * and `warnings` as warning annotations.
 */
export function reportIssues(scope: Construct, errors: readonly OvfIssue[], warnings: readonly OvfIssue[], call: string): void {
  if (errors.length) {
    const lines = errors.map((e) => `${call}: ${formatIssue(e)}`);
    scope.node.addValidation({ validate: () => lines });
  }
  for (const w of warnings) Annotations.of(scope).addWarning(`${call}: ${formatIssue(w)}`);
}
