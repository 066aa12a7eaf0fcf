import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { VimClient } from './soap/client';
import { RetrieveServiceContent } from './soap/methods';
import type { Vocabulary } from '@ovfkit/core';
import { connectionTrust, createAgent, normalizeThumbprint, vsphereEndpoint } from './tls';

const SI = { type: 'ServiceInstance', value: 'ServiceInstance' };
const ANSWER = '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><RetrieveServiceContentResponse xmlns="urn:vim25"><returnval><about><apiType>HostAgent</apiType></about></returnval></RetrieveServiceContentResponse></soapenv:Body></soapenv:Envelope>';

describe('TLS trust for vSphere connections (a real https server on 127.0.0.1)', () => {
  let server: https.Server;
  let url: string;
  let thumbprint: string;
  let certPem: string;
  let bodies: string[];

  before(function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    certPem = fs.readFileSync(path.join(dir, 'c.pem'), 'utf8');
    thumbprint = new X509Certificate(certPem).fingerprint256;
    bodies = [];
    server = https.createServer({ key: fs.readFileSync(path.join(dir, 'k.pem')), cert: certPem }, (req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c));
      req.on('end', () => {
        bodies.push(b);
        res.writeHead(200, { 'content-type': 'text/xml' }).end(ANSWER);
      });
    });
    fs.rmSync(dir, { recursive: true });
    return new Promise<void>((r) => server.listen(0, '127.0.0.1', () => {
      url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      r();
    }));
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses a self-signed certificate by default, with the ways to trust it of the front end that connected (--thumbprint for the CLI)', async () => {
    const seen: Record<string, [string | undefined, string]> = {};
    for (const vocabulary of ['cli', 'pulumi'] as const) {
      const c = new VimClient({ url, agent: createAgent({}), vocabulary });
      seen[vocabulary] = await c.send(new RetrieveServiceContent({ _this: SI })).then(() => [undefined, 'accepted'], (e: Error & { code?: string }) => [e.code, e.message]);
    }
    const origin = new URL(url).origin;
    assert.deepEqual(seen, {
      cli: ['TLS', `RetrieveServiceContent: the TLS certificate of ${origin} is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); pass --thumbprint <sha256> to pin it, --ca <file>, or --insecure`],
      pulumi: ['TLS', `RetrieveServiceContent: the TLS certificate of ${origin} is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); set connection.thumbprint (or ovfkit:thumbprint) to its SHA-256 fingerprint to pin it, or connection.insecure (or ovfkit:insecure) to skip the check; the Pulumi provider takes no CA`],
    });
  });

  it('accepts the server when its SHA-256 thumbprint matches the pin (any case, with or without colons)', async () => {
    const c = new VimClient({ url, agent: createAgent({ thumbprint: thumbprint.replace(/:/g, '').toLowerCase() }) });
    const sc = await c.send(new RetrieveServiceContent({ _this: SI }));
    assert.equal(sc.about.apiType, 'HostAgent');
  });

  it('refuses a mismatched pin before sending a single byte of the request', async () => {
    const before = bodies.length;
    const wrong = thumbprint.replace(/^../, (h) => (h === 'AA' ? 'BB' : 'AA'));
    const c = new VimClient({ url, agent: createAgent({ thumbprint: wrong }) });
    await assert.rejects(c.send(new RetrieveServiceContent({ _this: SI })), /does not match the pinned thumbprint/);
    assert.equal(bodies.length, before, 'the server received no request');
  });

  it('trusts the certificate given as a CA', async () => {
    const c = new VimClient({ url, agent: createAgent({ ca: certPem }) });
    assert.equal((await c.send(new RetrieveServiceContent({ _this: SI }))).about.apiType, 'HostAgent');
  });

  it('accepts anything only when insecure is asked for by name', async () => {
    const c = new VimClient({ url, agent: createAgent({ insecure: true }) });
    assert.equal((await c.send(new RetrieveServiceContent({ _this: SI }))).about.apiType, 'HostAgent');
  });

  it('rejects a thumbprint that is not a SHA-256 fingerprint', () => {
    assert.throws(() => normalizeThumbprint('AB:CD'), /SHA-256/);
  });
});

describe('vsphereEndpoint and connectionTrust: the one place that decides whether credentials may be sent', () => {
  it('reads a bare host, a host:port and an https URL with or without a path', () => {
    assert.deepEqual(vsphereEndpoint('vc.example.com'), { origin: 'https://vc.example.com', sdkUrl: 'https://vc.example.com/sdk' });
    assert.deepEqual(vsphereEndpoint('vc.example.com:8443'), { origin: 'https://vc.example.com:8443', sdkUrl: 'https://vc.example.com:8443/sdk' });
    assert.deepEqual(vsphereEndpoint(' https://10.0.0.1/sdk '), { origin: 'https://10.0.0.1', sdkUrl: 'https://10.0.0.1/sdk' });
    assert.deepEqual(vsphereEndpoint('HTTPS://vc/custom/sdk'), { origin: 'https://vc', sdkUrl: 'https://vc/custom/sdk' });
  });

  it('refuses http:// (any case), other schemes, credentials in the URL and garbage, each with its own message', () => {
    const refused = (server: string, message: RegExp): void => assert.throws(() => vsphereEndpoint(server), (e: Error & { code?: string }) => e.code === 'USAGE' && message.test(e.message), server);
    for (const server of ['http://vc.example.com', 'HTTP://vc.example.com/sdk', 'http://127.0.0.1:80']) refused(server, /^refusing to connect to http:\/\/[^:]+(:\d+)?: vSphere credentials travel only over TLS/);
    refused('ftp://vc', /must be https:\/\/, got ftp:\/\//);
    refused('https://root:pw@vc', /not in the server URL/);
    refused('https://', /must be https:\/\/host\[:port\]\[\/sdk\] or a host name, got "https:\/\/"/);
  });

  it('takes at most one of thumbprint, CA and insecure, and never ignores one that is given', () => {
    assert.deepEqual(connectionTrust({}), {});
    assert.deepEqual(connectionTrust({ insecure: true }), { insecure: true });
    assert.deepEqual(connectionTrust({ insecure: false }), {});
    assert.deepEqual(connectionTrust({ thumbprint: 'ab'.repeat(32) }), { thumbprint: Array(32).fill('AB').join(':') });
    assert.throws(() => connectionTrust({ thumbprint: 'ab'.repeat(32), insecure: true }, 'cli'), /choose one of --thumbprint, --ca and --insecure \(got --thumbprint and --insecure\)/);
    assert.throws(() => connectionTrust({ ca: 'x', thumbprint: 'ab' }, 'cli'), /choose one of .* \(got --thumbprint and --ca\)/);
    assert.throws(() => connectionTrust({ thumbprint: '' }), /SHA-256 fingerprint/);
    assert.throws(() => connectionTrust({ ca: '' }, 'cli'), /the CA \(--ca\) holds no PEM certificate/);
    assert.throws(() => connectionTrust({ ca: 'not a certificate' }, 'cli'), /the CA \(--ca\) holds no PEM certificate/);
    assert.throws(() => connectionTrust({ ca: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }, 'cli'), /the CA \(--ca\) holds a certificate that cannot be read/);
  });

  it('names the settings in the words of the front end that shows the refusal', () => {
    const message = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return `${(e as { code?: string }).code}: ${(e as Error).message}`;
      }
      return 'no error';
    };
    const both = { thumbprint: 'ab'.repeat(32), insecure: true };
    const by = (v: Vocabulary): string[] => [
      message(() => connectionTrust(both, v)),
      message(() => connectionTrust({ thumbprint: 'ab' }, v)),
      message(() => vsphereEndpoint('https://root:pw@vc', v)),
      message(() => vsphereEndpoint('http://vc', v)),
    ];
    assert.deepEqual(by('cli'), [
      'USAGE: choose one of --thumbprint, --ca and --insecure (got --thumbprint and --insecure)',
      'USAGE: the thumbprint (--thumbprint) must be the SHA-256 fingerprint of the certificate (32 bytes in hex), got "ab"',
      'USAGE: put credentials in --user (or VSPHERE_USER) and --password (or VSPHERE_PASSWORD), not in the server URL',
      'USAGE: refusing to connect to http://vc: vSphere credentials travel only over TLS (https://), verified by the system CAs, --ca or --thumbprint, or unverified by --insecure; nothing was sent',
    ]);
    assert.deepEqual(by('pulumi'), [
      'USAGE: choose one of connection.thumbprint (or ovfkit:thumbprint), a CA (the Pulumi provider takes none: pin connection.thumbprint) and connection.insecure (or ovfkit:insecure) (got connection.thumbprint (or ovfkit:thumbprint) and connection.insecure (or ovfkit:insecure))',
      'USAGE: the thumbprint (connection.thumbprint (or ovfkit:thumbprint)) must be the SHA-256 fingerprint of the certificate (32 bytes in hex), got "ab"',
      'USAGE: put credentials in connection.user (or ovfkit:user) and connection.password (or ovfkit:password), not in the server URL',
      'USAGE: refusing to connect to http://vc: vSphere credentials travel only over TLS (https://), verified by the system CAs, a CA (the Pulumi provider takes none: pin connection.thumbprint) or connection.thumbprint (or ovfkit:thumbprint), or unverified by connection.insecure (or ovfkit:insecure); nothing was sent',
    ]);
    assert.deepEqual(by('terraform')[0], "USAGE: choose one of the provider's thumbprint = …, the provider's ca = … and the provider's insecure = … (got the provider's thumbprint = … and the provider's insecure = …)");
  });
});
