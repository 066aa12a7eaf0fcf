import { escapeControls as esc, UsageError, type OvfPlan } from '@ovfkit/core';
import { type Command, ExitCode, writeJson } from '../command';
import { cispHelp, cispOptions, fmtBytes, issueLine, planOptionsFrom } from '../cisp-flags';
import { manifestHelp, manifestOptions, manifestPolicyFrom, signatureHelp, signatureLine, signatureOptions, signatureOptionsFrom } from '../signature-flags';
import { descriptorOnlyHelp, descriptorOnlyOption, planCliPackage, sourceOptionsFrom } from '../source';
import { planMarkdown } from '../markdown';
import { forEachPackage, manyPackagesHelp, type PackageOutcome } from '../each';
import { stringOption } from '../command';
import { connectionOptions, vsphere, withRestSession } from '../connection';
import { isLibrarySource, planPackage, snapshotLibrarySource } from '@ovfkit/package';

/** The summary a person reads before deploying; every value from the package or the inventory is escaped ({@link esc}). */
function renderPlan(name: string, p: OvfPlan): string {
  const l: string[] = [];
  l.push(`${esc(name, 'line')}: plan to import ${p.virtualApp ? 'vApp' : 'VM'} "${esc(p.entityName)}"`);
  l.push(`  digest       ${p.descriptorDigest}`);
  // Only when the text vSphere receives is not the file's bytes (a Latin-1 or UTF-16 descriptor, a BOM).
  if (p.descriptorTextDigest && p.descriptorTextDigest !== p.descriptorDigest) l.push(`  sent as      ${p.descriptorTextDigest} (the descriptor's text in UTF-8, as vSphere receives it)`);
  l.push(`  checked on   ${esc(p.hostProfile)}${p.inventory ? `, inventory ${esc(p.inventory)}` : ''}${p.target.host ? `, host ${esc(p.target.host)}` : ''}`);
  const t = [p.target.resourcePool && `pool ${esc(p.target.resourcePool)}`, p.target.datastore && `datastore ${esc(p.target.datastore)}`].filter(Boolean);
  if (t.length) l.push(`  target       ${t.join(', ')}`);
  if (p.deploymentOption.available.length) l.push(`  deployment   ${esc(p.deploymentOption.key)}${p.deploymentOption.label ? ` (${esc(p.deploymentOption.label)})` : ''}${p.deploymentOption.default ? ', the default' : ''}; ${p.deploymentOption.available.length} available`);
  for (const vm of p.vms) {
    l.push(`  vm ${esc(vm.entity)}: ${esc(vm.hardwareVersion)}, ${esc(vm.guestId)}, ${vm.numCPUs} vCPU, ${vm.memoryMB} MB, ${vm.firmware}${vm.secureBoot ? ' + secure boot' : ''}`);
  }
  for (const n of p.networks) l.push(`  nic ${esc(n.entity)}/${esc(n.label)} (${n.adapter}): ${esc(n.ovfNetwork)} → ${esc(n.network?.name ?? '?')} [${n.mappedBy}]`);
  for (const d of p.disks) l.push(`  disk ${esc(d.entity)}/${esc(d.label)}: ${fmtBytes(d.capacityBytes)} ${d.provisioning} on ${d.controller}${d.file ? `, from ${esc(d.file)}${d.fileSizeBytes !== undefined ? ` (${fmtBytes(d.fileSizeBytes)})` : ''}` : ', empty'}`);
  if (p.properties.length) {
    const set = p.properties.filter((x) => x.source === 'propertyMapping');
    l.push(`  properties   ${p.properties.length} (${set.length} set, ${p.properties.filter((x) => x.password).length} secret)`);
    for (const x of p.properties.slice(0, 30)) l.push(`    ${esc(x.id)}: ${esc(x.type)} = ${x.password ? (x.value ? '(secret, set)' : '(secret, empty)') : esc(JSON.stringify(x.value), 'line')}${x.source === 'propertyMapping' ? (x.mappingKey ? ` (set as ${esc(x.mappingKey)})` : ' (set)') : ''}`);
    if (p.properties.length > 30) l.push(`    … ${p.properties.length - 30} more (use --json for all)`);
  }
  const pkg = p.package;
  if (pkg.form === 'descriptor-only') l.push(`  package      descriptor only (--descriptor-only): ${pkg.files.length} referenced file(s) not looked for`);
  else {
    const found = pkg.files.filter((f) => f.present === true).length;
    l.push(`  package      ${pkg.form} ${esc(pkg.location ?? '')}: ${found} of ${pkg.files.length} referenced file(s) present${pkg.files.some((f) => f.present === 'unknown') ? ' (some not checkable before the upload)' : ''}`);
  }
  l.push(`  transfer     ${p.files.length} file(s), ${fmtBytes(p.sizes.downloadBytes)}; needs ${fmtBytes(p.sizes.flatDeploymentBytes)} flat / ${fmtBytes(p.sizes.sparseDeploymentBytes)} sparse`);
  l.push(`  signature    ${signatureLine(p.signature)}`);
  if (p.eula.count) l.push(`  EULAs        ${p.eula.count}, ${p.eula.accepted ? 'accepted' : 'NOT accepted (--accept-all-eulas)'}`);
  l.push(`  result       ${p.ok ? 'ready to import' : 'cannot import'}: ${p.errors.length} error(s), ${p.warnings.length} warning(s)`);
  l.push(...p.errors.map((e) => issueLine('error', e)), ...p.warnings.map((w) => issueLine('warning', w)));
  return l.join('\n') + '\n';
}

/** `ovfkit plan`: ParseDescriptor + ValidateHost + CreateImportSpec, summarised. */
export const planCommand: Command = {
  name: 'plan',
  summary: 'show what importing an OVF package would do, and every problem, before anything is uploaded',
  usage: 'plan <file.ovf|file.ova|dir|URL|library:LIB/ITEM>… [--server <url> for a library item] [--net "OVF=NET"] [--prop K=V] [--host-profile P] [--inventory FILE] [options] [--json]',
  help: [cispHelp, descriptorOnlyHelp, signatureHelp, manifestHelp, '  library:LIB/ITEM        plan an OVF item of a vCenter content library (its descriptor and file list are read\n                          through the REST API; takes the connection flags of import); with --inventory, from\n                          the snapshot ovfkit inventory capture recorded (offline, no credentials)', '  --format <text|markdown>  text (default), or Markdown for a pull-request comment (secrets redacted)', manyPackagesHelp].join('\n'),
  options: { ...connectionOptions, ...cispOptions, ...descriptorOnlyOption, ...signatureOptions, ...manifestOptions, format: { type: 'string' } },
  async run(positionals, values, ctx): Promise<number> {
    if (positionals.length === 0) throw new UsageError('plan needs a package: ovfkit plan <file.ovf|file.ova|dir|URL> [more packages]');
    const format = stringOption(values, 'format') ?? 'text';
    if (format !== 'text' && format !== 'markdown') throw new UsageError(`--format must be text or markdown, got ${JSON.stringify(format)}`);
    const sig = await signatureOptionsFrom(values, ctx);
    const options = {
      ...(await planOptionsFrom(values, ctx)),
      descriptorOnly: values['descriptor-only'] === true,
      signature: { policy: sig.policy ?? 'verify' },
      manifestPolicy: manifestPolicyFrom(values),
      ...(sig.trustStore ? { trustStore: sig.trustStore } : {}),
    } as const;
    const sourceOptions = await sourceOptionsFrom(values, ctx);
    const one = async (arg: string): Promise<PackageOutcome> => {
      // A library item is planned like any other package: its descriptor and files come from vCenter,
      // checked against the server's inventory with vCenter's filter merged; or, with --inventory,
      // from the snapshot's capture of the item (offline, no credentials).
      const { planned: { plan }, name } = isLibrarySource(arg) && options.inventory
        ? { planned: await planPackage(snapshotLibrarySource(options.inventory, arg), options), name: arg }
        : isLibrarySource(arg)
        ? await withRestSession(values, ctx, async (rest, session) => ({ planned: (await vsphere().planLibraryItem(rest, session, arg, { ...options, signal: ctx.signal })).planned, name: arg }))
        : await planCliPackage(arg, ctx, sourceOptions, options);
      const text = values['json'] ? '' : format === 'markdown' ? planMarkdown(name, plan) : renderPlan(name, plan);
      return { code: plan.ok ? ExitCode.Ok : ExitCode.ResultErrors, json: plan, text };
    };
    if (positionals.length > 1) return forEachPackage(positionals, ctx, values['json'] === true, one);
    const r = await one(positionals[0]!);
    if (values['json']) writeJson(ctx.stdout, r.json);
    else ctx.stdout.write(r.text);
    return r.code;
  },
};
