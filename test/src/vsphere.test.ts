import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkHostProfile, checkInventory, parseDescriptor, resolveDescriptor, summarizeVirtualSystems } from '@ovfkit/core';
import { openSource, verifyPackage, writeOva, writeFileAtomic } from '@ovfkit/package';
import { type ManagedObjectReference, PlanRefusedError, VimOvfManager, VimSession, exportOvf, importOvf, Inventory } from '@ovfkit/vsphere';
import { PassThrough } from 'node:stream';
import { main } from 'ovfkit';
import { runCli } from './cli.test';
import { repoRoot } from './paths';
import { serveWithoutRange } from './no-range-server';
import { assertNothingLeft, connect } from './sim/checks';
import { type Simulator, useSimulator } from './sim/simulator';
import { type BuiltPackage, buildOva, buildOvaFromVmdk, makeStreamOptimizedVmdk, packageScope } from './vsphere-fixtures';

const { tmp, pkg } = packageScope('ovfkit-vsphere-');

/** The VM's hardware as vSphere reports it. */
async function hardwareOf(session: VimSession, vm: ManagedObjectReference): Promise<{ numCPU: number; memoryMB: number; disksKB: number[]; nics: string[] }> {
  const hw = (await session.properties(vm, ['config.hardware']))['config.hardware'] as { numCPU: string; memoryMB: string; device: Array<Record<string, unknown>> };
  const devices = hw.device;
  const disks = devices.filter((d) => d['_typeName'] === 'VirtualDisk').map((d) => Number(d['capacityInKB']));
  const nics = devices.filter((d) => /^Virtual(Vmxnet|E1000|PCNet)/.test(String(d['_typeName']))).map((d) => String(d['_typeName']));
  return { numCPU: Number(hw.numCPU), memoryMB: Number(hw.memoryMB), disksKB: disks, nics };
}

describe('vSphere import and export against the simulator (vCenter)', function () {
  this.timeout(120_000);
  const sim = useSimulator();
  let web: BuiltPackage;
  let session: VimSession;

  before(async () => {
    web = await buildOva(path.join(tmp, 'web'), 'web', [{ id: 'web01', cpus: 2, memoryMB: 2048, disksMiB: [16, 8], nics: ['VM Network', 'backend'] }]);
    session = await connect(sim());
  });
  after(async () => session?.logout());

  it('imports an OVA with real streamOptimized disks, and the VM has the OVF\'s CPUs, memory, disks and NICs', async () => {
    const r = await importOvf(session, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', name: 'web-a', networkMapping: { 'VM Network': 'VM Network', backend: 'DC0_DVPG0' } });
    assert.equal(r.entity.type, 'VirtualMachine');
    assert.deepEqual(r.files.map((f) => f.path).sort(), ['web01-disk1.vmdk', 'web01-disk2.vmdk']);
    assert.ok(r.files.every((f) => f.manifestVerified && f.bytes === fs.statSync(path.join(tmp, 'web', f.path)).size));
    const hw = await hardwareOf(session, r.entity);
    assert.equal(hw.numCPU, 2);
    assert.equal(hw.memoryMB, 2048);
    assert.deepEqual(hw.disksKB.sort((a, b) => b - a), [16 * 1024, 8 * 1024]);
    assert.equal(hw.nics.length, 2);
    const st = await sim().state();
    const lease = st.leases.find((l) => l.entity === r.entity.value);
    assert.equal(lease?.state, 'done', 'the lease was completed');
    assert.equal(lease?.bytesTransferred, r.files.reduce((n, f) => n + f.bytes, 0), 'every byte reached the simulator');
  });

  it('imports a multi-VM vApp with each VM under it', async () => {
    const app = await buildOva(path.join(tmp, 'app'), 'app', [
      { id: 'app-db', cpus: 1, memoryMB: 1024, disksMiB: [4], nics: ['VM Network'] },
      { id: 'app-web', cpus: 2, memoryMB: 512, disksMiB: [4], nics: ['VM Network'] },
    ], { vappName: 'app' });
    const r = await importOvf(session, { source: await pkg(app.ova), pool: 'DC0_C0/Resources', name: 'app-a' });
    assert.equal(r.entity.type, 'VirtualApp');
    assert.equal(r.files.length, 2);
    const vms = (await session.properties(r.entity, ['vm']))['vm'] as ManagedObjectReference[];
    assert.equal(vms.length, 2);
    const hws = await Promise.all(vms.map((vm) => hardwareOf(session, vm)));
    assert.deepEqual(hws.map((h) => [h.numCPU, h.memoryMB]).sort(), [[1, 1024], [2, 512]]);
  });

  it('imports an OVA from an HTTP server without Range support in one pass over the archive', async () => {
    const corrupt = await buildOva(path.join(tmp, 'badurl'), 'badurl', [{ id: 'badurl01', cpus: 1, memoryMB: 256, disksMiB: [4], nics: [] }], { corruptManifest: true });
    const server = await serveWithoutRange({ 'web.ova': web.ova, 'bad.ova': corrupt.ova });
    try {
      const url = server.url('web.ova');
      const source = await pkg(url);
      assert.equal(source.sequentialOnly, true);
      const r = await importOvf(session, { source, pool: 'DC0_C0/Resources', name: 'web-url' });
      assert.equal(r.files.length, 2);
      assert.ok(r.files.every((f) => f.manifestVerified));
      assert.ok(server.gets() <= 2, `the archive was fetched ${server.gets()} times (the head for the descriptor, then one pass)`);
      // Its manifest is the last member: checked when the pass reaches it, before the lease completes.
      const bad = await pkg(url.replace('web.ova', 'bad.ova'));
      await assert.rejects(importOvf(session, { source: bad, pool: 'DC0_C0/Resources', name: 'bad-url' }), /does not match the package manifest.*rolled back/);
      await assertNothingLeft(sim(), 'bad-url');
    } finally {
      server.close();
    }
  });

  it('imports a disk stored gzip-compressed and in chunks, inflating and joining on the way', async () => {
    const dir = path.join(tmp, 'gz');
    fs.mkdirSync(dir, { recursive: true });
    const vmdk = makeStreamOptimizedVmdk(dir, 'gz-disk1', 8, 256);
    const descriptor = web.descriptor
      .replace(/<References>.*<\/References>/s, '<References><File ovf:href="gz-disk1.vmdk" ovf:id="f1" ovf:compression="gzip" ovf:chunkSize="65536"/></References>')
      .replace(/<DiskSection>.*<\/DiskSection>/s, '<DiskSection><Info>disks</Info><Disk ovf:capacity="8" ovf:capacityAllocationUnits="byte * 2^20" ovf:diskId="d1" ovf:fileRef="f1" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/></DiskSection>')
      .replace(/<Item><rasd:AddressOnParent>1<\/rasd:AddressOnParent>.*?<\/Item>/s, '')
      .replace(/ovf:\/disk\/web01-disk1-id/, 'ovf:/disk/d1');
    const ova = path.join(dir, 'gz.ova');
    const size = fs.statSync(vmdk).size;
    const written = await writeFileAtomic(ova, (out) => writeOva(out, { name: 'gz.ovf', bytes: Buffer.from(descriptor) }, [{ name: 'gz-disk1.vmdk', size, open: () => fs.createReadStream(vmdk), gzip: true, chunkSize: 65536 }], { manifest: { name: 'gz.mf', compute: 'SHA256' } }));
    assert.ok(written.members.filter((m) => m.name.startsWith('gz-disk1.vmdk.0')).length > 1, 'the disk is stored in several chunks');
    const r = await importOvf(session, { source: await pkg(ova), pool: 'DC0_C0/Resources', name: 'gz-a' });
    assert.deepEqual(r.files.map((f) => f.path), ['gz-disk1.vmdk']);
    assert.ok(r.files[0]!.manifestVerified);
    const lease = (await sim().state()).leases.find((l) => l.entity === r.entity.value);
    assert.equal(lease?.bytesTransferred, size, 'the simulator received the inflated, joined VMDK');
    assert.deepEqual((await hardwareOf(session, r.entity)).disksKB, [8 * 1024]);
  });

  it('imports a VM into an existing vApp (the vApp is the pool; no folder is sent)', async () => {
    const r = await importOvf(session, { source: await pkg(web.ova), pool: '/DC0/host/DC0_C0/Resources/app-a', name: 'web-in-app' });
    assert.equal(r.placement.resourcePool.type, 'VirtualApp');
    assert.equal(r.placement.folder, undefined);
    const vms = (await session.properties(r.placement.resourcePool, ['vm']))['vm'] as ManagedObjectReference[];
    assert.ok(vms.some((v) => v.value === r.entity.value), 'the VM is inside the vApp');
  });

  it('exports the imported VM back to an OVA that parses and whose manifest verifies', async () => {
    const out = path.join(tmp, 'web-a-export.ova');
    const r = await exportOvf(session, { entity: '/DC0/vm/web-a', destination: out });
    assert.equal(r.files[0]!.path, 'web-a.ovf');
    // The descriptor slot is sized from the CreateDescriptor dry run, not a fixed 1 MiB: the
    // member is the real descriptor plus at most a quarter, 16 KiB and 256 bytes + 2 names per file.
    const entity = await new Inventory(session).get('/DC0/vm/web-a', 'VM', ['VirtualMachine']);
    const dry = Buffer.byteLength((await new VimOvfManager(session).createDescriptor(entity, { name: 'web-a' })).ovfDescriptor);
    const listing = execFileSync('tar', ['-tvf', out], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(listing.map((l) => l.split(/\s+/).pop()), r.files.map((f) => f.path).concat('web-a.mf'), 'GNU tar lists the members in order');
    const member = Number(listing[0]!.split(/\s+/)[2]);
    const real = Buffer.byteLength(r.ovfDescriptor.trimEnd());
    const others = r.files.slice(1).reduce((n, f) => n + 256 + 2 * f.path.length, 0);
    assert.ok(real > dry, `the final descriptor (${real}) adds the file references to the dry run (${dry})`);
    assert.equal(member, r.files[0]!.size);
    assert.ok(member <= Math.ceil((dry * 1.25 + 16384 + others) / 512) * 512, `descriptor member ${member} bytes for a ${dry}-byte dry run`);
    assert.ok(member < 64 * 1024, `descriptor member ${member} bytes, not 1 MiB`);
    assert.equal(execFileSync('tar', ['-xOf', out, 'web-a.ovf'], { encoding: 'utf8' }).trimEnd(), r.ovfDescriptor.trimEnd(), 'GNU tar extracts the descriptor');
    const src = await openSource(out);
    try {
      const v = await verifyPackage(src);
      assert.deepEqual(v.issues.filter((i) => i.severity === 'error'), []);
      assert.ok(v.ok);
      const text = (await src.descriptor()).text;
      const parsed = parseDescriptor(text);
      assert.deepEqual(parsed.error ?? [], []);
      assert.equal(parsed.defaultEntityName, 'web-a');
      // The round trip keeps the hardware the original OVF asked for.
      const [vm] = summarizeVirtualSystems(resolveDescriptor(text));
      assert.equal(vm?.numCPUs, 2);
      assert.equal(vm?.memoryMB, 2048);
      assert.deepEqual(vm?.disk.map((d) => d.capacityBytes).sort((a, b) => (b ?? 0) - (a ?? 0)), [16 * 1048576, 8 * 1048576]);
      assert.equal(vm?.nic.length, 2);
    } finally {
      await src.close();
    }
  });

  it('exports with a signed manifest whose certificate verifies against its trust anchor', async () => {
    const keys = path.join(tmp, 'signing');
    fs.mkdirSync(keys, { recursive: true });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(keys, 'k.pem'), '-out', path.join(keys, 'c.pem'), '-days', '1', '-subj', '/CN=ovfkit test signer'], { stdio: 'ignore' });
    const out = path.join(tmp, 'web-a-signed.ova');
    const r = await runCli(['export', '/DC0/vm/web-a', out, '--sign-key', path.join(keys, 'k.pem'), '--sign-cert', path.join(keys, 'c.pem'), '--json'], {
      VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint,
    });
    assert.equal(r.code, 0, r.stderr);
    const src = await openSource(out);
    try {
      assert.deepEqual((await src.members())?.slice(-2), ['web-a.mf', 'web-a.cert']);
      const v = await verifyPackage(src, { trustStore: [fs.readFileSync(path.join(keys, 'c.pem'), 'utf8')] });
      assert.deepEqual(v.issues.filter((i) => i.severity === 'error'), []);
      assert.equal(v.signature?.status, 'valid');
      assert.equal(v.signature?.trusted, true);
    } finally {
      await src.close();
    }
  });

  it('exports to a directory with the descriptor, the disks and a SHA256 manifest', async () => {
    const dir = path.join(tmp, 'web-a-dir');
    const r = await exportOvf(session, { entity: '/DC0/vm/web-a', destination: dir, name: 'webdir' });
    const listed = fs.readdirSync(dir).sort();
    assert.deepEqual(listed, [...r.files.map((f) => f.path), 'webdir.mf'].sort());
    assert.match(fs.readFileSync(path.join(dir, 'webdir.mf'), 'utf8'), /^SHA256\(webdir\.ovf\)= [0-9a-f]{64}\n/);
  });

  it('answers ParseDescriptor remotely with the same result types as the local OvfManager', async () => {
    const remote = await new VimOvfManager(session).parseDescriptor(web.descriptor, { locale: '', deploymentOption: '' });
    assert.equal(remote.defaultEntityName, 'web01');
    assert.deepEqual(remote.error, []);
    assert.deepEqual(remote.network?.map((n) => n.name).sort(), ['VM Network', 'backend']);
  });

  it('rolls back when a disk does not match the package manifest: lease aborted, no VM left', async () => {
    const bad = await buildOva(path.join(tmp, 'bad'), 'bad', [{ id: 'bad01', cpus: 1, memoryMB: 256, disksMiB: [4], nics: [] }], { corruptManifest: true });
    await assert.rejects(importOvf(session, { source: await pkg(bad.ova), pool: 'DC0_C0/Resources', name: 'bad-mf' }), (e: Error & { code?: string }) => e.code === 'INTEGRITY' && /does not match the package manifest/.test(e.message));
    await assertNothingLeft(sim(), 'bad-mf');
    const lease = (await sim().state()).leases.at(-1);
    assert.equal(lease?.state, 'error', 'the lease was aborted');
  });

  it('refuses a disk that is not streamOptimized at its first bytes, with the qemu-img fix, and rolls back', async () => {
    const sparse = await buildOva(path.join(tmp, 'sparse'), 'sparse', [{ id: 'sparse01', cpus: 1, memoryMB: 256, disksMiB: [4], nics: [], subformat: 'monolithicSparse' }]);
    await assert.rejects(importOvf(session, { source: await pkg(sparse.ova), pool: 'DC0_C0/Resources', name: 'sparse-a' }), /not a streamOptimized VMDK.*qemu-img convert -O vmdk -o subformat=streamOptimized/);
    await assertNothingLeft(sim(), 'sparse-a');
  });

  it('refuses a package with a EULA unless --accept-all-eulas, before creating anything', async () => {
    const eula = await buildOva(path.join(tmp, 'eula'), 'eula', [{ id: 'eula01', cpus: 1, memoryMB: 256, disksMiB: [4], nics: [] }], { eula: 'You agree.' });
    const leasesBefore = (await sim().state()).leases.length;
    await assert.rejects(importOvf(session, { source: await pkg(eula.ova), pool: 'DC0_C0/Resources', name: 'eula-a', vocabulary: 'cli' }), (e: unknown) => {
      assert.ok(e instanceof PlanRefusedError, String(e));
      assert.deepEqual(e.plan.errors.map((i) => [i.source, i.code, i.fix]), [['plan', 'EULA_NOT_ACCEPTED', 'read it (ovfkit parse shows the texts) and accept with --accept-all-eulas']]);
      return true;
    });
    assert.equal((await sim().state()).leases.length, leasesBefore, 'no lease was even created');
    const r = await importOvf(session, { source: await pkg(eula.ova), pool: 'DC0_C0/Resources', name: 'eula-b', acceptAllEulas: true });
    assert.equal(r.entity.type, 'VirtualMachine');
  });

  it('exports a vApp with all its VMs to an OVA that parses as a VirtualSystemCollection', async () => {
    const out = path.join(tmp, 'app-a.ova');
    const r = await exportOvf(session, { entity: '/DC0/host/DC0_C0/Resources/app-a', destination: out });
    assert.equal(r.entity.type, 'VirtualApp');
    const src = await openSource(out);
    try {
      assert.ok((await verifyPackage(src)).ok);
      const parsed = parseDescriptor((await src.descriptor()).text);
      assert.deepEqual(parsed.error ?? [], []);
      assert.equal(parsed.virtualApp, true);
      const vms = (await session.properties(r.entity, ['vm']))['vm'] as ManagedObjectReference[];
      assert.ok(vms.length >= 2);
      assert.equal(parsed.entityName?.length, vms.length, 'every VM of the vApp is in the descriptor');
    } finally {
      await src.close();
    }
  });

  it('logs in again when the session expires mid-import, and the import still succeeds', async () => {
    await sim().inject({ kind: 'fault', method: 'CreateImportSpec', fault: 'NotAuthenticated', message: 'The session is not authenticated.' });
    const r = await importOvf(session, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', name: 'relogin-a' });
    assert.equal(r.entity.type, 'VirtualMachine');
  });

  describe('a failed export leaves no partial output and no open lease', () => {
    it('when the download connection drops', async () => {
      const out = path.join(tmp, 'dropped.ova');
      await sim().inject({ kind: 'dropConnection', afterBytes: 16 * 1024, direction: 'download' });
      await assert.rejects(exportOvf(session, { entity: '/DC0/vm/web-a', destination: out }), /download|transfer|premature|aborted|closed/i);
      assert.equal(fs.existsSync(out), false, 'the partial OVA was removed');
      const st = await sim().state();
      assert.deepEqual(st.leases.filter((l) => l.state === 'ready' || l.state === 'initializing'), []);
      assert.equal(st.leases.at(-1)?.state, 'error', 'the export lease was aborted');
    });

    it('when CreateDescriptor fails on the dry run, before any lease or file', async () => {
      const out = path.join(tmp, 'nodesc');
      const leases = (await sim().state()).leases.length;
      await sim().inject({ kind: 'fault', method: 'CreateDescriptor', fault: 'InvalidState', message: 'the VM is busy' });
      await assert.rejects(exportOvf(session, { entity: '/DC0/vm/web-a', destination: out }), /CreateDescriptor: the VM is busy/);
      assert.equal(fs.existsSync(out), false);
      assert.equal((await sim().state()).leases.length, leases, 'no lease was created');
    });
  });

  it('keeps a password property value out of errors, even when the server echoes it', async () => {
    const secret = 'Pw-7f3a9c1e-never-shown';
    const app = await buildOva(path.join(tmp, 'pw'), 'pw', [
      {
        id: 'pw01', cpus: 1, memoryMB: 256, disksMiB: [4], nics: [],
        sections: '<ProductSection ovf:class="acme"><Info>props</Info><Product>Acme</Product><Property ovf:key="root_password" ovf:type="string" ovf:password="true" ovf:userConfigurable="true"/></ProductSection>',
      },
    ]);
    await sim().inject({ kind: 'fault', method: 'ImportVApp', fault: 'InvalidArgument', message: `bad value ${secret} for acme.root_password` });
    const e = (await importOvf(session, { source: await pkg(app.ova), pool: 'DC0_C0/Resources', name: 'pw-a', propertyMapping: { 'acme.root_password': secret } }).catch((x: unknown) => x)) as Error;
    assert.match(e.message, /bad value \*\*\* for acme\.root_password/);
    assert.ok(!JSON.stringify({ message: e.message, stack: e.stack }).includes(secret));
    await assertNothingLeft(sim(), 'pw-a');
  });

  describe('every injected fault ends with the lease aborted, nothing left, and a clear error', () => {
    const cases: Array<{ title: string; inject: Parameters<Simulator['inject']>[0]; expect: RegExp }> = [
      { title: 'ImportVApp fails', inject: { kind: 'fault', method: 'ImportVApp', fault: 'DuplicateName', message: 'The name already exists.' }, expect: /ImportVApp: The name already exists/ },
      { title: 'the lease goes to error before it is ready', inject: { kind: 'leaseError', method: 'ImportVApp', fault: 'FileFault', message: 'disk full', afterBytes: 0 }, expect: /disk full/ },
      { title: 'the lease goes to error mid-upload', inject: { kind: 'leaseError', method: 'ImportVApp', fault: 'FileFault', message: 'datastore went away', afterBytes: 64 * 1024 }, expect: /datastore went away|upload|lease/i },
      { title: 'the connection drops mid-upload', inject: { kind: 'dropConnection', afterBytes: 32 * 1024 }, expect: /transfer with https:\/\/127\.0\.0\.1:\d+\/…\/.+ failed|upload to .* failed/ },
      { title: 'HttpNfcLeaseComplete fails', inject: { kind: 'fault', method: 'HttpNfcLeaseComplete', fault: 'InvalidState', message: 'lease no longer valid' }, expect: /HttpNfcLeaseComplete: lease no longer valid/ },
      { title: 'powering on fails after the upload', inject: { kind: 'fault', method: 'PowerOnVM_Task', fault: 'InsufficientResourcesFault', message: 'not enough memory' }, expect: /not enough memory/ },
    ];
    for (const c of cases) {
      it(`when ${c.title}`, async () => {
        const name = `fault-${cases.indexOf(c)}`;
        await sim().inject(c.inject);
        const e = (await importOvf(session, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', name, powerOn: true }).catch((x: unknown) => x)) as Error;
        assert.ok(e instanceof Error, 'the import failed');
        assert.match(e.message, c.expect);
        assert.doesNotMatch(e.message, new RegExp(sim().password.replace(/[^\w]/g, '.')), 'no secret in the error');
        await assertNothingLeft(sim(), name);
      });
    }

    it('when the user interrupts mid-upload (AbortSignal)', async () => {
      await sim().inject({ kind: 'slowNfc', bytesPerSecond: 64 * 1024 });
      const controller = new AbortController();
      const p = importOvf(session, {
        source: await pkg(web.ova),
        pool: 'DC0_C0/Resources',
        name: 'interrupted',
        signal: controller.signal,
        onProgress: (pr) => pr.bytes > 16 * 1024 && controller.abort(),
      });
      await assert.rejects(p, /interrupted/);
      await assertNothingLeft(sim(), 'interrupted');
    });

    it('keeps a slow upload alive past the lease timeout with HttpNfcLeaseProgress', async () => {
      await sim().inject({ kind: 'leaseTimeout', seconds: 2 });
      await sim().inject({ kind: 'slowNfc', bytesPerSecond: 96 * 1024 });
      const small = await buildOva(path.join(tmp, 'slow'), 'slow', [{ id: 'slow01', cpus: 1, memoryMB: 256, disksMiB: [4], nics: [], randomKiB: 512 }]);
      const size = fs.statSync(small.disks[0]!).size;
      const r = await importOvf(session, { source: await pkg(small.ova), pool: 'DC0_C0/Resources', name: 'slow-a' });
      assert.equal(r.files[0]!.bytes, size);
      assert.ok(size / (96 * 1024) > 2, `the upload (${size} bytes) outlasts the 2 s lease timeout`);
    });
  });

  describe('ovfkit import / export / destroy', () => {
    const env = (): NodeJS.ProcessEnv => ({ VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint });

    it('imports with credentials from the environment and prints a JSON result without the password', async () => {
      const r = await runCli(['import', web.ova, '--pool', 'DC0_C0/Resources', '--name', 'cli-a', '--net', 'backend=DC0_DVPG0', '--power-on', '--json'], env());
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { entity: ManagedObjectReference; poweredOn: boolean };
      assert.equal(out.entity.type, 'VirtualMachine');
      assert.equal(out.poweredOn, true);
      assert.ok(!(r.stdout + r.stderr).includes(sim().password));
    });

    it('exports with the CLI and destroys the VM (powering it off first)', async () => {
      const out = path.join(tmp, 'cli-a.ova');
      const x = await runCli(['export', '/DC0/vm/cli-a', out, '--json'], env());
      assert.equal(x.code, 2, 'a powered-on VM cannot be exported');
      const d = await runCli(['destroy', '/DC0/vm/cli-a'], env());
      assert.equal(d.code, 0, d.stderr);
      assert.match(d.stdout, /^destroyed VirtualMachine /);
      await assertNothingLeft(sim(), 'cli-a');
      const again = await runCli(['destroy', '/DC0/vm/cli-a', '--if-exists', '--json'], env());
      assert.deepEqual(JSON.parse(again.stdout), { destroyed: false, reason: 'not found' });
    });

    it('captures the inventory and a host profile in the formats the local OvfManager reads', async () => {
      const inv = path.join(tmp, 'inventory.json');
      const r = await runCli(['inventory', 'capture', '--out', inv], env());
      assert.equal(r.code, 0, r.stderr);
      const snapshot = checkInventory(JSON.parse(fs.readFileSync(inv, 'utf8')));
      assert.deepEqual(snapshot.issues, []);
      assert.deepEqual(snapshot.inventory?.datastores.map((d) => d.name), ['LocalDS_0']);
      assert.ok(snapshot.inventory?.networks.some((n) => n.name === 'DC0_DVPG0' && n.type === 'dvportgroup'));
      assert.ok(snapshot.inventory?.resourcePools.some((p) => p.path === '/DC0/host/DC0_C0/Resources'));
      const hp = await runCli(['host-profile', 'capture', '--host', '/DC0/host/DC0_H0/DC0_H0', '--json'], env());
      assert.equal(hp.code, 0, hp.stderr);
      const profile = checkHostProfile(JSON.parse(hp.stdout));
      assert.deepEqual(profile.issues, []);
      assert.equal(profile.profile?.name, 'captured-DC0_H0');
      assert.ok((profile.profile?.guestIds.length ?? 0) > 10, 'guest ids come from the live host');
    });

    it('prints every error and exits 1 when the plan refuses the descriptor, before any OvfManager call, creating nothing', async () => {
      const bad = await buildOva(path.join(tmp, 'unsupported'), 'unsupported', [
        { id: 'odd01', cpus: 1, memoryMB: 256, disksMiB: [4], nics: [], extraItems: '<Item><rasd:ElementName>mystery</rasd:ElementName><rasd:InstanceID>90</rasd:InstanceID><rasd:ResourceType>99</rasd:ResourceType></Item>' },
      ]);
      const leases = (await sim().state()).leases.length;
      const calls = (await sim().collectors()).calls;
      const r = await runCli(['import', bad.ova, '--pool', 'DC0_C0/Resources', '--name', 'odd-a', '--json'], env());
      assert.equal(r.code, 1, r.stderr);
      const out = JSON.parse(r.stdout) as { refusedBy: string; error: Array<{ code: string; type: string; message: string }> };
      const plan = JSON.parse((await runCli(['plan', bad.ova, '--json'], env())).stdout) as { errors: Array<{ code: string }> };
      assert.equal(out.refusedBy, 'plan');
      assert.deepEqual(out.error.map((e) => e.code), plan.errors.map((e) => e.code), 'the same errors as ovfkit plan');
      assert.ok(out.error.some((e) => /Unsupported|99/.test(`${e.type} ${e.message}`)), JSON.stringify(out.error));
      const after = (await sim().collectors()).calls;
      for (const m of ['ParseDescriptor', 'ValidateHost', 'CreateImportSpec', 'ImportVApp']) assert.equal(after[m] ?? 0, calls[m] ?? 0, `no ${m} call`);
      assert.equal((await sim().state()).leases.length, leases, 'no lease was created');
      await assertNothingLeft(sim(), 'odd-a');
    });

    it('takes plan\'s CreateImportSpec flags (--cluster, --ip-protocol, --ip-allocation-policy, --locale, --import-option) and judges them as ovfkit plan does', async () => {
      // The same flags, read by the same code (cisp-flags): an IP protocol the package lacks is the plan's refusal, nothing created.
      const flags = ['--cluster', 'DC0_C0', '--name', 'cisp-a', '--ip-protocol', 'IPv6', '--ip-allocation-policy', 'fixedPolicy', '--locale', '', '--import-option', 'acceptAllEulas'];
      const refused = await runCli(['import', web.ova, ...flags, '--json'], env());
      assert.equal(refused.code, 1, refused.stderr);
      const plan = JSON.parse((await runCli(['plan', web.ova, ...flags, '--json'], env())).stdout) as { errors: Array<{ code: string; localizedMessage: string }> };
      const out = JSON.parse(refused.stdout) as { refusedBy: string; error: Array<{ code: string; message: string }> };
      assert.equal(out.refusedBy, 'plan');
      assert.deepEqual(out.error.map((e) => [e.code, e.message]), plan.errors.map((e) => [e.code, e.localizedMessage]));
      assert.deepEqual(out.error.map((e) => e.code), ['IP_PROTOCOL_UNSUPPORTED']);
      await assertNothingLeft(sim(), 'cisp-a');
      // IPv4 (the protocol of a package without vmw:IpAssignmentSection) is imported into the cluster's root pool.
      const ok = await runCli(['import', web.ova, ...flags.map((f) => (f === 'IPv6' ? 'IPv4' : f)), '--json'], env());
      assert.equal(ok.code, 0, ok.stderr);
      const vm = JSON.parse(ok.stdout) as { entity: ManagedObjectReference; name: string };
      assert.equal(vm.name, 'cisp-a');
      const d = await runCli(['destroy', '/DC0/vm/cisp-a'], env());
      assert.equal(d.code, 0, d.stderr);
    });

    it('shows per-file progress on a terminal, plain lines when stderr is not one (CI logs), none with --progress none', async () => {
      const out = new PassThrough();
      const err = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
      let tty = '';
      err.on('data', (d: Buffer) => (tty += d.toString()));
      out.resume();
      const code = await main(['import', web.ova, '--pool', 'DC0_C0/Resources', '--name', 'tty-a'], { stdout: out, stderr: err, cwd: process.cwd(), env: env(), signal: new AbortController().signal });
      assert.equal(code, 0, tty);
      assert.match(tty, /web01-disk1\.vmdk 100% [\d.]+ MiB [\d.]+ MiB\/s\n/);
      assert.match(tty, /web01-disk2\.vmdk 100% /);
      const plain = await runCli(['import', web.ova, '--pool', 'DC0_C0/Resources', '--name', 'tty-b'], env());
      assert.equal(plain.code, 0, plain.stderr);
      assert.doesNotMatch(plain.stderr, /[\r\x1b]/);
      const done = plain.stderr.split('\n').filter((l) => l.endsWith(' done')).map((l) => l.replace(/ [\d.]+ MiB( of [\d.]+ MiB)? [\d.]+ MiB\/s done$/, ''));
      assert.deepEqual(done.sort(), ['web01-disk1.vmdk: 100%', 'web01-disk2.vmdk: 100%']);
      const none = await runCli(['import', web.ova, '--pool', 'DC0_C0/Resources', '--name', 'tty-c', '--progress', 'none'], env());
      assert.equal(none.code, 0, none.stderr);
      assert.equal(none.stderr, '');
    });

    it('refuses a package without a manifest under --manifest require, before creating anything', async () => {
      const dir = path.join(tmp, 'nomf');
      fs.mkdirSync(dir, { recursive: true });
      const ova = await buildOvaFromVmdk(dir, 'nomf', makeStreamOptimizedVmdk(dir, 'nomf-disk1', 4), 4);
      const leases = (await sim().state()).leases.length;
      const r = await runCli(['import', ova, '--pool', 'DC0_C0/Resources', '--name', 'nomf-a', '--manifest', 'require', '--json'], env());
      // The plan refuses it (core's manifest verdict, as ovfkit plan --manifest require does), before any lease.
      assert.equal(r.code, 1, r.stderr);
      const refused = JSON.parse(r.stdout) as { refusedBy: string; error: Array<{ code: string; path?: string; message: string; fix?: string }> };
      assert.equal(refused.refusedBy, 'plan');
      const shown = refused.error.map(({ code, path, message, fix }) => ({ code, path, message, fix }));
      assert.deepEqual(shown, [{
        code: 'MANIFEST_ABSENT', path: 'nomf.ovf',
        message: 'the package has no manifest (.mf), and --manifest require asks for one',
        fix: 'add a manifest to the package (ovfkit manifest create writes one), or accept a package without one with --manifest verify-if-present',
      }]);
      assert.equal((await sim().state()).leases.length, leases);
      await assertNothingLeft(sim(), 'nomf-a');
      // ovfkit plan says the same, offline.
      const planned = await runCli(['plan', ova, '--pool', 'DC0_C0/Resources', '--name', 'nomf-a', '--manifest', 'require', '--json']);
      assert.equal(planned.code, 1, planned.stderr);
      const planErrors = (JSON.parse(planned.stdout) as { errors: Array<{ code: string; path?: string; localizedMessage: string; fix?: string }> }).errors;
      assert.deepEqual(planErrors.map(({ code, path, localizedMessage, fix }) => ({ code, path, message: localizedMessage, fix })), shown);
      const ok = await runCli(['import', ova, '--pool', 'DC0_C0/Resources', '--name', 'nomf-b', '--json'], env());
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepEqual((JSON.parse(ok.stdout) as { files: Array<{ manifestVerified: boolean }> }).files.map((f) => f.manifestVerified), [false]);
    });

    it('trusts the server through --ca with the certificate as the CA', async () => {
      const ca = path.join(tmp, 'sim-ca.pem');
      fs.writeFileSync(ca, sim().caPem!);
      const e = env();
      delete e['VSPHERE_THUMBPRINT'];
      const r = await runCli(['destroy', '/DC0/vm/none', '--if-exists', '--ca', ca, '--json'], e);
      assert.equal(r.code, 0, r.stderr);
    });

    it('connects from govc\'s variables: GOVC_URL with user:password, trust from GOVC_TLS_KNOWN_HOSTS or GOVC_INSECURE; the password never shown', async () => {
      const u = new URL(sim().sdkUrl);
      const GOVC_URL = `${encodeURIComponent(sim().username)}:${encodeURIComponent(sim().password)}@${u.host}`;
      const known = path.join(tmp, 'known_hosts');
      fs.writeFileSync(known, `${u.host} ${sim().thumbprint}\n`);
      const run = (env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> => runCli(['destroy', '/DC0/vm/none', '--if-exists', '--json'], env);
      const pinned = await run({ GOVC_URL, GOVC_TLS_KNOWN_HOSTS: known });
      assert.deepEqual(pinned, { code: 0, stdout: '{\n  "destroyed": false,\n  "reason": "not found"\n}\n', stderr: '' });
      const insecure = await run({ GOVC_URL, GOVC_INSECURE: '1' });
      assert.deepEqual(insecure, { code: 0, stdout: pinned.stdout, stderr: `ovfkit: warning: GOVC_INSECURE is set: the certificate of ${u.host} is not verified\n` });
      const unverified = await run({ GOVC_URL });
      assert.equal(unverified.code, 2);
      assert.match(JSON.parse(unverified.stdout).error.message, /is not trusted/);
      fs.writeFileSync(known, `${u.host} ${'00:'.repeat(31)}00\n`);
      const wrongPin = await run({ GOVC_URL, GOVC_TLS_KNOWN_HOSTS: known });
      assert.equal(wrongPin.code, 2);
      assert.match(JSON.parse(wrongPin.stdout).error.message, /does not match the pinned thumbprint/);
      for (const r of [pinned, insecure, unverified, wrongPin]) assert.ok(!`${r.stdout}${r.stderr}`.includes(sim().password), 'the password was shown');
    });

    it('on Ctrl-C (SIGINT) mid-upload aborts the lease, removes the VM and exits 2', async () => {
      await sim().inject({ kind: 'slowNfc', bytesPerSecond: 32 * 1024 });
      const slow = await buildOva(path.join(tmp, 'sigint'), 'sigint', [{ id: 'sigint01', cpus: 1, memoryMB: 256, disksMiB: [4], nics: [], randomKiB: 512 }]);
      const child = spawn(process.execPath, [path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js'), 'import', slow.ova, '--pool', 'DC0_C0/Resources', '--name', 'sigint-a'], { env: { ...process.env, ...env() }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Interrupt once the upload is under way (the lease is ready and bytes are flowing).
      for (let i = 0; i < 100; i++) {
        const lease = (await sim().state()).leases.find((l) => l.state === 'ready' && (l.bytesTransferred ?? 0) > 0);
        if (lease) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill('SIGINT');
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      assert.equal(code, 2, stderr);
      assert.match(stderr, /interrupted/);
      await assertNothingLeft(sim(), 'sigint-a');
    });

    it('refuses an unpinned self-signed server with exit 2 and a hint, sending no password', async () => {
      const e = env();
      delete e['VSPHERE_THUMBPRINT'];
      const r = await runCli(['destroy', '/DC0/vm/none'], e);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /not trusted.*--thumbprint/);
    });

    it('reports wrong credentials with exit 2 and no stack trace', async () => {
      const r = await runCli(['destroy', '/DC0/vm/none'], { ...env(), VSPHERE_PASSWORD: 'wrong-password' });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^ovfkit: Login: /);
      assert.doesNotMatch(r.stderr, /wrong-password|\bat .*\.js:\d+/);
    });
  });
});

describe('vSphere import against the simulator as a bare ESXi host', function () {
  this.timeout(60_000);
  const sim = useSimulator({ esx: true });

  it('imports into the host\'s only pool and datastore, and resolves the lease\'s * host', async () => {
    const esxPackage = await buildOva(path.join(tmp, 'esx'), 'esx', [{ id: 'esx01', cpus: 1, memoryMB: 512, disksMiB: [4], nics: ['VM Network'] }]);
    const session = await connect(sim());
    try {
      assert.equal(session.isEsx, true);
      const r = await importOvf(session, { source: await pkg(esxPackage.ova), name: 'esx-a' });
      assert.equal(r.entity.type, 'VirtualMachine');
      assert.equal((await hardwareOf(session, r.entity)).memoryMB, 512);
      assert.ok(await new Inventory(session).find('/ha-datacenter/vm/esx-a'));
    } finally {
      await session.logout();
    }
  });
});
