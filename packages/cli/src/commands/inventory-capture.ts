import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '@ovfkit/core';
import { captureInventory, RestClient } from '@ovfkit/vsphere';
import { type Command, ExitCode, stringOption, writeJson } from '../command';
import { connectionHelp, connectionOptions, connectionSettings, withSession } from '../connection';
import { placementOption } from '../govc';

/** `ovfkit inventory capture`: a datacenter's inventory snapshot for offline previews. */
export const inventoryCaptureCommand: Command = {
  name: 'inventory capture',
  summary: 'capture a datacenter\'s inventory (datastores, networks, pools, content libraries) as an ovfkit.inventory/1 JSON snapshot',
  usage: 'inventory capture --server <url> [--datacenter <name>] [--out <file.json>] [--skip-libraries]',
  help: [
    connectionHelp,
    '  --datacenter <name>     datacenter (or GOVC_DATACENTER; default: the only one)',
    '  --out <file.json>       write the snapshot here (default: stdout)',
    '  --skip-libraries        leave out vCenter\'s content libraries (by default their OVF items are recorded with\n                          their descriptors, so plan library:LIB/ITEM --inventory works offline)',
  ].join('\n'),
  options: { ...connectionOptions, datacenter: { type: 'string' }, out: { type: 'string' }, 'skip-libraries': { type: 'boolean' } },
  async run(positionals, values, ctx) {
    if (positionals.length) throw new UsageError('inventory capture takes no positional arguments');
    return withSession(values, ctx, async (session) => {
      const dc = placementOption(values, ctx.env, 'datacenter');
      // Content libraries are vCenter's (REST API), over the same verified connection.
      const withLibraries = values['skip-libraries'] !== true && session.serviceContent.about.apiType === 'VirtualCenter';
      const { userName, password } = connectionSettings(values, ctx);
      const rest = withLibraries ? await RestClient.open(session, { userName, password, signal: ctx.signal }) : undefined;
      let snapshot;
      try {
        snapshot = await captureInventory(session, { ...(dc ? { datacenter: dc } : {}), signal: ctx.signal, ...(rest ? { rest } : {}) });
      } finally {
        await rest?.close();
      }
      const libs = snapshot.libraries ? `, ${snapshot.libraries.length} content libraries (${snapshot.libraries.reduce((n, l) => n + l.items.length, 0)} OVF items)` : '';
      const out = stringOption(values, 'out');
      if (out) {
        fs.writeFileSync(path.resolve(ctx.cwd, out), JSON.stringify(snapshot, null, 2) + '\n');
        if (values['json']) writeJson(ctx.stdout, { written: out, datastores: snapshot.datastores.length, networks: snapshot.networks.length, resourcePools: snapshot.resourcePools.length, hosts: snapshot.hosts.length, ...(snapshot.libraries ? { libraries: snapshot.libraries.length, libraryItems: snapshot.libraries.reduce((n, l) => n + l.items.length, 0) } : {}) });
        else ctx.stdout.write(`wrote ${out}: ${snapshot.hosts.length} hosts, ${snapshot.datastores.length} datastores, ${snapshot.networks.length} networks, ${snapshot.resourcePools.length} pools${libs}\n`);
      } else writeJson(ctx.stdout, snapshot);
      return ExitCode.Ok;
    });
  },
};
