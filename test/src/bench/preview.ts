/**
 * `pnpm bench preview`: what `pulumi preview` costs per OvfImport. For 100 OvfImport resources
 * spread over the largest corpus descriptors, `check()` + `diff()` (package read, createPlan,
 * input mapping, digest compare) against the bare ParseDescriptor of the same descriptors, in
 * the same run, interleaved; then the same 100 check+diff calls through Pulumi's plugin host
 * over gRPC, as the engine makes them.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';

import * as pulumi from '@pulumi/pulumi';
import { parseDescriptor, parseDescriptorWithModel } from '@ovfkit/core';
import { ovfImportProvider } from '@ovfkit/pulumi';
import * as runtime from '@ovfkit/pulumi/runtime';

import { largestDescriptors } from '../corpus';
import { corpusRoot } from '../paths';
import { dynamicUrn, startPluginHost } from '../pulumi/plugin-host';

const RESOURCES = 100;
const ROUNDS = Number(process.env['OVFKIT_BENCH_ROUNDS'] ?? 7);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** This bench reads the shared OVF corpus (run.ts refuses to start it without). */
export const needsCorpus = true;

export async function run(): Promise<void> {
  // Absolute paths: they are the resources' `source` inputs.
  const files = largestDescriptors(5).map((f) => ({ file: path.join(corpusRoot, f.file), bytes: f.bytes }));
  const resources = Array.from({ length: RESOURCES }, (_, i) => files[i % files.length]!);
  const inputsOf = (f: { file: string; bytes: Buffer }, i: number): Record<string, unknown> => ({
    source: f.file, name: `vm-${i}`, datastore: 'datastore1', acceptAllEulas: true, powerOn: false,
  });

  // Old state for diff(): what a previous `up` stored (same inputs, same digest, not a replacement).
  const olds = new Map<number, Record<string, unknown>>();
  for (const [i, f] of resources.entries()) {
    const c = await runtime.ovfImport.check({}, inputsOf(f, i) as never);
    const { propertyMapping: _pm, ...rest } = c.inputs as unknown as Record<string, unknown>;
    olds.set(i, { ...rest, descriptorDigest: digestOf(f.bytes), deploymentOption: c.inputs.deploymentOption ?? '', properties: {}, passwordPropertyDigests: {}, powerState: 'poweredOff', vms: [], warnings: [] });
  }

  const parseAll = (): void => { for (const f of resources) parseDescriptor(f.bytes.toString('utf8'), { locale: '', deploymentOption: '' }); };
  const parseModelAll = (): void => { for (const f of resources) parseDescriptorWithModel(f.bytes.toString('utf8'), { locale: '', deploymentOption: '' }); };
  const previewAll = async (): Promise<void> => {
    for (const [i, f] of resources.entries()) {
      const c = await runtime.ovfImport.check({}, inputsOf(f, i) as never);
      const d = await runtime.ovfImport.diff(`VirtualMachine:vm-${i}`, olds.get(i) as never, c.inputs);
      if (d.replaces.length) throw new Error(`unexpected replacement of vm-${i}: ${d.replaces.join(', ')}`);
    }
  };

  for (let i = 0; i < 2; i++) { parseAll(); parseModelAll(); await previewAll(); }
  const parse: number[] = [];
  const parseModel: number[] = [];
  const preview: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t = now(); parseAll(); parse.push(now() - t);
    t = now(); parseModelAll(); parseModel.push(now() - t);
    t = now(); await previewAll(); preview.push(now() - t);
  }

  // The same calls over gRPC through Pulumi's dynamic-provider host, as `pulumi preview` makes them.
  const provider = (await pulumi.runtime.serializeFunction(() => ovfImportProvider, { allowSecrets: true })).text;
  const host = await startPluginHost();
  const grpc: number[] = [];
  try {
    await host.configure({});
    const once = async (): Promise<void> => {
      for (const [i, f] of resources.entries()) {
        const urn = dynamicUrn(`vm-${i}`, 'pulumi-nodejs:dynamic/ovfkit:OvfImport');
        const c = await host.check(urn, {}, { __provider: provider, ...inputsOf(f, i) });
        await host.diff(`VirtualMachine:vm-${i}`, urn, { __provider: provider, ...olds.get(i) }, c.inputs);
      }
    };
    await once();
    for (let r = 0; r < ROUNDS; r++) { const t = now(); await once(); grpc.push(now() - t); }
  } finally {
    await host.stop();
  }

  const kib = resources.reduce((n, f) => n + f.bytes.length, 0) / 1024;
  const p = median(parse);
  const m = median(parseModel);
  const q = median(preview);
  const g = median(grpc);
  process.stdout.write(`preview of ${RESOURCES} OvfImport resources over the ${files.length} largest corpus descriptors (${kib.toFixed(0)} KiB in all), median of ${ROUNDS} rounds\n`);
  for (const f of files) process.stdout.write(`  ${path.relative(corpusRoot, f.file)} (${(f.bytes.length / 1024).toFixed(0)} KiB)\n`);
  process.stdout.write(`bare parseDescriptor ×${RESOURCES}          ${p.toFixed(1).padStart(8)} ms  (baseline)\n`);
  process.stdout.write(`parseDescriptorWithModel ×${RESOURCES}      ${m.toFixed(1).padStart(8)} ms  ${(m / p).toFixed(2)}× (the parse createPlan uses)\n`);
  process.stdout.write(`check()+diff() ×${RESOURCES}, in process    ${q.toFixed(1).padStart(8)} ms  ${(q / p).toFixed(2)}× the parse, ${(q / RESOURCES).toFixed(2)} ms per resource\n`);
  process.stdout.write(`Check+Diff ×${RESOURCES} over the plugin host ${g.toFixed(1).padStart(8)} ms  ${(g / p).toFixed(2)}× the parse, ${(g / RESOURCES).toFixed(2)} ms per resource\n`);
}

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
