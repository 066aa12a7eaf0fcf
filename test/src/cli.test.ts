import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { repoRoot } from './paths';
import { runCli } from './run-cli';

// Still exported from here for the tests that import it from this file; new code imports ./run-cli.
export { runCli };

describe('ovfkit CLI dispatcher', () => {
  it('lists its commands with --help and exits 0', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: ovfkit <command>/);
  });

  it('rejects an unknown command with exit 2 and no stack trace', async () => {
    const r = await runCli(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "frobnicate"/);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
  });

  it('reports an unknown command as JSON with --json', async () => {
    const r = await runCli(['frobnicate', '--json']);
    assert.equal(r.code, 2);
    assert.deepEqual(JSON.parse(r.stdout), { error: { code: 'USAGE', message: 'unknown command "frobnicate"; run "ovfkit --help" for the list' } });
  });
});

describe('ovfkit CLI: mistyped commands and options (issue 15)', () => {
  /** Runs argv and returns [exit code, stderr] (stdout must be empty: a usage error prints nothing else). */
  const usage = async (argv: string[]): Promise<[number, string]> => {
    const r = await runCli(argv);
    assert.equal(r.stdout, '');
    return [r.code, r.stderr];
  };

  it('an unknown option names the nearest ones, in one balanced sentence', async () => {
    assert.deepEqual(await usage(['parse', '--jsn', 'x.ovf']), [2, 'ovfkit: unknown option --jsn for "ovfkit parse"; did you mean --json?\n']);
    assert.deepEqual(await usage(['parse', '-json', 'x.ovf']), [2, 'ovfkit: unknown option -json for "ovfkit parse"; did you mean --json?\n']);
    assert.deepEqual(await usage(['plan', '--deployment-opton=small', 'x.ovf']), [2, 'ovfkit: unknown option --deployment-opton for "ovfkit plan"; did you mean --deployment-option?\n']);
    assert.deepEqual(await usage(['plan', '--xyzzy', 'x.ovf']), [2, 'ovfkit: unknown option --xyzzy for "ovfkit plan"; run "ovfkit plan --help" for its options (a file name starting with "-" goes after "--": ovfkit plan -- --xyzzy)\n']);
    assert.deepEqual(await usage(['parse', '-x']), [2, 'ovfkit: unknown option -x for "ovfkit parse"; run "ovfkit parse --help" for its options (a file name starting with "-" goes after "--": ovfkit parse -- -x)\n']);
  });

  it('a missing value, a value given to a flag, and an option as a value are said so', async () => {
    assert.deepEqual(await usage(['plan', 'x.ovf', '--name']), [2, 'ovfkit: option --name needs a value: --name <value>\n']);
    assert.deepEqual(await usage(['plan', '--deployment-option', '--locale', 'de', 'x.ovf']), [2, 'ovfkit: option --deployment-option needs a value, got the option --locale; for a value that starts with "-", write --deployment-option=--locale\n']);
    assert.deepEqual(await usage(['plan', '--accept-all-eulas=yes', 'x.ovf']), [2, 'ovfkit: option --accept-all-eulas takes no value, got --accept-all-eulas=yes\n']);
  });

  it('the same message as JSON with --json', async () => {
    const r = await runCli(['plan', '--jsn', 'x.ovf', '--json']);
    assert.equal(r.code, 2);
    assert.deepEqual(JSON.parse(r.stdout), { error: { code: 'USAGE', message: 'unknown option --jsn for "ovfkit plan"; did you mean --json?' } });
  });

  it('JSON mode is what the parser read: not an option\'s value, not an argument after --, also when reading fails', async () => {
    const noServer = 'no vSphere server: pass --server or set VSPHERE_SERVER (or GOVC_URL)';
    const out = async (argv: string[]): Promise<[number, string, string]> => {
      const r = await runCli(argv);
      return [r.code, r.stdout, r.stderr];
    };
    // --json as a value: refused by the parser, and the refusal is text on stderr.
    assert.deepEqual(await out(['reconfigure', '--annotation', '--json', 'vm']), [2, '', 'ovfkit: option --annotation needs a value, got the option --json; for a value that starts with "-", write --annotation=--json\n']);
    assert.deepEqual(await out(['reconfigure', '--annotation=--json', 'vm']), [2, '', `ovfkit: ${noServer}\n`]);
    // After "--" it is a file name.
    assert.deepEqual(await out(['parse', '--', '--json']), [2, '', 'ovfkit: cannot read --json: no such file\n']);
    assert.deepEqual(await out(['parse', '--jsn', '--', '--json']), [2, '', 'ovfkit: unknown option --jsn for "ovfkit parse"; did you mean --json?\n']);
    assert.deepEqual(await out(['frobnicate', '--', '--json']), [2, '', 'ovfkit: unknown command "frobnicate"; run "ovfkit --help" for the list\n']);
    // A real --json anywhere before "--" switches it, for a run-time error, a usage error and an unknown command.
    assert.deepEqual(await out(['reconfigure', '--annotation=x', 'vm', '--json']), [2, `${JSON.stringify({ error: { code: 'USAGE', message: noServer } }, null, 2)}\n`, '']);
    assert.deepEqual(await out(['parse', '--json', '--', '--json']), [2, `${JSON.stringify({ error: { code: 'IO', message: 'cannot read --json: no such file' } }, null, 2)}\n`, '']);
    assert.deepEqual(await out(['reconfigure', '--json', '--annotation']), [2, `${JSON.stringify({ error: { code: 'USAGE', message: 'option --annotation needs a value: --annotation <value>' } }, null, 2)}\n`, '']);
    assert.deepEqual(await out(['frobnicate', '--json', '--', 'x']), [2, `${JSON.stringify({ error: { code: 'USAGE', message: 'unknown command "frobnicate"; run "ovfkit --help" for the list' } }, null, 2)}\n`, '']);
  });

  it('an unknown command or sub-command names the nearest commands', async () => {
    assert.deepEqual(await usage(['pars', 'x.ovf']), [2, 'ovfkit: unknown command "pars"; did you mean "parse"? run "ovfkit --help" for the list\n']);
    assert.deepEqual(await usage(['manifst', 'verify', 'x.ova']), [2, 'ovfkit: unknown command "manifst"; did you mean "manifest verify"? run "ovfkit --help" for the list\n']);
    assert.deepEqual(await usage(['ova', 'pakc', 'dir']), [2, 'ovfkit: unknown command "ova pakc"; did you mean "ova pack"?\n']);
    assert.deepEqual(await usage(['manifest']), [2, 'ovfkit: "ovfkit manifest" needs a sub-command: "manifest verify" or "manifest create"\n']);
    assert.deepEqual(await usage(['manifest', 'frob']), [2, 'ovfkit: unknown command "manifest frob": "manifest verify" or "manifest create"\n']);
  });

  it('a typed control character is shown escaped', async () => {
    assert.deepEqual(await usage(['plan', '--x\x1b[2J', 'x.ovf']), [2, 'ovfkit: unknown option --x\\x1b[2J for "ovfkit plan"; run "ovfkit plan --help" for its options (a file name starting with "-" goes after "--": ovfkit plan -- --x\\x1b[2J)\n']);
  });

  it('--timeout is the one spelling; --timeout-seconds still works with a warning, not both; export\'s --manifest is --algorithm', async () => {
    // No server is given: the command stops at that, after reading its options.
    const old = await runCli(['destroy', '--timeout-seconds', '5', 'vm']);
    assert.deepEqual([old.code, old.stderr], [2, 'ovfkit: warning: --timeout-seconds is an old spelling of --timeout; use --timeout\novfkit: no vSphere server: pass --server or set VSPHERE_SERVER (or GOVC_URL)\n']);
    const now = await runCli(['destroy', '--timeout', '5', 'vm']);
    assert.deepEqual([now.code, now.stderr], [2, 'ovfkit: no vSphere server: pass --server or set VSPHERE_SERVER (or GOVC_URL)\n']);
    assert.deepEqual(await usage(['destroy', '--timeout-seconds', '5', '--timeout', '6', 'vm']), [2, 'ovfkit: --timeout was given twice, as --timeout-seconds and --timeout; give it once\n']);
    // A command without --timeout does not take the old spelling either.
    assert.deepEqual(await usage(['terraform', 'install', '--timeout-seconds', '5']), [2, 'ovfkit: unknown option --timeout-seconds for "ovfkit terraform install"; run "ovfkit terraform install --help" for its options (a file name starting with "-" goes after "--": ovfkit terraform install -- --timeout-seconds)\n']);
    // export's digest is --algorithm, as manifest create and ova pack spell it; its old --manifest (the policy elsewhere) still works, with a warning.
    const oldExport = await runCli(['export', '--manifest', 'SHA512', 'vm', 'out.ova']);
    assert.deepEqual([oldExport.code, oldExport.stderr], [2, 'ovfkit: warning: --manifest is an old spelling of --algorithm; use --algorithm\novfkit: no vSphere server: pass --server or set VSPHERE_SERVER (or GOVC_URL)\n']);
    assert.deepEqual(await usage(['export', '--algorithm', 'MD5', 'vm', 'out.ova']), [2, 'ovfkit: --algorithm must be SHA256, SHA512 or SHA1, got MD5\n']);
    assert.deepEqual(await usage(['export', '--manifest', 'SHA1', '--algorithm', 'SHA1', 'vm', 'out.ova']), [2, 'ovfkit: --algorithm was given twice, as --manifest and --algorithm; give it once\n']);
    // The rename is export's alone: import's --manifest is its manifest policy, manifest create takes no --manifest.
    assert.deepEqual(await usage(['manifest', 'create', '--manifest', 'SHA1', 'x.ovf']), [2, 'ovfkit: unknown option --manifest for "ovfkit manifest create"; run "ovfkit manifest create --help" for its options (a file name starting with "-" goes after "--": ovfkit manifest create -- --manifest)\n']);
    const bad = await runCli(['plan', '--timeout', '0', 'x.ovf']);
    assert.deepEqual([bad.code, bad.stderr], [2, 'ovfkit: --timeout must be a positive number of seconds, got "0"\n']);
  });
});

describe('ovfkit CLI: an .ova of another format (issue 15)', () => {
  it('a gzip-compressed OVA is named as such by parse, plan and ova unpack, with what to do', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-notar-'));
    try {
      fs.writeFileSync(path.join(dir, 'appliance.ova'), zlib.gzipSync(fs.readFileSync(path.join(repoRoot, 'examples', 'minimal', 'minimal.ova'))));
      const message = 'ovfkit: tar archive: this is gzip-compressed, not a tar archive; an OVA is an uncompressed tar (DSP0243 §5.3): decompress it first (gunzip -c <file> > appliance.ova); the tar inside is the OVA\n';
      for (const argv of [['parse', 'appliance.ova'], ['plan', 'appliance.ova'], ['ova', 'unpack', 'appliance.ova', 'out']]) {
        const r = await runCli(argv, {}, dir);
        assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', message], argv.join(' '));
      }
      assert.deepEqual(fs.readdirSync(dir), ['appliance.ova']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ovfkit CLI: several packages per call, commands loaded on demand (issue 15)', () => {
  const minimalDir = path.join(repoRoot, 'examples', 'minimal');
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-many-'));
    fs.copyFileSync(path.join(minimalDir, 'minimal.ovf'), path.join(dir, 'good.ovf'));
    fs.writeFileSync(path.join(dir, 'bad.ovf'), fs.readFileSync(path.join(minimalDir, 'minimal.ovf'), 'utf8').replace('ovf:value="2" ovf:qualifiers="MinValue(1),MaxValue(16)"', 'ovf:value="20" ovf:qualifiers="MinValue(1),MaxValue(16)"'));
    fs.writeFileSync(path.join(dir, 'zip.ova'), Buffer.from('PK\x03\x04rest of a zip'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('parse: each package on its own, the unreadable ones on stderr, a count line, the worst exit code', async () => {
    const one = await runCli(['parse', 'good.ovf'], {}, dir);
    const bad = await runCli(['parse', 'bad.ovf'], {}, dir);
    assert.deepEqual([one.code, bad.code], [0, 1]);
    const r = await runCli(['parse', 'good.ovf', 'missing.ovf', 'bad.ovf', 'zip.ova'], {}, dir);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, `${one.stdout}${bad.stdout}4 packages: 1 without errors, 1 with errors, 2 not read\n`);
    assert.equal(r.stderr, [
      'ovfkit: cannot read missing.ovf: no such file',
      'ovfkit: zip.ova: tar archive: this is a ZIP archive, not a tar archive; an OVA is an uncompressed tar (DSP0243 §5.3): extract it (unzip) and use the folder with the .ovf inside, or make an OVA of that folder with "ovfkit ova pack"',
      '',
    ].join('\n'));
    const clean = await runCli(['parse', 'good.ovf', 'good.ovf'], {}, dir);
    assert.deepEqual([clean.code, clean.stdout.endsWith('2 packages: 2 without errors, 0 with errors, 0 not read\n')], [0, true]);
  });

  it('parse --json: one document with each result as the one-file call gives it', async () => {
    const result = (f: string): Promise<unknown> => runCli(['parse', f, '--json'], {}, dir).then((x) => JSON.parse(x.stdout) as unknown);
    const r = await runCli(['parse', 'good.ovf', 'bad.ovf', 'missing.ovf', '--json'], {}, dir);
    assert.deepEqual([r.code, r.stderr], [2, '']);
    assert.deepEqual(JSON.parse(r.stdout), {
      results: [
        { source: 'good.ovf', exitCode: 0, result: await result('good.ovf') },
        { source: 'bad.ovf', exitCode: 1, result: await result('bad.ovf') },
        { source: 'missing.ovf', exitCode: 2, error: { code: 'IO', message: 'cannot read missing.ovf: no such file' } },
      ],
      summary: { packages: 3, withoutErrors: 1, withErrors: 1, notRead: 1 },
    });
  });

  it('plan takes several packages too, with the same options for each', async () => {
    const single = await runCli(['plan', path.join(minimalDir, 'minimal.ova'), '--json', '--prop', 'workers=40'], {}, dir);
    const r = await runCli(['plan', path.join(minimalDir, 'minimal.ova'), path.join(minimalDir, 'minimal.ovf'), '--json', '--prop', 'workers=40'], {}, dir);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as { results: { source: string; exitCode: number; result: { ok: boolean } }[]; summary: unknown };
    assert.deepEqual(doc.results[0], { source: path.join(minimalDir, 'minimal.ova'), exitCode: 1, result: JSON.parse(single.stdout) });
    assert.deepEqual([doc.results[1]!.exitCode, doc.results[1]!.result.ok, doc.summary], [1, false, { packages: 2, withoutErrors: 0, withErrors: 2, notRead: 0 }]);
  });

  it('every command entry loads the command of its name; parse, diff and plan of a local package never load the vSphere client, --version loads no command', () => {
    const cli = path.join(repoRoot, 'packages', 'cli');
    const { allCommands, commandEntries } = require(path.join(cli, 'dist', 'commands')) as { allCommands(): { name: string }[]; commandEntries: { name: string }[] };
    assert.deepEqual(allCommands().map((c) => c.name), commandEntries.map((e) => e.name));
    const loaded = (argv: string[], status = 0): { vsphere: boolean; core: boolean; out: string } => {
      const script = `const entry = ${JSON.stringify(path.join(cli, 'dist', 'entry.js'))}; const out = []; process.stdout.write = (s) => (out.push(String(s)), true);
require(entry).run(${JSON.stringify(argv)});
setTimeout(() => { const m = Object.keys(require.cache); process.stderr.write(JSON.stringify({ vsphere: m.some((f) => /packages[\\\\/]vsphere[\\\\/]dist/.test(f)), core: m.some((f) => /packages[\\\\/]core[\\\\/]dist/.test(f)), out: out.join('') })); }, 500);`;
      const r = spawnSync(process.execPath, ['-e', script], { cwd: path.join(repoRoot, 'test'), encoding: 'utf8' });
      assert.equal(r.status, status, r.stderr);
      return JSON.parse(r.stderr.slice(r.stderr.lastIndexOf('{"vsphere"'))) as { vsphere: boolean; core: boolean; out: string };
    };
    const version = loaded(['--version']);
    assert.deepEqual(version, { vsphere: false, core: false, out: `ovfkit ${(JSON.parse(fs.readFileSync(path.join(cli, 'package.json'), 'utf8')) as { version: string }).version}\n` });
    assert.deepEqual({ ...loaded(['parse', path.join(minimalDir, 'minimal.ovf')]), out: '' }, { vsphere: false, core: true, out: '' });
    assert.deepEqual({ ...loaded(['diff', path.join(minimalDir, 'minimal.ovf'), path.join(minimalDir, 'minimal.ovf')]), out: '' }, { vsphere: false, core: true, out: '' });
    assert.deepEqual({ ...loaded(['plan', path.join(minimalDir, 'minimal.ova'), '--accept-all-eulas']), out: '' }, { vsphere: false, core: true, out: '' });
    // The check can fail: a vSphere command does load it.
    assert.deepEqual({ ...loaded(['destroy', 'vm'], 2), out: '' }, { vsphere: true, core: true, out: '' });
  });
});

describe('ovfkit show: plans made elsewhere, as plan --format markdown shows them (issue 15)', () => {
  const ova = path.join(repoRoot, 'examples', 'minimal', 'minimal.ova');
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-show-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, value: unknown): string => (fs.writeFileSync(path.join(dir, name), typeof value === 'string' ? value : JSON.stringify(value)), name);

  it('a plan --json document renders as plan --format markdown, under the file\'s name; exit 0 ready, 1 not', async () => {
    const planned = await runCli(['plan', ova, '--json'], {}, dir);
    const markdown = await runCli(['plan', ova, '--format', 'markdown'], {}, dir);
    const name = /^\| package \| (.*) \|$/m.exec(markdown.stdout)![1]!;
    const r = await runCli(['show', write('plan.json', planned.stdout)], {}, dir);
    assert.deepEqual([r.code, r.stderr], [0, '']);
    assert.equal(r.stdout, markdown.stdout.replace(`| package | ${name} |`, '| package | plan.json |'));
    const bad = await runCli(['plan', ova, '--json', '--prop', 'workers=40'], {}, dir);
    const refused = await runCli(['show', write('bad.json', bad.stdout)], {}, dir);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /^### ❌ cannot import: VM minimal appliance\n/);
  });

  it('reads plan A B --json results, a pulumi preview --json document (the plan as JSON text or, from earlier versions, an object; a plan not known yet said so) and an object of plans', async () => {
    const two = await runCli(['plan', ova, path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf'), '--json'], {}, dir);
    const plan = (JSON.parse(two.stdout) as { results: { result: unknown }[] }).results[0]!.result;
    const preview = { steps: [
      { op: 'create', urn: 'urn:pulumi:ci::proj::pulumi-nodejs:dynamic:Resource::app', newState: { type: 'pulumi-nodejs:dynamic:Resource', inputs: { plan: JSON.stringify(plan) } } },
      { op: 'same', urn: 'urn:pulumi:ci::proj::pulumi-nodejs:dynamic:Resource::old', newState: { type: 'pulumi-nodejs:dynamic:Resource', inputs: { plan } } },
      { op: 'create', urn: 'urn:pulumi:ci::proj::pulumi-nodejs:dynamic:Resource::later', newState: { inputs: { plan: '04da6b54-80e4-46f7-96ec-b56ff0331ba9' } } },
      { op: 'create', urn: 'urn:pulumi:ci::proj::aws:s3/bucket:Bucket::other', newState: { inputs: { bucket: 'b' } } },
      { op: 'create', urn: 'urn:pulumi:ci::proj::test:index:Doc::notours', newState: { inputs: { plan: 'a plan of another kind' } } },
    ] };
    const r = await runCli(['show', write('two.json', two.stdout), write('preview.json', preview), write('stack.json', { 'appliance/Appliance': plan }), '--json'], {}, dir);
    assert.deepEqual([r.code, r.stderr], [0, '']);
    const doc = JSON.parse(r.stdout) as { plans: { name: string; ok?: boolean; known?: boolean; plan?: unknown }[] };
    assert.deepEqual(doc.plans.map((p) => [p.name, p.ok ?? p.known]), [[ova, true], [path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf'), true], ['app', true], ['old', true], ['later', false], ['appliance/Appliance', true]]);
    assert.deepEqual(doc.plans[2]!.plan, plan);
    assert.deepEqual(doc.plans[3]!.plan, plan);
    const text = await runCli(['show', 'preview.json'], {}, dir);
    assert.match(text.stdout, /\n### ❔ not known yet: later\n\nAn input of this import is computed by another resource: its plan is made when that value is known \(at apply\)\.\n$/);
  });

  it('a file that is not a plan, a damaged plan, not JSON or missing: exit 2 with what is wrong, nothing on stdout', async () => {
    const planned = JSON.parse((await runCli(['plan', ova, '--json'], {}, dir)).stdout) as { vms: { numCPUs: unknown }[] };
    planned.vms[0]!.numCPUs = '2';
    const cases: [string, string][] = [
      [write('damaged.json', planned), 'ovfkit: damaged.json: not a complete ovfkit.plan/1 document: vms[0].numCPUs (a number) is missing or of the wrong type\n'],
      [write('damaged-text.json', { steps: [{ urn: 'urn:pulumi:ci::proj::pulumi-nodejs:dynamic:Resource::app', newState: { inputs: { plan: JSON.stringify(planned) } } }] }), 'ovfkit: damaged-text.json steps[0] (app): not a complete ovfkit.plan/1 document: vms[0].numCPUs (a number) is missing or of the wrong type\n'],
      [write('other.json', { steps: [{ newState: { inputs: { bucket: 'b' } } }] }), 'ovfkit: other.json holds no ovfkit.plan/1 plan: give the output of "ovfkit plan --json", of "pulumi preview --json" over a program with an OvfImport, or an object of plans (a CDKTF stack\'s OvfImport plan by construct path)\n'],
      [write('text.json', 'not json'), /^ovfkit: the plan document text.json is not JSON: /.source],
      ['missing.json', 'ovfkit: cannot read the plan document missing.json: no such file\n'],
    ];
    for (const [file, message] of cases) {
      const r = await runCli(['show', file], {}, dir);
      assert.equal(r.code, 2, file);
      assert.equal(r.stdout, '', file);
      if (message.startsWith('^')) assert.match(r.stderr, new RegExp(message), file);
      else assert.equal(r.stderr, message, file);
    }
  });
});

describe('ovfkit parse: password defaults', () => {
  it('hides the default of every password property (core\'s password fact: type password or ovf:password="true")', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-parse-pw-'));
    try {
      const ovf = path.join(dir, 'pw.ovf');
      fs.writeFileSync(ovf, `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References/>
  <DeploymentOptionSection><Info>d</Info>
    <Configuration ovf:id="small" ovf:default="true"><Label>s</Label><Description>s</Description></Configuration>
    <Configuration ovf:id="large"><Label>l</Label><Description>l</Description></Configuration>
  </DeploymentOptionSection>
  <VirtualSystem ovf:id="vm">
    <Info>vm</Info>
    <ProductSection><Info>p</Info>
      <Property ovf:key="plain" ovf:type="string" ovf:value="shown"/>
      <Property ovf:key="flagged" ovf:type="string" ovf:password="true" ovf:value="hunter2"/>
      <Property ovf:key="typed" ovf:type="password" ovf:value="s3cret" ovf:userConfigurable="true"/>
    </ProductSection>
  </VirtualSystem>
</Envelope>
`);
      const r = await runCli(['parse', ovf]);
      const props = r.stdout.split('\n').filter((l) => /^ {4}(plain|flagged|typed):/.test(l));
      assert.deepEqual(props, ['    plain: string, fixed = "shown"', '    flagged: password, fixed = (secret)', '    typed: password = (secret)'], r.stdout + r.stderr);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
