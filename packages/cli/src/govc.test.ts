import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import type { CommandContext, OptionValues } from './command';
import { connectionSettings } from './connection';
import { placementOption } from './govc';

const PIN = 'AB:'.repeat(31) + 'AB';
const SHA1 = '12:'.repeat(19) + '12';

describe('connection settings from govc variables (issue 15)', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-govc-'));
    fs.writeFileSync(path.join(dir, 'known'), `other.example:443 ${'CD:'.repeat(31)}CD\nvc.example:443 ${PIN}\nsha1.example ${SHA1}\n`);
    fs.writeFileSync(path.join(dir, 'a.pem'), 'A');
    fs.writeFileSync(path.join(dir, 'b.pem'), 'B');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const ctx = (env: NodeJS.ProcessEnv): CommandContext => ({ stdout: new PassThrough(), stderr: new PassThrough(), cwd: dir, env, signal: new AbortController().signal });
  const settings = (env: NodeJS.ProcessEnv, values: OptionValues = {}): unknown => connectionSettings(values, ctx(env));
  const fails = (env: NodeJS.ProcessEnv, message: string, values: OptionValues = {}): void => assert.throws(() => connectionSettings(values, ctx(env)), { code: 'USAGE', message });

  it('GOVC_URL with user:password@host: https and /sdk implied, the credentials taken out of the URL (percent-decoded)', () => {
    assert.deepEqual(settings({ GOVC_URL: 'admin%40vsphere.local:p%23ss:w@vc.example' }), { server: 'https://vc.example', userName: 'admin@vsphere.local', password: 'p#ss:w', warnings: [] });
    assert.deepEqual(settings({ GOVC_URL: 'https://vc.example:8443/sdk', GOVC_USERNAME: 'u', GOVC_PASSWORD: 'p' }), { server: 'https://vc.example:8443/sdk', userName: 'u', password: 'p', warnings: [] });
    // The URL's own credentials come first, as in govc.
    assert.deepEqual(settings({ GOVC_URL: 'a:b@vc.example', GOVC_USERNAME: 'u', GOVC_PASSWORD: 'p' }), { server: 'https://vc.example', userName: 'a', password: 'b', warnings: [] });
  });

  it('flags, then VSPHERE_*, then GOVC_*; GOVC_* credentials only ever go to the server of GOVC_URL', () => {
    assert.deepEqual(settings({ GOVC_URL: 'a:b@vc.example', VSPHERE_USER: 'vu', VSPHERE_PASSWORD: 'vp' }), { server: 'https://vc.example', userName: 'vu', password: 'vp', warnings: [] });
    assert.deepEqual(settings({ GOVC_URL: 'a:b@vc.example' }, { server: 'flag.example', user: 'fu', password: 'fp' }), { server: 'flag.example', userName: 'fu', password: 'fp', warnings: [] });
    fails({ VSPHERE_SERVER: 'other.example', GOVC_URL: 'a:b@vc.example', GOVC_USERNAME: 'u' }, 'no vSphere user: pass --user or set VSPHERE_USER');
    fails({ GOVC_URL: 'vc.example' }, 'no vSphere user: pass --user or set VSPHERE_USER (or GOVC_USERNAME, or user@ in GOVC_URL)');
    fails({ GOVC_URL: 'u@vc.example' }, 'no vSphere password: set VSPHERE_PASSWORD (or GOVC_PASSWORD) (or pass --password)');
    fails({}, 'no vSphere server: pass --server or set VSPHERE_SERVER (or GOVC_URL)');
  });

  it('an unreadable GOVC_URL is reported without its value', () => {
    for (const GOVC_URL of ['https://u:Secret-1@[bad', 'u:%E0%A4%A@vc.example']) {
      assert.throws(() => connectionSettings({}, ctx({ GOVC_URL })), (e: Error) => e.message === 'GOVC_URL is neither a URL nor a host name (its value is not shown: it may hold a password)' && !e.message.includes('Secret'));
    }
  });

  it('trust from GOVC_TLS_KNOWN_HOSTS (the SHA-256 entry of this host:port), GOVC_TLS_CA_CERTS, GOVC_INSECURE, in that order', () => {
    const base = { GOVC_URL: 'u:p@vc.example' };
    assert.deepEqual(settings({ ...base, GOVC_TLS_KNOWN_HOSTS: `${path.join(dir, 'missing')}:known`, GOVC_TLS_CA_CERTS: 'a.pem', GOVC_INSECURE: '1' }), { server: 'https://vc.example', userName: 'u', password: 'p', thumbprint: PIN, warnings: [] });
    assert.deepEqual(settings({ ...base, GOVC_TLS_CA_CERTS: 'a.pem:b.pem', GOVC_INSECURE: 'true' }), { server: 'https://vc.example', userName: 'u', password: 'p', ca: 'A\nB', warnings: [] });
    assert.deepEqual(settings({ ...base, GOVC_INSECURE: 'True' }), { server: 'https://vc.example', userName: 'u', password: 'p', insecure: true, warnings: ['GOVC_INSECURE is set: the certificate of vc.example:443 is not verified'] });
    assert.deepEqual(settings({ ...base, GOVC_INSECURE: '0' }), { server: 'https://vc.example', userName: 'u', password: 'p', warnings: [] });
    // Another port is another host for the known-hosts file.
    assert.deepEqual(settings({ GOVC_URL: 'u:p@vc.example:8443', GOVC_TLS_KNOWN_HOSTS: 'known' }), { server: 'https://vc.example:8443', userName: 'u', password: 'p', warnings: [] });
    fails({ ...base, GOVC_INSECURE: 'yes' }, 'GOVC_INSECURE must be true or false (1 or 0), got "yes"');
    fails({ ...base, GOVC_TLS_CA_CERTS: 'none.pem' }, `cannot read the GOVC_TLS_CA_CERTS file ${path.join(dir, 'none.pem')}`);
    fails({ GOVC_URL: 'u:p@sha1.example', GOVC_TLS_KNOWN_HOSTS: 'known' }, 'GOVC_TLS_KNOWN_HOSTS pins sha1.example:443 by a SHA-1 thumbprint; ovfkit pins only SHA-256: pass --thumbprint with the certificate\'s SHA-256 fingerprint (openssl x509 -noout -fingerprint -sha256), or --ca');
  });

  it('a trust flag or VSPHERE_THUMBPRINT replaces the GOVC_TLS_* ones; they never apply to another server', () => {
    const govc = { GOVC_URL: 'u:p@vc.example', GOVC_TLS_KNOWN_HOSTS: 'known', GOVC_INSECURE: '1' };
    assert.deepEqual(settings(govc, { insecure: true }), { server: 'https://vc.example', userName: 'u', password: 'p', insecure: true, warnings: [] });
    assert.deepEqual(settings({ ...govc, VSPHERE_THUMBPRINT: SHA1 }), { server: 'https://vc.example', userName: 'u', password: 'p', thumbprint: SHA1, warnings: [] });
    assert.deepEqual(settings({ ...govc, VSPHERE_SERVER: 'vc.example', VSPHERE_USER: 'x', VSPHERE_PASSWORD: 'y' }), { server: 'vc.example', userName: 'x', password: 'y', warnings: [] });
  });

  it('placement flags fall back to GOVC_DATACENTER, GOVC_DATASTORE, GOVC_RESOURCE_POOL, GOVC_FOLDER (empty is unset)', () => {
    const env = { GOVC_DATACENTER: 'DC0', GOVC_DATASTORE: 'LocalDS_0', GOVC_RESOURCE_POOL: 'DC0_C0/Resources', GOVC_FOLDER: '' };
    assert.deepEqual(
      (['datacenter', 'datastore', 'pool', 'folder'] as const).map((f) => [placementOption({}, env, f), placementOption({ [f]: 'flag' }, env, f)]),
      [['DC0', 'flag'], ['LocalDS_0', 'flag'], ['DC0_C0/Resources', 'flag'], [undefined, 'flag']],
    );
  });
});
