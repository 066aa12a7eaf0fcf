import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { LocalOvfManager, OvfkitError, UsageError, type DescriptorSource, type OvfCreateDescriptorParams, type OvfFile } from '@ovfkit/core';
import { type Command, ExitCode, stringList, stringOption, writeJson } from '../command';
import { issueLine } from '../cisp-flags';

async function readJson(file: string, cwd: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new OvfkitError('IO', `cannot read the ${what} ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`the ${what} ${file} is not JSON: ${(e as Error).message}`);
  }
}

function isSource(v: unknown): v is DescriptorSource {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  if (o['_typeName'] === 'VirtualApp') return typeof o['name'] === 'string' && Array.isArray(o['child']);
  const hw = o['hardware'] as Record<string, unknown> | undefined;
  return typeof o['name'] === 'string' && typeof o['guestId'] === 'string' && typeof o['version'] === 'string' && typeof hw === 'object' && hw !== null && Array.isArray(hw['device']);
}

/** `ovfkit descriptor`: vSphere CreateDescriptor from a VM configuration JSON. */
export const descriptorCommand: Command = {
  name: 'descriptor',
  summary: 'write the OVF descriptor of a VM or vApp configuration (CreateDescriptor), offline',
  usage: 'descriptor <config.json> [--name N] [--files ovf-files.json] [--export-option mac|uuid|extraconfig|nodevicesubtypes] [--ovf2] [-o out.ovf] [--json]',
  help: [
    '  --name N                ovf:id of the top-level entity (default: the configured name)',
    '  --description TEXT      annotation of the top-level entity',
    '  --files FILE            OvfFile list JSON [{deviceId, path, size, …}] of a real run (default: dry run)',
    '  --export-option KW      mac, uuid, extraconfig, nodevicesubtypes (repeatable)',
    '  --include-image-files   describe ISO / floppy images attached to CD-ROM / floppy drives',
    '  --ovf2                  write OVF 2.0 instead of 1.x',
    '  -o, --output FILE       write the descriptor to FILE instead of standard output',
  ].join('\n'),
  options: {
    name: { type: 'string' },
    description: { type: 'string' },
    files: { type: 'string' },
    'export-option': { type: 'string', multiple: true },
    'include-image-files': { type: 'boolean' },
    ovf2: { type: 'boolean' },
    output: { type: 'string', short: 'o' },
  },
  async run(positionals, values, ctx): Promise<number> {
    if (positionals.length !== 1) throw new UsageError('descriptor needs one configuration file: ovfkit descriptor <config.json>');
    const config = await readJson(positionals[0]!, ctx.cwd, 'configuration');
    if (!isSource(config)) throw new UsageError(`${positionals[0]} is not a VM configuration (name, guestId, version, hardware.device[]) or a vApp ({"_typeName":"VirtualApp", name, child[]}); see docs/host-profiles.md (CreateDescriptor configuration)`);
    const cdp: OvfCreateDescriptorParams = {};
    const name = stringOption(values, 'name');
    if (name !== undefined) cdp.name = name;
    const description = stringOption(values, 'description');
    if (description !== undefined) cdp.description = description;
    const exportOption = stringList(values, 'export-option');
    if (exportOption.length) cdp.exportOption = exportOption;
    if (values['include-image-files'] === true) cdp.includeImageFiles = true;
    const files = stringOption(values, 'files');
    if (files !== undefined) {
      const list = await readJson(files, ctx.cwd, 'OvfFile list');
      if (!Array.isArray(list) || !list.every((f) => typeof f === 'object' && f !== null && typeof (f as OvfFile).deviceId === 'string' && typeof (f as OvfFile).path === 'string' && Number.isSafeInteger((f as OvfFile).size))) {
        throw new UsageError(`${files} must be a JSON array of OvfFile objects {deviceId, path, size, capacity?, populatedSize?, compressionMethod?, chunkSize?}`);
      }
      cdp.ovfFiles = list as OvfFile[];
    }
    const r = await new LocalOvfManager().createDescriptor(config, cdp, { ovf2: values['ovf2'] === true });
    const out = stringOption(values, 'output');
    if (values['json']) writeJson(ctx.stdout, r);
    else {
      if (r.ovfDescriptor && out) await writeFile(path.resolve(ctx.cwd, out), r.ovfDescriptor);
      else if (r.ovfDescriptor) ctx.stdout.write(r.ovfDescriptor);
      for (const e of r.error ?? []) ctx.stderr.write(issueLine('error', e) + '\n');
      for (const w of r.warning ?? []) ctx.stderr.write(issueLine('warning', w) + '\n');
    }
    return r.error?.length ? ExitCode.ResultErrors : ExitCode.Ok;
  },
};
