/**
 * `pnpm bench preview`: what `pulumi preview` costs per OvfImport. For 100 OvfImport resources
 * spread over the largest corpus descriptors, `check()` + `diff()` (package read, createPlan,
 * input mapping, digest compare) against the bare ParseDescriptor of the same descriptors, in
 * the same run, interleaved; then the same 100 check+diff calls through Pulumi's plugin host
 * over gRPC, as the engine makes them.
 * Each round previews its own copies of the descriptors (one comment line added, so another
 * digest): the provider's descriptor cache starts each round empty for them, as in the fresh
 * provider process of one `pulumi preview` (5 descriptors read, 95 resolved over a kept model).
 * `OVFKIT_BENCH_BASELINE=<checkout>` (a built checkout of another commit) adds its in-process and
 * plugin-host figures, interleaved with this build's: before and after in the same run.
 * The floor: a dynamic provider that does no work (its check answers each resource with the very
 * inputs this build's check returned, plan text and failures included, read from a file once per
 * process; its diff answers no change), through its own plugin host with the same olds: what the
 * host and this client cost for these messages whatever the provider does.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import * as pulumi from '@pulumi/pulumi';
import { parseDescriptor, parseDescriptorWithModel } from '@ovfkit/core';
import { ovfImportProvider } from '@ovfkit/pulumi';
import * as runtime from '@ovfkit/pulumi/runtime';

import { largestDescriptors } from '../corpus';
import { corpusRoot } from '../paths';
import { dynamicUrn, startPluginHost, type PluginHost } from '../pulumi/plugin-host';

const RESOURCES = 100;
const ROUNDS = Number(process.env['OVFKIT_BENCH_ROUNDS'] ?? 7);

/**
 * The floor provider: no work but a lookup. Pulumi serializes it into `__provider`, so it names
 * nothing outside itself (the answers come from the file in OVFKIT_BENCH_FLOOR, read once).
 */
const floorProvider = {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<unknown> {
    const g = globalThis as { __ovfkitFloor?: Record<string, { inputs: Record<string, unknown>; failures: unknown[] }> };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    g.__ovfkitFloor ??= JSON.parse(require('node:fs').readFileSync(process.env['OVFKIT_BENCH_FLOOR']!, 'utf8')) as Record<string, { inputs: Record<string, unknown>; failures: unknown[] }>;
    const answer = g.__ovfkitFloor[String(news['name'])]!;
    return { inputs: { ...answer.inputs, source: news['source'] }, failures: answer.failures };
  },
  async diff(): Promise<unknown> { return { changes: false, replaces: [], deleteBeforeReplace: false }; },
};

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
  // Each round's own copies of the descriptors (another digest each), beside the corpus files'
  // names so that the plans are the same but for the digest and the missing referenced files.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-bench-preview-'));
  let round = 0;
  const roundCopies = (): { file: string; bytes: Buffer }[] => {
    const dir = path.join(tmp, `round-${round++}`);
    fs.mkdirSync(dir);
    const copies = files.map((f) => {
      const file = path.join(dir, path.basename(f.file));
      const bytes = Buffer.concat([f.bytes, Buffer.from(`<!-- ${dir} -->\n`)]);
      fs.writeFileSync(file, bytes);
      return { file, bytes };
    });
    return Array.from({ length: RESOURCES }, (_, i) => copies[i % copies.length]!);
  };

  // Old state for diff(): what a previous `up` of each side stored (same inputs, same digest, not
  // a replacement), from that side's own check(): the plan in the shape that side keeps.
  const oldsOf = async (rt: typeof runtime): Promise<Map<number, Record<string, unknown>>> => {
    const olds = new Map<number, Record<string, unknown>>();
    for (const [i, f] of roundCopies().entries()) {
      const c = await rt.ovfImport.check({}, inputsOf(f, i) as never);
      const { propertyMapping: _pm, ...rest } = c.inputs as unknown as Record<string, unknown>;
      olds.set(i, { ...rest, deploymentOption: c.inputs.deploymentOption ?? '', properties: {}, passwordPropertyDigests: {}, powerState: 'poweredOff', vms: [], warnings: [] });
    }
    return olds;
  };
  /** The old state of resource `i` for this round's copy `f`: the same but for its source and digest. */
  const oldFor = (side: Side, i: number, f: { file: string; bytes: Buffer }): Record<string, unknown> => ({ ...side.olds!.get(i), source: f.file, descriptorDigest: digestOf(f.bytes) });

  const parseAll = (): void => { for (const f of resources) parseDescriptor(f.bytes.toString('utf8'), { locale: '', deploymentOption: '' }); };
  const parseModelAll = (): void => { for (const f of resources) parseDescriptorWithModel(f.bytes.toString('utf8'), { locale: '', deploymentOption: '' }); };

  // The sides: this build, and with OVFKIT_BENCH_BASELINE=<checkout> a built checkout of another
  // commit, in process (its runtime module) and over its own plugin host (started in its test/).
  const baseline = process.env['OVFKIT_BENCH_BASELINE'] ? path.resolve(process.env['OVFKIT_BENCH_BASELINE']) : undefined;
  interface Side { label: string; runtime: typeof runtime; host?: PluginHost; olds?: Map<number, Record<string, unknown>>; inProcess: number[]; grpc: number[] }
  const floor: { host?: PluginHost; grpc: number[] } = { grpc: [] };
  const sides: Side[] = [{ label: 'this build', runtime, inProcess: [], grpc: [] }];
  if (baseline) sides.push({ label: `baseline ${baseline}`, runtime: require(path.join(baseline, 'packages', 'pulumi', 'dist', 'runtime.js')) as typeof runtime, inProcess: [], grpc: [] });
  const previewAll = async (side: Side, copies: { file: string; bytes: Buffer }[]): Promise<void> => {
    for (const [i, f] of copies.entries()) {
      const c = await side.runtime.ovfImport.check({}, inputsOf(f, i) as never);
      const d = await side.runtime.ovfImport.diff(`VirtualMachine:vm-${i}`, oldFor(side, i, f) as never, c.inputs);
      if (d.replaces.length) throw new Error(`unexpected replacement of vm-${i}: ${d.replaces.join(', ')}`);
    }
  };
  // The same calls over gRPC through Pulumi's dynamic-provider host, as `pulumi preview` makes them.
  const provider = (await pulumi.runtime.serializeFunction(() => ovfImportProvider, { allowSecrets: true })).text;
  const overGrpc = async (side: Side, copies: { file: string; bytes: Buffer }[]): Promise<void> => {
    for (const [i, f] of copies.entries()) {
      const urn = dynamicUrn(`vm-${i}`, 'pulumi-nodejs:dynamic/ovfkit:OvfImport');
      const c = await side.host!.check(urn, {}, { __provider: provider, ...inputsOf(f, i) });
      const d = await side.host!.diff(`VirtualMachine:vm-${i}`, urn, { __provider: provider, ...oldFor(side, i, f) }, c.inputs);
      if (d.replaces.length) throw new Error(`unexpected replacement of vm-${i} over gRPC: ${d.replaces.join(', ')}`);
    }
  };

  // The floor's answers: this build's own check() of each resource (the plan of a round's copy
  // differs only in its digest, of the same length).
  const floorFile = path.join(tmp, 'floor.json');
  const floorText = (await pulumi.runtime.serializeFunction(() => floorProvider, { allowSecrets: true })).text;
  const overFloor = async (copies: { file: string; bytes: Buffer }[]): Promise<void> => {
    for (const [i, f] of copies.entries()) {
      const urn = dynamicUrn(`vm-${i}`, 'pulumi-nodejs:dynamic/ovfkit:Floor');
      const c = await floor.host!.check(urn, {}, { __provider: floorText, ...inputsOf(f, i) });
      const d = await floor.host!.diff(`VirtualMachine:vm-${i}`, urn, { __provider: floorText, ...oldFor(sides[0]!, i, f) }, c.inputs);
      if (d.replaces.length) throw new Error(`unexpected replacement of vm-${i} by the floor`);
    }
  };

  const parse: number[] = [];
  const parseModel: number[] = [];
  try {
    for (const side of sides) {
      side.host = await startPluginHost(side === sides[0] || !baseline ? {} : { cwd: path.join(baseline, 'test') });
      await side.host.configure({});
      side.olds = await oldsOf(side.runtime);
    }
    const answers: Record<string, unknown> = {};
    for (const [i, f] of resources.entries()) {
      const c = await runtime.ovfImport.check({}, inputsOf(f, i) as never);
      answers[`vm-${i}`] = { inputs: c.inputs, failures: c.failures };
    }
    fs.writeFileSync(floorFile, JSON.stringify(answers));
    floor.host = await startPluginHost({ env: { OVFKIT_BENCH_FLOOR: floorFile } });
    await floor.host.configure({});
    // Warm-up, then the rounds, every measure interleaved with the others.
    for (let r = -2; r < ROUNDS; r++) {
      let t = now(); parseAll(); const p = now() - t;
      t = now(); parseModelAll(); const m = now() - t;
      if (r >= 0) { parse.push(p); parseModel.push(m); }
      for (const side of sides) {
        const copies = roundCopies();
        t = now(); await previewAll(side, copies); if (r >= 0) side.inProcess.push(now() - t);
        const fresh = roundCopies();
        t = now(); await overGrpc(side, fresh); if (r >= 0) side.grpc.push(now() - t);
      }
      const floorCopies = roundCopies();
      t = now(); await overFloor(floorCopies); if (r >= 0) floor.grpc.push(now() - t);
    }
  } finally {
    for (const side of sides) await side.host?.stop();
    await floor.host?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const kib = resources.reduce((n, f) => n + f.bytes.length, 0) / 1024;
  const p = median(parse);
  const m = median(parseModel);
  process.stdout.write(`preview of ${RESOURCES} OvfImport resources over the ${files.length} largest corpus descriptors (${kib.toFixed(0)} KiB in all), median of ${ROUNDS} interleaved rounds, each over its own copies (new digests); load average ${os.loadavg()[0]!.toFixed(1)}\n`);
  for (const f of files) process.stdout.write(`  ${path.relative(corpusRoot, f.file)} (${(f.bytes.length / 1024).toFixed(0)} KiB)\n`);
  process.stdout.write(`bare parseDescriptor ×${RESOURCES}          ${p.toFixed(1).padStart(8)} ms  (baseline)\n`);
  process.stdout.write(`parseDescriptorWithModel ×${RESOURCES}      ${m.toFixed(1).padStart(8)} ms  ${(m / p).toFixed(2)}× (the parse createPlan uses)\n`);
  for (const side of sides) {
    const q = median(side.inProcess);
    const g = median(side.grpc);
    if (sides.length > 1) process.stdout.write(`${side.label}:\n`);
    process.stdout.write(`check()+diff() ×${RESOURCES}, in process    ${q.toFixed(1).padStart(8)} ms  ${(q / p).toFixed(2)}× the parse, ${(q / RESOURCES).toFixed(2)} ms per resource\n`);
    process.stdout.write(`Check+Diff ×${RESOURCES} over the plugin host ${g.toFixed(1).padStart(8)} ms  ${(g / p).toFixed(2)}× the parse, ${(g / RESOURCES).toFixed(2)} ms per resource\n`);
  }
  const fl = median(floor.grpc);
  process.stdout.write(`floor: a no-op provider, same messages  ${fl.toFixed(1).padStart(8)} ms  ${(fl / p).toFixed(2)}× the parse, ${(fl / RESOURCES).toFixed(2)} ms per resource (the host and this client alone)\n`);
}

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
