import { UsageError } from '@ovfkit/core';
import { Inventory, createLocalLibrary, publishToLibrary } from '@ovfkit/vsphere';
import { type Command, ExitCode, stringOption, writeJson } from '../command';
import { connectionHelp, connectionOptions, withRestSession } from '../connection';
import { progressHelp, progressMode, progressOptions, transferProgress } from '../progress';
import { openCliSource } from '../source';

/** `ovfkit library publish`: an OVF package into a content library item, all or nothing. */
export const libraryPublishCommand: Command = {
  name: 'library publish',
  summary: 'publish an OVF package (folder, .ova or URL) as a vCenter content library item',
  usage: 'library publish <dir|file.ovf|file.ova|URL> --library <name|id> --item <name> --server <url> [--pull] [--description <text>]',
  help: [
    connectionHelp,
    '  --library <name|id>     the content library (a local library of this vCenter)',
    '  --item <name>           the OVF item to create or update',
    '  --pull                  vCenter fetches each file from the URL itself (an .ovf URL it can reach);',
    '                          without it ovfkit streams every file, once, with its manifest checksum',
    '  --description <text>    description of a new item',
    progressHelp,
  ].join('\n'),
  options: { ...connectionOptions, ...progressOptions, library: { type: 'string' }, item: { type: 'string' }, pull: { type: 'boolean' }, description: { type: 'string' } },
  async run(positionals, values, ctx) {
    const json = values['json'] === true;
    if (positionals.length !== 1) throw new UsageError('library publish takes one source: an .ovf, .ova, directory or URL');
    const library = stringOption(values, 'library');
    const item = stringOption(values, 'item');
    if (!library) throw new UsageError('library publish needs --library <name|id>');
    if (!item) throw new UsageError('library publish needs --item <name>');
    const source = await openCliSource(positionals[0]!, ctx);
    try {
      return await withRestSession(values, ctx, async (rest) => {
        const onProgress = transferProgress(ctx.stderr, progressMode(values, ctx));
        const description = stringOption(values, 'description');
        const r = await publishToLibrary(rest, { source, library, item, pull: values['pull'] === true, vocabulary: 'cli', ...(description ? { description } : {}), signal: ctx.signal, ...(onProgress ? { onProgress } : {}) });
        if (json) writeJson(ctx.stdout, r);
        else if (!r.changed) ctx.stdout.write(`library item "${item}" (${r.itemId}) already holds this package (content version ${r.contentVersion}); nothing was sent\n`);
        else ctx.stdout.write(`${r.created ? 'published' : 'updated'} library item "${item}" (${r.itemId}, content version ${r.contentVersion}): ${r.files.length} files, ${r.bytes} bytes${values['pull'] ? ' fetched by vCenter' : ''}\n`);
        return ExitCode.Ok;
      });
    } finally {
      await source.close();
    }
  },
};

/** `ovfkit library create`: a local content library on one datastore. */
export const libraryCreateCommand: Command = {
  name: 'library create',
  summary: 'create a local content library on a datastore',
  usage: 'library create <name> --datastore <path|Datastore:id> --server <url>',
  help: [connectionHelp, '  --datastore <path>      the datastore that stores the library (inventory path or Datastore:id)'].join('\n'),
  options: { ...connectionOptions, datastore: { type: 'string' } },
  async run(positionals, values, ctx) {
    if (positionals.length !== 1) throw new UsageError('library create takes one library name');
    const datastore = stringOption(values, 'datastore');
    if (!datastore) throw new UsageError('library create needs --datastore');
    return withRestSession(values, ctx, async (rest, session) => {
      const ds = await new Inventory(session).get(datastore, 'datastore', ['Datastore'], ctx.signal);
      const id = await createLocalLibrary(rest, positionals[0]!, ds.value, ctx.signal);
      if (values['json'] === true) writeJson(ctx.stdout, { id, name: positionals[0], datastore: ds });
      else ctx.stdout.write(`created content library "${positionals[0]}" (${id})\n`);
      return ExitCode.Ok;
    });
  },
};
