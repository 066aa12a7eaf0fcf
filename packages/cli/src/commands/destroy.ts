import { escapeControls, UsageError } from '@ovfkit/core';
import { Inventory, destroyEntity } from '@ovfkit/vsphere';
import { type Command, ExitCode, writeJson } from '../command';
import { connectionHelp, connectionOptions, withSession } from '../connection';

/** `ovfkit destroy`: powers off and deletes a VM or vApp (what `terraform destroy` runs). */
export const destroyCommand: Command = {
  name: 'destroy',
  summary: 'power off and delete a VM or vApp',
  usage: 'destroy <vm-or-vapp> --server <url> [--if-exists]',
  help: ['  <vm-or-vapp>            name (when unique), inventory path, path under the VM folder, or moref (VirtualMachine:vm-42)', connectionHelp, '  --if-exists             succeed when the entity is already gone'].join('\n'),
  options: { ...connectionOptions, 'if-exists': { type: 'boolean' } },
  async run(positionals, values, ctx) {
    const json = values['json'] === true;
    if (positionals.length !== 1) throw new UsageError('destroy takes one VM or vApp (name, inventory path or Type:id)');
    return withSession(values, ctx, async (session) => {
      // The same lookup as export: a moref or exact path, else a unique name (several are an error listing them).
      const found = await new Inventory(session).lookup('entity', positionals[0]!, ctx.signal);
      if ('missing' in found) {
        if (values['if-exists']) {
          if (json) writeJson(ctx.stdout, { destroyed: false, reason: 'not found' });
          else ctx.stdout.write(`${escapeControls(positionals[0]!, 'line')} does not exist; nothing to do\n`);
          return ExitCode.Ok;
        }
        throw new UsageError(found.missing);
      }
      const ref = found.ref;
      await destroyEntity(session, ref, { signal: ctx.signal });
      if (json) writeJson(ctx.stdout, { destroyed: true, entity: ref });
      else ctx.stdout.write(`destroyed ${ref.type} ${ref.value}\n`);
      return ExitCode.Ok;
    });
  },
};
