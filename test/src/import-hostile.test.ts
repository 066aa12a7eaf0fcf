/**
 * Issue 12 class 4 at the import itself (the package layer's rules are unit-tested in
 * packages/package hostile.test.ts): `ovfkit import` against the simulator, in a child process,
 * of packages that used to lose data silently. A gzip disk that inflates past its disk's
 * capacity, a manifest listing the disk twice with different digests, a chunk set with a gap and
 * no ovf:size: each ends by itself with a clear error, in bounded memory, and leaves no VM and no
 * open lease.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCliChild } from './child-cli';
import { assertNothingLeft } from './sim/checks';
import { useSimulator } from './sim/simulator';
import { buildOva, packageScope } from './vsphere-fixtures';

const { tmp } = packageScope('ovfkit-import-hostile-');
const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const RSS_BOUND_KIB = 400 * 1024;

/**
 * A one-VM folder package from buildOva's disk, its File rewritten by `file` and its manifest
 * lines by `lines`; `store` writes the disk's stored form (whole, gzip, chunks).
 */
async function folderPackage(name: string, options: { capacityMiB?: number; randomKiB?: number; file: (href: string) => string; store: (dir: string, href: string, vmdk: Buffer) => string[]; lines?: (lines: string[]) => string[] }): Promise<string> {
  const base = await buildOva(path.join(tmp, name), name, [{ id: name, cpus: 1, memoryMB: 64, disksMiB: [options.capacityMiB ?? 8], nics: [], randomKiB: options.randomKiB ?? 256 }]);
  const vmdk = fs.readFileSync(base.disks[0]!);
  const href = path.basename(base.disks[0]!);
  const descriptor = base.descriptor.replace(/<File ovf:href="[^"]+" ovf:id="([^"]+)" ovf:size="\d+"\/>/, (_m, id: string) => `<File ovf:href="${href}" ovf:id="${id}" ${options.file(href)}/>`);
  const dir = path.join(tmp, name, 'pkg');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, `${name}.ovf`), descriptor);
  const stored = options.store(dir, href, vmdk);
  let lines = [`SHA256(${name}.ovf)= ${sha256(descriptor)}`, ...stored.map((f) => `SHA256(${f})= ${sha256(fs.readFileSync(path.join(dir, f)))}`)];
  if (options.lines) lines = options.lines(lines);
  fs.writeFileSync(path.join(dir, `${name}.mf`), lines.join('\n') + '\n');
  return dir;
}

describe('ovfkit import of packages that used to lose data silently (issue 12 class 4, simulator)', function () {
  this.timeout(180_000);
  const sim = useSimulator();
  const env = (): NodeJS.ProcessEnv => ({ VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint });

  /** Runs the import in a child; it must end by itself with `status` (1: the plan refused it, 2: it failed), leaving nothing. */
  async function importFails(dir: string, name: string, status: 1 | 2): Promise<Record<string, unknown>> {
    const r = await runCliChild(['import', dir, '--pool', 'DC0_C0/Resources', '--name', name, '--json'], { env: env(), limitMs: 90_000 });
    assert.equal(r.signal, null, `killed after ${r.ms} ms: it did not end by itself`);
    assert.ok(r.maxRssKiB !== undefined && r.maxRssKiB < RSS_BOUND_KIB, `peak RSS ${r.maxRssKiB} KiB (bound ${RSS_BOUND_KIB} KiB)`);
    assert.equal(r.status, status, r.stdout + r.stderr);
    await assertNothingLeft(sim(), name);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  it('a gzip disk that inflates past its 1 MiB disk fails while it streams, the VM removed', async () => {
    // A real streamOptimized VMDK with 4 MiB of random data (about 4 MiB stored) for a disk the
    // descriptor says holds 1 MiB: the inflated bytes pass inflatedLimit(1 MiB), about 2 MiB.
    const dir = await folderPackage('bomb', {
      capacityMiB: 8,
      randomKiB: 4096,
      file: () => 'ovf:compression="gzip"',
      store: (d, href, vmdk) => {
        fs.writeFileSync(path.join(d, href), gzipSync(vmdk));
        return [href];
      },
    });
    const ovf = path.join(dir, 'bomb.ovf');
    fs.writeFileSync(ovf, fs.readFileSync(ovf, 'utf8').replace(/ovf:capacity="8"/, 'ovf:capacity="1"'));
    const mf = path.join(dir, 'bomb.mf');
    fs.writeFileSync(mf, fs.readFileSync(mf, 'utf8').replace(/^SHA256\(bomb\.ovf\)= \w+/, `SHA256(bomb.ovf)= ${sha256(fs.readFileSync(ovf))}`));
    const err = (await importFails(dir, 'bomb', 2))['error'] as { code: string; message: string };
    assert.equal(err.code, 'INTEGRITY', err.message);
    assert.match(err.message, /bomb-disk1\.vmdk inflates to more than \d+ bytes, beyond what its disk's capacity of 1048576 bytes can hold \(bound: inflatedLimit\)/);
  });

  it('a manifest that lists the disk twice with different digests is refused before anything is created', async () => {
    const dir = await folderPackage('twice', {
      file: (href) => `ovf:size="${fs.statSync(path.join(tmp, 'twice', href)).size}"`,
      store: (d, href, vmdk) => {
        fs.writeFileSync(path.join(d, href), vmdk);
        return [href];
      },
      lines: (lines) => [...lines, lines[1]!.replace(/= (.)/, (_m, c: string) => `= ${c === '0' ? '1' : '0'}`)],
    });
    const leases = (await sim().state()).leases.length;
    const out = await importFails(dir, 'twice', 2);
    const err = out['error'] as { code: string; message: string };
    assert.match(err.message, /twice-disk1\.vmdk is listed twice in twice\.mf \(lines 2 and 3\)/);
    assert.equal((await sim().state()).leases.length, leases, 'no lease was even opened');
  });

  it('a chunk set with a gap and no ovf:size is refused, not uploaded short', async () => {
    const CHUNK = 65536;
    const dir = await folderPackage('gap', {
      file: () => `ovf:chunkSize="${CHUNK}"`,
      store: (d, href, vmdk) => {
        const chunks: string[] = [];
        for (let i = 0; i * CHUNK < vmdk.length; i++) {
          const c = `${href}.${String(i).padStart(9, '0')}`;
          fs.writeFileSync(path.join(d, c), vmdk.subarray(i * CHUNK, (i + 1) * CHUNK));
          chunks.push(c);
        }
        assert.ok(chunks.length >= 3, `${chunks.length} chunks`);
        fs.rmSync(path.join(d, chunks[1]!));
        return chunks.filter((_, i) => i !== 1);
      },
    });
    // Refused by the plan (core's PACKAGE_CHUNK_MISSING), before anything is created.
    const out = await importFails(dir, 'gap', 1);
    assert.equal(out['refusedBy'], 'plan');
    assert.deepEqual((out['error'] as Array<{ code: string; value: string }>).map((e) => `${e.code} ${e.value}`), ['PACKAGE_CHUNK_MISSING gap-disk1.vmdk.000000001']);
  });
});
