/**
 * No credential over an unencrypted channel (issue 12 item 1): every front end — CLI flags,
 * VSPHERE_SERVER, Pulumi's `ovfkit:server`, a CDKTF provisioner — refuses an `http://` vCenter
 * before a single byte reaches it. The listener is a plain TCP server on 127.0.0.1 that records
 * every byte it receives.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { OvfImport } from '@ovfkit/cdktf';
import { defaultBackend, resolveConnection } from '@ovfkit/pulumi';
import { VimSession } from '@ovfkit/vsphere';
import { repoRoot } from './paths';
import { runCli } from './run-cli';

const PASSWORD = 'Clear-Text-Secret-42';
const minimalOvf = path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf');

describe('an http:// vSphere server is refused before anything is sent, by every front end', function () {
  this.timeout(60_000);
  let listener: net.Server;
  let received: Buffer[];
  let connections = 0;
  let server = '';
  before(async () => {
    received = [];
    listener = net.createServer((socket) => {
      connections++;
      socket.on('data', (d: Buffer) => {
        received.push(d);
        socket.end('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
    server = `http://127.0.0.1:${(listener.address() as net.AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => listener.close(() => r())));
  afterEach(() => {
    const bytes = Buffer.concat(received).toString('latin1');
    received = [];
    connections = 0;
    assert.equal(bytes.includes(PASSWORD), false, 'the password reached the listener');
  });
  const nothingArrived = (): void => {
    assert.equal(connections, 0, 'no connection was opened');
    assert.equal(Buffer.concat(received).length, 0, 'no byte arrived');
  };
  const refusal = /refusing to connect to http:\/\/127\.0\.0\.1:\d+: vSphere credentials travel only over TLS \(https:\/\/\), verified by the system CAs, --ca or --thumbprint, or unverified by --insecure; nothing was sent/;
  // The same refusal in the words of the front end that shows it: Pulumi's connection input / ovfkit:* config, the library's ConnectOptions.
  const refusalPulumi = /refusing to connect to http:\/\/127\.0\.0\.1:\d+: vSphere credentials travel only over TLS \(https:\/\/\), verified by the system CAs, a CA \(the Pulumi provider takes none: pin connection\.thumbprint\) or connection\.thumbprint \(or ovfkit:thumbprint\), or unverified by connection\.insecure \(or ovfkit:insecure\); nothing was sent$/;
  const refusalApi = /refusing to connect to http:\/\/127\.0\.0\.1:\d+: vSphere credentials travel only over TLS \(https:\/\/\), verified by the system CAs, ConnectOptions\.ca or ConnectOptions\.thumbprint, or unverified by ConnectOptions\.insecure; nothing was sent$/;

  it('the listener records what a client sends it (so "nothing arrived" can fail)', async () => {
    await new Promise<void>((resolve) => {
      const req = http.request(`${server}/sdk`, { method: 'POST' }, (res) => res.resume().on('end', resolve));
      req.on('error', () => resolve());
      req.end(`<password>${PASSWORD.slice(0, 5)}</password>`);
    });
    assert.equal(connections, 1);
    assert.match(Buffer.concat(received).toString('latin1'), /^POST \/sdk HTTP\/1\.1/);
  });

  for (const [label, flags] of [
    ['no trust flag', []],
    ['--insecure (it waives verification, not encryption)', ['--insecure']],
    ['--thumbprint (there is no certificate to pin over http)', ['--thumbprint', 'AB'.repeat(32)]],
  ] as const) {
    it(`CLI --server http://… with ${label}: exit 2, a clear error`, async () => {
      const r = await runCli(['inventory', 'capture', '--server', `${server}/sdk`, '--user', 'u', ...flags], { VSPHERE_PASSWORD: PASSWORD });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, refusal);
      assert.equal(r.stdout, '');
      nothingArrived();
    });
  }

  it('CLI with VSPHERE_SERVER=http://…: the same refusal, with --json', async () => {
    const r = await runCli(['destroy', '/DC0/vm/x', '--json'], { VSPHERE_SERVER: server, VSPHERE_USER: 'u', VSPHERE_PASSWORD: PASSWORD });
    assert.equal(r.code, 2);
    const out = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    assert.equal(out.error.code, 'USAGE');
    assert.match(out.error.message, refusal);
    nothingArrived();
  });

  it('Pulumi ovfkit:server = http://…: the provider\'s connect rejects', async () => {
    const config = new Map([['ovfkit:server', server], ['ovfkit:user', 'u'], ['ovfkit:password', PASSWORD], ['ovfkit:insecure', 'true']]);
    const c = resolveConnection({ get: (k) => config.get(k) }, {});
    assert.ok(c);
    await assert.rejects(defaultBackend().connect(c), refusalPulumi);
    nothingArrived();
  });

  it('a CDKTF import provisioner run with VSPHERE_SERVER=http://… fails at apply, nothing imported', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-cred-'));
    try {
      const app = Testing.app({ outdir: dir });
      const stack = new TerraformStack(app, 'test');
      new OvfImport(stack, 'App', { source: minimalOvf, name: 'app01', datacenter: 'DC0', resourcePool: '/DC0/host/DC0_C0/Resources', datastore: 'LocalDS_0', ovfkitCommand: `${process.execPath} ${path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js')}` });
      const json = JSON.parse(Testing.synth(stack)) as { resource: { terraform_data: Record<string, { provisioner: { 'local-exec': { command: string } }[] }> } };
      const command = Object.values(json.resource.terraform_data)[0]!.provisioner[0]!['local-exec'].command;
      // Terraform runs a provisioner in the stack's directory, where the synthesized paths are relative to.
      const stackDir = path.join(dir, 'stacks', 'test');
      fs.mkdirSync(stackDir, { recursive: true });
      const r = spawnSync('/bin/sh', ['-c', command], { cwd: stackDir, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', VSPHERE_SERVER: server, VSPHERE_USER: 'u', VSPHERE_PASSWORD: PASSWORD } });
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, refusal);
      nothingArrived();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CLI --ca with an empty or non-certificate file, or an empty --thumbprint, is an error before connecting (never silently ignored)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-cred-ca-'));
    try {
      fs.writeFileSync(path.join(dir, 'empty.pem'), '');
      fs.writeFileSync(path.join(dir, 'key.pem'), '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
      const https = server.replace('http:', 'https:');
      for (const [flags, message] of [
        [['--ca', path.join(dir, 'empty.pem')], /the CA \(--ca\) holds no PEM certificate/],
        [['--ca', path.join(dir, 'key.pem')], /the CA \(--ca\) holds no PEM certificate/],
        [['--thumbprint='], /the thumbprint \(--thumbprint\) must be the SHA-256 fingerprint/],
        [['--ca', path.join(dir, 'empty.pem'), '--insecure'], /choose one of --thumbprint, --ca and --insecure \(got --ca and --insecure\)/],
      ] as const) {
        const r = await runCli(['inventory', 'capture', '--server', https, '--user', 'u', ...flags], { VSPHERE_PASSWORD: PASSWORD });
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, message);
        nothingArrived();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the vsphere library itself (VimSession.connect) refuses, whatever transport it is given', async () => {
    let calls = 0;
    await assert.rejects(VimSession.connect({ server, userName: 'u', password: PASSWORD, transport: async () => { calls++; throw new Error('sent'); } }), refusalApi);
    assert.equal(calls, 0);
    nothingArrived();
  });
});
