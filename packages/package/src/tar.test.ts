import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { isOvfkitError } from '@ovfkit/core';
import { rawTar, rawTarHeader, run, tempDir } from './fixtures.test.support';
import { indexTar, readTar, safeMemberName, tarHeader, tarPadding, tarTrailer } from './tar';

async function readAll(archive: Buffer | Readable): Promise<{ name: string; data: Buffer }[]> {
  const input = Buffer.isBuffer(archive) ? Readable.from([archive]) : archive;
  const out: { name: string; data: Buffer }[] = [];
  for await (const e of readTar(input)) {
    const chunks: Buffer[] = [];
    for await (const c of e.stream) chunks.push(c as Buffer);
    out.push({ name: e.name, data: Buffer.concat(chunks) });
  }
  return out;
}

/** Reads a local archive positionally: members alternately by `visit` (pieces copied) and by `stream`. */
async function readFileAll(file: string): Promise<{ name: string; data: Buffer }[]> {
  const out: { name: string; data: Buffer }[] = [];
  const kept: Buffer[][] = [];
  let i = 0;
  for await (const e of readTar({ file })) {
    const chunks: Buffer[] = [];
    if (i++ % 2 === 0) await e.visit((piece) => chunks.push(Buffer.from(piece)));
    else for await (const c of e.stream) chunks.push(c as Buffer);
    kept.push(chunks);
    out.push({ name: e.name, data: Buffer.alloc(0) });
  }
  // Joined only after the whole pass: a streamed piece must not have been overwritten by a later read.
  for (const [k, o] of out.entries()) o.data = Buffer.concat(kept[k] ?? []);
  return out;
}

async function index(archive: Buffer): Promise<{ name: string; size: number }[]> {
  const h = await indexTar(async (o, l) => archive.subarray(o, o + l), archive.length);
  return h.map(({ name, size }) => ({ name, size }));
}

async function rejects(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isOvfkitError(e), `expected an OvfkitError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('tar reader over archives made by GNU tar', () => {
  const longDir = 'd'.repeat(60) + '/' + 'e'.repeat(70);
  const longName = `${longDir}/${'f'.repeat(90)}.vmdk`; // 251 bytes: beyond ustar's prefix+name split only with pax/GNU
  const splitName = `${'p'.repeat(120)}/${'n'.repeat(80)}.vmdk`; // fits ustar's prefix (155) + name (100)
  let t: { dir: string; cleanup: () => void };
  const files: Record<string, Buffer> = {};
  before(() => {
    t = tempDir();
    const src = path.join(t.dir, 'src');
    fs.mkdirSync(path.join(src, longDir), { recursive: true });
    fs.mkdirSync(path.join(src, splitName.split('/')[0] ?? ''), { recursive: true });
    files['vm.ovf'] = Buffer.from('<Envelope/>\n');
    files['disk1.vmdk'] = Buffer.alloc(700_000, 7);
    files['empty.iso'] = Buffer.alloc(0);
    files[longName] = Buffer.from('long name content');
    files[splitName] = Buffer.alloc(513, 1);
    for (const [n, d] of Object.entries(files)) fs.writeFileSync(path.join(src, n), d);
  });
  after(() => t.cleanup());

  for (const format of ['gnu', 'pax', 'ustar'] as const) {
    it(`reads every member of a --format=${format} archive sequentially and by index, byte for byte`, async () => {
      const names = format === 'ustar' ? Object.keys(files).filter((n) => n !== longName) : Object.keys(files);
      const tarFile = path.join(t.dir, `${format}.tar`);
      run('tar', [`--format=${format}`, '--no-recursion', '-cf', tarFile, ...names], path.join(t.dir, 'src'));
      const archive = fs.readFileSync(tarFile);
      const seq = await readAll(fs.createReadStream(tarFile, { highWaterMark: 1000 }));
      assert.deepEqual(seq.map((e) => e.name), names);
      for (const e of seq) assert.ok(e.data.equals(files[e.name] ?? Buffer.alloc(1)), `${e.name} differs`);
      assert.deepEqual(await index(archive), names.map((n) => ({ name: n, size: files[n]?.length })));
    });
  }

  it('reads a local archive positionally, by visit and by stream, byte for byte across many reads', async () => {
    // Members of several read sizes (1 MiB) with varied bytes, unaligned to the reads.
    const big = (n: number, seed: number): Buffer => {
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = (i * 31 + seed + (i >> 12)) & 0xff;
      return b;
    };
    const members: Record<string, Buffer> = { 'a.vmdk': big(2_500_001, 1), 'b.vmdk': big(3_145_728, 2), 'c.ovf': Buffer.from('<Envelope/>'), 'd.vmdk': big(1_048_577, 3), 'e.iso': big(4_000_000, 4) };
    const src = path.join(t.dir, 'big');
    fs.mkdirSync(src, { recursive: true });
    for (const [n, d] of Object.entries(members)) fs.writeFileSync(path.join(src, n), d);
    const tarFile = path.join(t.dir, 'big.tar');
    run('tar', ['--format=pax', '-cf', tarFile, ...Object.keys(members)], src);
    const got = await readFileAll(tarFile);
    assert.deepEqual(got.map((e) => e.name), Object.keys(members));
    for (const e of got) assert.ok(e.data.equals(members[e.name] ?? Buffer.alloc(1)), `${e.name} differs`);
  });

  it('refuses to read one member both by stream and by visit', async () => {
    const tarFile = path.join(t.dir, 'twice.tar');
    run('tar', ['--format=gnu', '-cf', tarFile, 'disk1.vmdk'], path.join(t.dir, 'src'));
    for await (const e of readTar({ file: tarFile })) {
      for await (const _ of e.stream) break;
      await rejects(e.visit(() => undefined), 'USAGE', /already read/);
    }
  });

  it('skips members the consumer does not read and still yields the next one intact', async () => {
    const tarFile = path.join(t.dir, 'skip.tar');
    run('tar', ['--format=gnu', '-cf', tarFile, 'disk1.vmdk', 'vm.ovf'], path.join(t.dir, 'src'));
    const seen: string[] = [];
    for await (const e of readTar(fs.createReadStream(tarFile, { highWaterMark: 4096 }))) {
      seen.push(e.name);
      if (e.name === 'disk1.vmdk') {
        // read only the first chunk, then move on
        for await (const _ of e.stream) break;
      } else {
        const chunks: Buffer[] = [];
        for await (const c of e.stream) chunks.push(c as Buffer);
        assert.equal(Buffer.concat(chunks).toString(), '<Envelope/>\n');
      }
    }
    assert.deepEqual(seen, ['disk1.vmdk', 'vm.ovf']);
  });
});

describe('tar reader on hostile archives', () => {
  const data = Buffer.from('payload');
  const cases: { title: string; archive: () => Buffer; code: string; message: RegExp }[] = [
    { title: 'a member climbing out with ..', archive: () => rawTar([{ name: '../../etc/passwd', data }]), code: 'UNSAFE_PATH', message: /escapes the archive/ },
    { title: 'a member with .. in the middle', archive: () => rawTar([{ name: 'a/../../b', data }]), code: 'UNSAFE_PATH', message: /escapes/ },
    { title: 'an absolute member path', archive: () => rawTar([{ name: '/etc/cron.d/x', data }]), code: 'UNSAFE_PATH', message: /absolute/ },
    { title: 'a Windows drive path', archive: () => rawTar([{ name: 'C:/x.vmdk', data }]), code: 'UNSAFE_PATH', message: /absolute or non-portable/ },
    { title: 'a symbolic link', archive: () => rawTar([{ name: 'disk.vmdk', type: '2', linkname: '/etc/shadow' }]), code: 'UNSAFE_PATH', message: /symbolic link/ },
    { title: 'a hard link', archive: () => rawTar([{ name: 'disk.vmdk', type: '1', linkname: 'x' }]), code: 'UNSAFE_PATH', message: /hard link/ },
    { title: 'a character device', archive: () => rawTar([{ name: 'zero', type: '3' }]), code: 'UNSAFE_PATH', message: /device or FIFO/ },
    { title: 'a FIFO', archive: () => rawTar([{ name: 'pipe', type: '6' }]), code: 'UNSAFE_PATH', message: /device or FIFO/ },
    { title: 'a duplicate member', archive: () => rawTar([{ name: 'a.vmdk', data }, { name: './a.vmdk', data }]), code: 'INTEGRITY', message: /duplicate member "a.vmdk"/ },
    { title: 'an archive cut inside a member', archive: () => rawTar([{ name: 'a.vmdk', data: Buffer.alloc(2000) }]).subarray(0, 1200), code: 'INTEGRITY', message: /cut short|truncated/ },
    { title: 'an archive without its end marker', archive: () => rawTar([{ name: 'a.vmdk', data }], false), code: 'INTEGRITY', message: /without the end-of-archive marker/ },
    { title: 'a size that claims more than the archive holds', archive: () => rawTar([{ name: 'a.vmdk', data, size: 1 << 20 }]), code: 'INTEGRITY', message: /cut short|claims|truncated/ },
    {
      title: 'a size that claims less than the data (the next header is garbage)',
      archive: () => Buffer.concat([rawTarHeader('a.vmdk', 10), Buffer.alloc(1024, 0x41), Buffer.alloc(1024)]),
      code: 'INTEGRITY',
      message: /checksum mismatch/,
    },
    { title: 'a corrupt header checksum', archive: () => { const b = rawTar([{ name: 'a.vmdk', data }]); b[0] = 0x42; return b; }, code: 'INTEGRITY', message: /checksum mismatch/ },
    { title: 'a non-octal size', archive: () => { const h = rawTarHeader('a', 0); h.write('12x45678901\0', 124, 12, 'latin1'); return fixChecksum(Buffer.concat([h, Buffer.alloc(1024)])); }, code: 'INTEGRITY', message: /not octal/ },
  ];
  for (const c of cases) {
    it(`refuses ${c.title} when reading sequentially`, async () => {
      await rejects(readAll(c.archive()), c.code, c.message);
    });
    it(`refuses ${c.title} when reading a local file positionally`, async () => {
      const t = tempDir();
      try {
        const file = path.join(t.dir, 'hostile.tar');
        fs.writeFileSync(file, c.archive());
        await rejects(readFileAll(file), c.code, c.message);
      } finally {
        t.cleanup();
      }
    });
    it(`refuses ${c.title} when indexing`, async () => {
      await rejects(index(c.archive()), c.code, c.message);
    });
  }

  it('refuses a symbolic link and a device archived by GNU tar itself', async () => {
    const t = tempDir();
    try {
      fs.writeFileSync(path.join(t.dir, 'vm.ovf'), '<Envelope/>');
      fs.symlinkSync('/etc/passwd', path.join(t.dir, 'disk.vmdk'));
      run('tar', ['-cf', path.join(t.dir, 'link.tar'), 'vm.ovf', 'disk.vmdk'], t.dir);
      await rejects(readAll(fs.readFileSync(path.join(t.dir, 'link.tar'))), 'UNSAFE_PATH', /"disk.vmdk" is a symbolic link/);
      run('tar', ['-cf', path.join(t.dir, 'dev.tar'), '-C', '/', 'dev/null']);
      await rejects(readAll(fs.readFileSync(path.join(t.dir, 'dev.tar'))), 'UNSAFE_PATH', /"dev\/null" is a device or FIFO/);
      run('tar', ['-cPf', path.join(t.dir, 'abs.tar'), path.join(t.dir, 'vm.ovf')]);
      await rejects(readAll(fs.readFileSync(path.join(t.dir, 'abs.tar'))), 'UNSAFE_PATH', /absolute/);
    } finally {
      t.cleanup();
    }
  });

  it('refuses a pax path that climbs out even though the ustar name is harmless', async () => {
    const body = ' path=../../../etc/passwd\n';
    const rec = Buffer.from(`${body.length + 2}${body}`);
    const archive = Buffer.concat([rawTarHeader('PaxHeaders/x', rec.length, 'x'), rec, Buffer.alloc(512 - rec.length), rawTar([{ name: 'harmless.vmdk', data }])]);
    await rejects(readAll(archive), 'UNSAFE_PATH', /escapes the archive/);
  });

  it('refuses a GNU long name that is absolute', async () => {
    const name = Buffer.from('/tmp/owned\0');
    const archive = Buffer.concat([rawTarHeader('././@LongLink', name.length, 'L'), name, Buffer.alloc(512 - name.length), rawTar([{ name: 'x', data }])]);
    await rejects(readAll(archive), 'UNSAFE_PATH', /absolute/);
  });
});

function fixChecksum(archive: Buffer): Buffer {
  archive.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += archive[i] ?? 0;
  archive.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return archive;
}

describe('tar writer', () => {
  it('writes headers GNU tar lists and extracts, with pax records only for names ustar cannot hold', () => {
    const t = tempDir();
    try {
      const long = `${'x'.repeat(120)}.vmdk`;
      const parts: Buffer[] = [];
      for (const [name, body] of [['vm.ovf', Buffer.from('<Envelope/>')], [long, Buffer.alloc(1000, 3)]] as const) {
        parts.push(tarHeader(name, body.length), body, tarPadding(body.length));
      }
      parts.push(tarTrailer());
      const file = path.join(t.dir, 'w.tar');
      fs.writeFileSync(file, Buffer.concat(parts));
      assert.deepEqual(run('tar', ['-tf', file]).toString().trim().split('\n'), ['vm.ovf', long]);
      assert.equal(run('tar', ['-xOf', file, 'vm.ovf']).toString(), '<Envelope/>');
      assert.equal(tarHeader('vm.ovf', 5).length, 512, 'a short name needs one plain ustar block');
    } finally {
      t.cleanup();
    }
  });

  it('refuses to write an unsafe member name', () => {
    assert.throws(() => tarHeader('../x', 1), /escapes/);
    assert.equal(safeMemberName('./a//b'), 'a/b');
  });
});

/** A real ZIP archive (stored, one member), as `zip` writes it: local header, data, central directory, end record. */
function zipOf(name: string, data: Buffer): Buffer {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  crc = ~crc >>> 0;
  const n = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(n.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + n.length, 12);
  end.writeUInt32LE(30 + n.length + data.length, 16);
  return Buffer.concat([local, n, data, central, n, end]);
}

describe('tar reader on files of another format named .ova (issue 15)', () => {
  const ovf = Buffer.from(`<?xml version="1.0"?><Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1">${' '.repeat(600)}</Envelope>`);
  const tail = 'an OVA is an uncompressed tar (DSP0243 §5.3)';
  const cases: { title: string; archive: () => Buffer; message: string }[] = [
    { title: 'a ZIP of a package', archive: () => zipOf('appliance.ovf', ovf), message: `tar archive: this is a ZIP archive, not a tar archive; ${tail}: extract it (unzip) and use the folder with the .ovf inside, or make an OVA of that folder with "ovfkit ova pack"` },
    { title: 'a ZIP shorter than one tar block', archive: () => zipOf('a.ovf', Buffer.from('<Envelope/>')), message: `tar archive: this is a ZIP archive, not a tar archive; ${tail}: extract it (unzip) and use the folder with the .ovf inside, or make an OVA of that folder with "ovfkit ova pack"` },
    { title: 'an empty ZIP', archive: () => zipOf('x', Buffer.alloc(0)).subarray(-22), message: `tar archive: this is an empty ZIP archive, not a tar archive; ${tail}: it holds no package` },
    { title: 'a gzip-compressed OVA', archive: () => zlib.gzipSync(rawTar([{ name: 'a.ovf', data: ovf }])), message: `tar archive: this is gzip-compressed, not a tar archive; ${tail}: decompress it first (gunzip -c <file> > appliance.ova); the tar inside is the OVA` },
    { title: 'xz magic bytes', archive: () => Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(1024, 1)]), message: `tar archive: this is xz-compressed, not a tar archive; ${tail}: decompress it first (xz -dc <file> > appliance.ova); the tar inside is the OVA` },
    { title: 'bzip2 magic bytes', archive: () => Buffer.concat([Buffer.from('BZh9'), Buffer.alloc(1024, 1)]), message: `tar archive: this is bzip2-compressed, not a tar archive; ${tail}: decompress it first (bzip2 -dc <file> > appliance.ova); the tar inside is the OVA` },
    { title: 'zstd magic bytes', archive: () => Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(1024, 1)]), message: `tar archive: this is zstd-compressed, not a tar archive; ${tail}: decompress it first (zstd -dc <file> > appliance.ova); the tar inside is the OVA` },
    { title: 'an empty file', archive: () => Buffer.alloc(0), message: 'tar archive: the file is empty (0 bytes: truncated, or never written); an OVA is a tar archive (DSP0243 §5.3)' },
    { title: 'random bytes (no known format)', archive: () => Buffer.alloc(1024, 0x42), message: 'tar archive: header checksum mismatch at offset 0 (corrupt or not a tar archive)' },
    { title: 'a short file of no known format', archive: () => Buffer.from('hello'), message: 'tar archive: truncated inside a header at offset 0' },
  ];
  for (const c of cases) {
    it(`names ${c.title}, sequentially and when indexing`, async () => {
      for (const read of [readAll, index]) {
        await assert.rejects(read(c.archive()), (e: unknown) => isOvfkitError(e) && e.code === 'INTEGRITY' && e.message === c.message);
      }
    });
  }

  it('a valid tar whose first member name starts with ZIP magic is still read (only a failing first block is diagnosed)', async () => {
    assert.deepEqual(await index(rawTar([{ name: 'PK\x03\x04.ovf', data: ovf }])), [{ name: 'PK\x03\x04.ovf', size: ovf.length }]);
  });
});
