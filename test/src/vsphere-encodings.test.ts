/**
 * Issue 11: the import sends the exact text that was planned. ovfDescriptor is an xsd:string, so
 * what vSphere receives is text: for a Latin-1 or UTF-16 descriptor, core's one decoding of the
 * bytes (its XML declaration made to say UTF-8), whose UTF-8 is what the plan's
 * `descriptorTextDigest` is taken of; for a UTF-8 descriptor that is the file's bytes. The
 * simulator records every ovfDescriptor it was given (`GET /ovfkit/state` `received`), as its
 * SOAP decoder read it, and the bytes of every content library upload.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as pulumi from '@pulumi/pulumi';
import { ovfImportProvider } from '@ovfkit/pulumi';
import { Inventory, RestClient, VimSession, createLocalLibrary, publishToLibrary } from '@ovfkit/vsphere';

import { repoRoot } from './paths';
import { dynamicUrn, startPluginHost, type PluginHost } from './pulumi/plugin-host';
import { runCli } from './run-cli';
import { assertNothingLeft } from './sim/checks';
import { RawSession, xmlEscape } from './sim/raw-soap';
import { type SimReceived, useSimulator } from './sim/simulator';
import { packageScope } from './vsphere-fixtures';

const { tmp, pkg } = packageScope('ovfkit-encodings-');
const minimalOva = path.join(repoRoot, 'examples', 'minimal', 'minimal.ova');
const sha256 = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const ANNOTATION = '<Annotation>ovfkit example appliance';
const CAFE = 'Café';

interface Variant {
  name: string;
  declared: string;
  crlf: boolean;
  encode: (text: string) => Buffer;
}
const utf16be = (t: string): Buffer => Buffer.from(t, 'utf16le').swap16();
const VARIANTS: Variant[] = [
  { name: 'a Latin-1 descriptor with CR LF line ends', declared: 'ISO-8859-1', crlf: true, encode: (t) => Buffer.from(t, 'latin1') },
  { name: 'a UTF-16 LE descriptor with a BOM', declared: 'UTF-16', crlf: false, encode: (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]) },
  { name: 'a UTF-16 BE descriptor with a BOM and CR LF line ends', declared: 'UTF-16', crlf: true, encode: (t) => Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(t)]) },
];

interface PlanJson { ok: boolean; descriptorDigest: string; descriptorTextDigest: string }

describe('the descriptor text vSphere receives is the planned text (simulator)', function () {
  this.timeout(180_000);
  const sim = useSimulator();
  const dirs = new Map<Variant, string>();
  /** The example's descriptor text, as shipped (UTF-8, LF). */
  let example: string;
  let host: PluginHost;
  let provider: string;
  const PLACE = ['--pool', 'DC0_C0/Resources', '--datastore', 'LocalDS_0'];
  const env = (): Record<string, string> => ({ VSPHERE_SERVER: sim().url, VSPHERE_USER: sim().username, VSPHERE_PASSWORD: sim().password, VSPHERE_THUMBPRINT: sim().thumbprint });

  before(async () => {
    const unpacked = path.join(tmp, 'unpacked');
    fs.mkdirSync(unpacked);
    execFileSync('tar', ['-xf', minimalOva, '-C', unpacked]);
    example = fs.readFileSync(path.join(unpacked, 'minimal.ovf'), 'utf8');
    assert.ok(example.includes('encoding="UTF-8"') && example.includes(ANNOTATION) && !example.includes('\r'), 'the example descriptor is as this test expects');
    VARIANTS.forEach((v, i) => {
      const dir = path.join(tmp, `v${i}`);
      fs.mkdirSync(dir);
      let text = example.replace('encoding="UTF-8"', `encoding="${v.declared}"`).replace(ANNOTATION, `<Annotation>${CAFE}: ovfkit example appliance`);
      if (v.crlf) text = text.replace(/\n/g, '\r\n');
      fs.writeFileSync(path.join(dir, 'minimal.ovf'), v.encode(text));
      fs.copyFileSync(path.join(unpacked, 'minimal-disk1.vmdk'), path.join(dir, 'minimal-disk1.vmdk'));
      dirs.set(v, dir);
    });
    provider = (await pulumi.runtime.serializeFunction(() => ovfImportProvider, { allowSecrets: true })).text;
    host = await startPluginHost();
    await host.configure({ 'ovfkit:server': sim().url, 'ovfkit:user': sim().username, 'ovfkit:password': sim().password, 'ovfkit:thumbprint': sim().thumbprint });
  });
  after(async () => host?.stop());

  /** The plan's lines about the descriptor in text and Markdown: its digest, and the text's when that is another. */
  const shown = async (source: string): Promise<string[]> => {
    const lines: string[] = [];
    for (const format of ['text', 'markdown']) {
      const out = await runCli(['plan', source, '--format', format, ...PLACE]);
      assert.equal(out.code, 0, out.stderr);
      lines.push(...out.stdout.split('\n').filter((l) => /^ {2}(digest|sent as) |^\| (digest|sent as) \|/.test(l)));
    }
    return lines;
  };
  const planOf = async (source: string): Promise<PlanJson> => {
    const out = await runCli(['plan', source, '--json', ...PLACE]);
    assert.equal(out.code, 0, out.stderr + out.stdout);
    return JSON.parse(out.stdout) as PlanJson;
  };
  /** The ovfDescriptor strings the simulator received since it was last cleared, each checked against its own text. */
  const soapReceived = async (): Promise<SimReceived[]> => {
    const got = (await sim().state()).received.filter((r) => r.kind === 'soap');
    for (const r of got) {
      assert.equal(r.validUtf8, undefined);
      assert.equal(sha256(r.text!), r.sha256, 'the simulator records the digest of the text it shows');
      assert.equal(Buffer.byteLength(r.text!), r.length);
    }
    return got;
  };
  const importAndDestroy = async (source: string, name: string): Promise<void> => {
    const imported = await runCli(['import', source, '--name', name, '--json', ...PLACE], env());
    assert.equal(imported.code, 0, imported.stderr + imported.stdout);
    const r = JSON.parse(imported.stdout) as { entity: { type: string; value: string } };
    const destroyed = await runCli(['destroy', `${r.entity.type}:${r.entity.value}`], env());
    assert.equal(destroyed.code, 0, destroyed.stderr);
    await assertNothingLeft(sim(), name);
  };

  it('a UTF-8 descriptor: the text digest is the bytes\' digest, and the server receives those bytes', async () => {
    const plan = await planOf(minimalOva);
    assert.equal(plan.descriptorTextDigest, plan.descriptorDigest);
    assert.equal(plan.descriptorDigest, sha256(example));
    assert.deepEqual(await shown(minimalOva), [`  digest       ${plan.descriptorDigest}`, `| digest | \`${plan.descriptorDigest}\` |`]);
    await sim().clearInjections();
    await importAndDestroy(minimalOva, 'enc-utf8');
    const got = await soapReceived();
    assert.deepEqual(got.map((r) => [r.method, r.sha256]), [['CreateImportSpec', plan.descriptorDigest]]);
  });

  VARIANTS.forEach((v, i) => {
    it(`${v.name}: ovfkit import sends the planned text (digest equal), "${CAFE}" and its line ends intact`, async () => {
      const source = dirs.get(v)!;
      const plan = await planOf(source);
      const bytes = fs.readFileSync(path.join(source, 'minimal.ovf'));
      assert.equal(plan.descriptorDigest, sha256(bytes));
      // The text sent: the bytes decoded by their BOM or declaration, the declaration saying UTF-8.
      let expected = example.replace(ANNOTATION, `<Annotation>${CAFE}: ovfkit example appliance`);
      if (v.crlf) expected = expected.replace(/\n/g, '\r\n');
      assert.equal(plan.descriptorTextDigest, sha256(expected));
      assert.notEqual(plan.descriptorTextDigest, plan.descriptorDigest);
      assert.deepEqual(await shown(source), [
        `  digest       ${plan.descriptorDigest}`,
        `  sent as      ${plan.descriptorTextDigest} (the descriptor's text in UTF-8, as vSphere receives it)`,
        `| digest | \`${plan.descriptorDigest}\` |`,
        `| sent as | \`${plan.descriptorTextDigest}\` (the text in UTF-8) |`,
      ]);

      await sim().clearInjections();
      await importAndDestroy(source, `enc-${i}`);
      const got = await soapReceived();
      assert.deepEqual(got.map((r) => [r.method, r.sha256]), [['CreateImportSpec', plan.descriptorTextDigest]]);
      assert.ok(got[0]!.text!.includes(`<Annotation>${CAFE}: `), 'the server read the characters the plan read');
      assert.equal(got[0]!.text!.includes('\r\n'), v.crlf);

      // Negative controls: the texts a wrong import would send reach the simulator with another digest.
      const wrong = [
        // The package's UTF-8 reading of the bytes (what the import sent before: "Caf\uFFFD", or for UTF-16 nothing usable).
        bytes.toString('utf8').replace(/^\uFEFF/, ''),
        // The planned text with literal CRs, which any XML reader turns into LF.
        ...(v.crlf ? [expected] : []),
      ];
      const raw = new RawSession(sim());
      await raw.login();
      await sim().clearInjections();
      for (const text of wrong) {
        await raw.call('ParseDescriptor', 'OvfManager', raw.ovfManager, `<ovfDescriptor>${xmlEscape(text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, ''))}</ovfDescriptor><pdp><locale></locale><deploymentOption></deploymentOption></pdp>`);
      }
      const sent = (await soapReceived()).map((r) => r.sha256);
      assert.equal(sent.length, wrong.length);
      for (const d of sent) assert.notEqual(d, plan.descriptorTextDigest, 'a re-decoded or CR-stripped text would fail the check above');
    });
  });

  it('Pulumi Check with a connection gives ValidateHost and CreateImportSpec the planned text of a Latin-1 descriptor', async () => {
    const v = VARIANTS[0]!;
    const source = dirs.get(v)!;
    const plan = await planOf(source);
    await sim().clearInjections();
    const urn = dynamicUrn('latin1', 'pulumi-nodejs:dynamic/ovfkit:OvfImport');
    const checked = await host.check(urn, {}, { __provider: provider, source, name: 'enc-check', resourcePool: 'DC0_C0/Resources', datastore: 'LocalDS_0' });
    assert.deepEqual(checked.failures, []);
    const got = await soapReceived();
    assert.deepEqual(got.map((r) => [r.method, r.sha256]), [['ValidateHost', plan.descriptorTextDigest], ['CreateImportSpec', plan.descriptorTextDigest]]);
    assert.ok(got.every((r) => r.text!.includes(`<Annotation>${CAFE}: `) && r.text!.includes('\r\n')));
  });

  it('a content library publish uploads the descriptor\'s bytes unchanged (sha256 = the plan\'s descriptorDigest)', async () => {
    const session = await VimSession.connect({ server: sim().sdkUrl, userName: sim().username, password: sim().password, thumbprint: sim().thumbprint });
    try {
      const datastore = (await new Inventory(session).get('/DC0/datastore/LocalDS_0', 'datastore')).value;
      const rest = await RestClient.open(session, { userName: sim().username, password: sim().password });
      try {
        await createLocalLibrary(rest, 'enc-lib', datastore);
        for (const [i, v] of VARIANTS.entries()) {
          const source = dirs.get(v)!;
          const plan = await planOf(source);
          await sim().clearInjections();
          await publishToLibrary(rest, { source: await pkg(source), library: 'enc-lib', item: `enc-${i}` });
          const uploads = (await sim().state()).received.filter((r) => r.kind === 'libraryUpload');
          assert.deepEqual(uploads.map((r) => [r.file, r.sha256]).sort(), [
            ['minimal-disk1.vmdk', sha256(fs.readFileSync(path.join(source, 'minimal-disk1.vmdk')))],
            ['minimal.ovf', plan.descriptorDigest],
          ]);
        }
      } finally {
        await rest.close();
      }
    } finally {
      await session.logout();
    }
  });
});
