/**
 * The command lines the CDKTF provisioners write are read by the real `ovfkit` parser: every
 * value, whatever it starts with, arrives as the value of its option (issue 12 item 10).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { OvfExport, OvfImport, fromEnv } from '@ovfkit/cdktf';
import { repoRoot } from '../paths';

const minimalOvf = path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf');

interface Provisioner { 'local-exec': { command: string; when?: string; environment?: Record<string, string> } }

/**
 * Runs a provisioner's command as Terraform would (`/bin/sh -c`, `$${`/`%%{` unescaped), with a
 * prefix that hands its argv to the CLI's own parseCommandLine and prints what it parsed.
 */
function parsedByCli(p: Provisioner, env: Record<string, string> = {}): { command: string; positionals: string[]; values: Record<string, unknown> } {
  const command = p['local-exec'].command.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
  const r = spawnSync('/bin/sh', ['-c', command], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env } });
  assert.equal(r.status, 0, `${command}\n${r.stderr}`);
  return JSON.parse(r.stdout) as { command: string; positionals: string[]; values: Record<string, unknown> };
}

describe('CDKTF provisioner command lines through the real ovfkit parser', function () {
  this.timeout(60_000);
  let dir = '';
  let prefix = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-cdktf-argv-'));
    const script = path.join(dir, 'parse.js');
    fs.writeFileSync(script, `const { parseCommandLine } = require(${JSON.stringify(require.resolve('ovfkit'))});
try { const r = parseCommandLine(process.argv.slice(2)); console.log(JSON.stringify({ command: r.command.name, positionals: r.positionals, values: r.values })); }
catch (e) { console.error(e.message); process.exit(2); }\n`);
    prefix = `${process.execPath} ${script}`;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const dashy = ['- managed by terraform', '-x', '--json', '--', '-', "it's $(reboot) ${x} %{y}"];

  it('an import whose every value starts with a dash (or is shell or Terraform syntax) parses to exactly those values', () => {
    const app = Testing.app({ outdir: path.join(dir, 'out-import') });
    const stack = new TerraformStack(app, 'test');
    new OvfImport(stack, 'App', {
      source: minimalOvf,
      name: '-app01',
      datacenter: '-DC0',
      resourcePool: '--pool',
      datastore: '-',
      folder: '--json',
      networkMapping: { 'VM Network': '-net' },
      propertyMapping: { hostname: '-host', ntp_servers: dashy[5]!, root_password: fromEnv('ROOT_PW') },
      annotation: dashy[0]!,
      powerOn: true,
      ovfkitCommand: prefix,
    });
    const json = JSON.parse(Testing.synth(stack)) as { resource: { terraform_data: Record<string, { provisioner: Provisioner[] }> } };
    const [create, destroy] = Object.values(json.resource.terraform_data)[0]!.provisioner;
    const c = parsedByCli(create!);
    assert.equal(c.command, 'import');
    assert.deepEqual(c.positionals, [minimalOvf]);
    const { 'expect-digest': digest, ...rest } = c.values;
    assert.match(String(digest), /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(rest, {
      name: '-app01', datacenter: '-DC0', pool: '--pool', datastore: '-', folder: '--json',
      net: ['VM Network=-net'], prop: ['hostname=-host', `ntp_servers=${dashy[5]}`], 'prop-env': ['root_password=ROOT_PW'],
      annotation: '- managed by terraform', 'deployment-option': 'small', 'power-on': true,
    });
    for (const path of ['/DC0/vm/-x', '--json', '-']) {
      const d = parsedByCli(destroy!, { OVFKIT_INVENTORY_PATH: path });
      assert.deepEqual(d, { command: 'destroy', positionals: [path], values: { 'if-exists': true } });
    }
  });

  it('an export of a VM named with a dash, to a target and with a name that start with dashes, parses to those values', () => {
    const app = Testing.app({ outdir: path.join(dir, 'out-export') });
    const stack = new TerraformStack(app, 'test');
    new OvfExport(stack, 'Exp', { entity: '-vm', destination: path.join(dir, '-out.ova'), name: '--name', exportOption: ['-mac'], chunkSize: 1_000_000, ovfkitCommand: prefix });
    const json = JSON.parse(Testing.synth(stack)) as { resource: { terraform_data: Record<string, { provisioner: Provisioner[] }> } };
    const e = parsedByCli(Object.values(json.resource.terraform_data)[0]!.provisioner[0]!);
    // The target is inside the project (the folder holding the outdir): stored relative to the stack directory.
    assert.deepEqual(e, { command: 'export', positionals: ['-vm', '../../../-out.ova'], values: { name: '--name', 'export-option': ['-mac'], algorithm: 'SHA256', 'chunk-size': '1000000' } });
  });
});
