import { isOvfkitError } from '@ovfkit/core';
import type { ManagedObjectReference } from './soap/codec';
import { isVimFault } from './soap/fault';
import { DestroyTask, PowerOffVAppTask, PowerOffVMTask } from './soap/methods';
import type { VimSession } from './session';

/**
 * Destroys a VM or vApp, powering it off first (vSphere refuses to destroy a running VM).
 * With `ignoreMissing`, an entity already gone is success (cleanup after an aborted lease).
 */
export async function destroyEntity(session: VimSession, entity: ManagedObjectReference, options: { log?: (l: string) => void; ignoreMissing?: boolean; signal?: AbortSignal } = {}): Promise<boolean> {
  try {
    const props = await session.properties(entity, entity.type === 'VirtualMachine' ? ['runtime.powerState'] : ['summary.vAppState'], options.signal);
    const on = props['runtime.powerState'] === 'poweredOn' || props['summary.vAppState'] === 'started';
    if (on) {
      const t = entity.type === 'VirtualMachine' ? new PowerOffVMTask({ _this: entity }) : new PowerOffVAppTask({ _this: entity, force: true });
      await session.waitForTask(await session.client.send(t), options.signal);
    }
    await session.waitForTask(await session.client.send(new DestroyTask({ _this: entity })), options.signal);
    options.log?.(`destroyed ${entity.type} ${entity.value}`);
    return true;
  } catch (e) {
    if (options.ignoreMissing && isVimFault(e, 'ManagedObjectNotFound')) return false;
    if (isOvfkitError(e)) throw e;
    throw e;
  }
}
