import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { checkInventory, isOvfkitError } from '@ovfkit/core';
import { planPackage, snapshotLibrarySource } from '@ovfkit/package';
import { Inventory, RestClient, VimSession, createLocalLibrary, deployLibraryItem, findItem, importLibraryItem, librarySource, planLibraryItem, publishToLibrary, readItemDescriptor, type RestForm } from '@ovfkit/vsphere';
import { runCli } from './run-cli';
import { type Simulator, useSimulator } from './sim/simulator';
import { type BuiltPackage, buildOva, packageScope } from './vsphere-fixtures';

const { tmp, pkg } = packageScope('ovfkit-library-');

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** The package unpacked into a folder (descriptor, disks, manifest), as `tar -x` leaves it. */
function unpack(ova: string, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xf', ova, '-C', dir]);
  return dir;
}

/** Files of a folder as the library should hold them: name, size, SHA-256. */
function folderFiles(dir: string): { name: string; size: number; checksum_info: { algorithm: string; checksum: string } }[] {
  return fs
    .readdirSync(dir)
    .sort()
    .map((name) => ({ name, size: fs.statSync(path.join(dir, name)).size, checksum_info: { algorithm: 'SHA256', checksum: sha256(path.join(dir, name)) } }));
}

/** What the simulator's library holds, with the parts a test compares. */
async function held(sim: Simulator): Promise<{ items: { name: string; content_version: string; files: unknown[] }[]; activeSessions: number; downloadSessions: number }> {
  const st = await sim.library();
  return {
    items: st.items.map((i) => ({ name: i.name, content_version: i.content_version, files: i.files.map((f) => ({ name: f.name, size: f.size, checksum_info: f.checksum_info })) })),
    activeSessions: st.updateSessions.filter((u) => u.state === 'ACTIVE').length,
    downloadSessions: st.downloadSessions.length,
  };
}

describe('content library publish and read through the REST API (simulator)', function () {
  this.timeout(120_000);
  const sim = useSimulator();
  let web: BuiltPackage;
  let web2: BuiltPackage;
  let folder: string;
  let folder2: string;
  let session: VimSession;
  let datastore: string;

  before(async () => {
    web = await buildOva(path.join(tmp, 'web'), 'web', [{ id: 'web01', cpus: 1, memoryMB: 512, disksMiB: [4], nics: ['VM Network'], randomKiB: 64 }]);
    web2 = await buildOva(path.join(tmp, 'web2'), 'web', [{ id: 'web01', cpus: 2, memoryMB: 1024, disksMiB: [4], nics: ['VM Network'], randomKiB: 64 }]);
    folder = unpack(web.ova, path.join(tmp, 'web-folder'));
    folder2 = unpack(web2.ova, path.join(tmp, 'web2-folder'));
    session = await VimSession.connect({ server: sim().sdkUrl, userName: sim().username, password: sim().password, thumbprint: sim().thumbprint });
    datastore = (await new Inventory(session).get('/DC0/datastore/LocalDS_0', 'datastore')).value;
  });
  after(async () => session?.logout());

  const open = (form?: RestForm): Promise<RestClient> => RestClient.open(session, { userName: sim().username, password: sim().password, ...(form ? { form } : {}) });

  it('opens a REST session in the /api form by default and in the /rest form on request; a wrong password is refused; close ends it', async () => {
    const before = (await sim().library()).restSessions;
    const api = await open();
    const rest = await open('rest');
    assert.deepEqual([api.form, rest.form], ['api', 'rest']);
    assert.equal((await sim().library()).restSessions, before + 2);
    await assert.rejects(RestClient.open(session, { userName: sim().username, password: 'wrong-password' }), (e: unknown) => isOvfkitError(e) && /UNAUTHENTICATED \(HTTP 401\)/.test(e.message) && !e.message.includes('wrong-password'));
    await api.close();
    await rest.close();
    assert.equal((await sim().library()).restSessions, before);
  });

  for (const form of ['api', 'rest'] as const) {
    it(`publishes a folder by push (${form} form): the item holds every file with its manifest SHA-256; a second publish sends nothing`, async () => {
      const rest = await open(form);
      try {
        await createLocalLibrary(rest, `lib-${form}`, datastore);
        const r = await publishToLibrary(rest, { source: await pkg(folder), library: `lib-${form}`, item: 'web' });
        assert.deepEqual([r.changed, r.created, r.contentVersion], [true, true, '2']);
        const after = await held(sim());
        const item = after.items.find((i) => i.name === 'web' && r.itemId);
        assert.deepEqual(item?.files, folderFiles(folder));
        assert.equal(after.activeSessions, 0);
        const again = await publishToLibrary(rest, { source: await pkg(folder), library: `lib-${form}`, item: 'web' });
        assert.deepEqual([again.changed, again.created, again.contentVersion, again.bytes], [false, false, '2', 0]);
        assert.deepEqual((await held(sim())).items, after.items);
      } finally {
        await rest.close();
      }
    });
  }

  it('re-publishes changed content into the same item: a new content version, exactly the new files', async () => {
    const rest = await open();
    try {
      await createLocalLibrary(rest, 'lib-update', datastore);
      await publishToLibrary(rest, { source: await pkg(folder), library: 'lib-update', item: 'web' });
      const r = await publishToLibrary(rest, { source: await pkg(web2.ova), library: 'lib-update', item: 'web' });
      assert.deepEqual([r.changed, r.created, r.contentVersion], [true, false, '3']);
      const item = (await held(sim())).items.find((i) => i.name === 'web' && i.content_version === '3');
      assert.deepEqual(item?.files, folderFiles(folder2));
    } finally {
      await rest.close();
    }
  });

  it('publishes an .ova in one pass, member by member; the item\'s descriptor reads back through a download session', async () => {
    const rest = await open('rest');
    try {
      await createLocalLibrary(rest, 'lib-ova', datastore);
      const seen: string[] = [];
      const r = await publishToLibrary(rest, { source: await pkg(web.ova), library: 'lib-ova', item: 'web-ova', onProgress: (p) => p.done && seen.push(p.path) });
      assert.deepEqual(seen, ['web.ovf', 'web01-disk1.vmdk', 'web.mf']);
      const d = await readItemDescriptor(rest, r.itemId);
      assert.deepEqual([d.name, d.bytes.toString('utf8')], ['web.ovf', web.descriptor]);
      assert.equal((await held(sim())).downloadSessions, 0);
    } finally {
      await rest.close();
    }
  });

  it('a connection cut during the upload cancels the session and removes the new item: nothing half-published', async () => {
    const rest = await open();
    try {
      await createLocalLibrary(rest, 'lib-cut', datastore);
      const before = await held(sim());
      await sim().inject({ kind: 'dropConnection', direction: 'libraryUpload', afterBytes: 1000 });
      await assert.rejects(publishToLibrary(rest, { source: await pkg(folder), library: 'lib-cut', item: 'web' }), (e: unknown) => isOvfkitError(e) && /^transfer with https:\/\/127\.0\.0\.1:\d+\/…\/web\.ovf failed: (ECONNRESET|EPIPE)$/.test(e.message));
      const after = await held(sim());
      assert.deepEqual(after.items, before.items);
      assert.equal(after.activeSessions, 0);
      assert.equal(await findItem(rest, (await sim().library()).libraries.find((l) => l.name === 'lib-cut')!.id, 'web'), undefined);
    } finally {
      await rest.close();
    }
  });

  it('a disk that does not match its manifest fails with INTEGRITY after streaming it; the session is cancelled, no item is left', async () => {
    const bad = await buildOva(path.join(tmp, 'bad'), 'bad', [{ id: 'bad01', cpus: 1, memoryMB: 256, disksMiB: [2], nics: ['VM Network'] }], { corruptManifest: true });
    const rest = await open();
    try {
      await createLocalLibrary(rest, 'lib-bad', datastore);
      const before = await held(sim());
      await assert.rejects(publishToLibrary(rest, { source: await pkg(bad.ova), library: 'lib-bad', item: 'bad' }), (e: unknown) => isOvfkitError(e) && e.code === 'INTEGRITY' && /bad01-disk1\.vmdk does not match its manifest digest/.test(e.message));
      assert.deepEqual(await held(sim()), before);
    } finally {
      await rest.close();
    }
  });

  it('a failing complete cancels the session; an existing item keeps its content', async () => {
    const rest = await open();
    try {
      await createLocalLibrary(rest, 'lib-complete', datastore);
      await publishToLibrary(rest, { source: await pkg(folder), library: 'lib-complete', item: 'web' });
      const before = await held(sim());
      await sim().inject({ kind: 'libraryError', method: 'update-session.complete', status: 500 });
      await assert.rejects(publishToLibrary(rest, { source: await pkg(folder2), library: 'lib-complete', item: 'web' }), /update-session\?action=complete: ERROR \(HTTP 500\)/);
      assert.deepEqual(await held(sim()), before);
    } finally {
      await rest.close();
    }
  });

  describe('--pull: vCenter fetches the files from a URL', () => {
    let server: http.Server;
    let base: string;
    /** A file the web server answers 404 for when vCenter (the simulator's Go client) asks, after ovfkit saw it. */
    let missing = '';
    before(async () => {
      server = http.createServer((req, res) => {
        const file = path.join(folder, path.basename(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
        if (!fs.existsSync(file) || (path.basename(file) === missing && /^Go-http-client/.test(req.headers['user-agent'] ?? ''))) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-length': fs.statSync(file).size });
        fs.createReadStream(file).pipe(res);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    it('publishes from a 127.0.0.1 web server by pull: the same files as a push', async () => {
      const rest = await open();
      try {
        await createLocalLibrary(rest, 'lib-pull', datastore);
        const r = await publishToLibrary(rest, { source: await pkg(`${base}/web.ovf`), library: 'lib-pull', item: 'web', pull: true, pollMs: 50 });
        assert.deepEqual([r.changed, r.created], [true, true]);
        const lib = (await sim().library()).items.find((i) => i.id === r.itemId);
        assert.deepEqual(lib?.files.map((f) => ({ name: f.name, size: f.size, checksum_info: f.checksum_info })), folderFiles(folder));
      } finally {
        await rest.close();
      }
    });

    it('a file vCenter cannot fetch fails the publish with vCenter\'s reason; no item, no session is left', async () => {
      const rest = await open();
      try {
        await createLocalLibrary(rest, 'lib-pull-bad', datastore);
        const before = await held(sim());
        missing = 'web01-disk1.vmdk';
        const source = await pkg(`${base}/web.ovf`);
        await assert.rejects(publishToLibrary(rest, { source, library: 'lib-pull-bad', item: 'web', pull: true, pollMs: 50 }), (e: unknown) => isOvfkitError(e) && /^vCenter could not fetch web01-disk1\.vmdk: http:\/\/127\.0\.0\.1:\d+\/web01-disk1\.vmdk answered HTTP 404$/.test(e.message));
        missing = '';
        const after = await held(sim());
        assert.deepEqual(after.items, before.items);
        assert.equal(after.activeSessions, 0);
      } finally {
        await rest.close();
      }
    });

    it('--pull of a folder or .ova is refused before anything is created', async () => {
      const rest = await open();
      try {
        const before = await held(sim());
        const refused = async (vocabulary: 'cli' | 'pulumi'): Promise<string> => {
          const source = await pkg(web.ova);
          try {
            await publishToLibrary(rest, { source, library: 'lib-pull', item: 'x', pull: true, vocabulary });
          } catch (e) {
            return (e as Error).message;
          }
          return 'published';
        };
        assert.deepEqual({ cli: await refused('cli'), pulumi: await refused('pulumi') }, {
          cli: `--pull needs the URL of an .ovf (vCenter fetches each file beside it); ${web.ova} is a ova source`,
          pulumi: `pull: true needs the URL of an .ovf (vCenter fetches each file beside it); ${web.ova} is a ova source`,
        });
        assert.deepEqual(await held(sim()), before);
      } finally {
        await rest.close();
      }
    });
  });
});

describe('ovfkit library create / publish (simulator)', function () {
  this.timeout(120_000);
  const sim = useSimulator();
  let web: BuiltPackage;
  const env = (): NodeJS.ProcessEnv => ({ VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint });

  before(async () => {
    web = await buildOva(path.join(tmp, 'cli-web'), 'web', [{ id: 'web01', cpus: 1, memoryMB: 512, disksMiB: [4], nics: ['VM Network'], randomKiB: 64 }]);
  });

  it('creates a library, publishes an .ova with plain progress, then says nothing was sent the second time; --json has the result', async () => {
    const created = await runCli(['library', 'create', 'templates', '--datastore', '/DC0/datastore/LocalDS_0'], env());
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^created content library "templates" \([0-9a-f-]{36}\)\n$/);
    const first = await runCli(['library', 'publish', web.ova, '--library', 'templates', '--item', 'web', '--progress', 'plain'], env());
    assert.equal(first.code, 0, first.stderr);
    const size = fs.statSync(web.disks[0]!).size;
    const mfSize = (await held(sim())).items[0]!.files.map((f) => f as { name: string; size: number }).find((f) => f.name === 'web.mf')!.size;
    assert.match(first.stdout, new RegExp(`^published library item "web" \\([0-9a-f-]{36}, content version 2\\): 3 files, ${Buffer.byteLength(web.descriptor) + size + mfSize} bytes\\n$`));
    assert.deepEqual(first.stderr.split('\n').filter((l) => / done$/.test(l)).map((l) => l.split(':')[0]), ['web.ovf', 'web01-disk1.vmdk', 'web.mf']);
    const again = await runCli(['library', 'publish', web.ova, '--library', 'templates', '--item', 'web', '--json'], env());
    assert.equal(again.code, 0, again.stderr);
    const r = JSON.parse(again.stdout) as { changed: boolean; created: boolean; contentVersion: string; bytes: number; files: { name: string }[] };
    assert.deepEqual([r.changed, r.created, r.contentVersion, r.bytes, r.files.map((f) => f.name)], [false, false, '2', 0, ['web.ovf', 'web01-disk1.vmdk', 'web.mf']]);
  });

  it('an unknown library is a clear error and creates nothing', async () => {
    const before = await held(sim());
    const r = await runCli(['library', 'publish', web.ova, '--library', 'nope', '--item', 'web'], env());
    assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', 'ovfkit: no content library named "nope"\n']);
    assert.deepEqual(await held(sim()), before);
  });
});

describe('ovfkit plan library:LIB/ITEM (simulator)', function () {
  this.timeout(120_000);
  const sim = useSimulator();
  let web: BuiltPackage;
  const env = (): NodeJS.ProcessEnv => ({ VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint });
  const product = '<ProductSection><Info>p</Info><Property ovf:key="hostname" ovf:type="string" ovf:value="web"/><Property ovf:key="port" ovf:type="uint16" ovf:qualifiers="MinValue(1) MaxValue(1024)" ovf:value="80"/></ProductSection>';

  before(async () => {
    web = await buildOva(path.join(tmp, 'plan-web'), 'web', [{ id: 'web01', cpus: 1, memoryMB: 512, disksMiB: [4], nics: ['VM Network'], sections: product }]);
    const created = await runCli(['library', 'create', 'templates', '--datastore', '/DC0/datastore/LocalDS_0'], env());
    assert.equal(created.code, 0, created.stderr);
    const published = await runCli(['library', 'publish', web.ova, '--library', 'templates', '--item', 'web'], env());
    assert.equal(published.code, 0, published.stderr);
  });

  it('plans the item as the .ova it was published from (against the server\'s inventory): the same digest, VMs, properties and issues; the package is the library item', async () => {
    const flags = ['--prop', 'port=99999', '--prop', 'nosuch=1', '--json'];
    const snap = path.join(tmp, 'plan-web-snap.json');
    assert.equal((await runCli(['inventory', 'capture', '--skip-libraries', '--out', snap], env())).code, 0);
    const file = await runCli(['plan', web.ova, '--inventory', snap, ...flags]);
    const item = await runCli(['plan', 'library:templates/web', ...flags], env());
    assert.deepEqual([file.code, item.code], [1, 1], item.stderr);
    const a = JSON.parse(file.stdout) as Record<string, unknown> & { package: { form: string; location: string; files: { present: unknown }[] } };
    const b = JSON.parse(item.stdout) as typeof a;
    for (const k of ['descriptorDigest', 'entityName', 'vms', 'properties', 'networks', 'disks', 'errors', 'warnings', 'ok']) assert.deepEqual(b[k], a[k], k);
    assert.ok((a['errors'] as unknown[]).length >= 2);
    assert.deepEqual([b.package.form, b.package.location, b.package.files.map((f) => f.present)], ['library', 'library:templates/web', [true]]);
    assert.equal((await sim().library()).downloadSessions.length, 0);
  });

  it('inventory capture records the library and its OVF item (ids, files, descriptor with the plan\'s digest); --skip-libraries leaves them out', async () => {
    const snap = path.join(tmp, 'lib-snap.json');
    const r = await runCli(['inventory', 'capture', '--out', snap], env());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /, 1 content libraries \(1 OVF items\)\n$/);
    const inv = JSON.parse(fs.readFileSync(snap, 'utf8')) as { libraries: { name: string; id: string; type: string; items: { name: string; id: string; contentVersion: string; files: { name: string; size: number }[]; descriptor: { name: string; digest: string; text: string }; manifest: { name: string } }[] }[] };
    const live = (await sim().library()).items.find((i) => i.name === 'web')!;
    const planned = JSON.parse((await runCli(['plan', web.ova, '--json'])).stdout) as { descriptorDigest: string };
    const [lib] = inv.libraries;
    assert.deepEqual(
      [inv.libraries.length, lib!.name, lib!.type, lib!.items.map((i) => [i.name, i.id, i.contentVersion, i.files.map((f) => f.name), i.descriptor.name, i.descriptor.digest, i.descriptor.text, i.manifest.name])],
      [1, 'templates', 'LOCAL', [['web', live.id, live.content_version, ['web.mf', 'web.ovf', 'web01-disk1.vmdk'], 'web.ovf', planned.descriptorDigest, web.descriptor, 'web.mf']]],
    );
    assert.deepEqual(lib!.items[0]!.files.map((f) => f.size), live.files.map((f) => (f as { size: number }).size));
    assert.equal((await sim().library()).downloadSessions.length, 0);
    const skipped = await runCli(['inventory', 'capture', '--skip-libraries'], env());
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.equal((JSON.parse(skipped.stdout) as { libraries?: unknown }).libraries, undefined);
  });

  it('plan library:LIB/ITEM --inventory checks the captured item offline (no credentials): the same plan as the live item, the same issues as the .ova', async () => {
    const snap = path.join(tmp, 'lib-snap-offline.json');
    assert.equal((await runCli(['inventory', 'capture', '--out', snap], env())).code, 0);
    const inventory = checkInventory(JSON.parse(fs.readFileSync(snap, 'utf8'))).inventory!;
    // In process: the snapshot's item and the live item give one plan, whole.
    const session = await VimSession.connect({ server: sim().sdkUrl, userName: sim().username, password: sim().password, thumbprint: sim().thumbprint });
    try {
      const rest = await RestClient.open(session, { userName: sim().username, password: sim().password });
      const options = { inventory, networkMapping: { 'VM Network': 'DC0_DVPG0' }, signature: { policy: 'verify' as const } };
      const livePlan = (await planPackage(await librarySource(rest, 'library:templates/web'), options)).plan;
      await rest.close();
      const offlinePlan = (await planPackage(snapshotLibrarySource(inventory, 'library:templates/web'), options)).plan;
      assert.deepEqual(offlinePlan, livePlan);
      assert.deepEqual(livePlan.errors, []);
    } finally {
      await session.logout();
    }
    // The CLI with no server, user or password anywhere: the .ova's issues, whole.
    const before = (await sim().library()).calls;
    const flags = ['--inventory', snap, '--net', 'VM Network=VM Netwrok', '--prop', 'port=99999', '--pool', 'DC0_C0', '--json'];
    const file = await runCli(['plan', web.ova, ...flags]);
    const item = await runCli(['plan', 'library:templates/web', ...flags], {});
    assert.deepEqual([file.code, item.code], [1, 1], item.stderr);
    const [a, b] = [JSON.parse(file.stdout), JSON.parse(item.stdout)] as { errors: { code: string }[]; warnings: unknown[]; package: { form: string } }[];
    assert.deepEqual([b!.errors, b!.warnings], [a!.errors, a!.warnings]);
    assert.deepEqual(a!.errors.map((e) => e.code).sort(), ['PROPERTY_NOT_USER_CONFIGURABLE', 'PROPERTY_VALUE_INVALID', 'UNKNOWN_MAPPED_NETWORK']);
    assert.equal(b!.package.form, 'library');
    assert.deepEqual((await sim().library()).calls, before);
    // A snapshot changed by hand after capture is refused with where and why.
    const tampered = path.join(tmp, 'lib-snap-tampered.json');
    fs.writeFileSync(tampered, fs.readFileSync(snap, 'utf8').replace('ovf:value=\\"80\\"', 'ovf:value=\\"81\\"'));
    const t = await runCli(['plan', 'library:templates/web', '--inventory', tampered], {});
    assert.deepEqual([t.code, t.stdout], [2, '']);
    assert.match(t.stderr, /^ovfkit: the inventory snapshot .* has 1 problem\(s\):\n  \$\.libraries\[0\]\.items\[0\]\.descriptor\.digest: digest does not match the content; /);
    const unknown = await runCli(['plan', 'library:templates/nope', '--inventory', snap], {});
    assert.deepEqual([unknown.code, unknown.stderr], [2, 'ovfkit: content library "templates" has no OVF item "nope" in the inventory snapshot\n']);
  });

  it('an unknown item is a clear error; a library source needs the connection flags', async () => {
    const r = await runCli(['plan', 'library:templates/nope'], env());
    assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', 'ovfkit: content library "templates" has no item "nope"\n']);
    const n = await runCli(['plan', 'library:templates/web'], {});
    assert.deepEqual([n.code, n.stdout, n.stderr], [2, '', 'ovfkit: no vSphere server: pass --server or set VSPHERE_SERVER (or GOVC_URL)\n']);
  });
});

describe('deploy a library item through ovf/library-item?action=deploy (simulator)', function () {
  this.timeout(120_000);
  const sim = useSimulator();
  let session: VimSession;
  let itemId: string;
  const product = '<ProductSection><Info>p</Info><Property ovf:key="hostname" ovf:type="string" ovf:value="web"/></ProductSection>';

  before(async () => {
    const web = await buildOva(path.join(tmp, 'deploy-web'), 'web', [{ id: 'web01', cpus: 2, memoryMB: 768, disksMiB: [4], nics: ['VM Network'], sections: product }]);
    session = await VimSession.connect({ server: sim().sdkUrl, userName: sim().username, password: sim().password, thumbprint: sim().thumbprint });
    const rest = await RestClient.open(session, { userName: sim().username, password: sim().password });
    try {
      await createLocalLibrary(rest, 'deploys', (await new Inventory(session).get('/DC0/datastore/LocalDS_0', 'datastore')).value);
      itemId = (await publishToLibrary(rest, { source: await pkg(web.ova), library: 'deploys', item: 'web' })).itemId;
    } finally {
      await rest.close();
    }
  });
  after(async () => session?.logout());

  for (const form of ['api', 'rest'] as const) {
    it(`deploys a VM with a property and a network mapping (${form} form): its hardware, property and network are the descriptor's and the flags'`, async () => {
      const rest = await RestClient.open(session, { userName: sim().username, password: sim().password, form });
      try {
        const r = await deployLibraryItem(rest, session, { itemId, name: `lib-${form}`, pool: 'DC0_C0/Resources', networkMapping: { 'VM Network': 'DC0_DVPG0' }, propertyMapping: { hostname: `h-${form}` } });
        assert.deepEqual(r.warnings, []);
        const p = await session.properties(r.entity, ['name', 'config.hardware.numCPU', 'config.hardware.memoryMB', 'network', 'config.vAppConfig']);
        const props = ([] as { id: string; value?: string }[]).concat((p['config.vAppConfig'] as { property?: { id: string; value?: string } | { id: string; value?: string }[] }).property ?? []).map((x) => [x.id, x.value]);
        const dvpg = await new Inventory(session).get('/DC0/network/DC0_DVPG0', 'network');
        assert.deepEqual([p['name'], p['config.hardware.numCPU'], p['config.hardware.memoryMB'], (p['network'] as { value: string }[]).map((n) => n.value), props], [`lib-${form}`, 2, 768, [dvpg.value], [['hostname', `h-${form}`]]]);
      } finally {
        await rest.close();
      }
    });
  }

  it('a deployment vCenter refuses (a network name the descriptor lacks) or that fails after its uploads leaves no VM and no open lease', async () => {
    const rest = await RestClient.open(session, { userName: sim().username, password: sim().password });
    try {
      const before = (await sim().state()).virtualMachines;
      await assert.rejects(deployLibraryItem(rest, session, { itemId, name: 'lib-bad-net', pool: 'DC0_C0/Resources', networkMapping: { Nope: 'DC0_DVPG0' } }), (e: unknown) => isOvfkitError(e) && e.message === `vCenter did not deploy library item ${itemId}: INPUT: network_mappings names "Nope", which the descriptor does not have`);
      await sim().inject({ kind: 'libraryDeployFail' });
      await assert.rejects(deployLibraryItem(rest, session, { itemId, name: 'lib-fail', pool: 'DC0_C0/Resources' }), (e: unknown) => isOvfkitError(e) && e.message === `vCenter did not deploy library item ${itemId}: SERVER: injected deploy failure`);
      const after = await sim().state();
      assert.deepEqual(after.virtualMachines, before);
      assert.deepEqual(after.leases.filter((l) => l.state === 'ready' || l.state === 'initializing'), []);
    } finally {
      await rest.close();
    }
  });
});

describe('ovfkit import library:LIB/ITEM and the live plan with vCenter\'s filter (simulator)', function () {
  this.timeout(180_000);
  const sim = useSimulator();
  let web: BuiltPackage;
  const env = (): NodeJS.ProcessEnv => ({ VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint });
  const product = '<ProductSection><Info>p</Info><Property ovf:key="hostname" ovf:type="string" ovf:userConfigurable="true" ovf:value="web"/><Property ovf:key="port" ovf:type="uint16" ovf:qualifiers="MinValue(1) MaxValue(1024)" ovf:userConfigurable="true" ovf:value="80"/></ProductSection>';
  /** What the simulator holds that a refused or failed import must not change. */
  const leftovers = async (): Promise<unknown> => {
    const st = await sim().state();
    const lib = await sim().library();
    return { vms: st.virtualMachines, openLeases: st.leases.filter((l) => l.state === 'ready' || l.state === 'initializing').length, deploys: lib.calls['library-item.deploy'] ?? 0, downloads: lib.downloadSessions.length, active: lib.updateSessions.filter((u) => u.state === 'ACTIVE').length };
  };

  before(async () => {
    web = await buildOva(path.join(tmp, 'import-web'), 'web', [{ id: 'web01', cpus: 2, memoryMB: 768, disksMiB: [4], nics: ['VM Network'], sections: product }]);
    assert.equal((await runCli(['library', 'create', 'templates', '--datastore', '/DC0/datastore/LocalDS_0'], env())).code, 0);
    assert.equal((await runCli(['library', 'publish', web.ova, '--library', 'templates', '--item', 'web'], env())).code, 0);
  });

  it('deploys the item with properties, a network mapping and power-on: the VM\'s hardware, property values and network are the descriptor\'s and the flags\'', async () => {
    const r = await runCli(['import', 'library:templates/web', '--pool', 'DC0_C0', '--net', 'VM Network=DC0_DVPG0', '--prop', 'hostname=lib-a', '--prop', 'port=443', '--name', 'lib-a', '--power-on', '--json'], env());
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout) as { entity: { type: string; value: string }; name: string; libraryItem: string; poweredOn: boolean; warning: unknown[] };
    const item = (await sim().library()).items.find((i) => i.name === 'web')!;
    assert.deepEqual([out.entity.type, out.name, out.libraryItem, out.poweredOn, out.warning], ['VirtualMachine', 'lib-a', item.id, true, []]);
    const session = await VimSession.connect({ server: sim().sdkUrl, userName: sim().username, password: sim().password, thumbprint: sim().thumbprint });
    try {
      const p = await session.properties(out.entity, ['name', 'config.hardware.numCPU', 'config.hardware.memoryMB', 'network', 'config.vAppConfig', 'runtime.powerState']);
      const props = ([] as { id: string; value?: string }[]).concat((p['config.vAppConfig'] as { property?: { id: string; value?: string } | { id: string; value?: string }[] }).property ?? []).map((x) => [x.id, x.value]);
      const dvpg = await new Inventory(session).get('/DC0/network/DC0_DVPG0', 'network');
      assert.deepEqual(
        [p['name'], p['config.hardware.numCPU'], p['config.hardware.memoryMB'], (p['network'] as { value: string }[]).map((n) => n.value), props, p['runtime.powerState']],
        ['lib-a', 2, 768, [dvpg.value], [['hostname', 'lib-a'], ['port', '443']], 'poweredOn'],
      );
    } finally {
      await session.logout();
    }
    const text = await runCli(['import', 'library:templates/web', '--pool', 'DC0_C0', '--name', 'lib-b'], env());
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^imported VirtualMachine vm-\\d+ "lib-b" from library item library:templates/web \\(${item.id}\\)\\nsignature: none \\(the package is not signed\\)\\n$`));
  });

  it('a broken property value or an unknown network is refused by the plan with the file import\'s issues, whole; nothing is created or deployed', async () => {
    const before = await leftovers();
    for (const flags of [['--prop', 'port=99999'], ['--net', 'VM Network=Nope'], ['--prop', 'nosuch=1', '--net', 'Nope=DC0_DVPG0']]) {
      const args = ['--pool', 'DC0_C0', '--name', 'lib-refused', ...flags, '--json'];
      const file = await runCli(['import', web.ova, ...args], env());
      const lib = await runCli(['import', 'library:templates/web', ...args], env());
      assert.deepEqual([file.code, lib.code], [1, 1], lib.stdout + lib.stderr);
      const [a, b] = [JSON.parse(file.stdout), JSON.parse(lib.stdout)] as { refusedBy: string; error: { code: string }[]; warning: unknown[] }[];
      assert.deepEqual(b, a, flags.join(' '));
      assert.equal(b!.refusedBy, 'plan');
      assert.ok(b!.error.length >= 1);
    }
    assert.deepEqual(await leftovers(), before);
  });

  it('a deployment that fails after its uploads is reported in the issue shape and leaves no VM, lease or session; a changed descriptor is refused before deploying', async () => {
    const before = await leftovers();
    await sim().inject({ kind: 'libraryDeployFail' });
    const r = await runCli(['import', 'library:templates/web', '--pool', 'DC0_C0', '--name', 'lib-fail', '--json'], env());
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { refusedBy: 'vSphere', error: [{ code: 'OvfInternalError', type: 'OvfInternalError', message: 'SERVER: injected deploy failure' }], warning: [] });
    const after = (await leftovers()) as { deploys: number };
    assert.deepEqual(after, { ...(before as object), deploys: (before as { deploys: number }).deploys + 1 });
    const stale = await runCli(['import', 'library:templates/web', '--pool', 'DC0_C0', '--name', 'lib-stale', '--expect-digest', `sha256:${'0'.repeat(64)}`], env());
    assert.equal(stale.code, 2);
    assert.match(stale.stderr, /^ovfkit: the package changed since it was planned: the descriptor of library:templates\/web is sha256:[0-9a-f]{64}, the plan expected sha256:0{64}; nothing was deployed/);
    assert.deepEqual(await leftovers(), after);
    const misuse = await runCli(['import', 'library:templates/web', '--template'], env());
    assert.deepEqual([misuse.code, misuse.stderr], [2, 'ovfkit: --template does not apply to a library item (vCenter deploys it); leave it out\n']);
  });

  it('in the /rest form too: the live plan asks the filter (no finding for this item) and importLibraryItem deploys with a property', async () => {
    const session = await VimSession.connect({ server: sim().sdkUrl, userName: sim().username, password: sim().password, thumbprint: sim().thumbprint });
    const rest = await RestClient.open(session, { userName: sim().username, password: sim().password, form: 'rest' });
    try {
      const live = await planLibraryItem(rest, session, 'library:templates/web', { resourcePool: 'DC0_C0', signature: { policy: 'verify' } });
      assert.deepEqual([live.filtered, live.planned.plan.errors, live.planned.plan.warnings.filter((w) => w.source === 'libraryFilter')], [true, [], []]);
      const r = await importLibraryItem(rest, session, { source: 'library:templates/web', pool: 'DC0_C0', name: 'lib-rest', propertyMapping: { port: '22' } });
      const p = await session.properties(r.entity, ['name', 'config.vAppConfig']);
      const props = ([] as { id: string; value?: string }[]).concat((p['config.vAppConfig'] as { property?: { id: string; value?: string }[] }).property ?? []).map((x) => [x.id, x.value]);
      assert.deepEqual([p['name'], props, r.warning, r.poweredOn], ['lib-rest', [['hostname', undefined], ['port', '22']], [], false]);
    } finally {
      await rest.close();
      await session.logout();
    }
  });

  it('a power-on that fails after the deployment destroys the new VM: the error is vSphere\'s, nothing is left', async () => {
    const before = await leftovers();
    await sim().inject({ kind: 'fault', method: 'PowerOnVM_Task', fault: 'InvalidState', asTask: true });
    const r = await runCli(['import', 'library:templates/web', '--pool', 'DC0_C0', '--name', 'lib-poweron', '--power-on'], env());
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /InvalidState/);
    const after = (await leftovers()) as { deploys: number };
    assert.deepEqual(after, { ...(before as object), deploys: (before as { deploys: number }).deploys + 1 });
  });

  it('the live plan checks the item against the server\'s inventory and asks vCenter\'s filter for the target; the same plan as the file against a captured snapshot', async () => {
    const calls = async (): Promise<number> => (await sim().library()).calls['library-item.filter'] ?? 0;
    const snap = path.join(tmp, 'import-snap.json');
    assert.equal((await runCli(['inventory', 'capture', '--out', snap], env())).code, 0);
    const n = await calls();
    const flags = ['--pool', 'DC0_C0', '--net', 'VM Network=VM Netwrok', '--prop', 'port=99999', '--json'];
    const live = await runCli(['plan', 'library:templates/web', ...flags], env());
    assert.equal(live.code, 1, live.stderr);
    assert.equal(await calls(), n + 1);
    const file = await runCli(['plan', web.ova, '--inventory', snap, ...flags]);
    const [a, b] = [JSON.parse(file.stdout), JSON.parse(live.stdout)] as { errors: { code: string; source: string }[]; warnings: unknown[] }[];
    assert.deepEqual([b!.errors, b!.warnings], [a!.errors, a!.warnings]);
    assert.deepEqual(b!.errors.map((e) => `${e.source} ${e.code}`), ['createImportSpec PROPERTY_VALUE_INVALID', 'createImportSpec UNKNOWN_MAPPED_NETWORK']);
    assert.equal((await sim().library()).downloadSessions.length, 0);
    // No pool given and two in the datacenter: no deployment target, so nothing to filter for.
    const noPool = await runCli(['plan', 'library:templates/web', '--json'], env());
    assert.deepEqual([noPool.code, await calls()], [0, n + 1], noPool.stdout);
  });
});

describe('ovfkit export --to-library (createOvf) and a deployment from that item (simulator)', function () {
  this.timeout(180_000);
  const sim = useSimulator();
  const env = (): NodeJS.ProcessEnv => ({ VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint });
  const hardware = async (ref: { type: string; value: string }): Promise<unknown[]> => {
    const session = await VimSession.connect({ server: sim().sdkUrl, userName: sim().username, password: sim().password, thumbprint: sim().thumbprint });
    try {
      const p = await session.properties(ref, ['config.hardware.numCPU', 'config.hardware.memoryMB', 'config.hardware.device']);
      const devices = ([] as { _typeName: string; capacityInKB?: number }[]).concat((p['config.hardware.device'] as never) ?? []);
      return [p['config.hardware.numCPU'], p['config.hardware.memoryMB'], devices.filter((d) => d._typeName === 'VirtualDisk').map((d) => d.capacityInKB)];
    } finally {
      await session.logout();
    }
  };

  before(async () => {
    const web = await buildOva(path.join(tmp, 'export-web'), 'web', [{ id: 'web01', cpus: 2, memoryMB: 1024, disksMiB: [8], nics: ['VM Network'], randomKiB: 64 }]);
    assert.equal((await runCli(['library', 'create', 'exports', '--datastore', '/DC0/datastore/LocalDS_0'], env())).code, 0);
    const imported = await runCli(['import', web.ova, '--pool', 'DC0_C0', '--name', 'src-vm', '--json'], env());
    assert.equal(imported.code, 0, imported.stderr);
  });

  it('exports a VM into a new item (descriptor + disk, made by vCenter), then deploys a VM from it with the same hardware; a second export replaces the content', async () => {
    const r = await runCli(['export', '/DC0/vm/src-vm', '--to-library', 'exports', '--item', 'src-copy', '--description', 'from src-vm', '--json'], env());
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout) as { entity: { type: string; value: string }; itemId: string; created: boolean; contentVersion: string; files: { name: string; size: number }[] };
    assert.deepEqual([out.created, out.contentVersion, out.files.map((f) => f.name).sort()], [true, '2', ['src-copy-1.vmdk', 'src-copy.ovf']]);
    const held = (await sim().library()).items.find((i) => i.id === out.itemId)!;
    assert.deepEqual(held.files.map((f) => (f as { name: string }).name).sort(), ['src-copy-1.vmdk', 'src-copy.ovf']);
    const plan = await runCli(['plan', 'library:exports/src-copy', '--pool', 'DC0_C0', '--json'], env());
    const p = JSON.parse(plan.stdout) as { ok: boolean; errors: unknown[]; package: { files: { present: unknown }[] } };
    assert.deepEqual([plan.code, p.errors, p.package.files.map((f) => f.present)], [0, [], [true]], plan.stdout);
    const d = await runCli(['import', 'library:exports/src-copy', '--pool', 'DC0_C0', '--name', 'from-export', '--json'], env());
    assert.equal(d.code, 0, d.stdout + d.stderr);
    const deployed = (JSON.parse(d.stdout) as { entity: { type: string; value: string } }).entity;
    assert.deepEqual(await hardware(deployed), await hardware(out.entity));
    assert.deepEqual((await hardware(deployed)).slice(0, 2), [2, 1024]);
    const again = await runCli(['export', '/DC0/vm/src-vm', '--to-library', 'exports', '--item', 'src-copy', '--json'], env());
    assert.equal(again.code, 0, again.stderr);
    const a = JSON.parse(again.stdout) as { itemId: string; created: boolean; contentVersion: string };
    assert.deepEqual([a.itemId, a.created, a.contentVersion], [out.itemId, false, '3']);
  });

  it('an export vCenter fails (after its downloads) or refuses (a powered-on VM) leaves no item and no open lease; flags that do not apply are refused', async () => {
    const items = async (): Promise<string[]> => (await sim().library()).items.map((i) => i.name).sort();
    const before = await items();
    await sim().inject({ kind: 'libraryCreateOvfFail' });
    const failed = await runCli(['export', '/DC0/vm/src-vm', '--to-library', 'exports', '--item', 'never'], env());
    assert.deepEqual([failed.code, failed.stderr], [2, `ovfkit: vCenter did not export VirtualMachine ${(await sim().state()).virtualMachines.find((v) => v.name === 'src-vm')!.ref.split(':').pop()} to library exports: SERVER: injected createOvf failure\n`]);
    const on = await runCli(['import', path.join(tmp, 'export-web', 'web.ova'), '--pool', 'DC0_C0', '--name', 'running', '--power-on'], env());
    assert.equal(on.code, 0, on.stderr);
    const refused = await runCli(['export', '/DC0/vm/running', '--to-library', 'exports', '--item', 'never'], env());
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^ovfkit: vCenter did not export VirtualMachine vm-\d+ to library exports: SERVER: ServerFaultCode: The attempted operation cannot be performed in the current state \(Powered on\)\.\n$/);
    assert.deepEqual(await items(), before);
    assert.deepEqual((await sim().state()).leases.filter((l) => l.state === 'ready' || l.state === 'initializing'), []);
    const misuse = await runCli(['export', '/DC0/vm/src-vm', '--to-library', 'exports', '--item', 'x', '--chunk-size', '1M'], env());
    assert.deepEqual([misuse.code, misuse.stderr], [2, 'ovfkit: --chunk-size does not apply to --to-library (vCenter writes the item\'s files; the item is named by --item)\n']);
  });
});
