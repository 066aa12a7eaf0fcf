import * as assert from 'node:assert/strict';
import { destroyAll, eventually, leaseCall, leaseDeviceUrls, leaseState, login, minimalOvf, startImport, uploadDisk, vappOvf, type Places } from './flow';
import { RawSession, allElements, faultType, firstText, rawRequest } from './raw-soap';
import { useSimulator } from './simulator';
import { emptyStreamOptimizedVmdk } from './vmdk';


/** A streamOptimized disk padded to `bytes` (the padding sits after the end-of-stream marker). */
function diskOfSize(bytes: number): Buffer {
  const d = emptyStreamOptimizedVmdk(2 ** 30, 'padded');
  return Buffer.concat([d, Buffer.alloc(Math.max(0, bytes - d.length))]);
}

describe('simulator fault injection', () => {
  const sim = useSimulator();
  let s: RawSession;
  let p: Places;
  before(async () => {
    ({ s, p } = await login(sim()));
  });
  afterEach(async () => {
    await sim().clearInjections();
    await destroyAll(sim(), s);
  });

  it('fails a named method with a named vim25 fault, the given number of times, then lets it work', async () => {
    await sim().inject({ kind: 'fault', method: 'CreateImportSpec', fault: 'InvalidState', times: 2, message: 'host is in maintenance mode' });
    for (let i = 0; i < 2; i++) {
      await assert.rejects(startImport(s, p, minimalOvf, 'x'), /InvalidState|maintenance/);
    }
    const { lease } = await startImport(s, p, minimalOvf, 'x');
    await leaseCall(s, 'HttpNfcLeaseAbort', lease);
  });

  it('encodes an injected fault exactly like the simulator\'s own faults', async () => {
    await sim().inject({ kind: 'fault', method: 'CurrentTime', fault: 'NotAuthenticated' });
    const res = await s.call('CurrentTime', 'ServiceInstance', 'ServiceInstance');
    assert.equal(res.status, 500);
    assert.equal(firstText(res.body, 'faultcode'), 'ServerFaultCode');
    assert.equal(faultType(res.body), 'NotAuthenticated');
    assert.match(res.body, /<NotAuthenticatedFault xmlns="urn:vim25" xsi:type="NotAuthenticated">/);
    assert.equal((await s.call('CurrentTime', 'ServiceInstance', 'ServiceInstance')).status, 200);
  });

  it('refuses an injection it does not understand with HTTP 400 and says why', async () => {
    await assert.rejects(sim().inject({ kind: 'fault', method: 'ImportVApp', fault: 'NoSuchFault' }), /400.*unknown vim25 fault type .*NoSuchFault/);
    await assert.rejects(sim().inject({ kind: 'nonsense' } as never), /400.*unknown injection kind/);
    await assert.rejects(sim().inject({ kind: 'nfcRateLimit', bytesPerSecond: 0 }), /400.*nfcRateLimit needs bytesPerSecond/);
  });

  it('a lease that goes to error at once leaves no VM behind and reports its fault', async () => {
    await sim().inject({ kind: 'leaseError', method: 'ImportVApp', fault: 'InsufficientResourcesFault', message: 'no space' });
    const { lease } = await startImport(s, p, minimalOvf, 'doomed');
    assert.equal(await leaseState(s, lease), 'error');
    const err = (await s.property('HttpNfcLease', lease, 'error')) ?? '';
    assert.match(err, /InsufficientResourcesFault/);
    assert.equal(firstText(err, 'localizedMessage'), 'no space');
    const st = await sim().state();
    assert.deepEqual(st.virtualMachines, []);
    assert.equal(faultType((await leaseCall(s, 'HttpNfcLeaseComplete', lease)).body), 'InsufficientResourcesFault');
    assert.equal((await leaseCall(s, 'HttpNfcLeaseAbort', lease)).status, 200);
  });

  it('a lease that errors after N bytes cuts the upload and removes the whole vApp', async () => {
    await sim().inject({ kind: 'leaseError', afterBytes: 64 * 1024, fault: 'FileFault' });
    const { lease } = await startImport(s, p, vappOvf, 'half');
    assert.equal((await sim().state()).virtualApps.length, 1);
    const [du] = await leaseDeviceUrls(s, lease);
    const up = await uploadDisk(s, du!.url, diskOfSize(8 * 1024 * 1024)).then((r) => r.status, (e: Error) => e.message);
    assert.notEqual(up, 200);
    const st = await eventually(() => sim().state(), (v) => v.virtualApps.length === 0);
    assert.deepEqual(st.virtualApps, []);
    assert.deepEqual(st.virtualMachines, []);
    assert.equal(st.leases.find((l) => l.ref === lease)?.state, 'error');
    assert.match(st.leases.find((l) => l.ref === lease)?.error ?? '', /^FileFault/);
  });

  it('drops an NFC upload connection after N bytes; the lease stays ready so the client must abort', async () => {
    await sim().inject({ kind: 'dropConnection', afterBytes: 100_000 });
    const { lease } = await startImport(s, p, minimalOvf, 'dropped');
    const [du] = await leaseDeviceUrls(s, lease);
    await assert.rejects(uploadDisk(s, du!.url, diskOfSize(4 * 1024 * 1024)), /ECONNRESET|EPIPE|socket hang up/);
    const st = await sim().state();
    const l = st.leases.find((x) => x.ref === lease);
    assert.equal(l?.state, 'ready');
    assert.ok((l?.bytesTransferred ?? 0) >= 100_000 && (l?.bytesTransferred ?? 0) < 4 * 1024 * 1024, `transferred ${l?.bytesTransferred}`);
    await leaseCall(s, 'HttpNfcLeaseAbort', lease);
    assert.deepEqual((await sim().state()).virtualMachines, []);
  });

  it('drops an export download after N bytes (the client sees a short body or a reset)', async () => {
    const { lease } = await startImport(s, p, minimalOvf, 'src');
    await leaseCall(s, 'HttpNfcLeaseComplete', lease);
    const vm = (await sim().state()).virtualMachines[0]!.ref;
    const ex = firstText(await s.ok('ExportVm', 'VirtualMachine', vm), 'returnval')!;
    await sim().inject({ kind: 'dropConnection', direction: 'download', afterBytes: 1024 });
    const got = await rawRequest(sim(), 'GET', (await leaseDeviceUrls(s, ex))[0]!.url).then((r) => r.body.length, (e: Error) => e.message);
    assert.notEqual(got, 3584);
    await leaseCall(s, 'HttpNfcLeaseAbort', ex);
  });

  it('a slow NFC server makes a lease without keep-alives time out, and removes the VM', async function () {
    this.timeout(30000);
    await sim().inject({ kind: 'leaseTimeout', seconds: 2 });
    await sim().inject({ kind: 'slowNfc', bytesPerSecond: 256 * 1024 });
    const { lease } = await startImport(s, p, minimalOvf, 'sleepy');
    const [du] = await leaseDeviceUrls(s, lease);
    const up = await uploadDisk(s, du!.url, diskOfSize(1024 * 1024)).then((r) => r.status, (e: Error) => e.message);
    assert.notEqual(up, 200);
    const st = await eventually(() => sim().state(), (v) => v.virtualMachines.length === 0);
    assert.deepEqual(st.virtualMachines, []);
    assert.match(st.leases.find((l) => l.ref === lease)?.error ?? '', /^Timedout/);
    assert.equal(faultType((await leaseCall(s, 'HttpNfcLeaseProgress', lease, '<percent>50</percent>')).body), 'Timedout');
  });

  it('the same slow upload succeeds when the client sends HttpNfcLeaseProgress keep-alives', async function () {
    this.timeout(30000);
    await sim().inject({ kind: 'leaseTimeout', seconds: 2 });
    await sim().inject({ kind: 'slowNfc', bytesPerSecond: 256 * 1024 });
    const { lease } = await startImport(s, p, minimalOvf, 'awake');
    const [du] = await leaseDeviceUrls(s, lease);
    const keepAlive = setInterval(() => void leaseCall(s, 'HttpNfcLeaseProgress', lease, '<percent>50</percent>'), 250);
    try {
      const started = Date.now();
      assert.equal((await uploadDisk(s, du!.url, diskOfSize(1024 * 1024))).status, 200);
      assert.ok(Date.now() - started > 3000, 'the upload was throttled well past the 2 s lease timeout');
    } finally {
      clearInterval(keepAlive);
    }
    assert.equal((await leaseCall(s, 'HttpNfcLeaseComplete', lease)).status, 200);
    assert.deepEqual((await sim().state()).virtualMachines.map((v) => v.name), ['awake']);
  });

  it('keeps new leases initializing for a while when asked, refusing transfers until ready', async () => {
    await sim().inject({ kind: 'leaseInitDelay', milliseconds: 800 });
    const { lease } = await startImport(s, p, minimalOvf, 'patient');
    assert.equal(await leaseState(s, lease), 'initializing');
    assert.equal(faultType((await leaseCall(s, 'HttpNfcLeaseComplete', lease)).body), 'InvalidState');
    const state = await eventually(() => leaseState(s, lease), (v) => v === 'ready');
    assert.equal(state, 'ready');
    const [du] = await leaseDeviceUrls(s, lease);
    assert.equal((await uploadDisk(s, du!.url, emptyStreamOptimizedVmdk(2 ** 20))).status, 200);
    await leaseCall(s, 'HttpNfcLeaseComplete', lease);
  });

  it('fails a *_Task method through its Task when asked (asTask), leaving the VM in place', async () => {
    const { lease } = await startImport(s, p, minimalOvf, 'stubborn');
    await leaseCall(s, 'HttpNfcLeaseComplete', lease);
    const vm = (await sim().state()).virtualMachines[0]!.ref;
    await sim().inject({ kind: 'fault', method: 'Destroy_Task', fault: 'TaskInProgress', asTask: true, message: 'busy with a backup' });
    const task = firstText(await s.ok('Destroy_Task', 'VirtualMachine', vm), 'returnval')!;
    assert.equal(firstText((await s.property('Task', task, 'info.state')) ?? '', 'val'), 'error');
    const err = (await s.property('Task', task, 'info.error')) ?? '';
    assert.match(err, /TaskInProgress/);
    assert.equal(firstText(err, 'localizedMessage'), 'busy with a backup');
    assert.deepEqual((await sim().state()).virtualMachines.map((v) => v.ref), [vm]);
  });

  it('answers a method with a bare HTTP status when asked (for retry logic)', async () => {
    await sim().inject({ kind: 'httpStatus', method: 'RetrievePropertiesEx', status: 503 });
    const res = await s.call('RetrievePropertiesEx', 'PropertyCollector', s.propertyCollector, '<specSet><propSet><type>Folder</type><pathSet>name</pathSet></propSet><objectSet><obj type="Folder">group-d1</obj></objectSet></specSet><options/>');
    assert.equal(res.status, 503);
    assert.ok(await s.property('Folder', 'group-d1', 'name'));
  });

  it('expires every session: old cookies get NotAuthenticated until the client logs in again', async () => {
    const other = new RawSession(sim());
    await other.login();
    assert.equal((await other.call('CurrentTime', 'ServiceInstance', 'ServiceInstance')).status, 200);
    await sim().inject({ kind: 'expireSessions' });
    assert.equal(faultType((await other.call('CurrentTime', 'ServiceInstance', 'ServiceInstance')).body), 'NotAuthenticated');
    await other.login();
    assert.equal((await other.call('CurrentTime', 'ServiceInstance', 'ServiceInstance')).status, 200);
    await s.login(); // the shared session of this describe expired too
  });

  it('reports a lease going from initializing to ready through WaitForUpdatesEx', async () => {
    await sim().inject({ kind: 'leaseInitDelay', milliseconds: 500 });
    const { lease } = await startImport(s, p, minimalOvf, 'watched');
    const collector = firstText(await s.ok('CreatePropertyCollector', 'PropertyCollector', s.propertyCollector), 'returnval')!;
    await s.ok('CreateFilter', 'PropertyCollector', collector,
      `<spec><propSet><type>HttpNfcLease</type><pathSet>state</pathSet></propSet><objectSet><obj type="HttpNfcLease">${lease}</obj></objectSet></spec><partialUpdates>false</partialUpdates>`);
    const seen: string[] = [];
    let version = '';
    for (let i = 0; i < 5 && !seen.includes('ready'); i++) {
      const res = await s.ok('WaitForUpdatesEx', 'PropertyCollector', collector, `<version>${version}</version><options><maxWaitSeconds>5</maxWaitSeconds></options>`);
      version = firstText(res, 'version') ?? version;
      for (const change of allElements(res, 'changeSet')) seen.push(firstText(change, 'val') ?? '');
    }
    assert.deepEqual(seen, ['initializing', 'ready']);
    await s.ok('DestroyPropertyCollector', 'PropertyCollector', collector);
    await leaseCall(s, 'HttpNfcLeaseAbort', lease);
  });

  it('lists armed injections and clears them', async () => {
    await sim().inject({ kind: 'fault', method: 'Destroy_Task', fault: 'TaskInProgress', times: 3 });
    const listed = await rawRequest(sim(), 'GET', '/ovfkit/inject');
    assert.deepEqual(JSON.parse(listed.body).map((i: { method: string }) => i.method), ['Destroy_Task']);
    await sim().clearInjections();
    assert.deepEqual(JSON.parse((await rawRequest(sim(), 'GET', '/ovfkit/inject')).body), []);
  });
});
