import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '@ovfkit/core';
import { captureInventory } from '@ovfkit/vsphere';
import { type Command, ExitCode, stringOption, writeJson } from '../command';
import { connectionHelp, connectionOptions, withSession } from '../connection';
import { placementOption } from '../govc';

/** `ovfkit inventory capture`: a datacenter's inventory snapshot for offline previews. */
export const inventoryCaptureCommand: Command = {
  name: 'inventory capture',
  summary: 'capture a datacenter\'s inventory (datastores, networks, pools) as an ovfkit.inventory/1 JSON snapshot',
  usage: 'inventory capture --server <url> [--datacenter <name>] [--out <file.json>]',
  help: [connectionHelp, '  --datacenter <name>     datacenter (or GOVC_DATACENTER; default: the only one)', '  --out <file.json>       write the snapshot here (default: stdout)'].join('\n'),
  options: { ...connectionOptions, datacenter: { type: 'string' }, out: { type: 'string' } },
  async run(positionals, values, ctx) {
    if (positionals.length) throw new UsageError('inventory capture takes no positional arguments');
    return withSession(values, ctx, async (session) => {
      const dc = placementOption(values, ctx.env, 'datacenter');
      const snapshot = await captureInventory(session, { ...(dc ? { datacenter: dc } : {}), signal: ctx.signal });
      const out = stringOption(values, 'out');
      if (out) {
        fs.writeFileSync(path.resolve(ctx.cwd, out), JSON.stringify(snapshot, null, 2) + '\n');
        if (values['json']) writeJson(ctx.stdout, { written: out, datastores: snapshot.datastores.length, networks: snapshot.networks.length, resourcePools: snapshot.resourcePools.length, hosts: snapshot.hosts.length });
        else ctx.stdout.write(`wrote ${out}: ${snapshot.hosts.length} hosts, ${snapshot.datastores.length} datastores, ${snapshot.networks.length} networks, ${snapshot.resourcePools.length} pools\n`);
      } else writeJson(ctx.stdout, snapshot);
      return ExitCode.Ok;
    });
  },
};
