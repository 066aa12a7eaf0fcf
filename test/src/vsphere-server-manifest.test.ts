import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type ManagedObjectReference, VimSession, exportOvf, importOvf } from '@ovfkit/vsphere';
import { runCli } from './cli.test';
import { type Simulator, useSimulator } from './sim/simulator';
import { assertNothingLeft, connect } from './sim/checks';
import { type BuiltPackage, buildOva, packageScope } from './vsphere-fixtures';

const { tmp, pkg } = packageScope('ovfkit-server-mf-');

/** The package of `built` as a directory whose manifest (first, as ovftool writes it) uses `algorithm`. */
function directoryPackage(built: BuiltPackage, dir: string, name: string, algorithm: 'SHA1' | 'SHA256' | 'SHA512'): string {
  fs.mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  const add = (file: string, bytes: Buffer): void => {
    fs.writeFileSync(path.join(dir, file), bytes);
    lines.push(`${algorithm}(${file})= ${createHash(algorithm.toLowerCase()).update(bytes).digest('hex')}`);
  };
  add(`${name}.ovf`, Buffer.from(built.descriptor));
  for (const d of built.disks) add(path.basename(d), fs.readFileSync(d));
  fs.writeFileSync(path.join(dir, `${name}.mf`), lines.join('\n') + '\n');
  return dir;
}

async function callsOf(sim: Simulator, method: string): Promise<number> {
  return (await sim.collectors()).calls[method] ?? 0;
}

describe('the server\'s own manifest (HttpNfcLeaseGetManifest) on a 7.0.3 vCenter simulator', function () {
  this.timeout(120_000);
  const sim = useSimulator({ apiVersion: '7.0.3.0' });
  let web: BuiltPackage;
  let session: VimSession;

  before(async () => {
    web = await buildOva(path.join(tmp, 'web'), 'web', [{ id: 'web01', cpus: 1, memoryMB: 512, disksMiB: [8, 4], nics: ['VM Network'], randomKiB: 64 }]);
    session = await connect(sim());
  });
  after(async () => session?.logout());

  it('imports an OVA with a SHA256 manifest and the server\'s SHA-256 of each disk matches it', async () => {
    const set = await callsOf(sim(), 'HttpNfcLeaseSetManifestChecksumType');
    const r = await importOvf(session, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', name: 'mf-a' });
    assert.deepEqual({ ...r.serverManifest, verified: [...r.serverManifest.verified].sort() }, { ran: true, checksumType: 'sha256', verified: ['web01-disk1.vmdk', 'web01-disk2.vmdk'], skipped: [] });
    assert.equal(await callsOf(sim(), 'HttpNfcLeaseSetManifestChecksumType'), set + 1, 'sha256 was asked for once, before the uploads');
  });

  it('imports a directory package with a SHA1 manifest against the server\'s SHA-1, without asking for a checksum type', async () => {
    const dir = directoryPackage(web, path.join(tmp, 'sha1-dir'), 'web', 'SHA1');
    const set = await callsOf(sim(), 'HttpNfcLeaseSetManifestChecksumType');
    const r = await importOvf(session, { source: await pkg(dir), pool: 'DC0_C0/Resources', name: 'mf-sha1' });
    assert.equal(r.serverManifest.ran, true);
    assert.equal(r.serverManifest.checksumType, 'sha1');
    assert.deepEqual([...r.serverManifest.verified].sort(), ['web01-disk1.vmdk', 'web01-disk2.vmdk']);
    assert.equal(await callsOf(sim(), 'HttpNfcLeaseSetManifestChecksumType'), set, 'SHA-1 is reported without asking');
  });

  it('rolls the import back when the server reports another checksum than the manifest: lease aborted, no VM', async () => {
    await sim().inject({ kind: 'manifestMismatch', method: 'ImportVApp' });
    await assert.rejects(importOvf(session, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', name: 'mf-bad' }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'INTEGRITY');
      assert.match(e.message, /the server's own checksum of a file differs from the package manifest: web01-disk\d\.vmdk \(server sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\); vSphere did not store the package's bytes, so the import was rolled back/);
      return true;
    });
    await assertNothingLeft(sim(), 'mf-bad');
    const lease = (await sim().state()).leases.at(-1)!;
    assert.equal(lease.state, 'error');
    assert.match(lease.error ?? '', /checksum/, 'the abort carries the reason');
  });

  it('exports with a SHA256 manifest and checks every download against the server\'s SHA-256', async () => {
    const out = path.join(tmp, 'mf-a.ova');
    const r = await exportOvf(session, { entity: '/DC0/vm/mf-a', destination: out });
    assert.equal(r.serverManifest.ran, true);
    assert.equal(r.serverManifest.checksumType, 'sha256');
    assert.deepEqual(r.serverManifest.verified, r.files.slice(1).map((f) => f.path), 'every disk file, not the descriptor (the server never saw it)');
    assert.deepEqual(r.serverManifest.skipped, []);
  });

  it('removes the export and aborts the lease when a download\'s server checksum differs', async () => {
    const out = path.join(tmp, 'mf-bad-export');
    await sim().inject({ kind: 'manifestMismatch', method: 'ExportVm' });
    await assert.rejects(exportOvf(session, { entity: '/DC0/vm/mf-a', destination: out }), (e: Error & { code?: string }) => e.code === 'INTEGRITY' && /differs from what ovfkit downloaded: mf-a-disk-0\.vmdk \(server sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\); the download is not what vSphere sent, so the export was removed/.test(e.message));
    assert.equal(fs.existsSync(out), false, 'no partial output');
    await assertNothingLeft(sim(), 'no-such-vm');
    assert.equal((await sim().state()).leases.at(-1)!.state, 'error');
  });

  it('skips the server check with a note for a SHA512 manifest, without a second hash or a GetManifest call', async () => {
    const get = await callsOf(sim(), 'HttpNfcLeaseGetManifest');
    const r = await exportOvf(session, { entity: '/DC0/vm/mf-a', destination: path.join(tmp, 'mf-512'), manifestAlgorithm: 'SHA512' });
    assert.equal(r.serverManifest.ran, false);
    assert.match(r.serverManifest.note ?? '', /SHA512; vSphere reports only SHA-1 or SHA-256/);
    assert.equal(await callsOf(sim(), 'HttpNfcLeaseGetManifest'), get);
  });

  it('imports and exports on a server without HttpNfcLeaseGetManifest / SetManifestChecksumType, saying the check was skipped', async () => {
    await sim().inject({ kind: 'fault', method: 'HttpNfcLeaseSetManifestChecksumType', fault: 'MethodNotFound', times: 2 });
    const imported = await importOvf(session, { source: await pkg(directoryPackage(web, path.join(tmp, 'old-sha1'), 'web', 'SHA1')), pool: 'DC0_C0/Resources', name: 'mf-old' });
    await sim().inject({ kind: 'fault', method: 'HttpNfcLeaseGetManifest', fault: 'MethodNotFound', times: 2 });
    const imported2 = await importOvf(session, { source: await pkg(directoryPackage(web, path.join(tmp, 'old-sha1-b'), 'web', 'SHA1')), pool: 'DC0_C0/Resources', name: 'mf-old-b' });
    assert.equal(imported.serverManifest.ran, true, 'SHA-1 needs no SetManifestChecksumType');
    assert.equal(imported2.serverManifest.ran, false);
    assert.match(imported2.serverManifest.note ?? '', /no HttpNfcLeaseGetManifest \(MethodNotFound\)/);
    const exported = await exportOvf(session, { entity: '/DC0/vm/mf-old', destination: path.join(tmp, 'mf-old-export') });
    assert.equal(exported.serverManifest.ran, false);
    assert.match(exported.serverManifest.note ?? '', /no HttpNfcLeaseSetManifestChecksumType \(MethodNotFound\)/);
    assert.ok(fs.existsSync(path.join(tmp, 'mf-old-export', 'mf-old.mf')), 'the export itself succeeded');
  });

  it('prints the server check in import --json', async () => {
    const env = { VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint };
    const r = await runCli(['import', web.ova, '--pool', 'DC0_C0/Resources', '--name', 'mf-cli', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { entity: ManagedObjectReference; serverManifest: { ran: boolean; checksumType: string; verified: string[] } };
    assert.deepEqual({ ...out.serverManifest, verified: [...out.serverManifest.verified].sort() }, { ran: true, checksumType: 'sha256', verified: ['web01-disk1.vmdk', 'web01-disk2.vmdk'], skipped: [] });
  });
});

describe('the server\'s own manifest on a 6.5 simulator (no SHA-256 from the server)', function () {
  this.timeout(120_000);
  const sim = useSimulator();
  let web: BuiltPackage;
  let session: VimSession;

  before(async () => {
    web = await buildOva(path.join(tmp, 'web65'), 'web65', [{ id: 'web65', cpus: 1, memoryMB: 512, disksMiB: [4], nics: [] }]);
    session = await connect(sim());
    await importOvf(session, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', name: 'old-a' });
  });
  after(async () => session?.logout());

  it('skips a SHA256 export with a note rather than hash twice, and never calls SetManifestChecksumType', async () => {
    const r = await exportOvf(session, { entity: '/DC0/vm/old-a', destination: path.join(tmp, 'old-a-256') });
    assert.equal(r.serverManifest.ran, false);
    assert.match(r.serverManifest.note ?? '', /API 6\.5 is older than 6\.7 and reports only SHA-1; the manifest uses SHA256/);
    assert.equal(await callsOf(sim(), 'HttpNfcLeaseSetManifestChecksumType'), 0);
  });

  it('checks a SHA1 export against the server\'s SHA-1', async () => {
    const r = await exportOvf(session, { entity: '/DC0/vm/old-a', destination: path.join(tmp, 'old-a-1'), manifestAlgorithm: 'SHA1' });
    assert.equal(r.serverManifest.ran, true);
    assert.equal(r.serverManifest.checksumType, 'sha1');
    assert.deepEqual(r.serverManifest.verified, [r.files[1]!.path]);
  });
});
