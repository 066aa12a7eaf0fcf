/**
 * Issue 12 class 5 through the CLI (the package layer's rule is unit-tested in packages/package
 * hostile.test.ts): a package folder whose descriptor, manifest, certificate or disk is a
 * symbolic link (to a file outside the package, or to another file inside it, or dangling) is
 * refused by every command that reads it, `manifest verify --json` and `ova pack` among them:
 * exit 2 with UNSAFE_PATH naming the file, the linked file's text never shown, and no .ova written.
 * And `ova pack --manifest keep` (the default) packs a folder's manifest only when it matches the
 * files packed: one that omits the disk, lists a file not packed, has a wrong digest or is garbage
 * is refused with exit 2 and no .ova.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './run-cli';

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const SECRET = 'SHA256(root)= not-yours-0123456789';
const DISK = Buffer.alloc(1024, 5);
const OVF = `<?xml version="1.0"?><Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"><References><File ovf:href="disk.vmdk" ovf:id="f1" ovf:size="${DISK.length}"/></References><VirtualSystem ovf:id="vm"><Info>x</Info></VirtualSystem></Envelope>`;

/** Every string in a JSON value (the messages of issues, wherever the document puts them). */
const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : []);

describe('package files through symbolic links, through the CLI (issue 12 class 5)', function () {
  this.timeout(120_000);
  let root = '';
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-symlink-cli-'));
    fs.writeFileSync(path.join(root, 'secret.txt'), `${SECRET}\n`);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const files = ['vm.ovf', 'vm.mf', 'vm.cert', 'disk.vmdk'] as const;
  const targets = ['outside', 'inside', 'dangling'] as const;
  for (const file of files) {
    for (const target of targets) {
      it(`${file} linked to a file ${target === 'dangling' ? 'that does not exist' : `${target} the package`}: refused by manifest verify, ova pack and plan`, async () => {
        const dir = path.join(root, `${file}-${target}`);
        fs.mkdirSync(dir);
        const real: Record<string, string | Buffer> = { 'vm.ovf': OVF, 'disk.vmdk': DISK, 'vm.mf': `SHA256(vm.ovf)= ${sha256(OVF)}\nSHA256(disk.vmdk)= ${sha256(DISK)}\n` };
        for (const [name, data] of Object.entries(real)) if (name !== file) fs.writeFileSync(path.join(dir, name), data);
        if (file === 'vm.cert') fs.writeFileSync(path.join(dir, 'vm.mf'), real['vm.mf']!);
        const to = target === 'outside' ? path.join(root, 'secret.txt') : target === 'inside' ? path.join(dir, 'copy') : path.join(root, 'nowhere');
        if (target === 'inside') fs.writeFileSync(to, file in real ? real[file]! : SECRET);
        fs.symlinkSync(to, path.join(dir, file));
        const before = fs.readdirSync(dir).sort();
        for (const args of [['manifest', 'verify', dir, '--json'], ['ova', 'pack', dir, path.join(root, 'out.ova'), '--json'], ['plan', dir, '--json']]) {
          const r = await runCli(args);
          const shown = `${args.slice(0, 2).join(' ')}: ${r.stdout}${r.stderr}`;
          const out = JSON.parse(r.stdout) as { error?: { code: string; message: string } };
          const link = new RegExp(`${file.replace('.', '\\.')} is a symbolic link; files of a package folder are read only when they are regular files inside it`);
          if (file === 'disk.vmdk' && args[0] !== 'ova') {
            // A data file is judged, not read: verify and plan report it as an error issue (exit 1) by name.
            assert.equal(r.code, 1, shown);
            assert.ok(strings(out).some((m) => link.test(m)), shown);
          } else {
            assert.equal(r.code, 2, shown);
            assert.equal(out.error?.code, 'UNSAFE_PATH', shown);
            assert.match(out.error.message, link, shown);
          }
          assert.ok(!r.stdout.includes('not-yours'), `${shown}: the linked file's text was shown`);
          assert.equal(fs.existsSync(path.join(root, 'out.ova')), false, 'no .ova was written');
        }
        assert.deepEqual(fs.readdirSync(dir).sort(), before, 'the package folder is unchanged');
      });
    }
  }
});

describe('ova pack --manifest keep ships only a manifest that matches what is packed (issue 12 class 5)', function () {
  this.timeout(60_000);
  let root = '';
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-pack-keep-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const ovfLine = `SHA256(vm.ovf)= ${sha256(OVF)}`;
  const cases: Array<{ what: string; mf: string; message: RegExp }> = [
    { what: 'omits the disk', mf: `${ovfLine}\n`, message: /^vm\.mf does not match the files being packed: it does not list disk\.vmdk; recreate it \(ova pack --manifest create\)$/ },
    { what: 'lists a file not packed', mf: `${ovfLine}\nSHA256(disk.vmdk)= ${sha256(DISK)}\nSHA256(other.bin)= ${sha256('x')}\n`, message: /it lists other\.bin, which is not being packed/ },
    { what: 'has a wrong digest for the disk', mf: `${ovfLine}\nSHA256(disk.vmdk)= ${'0'.repeat(64)}\n`, message: /: disk\.vmdk differs; recreate it/ },
    { what: 'is garbage', mf: 'garbage line\n', message: /^the manifest vm\.mf cannot be trusted \(1 error\): MF_MALFORMED_LINE at vm\.mf:1/ },
  ];
  for (const c of cases) {
    it(`a manifest that ${c.what} is refused and no .ova is written`, async () => {
      const dir = path.join(root, c.what.replace(/\W+/g, '-'));
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'vm.ovf'), OVF);
      fs.writeFileSync(path.join(dir, 'disk.vmdk'), DISK);
      fs.writeFileSync(path.join(dir, 'vm.mf'), c.mf);
      const out = path.join(root, `${path.basename(dir)}.ova`);
      const r = await runCli(['ova', 'pack', dir, out, '--json']);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match((JSON.parse(r.stdout) as { error: { message: string } }).error.message, c.message);
      assert.equal(fs.existsSync(out), false, 'no .ova was written');
      assert.deepEqual(fs.readdirSync(root).filter((f) => f.endsWith('.ova') || f.includes('.tmp')), [], 'no partial file is left');
    });
  }
});
