import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as tls from 'node:tls';
import { RawSession, allText, faultType, firstText, rawRequest, xmlEscape } from './raw-soap';
import { startSimulator, useSimulator } from './simulator';

describe('the vSphere simulator harness', () => {
  const sim = useSimulator();

  it('serves the vim25 API on 127.0.0.1 with a random port and prints where', () => {
    const u = new URL(sim().sdkUrl);
    assert.equal(u.protocol, 'https:');
    assert.equal(u.hostname, '127.0.0.1');
    assert.notEqual(u.port, '');
    assert.equal(u.pathname, '/sdk');
    assert.equal(sim().url, `https://127.0.0.1:${u.port}`);
    assert.equal(sim().apiType, 'VirtualCenter');
  });

  it('reports the SHA-256 thumbprint of the certificate it really serves', async () => {
    const u = new URL(sim().sdkUrl);
    const served = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({ host: u.hostname, port: Number(u.port), rejectUnauthorized: false }, () => {
        resolve(s.getPeerCertificate().fingerprint256);
        s.end();
      });
      s.on('error', reject);
    });
    assert.match(sim().thumbprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(sim().thumbprint, served);
  });

  it('answers RetrieveServiceContent and Login over raw SOAP, with a session cookie', async () => {
    const s = new RawSession(sim());
    const content = await s.ok('RetrieveServiceContent', 'ServiceInstance', 'ServiceInstance');
    assert.equal(firstText(content, 'apiType'), 'VirtualCenter');
    assert.equal(firstText(content, 'ovfManager'), 'OvfManager');
    assert.equal(firstText(content, 'rootFolder'), 'group-d1');
    const login = await s.ok('Login', 'SessionManager', 'SessionManager', `<userName>${xmlEscape(sim().username)}</userName><password>${xmlEscape(sim().password)}</password>`);
    assert.equal(firstText(login, 'userName'), sim().username);
    assert.match(s.cookie ?? '', /^vmware_soap_session=/);
    const time = await s.ok('CurrentTime', 'ServiceInstance', 'ServiceInstance');
    assert.ok(!Number.isNaN(Date.parse(firstText(time, 'returnval') ?? '')));
  });

  it('refuses a wrong password with an InvalidLogin fault', async () => {
    const s = new RawSession(sim());
    const res = await s.call('Login', 'SessionManager', 'SessionManager', `<userName>${xmlEscape(sim().username)}</userName><password>wrong</password>`);
    assert.equal(res.status, 500);
    assert.equal(faultType(res.body), 'InvalidLogin');
    assert.equal(s.cookie, undefined);
  });

  it('refuses calls without a session with NotAuthenticated', async () => {
    const s = new RawSession(sim());
    const res = await s.call('CurrentTime', 'ServiceInstance', 'ServiceInstance');
    assert.equal(res.status, 500);
    assert.equal(faultType(res.body), 'NotAuthenticated');
  });

  it('has the vcsim inventory: a datacenter, a cluster with its resource pool and a datastore', async () => {
    const s = new RawSession(sim());
    await s.login();
    assert.ok(await s.findByInventoryPath('/DC0/host/DC0_C0/Resources'));
    assert.ok(await s.findByInventoryPath('/DC0/datastore/LocalDS_0'));
    assert.ok(await s.findByInventoryPath('/DC0/network/VM Network'));
    assert.equal(await s.findByInventoryPath('/DC0/host/nope'), undefined);
  });

  it('starts with an empty VM inventory, no leases, no NFC transfer and nothing received on its state endpoint', async () => {
    const state = await sim().state();
    assert.deepEqual(state, { virtualMachines: [], virtualApps: [], leases: [], nfc: { active: 0, peak: 0, started: 0, finished: [] }, received: [] });
  });

  it('answers an unknown control endpoint with 404', async () => {
    const res = await rawRequest(sim(), 'GET', '/ovfkit/nope');
    assert.equal(res.status, 404);
  });
});

describe('starting and stopping simulators', () => {
  it('runs two simulators side by side on different ports with different passwords and certificates', async () => {
    const [a, b] = await Promise.all([startSimulator(), startSimulator()]);
    try {
      assert.notEqual(a.sdkUrl, b.sdkUrl);
      assert.notEqual(a.password, b.password);
      assert.notEqual(a.thumbprint, b.thumbprint);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('uses the credentials it is given', async () => {
    const s = await startSimulator({ username: 'ovfkit', password: 'p&ss<word>' });
    try {
      const raw = new RawSession(s);
      await raw.login();
      assert.ok(raw.cookie);
    } finally {
      await s.stop();
    }
  });

  it('keeps the password out of its log even when logging', async () => {
    const s = await startSimulator({ log: true, password: 'Very-Secret-Pa55' });
    try {
      const raw = new RawSession(s);
      await raw.login();
      await raw.call('Login', 'SessionManager', raw.sessionManager, '<userName>x</userName><password>Very-Secret-Pa55</password>');
      await raw.call('AcquireTicket', 'SessionManager', raw.sessionManager, '<ticketType>mks</ticketType>');
    } finally {
      await s.stop();
    }
    assert.match(s.stderr(), /does not implement: AcquireTicket/, 'the log was captured');
    assert.doesNotMatch(s.stderr(), /Very-Secret-Pa55/);
  });

  it('simulates a standalone ESXi host when asked', async () => {
    const s = await startSimulator({ esx: true });
    try {
      const raw = new RawSession(s);
      await raw.login();
      assert.equal(s.apiType, 'HostAgent');
      assert.equal(raw.ovfManager, 'ha-ovf-manager');
      assert.equal(raw.propertyCollector, 'ha-property-collector');
      assert.ok(await raw.findByInventoryPath('/ha-datacenter/host'));
    } finally {
      await s.stop();
    }
  });

  it('stops the whole process: the pid is gone and the port refuses connections', async () => {
    const s = await startSimulator();
    await s.stop();
    assert.throws(() => process.kill(s.pid, 0), /ESRCH/);
    await assert.rejects(rawRequest(s, 'GET', '/ovfkit/state'), /ECONNREFUSED/);
    await s.stop(); // idempotent
  });

  it('exits and cleans up by itself when the test process dies without stopping it', async function () {
    this.timeout(30000);
    const script = `
      const { startSimulator } = require(${JSON.stringify(require.resolve('./simulator'))});
      const { RawSession, allText } = require(${JSON.stringify(require.resolve('./raw-soap'))});
      (async () => {
        const s = await startSimulator();
        const raw = new RawSession(s); await raw.login();
        const ds = await raw.findByInventoryPath('/DC0/datastore/LocalDS_0');
        const dir = allText(await raw.property('Datastore', ds, 'summary.url'), 'val')[0];
        process.stdout.write(JSON.stringify({ pid: s.pid, dir, existed: require('fs').existsSync(dir) }) + '\\n');
        process.kill(process.pid, 'SIGKILL'); // no exit handlers, no stop()
      })();`;
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let buf = '';
      child.stdout.on('data', (d: Buffer) => (buf += d.toString()));
      child.on('exit', () => resolve(buf));
      child.on('error', reject);
    });
    const { pid, dir, existed } = JSON.parse(out.trim()) as { pid: number; dir: string; existed: boolean };
    assert.equal(existed, true, `${dir} existed while the simulator ran`);
    const gone = async (): Promise<boolean> => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    };
    const until = Date.now() + 10000;
    while (!(await gone()) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    assert.ok(await gone(), `simulator ${pid} still running`);
    assert.equal(fs.existsSync(dir), false, `${dir} left behind`);
  });

  it('removes its temporary datastore directories when stopped', async () => {
    const s = await startSimulator();
    const raw = new RawSession(s);
    await raw.login();
    const ds = await raw.findByInventoryPath('/DC0/datastore/LocalDS_0');
    const urlVal = await raw.property('Datastore', ds ?? '', 'summary.url');
    const dir = allText(urlVal ?? '', 'val')[0] ?? '';
    assert.ok(dir.startsWith('/'), `datastore url ${urlVal}`);
    assert.ok(fs.existsSync(dir));
    await s.stop();
    assert.equal(fs.existsSync(dir), false);
  });
});
