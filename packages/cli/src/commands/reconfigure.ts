import { UsageError } from '@ovfkit/core';
import { Inventory, OvfSession } from '@ovfkit/vsphere';
import { type Command, ExitCode, stringOption, writeJson } from '../command';
import { connectionHelp, connectionOptions, withSession } from '../connection';
import { propertyFlags } from './import';

/**
 * `ovfkit reconfigure`: what vSphere changes on an imported VM or vApp without a new import (the
 * annotation and vApp property values by ReconfigVM_Task / UpdateVAppConfig, the power state), as
 * the CDKTF constructs' in-place update runs it.
 */
export const reconfigureCommand: Command = {
  name: 'reconfigure',
  summary: 'set the annotation, vApp property values and power state of a VM or vApp in place',
  usage: 'reconfigure <vm-or-vapp> --server <url> [--annotation <text>] [--prop k=v] [--power-on|--power-off]',
  help: [
    '  <vm-or-vapp>            name (when unique), inventory path, path under the VM folder, or moref (VirtualMachine:vm-42)',
    connectionHelp,
    '  --annotation <text>     set the annotation (notes)',
    '  --prop <key=value>      set a vApp property value (repeatable; full classId.id.instanceId or bare id)',
    '  --prop-env <key=VAR>    set a property from environment variable VAR (repeatable; for secrets)',
    '  --power-on              power on (nothing when already on)',
    '  --power-off             power off (nothing when already off)',
  ].join('\n'),
  options: {
    ...connectionOptions,
    annotation: { type: 'string' },
    prop: { type: 'string', multiple: true },
    'prop-env': { type: 'string', multiple: true },
    'power-on': { type: 'boolean' },
    'power-off': { type: 'boolean' },
  },
  async run(positionals, values, ctx) {
    const json = values['json'] === true;
    if (positionals.length !== 1) throw new UsageError('reconfigure takes one VM or vApp (name, inventory path or Type:id)');
    if (values['power-on'] === true && values['power-off'] === true) throw new UsageError('give --power-on or --power-off, not both');
    const property = Object.entries(propertyFlags(values, ctx.env)).map(([key, value]) => ({ key, value }));
    const annotation = stringOption(values, 'annotation');
    const wantOn = values['power-on'] === true ? true : values['power-off'] === true ? false : undefined;
    return withSession(values, ctx, async (session) => {
      const ref = await new Inventory(session).entity(positionals[0]!, ctx.signal);
      const ovf = new OvfSession(session);
      const done: string[] = [];
      if (annotation !== undefined || property.length) {
        await ovf.reconfigure(ref, { ...(annotation !== undefined ? { annotation } : {}), ...(property.length ? { property } : {}) });
        if (annotation !== undefined) done.push('annotation');
        if (property.length) done.push(`${property.length} propert${property.length === 1 ? 'y' : 'ies'}`);
      }
      if (wantOn !== undefined) {
        const now = await ovf.readEntity(ref);
        if (now && (now.powerState === 'poweredOn') !== wantOn) {
          await ovf.setPowerState(ref, wantOn);
          done.push(wantOn ? 'powered on' : 'powered off');
        }
      }
      if (json) writeJson(ctx.stdout, { entity: ref, changed: done });
      else ctx.stdout.write(`reconfigured ${ref.type} ${ref.value}: ${done.length ? done.join(', ') : 'nothing to change'}\n`);
      return ExitCode.Ok;
    });
  },
};
