/**
 * The flags shared by `validate-host`, `import-spec` and `plan`: where to check (host profile,
 * inventory snapshot, host / pool / datastore) and every OvfCreateImportSpecParams field.
 * Only flag mapping lives here; every OVF rule is in @ovfkit/core.
 */
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import {
  checkHostProfile,
  checkInventory,
  composedError,
  escapeControls as esc,
  OvfkitError,
  resolveHostProfile,
  UsageError,
  formatIssue,
  isOvfkitError,
  type DocumentIssue,
  type HostProfile,
  type InventorySnapshot,
  type OvfIssue,
  type PlanOptions,
} from '@ovfkit/core';
import { type CommandContext, type OptionsSpec, type OptionValues, stringList, stringOption } from './command';
import { placementOption } from './govc';
import { formatBytes } from './progress';
import { sourceOptions, sourceOptionsHelp } from './source';

/** Where to check: profile and inventory. */
export const targetOptions: OptionsSpec = {
  'host-profile': { type: 'string' },
  inventory: { type: 'string' },
  host: { type: 'string' },
  ...sourceOptions,
};

/**
 * The `--host` line of every command that takes a host (plan, validate-host, import-spec, diff,
 * import, host-profile capture): each resolves it by core's one resolver (offline against the
 * inventory snapshot, live through vsphere's Inventory.resolve / placement), so all say the same.
 */
export function hostHelp(what: string): string {
  const indent = '\n                          ';
  return `  --host HOST             ${what}:${indent}its name, an inventory path (/DC0/host/cluster1/esx1, or cluster1/esx1 under the${indent}host folder) or a moref (HostSystem:host-21); every command reads it the same way`;
}

export const targetHelp = [
  '  --host-profile P        built-in profile (esxi-6.5 … esxi-9.0, esxi-8.0u2) or a profile JSON file; default: newest',
  '  --inventory FILE        inventory snapshot JSON (datastores, networks, pools, hosts) to check against',
  hostHelp('host of the inventory to check against (its profile is used)'),
  sourceOptionsHelp,
].join('\n');

/**
 * The CreateImportSpec parameters and the placement as flags, shared by `plan` (and its siblings)
 * and `import`: one spelling of each (docs/architecture.md, "One vocabulary").
 */
export const cispParamOptions: OptionsSpec = {
  datacenter: { type: 'string' },
  folder: { type: 'string' },
  pool: { type: 'string' },
  cluster: { type: 'string' },
  datastore: { type: 'string' },
  name: { type: 'string' },
  'deployment-option': { type: 'string' },
  locale: { type: 'string' },
  net: { type: 'string', multiple: true },
  prop: { type: 'string', multiple: true },
  'disk-provisioning': { type: 'string' },
  'ip-allocation-policy': { type: 'string' },
  'ip-protocol': { type: 'string' },
  'import-option': { type: 'string', multiple: true },
  'accept-all-eulas': { type: 'boolean' },
};

/** Every CreateImportSpec parameter as a flag, with where to check. */
export const cispOptions: OptionsSpec = { ...targetOptions, ...cispParamOptions };

/** Help lines of {@link cispParamOptions}. */
export const cispParamHelp = [
  '  --datacenter NAME       datacenter (with --inventory: must be the snapshot\'s; or GOVC_DATACENTER)',
  '  --folder PATH           VM folder (inventory path, name or moref; or GOVC_FOLDER)',
  '  --pool PATH             resource pool or vApp (inventory path such as DC0_C0/Resources, a cluster or host for its root pool, name or moref; or GOVC_RESOURCE_POOL)',
  '  --cluster NAME          cluster (name or inventory path) whose root pool is used when --pool is not given',
  '  --datastore NAME        target datastore (name, inventory path or moref; or GOVC_DATASTORE)',
  '  --name NAME             entityName: name of the new VM / vApp (default: product name)',
  '  --deployment-option ID  Configuration ovf:id (default: the descriptor default)',
  '  --locale L              language of localized texts (e.g. de-DE)',
  '  --net "OVF=NETWORK"     map an OVF network to a vSphere network (repeatable)',
  '  --prop KEY=VALUE        set a property (full id [class.]key[.instance]; repeatable)',
  '  --disk-provisioning P   thin, thick, eagerZeroedThick, sparse, flat, seSparse, monolithicSparse, …',
  '  --ip-allocation-policy P  dhcpPolicy, transientPolicy, fixedPolicy, fixedAllocatedPolicy',
  '  --ip-protocol P         IPv4 or IPv6',
  '  --import-option KW      importOption keyword (repeatable): acceptAllEulas, allowAllExtraConfig',
  '  --accept-all-eulas      same as --import-option acceptAllEulas',
].join('\n');

export const cispHelp = [targetHelp, cispParamHelp].join('\n');

/** Reads and parses a JSON file given on the command line (at most `maxBytes` when given); IO and syntax problems are said with `what` and the file. */
export async function readJson(file: string, what: string, ctx: CommandContext, maxBytes?: number): Promise<unknown> {
  let text: string;
  try {
    const full = path.resolve(ctx.cwd, file);
    if (maxBytes !== undefined && (await stat(full)).size > maxBytes) throw new OvfkitError('INPUT_TOO_LARGE', `the ${what} ${file} is larger than ${formatBytes(maxBytes)}`);
    text = await readFile(full, 'utf8');
  } catch (e) {
    if (isOvfkitError(e)) throw e;
    throw new OvfkitError('IO', `cannot read the ${what} ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`the ${what} ${file} is not JSON: ${(e as Error).message}`);
  }
}

function issuesText(issues: DocumentIssue[]): string {
  const shown = issues.slice(0, 10).map((i) => `  ${esc(i.message, 'line')}; fix: ${esc(i.fix, 'line')}`);
  return [...shown, ...(issues.length > 10 ? [`  … ${issues.length - 10} more`] : [])].join('\n');
}

/** The host profile named by --host-profile: a built-in name, or a JSON file. */
export async function hostProfileFrom(values: OptionValues, ctx: CommandContext): Promise<HostProfile> {
  const p = stringOption(values, 'host-profile');
  if (p === undefined || !/\.json$/i.test(p)) return resolveHostProfile(p);
  const check = checkHostProfile(await readJson(p, 'host profile', ctx));
  if (!check.profile) throw composedError(new UsageError(`the host profile ${esc(p, 'line')} has ${check.issues.length} problem(s):\n${issuesText(check.issues)}`));
  return check.profile;
}

/** The inventory snapshot named by --inventory, checked. */
export async function inventoryFrom(values: OptionValues, ctx: CommandContext): Promise<InventorySnapshot | undefined> {
  const f = stringOption(values, 'inventory');
  if (f === undefined) return undefined;
  const check = checkInventory(await readJson(f, 'inventory snapshot', ctx));
  if (!check.inventory) throw composedError(new UsageError(`the inventory snapshot ${esc(f, 'line')} has ${check.issues.length} problem(s):\n${issuesText(check.issues)}`));
  return check.inventory;
}

function pairs(values: OptionValues, flag: string, example: string): Array<[string, string]> {
  return stringList(values, flag).map((s) => {
    const i = s.indexOf('=');
    if (i <= 0) throw new UsageError(`--${flag} expects ${example}, got ${JSON.stringify(s)}`);
    return [s.slice(0, i), s.slice(i + 1)];
  });
}

/** The CreateImportSpec parameters and placement of {@link cispParamOptions}, as PlanOptions names them (plan and import read them here). */
export function cispParamsFrom(values: OptionValues, env: NodeJS.ProcessEnv): PlanOptions {
  const o: PlanOptions = {};
  const set = <K extends keyof PlanOptions>(k: K, flag: string): void => {
    const v = stringOption(values, flag);
    if (v !== undefined) o[k] = v as PlanOptions[K];
  };
  // The flag, else its GOVC_* variable, as the import reads them.
  for (const [k, flag] of [['datacenter', 'datacenter'], ['folder', 'folder'], ['resourcePool', 'pool'], ['datastore', 'datastore']] as const) {
    const v = placementOption(values, env, flag);
    if (v !== undefined) o[k] = v;
  }
  // A cluster stands for its root pool (core's resolver), as Pulumi's and CDKTF's `cluster`.
  const cluster = stringOption(values, 'cluster');
  if (o.resourcePool === undefined && cluster !== undefined) o.resourcePool = cluster;
  set('entityName', 'name');
  set('deploymentOption', 'deployment-option');
  set('locale', 'locale');
  set('diskProvisioning', 'disk-provisioning');
  set('ipAllocationPolicy', 'ip-allocation-policy');
  set('ipProtocol', 'ip-protocol');
  const nets = pairs(values, 'net', '"OVF network=vSphere network"');
  if (nets.length) o.networkMapping = Object.fromEntries(nets);
  const props = pairs(values, 'prop', 'KEY=VALUE');
  if (props.length) o.propertyMapping = Object.fromEntries(props);
  const importOption = stringList(values, 'import-option');
  if (values['accept-all-eulas'] === true) importOption.push('acceptAllEulas');
  if (importOption.length) o.importOption = [...new Set(importOption)];
  return o;
}

/** PlanOptions (the flat CreateImportSpec parameters) from the flags. */
export async function planOptionsFrom(values: OptionValues, ctx: CommandContext): Promise<PlanOptions> {
  const o: PlanOptions = { hostProfile: await hostProfileFrom(values, ctx) };
  const inv = await inventoryFrom(values, ctx);
  if (inv) o.inventory = inv;
  const host = stringOption(values, 'host');
  if (host !== undefined) o.host = host;
  Object.assign(o, cispParamsFrom(values, ctx.env));
  o.vocabulary = 'cli';
  return o;
}

/** One issue as a line (and its fix), for the readable output. */
export function issueLine(kind: 'error' | 'warning', i: OvfIssue & { source?: string }): string {
  return `  ${kind === 'error' ? 'error  ' : 'warning'} ${formatIssue(i)}`;
}

/** Bytes in binary units ({@link formatBytes}), `unknown` when the size is not known. */
export function fmtBytes(n: number | undefined): string {
  return n === undefined ? 'unknown' : formatBytes(n);
}
