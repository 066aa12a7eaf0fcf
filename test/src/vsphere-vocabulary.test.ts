/**
 * Issue 11: a message of @ovfkit/vsphere names what to change in the words of the front end that
 * asked (core's Words): the CLI's flags, Pulumi's inputs, the Terraform provider's attributes.
 * Each case runs against the simulator, once per front end's vocabulary as that front end
 * connects (ConnectOptions' `vocabulary`), and once through the CLI itself, comparing whole
 * messages.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isOvfkitError, type Vocabulary } from '@ovfkit/core';
import { captureHostProfile, exportOvf, OvfSession, VimSession } from '@ovfkit/vsphere';
import { runCli } from './run-cli';
import { useSimulator } from './sim/simulator';

/** The message an expected failure carries. */
async function refusal(p: () => Promise<unknown>): Promise<string> {
  try {
    await p();
  } catch (e) {
    assert.ok(isOvfkitError(e), String(e));
    return e.message;
  }
  return 'it did not fail';
}

describe('@ovfkit/vsphere messages in the words of each front end (simulator)', function () {
  this.timeout(120_000);
  const sim = useSimulator({ vms: 1 });
  const sessions = new Map<Vocabulary, VimSession>();
  const session = async (vocabulary: Vocabulary): Promise<VimSession> => {
    let s = sessions.get(vocabulary);
    if (!s) sessions.set(vocabulary, (s = await VimSession.connect({ server: sim().sdkUrl, userName: sim().username, password: sim().password, thumbprint: sim().thumbprint, vocabulary })));
    return s;
  };
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-vocab-'));
  });
  after(async () => {
    for (const s of sessions.values()) await s.logout();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('an untrusted certificate: each front end says how it can trust the server, and the CLI says its flags', async () => {
    const seen: Record<string, string> = {};
    for (const vocabulary of ['cli', 'pulumi', 'terraform', 'cdktf', 'api'] as const) {
      seen[vocabulary] = await refusal(() => VimSession.connect({ server: sim().sdkUrl, userName: sim().username, password: sim().password, vocabulary }));
    }
    const origin = new URL(sim().sdkUrl).origin;
    const untrusted = (fix: string): string => `RetrieveServiceContent: the TLS certificate of ${origin} is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); ${fix}`;
    assert.deepEqual(seen, {
      cli: untrusted('pass --thumbprint <sha256> to pin it, --ca <file>, or --insecure'),
      pulumi: untrusted('set connection.thumbprint (or ovfkit:thumbprint) to its SHA-256 fingerprint to pin it, or connection.insecure (or ovfkit:insecure) to skip the check; the Pulumi provider takes no CA'),
      terraform: untrusted('set the provider\'s thumbprint = "<sha256>" to pin it, ca = "<PEM>", or insecure = true'),
      cdktf: untrusted('set the provider\'s thumbprint = "<sha256>" to pin it, ca = "<PEM>", or insecure = true'),
      api: untrusted('set ConnectOptions.thumbprint (SHA-256) to pin it, ConnectOptions.ca, or ConnectOptions.insecure'),
    });
    // The CLI itself, unchanged: its connection passes 'cli'.
    const r = await runCli(['destroy', '/DC0/vm/none', '--if-exists', '--json'], { VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password });
    assert.equal(r.code, 2, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { error: { message: string } }).error.message, seen['cli']);
  });

  it('an export name that cannot be a file name: --name in the CLI, name in Pulumi and Terraform', async () => {
    const bad = 'web/01';
    const destination = (v: string): string => path.join(tmp, `export-${v}`);
    const seen = {
      cli: await refusal(async () => exportOvf(await session('cli'), { entity: 'DC0_H0_VM0', destination: destination('cli'), name: bad })),
      pulumi: await refusal(async () => exportOvf(await session('pulumi'), { entity: 'DC0_H0_VM0', destination: destination('pulumi'), name: bad })),
      // The request's own vocabulary wins over the session's (Terraform's export passes its own).
      terraform: await refusal(async () => new OvfSession(await session('api')).exportOvf({ entity: 'DC0_H0_VM0', destination: destination('terraform'), name: bad, format: 'ovf', manifestAlgorithm: 'SHA256', exportOption: [], includeImageFiles: false, vocabulary: 'terraform' })),
    };
    assert.deepEqual(seen, {
      cli: '"web/01" cannot be used as a file name; pass a plain name with --name',
      pulumi: '"web/01" cannot be used as a file name; pass a plain name with name',
      terraform: '"web/01" cannot be used as a file name; pass a plain name with name',
    });
    for (const v of Object.keys(seen)) assert.equal(fs.existsSync(destination(v)), false, `nothing written for ${v}`);
    const r = await runCli(['export', 'DC0_H0_VM0', destination('cli-run'), '--name', bad, '--json'], { VSPHERE_SERVER: sim().sdkUrl, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint });
    assert.equal(r.code, 2, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { error: { message: string } }).error.message, seen.cli);
  });

  it('a host-profile capture on an inventory of several hosts: --host in the CLI, host in Pulumi\'s and Terraform\'s words', async () => {
    const seen: Record<string, string> = {};
    for (const vocabulary of ['cli', 'pulumi', 'terraform'] as const) seen[vocabulary] = await refusal(async () => captureHostProfile(await session(vocabulary)));
    const several = 'the inventory has 4 hosts (DC0_H0, DC0_C0_H0, DC0_C0_H1, DC0_C0_H2): choose one with ';
    assert.deepEqual(seen, { cli: `${several}--host`, pulumi: `${several}host: "<host>"`, terraform: `${several}host = "<host>"` });
  });
});
