/**
 * Issue 12 class 2 through the CLI, in a child process whose peak RSS is read (the package layer's
 * bounds are unit-tested in packages/package hostile.test.ts): an .ova URL served without Range
 * whose archive never ends, with 1 MiB .cert members (the 11.8 GB in 60 s), 64 KiB pax
 * records or tiny pax records; and local .ova files of pax x records or of pax global records. `ovfkit plan`
 * ends by itself with INPUT_TOO_LARGE naming the bound, in bounded time and memory, having pulled
 * a bounded part of the endless archive.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { paxRecord, tarHeader, tarPadding } from '@ovfkit/package';
import { runCliChild } from './child-cli';

/** Bounds for a CLI child: generous for a loaded machine; the point is bounded, not fast. */
const RSS_BOUND_KIB = 300 * 1024;
const TIME_BOUND_MS = 60_000;

const OVF = Buffer.from(
  '<?xml version="1.0"?><Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">' +
    '<References><File ovf:href="disk.vmdk" ovf:id="f1"/></References><VirtualSystem ovf:id="vm"><Info>x</Info></VirtualSystem></Envelope>',
);
const member = (name: string, data: Buffer, flag?: string): Buffer => {
  const h = tarHeader(name, data.length);
  if (flag) {
    h.write(flag, 156, 1, 'latin1');
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  }
  return Buffer.concat([h, data, tarPadding(data.length)]);
};
/** A server on 127.0.0.1 without Range streaming `first`, then `next()` for ever, as fast as the client reads. */
async function endlessOva(first: Buffer[], next: (n: number) => Buffer): Promise<{ url: string; sent: () => number; close(): Promise<void> }> {
  let sent = 0;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-tar' });
    let n = 0;
    const pump = (): void => {
      for (;;) {
        const b = n < first.length ? first[n]! : next(n - first.length);
        n++;
        sent += b.length;
        if (!res.write(b)) return void res.once('drain', pump);
      }
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/vm.ova`,
    sent: () => sent,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('endless archives through the CLI are refused in bounded time and memory (issue 12 class 2, child process)', function () {
  this.timeout(180_000);
  const head = member('vm.ovf', OVF);
  const cases: Array<{ what: string; next: (n: number) => Buffer; message: RegExp }> = [
    {
      what: 'an endless run of 1 MiB .cert members after the descriptor',
      next: (n) => member(`c${n}.cert`, Buffer.alloc(1 << 20, 0x41)),
      message: /more than 8 descriptor, manifest or certificate members before its first disk \(bound: MAX_METADATA_MEMBERS\)/,
    },
    {
      what: 'endless 64 KiB pax x records with distinct keys',
      next: (n) => member('PaxHeaders/x', paxRecord(`k${n}`, 'v'.repeat(64 * 1024 - 20)), 'x'),
      message: /pax \/ long-name records before one member total more than 1048576 bytes.*TAR_LIMITS\.metaBytesPerMember/,
    },
    {
      what: 'endless tiny pax x records',
      next: (n) => member('PaxHeaders/x', paxRecord(`key${n}`, 'x'), 'x'),
      message: /more than 64 pax \/ long-name records before one member.*TAR_LIMITS\.metaRecordsPerMember/,
    },
  ];
  for (const c of cases) {
    it(`plan of an .ova URL without Range: ${c.what}`, async () => {
      const s = await endlessOva([head], c.next);
      try {
        const r = await runCliChild(['plan', s.url, '--json'], { limitMs: 120_000 });
        assert.equal(r.signal, null, `killed after ${r.ms} ms: it did not end by itself`);
        assert.ok(r.ms < TIME_BOUND_MS, `ended after ${r.ms} ms`);
        assert.ok(r.maxRssKiB !== undefined && r.maxRssKiB < RSS_BOUND_KIB, `peak RSS ${r.maxRssKiB} KiB (bound ${RSS_BOUND_KIB} KiB)`);
        assert.equal(r.status, 2, r.stdout + r.stderr);
        const err = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
        assert.equal(err.code, 'INPUT_TOO_LARGE', err.message);
        assert.match(err.message, c.message);
        // What the server pushed is the bounded head plus socket buffers, not the endless run.
        assert.ok(s.sent() < 64 * 1024 * 1024, `the server sent ${s.sent()} bytes`);
      } finally {
        await s.close();
      }
    });
  }

  const local: Array<{ what: string; parts: () => Buffer[]; bound: RegExp }> = [
    {
      what: '32 MiB of pax x records before its disk',
      parts: () => [head, ...Array.from({ length: 512 }, (_, n) => member('PaxHeaders/x', paxRecord(`k${n}`, 'v'.repeat(64 * 1024 - 20)), 'x'))],
      bound: /TAR_LIMITS\.metaBytesPerMember/,
    },
    {
      // Each g record is followed by a member, so the per-member counters reset; g stays in force.
      what: '160 pax g records of 200 KiB (each followed by an empty member) before its descriptor',
      parts: () => [...Array.from({ length: 160 }, (_, n) => Buffer.concat([member('PaxHeaders/g', paxRecord(`g${n}`, 'v'.repeat(200 * 1024)), 'g'), member(`f${n}.txt`, Buffer.alloc(0))])), head],
      bound: /pax global records total more than 1048576 bytes.*TAR_LIMITS\.globalMetaBytes/,
    },
  ];
  for (const c of local) {
    it(`plan and manifest verify of a local .ova holding ${c.what}`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-archive-bounds-'));
      try {
        const file = path.join(dir, 'pax.ova');
        fs.writeFileSync(file, Buffer.concat([...c.parts(), member('disk.vmdk', Buffer.alloc(512)), Buffer.alloc(1024)]));
        for (const args of [['plan', file, '--json'], ['manifest', 'verify', file, '--json']]) {
          const r = await runCliChild(args, { limitMs: 120_000 });
          assert.equal(r.signal, null, `${args[0]}: killed after ${r.ms} ms`);
          assert.ok(r.ms < TIME_BOUND_MS, `${args[0]} ended after ${r.ms} ms`);
          assert.ok(r.maxRssKiB !== undefined && r.maxRssKiB < RSS_BOUND_KIB, `${args[0]}: peak RSS ${r.maxRssKiB} KiB`);
          assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
          const err = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
          assert.equal(err.code, 'INPUT_TOO_LARGE', err.message);
          assert.match(err.message, c.bound);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
