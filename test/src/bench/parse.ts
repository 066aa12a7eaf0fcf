/**
 * `pnpm bench parse`: parseDescriptor (read + full validation) over the corpus and over a
 * generated descriptor with 20,000 Items and 5,000 Properties, against govmomi's `ovf.Unmarshal`
 * (test/bench-go/ovfunmarshal, built here into .bench/bin) on the same files in the same run.
 * Each side runs in its own process so that peak RSS is its own. Warm: best of 3 rounds after a
 * warm-up; cold: the first pass in a fresh process, 9 rounds. `OVFKIT_BENCH_PARSE=warm|cold` runs one.
 * `OVFKIT_BENCH_BASELINE=<dir>` adds a third side, interleaved with the others: the @ovfkit/core
 * built in `<dir>` (its `dist/index.js`, e.g. an older commit's), to tell code changes from load.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { provenance } from '../corpus';
import { corpusRoot, repoRoot } from '../paths';

const dir = path.join(repoRoot, '.bench', 'parse');
const goBin = path.join(repoRoot, '.bench', 'bin', 'ovfunmarshal');
const coreDist = path.join(repoRoot, 'packages', 'core', 'dist', 'index.js');
const baselineDir = process.env['OVFKIT_BENCH_BASELINE'];
const baselineDist = baselineDir ? path.join(path.resolve(baselineDir), 'dist', 'index.js') : undefined;

interface Measure {
  files: number;
  bytes: number;
  iterations: number;
  seconds: number;
  /** CPU time (user + system, all threads) of the timed loop. */
  cpuSeconds: number;
  failures: number;
  maxRssKiB: number;
  /** Cold measure only (Node): the time to load @ovfkit/core, before the first pass. */
  loadSeconds?: number;
}

/** The well-formed corpus descriptors (those the XML check accepts), as a list file. */
function corpusList(): string {
  const files = provenance().filter((r) => r.kind === 'descriptor' && r.xmlCheck === 'well-formed').map((r) => path.join(corpusRoot, r.localPath));
  const list = path.join(dir, 'corpus.list');
  fs.writeFileSync(list, files.join('\n') + '\n');
  return list;
}

/** A valid descriptor with `items` RASD Items (with Parents and configurations) and `properties` Properties. */
function generateDescriptor(items: number, properties: number): string {
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
  xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
  xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
  xmlns:vmw="http://www.vmware.com/schema/ovf">
  <References>`);
  const disks = Math.max(1, Math.floor(items / 100));
  for (let d = 0; d < disks; d++) out.push(`    <File ovf:href="disk${d}.vmdk" ovf:id="file${d}" ovf:size="${1000000 + d}"/>`);
  out.push('  </References>\n  <DiskSection>\n    <Info>Virtual disk information</Info>');
  for (let d = 0; d < disks; d++) {
    out.push(`    <Disk ovf:capacity="${10 + (d % 90)}" ovf:capacityAllocationUnits="byte * 2^30" ovf:diskId="vmdisk${d}" ovf:fileRef="file${d}" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized" ovf:populatedSize="${500000 + d}"/>`);
  }
  out.push(`  </DiskSection>
  <NetworkSection>
    <Info>The list of logical networks</Info>
    <Network ovf:name="VM Network"><Description>The VM Network network</Description></Network>
  </NetworkSection>
  <DeploymentOptionSection>
    <Info>Sizes</Info>
    <Configuration ovf:id="small" ovf:default="true"><Label>Small</Label><Description>small</Description></Configuration>
    <Configuration ovf:id="large"><Label>Large</Label><Description>large</Description></Configuration>
  </DeploymentOptionSection>
  <VirtualSystem ovf:id="bench">
    <Info>A generated virtual machine</Info>
    <ProductSection ovf:class="bench">
      <Info>Properties</Info>
      <Product>Bench</Product><Vendor>ovfkit</Vendor><Version>1.0</Version>`);
  for (let p = 0; p < properties; p++) {
    if (p % 50 === 0) out.push(`      <Category>Group ${p / 50}</Category>`);
    const kind = p % 4;
    const attrs = kind === 0 ? 'ovf:type="string" ovf:qualifiers="MinLen(1),MaxLen(64)" ovf:value="value"'
      : kind === 1 ? 'ovf:type="uint16" ovf:qualifiers="MinValue(1) MaxValue(10000)" ovf:value="42"'
      : kind === 2 ? 'ovf:type="string" ovf:qualifiers="ValueMap{&quot;a&quot;,&quot;b&quot;,&quot;c&quot;}" ovf:value="b"'
      : 'ovf:type="boolean" ovf:value="true"';
    out.push(`      <Property ovf:key="prop_${p}" ${attrs} ovf:userConfigurable="true">
        <Label>Property ${p}</Label>
        <Description>Generated property number ${p}</Description>
      </Property>`);
  }
  out.push(`    </ProductSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>bench</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType>
      </System>`);
  for (let i = 1; i <= items; i++) {
    const r = i % 10;
    if (r === 1) {
      out.push(`      <Item><rasd:Address>${i}</rasd:Address><rasd:Description>SCSI Controller</rasd:Description><rasd:ElementName>SCSI controller ${i}</rasd:ElementName><rasd:InstanceID>${i}</rasd:InstanceID><rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>`);
    } else if (r === 2 && Math.floor(i / 10) < disks) {
      out.push(`      <Item><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:ElementName>Hard disk ${i}</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk${Math.floor(i / 10)}</rasd:HostResource><rasd:InstanceID>${i}</rasd:InstanceID><rasd:Parent>${i - 1}</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>`);
    } else if (r === 3) {
      out.push(`      <Item ovf:configuration="large"><rasd:AutomaticAllocation>true</rasd:AutomaticAllocation><rasd:Connection>VM Network</rasd:Connection><rasd:ElementName>Network adapter ${i}</rasd:ElementName><rasd:InstanceID>${i}</rasd:InstanceID><rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType><vmw:Config ovf:required="false" vmw:key="wakeOnLanEnabled" vmw:value="false"/></Item>`);
    } else {
      out.push(`      <Item><rasd:Address>${i}</rasd:Address><rasd:ElementName>Serial port ${i}</rasd:ElementName><rasd:InstanceID>${i}</rasd:InstanceID><rasd:Parent>${i - ((i - 1) % 10)}</rasd:Parent><rasd:ResourceSubType>vmware.serialport.device</rasd:ResourceSubType><rasd:ResourceType>21</rasd:ResourceType></Item>`);
    }
  }
  out.push(`      <vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="efi"/>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
`);
  return out.join('\n');
}

/** Worker side (own process): parse the listed files `iterations` times after one warm-up pass. */
function worker(iterations: number, listFile: string, core: string): void {
  const { parseDescriptor } = require(core) as typeof import('@ovfkit/core');
  const files = fs.readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
  const data = files.map((f) => fs.readFileSync(f));
  const bytes = data.reduce((n, b) => n + b.length, 0);
  const params = { locale: '', deploymentOption: '' };
  let failures = 0;
  // Warm up for at least 2 s: on a loaded machine V8's optimizing compiler (background threads)
  // needs longer before the steady state this benchmark is about.
  const warmEnd = Date.now() + 2000;
  do for (const d of data) parseDescriptor(d, params);
  while (Date.now() < warmEnd);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    for (const d of data) if (parseDescriptor(d, params).error?.length) failures++;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  const m: Measure = { files: data.length, bytes, iterations, seconds, cpuSeconds: (c.user + c.system) / 1e6, failures: failures / iterations, maxRssKiB: process.resourceUsage().maxRSS };
  process.stdout.write(JSON.stringify(m) + '\n');
}

/**
 * Cold worker (own process): one pass over the listed files with nothing warmed up, what one CLI
 * call or one Pulumi check pays. Loading @ovfkit/core is timed apart; the files are read first.
 */
function coldWorker(listFile: string, core: string): void {
  const files = fs.readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
  const data = files.map((f) => fs.readFileSync(f));
  const bytes = data.reduce((n, b) => n + b.length, 0);
  const l0 = process.hrtime.bigint();
  const { parseDescriptor } = require(core) as typeof import('@ovfkit/core');
  const loadSeconds = Number(process.hrtime.bigint() - l0) / 1e9;
  const params = { locale: '', deploymentOption: '' };
  let failures = 0;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const d of data) if (parseDescriptor(d, params).error?.length) failures++;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  const m: Measure = { files: data.length, bytes, iterations: 1, seconds, cpuSeconds: (c.user + c.system) / 1e6, failures, maxRssKiB: process.resourceUsage().maxRSS, loadSeconds };
  process.stdout.write(JSON.stringify(m) + '\n');
}

function runMeasure(cmd: string, args: string[]): Measure {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measure;
}

const mbps = (m: Measure): number => (m.bytes * m.iterations) / m.seconds / 1e6;
const cpuMbps = (m: Measure): number => (m.bytes * m.iterations) / m.cpuSeconds / 1e6;
const dps = (m: Measure): number => (m.files * m.iterations) / m.seconds;
const line = (label: string, m: Measure): string =>
  `  ${label.padEnd(44)} ${mbps(m).toFixed(1).padStart(6)} MB/s wall ${cpuMbps(m).toFixed(1).padStart(6)} MB/s CPU ${dps(m).toFixed(0).padStart(6)} descr/s  peak RSS ${(m.maxRssKiB / 1024).toFixed(0).padStart(4)} MiB${m.failures ? `  (${m.failures} with errors)` : ''}`;

/**
 * Best of `rounds` alternating runs of each side (by CPU time). The machine is shared: wall time
 * favours the side with more runnable threads (Go's parallel GC), so the ratio is per CPU second.
 */
function compare(title: string, list: string, iterations: number, rounds = 3): void {
  let node: Measure | undefined;
  let go: Measure | undefined;
  let base: Measure | undefined;
  for (let r = 0; r < rounds; r++) {
    const n = runMeasure(process.execPath, [__filename, '--worker', String(iterations), list, coreDist]);
    const b = baselineDist ? runMeasure(process.execPath, [__filename, '--worker', String(iterations), list, baselineDist]) : undefined;
    const g = runMeasure(goBin, [String(iterations), list]);
    if (!node || n.cpuSeconds < node.cpuSeconds) node = n;
    if (b && (!base || b.cpuSeconds < base.cpuSeconds)) base = b;
    if (!go || g.cpuSeconds < go.cpuSeconds) go = g;
  }
  if (!node || !go) throw new Error('no measurement');
  process.stdout.write(`${title}: ${node.files} descriptor(s), ${(node.bytes / 1e6).toFixed(2)} MB, ${iterations} iterations, best of ${rounds} rounds\n`);
  process.stdout.write(`${line('ovfkit parseDescriptor (read + validation)', node)}\n`);
  if (base) process.stdout.write(`${line('ovfkit at the baseline build', base)}\n`);
  process.stdout.write(`${line('govmomi ovf.Unmarshal (no validation)', go)}\n`);
  const bare = bareNodeRssKiB();
  process.stdout.write(`  ratio ovfkit / govmomi: ${(cpuMbps(node) / cpuMbps(go)).toFixed(2)}× throughput per CPU second (${(mbps(node) / mbps(go)).toFixed(2)}× wall), ${(node.maxRssKiB / go.maxRssKiB).toFixed(2)}× peak RSS; above a bare Node process (${(bare / 1024).toFixed(0)} MiB) ${((node.maxRssKiB - bare) / go.maxRssKiB).toFixed(2)}× govmomi's\n`);
  if (base) process.stdout.write(`  ratio ovfkit / baseline build: ${(cpuMbps(node) / cpuMbps(base)).toFixed(2)}× throughput per CPU second, ${(node.maxRssKiB / base.maxRssKiB).toFixed(2)}× peak RSS; baseline / govmomi ${(cpuMbps(base) / cpuMbps(go)).toFixed(2)}× per CPU second\n`);
  process.stdout.write('\n');
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * The first pass in a fresh process for each side, `rounds` alternating processes each. A first
 * pass is short and the machine is shared, so the median and the best of the rounds are both shown;
 * wall time is what the caller waits for (it includes V8 compiling on background threads).
 */
function compareCold(title: string, list: string, rounds = 9): void {
  const node: Measure[] = [];
  const go: Measure[] = [];
  const base: Measure[] = [];
  for (let r = 0; r < rounds; r++) {
    node.push(runMeasure(process.execPath, [__filename, '--cold', list, coreDist]));
    if (baselineDist) base.push(runMeasure(process.execPath, [__filename, '--cold', list, baselineDist]));
    go.push(runMeasure(goBin, ['1', list, 'cold']));
  }
  const stats = (ms: Measure[]): { wall: number; cpu: number; bestWall: number; bestCpu: number; rss: number } => ({
    wall: median(ms.map((m) => m.seconds)), cpu: median(ms.map((m) => m.cpuSeconds)),
    bestWall: Math.min(...ms.map((m) => m.seconds)), bestCpu: Math.min(...ms.map((m) => m.cpuSeconds)), rss: median(ms.map((m) => m.maxRssKiB)),
  });
  const n = stats(node);
  const g = stats(go);
  const bytes = node[0]!.bytes;
  const fmt = (label: string, x: ReturnType<typeof stats>, extra = ''): string =>
    `  ${label.padEnd(44)} median ${(bytes / x.wall / 1e6).toFixed(1).padStart(5)} MB/s wall ${(bytes / x.cpu / 1e6).toFixed(1).padStart(5)} MB/s CPU, best ${(bytes / x.bestWall / 1e6).toFixed(1).padStart(5)} / ${(bytes / x.bestCpu / 1e6).toFixed(1).padStart(5)}  peak RSS ${(x.rss / 1024).toFixed(0).padStart(4)} MiB${extra}`;
  process.stdout.write(`${title}, first pass in a fresh process: ${node[0]!.files} descriptor(s), ${(bytes / 1e6).toFixed(2)} MB, ${rounds} rounds\n`);
  process.stdout.write(`${fmt('ovfkit parseDescriptor (read + validation)', n, `  (loading @ovfkit/core: median ${(median(node.map((m) => m.loadSeconds ?? 0)) * 1000).toFixed(0)} ms)`)}\n`);
  const b = base.length ? stats(base) : undefined;
  if (b) process.stdout.write(`${fmt('ovfkit at the baseline build', b, `  (loading @ovfkit/core: median ${(median(base.map((m) => m.loadSeconds ?? 0)) * 1000).toFixed(0)} ms)`)}\n`);
  process.stdout.write(`${fmt('govmomi ovf.Unmarshal (no validation)', g)}\n`);
  const bare = bareNodeRssKiB();
  process.stdout.write(`  ratio ovfkit / govmomi: ${(g.wall / n.wall).toFixed(2)}× throughput (median wall), ${(g.cpu / n.cpu).toFixed(2)}× per CPU second (median), ${(g.bestWall / n.bestWall).toFixed(2)}× best wall; ${(n.rss / g.rss).toFixed(2)}× peak RSS; above a bare Node process (${(bare / 1024).toFixed(0)} MiB) ${((n.rss - bare) / g.rss).toFixed(2)}× govmomi's\n`);
  if (b) process.stdout.write(`  ratio ovfkit / baseline build: ${(b.cpu / n.cpu).toFixed(2)}× per CPU second (median), ${(b.wall / n.wall).toFixed(2)}× median wall, ${(n.rss / b.rss).toFixed(2)}× peak RSS; baseline / govmomi ${(g.cpu / b.cpu).toFixed(2)}× per CPU second\n`);
  process.stdout.write('\n');
}
/** Peak RSS of `node -e 0`, the floor every Node side starts from (median of 3). */
function bareNodeRssKiB(): number {
  const runs = [0, 1, 2].map(() => {
    const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.resourceUsage().maxRSS))'], { encoding: 'utf8' });
    return Number(r.stdout);
  });
  return median(runs);
}

/** This bench reads the shared OVF corpus (run.ts refuses to start it without). */
export const needsCorpus = true;

export async function run(): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const build = spawnSync('go', ['build', '-o', goBin, './test/bench-go/ovfunmarshal'], {
    cwd: repoRoot, encoding: 'utf8', env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode' },
  });
  if (build.status !== 0) throw new Error(`building the govmomi baseline failed: ${build.stderr || build.error?.message}`);
  const generated = path.join(dir, 'generated-20000-items-5000-properties.ovf');
  fs.writeFileSync(generated, generateDescriptor(20000, 5000));
  const genList = path.join(dir, 'generated.list');
  fs.writeFileSync(genList, generated + '\n');
  process.stdout.write(`parse bench — node ${process.version}, ${process.platform}/${process.arch}, load average ${os.loadavg()[0]!.toFixed(1)}${baselineDist ? `; baseline build ${baselineDist}` : ''}; each side in its own process after a warm-up (node: 2 s, go: one pass)\n\n`);
  const corpus = corpusList();
  const only = process.env['OVFKIT_BENCH_PARSE'];
  if (only !== 'cold') {
    compare('corpus (well-formed descriptors)', corpus, Number(process.env['OVFKIT_BENCH_ITERATIONS'] ?? 10));
    compare('generated (20,000 Items, 5,000 Properties)', genList, Number(process.env['OVFKIT_BENCH_ITERATIONS'] ?? 5));
  }
  if (only !== 'warm') {
    compareCold('corpus (well-formed descriptors)', corpus);
    compareCold('generated (20,000 Items, 5,000 Properties)', genList);
  }
}

if (require.main === module && process.argv[2] === '--worker') worker(Number(process.argv[3]), process.argv[4]!, process.argv[5]!);
if (require.main === module && process.argv[2] === '--cold') coldWorker(process.argv[3]!, process.argv[4]!);
