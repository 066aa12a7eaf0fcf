import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { isOvfkitError } from '@ovfkit/core';
import { filesInOrder, openFile, type StoredPart } from './files';
import { corpusRoot, descriptorXml, itCorpus, makeCertificates, makeVmdk, run, tempDir } from './fixtures.test.support';
import { checkOvaLayout, writeFileAtomic, writeOva, type OvaMember } from './ova';
import { readReferences, type FileReference } from './references';
import { openSource, safeHref, type PackageSource } from './source';
import { verifyPackage } from './verify';

async function bytesOf(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
const sha256 = (b: Buffer): string => require('node:crypto').createHash('sha256').update(b).digest('hex') as string;
const codes = (v: { issues: { code: string; severity: string }[] }): string[] => v.issues.map((i) => `${i.severity}:${i.code}`);

/**
 * A package folder as ovftool would leave it: a descriptor, a manifest, a streamOptimized VMDK
 * from qemu-img, a gzip-compressed disk and a file split into 4 KiB chunks.
 */
function buildPackage(dir: string): { refs: FileReference[]; disk1: Buffer; disk2: Buffer; blob: Buffer } {
  const disk1 = fs.readFileSync(makeVmdk(dir, 'disk1.vmdk', 2));
  const disk2 = fs.readFileSync(makeVmdk(dir, 'disk2-plain.vmdk', 1));
  fs.rmSync(path.join(dir, 'disk2-plain.vmdk'));
  const disk2gz = gzipSync(disk2);
  fs.writeFileSync(path.join(dir, 'disk2.vmdk'), disk2gz);
  const blob = Buffer.alloc(10_000);
  for (let i = 0; i < blob.length; i++) blob[i] = (i * 31) & 0xff;
  const chunk = 4096;
  for (let i = 0; i * chunk < blob.length; i++) fs.writeFileSync(path.join(dir, `blob.bin.${String(i).padStart(9, '0')}`), blob.subarray(i * chunk, (i + 1) * chunk));
  const refs: FileReference[] = [
    { href: 'disk1.vmdk', id: 'file1', size: disk1.length },
    { href: 'disk2.vmdk', id: 'file2', size: disk2gz.length, compression: 'gzip' },
    { href: 'blob.bin', id: 'file3', size: blob.length, chunkSize: chunk },
  ];
  const ovf = descriptorXml(refs);
  fs.writeFileSync(path.join(dir, 'vm.ovf'), ovf);
  const names = ['vm.ovf', 'disk1.vmdk', 'disk2.vmdk', 'blob.bin.000000000', 'blob.bin.000000001', 'blob.bin.000000002'];
  fs.writeFileSync(path.join(dir, 'vm.mf'), names.map((n) => `SHA256(${n})= ${sha256(fs.readFileSync(path.join(dir, n)))}\n`).join(''));
  return { refs, disk1, disk2, blob };
}

function membersFor(source: PackageSource, names: string[]): OvaMember[] {
  return names.map((name) => ({ name, size: 0, open: () => source.open(name) }));
}

async function packTo(dir: string, ova: string, opts: Parameters<typeof writeOva>[3] = {}): Promise<void> {
  const src = await openSource(dir);
  const d = await src.descriptor();
  const refs = readReferences(d.text);
  const members: OvaMember[] = [];
  for (const r of refs) {
    const names = r.chunkSize ? ['blob.bin.000000000', 'blob.bin.000000001', 'blob.bin.000000002'] : [r.href];
    for (const m of membersFor(src, names)) members.push({ ...m, size: (await src.size(m.name)) ?? 0 });
  }
  const mf = await src.manifest();
  await writeFileAtomic(ova, (out) => writeOva(out, d, members, { ...(mf ? { manifest: mf } : {}), ...opts }));
}

describe('package sources: a folder, a lone .ovf and an .ova built from it', function () {
  this.timeout(60_000);
  let t: { dir: string; cleanup: () => void };
  let pkg: ReturnType<typeof buildPackage>;
  let dir: string;
  before(() => {
    t = tempDir();
    dir = path.join(t.dir, 'pkg');
    fs.mkdirSync(dir);
    pkg = buildPackage(dir);
  });
  after(() => t.cleanup());

  it('reads References from the descriptor by namespace', async () => {
    const d = await (await openSource(dir)).descriptor();
    assert.deepEqual(readReferences(d.text), pkg.refs);
  });

  for (const form of ['folder', 'lone .ovf'] as const) {
    it(`verifies the manifest of the ${form} and finds nothing wrong`, async () => {
      const src = await openSource(form === 'folder' ? dir : path.join(dir, 'vm.ovf'));
      assert.equal(src.kind, form === 'folder' ? 'directory' : 'ovf');
      const v = await verifyPackage(src);
      assert.deepEqual(v.issues, []);
      assert.equal(v.manifest?.checked.length, 6);
      assert.ok(v.manifest?.checked.every((c) => c.ok));
    });
  }

  it('gives each referenced file as the descriptor means it: gzip inflated, chunks joined', async () => {
    const src = await openSource(dir);
    const [r1, r2, r3] = pkg.refs;
    assert.ok((await bytesOf(await openFile(src, r1!))).equals(pkg.disk1));
    assert.ok((await bytesOf(await openFile(src, r2!))).equals(pkg.disk2));
    assert.ok(gunzipSync(await bytesOf(await openFile(src, r2!, { inflate: false }))).equals(pkg.disk2));
    assert.ok((await bytesOf(await openFile(src, r3!))).equals(pkg.blob));
  });

  it('packs an OVA that GNU tar lists in the required order, then reads it back identically', async () => {
    const ova = path.join(t.dir, 'vm.ova');
    await packTo(dir, ova);
    assert.deepEqual(run('tar', ['-tf', ova]).toString().trim().split('\n'), ['vm.ovf', 'vm.mf', 'disk1.vmdk', 'disk2.vmdk', 'blob.bin.000000000', 'blob.bin.000000001', 'blob.bin.000000002']);
    assert.ok(run('tar', ['-xOf', ova, 'disk1.vmdk']).equals(pkg.disk1));
    const src = await openSource(ova);
    assert.equal(src.kind, 'ova');
    const v = await verifyPackage(src);
    assert.deepEqual(v.issues, []);
    assert.ok((await bytesOf(await openFile(src, pkg.refs[2]!))).equals(pkg.blob));
    assert.ok((await bytesOf(await openFile(src, pkg.refs[1]!))).equals(pkg.disk2));
    const order: string[] = [];
    for await (const e of src.entries()!) {
      order.push(e.name);
      await bytesOf(e.stream);
    }
    assert.deepEqual(order.slice(0, 3), ['vm.ovf', 'vm.mf', 'disk1.vmdk']);
  });

  it('gives every referenced file from one sequential pass over the OVA, chunks joined and gzip inflated', async () => {
    const src = await openSource(path.join(t.dir, 'vm.ova'));
    const got: [string, boolean][] = [];
    const expected = [pkg.disk1, pkg.disk2, pkg.blob];
    let i = 0;
    for await (const { ref, stream } of filesInOrder(src, pkg.refs)) got.push([ref.href, (await bytesOf(stream)).equals(expected[i++]!)]);
    assert.deepEqual(got, [['disk1.vmdk', true], ['disk2.vmdk', true], ['blob.bin', true]]);
  });

  it('reports each stored part (the file, or each chunk file) with the digests its manifest line has, before the stream ends', async () => {
    const src = await openSource(dir);
    const manifest = new Map(fs.readFileSync(path.join(dir, 'vm.mf'), 'utf8').trim().split('\n').map((l) => [/\((.+)\)/.exec(l)![1]!, l.split('= ')[1]!]));
    for (const ref of pkg.refs) {
      const parts: StoredPart[] = [];
      let counted = 0;
      const stream = await openFile(src, ref, { storedParts: { algorithms: ['SHA256', 'SHA1'], onData: (n) => (counted += n), onPart: (p) => parts.push(p) } });
      let partsAtEnd = -1;
      stream.on('end', () => (partsAtEnd = parts.length));
      await bytesOf(stream);
      assert.deepEqual(parts.map((p) => [p.name, p.digest.SHA256]), parts.map((p) => [p.name, manifest.get(p.name)]), ref.href);
      assert.equal(partsAtEnd, parts.length, 'every part was reported before the stream ended');
      assert.equal(counted, ref.size, 'onData counts the stored (compressed) bytes');
      assert.equal(parts.reduce((n, p) => n + p.bytes, 0), ref.size);
      assert.ok(parts.every((p) => /^[0-9a-f]{40}$/.test(p.digest.SHA1 ?? '')));
    }
    assert.equal(manifest.size, 6, 'the three chunk files are listed one by one');
  });

  it('walks the OVA once with a hook per file, handing over the members References do not name, the manifest at the end included', async () => {
    const ova = path.join(t.dir, 'vm-mf-last.ova');
    await packTo(dir, ova, { manifest: { name: 'vm.mf', compute: 'SHA256', position: 'end' } });
    assert.deepEqual(run('tar', ['-tf', ova]).toString().trim().split('\n').at(-1), 'vm.mf');
    const src = await openSource(ova);
    const parts = new Map<string, string[]>();
    const others: string[] = [];
    let manifestText = '';
    const walk = filesInOrder(src, pkg.refs.slice(1), {
      storedParts: (ref) => (ref.href === 'blob.bin' ? { algorithms: ['SHA256'], onPart: (p) => parts.set(p.name, [ref.href, p.digest.SHA256!]) } : undefined),
      onOtherMember: async (e) => {
        others.push(e.name);
        if (e.name === 'vm.mf') manifestText = (await bytesOf(e.stream)).toString();
      },
    });
    const files: string[] = [];
    for await (const { ref, stream } of walk) {
      files.push(ref.href);
      await bytesOf(stream);
    }
    assert.deepEqual(files, ['disk2.vmdk', 'blob.bin']);
    assert.deepEqual(others, ['vm.ovf', 'disk1.vmdk', 'vm.mf']);
    assert.deepEqual([...parts.keys()], ['blob.bin.000000000', 'blob.bin.000000001', 'blob.bin.000000002']);
    for (const [name, [, digest]] of parts) assert.ok(manifestText.includes(`SHA256(${name})= ${digest}\n`), name);
  });

  it('computes a SHA256 manifest while packing and signs it, both placed right after the descriptor', async () => {
    const pki = makeCertificates(t.dir);
    const ova = path.join(t.dir, 'signed.ova');
    const src = await openSource(dir);
    const d = await src.descriptor();
    const members: OvaMember[] = [{ name: 'disk1.vmdk', size: pkg.disk1.length, open: () => src.open('disk1.vmdk') }];
    const d1 = { name: 'vm.ovf', bytes: Buffer.from(descriptorXml([pkg.refs[0]!])) };
    void d;
    const res = await writeFileAtomic(ova, (out) =>
      writeOva(out, d1, members, { manifest: { name: 'vm.mf', compute: 'SHA256', position: 'after-descriptor' }, certificate: { name: 'vm.cert', privateKeyPem: pki.leafKey, certificatePem: pki.leafCert } }),
    );
    assert.equal(res.manifest, `SHA256(vm.ovf)= ${sha256(d1.bytes)}\nSHA256(disk1.vmdk)= ${sha256(pkg.disk1)}\n`);
    assert.deepEqual(run('tar', ['-tf', ova]).toString().trim().split('\n'), ['vm.ovf', 'vm.mf', 'vm.cert', 'disk1.vmdk']);
    const v = await verifyPackage(await openSource(ova), { trustStore: [pki.caCert] });
    assert.deepEqual(v.issues, []);
    assert.equal(v.signature?.trusted, true);
    // with the manifest at the end the writer reads each file once
    const ova2 = path.join(t.dir, 'end.ova');
    await writeFileAtomic(ova2, (out) => writeOva(out, d1, members, { manifest: { name: 'vm.mf', compute: 'SHA256', position: 'end' } }));
    assert.deepEqual(run('tar', ['-tf', ova2]).toString().trim().split('\n'), ['vm.ovf', 'disk1.vmdk', 'vm.mf']);
    assert.deepEqual((await verifyPackage(await openSource(ova2))).issues, []);
  });

  it('chunks and gzips a file while writing, and the result reads back through its References', async () => {
    const ova = path.join(t.dir, 'chunked.ova');
    const refsIn = { href: 'disk1.vmdk', id: 'file1' };
    const res = await writeFileAtomic(ova, (out) =>
      writeOva(out, { name: 'vm.ovf', bytes: Buffer.from(descriptorXml([refsIn])) }, [{ name: 'disk1.vmdk', size: pkg.disk1.length, open: () => Readable.from([pkg.disk1]), gzip: true, chunkSize: 1024 }], {
        manifest: { name: 'vm.mf', compute: 'SHA256' },
      }),
    );
    const stored = res.members.filter((m) => m.name.startsWith('disk1.vmdk.'));
    assert.ok(stored.length > 1);
    const total = stored.reduce((a, m) => a + m.size, 0);
    const src = await openSource(ova);
    const back = await bytesOf(await openFile(src, { ...refsIn, size: total, compression: 'gzip', chunkSize: 1024 }));
    assert.ok(back.equals(pkg.disk1));
  });

  it('leaves no output behind when writing fails', async () => {
    const ova = path.join(t.dir, 'fail.ova');
    const failing: OvaMember = { name: 'disk1.vmdk', size: 10, open: () => Readable.from([Buffer.alloc(3)]) };
    await assert.rejects(writeFileAtomic(ova, (out) => writeOva(out, { name: 'vm.ovf', bytes: Buffer.from('<x/>') }, [failing])), /ended after 3 of 10 bytes/);
    assert.deepEqual(fs.readdirSync(t.dir).filter((n) => n.includes('fail')), []);
  });
});

describe('package sources refuse what escapes the package', function () {
  this.timeout(30_000);
  let t: { dir: string; cleanup: () => void };
  before(() => {
    t = tempDir();
    fs.mkdirSync(path.join(t.dir, 'pkg'));
    fs.writeFileSync(path.join(t.dir, 'secret.txt'), 'secret');
    fs.writeFileSync(path.join(t.dir, 'pkg', 'vm.ovf'), descriptorXml([{ href: 'link.vmdk', id: 'f' }]));
    fs.symlinkSync(path.join(t.dir, 'secret.txt'), path.join(t.dir, 'pkg', 'link.vmdk'));
  });
  after(() => t.cleanup());

  for (const href of ['../secret.txt', '../../etc/passwd', 'a/../../secret.txt', '/etc/passwd', 'http://evil.example/x.vmdk', 'file:///etc/passwd', '%2e%2e/secret.txt', 'C:\\x.vmdk']) {
    it(`refuses the href ${JSON.stringify(href)}`, async () => {
      const src = await openSource(path.join(t.dir, 'pkg'));
      await assert.rejects(src.open(href), (e: unknown) => isOvfkitError(e) && e.code === 'UNSAFE_PATH');
      await assert.rejects(src.lend!(href), (e: unknown) => isOvfkitError(e) && e.code === 'UNSAFE_PATH');
      assert.throws(() => safeHref(href), /absolute|escapes|non-portable/);
    });
  }

  it('refuses a symbolic link in a package folder', async () => {
    const src = await openSource(path.join(t.dir, 'pkg'));
    await assert.rejects(src.open('link.vmdk'), /link.vmdk is a symbolic link/);
    await assert.rejects(src.lend!('link.vmdk'), /link.vmdk is a symbolic link/);
  });

  it('refuses a file reached through a symbolic link to a folder outside the package', async () => {
    fs.mkdirSync(path.join(t.dir, 'outside'));
    fs.writeFileSync(path.join(t.dir, 'outside', 'disk.vmdk'), 'outside');
    fs.symlinkSync(path.join(t.dir, 'outside'), path.join(t.dir, 'pkg', 'sub'));
    const src = await openSource(path.join(t.dir, 'pkg'));
    await assert.rejects(src.open('sub/disk.vmdk'), /leads out of the package through a symbolic link/);
    await assert.rejects(src.lend!('sub/disk.vmdk'), /leads out of the package through a symbolic link/);
  });
});

describe('a package folder lends its files as an OVA does', function () {
  this.timeout(30_000);
  let t: { dir: string; cleanup: () => void };
  // Over three 2 MiB reads, the last one short: the reused buffers must not mix pieces.
  const data = Buffer.alloc(5 * 1024 * 1024 + 123);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >>> 11)) & 0xff;
  before(() => {
    t = tempDir();
    fs.writeFileSync(path.join(t.dir, 'disk1.vmdk'), data);
    fs.writeFileSync(path.join(t.dir, 'vm.ovf'), descriptorXml([{ href: 'disk1.vmdk', id: 'f', size: data.length }]));
  });
  after(() => t.cleanup());

  it('lends the same bytes open() streams, in order, and a missing file is the same error', async () => {
    const src = await openSource(t.dir);
    const seen: Buffer[] = [];
    const lent = await src.lend!('disk1.vmdk');
    await lent((piece) => { seen.push(Buffer.from(piece)); });
    const streamed: Buffer[] = [];
    for await (const c of await src.open('disk1.vmdk')) streamed.push(c as Buffer);
    assert.deepEqual({ pieces: seen.length, equal: Buffer.concat(seen).equals(data), sameAsOpen: Buffer.concat(streamed).equals(data) }, { pieces: 3, equal: true, sameAsOpen: true });
    await assert.rejects(src.lend!('nope.vmdk'), (e: unknown) => isOvfkitError(e) && e.code === 'IO' && /nope.vmdk is referenced but not in the package/.test(e.message));
    await src.close();
  });

  it('verifies a folder through the lent reads: a good manifest holds, a changed byte is a mismatch', async () => {
    const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
    const ovf = fs.readFileSync(path.join(t.dir, 'vm.ovf'));
    fs.writeFileSync(path.join(t.dir, 'vm.mf'), `SHA256(vm.ovf)= ${sha(ovf)}\nSHA256(disk1.vmdk)= ${sha(data)}\n`);
    const good = await verifyPackage(await openSource(t.dir));
    assert.deepEqual({ ok: good.ok, issues: good.issues, bytesHashed: good.bytesHashed }, { ok: true, issues: [], bytesHashed: data.length });
    const bad = Buffer.from(data);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    fs.writeFileSync(path.join(t.dir, 'disk1.vmdk'), bad);
    const r = await verifyPackage(await openSource(t.dir));
    assert.deepEqual({ ok: r.ok, codes: r.issues.map((i) => i.code) }, { ok: false, codes: ['MF_DIGEST_MISMATCH'] });
    fs.writeFileSync(path.join(t.dir, 'disk1.vmdk'), data);
  });
});

describe('file checks while streaming', function () {
  this.timeout(30_000);
  let t: { dir: string; cleanup: () => void };
  before(() => {
    t = tempDir();
    fs.writeFileSync(path.join(t.dir, 'vm.ovf'), descriptorXml([]));
    fs.writeFileSync(path.join(t.dir, 'a.bin'), Buffer.alloc(1000, 1));
    fs.writeFileSync(path.join(t.dir, 'bad.gz'), Buffer.concat([gzipSync(Buffer.alloc(5000, 2)).subarray(0, 30), Buffer.alloc(40, 9)]));
    fs.writeFileSync(path.join(t.dir, 'c.bin.000000000'), Buffer.alloc(100));
    fs.writeFileSync(path.join(t.dir, 'c.bin.000000001'), Buffer.alloc(90));
    fs.writeFileSync(path.join(t.dir, 'c.bin.000000002'), Buffer.alloc(10));
  });
  after(() => t.cleanup());

  it('fails a file larger than its ovf:size as soon as the excess arrives', async () => {
    const src = await openSource(t.dir);
    await assert.rejects(bytesOf(await openFile(src, { href: 'a.bin', id: 'a', size: 999 })), /larger than its ovf:size of 999 bytes/);
  });
  it('fails a file smaller than its ovf:size at its end', async () => {
    const src = await openSource(t.dir);
    await assert.rejects(bytesOf(await openFile(src, { href: 'a.bin', id: 'a', size: 1001 })), /has 1000 bytes but its ovf:size says 1001/);
  });
  it('fails damaged gzip data with an integrity error naming the file', async () => {
    const src = await openSource(t.dir);
    await assert.rejects(bytesOf(await openFile(src, { href: 'bad.gz', id: 'g', compression: 'gzip' })), (e: unknown) => isOvfkitError(e) && e.code === 'INTEGRITY' && /bad\.gz: gzip data is damaged/.test(e.message));
  });
  it('fails a chunk that is shorter than ovf:chunkSize before the last one', async () => {
    const src = await openSource(t.dir);
    await assert.rejects(bytesOf(await openFile(src, { href: 'c.bin', id: 'c', size: 250, chunkSize: 100 })), /c\.bin\.000000001 has 90 bytes; every chunk of c\.bin but the last must have ovf:chunkSize 100/);
  });
  it('refuses an unknown compression', async () => {
    const src = await openSource(t.dir);
    await assert.rejects(openFile(src, { href: 'a.bin', id: 'a', compression: 'bzip2' }), /"bzip2" is not supported/);
  });
});

describe('package verification reports', function () {
  this.timeout(60_000);
  let t: { dir: string; cleanup: () => void };
  before(() => (t = tempDir()));
  after(() => t.cleanup());

  itCorpus('finds the mismatch in the corpus wrong_manifest.mf (Ganeti) and the disk that is not there', async () => {
    const v = await verifyPackage(await openSource(path.join(corpusRoot, 'ovf/ganeti/wrong_manifest.ovf')));
    assert.deepEqual(codes(v), ['warning:MF_SHA1', 'warning:MF_SHA1', 'error:MF_FILE_NOT_FOUND', 'error:MF_DIGEST_MISMATCH']);
    const mismatch = v.issues.find((i) => i.code === 'MF_DIGEST_MISMATCH');
    assert.equal(mismatch?.path, 'wrong_manifest.mf:2');
    assert.equal(mismatch?.allowed, '0500304662fb8a6a7965b5a43bc0e05d6a03720d');
    assert.equal(mismatch?.value, '0b26c624c910c234b6e4c5449e3801ef1d1c99ae');
  });

  itCorpus('accepts the descriptor digest of the corpus ganeti.mf and reports only the absent disk', async () => {
    const v = await verifyPackage(await openSource(path.join(corpusRoot, 'ovf/ganeti/ganeti.ovf')));
    assert.deepEqual(codes(v), ['warning:MF_SHA1', 'warning:MF_SHA1', 'error:MF_FILE_NOT_FOUND']);
    assert.deepEqual(v.manifest?.checked.map((c) => [c.name, c.ok]), [['ganeti.ovf', true], ['new_disk.vmdk', false]]);
  });

  it('reports a file whose size differs from ovf:size, a tampered disk and a file missing from the manifest', async () => {
    const dir = path.join(t.dir, 'bad');
    fs.mkdirSync(dir);
    const pkg = buildPackage(dir);
    const mf = fs.readFileSync(path.join(dir, 'vm.mf'), 'utf8').split('\n').filter((l) => !l.includes('blob.bin.000000002')).join('\n');
    fs.writeFileSync(path.join(dir, 'vm.mf'), mf);
    fs.writeFileSync(path.join(dir, 'disk1.vmdk'), Buffer.concat([pkg.disk1, Buffer.from('x')]));
    const v = await verifyPackage(await openSource(dir));
    assert.deepEqual(codes(v), ['error:FILE_SIZE_MISMATCH', 'error:MF_DIGEST_MISMATCH', 'error:MF_MISSING_ENTRY']);
    assert.equal(v.issues[0]?.value, String(pkg.disk1.length + 1));
    assert.equal(v.issues[2]?.value, 'blob.bin.000000002');
  });

  it('warns about an OVA whose files are out of References order and errors when the descriptor is not first', async () => {
    const dir = path.join(t.dir, 'order');
    fs.mkdirSync(dir);
    buildPackage(dir);
    const ova = path.join(t.dir, 'order.ova');
    run('tar', ['--format=ustar', '-cf', ova, 'vm.ovf', 'vm.mf', 'disk2.vmdk', 'disk1.vmdk', 'blob.bin.000000000', 'blob.bin.000000001', 'blob.bin.000000002'], dir);
    const v = await verifyPackage(await openSource(ova));
    assert.deepEqual(codes(v), ['warning:OVA_FILE_ORDER']);
    assert.match(v.issues[0]?.message ?? '', /cannot be imported in one sequential pass/);
    await assert.rejects(
      (async () => {
        for await (const f of filesInOrder(await openSource(ova), readReferences(fs.readFileSync(path.join(dir, 'vm.ovf'))))) await bytesOf(f.stream);
      })(),
      /disk2\.vmdk comes before disk1\.vmdk in the OVA, against References order: it cannot be read in one pass/,
    );
    const refs = readReferences(fs.readFileSync(path.join(dir, 'vm.ovf'), 'utf8'));
    assert.deepEqual(
      checkOvaLayout(['disk1.vmdk', 'vm.ovf', 'extra.txt', 'vm.mf'], refs.slice(0, 1), { sequentialOnly: true }).map((i) => `${i.severity}:${i.code}`),
      ['error:OVA_DESCRIPTOR_NOT_FIRST', 'warning:OVA_EXTRA_FILE'],
    );
    assert.deepEqual(
      checkOvaLayout(['vm.ovf', 'disk2.vmdk', 'disk1.vmdk'], refs.slice(0, 2), { sequentialOnly: true }).map((i) => `${i.severity}:${i.code}`),
      ['error:OVA_FILE_ORDER'],
    );
  });
});
