import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { openSource } from '@ovfkit/package';
import { OvaWriter } from './ova';

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
    await assert.rejects(w.writeDescriptor('b.ovf', 'x'.repeat(17)), /more than the 16 reserved/);
    await w.discard();
    assert.equal(fs.existsSync(file), false, 'discard removes the partial file');
    fs.writeFileSync(file, 'keep');
    await assert.rejects(OvaWriter.create(file), /already exists/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'keep');
  });
});
