import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readReferences } from '@ovfkit/package';
import { type ManagedObjectReference, Inventory, VimSession, exportOvf } from '@ovfkit/vsphere';
import { runCli } from './cli.test';
import { assertNothingLeft, connect } from './sim/checks';
import { useSimulator } from './sim/simulator';
import { buildOva, packageScope } from './vsphere-fixtures';

const { tmp } = packageScope('ovfkit-export-chunks-');

/** Not a multiple of 512 on purpose: DSP0243 asks only for a positive size. */
const CHUNK = 100_000;

async function diskCapacitiesKB(session: VimSession, path: string): Promise<number[]> {
  const vm = await new Inventory(session).get(path, 'VM', ['VirtualMachine']);
  const hw = (await session.properties(vm as ManagedObjectReference, ['config.hardware']))['config.hardware'] as { device: Array<Record<string, unknown>> };
  return hw.device.filter((d) => d['_typeName'] === 'VirtualDisk').map((d) => Number(d['capacityInKB'])).sort((a, b) => b - a);
}

describe('chunked export (ovf:chunkSize) against the simulator, end to end', function () {
  this.timeout(180_000);
  const sim = useSimulator();
  let session: VimSession;
  const env = (): NodeJS.ProcessEnv => ({ VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint });

  before(async () => {
    // 512 KiB of random data at the start of the first disk: its streamOptimized VMDK is several chunks.
    const built = await buildOva(path.join(tmp, 'src'), 'chunky', [{ id: 'chunky01', cpus: 1, memoryMB: 256, disksMiB: [16, 8], nics: [], randomKiB: 512 }]);
    session = await connect(sim());
    const r = await runCli(['import', built.ova, '--pool', 'DC0_C0/Resources', '--name', 'chunky', '--json'], env());
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => session?.logout());

  /** Checks an exported package: manifest verify passes, parse shows the chunk size, every chunk but the last is CHUNK bytes. */
  async function checkPackage(pkg: string, descriptor: () => string, listStored: () => Array<{ name: string; size: number }>): Promise<void> {
    const v = await runCli(['manifest', 'verify', pkg]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    const parsed = await runCli(['parse', pkg.endsWith('.ova') ? pkg : path.join(pkg, 'chunky.ovf')]);
    assert.equal(parsed.code, 0, parsed.stderr);
    assert.match(parsed.stdout, new RegExp(`chunked +chunky-disk-0\\.vmdk \\(.+ in chunks of ${CHUNK} bytes\\)`));
    const refs = readReferences(descriptor());
    assert.ok(refs.length >= 2);
    const stored = listStored();
    for (const ref of refs) {
      assert.equal(ref.chunkSize, CHUNK, `${ref.href} has ovf:chunkSize`);
      const parts = stored.filter((m) => m.name.startsWith(`${ref.href}.`));
      assert.deepEqual(parts.map((p) => p.name), parts.map((_, k) => `${ref.href}.${String(k).padStart(9, '0')}`), `${ref.href}'s chunks are numbered from .000000000 in order`);
      assert.ok(parts.slice(0, -1).every((p) => p.size === CHUNK), 'every chunk but the last is exactly chunkSize');
      assert.equal(parts.reduce((n, p) => n + p.size, 0), ref.size, 'ovf:size is the whole file');
    }
    const first = stored.filter((m) => m.name.startsWith('chunky-disk-0.vmdk.'));
    assert.ok(first.length >= 5, `the 512 KiB disk gives several chunks (${first.length})`);
  }

  it('exports to an OVA whose chunk members GNU tar lists in order, that verifies, parses and imports back with the same disks', async () => {
    const out = path.join(tmp, 'chunky.ova');
    const r = await runCli(['export', '/DC0/vm/chunky', out, '--chunk-size', String(CHUNK), '--json'], env());
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { files: Array<{ path: string; size: number; digest: string }> };
    assert.equal((JSON.parse(r.stdout) as { chunkSize: number }).chunkSize, CHUNK);
    const listing = execFileSync('tar', ['-tvf', out], { encoding: 'utf8' }).trim().split('\n').map((l) => ({ name: l.split(/\s+/).pop()!, size: Number(l.split(/\s+/)[2]) }));
    assert.deepEqual(listing.map((m) => m.name), [...result.files.map((f) => f.path), 'chunky.mf'], 'GNU tar lists the descriptor, the chunks in order, then the manifest');
    const mf = execFileSync('tar', ['-xOf', out, 'chunky.mf'], { encoding: 'utf8' });
    for (const f of result.files.slice(1)) {
      const bytes = execFileSync('tar', ['-xOf', out, f.path], { maxBuffer: 1 << 26 });
      assert.equal(createHash('sha256').update(bytes).digest('hex'), f.digest);
      assert.ok(mf.includes(`SHA256(${f.path})= ${f.digest}\n`), `the manifest lists ${f.path} with its own digest`);
    }
    await checkPackage(out, () => execFileSync('tar', ['-xOf', out, 'chunky.ovf'], { encoding: 'utf8' }), () => listing);

    const back = await runCli(['import', out, '--pool', 'DC0_C0/Resources', '--name', 'chunky-back-ova', '--json'], env());
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual(await diskCapacitiesKB(session, '/DC0/vm/chunky-back-ova'), await diskCapacitiesKB(session, '/DC0/vm/chunky'));
    assert.deepEqual(await diskCapacitiesKB(session, '/DC0/vm/chunky'), [16 * 1024, 8 * 1024]);
  });

  it('exports to a directory of chunk files that verifies, parses and imports back with the same disks', async () => {
    const out = path.join(tmp, 'chunky-dir');
    const r = await runCli(['export', '/DC0/vm/chunky', out, '--chunk-size', String(CHUNK), '--json'], env());
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { files: Array<{ path: string; size: number }> };
    assert.deepEqual(fs.readdirSync(out).sort(), [...result.files.map((f) => f.path), 'chunky.mf'].sort());
    assert.ok(!fs.existsSync(path.join(out, 'chunky-disk-0.vmdk')), 'no unchunked copy');
    await checkPackage(out, () => fs.readFileSync(path.join(out, 'chunky.ovf'), 'utf8'), () => fs.readdirSync(out).sort().map((name) => ({ name, size: fs.statSync(path.join(out, name)).size })));

    const back = await runCli(['import', path.join(out, 'chunky.ovf'), '--pool', 'DC0_C0/Resources', '--name', 'chunky-back-dir', '--json'], env());
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual(await diskCapacitiesKB(session, '/DC0/vm/chunky-back-dir'), [16 * 1024, 8 * 1024]);
  });

  it('compares the server\'s checksum of each whole file, though the manifest lists chunks, and removes all chunks when it differs', async () => {
    // SHA1 is what every server reports: the whole-file digest is computed beside the chunk digests.
    const out = path.join(tmp, 'sha1-dir');
    const r = await exportOvf(session, { entity: '/DC0/vm/chunky', destination: out, chunkSize: CHUNK, manifestAlgorithm: 'SHA1' });
    assert.equal(r.serverManifest.ran, true);
    assert.equal(r.serverManifest.checksumType, 'sha1');
    assert.deepEqual(r.serverManifest.verified, ['chunky-disk-0.vmdk', 'chunky-disk-1.vmdk']);
    assert.ok(r.files.slice(1).every((f) => /\.\d{9}$/.test(f.path)), 'the manifest lists only chunk files');
    const v = await runCli(['manifest', 'verify', out]);
    assert.equal(v.code, 0, v.stdout + v.stderr);

    const bad = path.join(tmp, 'mismatch.ova');
    await sim().inject({ kind: 'manifestMismatch', method: 'ExportVm' });
    await assert.rejects(exportOvf(session, { entity: '/DC0/vm/chunky', destination: bad, chunkSize: CHUNK, manifestAlgorithm: 'SHA1' }), /the server's own checksum of a file differs from what ovfkit downloaded: chunky-disk-0\.vmdk/);
    assert.equal(fs.existsSync(bad), false, 'every chunk was removed with the OVA');
    assert.equal((await sim().state()).leases.at(-1)?.state, 'error');
  });

  it('a file smaller than one chunk is still stored as .000000000', async () => {
    const out = path.join(tmp, 'big-chunks');
    const r = await exportOvf(session, { entity: '/DC0/vm/chunky', destination: out, chunkSize: 64 * 1024 ** 2 });
    assert.deepEqual(r.files.map((f) => f.path), ['chunky.ovf', 'chunky-disk-0.vmdk.000000000', 'chunky-disk-1.vmdk.000000000']);
    assert.deepEqual(readReferences(r.ovfDescriptor).map((f) => f.chunkSize), [64 * 1024 ** 2, 64 * 1024 ** 2]);
  });

  it('refuses a chunk size that is not a positive number of bytes, before connecting', async () => {
    for (const bad of ['0', '-5', '1.5G', 'lots']) {
      const r = await runCli(['export', '/DC0/vm/chunky', path.join(tmp, 'never.ova'), `--chunk-size=${bad}`], env());
      assert.equal(r.code, 2, bad);
      assert.match(r.stderr, /is not a chunk size: give a positive number of bytes/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.equal(fs.existsSync(path.join(tmp, 'never.ova')), false);
  });

  describe('a download cut off in the middle of a chunk leaves nothing behind', () => {
    for (const [what, dest] of [['an OVA', 'cut.ova'], ['a directory', 'cut-dir']] as const) {
      it(`to ${what}`, async () => {
        const out = path.join(tmp, dest);
        // 250 000 bytes: the third chunk of the first disk is half written.
        await sim().inject({ kind: 'dropConnection', afterBytes: 250_000, direction: 'download' });
        let seen = 0;
        await assert.rejects(
          // One download at a time: the cut is then in the first disk, whose progress is `seen`.
          exportOvf(session, { entity: '/DC0/vm/chunky', destination: out, chunkSize: CHUNK, parallelDisks: 1, onProgress: (p) => (seen = Math.max(seen, p.bytes)) }),
          /download|transfer|premature|closed|ended/i,
        );
        assert.ok(seen >= 2 * CHUNK && seen < 3 * CHUNK, `the cut came in the third chunk (${seen} bytes received)`);
        assert.equal(fs.existsSync(out), false, 'the partial output and every chunk written so far were removed');
        const st = await sim().state();
        assert.equal(st.leases.at(-1)?.state, 'error', 'the export lease was aborted');
        await assertNothingLeft(sim(), 'no-such-vm');
      });
    }
  });
});
