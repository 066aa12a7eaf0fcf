/**
 * `OvfLibraryItem`: an OVF package published to a vCenter Content Library item, as a Pulumi resource.
 */
import * as pulumi from '@pulumi/pulumi';

import type * as runtime from './runtime';
import type { OvfConnectionArgs } from './resources';

type Runtime = typeof runtime;

/** The OvfLibraryItem provider object, serialized into each resource's `__provider` (a trampoline: see providers.ts). */
export const ovfLibraryItemProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req) { (require('@ovfkit/pulumi/runtime') as Runtime).configure(req.config); },
  async check(olds, news) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfLibraryItem.check(olds, news); },
  async diff(id, olds, news) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfLibraryItem.diff(id, olds, news); },
  async create(inputs) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfLibraryItem.create(inputs); },
  async read(id, props) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfLibraryItem.read(id, props); },
  async update(id, olds, news) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfLibraryItem.update(id, olds, news); },
  async delete(id, props) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfLibraryItem.delete(id, props); },
};

/** Arguments of {@link OvfLibraryItem}. */
export interface OvfLibraryItemArgs {
  /** The package to publish: a directory holding one `.ovf`, an `.ovf`, an `.ova` or an http(s) URL. */
  source: pulumi.Input<string>;
  /** The content library (name or id); a local library of this vCenter. */
  library: pulumi.Input<string>;
  /** The OVF item's name in the library. */
  item: pulumi.Input<string>;
  /** Description of a new item. */
  description?: pulumi.Input<string>;
  /** vCenter fetches each file from the URL itself (an `.ovf` URL it can reach). @default false */
  pull?: pulumi.Input<boolean>;
  /** This resource's vCenter, when not the stack's (see {@link OvfConnectionArgs}). */
  connection?: pulumi.Input<OvfConnectionArgs>;
}

/**
 * Publishes an OVF package into a Content Library item (one update session, each file streamed
 * once with its manifest checksum; nothing half-published on failure). Replaced when the package's
 * content digest changes; the same content again is no change; refresh reports an item changed
 * or deleted in vCenter; destroy deletes the item.
 * @example
 * const web = new OvfLibraryItem('web', { source: './web.ova', library: 'templates', item: 'web' });
 * new OvfImport('web01', { source: web.librarySource, name: 'web01', datastore: 'LocalDS_0', resourcePool: 'DC0_C0/Resources' });
 */
export class OvfLibraryItem extends pulumi.dynamic.Resource {
  declare public readonly libraryId: pulumi.Output<string>;
  declare public readonly itemId: pulumi.Output<string>;
  /** The item's content version after the publish (vCenter's counter). */
  declare public readonly contentVersion: pulumi.Output<string>;
  /** `sha256:<hex>` over the item's files with sizes and checksums: what a change is judged on. */
  declare public readonly contentDigest: pulumi.Output<string>;
  /** `sha256:<hex>` of the published descriptor. */
  declare public readonly descriptorDigest: pulumi.Output<string>;
  declare public readonly files: pulumi.Output<{ name: string; size?: number; algorithm?: string; checksum?: string }[]>;
  /** `library:<item id>`: the `source` of an {@link OvfImport} that deploys this item. */
  declare public readonly librarySource: pulumi.Output<string>;

  constructor(name: string, args: OvfLibraryItemArgs, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, unknown> = {
      ...args,
      ...(args.connection !== undefined ? { connection: pulumi.secret(args.connection) } : {}),
      libraryId: undefined, itemId: undefined, contentVersion: undefined, contentDigest: undefined, descriptorDigest: undefined, files: undefined, librarySource: undefined,
    };
    super(ovfLibraryItemProvider, name, props, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), 'connection'] }, 'ovfkit', 'OvfLibraryItem');
  }
}
