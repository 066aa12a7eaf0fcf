import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { VimSession, importOvf, methods } from '@ovfkit/vsphere';
import { type Simulator, useSimulator } from './sim/simulator';
import { assertNothingLeft, connect } from './sim/checks';
import { type BuiltPackage, buildOva, packageScope } from './vsphere-fixtures';

const { tmp, pkg } = packageScope('ovfkit-wait-');

describe('waiting for leases and tasks with WaitForUpdatesEx (vCenter simulator)', function () {
  this.timeout(120_000);
  const sim = useSimulator();
  let web: BuiltPackage;
  let session: VimSession;

  before(async () => {
    web = await buildOva(path.join(tmp, 'web'), 'web', [{ id: 'web01', cpus: 1, memoryMB: 512, disksMiB: [4], nics: [] }]);
    session = await connect(sim());
  });
  after(async () => session?.logout());

  it('sees a collector and filter a client forgot (so "no collector left" can fail)', async () => {
    const pc = await session.client.send(new methods.CreatePropertyCollector({ _this: session.serviceContent.propertyCollector }));
    const filter = await session.client.send(new methods.CreateFilter({ _this: pc, spec: { propSet: [{ type: 'Folder', pathSet: ['name'] }], objectSet: [{ obj: session.serviceContent.rootFolder }] }, partialUpdates: false }));
    assert.deepEqual((await sim().collectors()).propertyCollectors, [{ ref: pc.value, filters: [filter.value] }]);
    await session.client.send(new methods.DestroyPropertyCollector({ _this: pc }));
    assert.deepEqual((await sim().collectors()).propertyCollectors, []);
  });

  it('waits for a lease that stays initializing for 1.5 s through WaitForUpdatesEx, not by polling, and leaves no collector', async () => {
    await sim().inject({ kind: 'leaseInitDelay', milliseconds: 1500 });
    const before = (await sim().collectors()).calls;
    const t0 = Date.now();
    const r = await importOvf(session, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', name: 'slow-lease' });
    assert.ok(Date.now() - t0 >= 1500, 'the import waited for the lease');
    const after = (await sim().collectors()).calls;
    const delta = (m: string): number => (after[m] ?? 0) - (before[m] ?? 0);
    assert.equal(delta('CreatePropertyCollector'), 1);
    assert.equal(delta('DestroyPropertyCollector'), 1);
    assert.ok(delta('WaitForUpdatesEx') >= 2, 'the current state, then the change to ready');
    // Polling every 250 ms for 1.5 s would have read the lease six times or more.
    assert.ok(delta('RetrievePropertiesEx') < 6, `few property reads while waiting (${delta('RetrievePropertiesEx')})`);
    assert.equal((await sim().state()).leases.find((l) => l.entity === r.entity.value)?.state, 'done');
    assert.deepEqual((await sim().collectors()).propertyCollectors, []);
  });

  it('raises a failed task\'s fault from the wait and rolls the import back (power-on fails)', async () => {
    await sim().inject({ kind: 'fault', method: 'PowerOnVM_Task', fault: 'InsufficientResourcesFault', message: 'not enough memory on the host', asTask: true });
    await assert.rejects(importOvf(session, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', name: 'task-fails', powerOn: true }), (e: Error & { _typeName?: string }) => {
      assert.equal(e._typeName, 'InsufficientResourcesFault');
      assert.match(e.message, /not enough memory on the host/);
      return true;
    });
    await assertNothingLeft(sim(), 'task-fails');
  });

  it('stops waiting at once when aborted during a long lease initialization, aborts the lease and leaves nothing', async () => {
    await sim().inject({ kind: 'leaseInitDelay', milliseconds: 8000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 700);
    const t0 = Date.now();
    await assert.rejects(importOvf(session, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', name: 'aborted-wait', signal: controller.signal }), (e: Error & { code?: string }) => e.code === 'ABORTED');
    const took = Date.now() - t0;
    assert.ok(took < 4000, `the abort was noticed promptly (${took} ms), not after the lease became ready`);
    await assertNothingLeft(sim(), 'aborted-wait');
    assert.equal((await sim().state()).leases.at(-1)!.state, 'error', 'the lease was aborted');
  });

  it('waits for a task directly and leaves no collector, when the task succeeds and when it fails', async () => {
    const r = await importOvf(session, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', name: 'task-direct' });
    const ok = await session.waitForTask(await session.client.send(new methods.PowerOnVMTask({ _this: r.entity })));
    assert.equal(ok.state, 'success');
    await sim().inject({ kind: 'fault', method: 'PowerOffVM_Task', fault: 'InvalidState', message: 'busy', asTask: true });
    await assert.rejects(session.waitForTask(await session.client.send(new methods.PowerOffVMTask({ _this: r.entity }))), (e: Error & { _typeName?: string }) => e._typeName === 'InvalidState' && /busy/.test(e.message));
    assert.deepEqual((await sim().collectors()).propertyCollectors, []);
    await session.waitForTask(await session.client.send(new methods.PowerOffVMTask({ _this: r.entity })));
    await session.waitForTask(await session.client.send(new methods.DestroyTask({ _this: r.entity })));
  });

  it('keeps waiting when the session expires between two WaitForUpdatesEx: logs in again and watches on a new collector', async () => {
    const log: string[] = [];
    const watcher = await VimSession.connect({ server: sim().sdkUrl, userName: sim().username, password: sim().password, thumbprint: sim().thumbprint, logger: (l) => log.push(l) });
    try {
      await sim().inject({ kind: 'leaseInitDelay', milliseconds: 3500 });
      // The upload is slowed so the lease stays `ready` a while instead of completing (and
      // vanishing) within one of vcsim's 250 ms update rounds.
      await sim().inject({ kind: 'slowNfc', bytesPerSecond: 20_000 });
      const importing = importOvf(session, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', name: 'expired-wait' });
      let lease: string | undefined;
      for (let i = 0; i < 100 && !lease; i++) {
        lease = (await sim().state()).leases.find((l) => l.state === 'initializing')?.ref;
        if (!lease) await new Promise((r) => setTimeout(r, 20));
      }
      setTimeout(() => void sim().inject({ kind: 'expireSessions' }), 1500);
      const state = await watcher.waitForProperties({ type: 'HttpNfcLease', value: lease! }, ['state'], (p) => (p['state'] === 'ready' ? p['state'] : undefined), { maxWaitSeconds: 1 });
      assert.equal(state, 'ready');
      assert.ok(log.some((l) => /WaitForUpdatesEx: session expired, logging in again/.test(l)), 'the session expired during the wait');
      assert.equal(log.filter((l) => /^vim25 CreatePropertyCollector ok/.test(l)).length, 2, 'a second collector after the re-login');
      await importing;
    } finally {
      await watcher.logout();
    }
    assert.deepEqual((await sim().collectors()).propertyCollectors, []);
  });

  it('falls back to polling when the server answers CreatePropertyCollector with NotImplemented', async () => {
    const polling = await connect(sim());
    try {
      await sim().inject({ kind: 'fault', method: 'CreatePropertyCollector', fault: 'NotImplemented' });
      await sim().inject({ kind: 'leaseInitDelay', milliseconds: 600 });
      const r = await importOvf(polling, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', name: 'polled' });
      assert.equal(polling.pushUnsupported, true);
      assert.equal((await sim().state()).leases.find((l) => l.entity === r.entity.value)?.state, 'done');
      assert.deepEqual((await sim().collectors()).propertyCollectors, []);
    } finally {
      await polling.logout();
    }
  });
});
