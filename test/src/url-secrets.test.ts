/**
 * A package URL's credentials and signed-URL token (`http://user:pass@host/x.ova?X-Amz-Signature=…`)
 * never appear in what ovfkit prints or stores: the CLI's text, --json and errors, and everything
 * `cdktf synth` writes; the real URL reaches the read at synth and the provisioner at apply only
 * (issue 12 item 9, URL part). The server requires the credentials and the token, so a command
 * that succeeds really used them.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { OvfImport, fromEnv } from '@ovfkit/cdktf';
import { OvfImport as PulumiOvfImport } from '@ovfkit/pulumi';
import { runProgram } from './pulumi/mock-engine';
import { SECRET_SIG, SECRET_SIG_KEY, startPluginHost } from './pulumi/plugin-host';
import { repoRoot } from './paths';
import { runCli } from './run-cli';

const files: Record<string, string> = {
  '/m.ova': path.join(repoRoot, 'examples', 'minimal', 'minimal.ova'),
  '/m.ovf': path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf'),
  '/minimal-disk1.vmdk': path.join(repoRoot, 'examples', 'minimal', 'minimal-disk1.vmdk'),
  // Token only, no basic auth (Pulumi refuses a URL with user:password, whose check stays).
  '/t/m.ova': path.join(repoRoot, 'examples', 'minimal', 'minimal.ova'),
};
const SECRET_PARTS = ['PASSWD', 'TOKEN123', 'FRAG', 'UsErX'];
const leaks = (text: string): string[] => SECRET_PARTS.filter((s) => text.includes(s));

/**
 * Files by path (query ignored), only with basic auth UsErX:PASSWD, and the two named packages only
 * with X-Amz-Signature=TOKEN123 (a sibling such as m.mf is simply absent). It runs in its own
 * process: cdktf synth reads the package with spawnSync, which blocks this one.
 */
async function signedServer(): Promise<{ base: string; close(): void }> {
  const script = `
const fs = require('node:fs'), http = require('node:http');
const files = ${JSON.stringify(files)};
const server = http.createServer((req, res) => {
  const u = new URL(req.url || '/', 'http://x');
  if (!u.pathname.startsWith('/t/') && req.headers.authorization !== 'Basic ' + Buffer.from('UsErX:PASSWD').toString('base64')) return void res.writeHead(403).end();
  const f = files[u.pathname];
  if (!f) return void res.writeHead(404).end();
  // The .ovf's disk is fetched relative to the descriptor's URL, first with the descriptor's query,
  // which signs one object here (403), then without it: served on the basic auth alone, so the plan
  // finds the package complete (url-siblings.test covers a query that signs the whole folder).
  if (u.pathname !== '/minimal-disk1.vmdk' && u.searchParams.get('X-Amz-Signature') !== 'TOKEN123') return void res.writeHead(403).end();
  const body = fs.readFileSync(f);
  res.writeHead(200, { 'content-length': body.length }).end(body);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the test server exited with ${code}`)));
  });
  return { base: `127.0.0.1:${port}`, close: () => child.kill() };
}

describe('URL credentials and signed-URL tokens are redacted in everything shown or stored', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof signedServer>>;
  let tmp = '';
  const secretUrl = (name: string): string => `http://UsErX:PASSWD@${server.base}/${name}?X-Amz-Signature=TOKEN123#FRAG`;
  const tokenUrl = (name: string): string => `http://${server.base}/t/${name}?X-Amz-Signature=TOKEN123#FRAG`;
  before(async () => {
    server = await signedServer();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-url-secrets-'));
  });
  after(() => {
    server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the CLI reads the package with them and prints the URL redacted, in text, --json and errors', async () => {
    const seen: string[] = [];
    let shown = 0;
    for (const name of ['m.ova', 'm.ovf', 'absent.ova']) {
      const commands = [['parse'], ['parse', '--json'], ['plan'], ['plan', '--json'], ['validate-host'], ['import-spec', '--json'], ['manifest', 'verify'], ['manifest', 'verify', '--json'], ['ova', 'unpack'], ['ova', 'unpack', '--json']];
      for (const cmd of commands) {
        const argv = cmd[1] === 'unpack' ? [...cmd, secretUrl(name), path.join(tmp, `unpack-${seen.length}`)] : [...cmd, secretUrl(name)];
        const r = await runCli(argv);
        const out = r.stdout + r.stderr;
        if (cmd.includes('--json')) JSON.parse(r.stdout);
        // An .ovf URL is not an .ova for unpack (a usage error that names it); the absent file is a 404.
        const expected = name === 'absent.ova' || (name === 'm.ovf' && cmd[1] === 'unpack') ? 2 : 0;
        assert.equal(r.code, expected, `${name} ${cmd.join(' ')}: ${out}`);
        seen.push(`${name} ${cmd.join(' ')}: leaks [${leaks(out).join(',')}]`);
        if (out.includes(`http://${server.base}/${name}?…#…`)) shown++;
      }
    }
    assert.deepEqual(seen.filter((s) => !s.endsWith('leaks []')), []);
    // Text output, --json of manifest verify and unpack, and every error name the package by its redacted URL.
    assert.ok(shown >= 20, `the redacted URL is shown ${shown} times`);
  });

  it('cdktf synth reads a fromEnv URL, writes none of its secret parts anywhere in the output directory, and the provisioner gets the real URL at apply', () => {
    const outdir = path.join(tmp, 'cdktf.out');
    process.env['OVFKIT_TEST_SOURCE_URL'] = secretUrl('m.ova');
    try {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, 'urls');
      new OvfImport(stack, 'App', { source: fromEnv('OVFKIT_TEST_SOURCE_URL'), datacenter: 'DC0', ovfkitCommand: `${process.execPath} ${path.join(tmp, 'argv.js')}` });
      app.synth();
    } finally {
      delete process.env['OVFKIT_TEST_SOURCE_URL'];
    }
    const written: string[] = [];
    const walk = (d: string): void => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else written.push(p); } };
    walk(outdir);
    assert.ok(written.length > 0);
    assert.deepEqual(written.filter((f) => leaks(fs.readFileSync(f, 'utf8')).length > 0), [], 'no file of the synth output has a secret part');
    const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'urls', 'cdk.tf.json'), 'utf8')) as { resource: { terraform_data: Record<string, { input: { source: string }; provisioner: { 'local-exec': { command: string } }[] }> } };
    const data = Object.values(json.resource.terraform_data)[0]!;
    assert.equal(data.input.source, `http://${server.base}/m.ova?…#…`);
    const create = data.provisioner[0]!['local-exec'].command;
    assert.ok(create.endsWith(' -- "$OVFKIT_TEST_SOURCE_URL"'), create);
    // At apply the shell expands the variable: the command receives the real URL.
    fs.writeFileSync(path.join(tmp, 'argv.js'), 'console.log(JSON.stringify(process.argv.slice(2)))\n');
    const r = spawnSync('/bin/sh', ['-c', create], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', OVFKIT_TEST_SOURCE_URL: secretUrl('m.ova') } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as string[]).at(-1), secretUrl('m.ova'));
  });

  it('cdktf synth refuses a literal URL with credentials or a token, and names a URL it cannot read, both redacted', () => {
    const app = new App({ outdir: path.join(tmp, 'refused.out') });
    const stack = new TerraformStack(app, 'refused');
    assert.throws(() => new OvfImport(stack, 'Literal', { source: secretUrl('m.ova'), datacenter: 'DC0' }), (e: Error) => {
      assert.deepEqual(leaks(e.message), []);
      assert.match(e.message, /^refused\/Literal: "source" http:\/\/127\.0\.0\.1:\d+\/m\.ova\?…#… carries a user, password, query string or fragment .* give source: fromEnv\("OVF_SOURCE_URL"\)/);
      return true;
    });
    assert.throws(() => new OvfImport(stack, 'Unset', { source: fromEnv('OVFKIT_TEST_UNSET_URL'), datacenter: 'DC0' }), /refused\/Unset: "source": the environment variable OVFKIT_TEST_UNSET_URL is not set/);
    process.env['OVFKIT_TEST_SOURCE_URL'] = secretUrl('absent.ova');
    try {
      assert.throws(() => new OvfImport(stack, 'Absent', { source: fromEnv('OVFKIT_TEST_SOURCE_URL'), datacenter: 'DC0' }), (e: Error) => {
        assert.deepEqual(leaks(e.message), []);
        assert.match(e.message, /^cannot read OVF source "http:\/\/127\.0\.0\.1:\d+\/absent\.ova\?…#…": GET http:\/\/127\.0\.0\.1:\d+\/absent\.ova\?…#…: HTTP 404/);
        return true;
      });
    } finally {
      delete process.env['OVFKIT_TEST_SOURCE_URL'];
    }
  });

  it('Pulumi registers the URL as a secret input and previews it through the real plugin host, with no secret part in the plan or failures', async () => {
    const host = await startPluginHost();
    try {
      await host.configure({});
      const { resources } = await runProgram(host, () => [new PulumiOvfImport('app', { source: tokenUrl('m.ova') }), new PulumiOvfImport('plain', { source: files['/m.ovf']! })], { preview: true });
      const [app, plain] = resources;
      assert.equal((app!.inputs['source'] as Record<string, unknown>)[SECRET_SIG_KEY], SECRET_SIG, 'the checkpoint keeps the signed URL encrypted');
      assert.equal(plain!.inputs['source'], files['/m.ovf'], 'a plain path stays a plain input');
      assert.deepEqual(app!.check.failures, [], 'the package was read with the credentials and token');
      assert.deepEqual(leaks(JSON.stringify({ ...app!.check.inputs, source: undefined })), []);
      assert.deepEqual(leaks(host.stderr()), []);
      const refused = await runProgram(host, () => [new PulumiOvfImport('absent', { source: tokenUrl('absent.ova') })], { preview: true });
      const reasons = refused.resources[0]!.check.failures.map((f) => `${f.property}: ${f.reason}`);
      assert.deepEqual(reasons, [`source: cannot read the package: GET http://${server.base}/t/absent.ova?…#…: HTTP 404 Not Found`]);
    } finally {
      await host.stop();
    }
  });
});
