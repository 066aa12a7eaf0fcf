import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import {
  DEFAULT_MAX_CHARS, escapeControls as esc, fullPropertyId, isOvfkitError, OvfkitError, type OvfParseDescriptorResult, parseDescriptorWithModel, type ResolvedDescriptor, summarizeVirtualSystems, UsageError,
} from '@ovfkit/core';
import { fmtBytes, issueLine } from '../cisp-flags';
import { type Command, type CommandContext, ExitCode, stringOption, writeJson } from '../command';
import { forEachPackage, manyPackagesHelp, type PackageOutcome } from '../each';
import { readDescriptorText, sourceOptions, sourceOptionsFrom, sourceOptionsHelp } from '../source';
import type { SourceOptions } from '@ovfkit/package';

/** Largest file `parse` reads: the descriptor character limit, in UTF-16 bytes. */
const MAX_DESCRIPTOR_BYTES = DEFAULT_MAX_CHARS * 2;

/** The descriptor bytes and a name to show for them. */
export interface DescriptorSource {
  bytes: Uint8Array;
  name: string;
}

/** Gets the descriptor for `parse`: a local `.ovf` read here (size-checked), an `.ova` or URL through @ovfkit/package. */
async function readDescriptorSource(arg: string, ctx: CommandContext, options: SourceOptions): Promise<DescriptorSource> {
  // .ova files and http(s) URLs go through @ovfkit/package (only the descriptor is read).
  if (/^https?:\/\//i.test(arg) || /\.ova$/i.test(arg)) {
    const d = await readDescriptorText(arg, ctx, options);
    return { bytes: d.bytes, name: d.name };
  }
  const file = path.resolve(ctx.cwd, arg);
  try {
    // A disk image or OVA passed by mistake must not be read into memory whole.
    const size = (await stat(file)).size;
    if (size > MAX_DESCRIPTOR_BYTES) {
      throw new OvfkitError('INPUT_TOO_LARGE', `${arg} is ${(size / 2 ** 20).toFixed(0)} MiB: too large for an OVF descriptor (limit ${MAX_DESCRIPTOR_BYTES / 2 ** 20} MiB); pass the .ovf file`);
    }
    const bytes = await readFile(file);
    return { bytes, name: arg };
  } catch (e) {
    if (isOvfkitError(e)) throw e;
    const code = (e as NodeJS.ErrnoException)?.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String((e as Error)?.message ?? e);
    throw new OvfkitError('IO', `cannot read ${arg}: ${why}`, { cause: e });
  }
}

/** A References/File as the summary shows it. */
type OvfFileRef = { href: string; size?: number; chunkSize?: number };

/** The readable summary printed without --json; every value from the package is escaped ({@link esc}). */
/** The full ids of the descriptor's password properties (core's fact, every configuration's): their defaults are not shown. */
const passwordIds = (d: ResolvedDescriptor): Set<string> => new Set(d.declaredProperties.filter((p) => p.password).map((p) => p.fullId));

function renderSummary(name: string, r: OvfParseDescriptorResult, chosen: string, vms: ReturnType<typeof summarizeVirtualSystems>, files: readonly OvfFileRef[] = [], passwords: ReadonlySet<string> = new Set()): string {
  const lines: string[] = [];
  const err = r.error ?? [];
  const warn = r.warning ?? [];
  lines.push(`${esc(name, 'line')}: ${r.virtualApp ? 'vApp (VirtualSystemCollection)' : 'virtual machine'} "${esc(r.defaultEntityName)}"`);
  const p = r.productInfo;
  if (p) lines.push(`  product      ${esc([p.name, p.version ?? p.fullVersion].filter(Boolean).join(' ') || '(unnamed)')}${p.vendor ? ` — ${esc(p.vendor)}` : ''}`);
  if (r.annotation) lines.push(`  annotation   ${esc(r.annotation.split('\n')[0]!)}`);
  if (r.deploymentOption?.length) {
    lines.push(`  deployment   ${esc(chosen)}${chosen === r.defaultDeploymentOption ? ' (default)' : ''} of ${r.deploymentOption.length}: ${r.deploymentOption.map((o) => esc(o.key)).join(', ')}`);
  }
  if (r.network?.length) lines.push(`  networks     ${r.network.map((n) => esc(n.name)).join(', ')}`);
  lines.push(`  sizes        download ${fmtBytes(r.approximateDownloadSize)}, flat ${fmtBytes(r.approximateFlatDeploymentSize)}, sparse ${fmtBytes(r.approximateSparseDeploymentSize)}`);
  // Chunked files (DSP0243 §7.3) are stored as href.000000000, …: said, since the names differ from the hrefs.
  const chunked = files.filter((f) => f.chunkSize !== undefined);
  if (chunked.length) lines.push(`  chunked      ${chunked.map((f) => `${esc(f.href)} (${fmtBytes(f.size)} in chunks of ${f.chunkSize} bytes)`).join(', ')}`);
  for (const vm of vms) {
    const hw = [
      esc(vm.virtualSystemType.join(' ')) || 'no hardware family',
      vm.numCPUs !== undefined ? `${vm.numCPUs} vCPU` : undefined,
      vm.memoryMB !== undefined ? `${vm.memoryMB} MB memory` : undefined,
      `${vm.disk.length} disk${vm.disk.length === 1 ? '' : 's'}${vm.disk.length ? ` (${vm.disk.map((d) => fmtBytes(d.capacityBytes)).join(', ')})` : ''}`,
      `${vm.nic.length} NIC${vm.nic.length === 1 ? '' : 's'}${vm.nic.length ? ` → ${vm.nic.map((n) => esc(n)).join(', ')}` : ''}`,
      vm.guest ? `guest ${esc(vm.guest)}` : undefined,
    ].filter(Boolean);
    lines.push(`  vm ${esc(vm.path)}: ${hw.join(', ')}`);
  }
  const props = r.property ?? [];
  if (props.length) {
    lines.push(`  properties   ${props.length} (${props.filter((x) => x.userConfigurable).length} user-configurable)`);
    for (const x of props.slice(0, 20)) {
      const id = esc(fullPropertyId(x));
      const dflt = passwords.has(fullPropertyId(x)) ? '(secret)' : esc(JSON.stringify(x.defaultValue ?? ''), 'line');
      const type = esc((x.type ?? '').length > 40 ? `${x.type!.slice(0, 37)}...` : x.type ?? '');
      lines.push(`    ${id}: ${type}${x.userConfigurable ? '' : ', fixed'} = ${dflt.length > 60 ? `${dflt.slice(0, 57)}...` : dflt}`);
    }
    if (props.length > 20) lines.push(`    … ${props.length - 20} more (use --json for all)`);
  }
  if (r.eula?.length) lines.push(`  EULAs        ${r.eula.length} to accept`);
  lines.push(`  result       ${err.length} error${err.length === 1 ? '' : 's'}, ${warn.length} warning${warn.length === 1 ? '' : 's'}`);
  for (const e of err) lines.push(issueLine('error', e));
  for (const w of warn) lines.push(issueLine('warning', w));
  return lines.join('\n') + '\n';
}

export const parseCommand: Command = {
  name: 'parse',
  summary: 'read and validate an OVF descriptor the way vSphere ParseDescriptor does',
  usage: 'parse <file.ovf|file.ova|URL>… [--deployment-option ID] [--locale L] [--json]',
  help: [
    '  --deployment-option ID  deployment option (Configuration ovf:id) to apply; default: the descriptor\'s default',
    '  --locale L              language for localized texts (StringsSection xml:lang, e.g. de-DE)',
    sourceOptionsHelp,
    manyPackagesHelp,
  ].join('\n'),
  options: {
    ...sourceOptions,
    'deployment-option': { type: 'string' },
    locale: { type: 'string' },
  },
  async run(positionals, values, ctx): Promise<number> {
    if (positionals.length === 0) throw new UsageError('parse needs a descriptor: ovfkit parse <file.ovf> [more packages]');
    const options = await sourceOptionsFrom(values, ctx);
    const one = async (arg: string): Promise<PackageOutcome> => {
      const source = await readDescriptorSource(arg, ctx, options);
      const parsed = parseDescriptorWithModel(source.bytes, {
        locale: stringOption(values, 'locale') ?? '',
        deploymentOption: stringOption(values, 'deployment-option') ?? '',
      });
      const r = parsed.result;
      const vms = values['json'] || !parsed.envelope ? [] : summarizeVirtualSystems(parsed.resolved);
      return { code: r.error?.length ? ExitCode.ResultErrors : ExitCode.Ok, json: r, text: values['json'] ? '' : renderSummary(source.name, r, parsed.deploymentOption, vms, parsed.envelope?.references?.file, passwordIds(parsed.resolved)) };
    };
    if (positionals.length > 1) return forEachPackage(positionals, ctx, values['json'] === true, one);
    const r = await one(positionals[0]!);
    if (values['json']) writeJson(ctx.stdout, r.json);
    else ctx.stdout.write(r.text);
    return r.code;
  },
};
