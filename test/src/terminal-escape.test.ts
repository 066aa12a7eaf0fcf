/**
 * No control character from a package reaches a terminal or a log (issue 12 item 7): member names,
 * file names, manifest lines and descriptor text carrying every class of control (C0 with ESC,
 * BEL, BS, CR, TAB and LF, DEL, C1, bidi overrides and isolates) go through every CLI command that
 * prints package text, run as a child process; its stdout and stderr hold none of them outside
 * the CLI's own line breaks and indentation, no line is forged, and --json is exact.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { OvfImport, OvfTesting } from '@ovfkit/cdktf';
import { tarHeader, tarPadding, tarTrailer } from '@ovfkit/package';
import { repoRoot } from './paths';
import { assertNothingLeft } from './sim/checks';
import { useSimulator } from './sim/simulator';
import { makeStreamOptimizedVmdk } from './vsphere-fixtures';

const bin = path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js');

/** Every control class as it can stand in a file or member name (no NUL, no '/', no backslash: refused as names). */
const C0 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).filter((c) => c !== '\0').join('');
const C1 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(0x80 + i)).join('');
const BIDI = '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u2028\u2029';
/** A terminal attack: set the title, clear the screen, then forge a line of output. */
const ATTACK = '\x1b]0;PWNED\x07\x1b[2J\x1b[H\rFAKE\nFORGED: all good\x08\x7f\x9b31m';
const NAME = `n${ATTACK}${C0}${C1}${BIDI}e`;
/** The same classes as XML can carry them in a descriptor (C0 other than TAB, LF and CR cannot be written, even as a reference). */
const XML_TEXT = `x&#9;&#10;&#13;FORGED: ok &#13;&#10;FORGED: ok\u007f${C1}${BIDI}y`;
const XML_VALUE = `x\t\n\rFORGED: ok \r\nFORGED: ok\u007f${C1}${BIDI}y`;

/** What may reach a terminal: LF and TAB (the CLI's layout) and printable text. */
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;

/** The hostile descriptor: minimal.ovf with hostile text in every name, label and value it has. */
function hostileDescriptor(href: string): string {
  const ovf = fs.readFileSync(path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf'), 'utf8');
  return ovf
    .replace('ovf:href="minimal-disk1.vmdk"', `ovf:href="${href}"`)
    .replace(/ovf:size="196608"/, 'ovf:size="512"')
    .replace('<Name>minimal</Name>', `<Name>vm${XML_TEXT}</Name>`)
    .replace(/VM Network/g, `net${XML_TEXT}`)
    .replace('<Label>Small</Label>', `<Label>Small${XML_TEXT}</Label>`)
    .replace('<rasd:ElementName>Hard Disk 1</rasd:ElementName>', `<rasd:ElementName>Hard Disk${XML_TEXT}</rasd:ElementName>`)
    .replace('<Product>minimal appliance</Product>', `<Product>app${XML_TEXT}</Product>`)
    .replace('<Vendor>ovfkit examples</Vendor>', `<Vendor>vendor${XML_TEXT}</Vendor>`)
    .replace('ovf:value="pool.ntp.org"', `ovf:value="ntp${XML_TEXT}"`)
    .replace('ovf:key="log_level"', `ovf:key="log${XML_TEXT}"`)
    .replace(/<Annotation>[^<]*<\/Annotation>/, `<Annotation>note${XML_TEXT}</Annotation>`);
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string; raw: Buffer } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, timeout: 60_000, env: { ...process.env, ...env } });
  const decode = (b: Buffer): string => new TextDecoder('utf-8', { fatal: true }).decode(b);
  return { status: r.status, stdout: decode(r.stdout), stderr: decode(r.stderr), raw: Buffer.concat([r.stdout, r.stderr]) };
}

/** What is wrong with one command's output: a forbidden character (with its place) or a forged line. */
function problems(text: string): string[] {
  const out: string[] = [];
  const m = FORBIDDEN.exec(text);
  if (m) out.push(`U+${m[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${m.index}: ${JSON.stringify(text.slice(Math.max(0, m.index - 30), m.index + 10))}`);
  for (const line of text.split('\n')) if (/^\s*(FORGED|FAKE)/.test(line)) out.push(`forged line ${JSON.stringify(line)}`);
  return out;
}

describe('no control character from a package reaches a terminal or a log', function () {
  this.timeout(180_000);
  let tmp = '';
  // A manifest line cannot name a file with a line break, so the disk's name has the other classes.
  const diskName = `disk\t\u007f${C1}${BIDI}.vmdk`;
  const extra = `extra${NAME}.bin`;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-escape-'));
    // A package folder whose own name, disk file name and descriptor text are hostile, and whose
    // manifest names an absent file with ESC, BEL and the rest in it.
    const dir = path.join(tmp, `pkg${NAME}`);
    fs.mkdirSync(dir);
    const descriptor = hostileDescriptor(`disk&#9;\u007f${C1}${BIDI}.vmdk`);
    const disk = Buffer.alloc(512, 7);
    fs.writeFileSync(path.join(dir, 'vm.ovf'), descriptor);
    fs.writeFileSync(path.join(dir, diskName), disk);
    const mf = `SHA256(vm.ovf)= ${sha256(descriptor)}\nSHA256(${diskName})= ${sha256(disk)}\nSHA256(${extra})= ${'0'.repeat(64)}\n`;
    fs.writeFileSync(path.join(dir, 'vm.mf'), mf);
    // An .ova of the same package with one more member whose name carries every class.
    const members: [string, Buffer][] = [['vm.ovf', Buffer.from(descriptor)], ['vm.mf', Buffer.from(mf)], [diskName, disk], [extra, Buffer.from('x')]];
    const ova: Buffer[] = [];
    for (const [name, data] of members) ova.push(tarHeader(name, data.length), data, tarPadding(data.length));
    fs.writeFileSync(path.join(tmp, `hostile${NAME}.ova`), Buffer.concat([...ova, tarTrailer()]));
    // An .ova whose manifest agrees with its files (so unpack succeeds and prints what it wrote).
    const goodMf = `SHA256(vm.ovf)= ${sha256(descriptor)}\nSHA256(${diskName})= ${sha256(disk)}\n`;
    const good: Buffer[] = [];
    for (const [name, data] of [['vm.ovf', Buffer.from(descriptor)], ['vm.mf', Buffer.from(goodMf)], [diskName, disk], [extra, Buffer.from('x')]] as [string, Buffer][]) {
      good.push(tarHeader(name, data.length), data, tarPadding(data.length));
    }
    fs.writeFileSync(path.join(tmp, 'good.ova'), Buffer.concat([...good, tarTrailer()]));
    // A descriptor that is not XML because of a raw ESC sequence: the parser's message quotes it.
    fs.writeFileSync(path.join(tmp, `bad${NAME}.ovf`), descriptor.replace('<Info>A minimal virtual machine</Info>', `<Info>${ATTACK}</Info>`));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('every command, in text and --json, prints none of them, forges no line, and --json is exact', () => {
    const pkg = `pkg${NAME}`;
    const ova = `hostile${NAME}.ova`;
    const bad = `bad${NAME}.ovf`;
    const commands: string[][] = [];
    for (const input of [`${pkg}/vm.ovf`, ova, bad]) commands.push(['parse', input], ['plan', input], ['validate-host', input], ['import-spec', input]);
    commands.push(['plan', pkg, '--net', `net${XML_VALUE}=VM Network`]);
    commands.push(['manifest', 'verify', pkg], ['manifest', 'verify', ova], ['ova', 'unpack', ova, `out${NAME}`], ['ova', 'unpack', 'good.ova', `out${NAME}`]);
    commands.push(['ova', 'pack', pkg, `packed${NAME}.ova`, '--manifest', 'create'], ['ova', 'pack', pkg, `kept${NAME}.ova`], ['manifest', 'create', `${pkg}/vm.ovf`]);
    commands.push(['unpack-typo', NAME], ['plan', `absent${NAME}.ovf`]);
    const found: string[] = [];
    const seen = { text: '', json: 0 };
    for (const args of commands) {
      for (const json of [false, true]) {
        const r = run(json ? [...args, '--json'] : args, tmp);
        assert.ok(r.status === 0 || r.status === 1 || r.status === 2, `${args[0]} exited ${r.status}`);
        for (const p of problems(r.stdout + r.stderr)) found.push(`${args.slice(0, 2).join(' ')}${json ? ' --json' : ''}: ${p}`);
        if (json) {
          // One JSON document on stdout, nothing on stderr; it parses, so the escapes are exact.
          assert.equal(r.stderr, '', `${args.join(' ')} --json wrote to stderr`);
          JSON.parse(r.stdout);
          seen.json++;
        } else seen.text += r.stdout + r.stderr;
      }
      fs.rmSync(path.join(tmp, `packed${NAME}.ova`), { force: true });
    }
    assert.deepEqual(found, []);
    // The texts were shown, escaped: the escapes of ESC, BEL, LF, C1 and an override all appear.
    for (const e of ['\\x1b]0;PWNED\\x07', '\\x0aFORGED', '\\x9b31m', '\\u202e', '\\x85']) assert.ok(seen.text.includes(e), `no ${e} in the text output`);
    assert.ok(seen.json > 0);
  });

  it('--json carries the exact text: parse returns the names as the descriptor has them', () => {
    const r = run(['parse', `pkg${NAME}/vm.ovf`, '--json'], tmp);
    assert.equal(FORBIDDEN.test(r.stdout.replace(/\n/g, '')), false);
    const parsed = JSON.parse(r.stdout) as { defaultEntityName: string; network: { name: string }[]; annotation: string };
    // An attribute keeps every character; element text comes back with the same C1 and bidi characters.
    assert.deepEqual(parsed.network.map((n) => n.name), [`net${XML_VALUE}`]);
    for (const text of [parsed.defaultEntityName, parsed.annotation]) assert.ok(text.endsWith(`FORGED: ok\u007f${C1}${BIDI}y`), JSON.stringify(text));
  });

  it('ova unpack writes the hostile names as they are, inside the destination', () => {
    const out = path.join(tmp, 'exact');
    const r = run(['ova', 'unpack', 'good.ova', out, '--json'], tmp);
    assert.equal(r.status, 0, r.stdout);
    assert.deepEqual(fs.readdirSync(out).sort(), [diskName, extra, 'vm.mf', 'vm.ovf'].sort());
  });

  describe('ovfkit import against the simulator', () => {
    const sim = useSimulator();
    const env = (): NodeJS.ProcessEnv => ({ VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint });

    it('refused by the plan, failing mid-upload and succeeding, in text with plain progress and --json: no control character, no forged line', async () => {
      // The hostile folder again, with a real streamOptimized disk under the hostile name, so the import completes.
      const ok = path.join(tmp, `ok${NAME}`);
      fs.mkdirSync(ok);
      const vmdk = fs.readFileSync(makeStreamOptimizedVmdk(tmp, 'real', 1));
      fs.writeFileSync(path.join(ok, 'vm.ovf'), hostileDescriptor(`disk&#9;\u007f${C1}${BIDI}.vmdk`).replace('ovf:size="512"', `ovf:size="${vmdk.length}"`));
      fs.writeFileSync(path.join(ok, diskName), vmdk);
      // The hostile folder with a manifest that lists only its two files (the first one's third line cannot be a manifest line).
      const imp = path.join(tmp, `imp${NAME}`);
      fs.mkdirSync(imp);
      for (const f of ['vm.ovf', diskName]) fs.copyFileSync(path.join(tmp, `pkg${NAME}`, f), path.join(imp, f));
      fs.writeFileSync(path.join(imp, 'vm.mf'), ['vm.ovf', diskName].map((f) => `SHA256(${f})= ${sha256(fs.readFileSync(path.join(imp, f)))}\n`).join(''));
      const pool = ['--pool', 'DC0_C0/Resources'];
      const net = ['--net', `net${XML_VALUE}=VM Network`];
      const runs: Array<{ args: string[]; status: number }> = [
        // Its manifest names a file with a line break: refused, quoting the lines.
        { args: ['import', `pkg${NAME}`, ...pool, ...net], status: 2 },
        // The plan refuses it (its network is mapped to one the inventory lacks): the issues quote both names.
        { args: ['import', `imp${NAME}`, ...pool, '--net', `net${XML_VALUE}=none${NAME}`], status: 1 },
        // Planned, then the upload fails (the disk is no streamOptimized VMDK): the error names the file.
        { args: ['import', `imp${NAME}`, ...pool, ...net, '--name', 'broken-upload', '--progress', 'plain'], status: 2 },
        // Imported: the plan, the progress lines and the result carry the descriptor's names.
        { args: ['import', `ok${NAME}`, ...pool, ...net, '--name', 'escaped-ok', '--progress', 'plain'], status: 0 },
      ];
      const found: string[] = [];
      let text = '';
      for (const { args, status } of runs) {
        for (const json of [false, true]) {
          const argv = (json ? [...args.filter((a, k) => a !== '--progress' && args[k - 1] !== '--progress'), '--json'] : args).map((a) => (json && a === 'escaped-ok' ? 'escaped-ok-json' : a));
          const r = run(argv, tmp, env());
          assert.equal(r.status, status, `${argv.slice(0, 2).join(' ')}${json ? ' --json' : ''} exited ${r.status}: ${r.stdout}${r.stderr}`);
          for (const p of problems(r.stdout + r.stderr)) found.push(`${argv.slice(0, 2).join(' ')}${json ? ' --json' : ''}: ${p}`);
          if (json) {
            assert.equal(r.stderr, '', `${argv.join(' ')} wrote to stderr`);
            JSON.parse(r.stdout);
          } else text += r.stdout + r.stderr;
        }
      }
      assert.deepEqual(found, []);
      for (const e of ['\\x0aFORGED', '\\u202e', '\\x85']) assert.ok(text.includes(e), `no ${e} in the text output`);
      assert.ok(/disk\\x09\\x7f/.test(text), 'the disk name was shown, escaped');
      await assertNothingLeft(sim(), 'broken-upload');
      assert.deepEqual((await sim().state()).virtualMachines.map((v) => v.name).sort(), ['escaped-ok', 'escaped-ok-json'], 'only the imports that succeeded left a VM');
    });
  });

  it('the Pulumi provider hands the engine no control character: check failures and errors', async () => {
    const { ovfImport } = require('@ovfkit/pulumi/runtime') as typeof import('@ovfkit/pulumi/runtime');
    const messages: string[] = [];
    for (const source of [path.join(tmp, `pkg${NAME}`, 'vm.ovf'), path.join(tmp, `hostile${NAME}.ova`), path.join(tmp, `absent${NAME}.ovf`), path.join(tmp, `bad${NAME}.ovf`)]) {
      const r = await ovfImport.check({}, { source, name: `vm${NAME}`, networkMapping: { [`net${XML_VALUE}`]: `VM Network${NAME}` }, propertyMapping: { [`log${XML_VALUE}`]: NAME } } as never);
      messages.push(...r.failures.flatMap((f) => [f.property, f.reason]));
    }
    // create() with the plan refusing it (no connection is configured: the error names what is missing).
    await ovfImport.create({ source: path.join(tmp, `absent${NAME}.ovf`) } as never).then(() => assert.fail('created'), (e: Error) => messages.push(e.message, e.stack ?? ''));
    assert.ok(messages.length > 4, 'the checks reported failures');
    assert.deepEqual(messages.flatMap(problems), []);
    assert.ok(messages.some((m) => m.includes('\\x1b]0;PWNED')) && messages.some((m) => m.includes('\\u202e')), 'the failures show the names escaped');
  });

  it('CDKTF synth errors, validations and warnings carry no control character', () => {
    const messages: string[] = [];
    for (const source of [path.join(tmp, `pkg${NAME}`, 'vm.ovf'), path.join(tmp, `hostile${NAME}.ova`), path.join(tmp, `absent${NAME}.ovf`), path.join(tmp, `bad${NAME}.ovf`)]) {
      const stack = new TerraformStack(Testing.app({ outdir: path.join(tmp, 'cdktf.out') }), 'test');
      try {
        new OvfImport(stack, 'App', { source, datacenter: 'DC0', networkMapping: { [`net${XML_VALUE}`]: `VM Network${NAME}` }, propertyMapping: { [`log${XML_VALUE}`]: NAME } });
        messages.push(...[...OvfTesting.errors(stack), ...OvfTesting.warnings(stack), ...OvfTesting.infos(stack)].map((m) => m.message));
      } catch (e) {
        messages.push((e as Error).message);
      }
    }
    assert.ok(messages.length > 4, 'synth reported problems');
    assert.deepEqual(messages.flatMap(problems), []);
    assert.ok(messages.some((m) => m.includes('\\x1b]0;PWNED')) && messages.some((m) => m.includes('\\u202e')), 'the messages show the names escaped');
  });
});
