import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createProgress, formatBytes, transferProgress } from './progress';

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
    const lines = text().split('\r\x1b[K').filter(Boolean);
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

  it('keeps one line per finished file of a transfer, in MiB, and redraws the running file in place', async () => {
    const { stream, text } = fakeStream(true);
    const onProgress = transferProgress(stream)!;
    onProgress({ path: 'disk1.vmdk', bytes: 8 * 1048576, total: 16 * 1048576, done: false });
    onProgress({ path: 'disk1.vmdk', bytes: 12 * 1048576, total: 16 * 1048576, done: false }); // throttled
    onProgress({ path: 'disk1.vmdk', bytes: 16 * 1048576, total: 16 * 1048576, done: true });
    onProgress({ path: 'disk2.iso', bytes: 512, total: undefined, done: true });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      text().split('\r\x1b[K').filter(Boolean).map((l) => l.replace(/[\d.]+ MiB\/s/, 'R MiB/s')),
      ['disk1.vmdk 50% 8.0 MiB R MiB/s', 'disk1.vmdk 100% 16.0 MiB R MiB/s\n', 'disk2.iso 0.0 MiB R MiB/s\n'],
    );
  });

  it('gives no transfer printer when stderr is not a terminal or output is JSON', () => {
    assert.equal(transferProgress(fakeStream(false).stream), undefined);
    assert.equal(transferProgress(fakeStream(true).stream, false), undefined);
  });

  it('formats byte counts with binary units', () => {
    assert.deepEqual([0, 512, 1536, 10 * 1024 ** 2, 2 * 1024 ** 3].map(formatBytes), ['0 B', '512 B', '1.5 KiB', '10 MiB', '2.0 GiB']);
  });
});
