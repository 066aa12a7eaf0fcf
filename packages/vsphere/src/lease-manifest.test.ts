import * as assert from 'node:assert/strict';
import { ServerManifest, importedFiles, manifestAlgorithmOf } from './lease-manifest';
import { VimSession } from './session';
import type { HttpRequest, HttpResponse } from './soap/client';

const env = (body: string): string =>
  `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
const ok = (body: string): HttpResponse => ({ status: 200, headers: {}, body: env(body) });
const methodNotFound = (method: string): HttpResponse => ({
  status: 500,
  headers: {},
  body: env(`<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>no such method</faultstring><detail><MethodNotFoundFault xmlns="urn:vim25" xsi:type="MethodNotFound"><method>${method}</method></MethodNotFoundFault></detail></soapenv:Fault>`),
});
const LEASE = { type: 'HttpNfcLease', value: 'lease-1' };
const SHA1_A = 'a'.repeat(40);
const SHA256_B = 'b'.repeat(64);

/** A server with one lease of two device URLs whose manifest is `entries` (XML), at `apiVersion`. */
async function sessionWith(apiVersion: string, answers: { getManifest?: () => HttpResponse; setType?: () => HttpResponse }) {
  const calls: string[] = [];
  const bodies: string[] = [];
  const transport = async (r: HttpRequest): Promise<HttpResponse> => {
    const method = /<(\w+) xmlns="urn:vim25"/.exec(r.body)![1]!;
    calls.push(method);
    bodies.push(r.body);
    switch (method) {
      case 'RetrieveServiceContent':
        return ok(`<RetrieveServiceContentResponse xmlns="urn:vim25"><returnval><rootFolder type="Folder">group-d1</rootFolder><propertyCollector type="PropertyCollector">pc</propertyCollector><about><apiType>VirtualCenter</apiType><apiVersion>${apiVersion}</apiVersion></about><sessionManager type="SessionManager">sm</sessionManager><searchIndex type="SearchIndex">si</searchIndex></returnval></RetrieveServiceContentResponse>`);
      case 'Login':
        return ok('<LoginResponse xmlns="urn:vim25"><returnval><key>k</key></returnval></LoginResponse>');
      case 'HttpNfcLeaseSetManifestChecksumType':
        return answers.setType?.() ?? ok('<HttpNfcLeaseSetManifestChecksumTypeResponse xmlns="urn:vim25"/>');
      case 'HttpNfcLeaseGetManifest':
        return answers.getManifest?.() ?? ok('<HttpNfcLeaseGetManifestResponse xmlns="urn:vim25"/>');
      default:
        throw new Error(`unexpected ${method}`);
    }
  };
  const session = await VimSession.connect({ server: 'https://vc.invalid', userName: 'u', password: 'p', transport });
  return { session, calls: () => calls.slice(2), bodies };
}

const manifestOf = (...entries: string[]): (() => HttpResponse) => () =>
  ok(`<HttpNfcLeaseGetManifestResponse xmlns="urn:vim25">${entries.map((e) => `<returnval>${e}</returnval>`).join('')}</HttpNfcLeaseGetManifestResponse>`);

describe('the server\'s own manifest check (ServerManifest)', () => {
  it('compares the server\'s SHA-1 with a SHA1 manifest without asking for a checksum type', async () => {
    const { session, calls } = await sessionWith('6.5', { getManifest: manifestOf(`<key>/vm-1/disk:0</key><sha1>${SHA1_A}</sha1><size>10</size><disk>true</disk>`) });
    const check = await ServerManifest.begin(session, LEASE, 'SHA1', ['/vm-1/disk:0']);
    await check.verify([{ path: 'disk1.vmdk', deviceKey: '/vm-1/disk:0', digest: SHA1_A.toUpperCase() }]);
    assert.deepEqual(check.result(), { ran: true, checksumType: 'sha1', verified: ['disk1.vmdk'], skipped: [] });
    assert.deepEqual(calls(), ['HttpNfcLeaseGetManifest']);
  });

  it('asks a 6.7+ server for sha256 of every device URL before the transfer, and compares `checksum`', async () => {
    const { session, calls, bodies } = await sessionWith('7.0.3.0', {
      getManifest: manifestOf(`<key>k0</key><sha1>${SHA1_A}</sha1><checksum>${SHA256_B}</checksum><checksumType>sha256</checksumType><size>10</size><disk>true</disk>`, `<key>k1</key><sha1>${SHA1_A}</sha1><size>0</size><disk>false</disk>`),
    });
    const check = await ServerManifest.begin(session, LEASE, 'SHA256', ['k0', 'k1']);
    assert.match(bodies.find((b) => b.includes('SetManifestChecksumType'))!, /<deviceUrlsToChecksumTypes><key>k0<\/key><value>sha256<\/value><\/deviceUrlsToChecksumTypes><deviceUrlsToChecksumTypes><key>k1<\/key><value>sha256<\/value><\/deviceUrlsToChecksumTypes>/);
    await check.verify([
      { path: 'a.vmdk', deviceKey: 'k0', digest: SHA256_B },
      { path: 'b.iso', deviceKey: 'k1', digest: SHA256_B },
      { path: 'c.vmdk', deviceKey: 'k2', digest: SHA256_B },
      { path: 'd.vmdk.gz', deviceKey: 'k0', reason: 'stored gzip-compressed' },
    ]);
    assert.deepEqual(check.result(), {
      ran: true,
      checksumType: 'sha256',
      verified: ['a.vmdk'],
      skipped: [
        { path: 'b.iso', reason: 'the server reported no sha256 for it' },
        { path: 'c.vmdk', reason: "the server's manifest has no entry for device k2" },
        { path: 'd.vmdk.gz', reason: 'stored gzip-compressed' },
      ],
    });
    assert.deepEqual(calls(), ['HttpNfcLeaseSetManifestChecksumType', 'HttpNfcLeaseGetManifest']);
  });

  it('throws INTEGRITY naming every file whose server checksum differs', async () => {
    const { session } = await sessionWith('6.5', { getManifest: manifestOf(`<key>k0</key><sha1>${SHA1_A}</sha1><size>1</size><disk>true</disk>`, `<key>k1</key><sha1>${SHA1_A}</sha1><size>1</size><disk>true</disk>`) });
    const check = await ServerManifest.begin(session, LEASE, 'SHA1', []);
    await assert.rejects(check.verify([{ path: 'a.vmdk', deviceKey: 'k0', digest: 'c'.repeat(40) }, { path: 'b.vmdk', deviceKey: 'k1', digest: 'd'.repeat(40) }]), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'INTEGRITY');
      assert.match(e.message, /of 2 files differs from the package manifest: a\.vmdk \(server sha1 a{40}, expected c{40}\); b\.vmdk \(server sha1 a{40}, expected d{40}\)/);
      return true;
    });
  });

  it('skips, never fails, on a server without the methods, on an older API with SHA256, and with SHA512', async () => {
    const noGet = await sessionWith('6.5', { getManifest: () => methodNotFound('HttpNfcLeaseGetManifest') });
    const a = await ServerManifest.begin(noGet.session, LEASE, 'SHA1', ['k0']);
    await a.verify([{ path: 'a.vmdk', deviceKey: 'k0', digest: SHA1_A }]);
    assert.deepEqual(a.result(), { ran: false, verified: [], skipped: [], note: 'the server has no HttpNfcLeaseGetManifest (MethodNotFound), so its checksums were not compared' });

    const noSet = await sessionWith('8.0.3.0', { setType: () => methodNotFound('HttpNfcLeaseSetManifestChecksumType') });
    const b = await ServerManifest.begin(noSet.session, LEASE, 'SHA256', ['k0']);
    await b.verify([{ path: 'a.vmdk', deviceKey: 'k0', digest: SHA256_B }]);
    assert.equal(b.result().ran, false);
    assert.deepEqual(noSet.calls(), ['HttpNfcLeaseSetManifestChecksumType'], 'nothing more is asked once the server said no');

    const old = await sessionWith('6.5', {});
    const c = await ServerManifest.begin(old.session, LEASE, 'SHA256', ['k0']);
    await c.verify([{ path: 'a.vmdk', deviceKey: 'k0', digest: SHA256_B }]);
    assert.match(c.result().note ?? '', /API 6\.5 is older than 6\.7/);
    const d = await ServerManifest.begin(old.session, LEASE, 'SHA512', ['k0']);
    await d.verify([{ path: 'a.vmdk', deviceKey: 'k0', digest: 'e'.repeat(128) }]);
    assert.match(d.result().note ?? '', /SHA512/);
    assert.deepEqual(old.calls(), [], 'no call at all: no second hash, no manifest read');
  });

  it('with a manifest known only after the transfer, asks a 6.7+ server for sha256 up front and compares by the manifest\'s algorithm', async () => {
    const { session, calls } = await sessionWith('7.0.3.0', { getManifest: manifestOf(`<key>k0</key><sha1>${SHA1_A}</sha1><checksum>${SHA256_B}</checksum><checksumType>sha256</checksumType><size>1</size><disk>true</disk>`) });
    const sha256 = await ServerManifest.begin(session, LEASE, 'unknown', ['k0']);
    sha256.useAlgorithm('SHA256');
    await sha256.verify([{ path: 'a.vmdk', deviceKey: 'k0', digest: SHA256_B }]);
    assert.equal(sha256.result().checksumType, 'sha256');
    const sha1 = await ServerManifest.begin(session, LEASE, 'unknown', ['k0']);
    sha1.useAlgorithm('SHA1');
    await sha1.verify([{ path: 'a.vmdk', deviceKey: 'k0', digest: SHA1_A }]);
    assert.deepEqual(sha1.result().verified, ['a.vmdk']);
    assert.equal(sha1.result().checksumType, 'sha1');
    assert.deepEqual(calls(), ['HttpNfcLeaseSetManifestChecksumType', 'HttpNfcLeaseGetManifest', 'HttpNfcLeaseSetManifestChecksumType', 'HttpNfcLeaseGetManifest']);
  });

  it('gives an import\'s plain files the manifest digest, and skips compressed and chunked ones with why', () => {
    const files = importedFiles(
      [
        { fileItem: { path: 'a.vmdk', deviceId: '/web/disk:0' }, parts: ['a.vmdk'] },
        { fileItem: { path: 'b.vmdk', deviceId: '/web/disk:1', compressionMethod: 'gzip' }, parts: ['b.vmdk'] },
        { fileItem: { path: 'c.vmdk', deviceId: '/web/disk:2' }, parts: ['c.vmdk.000000000', 'c.vmdk.000000001'] },
      ],
      [{ key: '/vm-9/disk:0', importKey: '/web/disk:0' }, { key: '/vm-9/disk:1', importKey: '/web/disk:1' }, { key: '/vm-9/disk:2', importKey: '/web/disk:2' }],
      new Map([['a.vmdk', { digest: SHA256_B }]]),
    );
    assert.deepEqual(files, [
      { path: 'a.vmdk', deviceKey: '/vm-9/disk:0', digest: SHA256_B },
      { path: 'b.vmdk', deviceKey: '/vm-9/disk:1', reason: 'stored gzip-compressed: the server hashes the inflated bytes, the manifest the compressed file' },
      { path: 'c.vmdk', deviceKey: '/vm-9/disk:2', reason: 'stored in chunks: the server hashes the joined bytes, the manifest each chunk' },
    ]);
    assert.equal(manifestAlgorithmOf(new Map([['x', { algorithm: 'SHA256' }]])), 'SHA256');
  });
});
