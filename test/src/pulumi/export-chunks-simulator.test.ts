import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { readReferences } from '@ovfkit/package';

import { runCli } from '../cli.test';
import type { BuiltPackage } from '../vsphere-fixtures';

import { dynamicUrn, type PluginHost } from './plugin-host';
import { useSimulatorPluginHost } from './sim-context';

const importUrn = dynamicUrn('tiny', 'pulumi-nodejs:dynamic/ovfkit:OvfImport');
const exportUrn = dynamicUrn('tiny-chunked', 'pulumi-nodejs:dynamic/ovfkit:OvfExport');

/** Small, and not a multiple of 512, so the tiny VM's disk gives several chunks. */
const CHUNK = 5000;

describe('OvfExport with chunkSize, against the vSphere simulator, through the plugin host', function () {
  this.timeout(120_000);
  const shared = useSimulatorPluginHost('ovfkit-pulumi-chunks-');
  let host: PluginHost;
  let tmp: string;
  let pkg: BuiltPackage;
  let provider: string;
  let exportProvider: string;
  before(() => ({ host, tmp, pkg, provider, exportProvider } = shared));

  it('creates the chunked package (a directory and an OVA), reads it back without drift, replaces on a new chunk size and deletes every chunk', async () => {
    const c = await host.check(importUrn, {}, { __provider: provider, source: pkg.ova, name: 'tiny-c', resourcePool: 'DC0_C0/Resources', datastore: 'LocalDS_0', networkMapping: { 'VM Network': 'VM Network' } });
    const vm = await host.create(importUrn, c.inputs);
    try {
      for (const destination of [path.join(tmp, 'tiny-c-chunked'), path.join(tmp, 'tiny-c-chunked.ova')]) {
        const e = await host.check(exportUrn, {}, { __provider: exportProvider, entity: vm.id, destination, chunkSize: CHUNK });
        assert.deepEqual(e.failures, [], JSON.stringify(e.failures));
        const exported = await host.create(exportUrn, e.inputs);
        assert.equal(exported.properties['chunkSize'], CHUNK);
        const files = exported.properties['files'] as Array<{ path: string; size: number }>;
        const chunks = files.filter((f) => f.path.startsWith('tiny-c-disk-0.vmdk.'));
        assert.ok(chunks.length >= 2, `the disk is stored in several chunks (${files.map((f) => f.path).join(', ')})`);
        assert.deepEqual(chunks.map((f) => f.path), chunks.map((_, k) => `tiny-c-disk-0.vmdk.${String(k).padStart(9, '0')}`));
        assert.ok(chunks.slice(0, -1).every((f) => f.size === CHUNK));
        const [ref] = readReferences(String(exported.properties['descriptor']));
        assert.equal(ref?.chunkSize, CHUNK, 'the descriptor in the state has ovf:chunkSize');
        assert.equal(ref?.size, chunks.reduce((n, f) => n + f.size, 0), 'ovf:size is the whole disk');
        const v = await runCli(['manifest', 'verify', destination]);
        assert.equal(v.code, 0, v.stdout + v.stderr);
        if (!destination.endsWith('.ova')) assert.deepEqual(fs.readdirSync(destination).sort(), [...files.map((f) => f.path), 'tiny-c.mf'].sort());

        const refreshed = await host.read(exported.id, exportUrn, exported.properties);
        assert.deepEqual(refreshed.properties['files'], exported.properties['files'], 'reading the chunk files back shows no drift');
        const d = await host.diff(exported.id, exportUrn, exported.properties, { ...e.inputs, chunkSize: 2 * CHUNK });
        assert.ok(d.replaces.includes('chunkSize'), 'a new chunk size writes a new export');
        await host.delete(exported.id, exportUrn, exported.properties);
        const kept = await runCli(['manifest', 'verify', destination]);
        assert.equal(kept.code, 0, `delete keeps every chunk, the descriptor and the manifest: ${kept.stdout}${kept.stderr}`);
      }
    } finally {
      await host.delete(vm.id, importUrn, vm.properties);
    }
  });

  it('refuses a chunk size that is not a positive whole number at check', async () => {
    for (const chunkSize of [0, -1, 1.5]) {
      const e = await host.check(exportUrn, {}, { __provider: exportProvider, entity: 'VirtualMachine:vm-1', destination: path.join(tmp, 'x.ova'), chunkSize });
      assert.deepEqual(e.failures.map((f) => f.property), ['chunkSize'], String(chunkSize));
    }
  });
});
