/** `ovfkit parse` over real descriptors, run in-process through the CLI dispatcher. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './run-cli';
import { corpusRoot, itCorpus, repoRoot } from './paths';

const minimal = path.join(repoRoot, 'examples', 'minimal', 'minimal.ovf');
const corpus = (p: string): string => path.join(corpusRoot, p);

describe('ovfkit parse', () => {
  it('prints a readable summary of the example descriptor and exits 0', async () => {
    const r = await runCli(['parse', minimal]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /virtual machine "minimal appliance"/);
    assert.match(r.stdout, /deployment {3}small \(default\) of 2: small, large/);
    assert.match(r.stdout, /vm minimal: vmx-13, 1 vCPU, 1024 MB memory, 1 disk \(1\.0 GiB\), 1 NIC → VM Network/);
    assert.match(r.stdout, /root_password: password\(8\.\.\) = \(secret\)/);
    assert.match(r.stdout, /result {7}0 errors, 0 warnings/);
  });

  it('applies --deployment-option to the hardware shown', async () => {
    const r = await runCli(['parse', minimal, '--deployment-option', 'large']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /2 vCPU, 4096 MB memory/);
  });

  itCorpus('prints the vim25 result with --json, each issue as {fault: {_typeName…}, localizedMessage}', async () => {
    const r = await runCli(['parse', corpus('ovf/cot/invalid.ovf'), '--json']);
    assert.equal(r.code, 1);
    const result = JSON.parse(r.stdout) as { error: { fault: { _typeName: string; value?: string }; localizedMessage: string; code: string }[]; defaultEntityName: string };
    assert.deepEqual(result.error.map((e) => [e.fault._typeName, e.code]), [['OvfInvalidValueReference', 'DANGLING_FILE_REF'], ['OvfHostResourceConstraint', 'DANGLING_HOST_RESOURCE']]);
    assert.equal(result.error[0]!.fault.value, 'flash2');
    assert.match(result.error[0]!.localizedMessage, /refers to File "flash2"/);
  });

  itCorpus('exits 1 and lists the errors with their fix when the descriptor has errors', async () => {
    const r = await runCli(['parse', corpus('ovf/pve-storage/XEE.ovf')]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /error {3}The descriptor contains a DOCTYPE declaration \(line 2\); .*; at line 2; fix: Remove the <!DOCTYPE …> declaration and any entity references\. \[OvfXmlFormat XML_DOCTYPE\]/);
    assert.match(r.stdout, /fix: Remove the <!DOCTYPE/);
    assert.doesNotMatch(r.stdout, /root:x:0/);
  });

  itCorpus('localises with --locale', async () => {
    const r = await runCli(['parse', corpus('ovf/govmomi/vmware-appliances/Operations-Appliance-9.1.0.0.25262067.ovf'), '--locale', 'fr', '--json']);
    const result = JSON.parse(r.stdout) as { deploymentOption: { key: string; label: string }[] };
    assert.equal(result.deploymentOption.find((o) => o.key === 'small')?.label, 'Petit');
  });

  it('exits 2 with a one-line message for a missing file, a directory, or no argument', async () => {
    const missing = await runCli(['parse', path.join(os.tmpdir(), 'no-such-ovfkit-file.ovf')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*no such file/);
    assert.doesNotMatch(missing.stderr, /\bat .*\.js:\d+/);
    const dir = await runCli(['parse', os.tmpdir()]);
    assert.equal(dir.code, 2);
    const none = await runCli(['parse', '--json']);
    assert.equal(none.code, 2);
    assert.equal((JSON.parse(none.stdout) as { error: { code: string } }).error.code, 'USAGE');
  });

  it('refuses a file far too large to be a descriptor without reading it, exit 2', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-')), 'disk.ovf');
    fs.closeSync(fs.openSync(file, 'w'));
    fs.truncateSync(file, 200 * 2 ** 20); // sparse: no real disk space used
    const r = await runCli(['parse', file, '--json']);
    fs.rmSync(path.dirname(file), { recursive: true });
    assert.equal(r.code, 2);
    assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, 'INPUT_TOO_LARGE');
  });

  it('reads UTF-16 descriptors from disk', async () => {
    const text = fs.readFileSync(minimal, 'utf8').replace('encoding="UTF-8"', 'encoding="UTF-16"');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-')), 'utf16.ovf');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const r = await runCli(['parse', file]);
    fs.rmSync(path.dirname(file), { recursive: true });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /0 errors, 0 warnings/);
  });
});
