/**
 * One CDKTF app with an OvfImport for each backend and an OvfExport of the provider's import,
 * written against `cdktf`: run in-process it synthesizes with cdktf 0.21, run by
 * `node -r cdktn-alias.js dual-stack.js <outdir> <state>` with cdktn 0.24.
 */
import * as path from 'node:path';
import { App, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { OvfExport, OvfImport, fromEnv } from '@ovfkit/cdktf';
import { repoRoot } from '../paths';

export const minimalOva = path.join(repoRoot, 'examples', 'minimal', 'minimal.ova');

/** Synthesizes the app into outdir; returns the stack directory terraform runs in. */
export function synthDualStack(outdir: string, statePath: string, exportTarget: string): string {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'appliance');
  const stackDir = path.join(outdir, 'stacks', 'appliance');
  // Relative to the stack directory, where terraform runs, like every path inside the project.
  new LocalBackend(stack, { path: path.relative(stackDir, statePath) });
  const placement = { source: minimalOva, datacenter: 'DC0', resourcePool: '/DC0/host/DC0_C0/Resources', datastore: 'LocalDS_0', networkMapping: { 'VM Network': 'VM Network' } };
  const data = new OvfImport(stack, 'Data', { ...placement, name: 'dual-data', propertyMapping: { hostname: 'data01', root_password: fromEnv('ROOT_PW') } });
  const prov = new OvfImport(stack, 'Provided', { ...placement, backend: 'provider', name: 'dual-provider', propertyMapping: { hostname: 'prov01', root_password: fromEnv('ROOT_PW') } });
  new OvfExport(stack, 'Golden', { vm: prov, target: exportTarget, backend: 'provider' });
  new TerraformOutput(stack, 'provider_id', { value: prov.resource.getStringAttribute('id') });
  new TerraformOutput(stack, 'data_id', { value: data.resource.getStringAttribute('id') });
  app.synth();
  return stackDir;
}

if (require.main === module) {
  const [outdir, state, target] = process.argv.slice(2);
  synthDualStack(outdir!, state!, target!);
  // Which framework synthesized: the file `cdktf` resolved to here.
  process.stdout.write(`${require.resolve('cdktf')}\n`);
}
