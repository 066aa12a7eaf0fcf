import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { descriptorDigest, isOvfkitError } from '@ovfkit/core';
import { VimSession, importOvf } from '@ovfkit/vsphere';
import { runCli } from './run-cli';
import { type Simulator, useSimulator } from './sim/simulator';
import { type BuiltPackage, buildOva, packageScope } from './vsphere-fixtures';

const { tmp, pkg } = packageScope('ovfkit-pin-');

/** What the simulator holds: VM and vApp names, and every lease it ever made. */
async function inventory(sim: Simulator): Promise<{ names: string[]; leases: number; openLeases: number }> {
  const st = await sim.state();
  return {
    names: [...st.virtualMachines, ...st.virtualApps].map((e) => e.name),
    leases: st.leases.length,
    openLeases: st.leases.filter((l) => l.state === 'ready' || l.state === 'initializing').length,
  };
}

/** The digest `ovfkit plan --json` shows for a package. */
async function plannedDigest(source: string): Promise<string> {
  const r = await runCli(['plan', source, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { descriptorDigest: string }).descriptorDigest;
}

describe('an import pinned to the descriptor digest of its plan (simulator)', function () {
  this.timeout(120_000);
  const sim = useSimulator();
  let web: BuiltPackage;
  let other: BuiltPackage;
  let session: VimSession;
  const env = (): NodeJS.ProcessEnv => ({ VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint });

  before(async () => {
    web = await buildOva(path.join(tmp, 'web'), 'web', [{ id: 'web01', cpus: 1, memoryMB: 512, disksMiB: [4], nics: ['VM Network'] }]);
    other = await buildOva(path.join(tmp, 'other'), 'other', [{ id: 'web01', cpus: 2, memoryMB: 1024, disksMiB: [4], nics: ['VM Network'] }]);
    session = await VimSession.connect({ server: sim().sdkUrl, userName: sim().username, password: sim().password, thumbprint: sim().thumbprint });
  });
  after(async () => session?.logout());

  it('ovfkit plan --json shows the digest of the descriptor bytes, core\'s descriptorDigest', async () => {
    const digest = await plannedDigest(web.ova);
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(digest, descriptorDigest(Buffer.from(web.descriptor, 'utf8')));
    assert.notEqual(digest, await plannedDigest(other.ova));
  });

  it('imports when the package is the one planned', async () => {
    const r = await importOvf(session, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', name: 'pin-ok', expectedDescriptorDigest: await plannedDigest(web.ova) });
    assert.equal(r.entity.type, 'VirtualMachine');
    assert.ok((await inventory(sim())).names.includes('pin-ok'));
  });

  it('refuses another package with INTEGRITY before any lease or VM exists, naming both digests', async () => {
    const planned = await plannedDigest(other.ova);
    const seen = await plannedDigest(web.ova);
    const before = await inventory(sim());
    const e = (await importOvf(session, { source: await pkg(web.ova), pool: 'DC0_C0/Resources', name: 'pin-swapped', expectedDescriptorDigest: planned }).catch((x: unknown) => x)) as Error;
    assert.ok(isOvfkitError(e), String(e));
    assert.equal(e.code, 'INTEGRITY');
    assert.match(e.message, /changed since it was planned/);
    assert.ok(e.message.includes(planned) && e.message.includes(seen), e.message);
    const now = await inventory(sim());
    assert.ok(!now.names.includes('pin-swapped'), 'no VM was created');
    assert.equal(now.leases, before.leases, 'no lease was even created');
    assert.equal(now.openLeases, 0);
  });

  describe('ovfkit import --expect-digest', () => {
    it('imports the planned package', async () => {
      const r = await runCli(['import', web.ova, '--pool', 'DC0_C0/Resources', '--name', 'pin-cli', '--expect-digest', await plannedDigest(web.ova), '--json'], env());
      assert.equal(r.code, 0, r.stderr);
      assert.ok((await inventory(sim())).names.includes('pin-cli'));
    });

    it('refuses a package replaced at the same path after plan, exits 2 and leaves nothing', async () => {
      const file = path.join(tmp, 'swapped.ova');
      fs.copyFileSync(web.ova, file);
      const planned = await plannedDigest(file);
      fs.copyFileSync(other.ova, file);
      const before = await inventory(sim());
      const r = await runCli(['import', file, '--pool', 'DC0_C0/Resources', '--name', 'pin-cli-swapped', '--expect-digest', planned], env());
      assert.equal(r.code, 2, r.stdout);
      assert.match(r.stderr, /^ovfkit: the package changed since it was planned: .* is sha256:[0-9a-f]{64}, the plan expected sha256:[0-9a-f]{64}; nothing was imported/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      const now = await inventory(sim());
      assert.ok(!now.names.includes('pin-cli-swapped'));
      assert.equal(now.leases, before.leases, 'no lease was created');
    });

    for (const bad of ['abc', 'sha1:0123456789abcdef0123456789abcdef01234567', `sha256:${'A'.repeat(64)}`, `sha256:${'0'.repeat(63)}`]) {
      it(`is a usage error for the malformed digest ${JSON.stringify(bad.slice(0, 20))}…, before connecting`, async () => {
        // No server in the environment: a usage error must come first.
        const r = await runCli(['import', web.ova, '--expect-digest', bad, '--json'], {});
        assert.equal(r.code, 2);
        const out = JSON.parse(r.stdout) as { error: { code: string; message: string } };
        assert.equal(out.error.code, 'USAGE');
        assert.match(out.error.message, /--expect-digest takes the descriptor digest ovfkit plan shows \(sha256: and 64 lowercase hex digits\)/);
      });
    }

    it('lists --expect-digest in its help', async () => {
      const r = await runCli(['import', '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /--expect-digest <sha256:…>/);
    });
  });
});
