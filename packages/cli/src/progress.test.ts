import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { composedError, errorText } from '@ovfkit/core';
import { terminalStream, writeJson } from './command';
import { createProgress, formatBytes, progressMode, transferProgress } from './progress';

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

  it('on a terminal, files in flight at once (parallel disks) each have a line of a block redrawn in place; a finished one keeps its line above', async () => {
    let t = 0;
    const { stream, text } = fakeStream(true);
    const onProgress = transferProgress(stream, 'tty', () => t)!;
    const MiB = 1048576;
    t = 1000;
    onProgress({ path: 'a.vmdk', bytes: 1 * MiB, total: 4 * MiB, done: false });
    t = 1100;
    onProgress({ path: 'b.vmdk', bytes: 1 * MiB, total: 2 * MiB, done: false }); // throttled: shown at the next redraw
    t = 1300;
    onProgress({ path: 'a.vmdk', bytes: 2 * MiB, total: 4 * MiB, done: false });
    t = 1400;
    onProgress({ path: 'b.vmdk', bytes: 2 * MiB, total: 2 * MiB, done: true });
    t = 1700;
    onProgress({ path: 'a.vmdk', bytes: 4 * MiB, total: 4 * MiB, done: true });
    await new Promise((r) => setImmediate(r));
    const rates = text().replace(/[\d.]+ MiB\/s/g, 'R');
    assert.equal(
      rates,
      [
        '\r\x1b[Ka.vmdk 25% 1.0 MiB R',
        // both in flight: two lines
        '\r\x1b[Ka.vmdk 50% 2.0 MiB R\n\r\x1b[Kb.vmdk 50% 1.0 MiB R',
        // b done: up to the block's first line, b kept, a live below it
        '\x1b[1A\r\x1b[Kb.vmdk 100% 2.0 MiB R\n\r\x1b[Ka.vmdk 50% 2.0 MiB R',
        '\r\x1b[Ka.vmdk 100% 4.0 MiB R\n',
      ].join(''),
    );
  });

  it('gives no transfer printer when stderr is not a terminal or output is JSON', () => {
    assert.equal(transferProgress(fakeStream(false).stream), undefined);
    assert.equal(transferProgress(fakeStream(true).stream, false), undefined);
  });

  it('formats byte counts with binary units', () => {
    assert.deepEqual([0, 512, 1536, 10 * 1024 ** 2, 2 * 1024 ** 3].map(formatBytes), ['0 B', '512 B', '1.5 KiB', '10 MiB', '2.0 GiB']);
  });

  it('--progress picks tty, plain or none; auto is plain off a terminal, a terminal line on one, none with --json', () => {
    const tty = { stderr: fakeStream(true).stream };
    const pipe = { stderr: fakeStream(false).stream };
    assert.deepEqual(
      [progressMode({}, pipe), progressMode({}, tty), progressMode({ json: true }, pipe), progressMode({ json: true }, tty), progressMode({ progress: 'plain', json: true }, tty), progressMode({ progress: 'tty' }, pipe), progressMode({ progress: 'none' }, tty), progressMode({ progress: 'auto' }, pipe)],
      ['plain', 'tty', 'none', 'none', 'plain', 'tty', 'none', 'plain'],
    );
    assert.throws(() => progressMode({ progress: 'fancy' }, tty), /--progress must be auto, tty, plain or none, got "fancy"/);
    assert.deepEqual([progressMode({ quiet: true }, tty), progressMode({ quiet: true }, pipe), progressMode({ quiet: true, progress: 'none' }, tty)], ['none', 'none', 'none']);
    assert.throws(() => progressMode({ quiet: true, progress: 'plain' }, pipe), { message: '--quiet shows no progress, --progress "plain" asks for some: give one of them' });
  });

  it('plain progress: one line per 10 % reached or 30 s passed, the last count at the end if it moved, no carriage return or escape', async () => {
    let t = 0;
    const { stream, text } = fakeStream(false);
    const MiB = 1048576;
    const p = createProgress(stream, 'hashing', 100 * MiB, 'plain', () => t);
    for (const [at, bytes] of [[1000, 5], [2000, 10], [2100, 11], [3000, 19], [4000, 35], [40_000, 36], [50_000, 37], [71_000, 38], [72_000, 100]] as const) {
      t = at;
      p.update(bytes * MiB);
    }
    p.done();
    await new Promise((r) => setImmediate(r));
    assert.doesNotMatch(text(), /[\r\x1b]/);
    assert.deepEqual(text().split('\n').map((l) => l.replace(/ [\d.]+ (?:B|KiB|MiB)\/s/, ' R/s')), [
      'hashing: 10% 10 MiB / 100 MiB R/s', // 10 %
      'hashing: 35% 35 MiB / 100 MiB R/s', // 30 %, 20 % skipped in one update
      'hashing: 36% 36 MiB / 100 MiB R/s', // 36 s after the previous line
      'hashing: 38% 38 MiB / 100 MiB R/s', // 31 s after that
      'hashing: 100% 100 MiB / 100 MiB R/s', // done() adds nothing: the count did not move
      '',
    ]);
    const unknown = fakeStream(false);
    const u = createProgress(unknown.stream, 'unpacking', undefined, 'plain', () => t);
    u.update(1024);
    u.done();
    t += 30_000;
    const later = createProgress(unknown.stream, 'unpacking', undefined, 'plain', () => t);
    t += 30_000;
    later.update(2048);
    later.update(4096);
    later.done();
    await new Promise((r) => setImmediate(r));
    // Work that showed nothing prints nothing at the end; otherwise the last count closes it.
    assert.deepEqual(unknown.text().split('\n').map((l) => l.replace(/ [\d.]+ (?:B|KiB|MiB)\/s/, ' R/s')), ['unpacking: 2.0 KiB R/s', 'unpacking: 4.0 KiB R/s', '']);
  });

  it('plain transfer progress: per file, 10 % steps or 30 s, a done line each; 30 s lines only when the size is unknown', async () => {
    let t = 0;
    const { stream, text } = fakeStream(false);
    const onProgress = transferProgress(stream, 'plain', () => t)!;
    const MiB = 1048576;
    for (const [at, bytes] of [[1000, 1], [2000, 2], [3000, 5]] as const) {
      t = at;
      onProgress({ path: 'disk1.vmdk', bytes: bytes * MiB, total: 20 * MiB, done: false });
      onProgress({ path: 'disk2.iso', bytes: bytes * MiB, total: undefined, done: false });
    }
    t = 31_000;
    onProgress({ path: 'disk2.iso', bytes: 6 * MiB, total: undefined, done: false });
    onProgress({ path: 'disk1.vmdk', bytes: 20 * MiB, total: 20 * MiB, done: true });
    onProgress({ path: 'disk2.iso', bytes: 7 * MiB, total: undefined, done: true });
    await new Promise((r) => setImmediate(r));
    assert.doesNotMatch(text(), /[\r\x1b]/);
    assert.deepEqual(text().split('\n').map((l) => l.replace(/ [\d.]+ MiB\/s/, ' R MiB/s')), [
      'disk1.vmdk: 10% 2.0 MiB of 20.0 MiB R MiB/s',
      'disk1.vmdk: 25% 5.0 MiB of 20.0 MiB R MiB/s',
      'disk2.iso: 6.0 MiB R MiB/s',
      'disk1.vmdk: 100% 20.0 MiB of 20.0 MiB R MiB/s done',
      'disk2.iso: 7.0 MiB R MiB/s done',
      '',
    ]);
  });

  it('through the terminal stream main uses, sends its own \\r\\x1b[K and the file name escaped', async () => {
    const { stream, text } = fakeStream(true);
    const p = createProgress(terminalStream(stream), 'unpacking', 100);
    p.update(10, 'disk\x1b]0;T\x07\u202e\n.vmdk');
    p.done();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(text().split('\r\x1b[K').filter(Boolean).map((l) => l.replace(/ [\d.]+ (B|KiB)\/s/, ' R/s')), [
      'unpacking 10% 10 B / 100 B R/s disk\\x1b]0;T\\x07\\u202e\\x0a.vmdk',
      'unpacking 10% 10 B / 100 B R/s disk\\x1b]0;T\\x07\\u202e\\x0a.vmdk\n',
    ]);
  });
});

describe('the terminal boundary (terminalStream, writeJson, errorText)', () => {
  it('escapes every control a write carries except the line breaks and tabs of the layout', async () => {
    const { stream, text } = fakeStream(false);
    const out = terminalStream(stream);
    out.write('a\x1b[2J\tb\r\n\u0085\u202e\\x1b\n');
    out.write(Buffer.from('c\x07\n'));
    assert.equal(terminalStream(out), out);
    assert.equal(out.isTTY, false);
    await new Promise((r) => setImmediate(r));
    assert.equal(text(), 'a\\x1b[2J\tb\\x0d\n\\x85\\u202e\\x1b\nc\\x07\n');
  });

  it('writes JSON that parses to the exact value, with no raw C1 or bidi character', async () => {
    const { stream, text } = fakeStream(false);
    const value = { name: 'a\x1b\u0085\u202e\u2066\x7f\n' };
    writeJson(terminalStream(stream), value);
    await new Promise((r) => setImmediate(r));
    assert.equal(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(text()), false);
    assert.deepEqual(JSON.parse(text()), value);
  });

  it('shows an error on one line unless ovfkit composed its lines', () => {
    assert.equal(errorText(new Error('cannot read a\nFORGED\x1b')), 'cannot read a\\x0aFORGED\\x1b');
    assert.equal(errorText(composedError(new Error('failed:\n  one\x1b\n  two'))), 'failed:\n  one\\x1b\n  two');
  });
});
