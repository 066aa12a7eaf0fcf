/** What the vSphere end-to-end tests ask of the simulator after an import: a session, and what is left. */
import * as assert from 'node:assert/strict';
import { VimSession } from '@ovfkit/vsphere';
import type { Simulator } from './simulator';

/** A session on the simulator as its own user, trusting its certificate by thumbprint. */
export function connect(sim: Simulator): Promise<VimSession> {
  return VimSession.connect({ server: sim.sdkUrl, userName: sim.username, password: sim.password, thumbprint: sim.thumbprint });
}

/**
 * Nothing of `name` is left: no VM (nor one of its `name-…` children) or vApp, no lease still
 * open, and no private PropertyCollector or filter (the waits create and destroy their own).
 */
export async function assertNothingLeft(sim: Simulator, name: string): Promise<void> {
  const st = await sim.state();
  assert.deepEqual(st.virtualMachines.filter((v) => v.name === name || v.name.startsWith(`${name}-`)), [], `no VM named ${name} is left`);
  assert.deepEqual(st.virtualApps.filter((v) => v.name === name), [], `no vApp named ${name} is left`);
  assert.deepEqual(st.leases.filter((l) => l.state === 'ready' || l.state === 'initializing'), [], 'no lease is left open');
  assert.deepEqual((await sim.collectors()).propertyCollectors, [], 'no PropertyCollector or filter is left');
}
