import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as path from 'node:path';

import * as pulumi from '@pulumi/pulumi';
import { ovfExportProvider, ovfImportProvider } from '@ovfkit/pulumi';

import { repoRoot } from '../paths';
import { dynamicUrn, RpcError, startPluginHost, UNKNOWN, type PluginHost } from './plugin-host';

const SECRET = 'pa55-w0rd-from-the-stack-config';
const ENV_SECRET = 'pa55-w0rd-from-the-environment';
const minimalOvf = path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf');
const importUrn = dynamicUrn('app', 'pulumi-nodejs:dynamic/ovfkit:OvfImport');
const exportUrn = dynamicUrn('backup', 'pulumi-nodejs:dynamic/ovfkit:OvfExport');

async function serialize(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  return (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
}

/** A 127.0.0.1 port with nothing listening: connecting fails fast with ECONNREFUSED. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('the serialized OvfImport and OvfExport providers', () => {
  it('are trampolines into the installed @ovfkit/pulumi, capturing no module, config or credential', async () => {
    process.env['VSPHERE_PASSWORD'] = ENV_SECRET;
    try {
      for (const p of [ovfImportProvider, ovfExportProvider]) {
        const text = await serialize(p);
        assert.match(text, /require\('@ovfkit\/pulumi\/runtime'\)/);
        for (const m of ['configure', 'check', 'diff', 'create', 'read', 'update', 'delete']) assert.match(text, new RegExp(`/\\*${m}\\*/`));
        assert.ok(!text.includes(ENV_SECRET), 'the environment password is not in the serialized provider');
        assert.ok(!/VSPHERE_|ovfkit:password|password/i.test(text), 'no credential name or value is in the serialized provider');
        assert.ok(text.length < 4000, `the serialized provider stays small (${text.length} characters), so nothing was captured by value`);
      }
    } finally {
      delete process.env['VSPHERE_PASSWORD'];
    }
  });
});

describe('OvfImport and OvfExport through the Pulumi plugin host', function () {
  this.timeout(60_000);
  let host: PluginHost;
  let importProvider: string;
  let exportProvider: string;
  let port: number;

  before(async () => {
    importProvider = await serialize(ovfImportProvider);
    exportProvider = await serialize(ovfExportProvider);
    port = await closedPort();
    host = await startPluginHost({ env: { VSPHERE_PASSWORD: ENV_SECRET } });
    // The engine sends the whole stack config, namespaces kept.
    await host.configure({
      'ovfkit:server': `127.0.0.1:${port}`, 'ovfkit:user': 'ci', 'ovfkit:password': SECRET, 'ovfkit:insecure': 'true',
      'other:setting': 'x',
    });
  });
  after(async () => { await host?.stop(); });

  it('skips every check of an unknown source during preview, and fills only deterministic defaults', async () => {
    const r = await host.check(importUrn, {}, { __provider: importProvider, source: UNKNOWN, datastore: UNKNOWN });
    assert.deepEqual(r.failures, []);
    assert.equal(r.inputs['source'], UNKNOWN);
    assert.equal(r.inputs['datastore'], UNKNOWN);
    assert.equal(r.inputs['manifestPolicy'], 'verify-if-present');
    assert.equal(r.inputs['acceptAllEulas'], false);
    assert.equal(r.inputs['powerOn'], false);
    assert.equal(r.inputs['__provider'], importProvider);
  });

  it('names each malformed input and says what is allowed, all at once', async () => {
    const r = await host.check(importUrn, {}, {
      __provider: importProvider, source: '', diskProvisioning: 'fat', ipProtocol: 'IPv5', powerOn: 'yes',
      manifestPolicy: 'sometimes', networkMapping: { 'VM Network': 7 }, parallelDisks: 0,
    });
    const byProperty = Object.fromEntries(r.failures.map((f) => [f.property, f.reason]));
    // diskProvisioning and ipProtocol are core's to judge (DISK_PROVISIONING_UNSUPPORTED against the
    // host, IP_PROTOCOL_UNSUPPORTED against the package), once a source is planned: see the next test.
    assert.deepEqual(Object.keys(byProperty).sort(), ['manifestPolicy', 'networkMapping["VM Network"]', 'parallelDisks', 'powerOn', 'source'].sort());
    assert.match(byProperty['source']!, /path or http\(s\) URL/);
    assert.equal(byProperty['parallelDisks'], 'parallelDisks must be a whole number from 1 to 32, got 0');
  });

  it('reports an IP protocol the package does not support with core\'s verdict, on the ipProtocol input', async () => {
    const r = await host.check(importUrn, {}, { __provider: importProvider, source: minimalOvf, ipProtocol: 'IPv5' });
    // (This host's server is not running, so `source` also fails its live check; only ipProtocol is asserted.)
    assert.deepEqual(r.failures.filter((f) => f.property === 'ipProtocol').map((f) => f.reason), [
      'IP protocol "IPv5" is not supported by the package; allowed: IPv4; fix: choose a protocol from vmw:IpAssignmentSection protocols [createImportSpec: OvfUnsupportedAttributeValue IP_PROTOCOL_UNSUPPORTED]',
    ]);
  });

  it('refuses a source URL with credentials in it, since inputs are kept in the state', async () => {
    const r = await host.check(importUrn, {}, { __provider: importProvider, source: 'https://ci:s3cr3t@packages.example/app.ova' });
    assert.equal(r.failures.length, 1);
    assert.equal(r.failures[0]!.property, 'source');
    assert.match(r.failures[0]!.reason, /carries credentials/);
    assert.ok(!r.failures[0]!.reason.includes('s3cr3t'));
  });

  it('reports an unreadable package on the source input', async () => {
    const r = await host.check(importUrn, {}, { __provider: importProvider, source: path.join(repoRoot, 'no-such-dir', 'x.ova') });
    assert.equal(r.failures.length, 1);
    assert.equal(r.failures[0]!.property, 'source');
    assert.match(r.failures[0]!.reason, /cannot read the package/);
  });

  const state = {
    source: minimalOvf, datastore: 'LocalDS_0', resourcePool: '/DC0/host/DC0_H0/Resources', name: 'app',
    deploymentOption: 'small', manifestPolicy: 'verify-if-present', acceptAllEulas: true, powerOn: false, markAsTemplate: false,
    entityType: 'VirtualMachine', entityName: 'app', vms: [], descriptorDigest: '', properties: { hostname: 'a' },
    passwordPropertyDigests: {}, powerState: 'poweredOff', warnings: [],
  };

  it('replaces when placement or deployment option changes, and when a placement is not known yet', async () => {
    const olds = { __provider: importProvider, ...state };
    const news = { __provider: importProvider, ...state, propertyMapping: { hostname: 'a' } } as Record<string, unknown>;
    delete news['entityType'];
    const moved = await host.diff('VirtualMachine:vm-1', importUrn, olds, { ...news, datastore: 'LocalDS_1', deploymentOption: 'large' });
    assert.equal(moved.changes, 'some');
    assert.ok(moved.replaces.includes('datastore') && moved.replaces.includes('deploymentOption'), moved.replaces.join());
    const unknown = await host.diff('VirtualMachine:vm-1', importUrn, olds, { ...news, resourcePool: UNKNOWN });
    assert.ok(unknown.replaces.includes('resourcePool'));
  });

  it('updates power state and annotation in place, without replacement', async () => {
    const olds = { __provider: importProvider, ...state };
    const news = { __provider: importProvider, ...state, propertyMapping: { hostname: 'a' }, powerOn: true, annotation: 'owned by CI' };
    const d = await host.diff('VirtualMachine:vm-1', importUrn, olds, news);
    assert.equal(d.changes, 'some');
    assert.deepEqual(d.replaces.filter((k) => k !== 'source'), []);
  });

  it('fails create with a clear connection error that never shows the password', async () => {
    await assert.rejects(host.create(importUrn, { __provider: importProvider, source: minimalOvf }), (e: unknown) => {
      assert.ok(e instanceof RpcError);
      assert.match(e.message, /cannot reach https:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
      assert.ok(!e.message.includes(SECRET) && !e.message.includes(ENV_SECRET), e.message);
      return true;
    });
    assert.ok(!host.stderr().includes(SECRET) && !host.stderr().includes(ENV_SECRET), 'the plugin host logged no secret');
  });

  it('checks OvfExport inputs and defaults the format from the destination', async () => {
    const ok = await host.check(exportUrn, {}, { __provider: exportProvider, entity: 'VirtualMachine:vm-1', destination: path.join(repoRoot, 'app.ova') });
    assert.deepEqual(ok.failures, []);
    assert.equal(ok.inputs['format'], 'ova');
    assert.equal(ok.inputs['manifestAlgorithm'], 'SHA256');
    const bad = await host.check(exportUrn, {}, { __provider: exportProvider, entity: '', destination: '/no/such/dir/app.ova', manifestAlgorithm: 'MD5', format: 'ova' });
    assert.deepEqual(bad.failures.map((f) => f.property).sort(), ['destination', 'entity', 'manifestAlgorithm']);
    const later = await host.check(exportUrn, {}, { __provider: exportProvider, entity: UNKNOWN, destination: path.join(repoRoot, 'x') });
    assert.deepEqual(later.failures, []);
  });

  it('replaces an export whenever one of its inputs changes', async () => {
    const olds = { __provider: exportProvider, entity: 'VirtualMachine:vm-1', destination: '/tmp/a.ova', format: 'ova', manifestAlgorithm: 'SHA256', includeImageFiles: false, files: [], manifestDigest: '', descriptor: '', signed: false, warnings: [] };
    const same = await host.diff('/tmp/a.ova', exportUrn, olds, { __provider: exportProvider, entity: 'VirtualMachine:vm-1', destination: '/tmp/a.ova', format: 'ova', manifestAlgorithm: 'SHA256', includeImageFiles: false });
    assert.equal(same.changes, 'none');
    const changed = await host.diff('/tmp/a.ova', exportUrn, olds, { __provider: exportProvider, entity: 'VirtualMachine:vm-1', destination: '/tmp/a.ova', format: 'ova', manifestAlgorithm: 'SHA512', includeImageFiles: false });
    assert.deepEqual(changed.replaces, ['manifestAlgorithm']);
  });

  it('reads the old export input names exportOptions and chunkSizeBytes as exportOption and chunkSize, and refuses both at once', async () => {
    const destination = path.join(repoRoot, 'app.ova');
    const now = await host.check(exportUrn, {}, { __provider: exportProvider, entity: 'VirtualMachine:vm-1', destination, name: 'golden', exportOption: ['uuid'], chunkSize: 4096 });
    const old = await host.check(exportUrn, {}, { __provider: exportProvider, entity: 'VirtualMachine:vm-1', destination, name: 'golden', exportOptions: ['uuid'], chunkSizeBytes: 4096 });
    assert.deepEqual(old.failures, []);
    assert.deepEqual(old.inputs, now.inputs, 'the old names check to the very inputs the new names give');
    assert.deepEqual([old.inputs['exportOption'], old.inputs['chunkSize'], 'exportOptions' in old.inputs, 'chunkSizeBytes' in old.inputs], [['uuid'], 4096, false, false]);
    const both = await host.check(exportUrn, {}, { __provider: exportProvider, entity: 'VirtualMachine:vm-1', destination, exportOption: ['uuid'], exportOptions: ['mac'], chunkSize: 4096, chunkSizeBytes: 4096 });
    assert.deepEqual(both.failures, [
      { property: 'exportOptions', reason: 'give "exportOption" only ("exportOptions" is its deprecated name)' },
      { property: 'chunkSizeBytes', reason: 'give "chunkSize" only ("chunkSizeBytes" is its deprecated name)' },
    ]);
    const bad = await host.check(exportUrn, {}, { __provider: exportProvider, entity: 'VirtualMachine:vm-1', destination, chunkSizeBytes: 0, exportOptions: 'uuid' });
    assert.deepEqual(bad.failures, [
      { property: 'chunkSize', reason: 'chunkSize must be a positive whole number of bytes' },
      { property: 'exportOption', reason: 'exportOption must be a list of OvfManager export option keywords (see ovfExportOption)' },
    ], 'a wrong value under the old name is judged as the new input');
  });

  it('plans no change for an export whose state was written under the old input names', async () => {
    const stored = { __provider: exportProvider, entity: 'VirtualMachine:vm-1', destination: '/tmp/a.ova', format: 'ova', manifestAlgorithm: 'SHA256', exportOptions: ['mac'], chunkSizeBytes: 4096, includeImageFiles: false, files: [], manifestDigest: '', descriptor: '', signed: false, warnings: [] };
    const news = { __provider: exportProvider, entity: 'VirtualMachine:vm-1', destination: '/tmp/a.ova', format: 'ova', manifestAlgorithm: 'SHA256', exportOption: ['mac'], chunkSize: 4096, includeImageFiles: false };
    assert.deepEqual(await host.diff('/tmp/a.ova', exportUrn, stored, news), { changes: 'none', replaces: [], deleteBeforeReplace: false });
    assert.deepEqual((await host.diff('/tmp/a.ova', exportUrn, stored, { ...news, chunkSize: 8192 })).replaces, ['chunkSize']);
    assert.deepEqual((await host.diff('/tmp/a.ova', exportUrn, stored, { ...news, name: 'golden' })).replaces, ['name'], 'name (the ovf:id written) is an input too');
  });
});
