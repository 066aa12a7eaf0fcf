import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { verifyCertificate } from '@ovfkit/package';

import type { Simulator } from '../sim/simulator';
import type { BuiltPackage } from '../vsphere-fixtures';

import { dynamicUrn, type PluginHost } from './plugin-host';
import { useSimulatorPluginHost } from './sim-context';

const importUrn = dynamicUrn('tiny', 'pulumi-nodejs:dynamic/ovfkit:OvfImport');
const exportUrn = dynamicUrn('tiny-signed', 'pulumi-nodejs:dynamic/ovfkit:OvfExport');

describe('OvfExport with a signing key, against the vSphere simulator, through the plugin host', function () {
  this.timeout(120_000);
  const shared = useSimulatorPluginHost('ovfkit-pulumi-export-');
  let sim: Simulator;
  let host: PluginHost;
  let tmp: string;
  let pkg: BuiltPackage;
  let provider: string;
  let exportProvider: string;
  before(() => ({ sim, host, tmp, pkg, provider, exportProvider } = shared));

  const inputs = (): Record<string, unknown> => ({
    __provider: provider, source: pkg.ova, name: 'tiny-s', resourcePool: 'DC0_C0/Resources', datastore: 'LocalDS_0',
    networkMapping: { 'VM Network': 'VM Network' },
  });

  it('exports with a signed manifest whose certificate verifies, keeping the private key out of state and outputs', async () => {
    const keys = path.join(tmp, 'signing');
    fs.mkdirSync(keys, { recursive: true });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(keys, 'k.pem'), '-out', path.join(keys, 'c.pem'), '-days', '1', '-subj', '/CN=ovfkit pulumi signer'], { stdio: 'ignore' });
    const signingKey = fs.readFileSync(path.join(keys, 'k.pem'), 'utf8');
    const signingCertificate = fs.readFileSync(path.join(keys, 'c.pem'), 'utf8');
    const keyBody = signingKey.split('\n')[1]!; // a line of the key's base64: must appear nowhere
    const c = await host.check(importUrn, {}, inputs());
    const vm = await host.create(importUrn, c.inputs);
    try {
      const destination = path.join(tmp, 'tiny-s-signed');
      // The engine sends the secret input unwrapped to a dynamic provider (acceptSecrets=false).
      const e = await host.check(exportUrn, {}, { __provider: exportProvider, entity: vm.id, destination, signingKey, signingCertificate });
      assert.deepEqual(e.failures, [], JSON.stringify(e.failures));
      const exported = await host.create(exportUrn, e.inputs);
      assert.equal(exported.properties['signed'], true);
      assert.equal(exported.properties['signingKey'], undefined);
      assert.deepEqual(fs.readdirSync(destination).sort(), ['tiny-s-disk-0.vmdk', 'tiny-s.cert', 'tiny-s.mf', 'tiny-s.ovf'].sort());
      const v = verifyCertificate(fs.readFileSync(path.join(destination, 'tiny-s.cert'), 'utf8'), fs.readFileSync(path.join(destination, 'tiny-s.mf')), {
        certificateName: 'tiny-s.cert', manifestName: 'tiny-s.mf', trustStore: [signingCertificate],
      });
      assert.deepEqual(v.issues.filter((i) => i.severity === 'error'), []);
      assert.equal(v.signatureValid, true);
      assert.equal(v.trusted, true);
      const refreshed = await host.read(exported.id, exportUrn, exported.properties);
      for (const [what, value] of [['outputs', exported.properties], ['refreshed state', refreshed.properties]] as const) {
        assert.ok(!JSON.stringify(value).includes(keyBody), `the private key is not in the ${what}`);
      }
      assert.ok(!host.stderr().includes(keyBody), 'the plugin host logged no key');
      await host.delete(exported.id, exportUrn, exported.properties);
      assert.deepEqual(fs.readdirSync(destination).sort(), ['tiny-s-disk-0.vmdk', 'tiny-s.cert', 'tiny-s.mf', 'tiny-s.ovf'].sort(), 'delete forgets the export and keeps the signed package');
    } finally {
      await host.delete(vm.id, importUrn, vm.properties);
    }
  });
});
