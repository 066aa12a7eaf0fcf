import { Annotations, DataResource, type TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { readManifestAlgorithm, UsageError, type ManifestAlgorithmName } from '@ovfkit/core';
import { ovfCore } from './core-port';
import { OvfImport } from './import';
import { type OvfkitOption, bundledOvfkit, ovfkitCommandLine } from './commands';
import { terraformLiterals } from './shell';
import { stackPath } from './stack-path';
import { type SameNames, unknownProps } from './props';
import { type OvfBackend, type OvfkitProvider, backendProblems, providerExport } from './provider-backend';

/**
 * Digest used for the export's `.mf` manifest, spelled as the manifest, Pulumi, Terraform and
 * `ovfkit export --algorithm` write it; the lower-case spelling is deprecated (a warning).
 */
export type OvfManifestAlgorithm = ManifestAlgorithmName | 'sha1' | 'sha256' | 'sha512';

/**
 * Props of {@link OvfExport}: `entity` and `destination` as in Pulumi's OvfExport and Terraform's
 * ovfkit_export; the others are those of vim25 `OvfCreateDescriptorParams`.
 */
export interface OvfExportProps {
  /**
   * The VM or vApp to export (the managed entity ExportVm / ExportVApp is called on): its inventory
   * path (e.g. `/DC0/vm/web01`), or an {@link OvfImport} of this stack (the export then runs after it).
   */
  readonly entity?: string | OvfImport;
  /**
   * Where the package is written: a path ending in `.ova`, or a directory for `.ovf` + disks. A
   * relative path is resolved against the working directory of `cdktf synth`; inside the project it
   * is stored relative to the stack directory, where Terraform runs the provisioner.
   */
  readonly destination?: string;
  /** @deprecated the old name of {@link OvfExportProps.entity}, accepted for one release with a warning. */
  readonly vm?: string | OvfImport;
  /** @deprecated the old name of {@link OvfExportProps.destination}, accepted for one release with a warning. */
  readonly target?: string;
  /**
   * `name`: the `ovf:id` of the top-level entity in the descriptor.
   * @default the product name, else the VM's inventory name
   */
  readonly name?: string;
  /**
   * `exportOption` keywords (see `OvfManager.ovfExportOption`), e.g. `mac`, `uuid`, `extraconfig`.
   * @default none
   */
  readonly exportOption?: string[];
  /**
   * Digest of the `.mf` manifest written with the package: `SHA256`, `SHA512` or `SHA1`.
   * @default 'SHA256'
   */
  readonly manifestAlgorithm?: OvfManifestAlgorithm;
  /**
   * Store each disk as `<file>.000000000`, `<file>.000000001`, … of this many bytes
   * (`ovf:chunkSize`, DSP0243 §7.3; any positive size), e.g. to fit a 4 GiB file-size limit.
   * @default one file per disk
   */
  readonly chunkSize?: number;
  /**
   * Values that, when changed, export the VM again (e.g. a version string).
   * @default the package is exported once; only a changed entity, destination or option exports again
   */
  readonly triggers?: Record<string, string>;
  /**
   * The command the provisioner runs, split on spaces.
   * @default `node <the ovfkit CLI @ovfkit/cdktf depends on>`, resolved at synth
   */
  readonly ovfkitCommand?: string;
  /**
   * What runs the export: `'terraformData'`, a `terraform_data` whose provisioner runs
   * `ovfkit export`, or `'provider'`, an `ovfkit_export` resource of terraform-provider-ovfkit
   * (install it with `ovfkit terraform install`). Both export again when an input or
   * {@link OvfExportProps.triggers} changes and keep the written package on destroy. An
   * {@link OvfImport} with `backend: 'provider'` as `vm` is given by its moref (`id`).
   * @default 'terraformData'
   */
  readonly backend?: OvfBackend;
  /**
   * With `backend: 'provider'`, the OvfkitProvider to use (e.g. one per vCenter).
   * @default the stack's only OvfkitProvider, else a new one configured from VSPHERE_* at apply
   */
  readonly provider?: OvfkitProvider;
}

/** The props' names before they took Pulumi's and Terraform's words: old → new (accepted for one release, with a warning). */
export const OVF_EXPORT_OLD_PROPS = { vm: 'entity', target: 'destination' } as const;

/**
 * Every prop of {@link OvfExport} under its current name (`OvfExportProps` without
 * {@link OVF_EXPORT_OLD_PROPS}; this file fails to compile when they differ): the construct
 * refuses any other, and test/src/vocabulary.test.ts holds the list against docs/architecture.md.
 */
export const OVF_EXPORT_PROPS = ['entity', 'destination', 'name', 'exportOption', 'manifestAlgorithm', 'chunkSize', 'triggers', 'ovfkitCommand', 'backend', 'provider'] as const;
const exportPropsComplete: SameNames<OvfExportProps, (typeof OVF_EXPORT_PROPS)[number] | keyof typeof OVF_EXPORT_OLD_PROPS> = true;
void exportPropsComplete;

/**
 * An export of a vSphere VM or vApp to an OVF package, run by Terraform.
 *
 * Emits one built-in `terraform_data` whose `input` records what is exported where, replaced
 * when the entity, destination, options or {@link OvfExportProps.triggers} change; its
 * `local-exec` create provisioner runs `ovfkit export`. With `backend: 'provider'` it is one
 * `ovfkit_export` instead. Destroying it leaves the written package in place, as in Pulumi and
 * Terraform (docs/export-semantics.md).
 * @see vim25 VirtualMachine.ExportVm, OvfManager.CreateDescriptor
 * @example
 * new OvfExport(stack, 'Golden', { entity: '/DC0/vm/golden', destination: 'out/golden.ova' });
 */
export class OvfExport extends Construct {
  /** The resource that runs the export: a `terraform_data` with its provisioner, or with `backend: 'provider'` an `ovfkit_export`. */
  readonly resource: TerraformResource;
  /** The export as recorded in the resource's `input`. */
  readonly request: Record<string, unknown>;
  /** Export options ovfkit does not know (also added as warnings: vSphere ignores unknown keywords). */
  readonly unknownExportOptions: string[] = [];

  constructor(scope: Construct, id: string, props: OvfExportProps) {
    super(scope, id);
    const entity = props?.entity ?? props?.vm;
    const destination = props?.destination ?? props?.target;
    checkExportProps(this.node.path, props, entity, destination);
    for (const [old, now] of Object.entries(OVF_EXPORT_OLD_PROPS) as [keyof typeof OVF_EXPORT_OLD_PROPS, string][]) {
      if (props[old] !== undefined) Annotations.of(this).addWarning(`OvfExport "${old}" is deprecated: name it "${now}", as Pulumi's OvfExport and Terraform's ovfkit_export do; "${old}" is accepted for one release`);
    }
    const algorithm = readManifestAlgorithm(props.manifestAlgorithm ?? 'SHA256', 'OvfExport "manifestAlgorithm"');
    if (!('algorithm' in algorithm)) throw new UsageError(`${this.node.path}: ${algorithm.error}`);
    if (algorithm.warning) Annotations.of(this).addWarning(algorithm.warning);
    const imported = entity instanceof OvfImport ? entity : undefined;
    const target = stackPath(this, destination!);
    const request: Record<string, unknown> = {
      entity: imported ? imported.inventoryPath : entity,
      destination: target,
      format: target.toLowerCase().endsWith('.ova') ? 'ova' : 'ovf',
      manifestAlgorithm: algorithm.algorithm,
      exportOption: props.exportOption ?? [],
    };
    if (props.name !== undefined) request['name'] = props.name;
    if (props.chunkSize !== undefined) request['chunkSize'] = props.chunkSize;
    this.request = request;

    const known = ovfCore.exportOptions();
    for (const option of props.exportOption ?? []) {
      if (known.includes(option)) continue;
      this.unknownExportOptions.push(option);
      Annotations.of(this).addWarning(`exportOption ${JSON.stringify(option)} is not an export option ovfkit knows (${known.join(', ')}); vSphere ignores unknown keywords`);
    }

    if (props.backend === 'provider') {
      // The provider's own import is named by its moref: Terraform orders the two by that reference.
      const providerImport = imported?.backend === 'provider' ? imported : undefined;
      this.resource = providerExport(this, 'Resource', {
        entity: providerImport ? providerImport.resource.getStringAttribute('id') : String(request['entity']),
        destination: target,
        manifestAlgorithm: algorithm.algorithm,
        ...(props.name !== undefined ? { name: props.name } : {}),
        ...(props.exportOption !== undefined ? { exportOption: props.exportOption } : {}),
        ...(props.chunkSize !== undefined ? { chunkSize: props.chunkSize } : {}),
        ...(props.triggers !== undefined ? { triggers: props.triggers } : {}),
        ...(props.provider !== undefined ? { provider: props.provider } : {}),
        ...(imported && !providerImport ? { dependsOn: [imported.resource] } : {}),
      });
      return;
    }
    const options: OvfkitOption[] = [];
    if (props.name !== undefined) options.push(['name', props.name]);
    for (const o of props.exportOption ?? []) options.push(['export-option', o]);
    options.push(['algorithm', algorithm.algorithm]);
    if (props.chunkSize !== undefined) options.push(['chunk-size', String(props.chunkSize)]);
    const command = ovfkitCommandLine(props.ovfkitCommand ?? bundledOvfkit(this), ['export'], [String(request['entity']), target], options);

    this.resource = new DataResource(this, 'Resource', {
      input: terraformLiterals(request),
      // The algorithm as 0.1.0 recorded it (lower case), so that a stack synthesized before the
      // spelling changed plans no new export; `input` shows the manifest's spelling.
      triggersReplace: terraformLiterals({ ...request, manifestAlgorithm: algorithm.algorithm.toLowerCase(), triggers: props.triggers ?? {} }),
      provisioners: [{ type: 'local-exec', command }],
      ...(imported ? { dependsOn: [imported.resource] } : {}),
    });
  }
}

function checkExportProps(where: string, props: OvfExportProps, entity: unknown, destination: unknown): void {
  const problems: string[] = [];
  if (typeof props !== 'object' || props === null) throw new UsageError(`${where}: OvfExport needs props`);
  problems.push(...unknownProps('OvfExport', props, [...OVF_EXPORT_PROPS, ...Object.keys(OVF_EXPORT_OLD_PROPS)]));
  if (props.entity !== undefined && props.vm !== undefined) problems.push('give "entity" only ("vm" is its deprecated name)');
  if (props.destination !== undefined && props.target !== undefined) problems.push('give "destination" only ("target" is its deprecated name)');
  if (!(entity instanceof OvfImport) && (typeof entity !== 'string' || entity.trim() === '')) {
    problems.push('"entity" must be the inventory path of a VM or vApp, or an OvfImport');
  }
  if (typeof destination !== 'string' || destination.trim() === '') problems.push('"destination" must be a path ending in .ova, or a directory');
  problems.push(...backendProblems(props, 'ovfkit_export', props.ovfkitCommand !== undefined ? ['ovfkitCommand'] : []));
  const algorithm = props.manifestAlgorithm === undefined ? undefined : readManifestAlgorithm(props.manifestAlgorithm, '"manifestAlgorithm"');
  if (algorithm && 'error' in algorithm) problems.push(algorithm.error);
  if (props.exportOption !== undefined && (!Array.isArray(props.exportOption) || props.exportOption.some((o) => typeof o !== 'string'))) {
    problems.push('"exportOption" must be a list of keywords');
  }
  if (props.chunkSize !== undefined && !(Number.isSafeInteger(props.chunkSize) && props.chunkSize > 0)) {
    problems.push(`"chunkSize" must be a positive whole number of bytes (got ${String(props.chunkSize)})`);
  }
  for (const [k, v] of Object.entries(props.triggers ?? {})) {
    if (typeof v !== 'string') problems.push(`triggers["${k}"] must be a string`);
  }
  if (problems.length) throw new UsageError(`${where}: ${problems.join('; ')}`);
}
