import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from 'ovfkit';
import { corpusRoot, itCorpus, repoRoot } from './paths';
import { runCli } from './run-cli';

/** Runs the CLI in-process from `cwd`, with an empty environment. */
const cli = (argv: string[], cwd: string): ReturnType<typeof runCli> => runCli(argv, {}, cwd);

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const sh = (cmd: string, args: string[], cwd?: string): Buffer => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

/** A package folder with a real streamOptimized VMDK made by qemu-img. */
function makePackage(dir: string): { disk: Buffer; ovf: string } {
  fs.mkdirSync(dir, { recursive: true });
  const raw = path.join(dir, 'disk.raw');
  const b = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < b.length; i += 512) b.write(`sector ${i / 512}\n`, i);
  fs.writeFileSync(raw, b);
  sh('qemu-img', ['convert', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', raw, path.join(dir, 'web01-disk1.vmdk')]);
  fs.rmSync(raw);
  const disk = fs.readFileSync(path.join(dir, 'web01-disk1.vmdk'));
  const ovf = `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References><File ovf:href="web01-disk1.vmdk" ovf:id="file1" ovf:size="${disk.length}"/></References>
  <VirtualSystem ovf:id="web01"><Info>cli test</Info></VirtualSystem>
</Envelope>
`;
  fs.writeFileSync(path.join(dir, 'web01.ovf'), ovf);
  return { disk, ovf };
}

describe('ovfkit manifest and ova commands', function () {
  this.timeout(120_000);
  let root: string;
  let pkg: ReturnType<typeof makePackage>;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-cli-pkg-'));
    pkg = makePackage(path.join(root, 'web01'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('manifest create writes canonical SHA256 lines for the descriptor and every referenced file', async () => {
    const r = await cli(['manifest', 'create', 'web01'], root);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(root, 'web01', 'web01.mf'), 'utf8'), `SHA256(web01.ovf)= ${sha256(pkg.ovf)}\nSHA256(web01-disk1.vmdk)= ${sha256(pkg.disk)}\n`);
    const again = await cli(['manifest', 'create', 'web01'], root);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists; pass --force/);
  });

  it('manifest verify passes a good folder and prints what it checked', async () => {
    const r = await cli(['manifest', 'verify', 'web01'], root);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /manifest {5}web01\.mf: 2 of 2 digests match/);
    assert.match(r.stdout, /^OK$/m);
  });

  it('ova pack writes the descriptor first and GNU tar extracts the same bytes', async () => {
    const r = await cli(['ova', 'pack', 'web01', 'web01.ova', '--json'], root);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout) as { members: { name: string }[] };
    assert.deepEqual(out.members.map((m) => m.name), ['web01.ovf', 'web01.mf', 'web01-disk1.vmdk']);
    assert.deepEqual(sh('tar', ['-tf', 'web01.ova'], root).toString().trim().split('\n'), ['web01.ovf', 'web01.mf', 'web01-disk1.vmdk']);
    assert.ok(sh('tar', ['-xOf', 'web01.ova', 'web01-disk1.vmdk'], root).equals(pkg.disk));
  });

  it('ova pack refuses to ship a manifest that no longer matches the files, and leaves no output', async () => {
    const dir = path.join(root, 'stale');
    fs.mkdirSync(dir);
    for (const f of fs.readdirSync(path.join(root, 'web01'))) fs.copyFileSync(path.join(root, 'web01', f), path.join(dir, f));
    fs.appendFileSync(path.join(dir, 'web01.mf'), '');
    const disk = fs.readFileSync(path.join(dir, 'web01-disk1.vmdk'));
    disk[disk.length - 1] = (disk[disk.length - 1] ?? 0) ^ 1;
    fs.writeFileSync(path.join(dir, 'web01-disk1.vmdk'), disk);
    const r = await cli(['ova', 'pack', 'stale', 'stale.ova'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /web01\.mf does not match the files being packed: web01-disk1\.vmdk differs/);
    assert.deepEqual(fs.readdirSync(root).filter((n) => n.includes('stale.ova')), []);
    assert.equal((await cli(['ova', 'pack', 'stale', 'stale.ova', '--manifest', 'create'], root)).code, 0);
  });

  it('manifest verify reads the .ova in one pass, with --json as data', async () => {
    const r = await cli(['manifest', 'verify', 'web01.ova', '--json'], root);
    assert.equal(r.code, 0, r.stdout);
    const v = JSON.parse(r.stdout) as { ok: boolean; issues: unknown[]; manifest: { checked: { name: string; ok: boolean }[] } };
    assert.deepEqual(v.issues, []);
    assert.deepEqual(v.manifest.checked.map((c) => [c.name, c.ok]), [['web01.ovf', true], ['web01-disk1.vmdk', true]]);
  });

  it('parse accepts an .ova and reads only its descriptor', async () => {
    const r = await cli(['parse', 'web01.ova'], root);
    assert.notEqual(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /^web01\.ova:web01\.ovf: virtual machine "web01"/);
  });

  it('ova unpack restores the folder exactly, and refuses to overwrite', async () => {
    const r = await cli(['ova', 'unpack', 'web01.ova', 'out'], root);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /unpacked 3 files .* 2 digests checked/);
    assert.deepEqual(fs.readdirSync(path.join(root, 'out')).sort(), ['web01-disk1.vmdk', 'web01.mf', 'web01.ovf']);
    assert.ok(fs.readFileSync(path.join(root, 'out', 'web01-disk1.vmdk')).equals(pkg.disk));
    const again = await cli(['ova', 'unpack', 'web01.ova', 'out'], root);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists; pass --force/);
    assert.deepEqual(fs.readdirSync(path.join(root, 'out')).sort(), ['web01-disk1.vmdk', 'web01.mf', 'web01.ovf'], 'no staging folder left behind');
  });

  it('ova unpack of a tampered OVA leaves nothing behind and exits 2 with the mismatch named', async () => {
    const bad = fs.readFileSync(path.join(root, 'web01.ova'));
    const at = bad.indexOf(Buffer.from('sector'), 4096) + 2; // inside the disk member's data... or the VMDK header
    const i = at > 10 ? at : bad.length - 2048;
    bad[i] = (bad[i] ?? 0) ^ 0xff;
    fs.writeFileSync(path.join(root, 'bad.ova'), bad);
    const r = await cli(['ova', 'unpack', 'bad.ova', 'bad-out'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /failed verification, nothing was unpacked/);
    assert.match(r.stderr, /MF_DIGEST_MISMATCH/);
    assert.equal(fs.existsSync(path.join(root, 'bad-out')), false);
    const v = await cli(['manifest', 'verify', 'bad.ova'], root);
    assert.equal(v.code, 1);
    assert.match(v.stdout, /FAILED: 1 error/);
  });

  it('ova unpack refuses an archive with a path climbing out of the destination, and writes nothing', async () => {
    const evil = path.join(root, 'evil');
    fs.mkdirSync(path.join(evil, 'a'), { recursive: true });
    fs.writeFileSync(path.join(evil, 'x.ovf'), '<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"/>');
    fs.writeFileSync(path.join(root, 'victim.txt'), 'original');
    sh('tar', ['-cPf', path.join(root, 'evil.ova'), 'x.ovf', 'a/../../victim.txt'], evil);
    const r = await cli(['ova', 'unpack', 'evil.ova', 'evil-out'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /escapes the archive/);
    assert.equal(fs.readFileSync(path.join(root, 'victim.txt'), 'utf8'), 'original');
    assert.equal(fs.existsSync(path.join(root, 'evil-out')), false);
  });

  it('ova pack repacks an out-of-order OVA into References order, keeping its manifest valid', async () => {
    const dir = path.join(root, 'two');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'a.vmdk'), Buffer.alloc(1000, 1));
    fs.writeFileSync(path.join(dir, 'b.vmdk'), Buffer.alloc(2000, 2));
    const ovf = `<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"><References><File ovf:href="a.vmdk" ovf:id="a" ovf:size="1000"/><File ovf:href="b.vmdk" ovf:id="b" ovf:size="2000"/></References><VirtualSystem ovf:id="v"><Info>x</Info></VirtualSystem></Envelope>`;
    fs.writeFileSync(path.join(dir, 'two.ovf'), ovf);
    assert.equal((await cli(['manifest', 'create', 'two'], root)).code, 0);
    sh('tar', ['--format=gnu', '-cf', path.join(root, 'disorder.ova'), 'two.ovf', 'two.mf', 'b.vmdk', 'a.vmdk'], dir);
    const before = JSON.parse((await cli(['manifest', 'verify', 'disorder.ova', '--json'], root)).stdout) as { issues: { code: string }[] };
    assert.deepEqual(before.issues.map((i) => i.code), ['OVA_FILE_ORDER']);
    const r = await cli(['ova', 'pack', 'disorder.ova', 'ordered.ova'], root);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(sh('tar', ['-tf', 'ordered.ova'], root).toString().trim().split('\n'), ['two.ovf', 'two.mf', 'a.vmdk', 'b.vmdk']);
    const after = await cli(['manifest', 'verify', 'ordered.ova', '--json'], root);
    assert.equal(after.code, 0);
    assert.deepEqual((JSON.parse(after.stdout) as { issues: unknown[] }).issues, []);
  });

  it('ova unpack --force does not write through a symbolic link already in the destination', async () => {
    const dest = path.join(root, 'linked');
    fs.mkdirSync(dest);
    fs.writeFileSync(path.join(root, 'elsewhere.vmdk'), 'keep me');
    fs.symlinkSync(path.join(root, 'elsewhere.vmdk'), path.join(dest, 'web01-disk1.vmdk'));
    const r = await cli(['ova', 'unpack', 'web01.ova', 'linked', '--force'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is a symbolic link; refusing to write through it/);
    assert.equal(fs.readFileSync(path.join(root, 'elsewhere.vmdk'), 'utf8'), 'keep me');
    assert.deepEqual(fs.readdirSync(dest), ['web01-disk1.vmdk'], 'nothing else left in the destination');
  });

  /** Every entry under `dir` (links not followed), as sorted relative paths, so a test sees all that changed. */
  const tree = (dir: string): string[] => (fs.readdirSync(dir, { recursive: true }) as string[]).sort();

  it('ova unpack refuses a dangling folder link in the destination before it writes anything', async () => {
    const src = path.join(root, 'nested');
    fs.mkdirSync(path.join(src, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(src, 'n.ovf'), '<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"/>');
    fs.writeFileSync(path.join(src, 'a.vmdk'), 'first');
    fs.writeFileSync(path.join(src, 'sub', 'b.vmdk'), 'second');
    sh('tar', ['--format=ustar', '-cf', path.join(root, 'nested.ova'), 'n.ovf', 'a.vmdk', 'sub/b.vmdk'], src);
    const dest = path.join(root, 'dangling');
    fs.mkdirSync(dest);
    const nowhere = path.join(root, 'nowhere');
    fs.symlinkSync(nowhere, path.join(dest, 'sub'));
    const r = await cli(['ova', 'unpack', 'nested.ova', 'dangling', '--force', '--json'], root);
    assert.equal(r.code, 2);
    assert.deepEqual(JSON.parse(r.stdout), { error: { code: 'UNSAFE_PATH', message: 'dangling/sub is a symbolic link; refusing to write sub/b.vmdk through it' } });
    assert.deepEqual(tree(dest), ['sub'], 'n.ovf and a.vmdk were not moved in, no staging folder is left');
    assert.equal(fs.existsSync(nowhere), false, 'nothing was created where the link points');
  });

  it('ova unpack --force with a folder where a file goes changes nothing, the old descriptor included', async () => {
    const dest = path.join(root, 'blocked');
    fs.mkdirSync(path.join(dest, 'web01-disk1.vmdk'), { recursive: true });
    fs.writeFileSync(path.join(dest, 'web01.ovf'), 'old descriptor');
    const r = await cli(['ova', 'unpack', 'web01.ova', 'blocked', '--force'], root);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'ovfkit: blocked/web01-disk1.vmdk is a folder; it cannot be replaced by the file web01-disk1.vmdk\n');
    assert.equal(fs.readFileSync(path.join(dest, 'web01.ovf'), 'utf8'), 'old descriptor');
    assert.deepEqual(tree(dest), ['web01-disk1.vmdk', 'web01.ovf']);
  });

  it('ova unpack --force replaces every file at once and leaves no set-aside copies', async () => {
    const dest = path.join(root, 'replaced');
    fs.mkdirSync(dest);
    fs.writeFileSync(path.join(dest, 'web01.ovf'), 'old descriptor');
    fs.writeFileSync(path.join(dest, 'keep.txt'), 'unrelated');
    const r = await cli(['ova', 'unpack', 'web01.ova', 'replaced', '--force'], root);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(dest, 'web01.ovf'), 'utf8'), pkg.ovf);
    assert.deepEqual(tree(dest), ['keep.txt', 'web01-disk1.vmdk', 'web01.mf', 'web01.ovf']);
  });

  it('ova unpack refuses a destination that is a dangling link or a file, and creates nothing', async () => {
    const nowhere = path.join(root, 'nowhere-dest');
    fs.symlinkSync(nowhere, path.join(root, 'dest-link'));
    const r = await cli(['ova', 'unpack', 'web01.ova', 'dest-link'], root);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'ovfkit: dest-link is a symbolic link to nothing (dangling); refusing to unpack through it\n');
    assert.equal(fs.existsSync(nowhere), false);
    fs.writeFileSync(path.join(root, 'dest-file'), 'a file');
    const f = await cli(['ova', 'unpack', 'web01.ova', 'dest-file', '--json'], root);
    assert.deepEqual(JSON.parse(f.stdout), { error: { code: 'IO', message: 'dest-file exists and is not a folder' } });
    assert.equal(fs.readFileSync(path.join(root, 'dest-file'), 'utf8'), 'a file');
  });

  it('ova unpack into new nested folders removes all of them when it fails', async () => {
    const r = await cli(['ova', 'unpack', 'bad.ova', 'deep/er/out'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /failed verification, nothing was unpacked/);
    assert.equal(fs.existsSync(path.join(root, 'deep')), false);
  });

  const bin = path.join(repoRoot, 'packages', 'cli', 'bin', 'ovfkit.js');

  it('ova unpack names a file too large for the process limit (EFBIG) and leaves nothing', () => {
    // A child process under `ulimit -f 16` (8 KiB): the disk cannot be written.
    const r = spawnSync('sh', ['-c', 'ulimit -f 16 && exec "$0" "$@"', process.execPath, bin, 'ova', 'unpack', 'web01.ova', 'fsz-out', '--json'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    const err = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
    assert.equal(err.code, 'IO');
    assert.equal(err.message, 'unpacking web01.ova into fsz-out: writing web01-disk1.vmdk: EFBIG: the file is larger than this process or file system allows');
    assert.equal(fs.existsSync(path.join(root, 'fsz-out')), false);
  });

  it('ova unpack names a full disk (ENOSPC) and leaves nothing on it', function () {
    // A 64 KiB tmpfs in a private mount namespace (unshare -rm): a real ENOSPC, no root needed.
    const mnt = fs.mkdtempSync(path.join(root, 'mnt-'));
    if (spawnSync('unshare', ['-rm', 'true']).status !== 0) this.skip();
    const script = 'mount -t tmpfs -o size=64k tmpfs "$1" && cd "$2" && "$3" "$4" ova unpack web01.ova "$1/out" --json; echo "exit:$?"; echo "left:$(ls -A "$1")"';
    const r = spawnSync('unshare', ['-rm', 'sh', '-c', script, 'sh', mnt, root, process.execPath, bin], { encoding: 'utf8' });
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(lines.slice(-2), ['exit:2', 'left:'], r.stdout + r.stderr);
    const err = (JSON.parse(lines.slice(0, -2).join('\n')) as { error: { code: string; message: string } }).error;
    assert.equal(err.code, 'IO');
    assert.equal(err.message, `unpacking web01.ova into ${mnt}/out: writing web01-disk1.vmdk: ENOSPC: no space left on the device`);
  });

  it('ova unpack interrupted mid-copy says ABORTED and removes what it wrote', async () => {
    const ova = fs.readFileSync(path.join(root, 'web01.ova'));
    let release: () => void = () => undefined;
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-length': ova.length });
      // Half the archive, then nothing until the test is over: the unpack is inside the disk.
      res.write(ova.subarray(0, ova.length >> 1));
      release = () => res.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/web01.ova`;
      const dest = path.join(root, 'aborted');
      const ac = new AbortController();
      const out = new PassThrough();
      let stdout = '';
      out.on('data', (d: Buffer) => (stdout += d.toString()));
      const running = main(['ova', 'unpack', url, 'aborted', '--json'], { stdout: out, stderr: new PassThrough(), cwd: root, env: {}, signal: ac.signal });
      // Wait until the staging folder holds the disk being copied, then interrupt.
      const copying = (): boolean => fs.existsSync(dest) && fs.readdirSync(dest).some((n) => n.startsWith('.ovfkit-unpack-') && fs.readdirSync(path.join(dest, n)).includes('web01-disk1.vmdk'));
      while (!copying()) await new Promise((r) => setTimeout(r, 10));
      ac.abort();
      assert.equal(await running, 2);
      assert.equal((JSON.parse(stdout) as { error: { code: string } }).error.code, 'ABORTED');
      assert.equal(fs.existsSync(dest), false);
    } finally {
      release();
      server.close();
    }
  });

  itCorpus('manifest verify reports the corpus wrong_manifest.mf as failed with exit 1', async () => {
    const r = await cli(['manifest', 'verify', path.join(corpusRoot, 'ovf/ganeti/wrong_manifest.ovf'), '--json'], root);
    assert.equal(r.code, 1);
    const v = JSON.parse(r.stdout) as { issues: { code: string }[] };
    assert.ok(v.issues.some((i) => i.code === 'MF_DIGEST_MISMATCH'));
  });

  it('ova pack signs with a key and manifest verify trusts it through the CA', async () => {
    const f = (n: string): string => path.join(root, n);
    sh('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=cli CA']);
    sh('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('s.key'), '-out', f('s.csr'), '-subj', '/CN=cli signer']);
    sh('openssl', ['x509', '-req', '-in', f('s.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('s.pem'), '-days', '2']);
    const p = await cli(['ova', 'pack', 'web01', 'signed.ova', '--manifest', 'create', '--sign-key', 's.key', '--sign-cert', 's.pem'], root);
    assert.equal(p.code, 0, p.stderr);
    assert.deepEqual(sh('tar', ['-tf', 'signed.ova'], root).toString().trim().split('\n'), ['web01.ovf', 'web01.mf', 'web01.cert', 'web01-disk1.vmdk']);
    const v = await cli(['manifest', 'verify', 'signed.ova', '--trust', 'ca.pem'], root);
    assert.equal(v.code, 0, v.stdout);
    assert.match(v.stdout, /^  certificate  web01\.cert: signature valid, signer "CN=cli signer" issued by "CN=cli CA", valid \S+ – \S+, trusted$/m);
  });

  it('gives usage errors without a stack trace', async () => {
    const r = await cli(['ova', 'pack', 'web01'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ova pack takes a package folder/);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
    const missing = await cli(['manifest', 'verify', 'nope.ova', '--json'], root);
    assert.equal(missing.code, 2);
    assert.equal((JSON.parse(missing.stdout) as { error: { code: string } }).error.code, 'IO');
  });
});
