/**
 * `OvfLibraryItem`: an OVF package published to a vCenter Content Library item by Terraform
 * (`terraform_data` with `ovfkit library publish` / `ovfkit library delete` provisioners). The
 * package is parsed at synth (a child `Descriptor`), so an `OvfImport` given this item is checked
 * against the descriptor being published, in the same stack, before anything exists.
 */
import { DataResource } from 'cdktf';
import { Construct } from 'constructs';
import { UsageError } from '@ovfkit/core';
import { type OvfkitPrefix, bundledOvfkit, ovfkitCommandLine } from './commands';
import { OvfDescriptor } from './descriptor';
import { terraformLiterals } from './shell';

/** Props of {@link OvfLibraryItem}. */
export interface OvfLibraryItemProps {
  /** The package to publish: a `.ovf` file, a directory or `.ova` file, or an http(s) URL (as `OvfImport`'s `source`). */
  readonly source: string;
  /** The content library, by name or id (a local library of the vCenter the apply connects to). */
  readonly library: string;
  /** The OVF item's name in the library. */
  readonly item: string;
  /** The description of a new item. */
  readonly description?: string;
  /** As `OvfImport.ovfkitCommand`. @default `node <the ovfkit CLI @ovfkit/cdktf depends on>` */
  readonly ovfkitCommand?: string;
}

/**
 * A Content Library item holding an OVF package. `terraform apply` publishes it (one update
 * session, each file streamed once with its manifest checksum; nothing half-published on
 * failure); a changed package (descriptor or manifest digest) publishes it again; `terraform
 * destroy` deletes the item. Give it to `OvfImport` as `libraryItem` to deploy from it: synth
 * checks that deployment against this package's descriptor.
 * @example
 * const web = new OvfLibraryItem(stack, 'Web', { source: 'web.ova', library: 'templates', item: 'web' });
 * new OvfImport(stack, 'Web01', { libraryItem: web, name: 'web01', datacenter: 'DC0', datastore: 'LocalDS_0' });
 */
export class OvfLibraryItem extends Construct {
  /** The package being published, parsed at synth. */
  readonly descriptor: OvfDescriptor;
  /** `library:<library>/<item>`: how `ovfkit import` names the item. */
  readonly librarySource: string;
  readonly library: string;
  readonly item: string;
  /** The `terraform_data` that publishes (create) and deletes (destroy) the item. */
  readonly resource: DataResource;

  constructor(scope: Construct, id: string, props: OvfLibraryItemProps) {
    super(scope, id);
    const problems: string[] = [];
    for (const key of ['library', 'item'] as const) {
      const v = props?.[key];
      if (typeof v !== 'string' || v.trim() === '') problems.push(`"${key}" must be a non-empty string`);
    }
    // library:LIB/ITEM splits at the first slash.
    if (typeof props?.library === 'string' && props.library.includes('/')) problems.push('"library" cannot contain "/" (library:LIBRARY/ITEM names the item); give the library\'s id instead');
    if (props?.description !== undefined && typeof props.description !== 'string') problems.push('"description" must be a string');
    if (typeof props?.source === 'string' && props.source.startsWith('library:')) problems.push('"source" is the package to publish (a path or URL), not a library item');
    if (problems.length) throw new UsageError(`${this.node.path}: ${problems.join('; ')}`);
    this.library = props.library;
    this.item = props.item;
    this.librarySource = `library:${props.library}/${props.item}`;
    this.descriptor = new OvfDescriptor(this, 'Descriptor', { source: props.source });
    if (this.descriptor.sourceFromEnv !== undefined) throw new UsageError(`${this.node.path}: a source given by fromEnv is not supported for a library item yet: give a path or a plain URL`);
    const command: OvfkitPrefix = props.ovfkitCommand ?? bundledOvfkit(this);
    const publish: [string, string][] = [['library', props.library], ['item', props.item]];
    if (props.description !== undefined) publish.push(['description', props.description]);
    this.resource = new DataResource(this, 'Resource', {
      input: terraformLiterals({ source: this.descriptor.storedSource }),
      // The item and the package's identity (not where it lies): a change publishes again.
      triggersReplace: terraformLiterals({
        library: props.library,
        item: props.item,
        descriptorDigest: this.descriptor.descriptorDigest,
        ...(this.descriptor.manifestDigest !== undefined ? { manifestDigest: this.descriptor.manifestDigest } : {}),
      }),
      provisioners: [
        { type: 'local-exec', command: ovfkitCommandLine(command, ['library', 'publish'], [this.descriptor.storedSource], publish) },
        {
          type: 'local-exec',
          when: 'destroy',
          // A destroy provisioner reads only `self`: the item it published, through the environment.
          command: ovfkitCommandLine(command, ['library', 'delete'], [{ env: 'OVFKIT_LIBRARY_ITEM' }], [['if-exists', true]]),
          environment: { OVFKIT_LIBRARY_ITEM: 'library:${self.triggers_replace.library}/${self.triggers_replace.item}' },
        },
      ],
    });
  }

  /** True for an {@link OvfLibraryItem} (also across copies of this package). */
  static isOvfLibraryItem(x: unknown): x is OvfLibraryItem {
    return x instanceof OvfLibraryItem || (typeof x === 'object' && x !== null && (x as { librarySource?: unknown }).librarySource !== undefined && (x as { descriptor?: unknown }).descriptor !== undefined);
  }
}
