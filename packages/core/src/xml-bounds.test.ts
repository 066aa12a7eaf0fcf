/**
 * Hostile shapes of descriptor (issue 12, 2c/2d): each is read by `parseDescriptor` in a child
 * process from a file, as the CLI reads it, so that its CPU time and peak RSS are its own. The
 * assertions are the exact issue list, a peak RSS linear in the input, and — for inputs that are
 * read to the end — a CPU-time ratio between an input and one 4× larger (linear cost gives ~4×,
 * the quadratic line counting this guards against gave ~16×); no absolute time is asserted.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { issues } from './messages';
import { DEFAULT_MAX_ATTRIBUTES, DEFAULT_MAX_ATTRIBUTES_PER_ELEMENT, DEFAULT_MAX_ELEMENTS } from './xml';

/** What the child reports: the issues, the CPU time of the parse alone, and the process's peak RSS. */
interface Run {
  error: unknown[];
  warning: unknown[];
  cpuMs: number;
  maxRssKiB: number;
  bytes: number;
}

// The child reads the file as bytes and parses it once; generation stays in the parent.
const CHILD = `
const fs = require('fs');
const { parseDescriptor } = require(process.argv[1]);
const bytes = fs.readFileSync(process.argv[2]);
const c0 = process.cpuUsage();
const r = parseDescriptor(bytes, { locale: '', deploymentOption: '' });
const c = process.cpuUsage(c0);
process.stdout.write(JSON.stringify({ error: r.error ?? [], warning: r.warning ?? [], cpuMs: (c.user + c.system) / 1000, maxRssKiB: process.resourceUsage().maxRSS, bytes: bytes.length }));
`;

let dir: string;
before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-xml-bounds-')); });
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Parses `text` in a fresh process (killed after 60 s: a hang fails the test instead of stalling it). */
function parseInChild(text: string): Run {
  const file = path.join(dir, 'descriptor.ovf');
  fs.writeFileSync(file, text);
  const r = spawnSync(process.execPath, ['-e', CHILD, path.join(__dirname, 'index.js'), file], { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 24 });
  fs.rmSync(file);
  assert.equal(r.status, 0, `child failed (signal ${r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Run;
}

/** Best (lowest CPU) of two runs: one slow run on the shared machine does not decide a ratio. */
function best(text: string): Run {
  const a = parseInChild(text);
  const b = parseInChild(text);
  return a.cpuMs <= b.cpuMs ? a : b;
}

/** Peak RSS allowed for an input of `bytes`: a bare process plus a few copies of the input (bytes, text, tree). */
const rssBoundKiB = (bytes: number): number => 160 * 1024 + (4 * bytes) / 1024;

/** Asserts linear cost: the 4× input takes under 8× the CPU time of the 1× input, both within the RSS bound. */
function assertLinear(small: Run, large: Run): void {
  assert.ok(large.bytes > 3.5 * small.bytes, 'the large input is about 4x the small one');
  const ratio = large.cpuMs / small.cpuMs;
  assert.ok(ratio < 8, `4x the input took ${ratio.toFixed(1)}x the CPU time (${small.cpuMs.toFixed(0)} ms -> ${large.cpuMs.toFixed(0)} ms)`);
  for (const r of [small, large]) assert.ok(r.maxRssKiB < rssBoundKiB(r.bytes), `peak RSS ${r.maxRssKiB} KiB for ${r.bytes} bytes`);
}

const OVF_HEAD = '<?xml version="1.0" encoding="UTF-8"?><Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"><References/><VirtualSystem ovf:id="vm">';

/** A valid descriptor with `items` serial-port Items, its lines joined by `eol` ("" = all on one line); `info` is the VirtualSystem's Info text. */
function descriptor(items: number, eol: string, info = 'A virtual machine'): string {
  const parts = [OVF_HEAD, `<Info>${info}</Info><VirtualHardwareSection><Info>Virtual hardware</Info>`,
    '<System><vssd:ElementName>Virtual Hardware Family</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType></System>'];
  for (let i = 1; i <= items; i++) {
    parts.push(`<Item><rasd:Address>${i}</rasd:Address><rasd:ElementName>Serial port ${i}</rasd:ElementName><rasd:InstanceID>${i}</rasd:InstanceID><rasd:ResourceSubType>vmware.serialport.device</rasd:ResourceSubType><rasd:ResourceType>21</rasd:ResourceType></Item>`);
  }
  parts.push('</VirtualHardwareSection></VirtualSystem></Envelope>');
  return parts.join(eol);
}

/** `count` attributes `a0="x"`… spread over elements of `perElement` each, under one root. */
function attributes(count: number, perElement: number): string {
  const parts = ['<r>'];
  for (let i = 0; i < count; i += perElement) {
    parts.push('<e');
    for (let k = 0; k < perElement && i + k < count; k++) parts.push(` a${k}="x"`);
    parts.push('/>');
  }
  parts.push('</r>');
  return parts.join('');
}

describe('hostile descriptor shapes (in a child process)', function () {
  this.timeout(180_000);

  for (const [shape, eol, info] of [
    ['on one line', '', undefined],
    ['on one line, read by saxes (a non-BMP character sends it there)', '', 'A virtual machine \u{1f600}'],
    ['with CRLF line ends', '\r\n', undefined],
  ] as const) {
    it(`reads a descriptor ${shape} at a cost linear in its size`, () => {
      const small = best(descriptor(20_000, eol, info));
      const large = best(descriptor(80_000, eol, info));
      assert.deepEqual([small.error, large.error], [[], []]);
      assertLinear(small, large);
    });
  }

  it('reads elements with many attributes (under the bounds) at a cost linear in their number', () => {
    // 48 per element: the fast path; 100 per element: saxes.
    for (const per of [48, 100]) {
      const small = best(attributes(200_000, per));
      const large = best(attributes(800_000, per));
      assert.equal(small.error.length, 1, 'a document that is not OVF is one error, after reading the whole tree');
      assertLinear(small, large);
    }
  });

  it('reads many elements (under the bound) at a cost linear in their number', () => {
    const small = best(`<r>${'<a/>'.repeat(240_000)}</r>`);
    const large = best(`<r>${'<a/>'.repeat(960_000)}</r>`);
    assertLinear(small, large);
  });

  // The inputs of issue 12 (51 MB of attributes took 55 s and 1.9 GB): each stops at its bound.
  for (const [what, text, expected] of [
    ['4,000,000 attributes on one element (51 MB)', `<a${Array.from({ length: 4_000_000 }, (_, i) => ` a${i}="x"`).join('')}/>`,
      issues.xmlTooManyAttributes(DEFAULT_MAX_ATTRIBUTES_PER_ELEMENT, true, 1, 1)],
    ['1,000,000 namespace declarations on one element', `<a${Array.from({ length: 1_000_000 }, (_, i) => ` xmlns:p${i}="urn:${i}"`).join('')}/>`,
      issues.xmlTooManyAttributes(DEFAULT_MAX_ATTRIBUTES_PER_ELEMENT, true, 1, 1)],
    // 1,000,000 attributes fill 15,625 elements of 64; the next element (after "<r>" and those) is past the bound.
    ['4,000,000 attributes, 64 per element (32 MB)', attributes(4_000_000, 64),
      issues.xmlTooManyAttributes(DEFAULT_MAX_ATTRIBUTES, false, 1, 4 + (DEFAULT_MAX_ATTRIBUTES / 64) * (attributes(64, 64).length - '<r></r>'.length))],
    ['16,000,000 elements (64 MB, the size limit)', `<r>${'<a/>'.repeat(16_000_000 - 1)}</r>`,
      issues.xmlTooManyElements(DEFAULT_MAX_ELEMENTS, 1, 4 + (DEFAULT_MAX_ELEMENTS - 1) * 4)],
  ] as const) {
    it(`refuses ${what} with an error naming the bound, in bounded memory`, () => {
      // The lower peak RSS of two runs: on a loaded machine the collector can fall behind for one run.
      const [a, b] = [parseInChild(text), parseInChild(text)];
      const r = a.maxRssKiB <= b.maxRssKiB ? a : b;
      assert.deepEqual(r.error, [JSON.parse(JSON.stringify(expected))]);
      assert.deepEqual(r.warning, []);
      assert.ok(r.maxRssKiB < rssBoundKiB(r.bytes), `peak RSS ${r.maxRssKiB} KiB for ${r.bytes} bytes`);
    });
  }
});
