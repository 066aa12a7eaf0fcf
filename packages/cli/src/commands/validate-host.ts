import { createPlan, escapeControls as esc, UsageError } from '@ovfkit/core';
import { type Command, ExitCode, stringOption, writeJson } from '../command';
import { fmtBytes, hostProfileFrom, inventoryFrom, issueLine, targetHelp, targetOptions } from '../cisp-flags';
import { readDescriptorText, sourceOptionsFrom } from '../source';

/** `ovfkit validate-host`: vSphere ValidateHost against a host profile (and inventory). */
export const validateHostCommand: Command = {
  name: 'validate-host',
  summary: 'check that a host can run an OVF package, the way vSphere ValidateHost does',
  usage: 'validate-host <file.ovf|file.ova|URL> [--host-profile P] [--inventory FILE --host HOST] [--deployment-option ID] [--json]',
  help: [targetHelp, '  --deployment-option ID  Configuration ovf:id (default: the descriptor default)', '  --locale L              language of localized texts'].join('\n'),
  options: { ...targetOptions, 'deployment-option': { type: 'string' }, locale: { type: 'string' } },
  async run(positionals, values, ctx): Promise<number> {
    if (positionals.length !== 1) throw new UsageError('validate-host needs one descriptor: ovfkit validate-host <file.ovf>');
    const src = await readDescriptorText(positionals[0]!, ctx, await sourceOptionsFrom(values, ctx));
    const hostProfile = await hostProfileFrom(values, ctx);
    const inventory = await inventoryFrom(values, ctx);
    const host = stringOption(values, 'host');
    const { plan, validateHost: r } = createPlan(src.bytes, {
      hostProfile,
      ...(inventory ? { inventory } : {}),
      ...(host !== undefined ? { host } : {}),
      deploymentOption: stringOption(values, 'deployment-option') ?? '',
      locale: stringOption(values, 'locale') ?? '',
      // Fixes name the CLI's flags (--disk-provisioning thin), as ovfkit plan's do.
      vocabulary: 'cli',
    });
    if (values['json']) writeJson(ctx.stdout, r);
    else {
      const err = r.error ?? [];
      const warn = r.warning ?? [];
      const lines = [
        `${esc(src.name, 'line')}: validated against ${esc(plan.hostProfile)}${plan.target.host ? ` (host ${esc(plan.target.host)})` : ''}`,
        `  sizes        download ${fmtBytes(r.downloadSize)}, flat ${fmtBytes(r.flatDeploymentSize)}, sparse ${fmtBytes(r.sparseDeploymentSize)}`,
        `  provisioning ${(r.supportedDiskProvisioning ?? []).join(', ')}`,
        `  result       ${err.length} error${err.length === 1 ? '' : 's'}, ${warn.length} warning${warn.length === 1 ? '' : 's'}`,
        ...err.map((e) => issueLine('error', e)),
        ...warn.map((w) => issueLine('warning', w)),
      ];
      ctx.stdout.write(lines.join('\n') + '\n');
    }
    return r.error?.length ? ExitCode.ResultErrors : ExitCode.Ok;
  },
};
