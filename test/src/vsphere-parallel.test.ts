/**
 * Parallel disks (issue 18): a package whose source reads any file at any time (a folder, a local
 * `.ova`, a URL with Range) is uploaded over up to `parallelDisks` NFC connections at once, and an
 * export downloads the same way; a `.ova` streamed in one pass stays one file at a time. The
 * simulator counts NFC transfers in flight (`state().nfc`) and caps each connection
 * (`nfcRateLimit`), so the bound, the order of completion and the cut-off of the others on a
 * failure are read off the server, not timed.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OvfkitError } from '@ovfkit/core';
import { openSource, verifyPackage } from '@ovfkit/package';
import { Inventory, type ManagedObjectReference, VimSession, destroyEntity, exportOvf, importOvf } from '@ovfkit/vsphere';
import { serveWithRange, serveWithoutRange } from './no-range-server';
import { runCli } from './run-cli';
import { assertNothingLeft, connect } from './sim/checks';
import { eventually } from './sim/flow';
import { useSimulator } from './sim/simulator';
import { type BuiltPackage, buildOva, packageScope } from './vsphere-fixtures';

const { tmp, pkg } = packageScope('ovfkit-parallel-');
const POOL = 'DC0_C0/Resources';
/** Per-connection cap while a test needs transfers to overlap: each 640 KiB disk then takes about 2.5 s. */
const SLOW = 256 * 1024;

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('parallel disks: import and export over several NFC connections (simulator)', function () {
  this.timeout(120_000);
  // A 6.7+ server: the import also compares the server's own SHA-256 of each disk (ServerManifest).
  const sim = useSimulator({ apiVersion: '8.0.3.0' });
  let session: VimSession;
  /** One VM with three disks of 640 KiB each (512 KiB of random data: they do not compress away). */
  let three: BuiltPackage;
  /** One VM with six disks, for the bound. */
  let six: BuiltPackage;

  before(async () => {
    three = await buildOva(path.join(tmp, 'three'), 'three', [{ id: 'three01', cpus: 1, memoryMB: 256, disksMiB: [4, 4, 4], nics: [], randomKiB: 512 }]);
    six = await buildOva(path.join(tmp, 'six'), 'six', [{ id: 'six01', cpus: 1, memoryMB: 256, disksMiB: [2, 2, 2, 2, 2, 2], nics: [], randomKiB: 256 }]);
    session = await connect(sim());
  });
  after(async () => session?.logout());

  const drop = async (entity: ManagedObjectReference): Promise<void> => {
    await destroyEntity(session, entity);
  };

  it('uploads a local .ova\'s disks at once, and a disk finishing last (out of order) changes nothing: files in package order, all verified', async () => {
    // The first disk in the package is throttled hard: the other two finish long before it.
    await sim().inject({ kind: 'nfcRateLimit', bytesPerSecond: 4 * SLOW });
    await sim().inject({ kind: 'slowNfc', bytesPerSecond: 200 * 1024, file: 'disk-0.vmdk' });
    const r = await importOvf(session, { source: await pkg(three.ova), pool: POOL, name: 'order-a' });
    const { nfc } = await eventually(() => sim().state(), (s) => s.nfc.active === 0);
    assert.deepEqual([...nfc.finished].sort(), ['disk-0.vmdk', 'disk-1.vmdk', 'disk-2.vmdk'], 'three transfers ended');
    assert.equal(nfc.finished[2], 'disk-0.vmdk', `the throttled first disk finished last (${nfc.finished.join(', ')})`);
    assert.equal(nfc.peak, 3, 'the three disks were in flight at once');
    assert.deepEqual(r.files.map((f) => f.path), ['three01-disk1.vmdk', 'three01-disk2.vmdk', 'three01-disk3.vmdk']);
    assert.deepEqual(r.files.map((f) => f.manifestVerified), [true, true, true]);
    assert.deepEqual(r.files.map((f) => f.bytes), three.disks.map((d) => fs.statSync(d).size));
    // The server stored each disk's bytes under its own device: its checksums match the manifest.
    assert.equal(r.serverManifest.ran, true);
    assert.deepEqual([...r.serverManifest.verified].sort(), ['three01-disk1.vmdk', 'three01-disk2.vmdk', 'three01-disk3.vmdk']);
    await drop(r.entity);
  });

  it('holds at most parallelDisks connections: 6 disks, the default 4, then 2, then 1 (sequential), each file once', async () => {
    const peaks: number[] = [];
    for (const parallelDisks of [undefined, 2, 1]) {
      await sim().clearInjections();
      await sim().inject({ kind: 'nfcRateLimit', bytesPerSecond: 4 * SLOW });
      const r = await importOvf(session, { source: await pkg(six.ova), pool: POOL, name: `bound-${parallelDisks ?? 'default'}`, ...(parallelDisks !== undefined ? { parallelDisks } : {}) });
      const nfc = (await sim().state()).nfc;
      assert.equal(nfc.started, 6, 'one transfer per disk');
      assert.equal(r.files.length, 6);
      peaks.push(nfc.peak);
      await drop(r.entity);
    }
    assert.deepEqual(peaks, [4, 2, 1]);
  });

  it('a failure of one disk cuts the others off at once and rolls back: the lease aborted, the VM removed, no transfer left', async () => {
    await sim().inject({ kind: 'nfcRateLimit', bytesPerSecond: SLOW });
    await sim().inject({ kind: 'dropConnection', afterBytes: 64 * 1024, file: 'disk-1.vmdk' });
    await assert.rejects(
      importOvf(session, { source: await pkg(three.ova), pool: POOL, name: 'cutoff' }),
      (e: unknown) => e instanceof OvfkitError && e.code === 'NETWORK' && /disk2|disk-1|upload|transfer/.test(e.message),
    );
    const st = await sim().state();
    const lease = st.leases[st.leases.length - 1]!;
    assert.equal(lease.kind, 'import');
    assert.equal(lease.state, 'error', 'the lease was aborted');
    const total = three.disks.reduce((n, d) => n + fs.statSync(d).size, 0);
    assert.ok((lease.bytesTransferred ?? 0) < total / 2, `the other disks were cut off, not finished (${lease.bytesTransferred} of ${total} bytes went through)`);
    await eventually(() => sim().state(), (s) => s.nfc.active === 0);
    await assertNothingLeft(sim(), 'cutoff');
  });

  it('checks every byte against the manifest: a mismatch of one disk in a folder package is caught and rolled back', async () => {
    const dir = path.join(tmp, 'badone');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'badone.ovf'), three.descriptor);
    const lines = [`SHA256(badone.ovf)= ${createHash('sha256').update(three.descriptor).digest('hex')}`];
    for (const d of three.disks) {
      fs.copyFileSync(d, path.join(dir, path.basename(d)));
      const digest = sha256(d);
      lines.push(`SHA256(${path.basename(d)})= ${path.basename(d) === 'three01-disk2.vmdk' ? digest.replace(/^./, (c) => (c === '0' ? '1' : '0')) : digest}`);
    }
    fs.writeFileSync(path.join(dir, 'badone.mf'), lines.join('\n') + '\n');
    await sim().inject({ kind: 'nfcRateLimit', bytesPerSecond: 4 * SLOW });
    await assert.rejects(
      importOvf(session, { source: await pkg(dir), pool: POOL, name: 'badone' }),
      (e: unknown) => e instanceof OvfkitError && e.code === 'INTEGRITY' && e.message.startsWith('three01-disk2.vmdk does not match the package manifest'),
    );
    const st = await sim().state();
    assert.equal(st.nfc.started, 3, `the disks went out at once (the folder is read at random): ${JSON.stringify(st.nfc)}`);
    await assertNothingLeft(sim(), 'badone');
  });

  it('uploads a URL with Range in parallel, and streams a URL without Range one file at a time (one pass)', async () => {
    const ranged = await serveWithRange({ 'three.ova': three.ova });
    const plain = await serveWithoutRange({ 'three.ova': three.ova });
    try {
      await sim().inject({ kind: 'nfcRateLimit', bytesPerSecond: 4 * SLOW });
      const a = await importOvf(session, { source: await openSource(ranged.url('three.ova')), pool: POOL, name: 'url-ranged' });
      assert.equal((await sim().state()).nfc.peak, 3, 'ranged: the three disks at once');
      await drop(a.entity);
      await sim().clearInjections();
      await sim().inject({ kind: 'nfcRateLimit', bytesPerSecond: 4 * SLOW });
      const streamed = await openSource(plain.url('three.ova'));
      assert.equal(streamed.sequentialOnly, true);
      const b = await importOvf(session, { source: streamed, pool: POOL, name: 'url-streamed', parallelDisks: 4 });
      const nfc = (await sim().state()).nfc;
      assert.equal(nfc.peak, 1, 'streamed: one file at a time');
      assert.deepEqual(nfc.finished, ['disk-0.vmdk', 'disk-1.vmdk', 'disk-2.vmdk']);
      assert.deepEqual(b.files.map((f) => f.manifestVerified), [true, true, true]);
      await drop(b.entity);
    } finally {
      ranged.close();
      plain.close();
    }
  });

  it('refuses a parallelDisks that is not a whole number from 1 to 32 before anything is created', async () => {
    const before = (await sim().state()).leases.length;
    for (const parallelDisks of [0, 1.5, 33, Number.NaN]) {
      await assert.rejects(importOvf(session, { source: await pkg(three.ova), pool: POOL, name: 'bad-n', parallelDisks }), (e: unknown) => e instanceof OvfkitError && e.code === 'USAGE' && /parallelDisks must be a whole number from 1 to 32/.test(e.message));
      await assert.rejects(exportOvf(session, { entity: '/DC0/vm/none', destination: path.join(tmp, 'bad-n.ova'), parallelDisks }), (e: unknown) => e instanceof OvfkitError && e.code === 'USAGE');
    }
    assert.equal((await sim().state()).leases.length, before, 'no lease was created');
  });

  it('ovfkit import --parallel-disks 2 --progress plain: two connections at most, one progress line per disk in a log, each disk done once', async () => {
    const env = { VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint };
    await sim().inject({ kind: 'nfcRateLimit', bytesPerSecond: 4 * SLOW });
    const r = await runCli(['import', six.ova, '--pool', POOL, '--name', 'cli-par', '--parallel-disks', '2', '--progress', 'plain'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await sim().state()).nfc.peak, 2);
    assert.doesNotMatch(r.stderr, /[\r\x1b]/, 'plain lines only');
    const done = r.stderr.split('\n').filter((l) => / done$/.test(l)).map((l) => l.split(':')[0]).sort();
    assert.deepEqual(done, [1, 2, 3, 4, 5, 6].map((i) => `six01-disk${i}.vmdk`));
    for (const line of r.stderr.split('\n').filter(Boolean)) assert.match(line, /^six01-disk[1-6]\.vmdk: \d+% [\d.]+ MiB of [\d.]+ MiB [\d.]+ MiB\/s( done)?$/);
    const vm = await new Inventory(session).find('/DC0/vm/cli-par');
    assert.ok(vm);
    await drop(vm);
    for (const bad of ['0', '33', '2.5', 'many']) {
      const x = await runCli(['import', six.ova, '--pool', POOL, '--name', 'cli-bad', '--parallel-disks', bad], env);
      assert.equal(x.code, 2, bad);
      assert.match(x.stderr, new RegExp(`--parallel-disks must be a whole number from 1 to 32, got "${bad.replace('.', '\\.')}"`));
    }
    await assertNothingLeft(sim(), 'cli-bad');
  });

  describe('export', () => {
    let vm: ManagedObjectReference;
    before(async () => {
      vm = (await importOvf(session, { source: await pkg(three.ova), pool: POOL, name: 'exp3' })).entity;
      // Its uploads are not the exports' transfers.
      await sim().clearInjections();
    });
    after(async () => drop(vm));

    it('downloads the disks at once, one finishing last, and writes the same OVA and folder, byte for byte, as one at a time', async () => {
      const out = path.join(tmp, 'exp');
      fs.mkdirSync(out, { recursive: true });
      const seq = await exportOvf(session, { entity: '/DC0/vm/exp3', destination: path.join(out, 'seq.ova'), name: 'exp3', parallelDisks: 1 });
      assert.equal((await sim().state()).nfc.peak, 1);
      await sim().clearInjections();
      await sim().inject({ kind: 'slowNfc', bytesPerSecond: 200 * 1024, file: 'disk-0.vmdk' });
      await sim().inject({ kind: 'nfcRateLimit', bytesPerSecond: 4 * SLOW });
      const par = await exportOvf(session, { entity: '/DC0/vm/exp3', destination: path.join(out, 'par.ova'), name: 'exp3' });
      // The server's side of the last download may end just after the client has every byte.
      const { nfc } = await eventually(() => sim().state(), (s) => s.nfc.active === 0);
      assert.equal(nfc.peak, 3, 'three downloads at once');
      assert.equal(nfc.finished[nfc.finished.length - 1], 'disk-0.vmdk', `the throttled first disk finished last (${nfc.finished.join(', ')})`);
      assert.deepEqual(par.files, seq.files);
      assert.equal(par.manifest, seq.manifest);
      assert.equal(sha256(path.join(out, 'par.ova')), sha256(path.join(out, 'seq.ova')), 'the same archive');
      assert.deepEqual(fs.readdirSync(out).sort(), ['par.ova', 'seq.ova'], 'no spool folder left beside the OVA');
      const verified = await verifyPackage(await openSource(path.join(out, 'par.ova')));
      assert.deepEqual(verified.issues, []);
      await sim().clearInjections();
      await sim().inject({ kind: 'nfcRateLimit', bytesPerSecond: 4 * SLOW });
      const dir = await exportOvf(session, { entity: '/DC0/vm/exp3', destination: path.join(out, 'dir'), name: 'exp3', chunkSize: 300 * 1024 });
      assert.equal((await sim().state()).nfc.peak, 3);
      const dirSeq = await exportOvf(session, { entity: '/DC0/vm/exp3', destination: path.join(out, 'dir-seq'), name: 'exp3', chunkSize: 300 * 1024, parallelDisks: 1 });
      assert.deepEqual(dir.files, dirSeq.files);
      const chunkedOva = await exportOvf(session, { entity: '/DC0/vm/exp3', destination: path.join(out, 'chunked.ova'), name: 'exp3', chunkSize: 300 * 1024 });
      // The same chunk files (an OVA's descriptor is padded to its reserved slot, so not that one).
      assert.deepEqual(chunkedOva.files.slice(1), dirSeq.files.slice(1));
      assert.deepEqual((await verifyPackage(await openSource(path.join(out, 'chunked.ova')))).issues, []);
    });

    it('a failed download removes the partial OVA and its spooled disks, and aborts the lease', async () => {
      const out = path.join(tmp, 'exp-fail');
      fs.mkdirSync(out, { recursive: true });
      await sim().inject({ kind: 'nfcRateLimit', bytesPerSecond: SLOW });
      await sim().inject({ kind: 'dropConnection', direction: 'download', afterBytes: 64 * 1024, file: 'disk-2.vmdk' });
      await assert.rejects(exportOvf(session, { entity: '/DC0/vm/exp3', destination: path.join(out, 'cut.ova'), name: 'exp3' }), (e: unknown) => e instanceof OvfkitError && e.code === 'NETWORK');
      assert.deepEqual(fs.readdirSync(out), [], 'nothing is left: no OVA, no spool folder');
      const st = await sim().state();
      assert.equal(st.leases[st.leases.length - 1]!.state, 'error');
      await eventually(() => sim().state(), (s) => s.nfc.active === 0);
      assert.deepEqual(st.leases.filter((l) => l.state === 'ready' || l.state === 'initializing'), []);
    });
  });
});
