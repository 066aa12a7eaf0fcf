import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createProgress, formatBytes } from './progress';

function fakeStream(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean; columns?: number }; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 100 });
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

describe('terminal progress', () => {
  it('draws one rewritten line with percentage on a terminal, ending with a newline', async () => {
    const { stream, text } = fakeStream(true);
    const p = createProgress(stream, 'verifying', 4 * 1024 * 1024);
    p.update(1024 * 1024, 'disk1.vmdk');
    p.update(2 * 1024 * 1024, 'disk1.vmdk'); // throttled: within 200 ms of the first
    p.done();
    await new Promise((r) => setImmediate(r));
    const lines = text().split('\r').filter(Boolean);
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? '', /^verifying 25% 1\.0 MiB \/ 4\.0 MiB .*\/s disk1\.vmdk/);
    assert.match(lines[1] ?? '', /^verifying 50% 2\.0 MiB \/ 4\.0 MiB .*\n$/);
  });

  it('writes nothing when the stream is not a terminal or output is JSON', async () => {
    for (const [tty, enabled] of [[false, true], [true, false]] as const) {
      const { stream, text } = fakeStream(tty);
      const p = createProgress(stream, 'packing', 10, enabled);
      p.update(5);
      p.done();
      await new Promise((r) => setImmediate(r));
      assert.equal(text(), '');
    }
  });

  it('formats byte counts with binary units', () => {
    assert.deepEqual([0, 512, 1536, 10 * 1024 ** 2, 2 * 1024 ** 3].map(formatBytes), ['0 B', '512 B', '1.5 KiB', '10 MiB', '2.0 GiB']);
  });
});
