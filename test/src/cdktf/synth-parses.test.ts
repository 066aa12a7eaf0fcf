/**
 * How many times one CDKTF OvfImport parses its descriptor at synth (core's envelope reader,
 * counted in this process and in the source reader's child processes): once, by core's plan in
 * the synth process. The reader child only reads bytes (descriptor, .mf, .cert) and then the
 * facts of the files the plan lists (as `ovfkit plan` does through @ovfkit/package's
 * planPackage). Before, the child's packageFacts read the descriptor's References itself (a
 * second parse, in another process) before the plan parsed it.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { OvfImport, OvfTesting, type OvfImportProps } from '@ovfkit/cdktf';

import { countEnvelopeReads, countEnvelopeReadsInChildren } from '../envelope-reads';
import { buildOva, type BuiltPackage } from '../vsphere-fixtures';

/**
 * A static server for `folder` (with Range, as @ovfkit/package asks for a URL's sizes) in a child
 * process: synth blocks this process's event loop while its reader runs.
 */
const SERVER = `
const fs = require('node:fs'), http = require('node:http'), path = require('node:path');
const folder = process.argv[1];
const server = http.createServer((req, res) => {
  const full = path.join(folder, decodeURIComponent(new URL(req.url, 'http://x').pathname.slice(1)));
  if (!full.startsWith(folder + path.sep) || !fs.existsSync(full)) return void res.writeHead(404).end();
  const body = fs.readFileSync(full);
  const range = /^bytes=(\\d+)-(\\d+)$/.exec(req.headers.range || '');
  if (range) {
    const s = Number(range[1]), e = Math.min(Number(range[2]), body.length - 1);
    res.writeHead(206, { 'content-range': 'bytes ' + s + '-' + e + '/' + body.length, 'content-length': e - s + 1 });
    return void res.end(req.method === 'HEAD' ? undefined : body.subarray(s, e + 1));
  }
  res.writeHead(200, { 'content-length': body.length }).end(req.method === 'HEAD' ? undefined : body);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

async function serveInChild(folder: string): Promise<{ base: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER, folder], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
  });
  return { base: `http://127.0.0.1:${port}`, child };
}

describe('CDKTF OvfImport synth: one descriptor parse', function () {
  this.timeout(60_000);
  let tmp: string;
  let pkg: BuiltPackage;
  let folder: string;
  let bare: string;
  let diskless: string;
  let server: { base: string; child: ChildProcess } | undefined;
  let inventory: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-cdktf-synth-parses-'));
    pkg = await buildOva(path.join(tmp, 'pkg'), 'tiny', [{ id: 'tiny01', cpus: 1, memoryMB: 256, disksMiB: [1], nics: ['VM Network'] }]);
    // The same descriptor beside its disk (a folder package), and alone (its disk missing).
    folder = path.join(tmp, 'pkg', 'tiny.ovf');
    fs.writeFileSync(folder, pkg.descriptor);
    fs.mkdirSync(path.join(tmp, 'bare'));
    bare = path.join(tmp, 'bare', 'tiny.ovf');
    fs.writeFileSync(bare, pkg.descriptor);
    server = await serveInChild(path.join(tmp, 'pkg'));
    inventory = path.join(tmp, 'inventory.json');
    fs.writeFileSync(inventory, JSON.stringify(snapshotWithItem(pkg)));
    diskless = (await buildOva(path.join(tmp, 'diskless'), 'nodisk', [{ id: 'nodisk01', cpus: 1, memoryMB: 256, disksMiB: [], nics: ['VM Network'] }])).ova;
  });
  after(() => {
    server?.child.kill();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const synth = (source: string, props: Partial<OvfImportProps> = {}): { errors: string[]; parses: number; readers: number } => {
    const here = countEnvelopeReads();
    const children = countEnvelopeReadsInChildren();
    try {
      const stack = new TerraformStack(new App({ outdir: path.join(tmp, 'out') }), 'parses');
      new OvfImport(stack, 'Tiny', { source, name: 'parses-a', datacenter: 'DC0', resourcePool: '/DC0/host/DC0_C0/Resources', datastore: 'LocalDS_0', networkMapping: { 'VM Network': 'VM Network' }, ...props });
      const errors = OvfTesting.errors(stack).map((e) => e.message);
      return { errors, parses: here.count() + children.count(), readers: children.processes() };
    } finally {
      here.restore();
      children.restore();
    }
  };

  // The reader runs twice for a package with files: its bytes, then the facts of the files the plan lists.
  for (const [form, source] of [['an .ova', (): string => pkg.ova], ['a folder', (): string => folder]] as const) {
    it(`parses ${form} package's descriptor once`, () => {
      assert.deepEqual(synth(source()), { errors: [], parses: 1, readers: 2 });
    });
  }

  for (const [form, file] of [['an .ova URL', 'tiny.ova'], ['an .ovf URL', 'tiny.ovf']] as const) {
    it(`parses ${form}'s descriptor once`, () => {
      assert.deepEqual(synth(`${server!.base}/${file}`), { errors: [], parses: 1, readers: 2 });
    });
  }

  it('parses a library item\'s descriptor (captured in an inventory snapshot) once', () => {
    assert.deepEqual(synth('library:templates/tiny', { inventory, datacenter: 'DC1', resourcePool: '/DC1/host/Cluster1/Resources', datastore: 'vmfs-01' }), { errors: [], parses: 1, readers: 2 });
  });

  it('a package that references no file: one parse and one reader', () => {
    assert.deepEqual(synth(diskless), { errors: [], parses: 1, readers: 1 });
  });

  it('still judges the files the plan lists: a missing disk is the one error, with one parse', () => {
    assert.deepEqual(synth(bare), {
      errors: [`Package: File "tiny01-disk1.vmdk" is referenced by the descriptor but is not in the folder "${path.dirname(bare)}"; at /Envelope/References/File[1] (line 3); fix: put tiny01-disk1.vmdk beside tiny.ovf, or correct ovf:href in the descriptor [OvfImportFailed PACKAGE_FILE_MISSING]`],
      parses: 1,
      readers: 2,
    });
  });
});

/** An inventory snapshot of DC1 whose library "templates" holds `pkg` as item "tiny" (as inventory capture records it). */
function snapshotWithItem(pkg: BuiltPackage): object {
  const descriptor = Buffer.from(pkg.descriptor);
  return {
    format: 'ovfkit.inventory/1',
    datacenter: { name: 'DC1', moref: 'datacenter-2' },
    folders: [{ name: 'vm', moref: 'group-v4', path: '/DC1/vm' }],
    hosts: [{ name: 'esx1.example.com', moref: 'host-10', profile: 'esxi-8.0u3', datastores: ['vmfs-01'], networks: ['VM Network'] }],
    datastores: [{ name: 'vmfs-01', moref: 'datastore-11', type: 'VMFS', capacity: 2199023255552, freeSpace: 429496729600 }],
    networks: [{ name: 'VM Network', moref: 'network-13', type: 'standard' }],
    resourcePools: [{ name: 'Resources', moref: 'resgroup-8', type: 'resourcePool', path: '/DC1/host/Cluster1/Resources', hosts: ['esx1.example.com'] }],
    libraries: [{ name: 'templates', id: 'lib-1', type: 'LOCAL', items: [{
      name: 'tiny', id: 'item-1', contentVersion: '2',
      files: [{ name: 'tiny.ovf', size: descriptor.length }, ...pkg.disks.map((d) => ({ name: path.basename(d), size: fs.statSync(d).size }))],
      descriptor: { name: 'tiny.ovf', digest: `sha256:${createHash('sha256').update(descriptor).digest('hex')}`, text: pkg.descriptor },
    }] }],
  };
}
