import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { indexTar, openSource, tarHeader as packageTarHeader } from '@ovfkit/package';
import { OvaWriter, descriptorReservation, tarHeader } from './ova';

describe('OvaWriter (one pass, descriptor slot reserved and filled last)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-ova-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes an OVA whose first member is the descriptor, readable by @ovfkit/package', async () => {
    const file = path.join(dir, 'a.ova');
    const w = await OvaWriter.create(file, 4096);
    const disk = Buffer.alloc(700_001, 7);
    assert.equal(await w.addStream('a-disk-0.vmdk', Readable.from([disk.subarray(0, 1000), disk.subarray(1000)])), disk.length);
    const descriptor = '<?xml version="1.0"?><Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"/>';
    const stored = await w.writeDescriptor('a.ovf', descriptor);
    await w.addBuffer('a.mf', Buffer.from('SHA256(a.ovf)= 00\n'));
    await w.close();
    assert.equal(stored.length, 4096, 'the descriptor fills its reserved slot');
    assert.equal(stored.toString('utf8').trimEnd(), descriptor, 'padding is only trailing whitespace');
    const src = await openSource(file);
    try {
      assert.deepEqual(await src.members(), ['a.ovf', 'a-disk-0.vmdk', 'a.mf']);
      assert.equal((await src.descriptor()).text.trimEnd(), descriptor);
      const chunks: Buffer[] = [];
      for await (const c of await src.open('a-disk-0.vmdk')) chunks.push(c as Buffer);
      assert.ok(Buffer.concat(chunks).equals(disk));
    } finally {
      await src.close();
    }
  });

  it('refuses a descriptor larger than its slot, and never overwrites an existing file', async () => {
    const file = path.join(dir, 'b.ova');
    const w = await OvaWriter.create(file, 16);
    await assert.rejects(w.writeDescriptor('b.ovf', 'x'.repeat(17)), /the final descriptor is 17 bytes, more than the 16 reserved for it at the front of the OVA.*Export to a directory instead/);
    await w.discard();
    assert.equal(fs.existsSync(file), false, 'discard removes the partial file');
    fs.writeFileSync(file, 'keep');
    await assert.rejects(OvaWriter.create(file, 512), /already exists/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'keep');
  });

  it('sizes the descriptor slot from the dry run when asked, and not once a member follows it', async () => {
    const file = path.join(dir, 'c.ova');
    const w = await OvaWriter.create(file, 16);
    w.reservedBytes = 1000;
    await w.addBuffer('c-disk-0.vmdk', Buffer.alloc(10, 1));
    assert.throws(() => (w.reservedBytes = 2000), /cannot be resized/);
    const stored = await w.writeDescriptor('c.ovf', '<Envelope/>');
    await w.addBuffer('c.mf', Buffer.from('x'));
    await w.close();
    assert.equal(stored.length, 1000);
    assert.equal(fs.statSync(file).size, 512 + 1024 + 512 + 512 + 512 + 512 + 1024, 'header + slot, disk, manifest, end blocks');
  });

  it('reserves the dry run plus a quarter, 16 KiB and room per file, in whole blocks', () => {
    assert.equal(descriptorReservation(0), 16384);
    assert.equal(descriptorReservation(4000), Math.ceil((4000 + 1000 + 16384) / 512) * 512);
    assert.equal(descriptorReservation(4000, ['web-disk-0.vmdk']), Math.ceil((4000 + 1000 + 16384 + 256 + 30) / 512) * 512);
    // A chunked export adds ` ovf:chunkSize="1048576"` to each File: room for it and a prefix of up to 32 bytes.
    assert.equal(descriptorReservation(4000, ['web-disk-0.vmdk'], 1048576), Math.ceil((4000 + 1000 + 16384 + 256 + 30 + 32 + ' :chunkSize="1048576"'.length) / 512) * 512);
    const many = Array.from({ length: 40 }, (_, i) => `web-disk-${i}.vmdk`);
    assert.ok(descriptorReservation(4000, many, 1048576) >= descriptorReservation(4000, many) + 40 * 53 - 511, 'each file adds its attribute room');
  });
});

describe('tarHeader (one-block member headers)', () => {
  it('writes the same bytes as the copy it replaced (digests taken from it), and as the package writer below 8 GiB', () => {
    const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    assert.equal(sha(tarHeader('web-disk-0.vmdk', 700_001)), '9b2a1ae904275248956ac074465837669a2723631c06f77e1607d983ab65f4cf');
    assert.equal(sha(tarHeader('big-disk-0.vmdk', 9 * 1024 ** 3 + 5)), 'f46343921ed11ceaacfed4daeda4434cd445b5badbde01488a1a2b13b8e2525d');
    assert.ok(tarHeader('web-disk-0.vmdk', 700_001).equals(packageTarHeader('web-disk-0.vmdk', 700_001)));
  });

  it('writes 8 GiB and more in GNU base-256 in the same single block, which the package reader reads back', async () => {
    const size = 9 * 1024 ** 3 + 5;
    const h = tarHeader('big-disk-0.vmdk', size);
    assert.equal(h.length, 512);
    assert.equal(h[124], 0x80);
    // The header, then (sparse) zeros: indexTar reads headers only.
    const readAt = async (offset: number, length: number): Promise<Buffer> => (offset === 0 ? h.subarray(0, length) : Buffer.alloc(length));
    const [member] = await indexTar(readAt);
    assert.equal(member?.name, 'big-disk-0.vmdk');
    assert.equal(member?.size, size);
  });

  it('refuses names that need more than one block or escape the archive', () => {
    const long = 'a'.repeat(101);
    const refusal = (vocabulary: 'cli' | 'pulumi' | 'api'): string => {
      try {
        tarHeader(long, 1, vocabulary);
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    assert.deepEqual({ cli: refusal('cli'), pulumi: refusal('pulumi'), api: refusal('api') }, {
      cli: `cannot store "${long}" in an OVA: member names are at most 100 bytes; pass a shorter --name`,
      pulumi: `cannot store "${long}" in an OVA: member names are at most 100 bytes; pass a shorter name`,
      api: `cannot store "${long}" in an OVA: member names are at most 100 bytes; pass a shorter OvfCreateDescriptorParams name`,
    });
    assert.throws(() => tarHeader('../x', 1), /escapes/);
  });
});
