/**
 * Hostile packages, one class of input per block: metadata that would grow memory without bound
 * (pax records, long names, runs of small members before the first disk), chunk sets with a gap,
 * gzip members that inflate past their disk, manifests that list a file twice, and package files
 * reached through symbolic links. Each asserts the clear error naming its bound or its file.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { isOvfkitError } from '@ovfkit/core';
import { filesInOrder, openFile, storedNames } from './files';
import { descriptorXml, rawTar, rawTarHeader, tempDir } from './fixtures.test.support';
import { usableManifest } from './manifest';
import { writeOva, type OvaMember } from './ova';
import { readReferences, type FileReference } from './references';
import { openSource, MAX_METADATA_MEMBERS } from './source';
import { paxRecord, readTar, TAR_LIMITS, tarHeader, tarPadding, tarTrailer } from './tar';
import { verifyPackage } from './verify';

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

async function rejectsWith(p: Promise<unknown> | (() => Promise<unknown>), code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isOvfkitError(e), `not an OvfkitError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  });
}

async function drain(input: AsyncIterable<Buffer> | Readable): Promise<string[]> {
  const names: string[] = [];
  for await (const e of readTar(input)) {
    names.push(e.name);
    for await (const _ of e.stream) void _;
  }
  return names;
}

/** A pax `x` (or `g`) member whose data is `data`, padded. */
function paxMember(data: Buffer, flag = 'x'): Buffer {
  return Buffer.concat([rawTarHeader('PaxHeaders/x', data.length, flag), data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

/** An endless archive produced lazily, counting the bytes the reader pulled. */
function endless(first: Buffer[], repeat: () => Buffer): { stream: AsyncIterable<Buffer>; pulled: () => number } {
  let pulled = 0;
  return {
    pulled: () => pulled,
    stream: (async function* () {
      for (const b of first) {
        pulled += b.length;
        yield b;
      }
      for (;;) {
        const b = repeat();
        pulled += b.length;
        yield b;
      }
    })(),
  };
}

describe('hostile archives: metadata is bounded', function () {
  this.timeout(60_000);

  it('a run of pax x records before one member stops at the per-member bound, having read about that much', async () => {
    // 64 KiB records with distinct keys, forever: the old reader merged them until memory ran out.
    let n = 0;
    const src = endless([], () => paxMember(paxRecord(`k${n++}`, 'v'.repeat(64 * 1024 - 20))));
    await rejectsWith(drain(src.stream), 'INPUT_TOO_LARGE', /pax \/ long-name records before one member total more than 1048576 bytes.*TAR_LIMITS\.metaBytesPerMember/);
    assert.ok(src.pulled() < 2 * TAR_LIMITS.metaBytesPerMember, `pulled ${src.pulled()} bytes`);
  });

  it('many small pax records (each tiny, distinct keys) stop at the record-count bound', async () => {
    let n = 0;
    const src = endless([], () => paxMember(paxRecord(`key${n++}`, 'x')));
    await rejectsWith(drain(src.stream), 'INPUT_TOO_LARGE', /more than 64 pax \/ long-name records before one member.*TAR_LIMITS\.metaRecordsPerMember/);
  });

  it('pax g records are bounded over the whole archive, not per member', async () => {
    // Each g record is followed by a real member (so the per-member counters reset), yet g stays in force.
    let n = 0;
    const src = endless([], () => Buffer.concat([paxMember(paxRecord(`g${n}`, 'v'.repeat(200 * 1024)), 'g'), rawTarHeader(`f${n++}.txt`, 0)]));
    await rejectsWith(drain(src.stream), 'INPUT_TOO_LARGE', /pax global records total more than 1048576 bytes.*TAR_LIMITS\.globalMetaBytes/);
  });

  it('a member name longer than PATH_MAX (through pax path or a GNU long name) is refused', async () => {
    const long = 'a/'.repeat(2100) + 'disk.vmdk';
    await rejectsWith(drain(Readable.from([Buffer.concat([paxMember(paxRecord('path', long)), rawTarHeader('x', 0), Buffer.alloc(1024)])])), 'INPUT_TOO_LARGE', /member name of 4209 bytes.*TAR_LIMITS\.nameBytes/);
    const gnu = Buffer.from(long + '\0');
    await rejectsWith(drain(Readable.from([Buffer.concat([paxMember(gnu, 'L'), rawTarHeader('x', 0), Buffer.alloc(1024)])])), 'INPUT_TOO_LARGE', /TAR_LIMITS\.nameBytes/);
  });

  it('an archive that arrives one byte at a time is read in linear time (a 512 KiB pax record)', async () => {
    // The reader used to concatenate its buffer with every incoming chunk: quadratic in the record.
    const big = paxRecord('comment', 'c'.repeat(512 * 1024 - 30));
    const archive = Buffer.concat([paxMember(big), rawTarHeader('vm.ovf', 3), Buffer.from('abc'), Buffer.alloc(509), Buffer.alloc(1024)]);
    const bytes = (function* () {
      for (let i = 0; i < archive.length; i++) yield archive.subarray(i, i + 1);
    })();
    assert.deepEqual(await drain(Readable.from(bytes, { objectMode: true })), ['vm.ovf']);
  });
});

/** A server that streams a tar without Range support: `body` is written as the client reads. */
async function serve(body: () => AsyncIterable<Buffer>): Promise<{ url: string; sent: () => number; close(): Promise<void> }> {
  let sent = 0;
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-tar' });
    const out = Readable.from(body());
    out.on('data', (b: Buffer) => {
      sent += b.length;
      if (!res.write(b)) out.pause();
    });
    res.on('drain', () => out.resume());
    res.on('close', () => out.destroy());
    out.on('end', () => res.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/vm.ova`;
  return {
    url,
    sent: () => sent,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

describe('hostile archives: an .ova URL without Range buffers a bounded head', function () {
  this.timeout(60_000);
  const ovf = Buffer.from(descriptorXml([{ href: 'disk.vmdk', id: 'f1' }]));

  it('an endless run of .cert members after the descriptor stops at MAX_METADATA_MEMBERS', async () => {
    const cert = Buffer.alloc(64 * 1024, 0x41);
    let n = 0;
    const s = await serve(async function* () {
      yield Buffer.concat([tarHeader('vm.ovf', ovf.length), ovf, tarPadding(ovf.length)]);
      for (;;) yield Buffer.concat([tarHeader(`c${n++}.cert`, cert.length), cert]);
    });
    try {
      await rejectsWith(openSource(s.url, {}), 'INPUT_TOO_LARGE', new RegExp(`more than ${MAX_METADATA_MEMBERS} descriptor, manifest or certificate members before its first disk \\(bound: MAX_METADATA_MEMBERS\\)`));
    } finally {
      await s.close();
    }
    // What the server managed to push is the bounded head plus socket buffers, not the endless run.
    assert.ok(s.sent() < 32 * 1024 * 1024, `server sent ${s.sent()} bytes`);
  });

  it('large .mf/.cert members together stop at maxMetadataBytes, named', async () => {
    const cert = Buffer.alloc(40 * 1024, 0x42);
    const s = await serve(async function* () {
      yield Buffer.concat([tarHeader('vm.ovf', ovf.length), ovf, tarPadding(ovf.length)]);
      for (let i = 0; i < 4; i++) yield Buffer.concat([tarHeader(`c${i}.cert`, cert.length), cert]);
      yield tarTrailer();
    });
    try {
      await rejectsWith(openSource(s.url, { maxMetadataBytes: 100 * 1024 }), 'INPUT_TOO_LARGE', /total more than 102400 bytes before its first disk \(bound: maxMetadataBytes\)/);
    } finally {
      await s.close();
    }
  });
});

describe('hostile packages: chunk sets with a gap are never a short file', function () {
  this.timeout(60_000);
  let t: ReturnType<typeof tempDir>;
  const chunk = 4096;
  const parts = [Buffer.alloc(chunk, 1), Buffer.alloc(chunk, 2), Buffer.alloc(100, 3)];
  const ref: FileReference = { href: 'blob.bin', id: 'f1', chunkSize: chunk };
  before(() => {
    t = tempDir();
    const dir = path.join(t.dir, 'gap');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'vm.ovf'), descriptorXml([{ href: 'blob.bin', id: 'f1', chunkSize: chunk }]));
    fs.writeFileSync(path.join(dir, 'blob.bin.000000000'), parts[0]!);
    fs.writeFileSync(path.join(dir, 'blob.bin.000000002'), parts[2]!);
    const ovf = fs.readFileSync(path.join(dir, 'vm.ovf'));
    fs.writeFileSync(path.join(t.dir, 'gap.ova'), rawTar([{ name: 'vm.ovf', data: ovf }, { name: 'blob.bin.000000000', data: parts[0]! }, { name: 'blob.bin.000000002', data: parts[2]! }]));
  });
  after(() => t.cleanup());

  const missing = /chunk blob\.bin\.000000001 of blob\.bin is missing/;

  it('a folder: storedNames and openFile refuse the gap, verifyPackage reports FILE_CHUNK_MISSING', async () => {
    const src = await openSource(path.join(t.dir, 'gap'));
    await rejectsWith(storedNames(src, ref), 'INTEGRITY', missing);
    await rejectsWith(openFile(src, ref), 'INTEGRITY', missing);
    const v = await verifyPackage(src);
    assert.deepEqual(v.issues.map((i) => `${i.severity}:${i.code}`), ['error:FILE_CHUNK_MISSING']);
  });

  it('a local .ova: the member index shows the gap', async () => {
    const src = await openSource(path.join(t.dir, 'gap.ova'));
    await rejectsWith(storedNames(src, ref), 'INTEGRITY', missing);
    const v = await verifyPackage(src);
    assert.deepEqual(v.issues.map((i) => `${i.severity}:${i.code}`), ['error:FILE_CHUNK_MISSING']);
  });

  it('an .ova read in one pass: filesInOrder fails on the chunk after the gap', async () => {
    const bytes = fs.readFileSync(path.join(t.dir, 'gap.ova'));
    const s = await serve(async function* () {
      yield bytes;
    });
    try {
      const src = await openSource(s.url, {});
      assert.equal(src.sequentialOnly, true);
      await rejectsWith(async () => {
        for await (const f of filesInOrder(src, [ref])) for await (const _ of f.stream) void _;
      }, 'INTEGRITY', missing);
    } finally {
      await s.close();
    }
  });

  it('a folder over HTTP (no listing): the probe past the last chunk finds the gap', async () => {
    const dir = path.join(t.dir, 'gap');
    const server = http.createServer((req, res) => {
      const file = path.join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      if (!fs.existsSync(file)) return void res.writeHead(404).end();
      const body = fs.readFileSync(file);
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const src = await openSource(`http://127.0.0.1:${(server.address() as AddressInfo).port}/vm.ovf`, {});
      await rejectsWith(storedNames(src, ref), 'INTEGRITY', missing);
    } finally {
      server.close();
    }
  });
});

describe('hostile packages: gzip that inflates past its disk', function () {
  this.timeout(60_000);
  let t: ReturnType<typeof tempDir>;
  before(() => (t = tempDir()));
  after(() => t.cleanup());

  it('a 1 MiB disk whose gzip file inflates to 8 MiB is refused while it streams', async () => {
    const dir = path.join(t.dir, 'bomb');
    fs.mkdirSync(dir);
    const gz = gzipSync(Buffer.alloc(8 << 20));
    fs.writeFileSync(path.join(dir, 'disk.vmdk'), gz);
    fs.writeFileSync(
      path.join(dir, 'vm.ovf'),
      `<?xml version="1.0"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References><File ovf:href="disk.vmdk" ovf:id="file1" ovf:size="${gz.length}" ovf:compression="gzip"/></References>
  <DiskSection><Info>disks</Info><Disk ovf:diskId="d1" ovf:fileRef="file1" ovf:capacity="1" ovf:capacityAllocationUnits="byte * 2^20"/></DiskSection>
  <VirtualSystem ovf:id="vm"><Info>test</Info></VirtualSystem>
</Envelope>
`,
    );
    const src = await openSource(dir);
    const [ref] = readReferences((await src.descriptor()).bytes);
    assert.deepEqual(ref, { href: 'disk.vmdk', id: 'file1', size: gz.length, compression: 'gzip', capacityBytes: 1 << 20 });
    let got = 0;
    await rejectsWith(async () => {
      for await (const c of await openFile(src, ref!)) got += (c as Buffer).length;
    }, 'INTEGRITY', /disk\.vmdk inflates to more than 2113536 bytes, beyond what its disk's capacity of 1048576 bytes can hold \(bound: inflatedLimit\)/);
    assert.ok(got <= 2113536, `${got} bytes came through`);
  });
});

describe('hostile packages: manifests that list a file twice, or that a pack would ship wrong', function () {
  it('usableManifest refuses a file listed twice with different digests (the rule import uses)', () => {
    const text = `SHA256(vm.ovf)= ${'a'.repeat(64)}\nSHA256(disk.vmdk)= ${'b'.repeat(64)}\nSHA256(disk.vmdk)= ${'c'.repeat(64)}\n`;
    assert.throws(() => usableManifest(text, 'vm.mf'), (e: unknown) => isOvfkitError(e) && e.code === 'INTEGRITY' && /vm\.mf cannot be trusted \(1 error\): MF_DUPLICATE_ENTRY at vm\.mf:3: disk\.vmdk is listed twice in vm\.mf \(lines 2 and 3\)/.test(e.message));
    assert.throws(() => usableManifest('garbage\n', 'vm.mf'), /MF_MALFORMED_LINE at vm\.mf:1/);
  });

  const descriptor = { name: 'vm.ovf', bytes: Buffer.from('<Envelope/>') };
  const disk = Buffer.from('disk bytes');
  const members: OvaMember[] = [{ name: 'disk.vmdk', size: disk.length, open: () => Readable.from([disk]) }];
  const written = (): { out: PassThrough; bytes: () => number } => {
    const out = new PassThrough();
    let n = 0;
    out.on('data', (b: Buffer) => (n += b.length));
    return { out, bytes: () => n };
  };

  it('writeOva refuses a given manifest that omits the disk, before writing any file data', async () => {
    const w = written();
    await rejectsWith(writeOva(w.out, descriptor, members, { manifest: { name: 'vm.mf', bytes: Buffer.from(`SHA256(vm.ovf)= ${sha256(descriptor.bytes)}\n`) } }), 'INTEGRITY', /vm\.mf does not match the files being packed: it does not list disk\.vmdk/);
    assert.ok(w.bytes() <= 1024, `${w.bytes()} bytes written`);
  });

  it('writeOva refuses a given manifest that is garbage or lists a file not packed', async () => {
    await rejectsWith(writeOva(written().out, descriptor, members, { manifest: { name: 'vm.mf', bytes: Buffer.from('this is not a manifest\n') } }), 'INTEGRITY', /vm\.mf cannot be trusted.*MF_MALFORMED_LINE/);
    const extra = `SHA256(vm.ovf)= ${sha256(descriptor.bytes)}\nSHA256(disk.vmdk)= ${sha256(disk)}\nSHA256(other.iso)= ${'0'.repeat(64)}\n`;
    await rejectsWith(writeOva(written().out, descriptor, members, { manifest: { name: 'vm.mf', bytes: Buffer.from(extra) } }), 'INTEGRITY', /it lists other\.iso, which is not being packed/);
  });
});

describe('hostile packages: package files through symbolic links', function () {
  let t: ReturnType<typeof tempDir>;
  before(() => {
    t = tempDir();
    fs.mkdirSync(path.join(t.dir, 'pkg'));
    fs.writeFileSync(path.join(t.dir, 'secret.txt'), 'SHA256(root)= not yours\n');
    fs.writeFileSync(path.join(t.dir, 'pkg', 'vm.ovf'), descriptorXml([]));
    fs.symlinkSync(path.join(t.dir, 'secret.txt'), path.join(t.dir, 'pkg', 'vm.mf'));
    fs.mkdirSync(path.join(t.dir, 'pkg2'));
    fs.symlinkSync(path.join(t.dir, 'pkg', 'vm.ovf'), path.join(t.dir, 'pkg2', 'vm.ovf'));
    fs.mkdirSync(path.join(t.dir, 'pkg3'));
    fs.writeFileSync(path.join(t.dir, 'pkg3', 'vm.ovf'), descriptorXml([]));
    fs.symlinkSync(path.join(t.dir, 'secret.txt'), path.join(t.dir, 'pkg3', 'vm.cert'));
  });
  after(() => t.cleanup());

  it('a .mf, .cert or .ovf that is a symbolic link is refused, not read', async () => {
    const src = await openSource(path.join(t.dir, 'pkg'));
    await rejectsWith(src.manifest(), 'UNSAFE_PATH', /vm\.mf is a symbolic link/);
    await rejectsWith(verifyPackage(src), 'UNSAFE_PATH', /vm\.mf is a symbolic link/);
    await rejectsWith((await openSource(path.join(t.dir, 'pkg2'))).descriptor(), 'UNSAFE_PATH', /vm\.ovf is a symbolic link/);
    await rejectsWith((await openSource(path.join(t.dir, 'pkg3'))).certificate(), 'UNSAFE_PATH', /vm\.cert is a symbolic link/);
  });
});
