/**
 * `ovfkit diff` and `ovfkit plan --format markdown`: core's diffPlans over pairs of the example
 * descriptor with one kind of change each (whole change lists), the CLI's Markdown asserted whole
 * (golden), exit codes, and an end-to-end diff of two OVA versions made with `ova unpack` / `ova pack`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createPlan, diffPlans, textChange, type PlanChange } from '@ovfkit/core';
import { repoRoot } from './paths';
import { runCli } from './run-cli';

const minimal = path.join(repoRoot, 'examples', 'minimal');
const v1 = fs.readFileSync(path.join(minimal, 'minimal.ovf'), 'utf8');

/** The example descriptor with each `[from, to]` replaced (each must occur). */
function edit(pairs: [string, string][]): string {
  return pairs.reduce((s, [a, b]) => {
    assert.ok(s.includes(a), a);
    return s.split(a).join(b);
  }, v1);
}

const changes = (b: string): PlanChange[] => diffPlans(createPlan(v1, { hostProfile: 'esxi-8.0' }).plan, createPlan(b, { hostProfile: 'esxi-8.0' }).plan).changes;

/** Version 2 of the example: more memory, a bigger disk, a new property, a tighter qualifier, a new default, a new size, a EULA. */
const v2 = edit([
  ['ovf:capacity="1" ', 'ovf:capacity="2" '],
  ['<rasd:VirtualQuantity>1024</rasd:VirtualQuantity>', '<rasd:VirtualQuantity>2048</rasd:VirtualQuantity>'],
  ['MinValue(1),MaxValue(16)', 'MinValue(1),MaxValue(8)'],
  ['ovf:value="pool.ntp.org"', 'ovf:value="time.example.com"'],
  ['      <Property ovf:key="ip0"', '      <Property ovf:key="dns" ovf:type="string" ovf:userConfigurable="true" ovf:value="">\n        <Label>DNS servers</Label>\n      </Property>\n      <Property ovf:key="ip0"'],
  ['    <Configuration ovf:id="large">', '    <Configuration ovf:id="medium">\n      <Label>Medium</Label>\n    </Configuration>\n    <Configuration ovf:id="large">'],
  ['    <AnnotationSection>', '    <EulaSection>\n      <Info>License agreement</Info>\n      <License>Use this appliance only for testing.</License>\n    </EulaSection>\n    <AnnotationSection>'],
]);

describe('plan diffs (core diffPlans)', () => {
  it('the same descriptor: identical, no change', () => {
    const { plan } = createPlan(v1);
    assert.deepEqual(diffPlans(plan, plan), { format: 'ovfkit.plan-diff/1', old: { descriptorDigest: plan.descriptorDigest, entityName: 'minimal appliance', ok: true }, new: { descriptorDigest: plan.descriptorDigest, entityName: 'minimal appliance', ok: true }, identical: true, changes: [] });
  });

  it('hardware: version, memory, firmware', () => {
    assert.deepEqual(changes(edit([['<rasd:VirtualQuantity>1024<', '<rasd:VirtualQuantity>2048<'], ['vmw:value="efi"', 'vmw:value="bios"'], ['vmx-13', 'vmx-15']])), [
      { kind: 'hardware-changed', path: 'minimal appliance', field: 'hardwareVersion', old: 'vmx-13', new: 'vmx-15' },
      { kind: 'hardware-changed', path: 'minimal appliance', field: 'memoryMB', old: 1024, new: 2048 },
      { kind: 'hardware-changed', path: 'minimal appliance', field: 'firmware', old: 'efi', new: 'bios' },
    ]);
  });

  it('a disk grew and its file changed size: the disk, the file and the sizes', () => {
    assert.deepEqual(changes(edit([['ovf:capacity="1" ', 'ovf:capacity="4" '], ['ovf:size="196608"', 'ovf:size="200000"']])), [
      { kind: 'disk-changed', path: 'minimal appliance/Hard Disk 1', field: 'capacityBytes', old: 1073741824, new: 4294967296 },
      { kind: 'disk-changed', path: 'minimal appliance/Hard Disk 1', field: 'fileSizeBytes', old: 196608, new: 200000 },
      { kind: 'file-changed', path: 'minimal-disk1.vmdk', field: 'size', old: 196608, new: 200000 },
      { kind: 'size-changed', path: 'downloadBytes', old: 196608, new: 200000 },
      { kind: 'size-changed', path: 'flatDeploymentBytes', old: 1073741824, new: 4294967296 },
      { kind: 'size-changed', path: 'sparseDeploymentBytes', old: 196608, new: 200000 },
    ]);
  });

  it('a NIC changed adapter: the NIC and the VM device list', () => {
    assert.deepEqual(changes(edit([['<rasd:ResourceSubType>VmxNet3<', '<rasd:ResourceSubType>E1000<']])), [
      { kind: 'hardware-changed', path: 'minimal appliance', field: 'devices', old: 'ParaVirtualSCSIController 0, VirtualDisk ParaVirtualSCSIController0:0, VirtualVmxnet3', new: 'ParaVirtualSCSIController 0, VirtualDisk ParaVirtualSCSIController0:0, VirtualE1000' },
      { kind: 'nic-changed', path: 'minimal appliance/Network adapter 1', field: 'adapter', old: 'VirtualVmxnet3', new: 'VirtualE1000' },
    ]);
  });

  it('properties: removed, requalified, retyped, added, relabelled', () => {
    assert.deepEqual(changes(edit([['<Property ovf:key="ip0" ovf:type="string"', '<Property ovf:key="ip0" ovf:type="int"'], ['MinLen(1),MaxLen(63)', 'MinLen(1),MaxLen(32)'], ['<Label>Log level</Label>', '<Label>Logging</Label>'], ['ovf:key="ntp_servers"', 'ovf:key="ntp"']])), [
      { kind: 'property-removed', path: 'minimal appliance/ntp_servers' },
      { kind: 'property-requalified', path: 'minimal appliance/hostname', old: 'string(1..63)', new: 'string(1..32)' },
      { kind: 'property-retyped', path: 'minimal appliance/ip0', old: 'string', new: 'int' },
      { kind: 'property-added', path: 'minimal appliance/ntp', new: 'string' },
      { kind: 'property-changed', path: 'minimal appliance/log_level', field: 'label', old: 'Log level', new: 'Logging' },
    ]);
  });

  it('deployment options: one removed, one added and made the default (the default\'s hardware and values follow)', () => {
    assert.deepEqual(changes(edit([['<Configuration ovf:id="small" ovf:default="true">', '<Configuration ovf:id="small">'], ['<Configuration ovf:id="large">', '<Configuration ovf:id="xl" ovf:default="true">'], ['ovf:configuration="large"', 'ovf:configuration="xl"']])), [
      { kind: 'hardware-changed', path: 'minimal appliance', field: 'numCPUs', old: 1, new: 2 },
      { kind: 'hardware-changed', path: 'minimal appliance', field: 'memoryMB', old: 1024, new: 4096 },
      { kind: 'property-default-changed', path: 'minimal appliance/workers', old: '2', new: '8' },
      { kind: 'deployment-option-removed', path: 'large' },
      { kind: 'deployment-option-added', path: 'xl' },
      { kind: 'deployment-default-changed', path: 'deploymentOption', old: 'small', new: 'xl' },
    ]);
  });

  it('EULA text: added, then changed; a password default is never compared or shown', () => {
    const withEula = (text: string): string => edit([['    <AnnotationSection>', `    <EulaSection>\n      <Info>License</Info>\n      <License>${text}</License>\n    </EulaSection>\n    <AnnotationSection>`], ['ovf:password="true" ovf:userConfigurable="true"', `ovf:password="true" ovf:userConfigurable="true" ovf:value="${text.length > 5 ? 'secret-one' : 'secret-two'}"`]]);
    const [a, b] = [createPlan(withEula('Use only for tests.'), { hostProfile: 'esxi-8.0' }).plan, createPlan(withEula('Use it.'), { hostProfile: 'esxi-8.0' }).plan];
    assert.deepEqual(diffPlans(a, b).changes, [{ kind: 'eula-changed', path: 'eula 1', old: 19, new: 7, text: { before: 'Use', removed: 'only for tests.', added: 'it.', after: '' } }]);
    assert.deepEqual(changes(withEula('Use only for tests.')).filter((c) => c.kind.startsWith('eula')), [{ kind: 'eula-added', path: 'eula 1', new: 19 }]);
    assert.doesNotMatch(JSON.stringify(diffPlans(a, b)), /secret-(one|two)/);
  });

  it('EULA text change: the changed words with six words of context each side, clipped at 24 words, whitespace alone said so', () => {
    const words = (n: number, w: string): string => Array.from({ length: n }, (_, i) => `${w}${i + 1}`).join(' ');
    const licence = `${words(40, 'a')} governed by the laws of California. ${words(40, 'z')}`;
    assert.deepEqual(textChange(licence, licence.replace('California.', 'Delaware.')), { before: '… a40 governed by the laws of', removed: 'California.', added: 'Delaware.', after: 'z1 z2 z3 z4 z5 z6 …' });
    assert.deepEqual(textChange('One two three.', 'One two three. Four five.'), { before: 'One two three.', removed: '', added: 'Four five.', after: '' });
    assert.deepEqual(textChange('Intro. ' + words(30, 'x') + ' End.', 'Intro. End.'), { before: 'Intro.', removed: `${words(24, 'x')} … (6 more words)`, added: '', after: 'End.' });
    assert.deepEqual(textChange('Line one.\n\nLine  two.', 'Line one. Line two.'), { before: 'Line one. Line two.', removed: '', added: '', after: '' });
    assert.deepEqual(changes(edit([['    <AnnotationSection>', '    <EulaSection>\n      <Info>License</Info>\n      <License>x</License>\n    </EulaSection>\n    <AnnotationSection>']])).filter((c) => c.kind === 'eula-changed'), []);
  });

  it('the verdict and the issues: a qualifier that the default breaks makes the package refused', () => {
    assert.deepEqual(changes(edit([['ovf:value="2" ovf:qualifiers="MinValue(1),MaxValue(16)"', 'ovf:value="2" ovf:qualifiers="MinValue(3),MaxValue(16)"']])), [
      { kind: 'property-requalified', path: 'minimal appliance/workers', old: 'int(1..16)', new: 'int(3..16)' },
      { kind: 'verdict-changed', path: 'ok', old: true, new: false },
      { kind: 'issue-added', path: 'error', new: 'parseDescriptor PROPERTY_VALUE: Property "workers" default value "2" is outside 3..16' },
    ]);
  });
});

describe('ovfkit diff and plan --format markdown', function () {
  this.timeout(60_000);
  let tmp = '';
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-diff-'));
    fs.copyFileSync(path.join(minimal, 'minimal.ovf'), path.join(tmp, 'v1.ovf'));
    fs.writeFileSync(path.join(tmp, 'v2.ovf'), v2);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('exit 0 and "no change" for the same package, exit 1 for two versions; --json is core\'s diff', async () => {
    const same = await runCli(['diff', 'v1.ovf', 'v1.ovf'], {}, tmp);
    assert.deepEqual(same, { code: 0, stdout: 'v1.ovf → v1.ovf: no change\n', stderr: '' });
    const json = await runCli(['diff', 'v1.ovf', 'v2.ovf', '--json', '--host-profile', 'esxi-8.0'], {}, tmp);
    assert.equal(json.code, 1, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), JSON.parse(JSON.stringify(diffPlans(createPlan(v1, { hostProfile: 'esxi-8.0' }).plan, createPlan(v2, { hostProfile: 'esxi-8.0' }).plan))));
    const usage = await runCli(['diff', 'v1.ovf'], {}, tmp);
    assert.equal(usage.code, 2);
    assert.equal(usage.stderr, 'ovfkit: diff takes two packages: ovfkit diff <old> <new>\n');
  });

  it('the text and Markdown diffs, whole', async () => {
    const text = await runCli(['diff', 'v1.ovf', 'v2.ovf', '--host-profile', 'esxi-8.0'], {}, tmp);
    assert.equal(text.code, 1, text.stderr);
    assert.equal(text.stdout, [
      'v1.ovf → v2.ovf: 10 change(s)',
      '  hardware-changed          minimal appliance memoryMB: 1024 → 2048',
      '  disk-changed              minimal appliance/Hard Disk 1 capacityBytes: 1.0 GiB → 2.0 GiB',
      '  property-added            minimal appliance/dns: "string"',
      '  property-default-changed  minimal appliance/ntp_servers: "pool.ntp.org" → "time.example.com"',
      '  property-requalified      minimal appliance/workers: "int(1..16)" → "int(1..8)"',
      '  deployment-option-added   medium',
      '  eula-added                eula 1: 36 characters',
      '  size-changed              flatDeploymentBytes: 1.0 GiB → 2.0 GiB',
      '  verdict-changed           ok: true → false',
      '  issue-added               error: "plan EULA_NOT_ACCEPTED: The package has 1 EULA that must be accepted before import"',
      '',
    ].join('\n'));
    const md = await runCli(['diff', 'v1.ovf', 'v2.ovf', '--format', 'markdown', '--host-profile', 'esxi-8.0'], {}, tmp);
    assert.equal(md.code, 1, md.stderr);
    const d = JSON.parse((await runCli(['diff', 'v1.ovf', 'v2.ovf', '--json'], {}, tmp)).stdout) as { old: { descriptorDigest: string }; new: { descriptorDigest: string } };
    assert.equal(md.stdout, [
      '### 10 change(s): v1.ovf → v2.ovf',
      '',
      '|  | old | new |',
      '|---|---|---|',
      `| digest | \`${d.old.descriptorDigest}\` | \`${d.new.descriptorDigest}\` |`,
      '| entity | minimal appliance | minimal appliance |',
      '| verdict | ready to import | cannot import |',
      '',
      '| change | where | old | new |',
      '|---|---|---|---|',
      '| hardware-changed | minimal appliance memoryMB | 1024 | 2048 |',
      '| disk-changed | minimal appliance/Hard Disk 1 capacityBytes | 1.0 GiB | 2.0 GiB |',
      '| property-added | minimal appliance/dns |  | string |',
      '| property-default-changed | minimal appliance/ntp\\_servers | pool.ntp.org | time.example.com |',
      '| property-requalified | minimal appliance/workers | int(1..16) | int(1..8) |',
      '| deployment-option-added | medium |  |  |',
      '| eula-added | eula 1 |  | 36 characters |',
      '| size-changed | flatDeploymentBytes | 1.0 GiB | 2.0 GiB |',
      '| verdict-changed | ok | true | false |',
      '| issue-added | error |  | plan EULA\\_NOT\\_ACCEPTED: The package has 1 EULA that must be accepted before import |',
      '',
    ].join('\n'));
  });

  it('a changed EULA: its words in the text diff ([-…-]{+…+}, control characters escaped) and in Markdown (~~…~~ **…**, HTML and pipes escaped)', async () => {
    const eula = (text: string): string => edit([['    <AnnotationSection>', `    <EulaSection>\n      <Info>License</Info>\n      <License>${text}</License>\n    </EulaSection>\n    <AnnotationSection>`]]);
    fs.writeFileSync(path.join(tmp, 'eula1.ovf'), eula('You may run this appliance on one host only. Support ends in 2027.'));
    fs.writeFileSync(path.join(tmp, 'eula2.ovf'), eula('You may run this appliance on &lt;b&gt;three|four&lt;/b&gt; hosts &#x9b;2J &#x202e;txt.exe only. Support ends in 2027.'));
    const text = await runCli(['diff', 'eula1.ovf', 'eula2.ovf', '--accept-all-eulas'], {}, tmp);
    assert.equal(text.code, 1, text.stderr);
    assert.equal(text.stdout, [
      'eula1.ovf → eula2.ovf: 1 change(s)',
      '  eula-changed  eula 1: 66 characters → 94 characters',
      '                You may run this appliance on [-one host-] {+<b>three|four</b> hosts \\x9b2J \\u202etxt.exe+} only. Support ends in 2027.',
      '',
    ].join('\n'));
    const md = await runCli(['diff', 'eula1.ovf', 'eula2.ovf', '--accept-all-eulas', '--format', 'markdown'], {}, tmp);
    assert.equal(md.code, 1, md.stderr);
    assert.deepEqual(md.stdout.split('\n').slice(-6), [
      '| change | where | old | new |',
      '|---|---|---|---|',
      '| eula-changed | eula 1 | 66 characters | 94 characters |',
      '',
      '- eula 1: You may run this appliance on ~~one host~~ **&lt;b&gt;three\\|four&lt;/b&gt; hosts \\\\x9b2J \\\\u202etxt.exe** only. Support ends in 2027.',
      '',
    ]);
  });

  it('plan --format markdown, whole: verdict, summary, errors first, hardware, disks, properties with the secret redacted', async () => {
    const r = await runCli(['plan', path.join(minimal, 'minimal.ova'), '--format', 'markdown', '--host-profile', 'esxi-8.0', '--prop', 'root_password=hunter2hunter2', '--prop', 'workers=40', '--net', 'VM Network=prod|<b>'], {}, tmp);
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stdout, /hunter2/);
    assert.equal(r.stdout, [
      '### ❌ cannot import: VM minimal appliance',
      '',
      '|  |  |',
      '|---|---|',
      `| package | ${path.join(minimal, 'minimal.ova').replace(/_/g, '\\_')}:minimal.ovf |`,
      '| digest | `sha256:80db6ed88029ca5c5572c3da074b96be34468dce37ddb7b3a8143f13d1a367ab` |',
      '| checked on | esxi-8.0u3 |',
      '| placement | not given (checked against the host profile only) |',
      '| deployment | small (Small), the default; 2 available |',
      '| result | 1 error(s), 0 warning(s) |',
      '',
      '#### Issues',
      '',
      '|  | call | code | line | message | fix |',
      '|---|---|---|---|---|---|',
      '| error | createImportSpec | PROPERTY\\_VALUE\\_INVALID | 133 | Value for property "workers" is invalid: is outside 1..16 | give workers a value of type int(1..16) |',
      '',
      '#### Virtual machines',
      '',
      '| VM | hardware | guest | vCPU | memory | firmware |',
      '|---|---|---|---|---|---|',
      '| minimal appliance | vmx-13 | otherLinux64Guest | 1 | 1024 MB | efi |',
      '',
      '#### Networks',
      '',
      '| NIC | adapter | OVF network | vSphere network | mapped by |',
      '|---|---|---|---|---|',
      '| minimal appliance/Network adapter 1 | VirtualVmxnet3 | VM Network | prod\\|&lt;b&gt; | networkMapping |',
      '',
      '#### Disks',
      '',
      '| disk | capacity | provisioning | controller | from |',
      '|---|---|---|---|---|',
      '| minimal appliance/Hard Disk 1 | 1.0 GiB | thick | ParaVirtualSCSIController 0:0 | minimal-disk1.vmdk (192 KiB) |',
      '',
      '#### Properties',
      '',
      '| property | type | value | from |',
      '|---|---|---|---|',
      '| minimal appliance/hostname | string(1..63) | (empty) | default |',
      '| minimal appliance/ip0 | string | (empty) | default |',
      '| minimal appliance/ntp\\_servers | string | pool.ntp.org | default |',
      '| minimal appliance/root\\_password | password(8..) | (secret, set) | set |',
      '| minimal appliance/log\\_level | string\\["debug", "info", "warn"\\] | info | default |',
      '| minimal appliance/workers | int(1..16) | 40 | set |',
      '',
      '**EULAs**: none. **Transfer**: 1 file(s), 192 KiB; needs 1.0 GiB flat / 192 KiB sparse.',
      '',
    ].join('\n'));
  });

  it('two versions of the example OVA (v2 packed with ova pack): the same changes as their descriptors', async () => {
    const unpacked = path.join(tmp, 'v2');
    const u = await runCli(['ova', 'unpack', path.join(minimal, 'minimal.ova'), unpacked, '--progress', 'none'], {}, tmp);
    assert.equal(u.code, 0, u.stderr);
    fs.writeFileSync(path.join(unpacked, 'minimal.ovf'), v2);
    const p = await runCli(['ova', 'pack', unpacked, 'v2.ova', '--manifest', 'create', '--progress', 'none'], {}, tmp);
    assert.equal(p.code, 0, p.stderr);
    const ovas = await runCli(['diff', path.join(minimal, 'minimal.ova'), 'v2.ova', '--json', '--host-profile', 'esxi-8.0'], {}, tmp);
    const ovfs = await runCli(['diff', 'v1.ovf', 'v2.ovf', '--json', '--host-profile', 'esxi-8.0'], {}, tmp);
    assert.equal(ovas.code, 1, ovas.stderr);
    assert.equal(ovas.stdout, ovfs.stdout);
    assert.equal((JSON.parse(ovas.stdout) as { changes: unknown[] }).changes.length, 10);
  });
});
