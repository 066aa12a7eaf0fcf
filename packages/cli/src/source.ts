/**
 * How CLI commands reach a package: a path (relative to the working directory) or an http(s)
 * URL, through @ovfkit/package sources, with the TLS and timeout options shared by every command.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { OvfkitError, UsageError } from '@ovfkit/core';
import { openSource, planPackage, proxySettingsFromEnv, type DescriptorFile, type PackageSource, type PlannedPackage, type PlanPackageOptions, type SourceOptions } from '@ovfkit/package';
import { type CommandContext, type OptionsSpec, type OptionValues, stringOption, timeoutOption } from './command';

/** Options every command that reads a package accepts. */
export const sourceOptions: OptionsSpec = {
  ca: { type: 'string' },
  insecure: { type: 'boolean' },
  timeout: { type: 'string' },
};

/** Help lines for {@link sourceOptions}. */
export const sourceOptionsHelp = [
  '  --ca <file.pem>         trust this CA for https URLs (added to the system CAs)',
  '  --insecure              accept any https server certificate (lab servers only)',
  '  --timeout <seconds>     give up on a server silent for this long (default 30); every read also has an\n                          overall deadline: 4x this, plus 1 s per 64 KiB it transfers',
].join('\n');

function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

/** Source options from the command line (`--ca`, `--insecure`, `--timeout`). */
export async function sourceOptionsFrom(values: OptionValues, ctx: CommandContext): Promise<SourceOptions> {
  const out: SourceOptions = { signal: ctx.signal, proxy: proxySettingsFromEnv(ctx.env) };
  const ca = stringOption(values, 'ca');
  if (ca) {
    try {
      out.ca = await readFile(path.resolve(ctx.cwd, ca), 'utf8');
    } catch (e) {
      throw new OvfkitError('IO', `cannot read the CA file ${ca}: ${(e as Error).message}`);
    }
  }
  if (values['insecure'] === true) out.insecureSkipTlsVerify = true;
  const timeoutMs = timeoutOption(values);
  if (timeoutMs !== undefined) out.stallTimeoutMs = timeoutMs;
  return out;
}

/**
 * Opens a package from a CLI argument: URLs as they are (through the proxies of the command's
 * environment: HTTPS_PROXY, HTTP_PROXY, NO_PROXY), paths relative to the working directory.
 */
export async function openCliSource(arg: string, ctx: CommandContext, options: SourceOptions = {}): Promise<PackageSource> {
  return openSource(isUrl(arg) ? arg : path.resolve(ctx.cwd, arg), { signal: ctx.signal, proxy: proxySettingsFromEnv(ctx.env), ...options });
}

/**
 * The descriptor of any package form — `.ovf` file, package folder, `.ova` (only the descriptor
 * is read: the disks are not), or http(s) URL to either — as bytes and a display name. For
 * commands that only need the descriptor (parse, validate-host).
 * @example const { bytes, name } = await readDescriptorText('appliance.ova', ctx)
 */
export async function readDescriptorText(arg: string, ctx: CommandContext, options: SourceOptions = {}): Promise<{ bytes: Buffer; text: string; name: string }> {
  const source = await openCliSource(arg, ctx, options);
  try {
    const d = await source.descriptor();
    return { bytes: d.bytes, text: d.text, name: shownName(arg, source, d) };
  } finally {
    await source.close();
  }
}

/** How output names a package's descriptor: a URL by its redacted location (no user, password or query token). */
function shownName(arg: string, source: PackageSource, d: DescriptorFile): string {
  return source.kind === 'ovf' ? arg : source.kind === 'url-ovf' ? source.location : `${isUrl(arg) ? source.location : arg}:${d.name}`;
}

/** `--descriptor-only`: plan the descriptor alone, by the user's explicit choice. */
export const descriptorOnlyOption: OptionsSpec = { 'descriptor-only': { type: 'boolean' } };

/** Help line for {@link descriptorOnlyOption}. */
export const descriptorOnlyHelp = "  --descriptor-only       check the descriptor alone: do not look for the files it references (the plan says\n                          \"descriptor only\"); without it every referenced file must be present at its ovf:size";

/**
 * The plan of a package given on the command line (@ovfkit/package's planPackage: descriptor,
 * package facts, core's createPlan), with the name output shows it by.
 */
export async function planCliPackage(arg: string, ctx: CommandContext, sourceOptions: SourceOptions, options: PlanPackageOptions): Promise<{ planned: PlannedPackage; name: string }> {
  const source = await openCliSource(arg, ctx, sourceOptions);
  try {
    const planned = await planPackage(source, options);
    return { planned, name: shownName(arg, source, planned.descriptor) };
  } finally {
    await source.close();
  }
}
