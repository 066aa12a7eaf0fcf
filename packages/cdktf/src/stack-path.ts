/**
 * How a local path is written into a stack's configuration. Terraform runs the provisioners in the
 * stack's directory (`<outdir>/stacks/<stack id>`, where `cdktf synth` writes `cdk.tf.json`), and a
 * project is checked out in a different folder on each CI runner: a path inside the project is
 * written relative to the stack directory, so the same project and state in another folder plan
 * no change.
 */
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';

/** The directory Terraform runs in for the stack holding `scope`. */
export function stackDirectory(scope: IConstruct): string {
  return path.resolve(App.of(scope).outdir, 'stacks', TerraformStack.of(scope).node.id);
}

/**
 * `file` as the configuration stores it: relative to the stack directory when `given` was relative
 * or the file lies inside the project (the folder holding the app's output directory), since both
 * move with the project; any other absolute path (a shared `/srv/images/…`) stays absolute.
 * Separators are `/`, as the provisioners' POSIX shell reads them.
 * @example stackPath(stack, '/work/proj/appliance.ova', 'appliance.ova') // '../../../appliance.ova'
 */
export function stackPath(scope: IConstruct, file: string, given: string = file): string {
  const absolute = path.resolve(file);
  const project = path.dirname(path.resolve(App.of(scope).outdir));
  const inside = absolute === project || absolute.startsWith(project + path.sep);
  if (path.isAbsolute(given) && !inside) return absolute;
  return path.relative(stackDirectory(scope), absolute).split(path.sep).join('/') || '.';
}
