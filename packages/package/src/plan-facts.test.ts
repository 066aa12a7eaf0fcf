import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { descriptorXml, run, tempDir } from './fixtures.test.support';
import { packageFacts, planPackage } from './plan-facts';
import { openSource } from './source';

const DISK = Buffer.alloc(3000, 7);
const GZ = gzipSync(Buffer.alloc(5000, 1));
const BLOB = Buffer.alloc(10_000, 3);
const CHUNK = 4096;
const chunk = (i: number): string => `blob.bin.${String(i).padStart(9, '0')}`;

/** A package folder: a plain disk, a gzip file, a file in three 4 KiB chunks (and any change to it). */
function folder(root: string, name: string, change: (dir: string) => void = () => undefined): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'vm.ovf'), descriptorXml([
    { href: 'disk1.vmdk', id: 'file1', size: DISK.length },
    { href: 'disk2.vmdk.gz', id: 'file2', size: GZ.length, compression: 'gzip' },
    { href: 'blob.bin', id: 'file3', size: BLOB.length, chunkSize: CHUNK },
    { href: 'https://example.com/remote.iso', id: 'file4' },
  ]));
  fs.writeFileSync(path.join(dir, 'disk1.vmdk'), DISK);
  fs.writeFileSync(path.join(dir, 'disk2.vmdk.gz'), GZ);
  for (let i = 0; i * CHUNK < BLOB.length; i++) fs.writeFileSync(path.join(dir, chunk(i)), BLOB.subarray(i * CHUNK, (i + 1) * CHUNK));
  change(dir);
  return dir;
}

const complete = (location: string, form: 'folder' | 'ova' | 'url') => ({
  form, location, descriptorName: 'vm.ovf',
  files: [
    { href: 'disk1.vmdk', parts: [{ name: 'disk1.vmdk', present: true, storedBytes: 3000 }] },
    { href: 'disk2.vmdk.gz', parts: [{ name: 'disk2.vmdk.gz', present: true, storedBytes: GZ.length }] },
    { href: 'blob.bin', parts: [{ name: chunk(0), present: true, storedBytes: 4096 }, { name: chunk(1), present: true, storedBytes: 4096 }, { name: chunk(2), present: true, storedBytes: 1808 }] },
  ],
});

/** The plan's package issues as [code, value] (the test descriptor has no hardware, so core's other errors are left aside). */
const packageIssues = async (source: string): Promise<Array<[string, string | undefined]>> => {
  const src = await openSource(source);
  try {
    const { plan } = await planPackage(src);
    return [...plan.errors, ...plan.warnings].filter((i) => i.source === 'package').map((i) => [i.code, i.value]);
  } finally {
    await src.close();
  }
};

describe('package facts for the plan', () => {
  let t: ReturnType<typeof tempDir>;
  before(() => (t = tempDir()));
  after(() => t.cleanup());

  it('a complete folder: every part present with its stored size, without reading the files', async () => {
    const dir = folder(t.dir, 'complete');
    const src = await openSource(dir);
    assert.deepEqual(await packageFacts(src, await src.descriptor()), complete(dir, 'folder'));
    assert.deepEqual(await packageIssues(dir), []);
    // A lone .ovf is looked for in its folder, by the same facts.
    assert.deepEqual(await packageIssues(path.join(dir, 'vm.ovf')), []);
  });

  it('a folder with the disk missing, a disk short, a chunk missing: each a plan error naming the file', async () => {
    assert.deepEqual(await packageIssues(folder(t.dir, 'missing', (d) => fs.rmSync(path.join(d, 'disk1.vmdk')))), [['PACKAGE_FILE_MISSING', 'disk1.vmdk']]);
    assert.deepEqual(await packageIssues(folder(t.dir, 'short', (d) => fs.truncateSync(path.join(d, 'disk1.vmdk'), 2999))), [['PACKAGE_FILE_SIZE_MISMATCH', '2999']]);
    assert.deepEqual(await packageIssues(folder(t.dir, 'gap', (d) => fs.rmSync(path.join(d, chunk(1))))), [['PACKAGE_CHUNK_MISSING', chunk(1)]]);
    assert.deepEqual(await packageIssues(folder(t.dir, 'gzshort', (d) => fs.writeFileSync(path.join(d, 'disk2.vmdk.gz'), GZ.subarray(1)))), [['PACKAGE_FILE_SIZE_MISMATCH', String(GZ.length - 1)]]);
  });

  it('an extra file nobody references changes nothing in the verdict', async () => {
    assert.deepEqual(await packageIssues(folder(t.dir, 'extra', (d) => fs.writeFileSync(path.join(d, 'notes.txt'), 'x'))), []);
  });

  it('plans the descriptor alone only when asked, and says so', async () => {
    const dir = folder(t.dir, 'alone', (d) => fs.rmSync(path.join(d, 'disk1.vmdk')));
    const src = await openSource(dir);
    const { plan, facts } = await planPackage(src, { descriptorOnly: true });
    assert.equal(facts, undefined);
    assert.equal(plan.package.form, 'descriptor-only');
    assert.deepEqual(plan.errors.filter((e) => e.source === 'package'), []);
  });

  it('an OVA: sizes from the tar headers; a missing chunk is named', async () => {
    const dir = folder(t.dir, 'ova-src');
    const ova = path.join(t.dir, 'vm.ova');
    run('tar', ['--format=ustar', '-cf', ova, 'vm.ovf', 'disk1.vmdk', 'disk2.vmdk.gz', chunk(0), chunk(1), chunk(2)], dir);
    const src = await openSource(ova);
    assert.deepEqual(await packageFacts(src, await src.descriptor()), complete(ova, 'ova'));
    const gap = path.join(t.dir, 'gap.ova');
    run('tar', ['--format=ustar', '-cf', gap, 'vm.ovf', 'disk1.vmdk', 'disk2.vmdk.gz', chunk(0), chunk(2)], dir);
    assert.deepEqual(await packageIssues(gap), [['PACKAGE_CHUNK_MISSING', chunk(1)]]);
  });

  it('a URL: an .ovf folder over HTTP is looked at with one-byte ranged GETs; an .ova without Range cannot tell', async () => {
    const dir = folder(t.dir, 'http', (d) => fs.rmSync(path.join(d, 'disk1.vmdk')));
    run('tar', ['--format=ustar', '-cf', path.join(t.dir, 'http.ova'), 'vm.ovf', 'disk2.vmdk.gz', chunk(0), chunk(1), chunk(2)], dir);
    const served: string[] = [];
    const server = http.createServer((req, res) => {
      const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1);
      served.push(name);
      const file = name === 'http.ova' ? path.join(t.dir, name) : path.join(dir, name);
      if (!fs.existsSync(file)) return void res.writeHead(404).end();
      const body = fs.readFileSync(file);
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      assert.deepEqual(await packageIssues(`${base}/vm.ovf`), [['PACKAGE_FILE_MISSING', 'disk1.vmdk']]);
      assert.deepEqual(await packageIssues(`${base}/http.ova`), [['PACKAGE_FILE_UNCHECKED', 'disk1.vmdk'], ['PACKAGE_FILE_UNCHECKED', 'disk2.vmdk.gz'], ['PACKAGE_FILE_UNCHECKED', 'blob.bin']]);
    } finally {
      server.close();
    }
  });
});
