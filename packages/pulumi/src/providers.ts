/**
 * The two dynamic providers, as Pulumi serializes them into every resource's `__provider`.
 *
 * Each method is a one-line trampoline that `require()`s the installed implementation when the
 * engine calls it: the serialized text then holds no closure over credentials, modules or
 * configuration, only these calls. Connection settings arrive through `configure()` (the stack's
 * `ovfkit:*` config) or the provider process's `VSPHERE_*` environment, at call time.
 *
 * Do not capture anything in these functions: Pulumi serializes whatever they reference.
 */
import type * as pulumi from '@pulumi/pulumi';

import type * as runtime from './runtime';

type Runtime = typeof runtime;

/**
 * The OvfImport provider object (also usable directly in tests: `ovfImportProvider.check(...)`).
 * @example
 * const r = await ovfImportProvider.check!({}, { source: './app.ova' });
 */
export const ovfImportProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req) { (require('@ovfkit/pulumi/runtime') as Runtime).configure(req.config); },
  async check(olds, news) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfImport.check(olds, news); },
  async diff(id, olds, news) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfImport.diff(id, olds, news); },
  async create(inputs) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfImport.create(inputs); },
  async read(id, props) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfImport.read(id, props); },
  async update(id, olds, news) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfImport.update(id, olds, news); },
  async delete(id, props) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfImport.delete(id, props); },
};

/** The OvfExport provider object. */
export const ovfExportProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req) { (require('@ovfkit/pulumi/runtime') as Runtime).configure(req.config); },
  async check(olds, news) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfExport.check(olds, news); },
  async diff(id, olds, news) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfExport.diff(id, olds, news); },
  async create(inputs) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfExport.create(inputs); },
  async read(id, props) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfExport.read(id, props); },
  async update(id, olds, news) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfExport.update(id, olds, news); },
  async delete(id, props) { return (require('@ovfkit/pulumi/runtime') as Runtime).ovfExport.delete(id, props); },
};
