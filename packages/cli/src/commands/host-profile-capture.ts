import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '@ovfkit/core';
import { captureHostProfile } from '@ovfkit/vsphere';
import { type Command, ExitCode, stringOption, writeJson } from '../command';
import { connectionHelp, connectionOptions, withSession } from '../connection';
import { hostHelp } from '../cisp-flags';

/** `ovfkit host-profile capture`: what a live host can run, as a host profile for offline checks. */
export const hostProfileCaptureCommand: Command = {
  name: 'host-profile capture',
  summary: 'capture what a live ESXi host supports as an ovfkit.host-profile/1 JSON file',
  usage: 'host-profile capture --server <url> [--host HOST] [--out <file.json>]',
  help: [connectionHelp, hostHelp('host to capture (default: the only host)'), '  --out <file.json>       write the profile here (default: stdout)'].join('\n'),
  options: { ...connectionOptions, host: { type: 'string' }, out: { type: 'string' } },
  async run(positionals, values, ctx) {
    if (positionals.length) throw new UsageError('host-profile capture takes no positional arguments');
    return withSession(values, ctx, async (session) => {
      const host = stringOption(values, 'host');
      const profile = await captureHostProfile(session, { ...(host ? { host } : {}), signal: ctx.signal });
      const out = stringOption(values, 'out');
      if (out) {
        fs.writeFileSync(path.resolve(ctx.cwd, out), JSON.stringify(profile, null, 2) + '\n');
        if (values['json']) writeJson(ctx.stdout, { written: out, name: profile.name, supportedHardwareVersions: profile.supportedHardwareVersions });
        else ctx.stdout.write(`wrote ${out}: profile ${profile.name}, hardware versions ${profile.supportedHardwareVersions.join(', ')}, ${profile.guestIds.length} guest ids\n`);
      } else writeJson(ctx.stdout, profile);
      return ExitCode.Ok;
    });
  },
};
