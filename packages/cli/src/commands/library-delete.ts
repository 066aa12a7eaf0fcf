import { UsageError } from '@ovfkit/core';
import { isLibrarySource, LIBRARY_SOURCE_PREFIX } from '@ovfkit/package';
import { type Command, ExitCode, writeJson } from '../command';
import { connectionHelp, connectionOptions, vsphere, withRestSession } from '../connection';

/** `ovfkit library delete`: removes one item of a content library (what a CDKTF OvfLibraryItem's destroy runs). */
export const libraryDeleteCommand: Command = {
  name: 'library delete',
  summary: 'delete an item of a vCenter content library',
  usage: 'library delete library:<LIBRARY>/<ITEM> --server <url> [--if-exists]',
  help: [
    connectionHelp,
    '  library:LIBRARY/ITEM    the item, as a library source names it (library name or id, then the item name)',
    '  --if-exists             an item (or library) that does not exist is no error',
  ].join('\n'),
  options: { ...connectionOptions, 'if-exists': { type: 'boolean' } },
  async run(positionals, values, ctx) {
    const arg = positionals[0] ?? '';
    const ref = arg.slice(LIBRARY_SOURCE_PREFIX.length);
    const slash = ref.indexOf('/');
    if (positionals.length !== 1 || !isLibrarySource(arg) || slash <= 0 || slash === ref.length - 1) throw new UsageError('library delete takes one item: library:LIBRARY/ITEM');
    const library = ref.slice(0, slash);
    const item = ref.slice(slash + 1);
    const ifExists = values['if-exists'] === true;
    return withRestSession(values, ctx, async (rest) => {
      const v = vsphere();
      let found: { id: string } | undefined;
      try {
        const lib = await v.findLibrary(rest, library, ctx.signal);
        found = await v.findItem(rest, lib.id, item, ctx.signal);
      } catch (e) {
        if (!(ifExists && e instanceof UsageError)) throw e;
      }
      if (!found) {
        if (!ifExists) throw new UsageError(`content library ${JSON.stringify(library)} has no item ${JSON.stringify(item)}`);
        if (values['json'] === true) writeJson(ctx.stdout, { deleted: false });
        else ctx.stdout.write(`no item "${item}" in content library "${library}"; nothing to delete\n`);
        return ExitCode.Ok;
      }
      await rest.call({ method: 'DELETE', path: ['content', 'library', 'item', found.id] }, ctx.signal);
      if (values['json'] === true) writeJson(ctx.stdout, { deleted: true, itemId: found.id });
      else ctx.stdout.write(`deleted library item "${item}" (${found.id})\n`);
      return ExitCode.Ok;
    });
  },
};
