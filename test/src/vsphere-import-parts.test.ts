/**
 * The import engine over packages whose files are stored in parts: gzip-compressed disks split into
 * `.000000000` chunk files, each chunk listed and hashed in the manifest by its stored bytes.
 * Folders, local OVAs and OVAs over HTTP without Range (one pass), against the simulator.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { type VimSession, importOvf } from '@ovfkit/vsphere';
import { assertNothingLeft, connect } from './sim/checks';
import { useSimulator } from './sim/simulator';
import { serveWithoutRange } from './no-range-server';
import { buildOva, packageScope } from './vsphere-fixtures';

const { tmp, pkg } = packageScope('ovfkit-import-parts-');
const CHUNK = 65536;

interface PartsPackage {
  /** The package as a folder: descriptor, chunk files, manifest. */
  dir: string;
  /** The same files as an OVA, in that order (manifest last). */
  ova: string;
  /** Chunk file names, in order. */
  chunks: string[];
  /** Bytes of the VMDK once inflated and joined: what the simulator must receive. */
  vmdkBytes: number;
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/**
 * A one-VM package whose 8 MiB disk (256 KiB of random data, so it does not compress away) is
 * stored gzip-compressed in 64 KiB chunk files, with a SHA256 manifest of the descriptor and
 * every chunk. `edit` changes the manifest lines before they are written.
 */
async function partsPackage(name: string, options: { withSize?: boolean; edit?: (lines: string[], chunks: string[]) => string[] } = {}): Promise<PartsPackage> {
  const base = await buildOva(path.join(tmp, name), name, [{ id: name, cpus: 1, memoryMB: 256, disksMiB: [8], nics: [], randomKiB: 256 }]);
  const vmdk = fs.readFileSync(base.disks[0]!);
  const href = path.basename(base.disks[0]!);
  const gz = gzipSync(vmdk);
  const descriptor = base.descriptor.replace(/(<File ovf:href="[^"]+" ovf:id="[^"]+") ovf:size="\d+"\/>/, `$1 ovf:compression="gzip" ovf:chunkSize="${CHUNK}"${options.withSize ? ` ovf:size="${gz.length}"` : ''}/>`);
  assert.notEqual(descriptor, base.descriptor, 'the References were rewritten');
  const dir = path.join(tmp, name, 'pkg');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, `${name}.ovf`), descriptor);
  const chunks: string[] = [];
  for (let i = 0; i * CHUNK < gz.length; i++) {
    const chunk = `${href}.${String(i).padStart(9, '0')}`;
    fs.writeFileSync(path.join(dir, chunk), gz.subarray(i * CHUNK, (i + 1) * CHUNK));
    chunks.push(chunk);
  }
  assert.ok(chunks.length >= 3, `the disk is stored in ${chunks.length} chunks`);
  let lines = [`SHA256(${name}.ovf)= ${sha256(descriptor)}`, ...chunks.map((c) => `SHA256(${c})= ${sha256(fs.readFileSync(path.join(dir, c)))}`)];
  if (options.edit) lines = options.edit(lines, chunks);
  fs.writeFileSync(path.join(dir, `${name}.mf`), lines.join('\n') + '\n');
  const ova = path.join(tmp, name, `${name}-parts.ova`);
  execFileSync('tar', ['--format=ustar', '-cf', ova, '-C', dir, `${name}.ovf`, ...chunks, `${name}.mf`]);
  return { dir, ova, chunks, vmdkBytes: vmdk.length };
}

/** Flips the first hex digit of the manifest line of `chunk`. */
const corrupt = (chunk: string) => (lines: string[]): string[] => lines.map((l) => (l.startsWith(`SHA256(${chunk})= `) ? l.replace(/= (.)/, (_m, c: string) => `= ${c === '0' ? '1' : '0'}`) : l));

describe('vSphere import of chunked, gzip-compressed package files', function () {
  this.timeout(120_000);
  const sim = useSimulator();
  let session: VimSession;
  before(async () => {
    session = await connect(sim());
  });
  after(async () => session?.logout());

  const leaseCount = async (): Promise<number> => (await sim().state()).leases.length;
  const receivedBy = async (entity: string): Promise<number | undefined> => (await sim().state()).leases.find((l) => l.entity === entity)?.bytesTransferred;

  it('imports from a folder, joining the chunk files and inflating them, with every chunk checked against the manifest', async () => {
    const p = await partsPackage('folder');
    const r = await importOvf(session, { source: await pkg(p.dir), pool: 'DC0_C0/Resources', name: 'parts-folder' });
    assert.equal(r.files.length, 1);
    assert.equal(r.files[0]!.manifestVerified, true);
    assert.equal(r.files[0]!.bytes, p.chunks.reduce((n, c) => n + fs.statSync(path.join(p.dir, c)).size, 0), 'bytes counts the stored (compressed) bytes read');
    assert.equal(await receivedBy(r.entity.value), p.vmdkBytes, 'the simulator received the inflated, joined VMDK');
  });

  it('rolls back when one chunk file does not match the manifest, naming that chunk', async () => {
    let chunk = '';
    const p = await partsPackage('badchunk', { edit: (lines, chunks) => corrupt((chunk = chunks[1]!))(lines) });
    await assert.rejects(importOvf(session, { source: await pkg(p.ova), pool: 'DC0_C0/Resources', name: 'parts-badchunk' }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'INTEGRITY');
      assert.match(e.message, new RegExp(`^${chunk.replace(/\./g, '\\.')} does not match the package manifest .*rolled back`));
      return true;
    });
    await assertNothingLeft(sim(), 'parts-badchunk');
    assert.equal((await sim().state()).leases.at(-1)?.state, 'error', 'the lease was aborted');
  });

  it('refuses, before creating anything, a manifest that does not list one of the chunk files', async () => {
    let chunk = '';
    const p = await partsPackage('unlisted', { edit: (lines, chunks) => lines.filter((l) => !l.startsWith(`SHA256(${(chunk = chunks[2]!)})`)) });
    const before = await leaseCount();
    await assert.rejects(importOvf(session, { source: await pkg(p.ova), pool: 'DC0_C0/Resources', name: 'parts-unlisted' }), new RegExp(`${chunk.replace(/\./g, '\\.')} is not listed in the package manifest`));
    assert.equal(await leaseCount(), before, 'no lease was created');
  });

  it('refuses, before creating anything, a folder missing a chunk file that ovf:size says is there', async () => {
    const p = await partsPackage('missing', { withSize: true });
    fs.rmSync(path.join(p.dir, p.chunks[1]!));
    const before = await leaseCount();
    // The plan refuses it now, before any vSphere call: the package is not complete.
    await assert.rejects(importOvf(session, { source: await pkg(p.dir), pool: 'DC0_C0/Resources', name: 'parts-missing' }), (e: Error & { code?: string; plan?: { errors: { code: string; value?: string }[] } }) => {
      assert.equal(e.code, 'PLAN_REFUSED');
      assert.deepEqual(e.plan?.errors.map((i) => [i.code, i.value]), [['PACKAGE_CHUNK_MISSING', p.chunks[1]]]);
      return true;
    });
    assert.equal(await leaseCount(), before, 'no lease was created');
  });

  it('imports the chunked OVA over HTTP without Range in one pass, checking each chunk against the manifest found at the end', async () => {
    const good = await partsPackage('http');
    const bad = await partsPackage('httpbad', { edit: (lines, chunks) => corrupt(chunks.at(-1)!)(lines) });
    const server = await serveWithoutRange({ 'good.ova': good.ova, 'bad.ova': bad.ova });
    try {
      const source = await pkg(server.url('good.ova'));
      assert.equal(source.sequentialOnly, true);
      const r = await importOvf(session, { source, pool: 'DC0_C0/Resources', name: 'parts-http' });
      assert.equal(r.files[0]!.manifestVerified, true);
      assert.equal(await receivedBy(r.entity.value), good.vmdkBytes);
      assert.ok(server.gets() <= 2, `the archive was fetched ${server.gets()} times (the head for the descriptor, then one pass)`);
      await assert.rejects(importOvf(session, { source: await pkg(server.url('bad.ova')), pool: 'DC0_C0/Resources', name: 'parts-httpbad' }), /\.00000000\d does not match the package manifest.*rolled back/);
      await assertNothingLeft(sim(), 'parts-httpbad');
    } finally {
      server.close();
    }
  });
});
