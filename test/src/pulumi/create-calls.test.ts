/**
 * How much work one OvfImport `create()` does: local descriptor parses (core's envelope reader,
 * counted in this process) and vim25 calls (counted by the simulator, per method). `check()` has
 * already planned the import (its plan is in the inputs) in the same provider process: `create()`
 * plans the bytes it imports against the live inventory over the model check() read (the
 * provider's descriptor cache, by digest), so it parses nothing, and asks the server for an
 * ImportSpec once.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createOvfImportProvider, defaultBackend } from '@ovfkit/pulumi';

import { startSimulator, type Simulator } from '../sim/simulator';
import { countEnvelopeReads } from '../envelope-reads';
import { buildOva, type BuiltPackage } from '../vsphere-fixtures';

function diffCalls(before: Record<string, number>, after: Record<string, number>, methods: string[]): Record<string, number> {
  return Object.fromEntries(methods.map((m) => [m, (after[m] ?? 0) - (before[m] ?? 0)]));
}

describe('OvfImport create() against the simulator: one plan, one CreateImportSpec', function () {
  this.timeout(120_000);
  let sim: Simulator;
  let tmp: string;
  let pkg: BuiltPackage;
  const saved = { ...process.env };
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ovfkit-create-calls-'));
    pkg = await buildOva(path.join(tmp, 'pkg'), 'tiny', [{ id: 'tiny01', cpus: 1, memoryMB: 256, disksMiB: [1], nics: ['VM Network'] }]);
    sim = await startSimulator();
    Object.assign(process.env, { VSPHERE_SERVER: sim.url, VSPHERE_USER: sim.username, VSPHERE_PASSWORD: sim.password, VSPHERE_THUMBPRINT: sim.thumbprint });
  });
  after(async () => {
    for (const k of ['VSPHERE_SERVER', 'VSPHERE_USER', 'VSPHERE_PASSWORD', 'VSPHERE_THUMBPRINT']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await sim?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('parses nothing (the descriptor check() read, by digest) and calls CreateImportSpec once, with no ValidateHost or ParseDescriptor, in create()', async () => {
    const provider = createOvfImportProvider(() => defaultBackend());
    const checked = await provider.check({}, { source: pkg.ova, name: 'calls-a', resourcePool: 'DC0_C0/Resources', datastore: 'LocalDS_0', networkMapping: { 'VM Network': 'VM Network' } });
    assert.deepEqual(checked.failures, []);
    const reads = countEnvelopeReads();
    const before = (await sim.collectors()).calls;
    let id: string;
    try {
      id = (await provider.create(checked.inputs)).id;
    } finally {
      reads.restore();
    }
    const calls = diffCalls(before, (await sim.collectors()).calls, ['ParseDescriptor', 'ValidateHost', 'CreateImportSpec', 'ImportVApp']);
    const figures = { localParses: reads.count(), ...calls };
    console.log(`      create(): ${JSON.stringify(figures)}`);
    assert.deepEqual(figures, { localParses: 0, ParseDescriptor: 0, ValidateHost: 0, CreateImportSpec: 1, ImportVApp: 1 });
    await provider.delete(id, {} as never);
  });
});
