import { UsageError } from '@ovfkit/core';
import { Inventory, destroyEntity } from '@ovfkit/vsphere';
import { type Command, ExitCode, writeJson } from '../command';
import { connectionHelp, connectionOptions, withSession } from '../connection';

/** `ovfkit destroy`: powers off and deletes a VM or vApp (what `terraform destroy` runs). */
export const destroyCommand: Command = {
  name: 'destroy',
  summary: 'power off and delete a VM or vApp',
  usage: 'destroy <vm-or-vapp-path|VirtualMachine:vm-42> --server <url> [--if-exists]',
  help: [connectionHelp, '  --if-exists             succeed when the entity is already gone'].join('\n'),
  options: { ...connectionOptions, 'if-exists': { type: 'boolean' } },
  async run(positionals, values, ctx) {
    const json = values['json'] === true;
    if (positionals.length !== 1) throw new UsageError('destroy takes one VM or vApp (inventory path or Type:id)');
    return withSession(values, ctx, async (session) => {
      const ref = await new Inventory(session).find(positionals[0]!, ctx.signal);
      if (!ref) {
        if (values['if-exists']) {
          if (json) writeJson(ctx.stdout, { destroyed: false, reason: 'not found' });
          else ctx.stdout.write(`${positionals[0]} does not exist; nothing to do\n`);
          return ExitCode.Ok;
        }
        throw new UsageError(`no VM or vApp at ${JSON.stringify(positionals[0])}`);
      }
      if (ref.type !== 'VirtualMachine' && ref.type !== 'VirtualApp') throw new UsageError(`${positionals[0]} is a ${ref.type}; destroy deletes only VMs and vApps`);
      await destroyEntity(session, ref, { signal: ctx.signal });
      if (json) writeJson(ctx.stdout, { destroyed: true, entity: ref });
      else ctx.stdout.write(`destroyed ${ref.type} ${ref.value}\n`);
      return ExitCode.Ok;
    });
  },
};
