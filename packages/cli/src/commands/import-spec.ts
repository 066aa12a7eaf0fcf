import { createPlan, escapeControls as esc, fullPropertyId, type OvfPlan, REDACTED, UsageError, type ImportSpec, type OvfCreateImportSpecResult } from '@ovfkit/core';
import { type Command, ExitCode, writeJson } from '../command';
import { cispHelp, cispOptions, fmtBytes, issueLine, planOptionsFrom } from '../cisp-flags';
import { readDescriptorText, sourceOptionsFrom } from '../source';

function describeSpec(spec: ImportSpec, indent: string, out: string[]): void {
  if (spec._typeName === 'VirtualAppImportSpec') {
    out.push(`${indent}VirtualAppImportSpec "${esc(spec.name)}" (${spec.child?.length ?? 0} children)`);
    for (const c of spec.child ?? []) describeSpec(c, `${indent}  `, out);
    return;
  }
  const c = spec.configSpec;
  out.push(`${indent}VirtualMachineImportSpec "${esc(c.name)}": ${esc(c.version)}, ${esc(c.guestId)}, ${c.numCPUs} vCPU${c.numCoresPerSocket ? ` (${c.numCoresPerSocket}/socket)` : ''}, ${c.memoryMB} MB${c.firmware ? `, ${c.firmware}` : ''}`);
  for (const d of c.deviceChange) {
    const dev = d.device;
    const where = dev.controllerKey !== undefined ? ` on ${dev.controllerKey}:${dev.unitNumber}` : '';
    const extra = typeof dev['capacityInKB'] === 'number' ? ` ${fmtBytes((dev['capacityInKB'] as number) * 1024)}` : dev.backing?.['deviceName'] !== undefined && /Ethernet/.test(dev.backing._typeName) ? ` → ${esc(String(dev.backing['deviceName']))}` : '';
    out.push(`${indent}  ${d.operation}${d.fileOperation ? `/${d.fileOperation}` : ''} ${dev._typeName} key ${dev.key}${where}${extra}${dev.backing ? ` [${dev.backing._typeName}]` : ''}`);
  }
  if (c.extraConfig?.length) out.push(`${indent}  extraConfig ${c.extraConfig.length} key(s)`);
  if (c.vAppConfig?.property?.length) out.push(`${indent}  vAppConfig ${c.vAppConfig.property.length} propert${c.vAppConfig.property.length === 1 ? 'y' : 'ies'}`);
}

/** Password property values are for ImportVApp, not for a terminal or a CI log; which are passwords is the plan's fact. */
function redacted(r: OvfCreateImportSpecResult, plan: OvfPlan): OvfCreateImportSpecResult {
  const passwords = new Set(plan.properties.filter((p) => p.password).map((p) => p.id));
  const copy = structuredClone(r);
  const walk = (spec: ImportSpec | undefined): void => {
    if (!spec) return;
    const props = spec._typeName === 'VirtualAppImportSpec' ? spec.vAppConfigSpec.property : spec.configSpec.vAppConfig?.property;
    for (const p of props ?? []) if (passwords.has(fullPropertyId(p.info)) && p.info.value) p.info.value = REDACTED;
    if (spec._typeName === 'VirtualAppImportSpec') for (const c of spec.child ?? []) walk(c);
  };
  walk(copy.importSpec);
  return copy;
}

/** `ovfkit import-spec`: vSphere CreateImportSpec, offline. */
export const importSpecCommand: Command = {
  name: 'import-spec',
  summary: 'build the vSphere ImportSpec of an OVF package (CreateImportSpec), offline',
  usage: 'import-spec <file.ovf|file.ova|URL> [--net "OVF=NET"] [--prop K=V] [--datastore DS] [--pool P] [options] [--json]',
  help: `${cispHelp}\n  (password property values are shown as ********)`,
  options: cispOptions,
  async run(positionals, values, ctx): Promise<number> {
    if (positionals.length !== 1) throw new UsageError('import-spec needs one descriptor: ovfkit import-spec <file.ovf>');
    const src = await readDescriptorText(positionals[0]!, ctx, await sourceOptionsFrom(values, ctx));
    const { plan, createImportSpec } = createPlan(src.bytes, await planOptionsFrom(values, ctx));
    const r = redacted(createImportSpec, plan);
    if (values['json']) writeJson(ctx.stdout, r);
    else {
      const lines = [`${esc(src.name, 'line')}: CreateImportSpec against ${esc(plan.hostProfile)}${plan.target.datastore ? `, datastore ${esc(plan.target.datastore)}` : ''}`];
      if (r.importSpec) describeSpec(r.importSpec, '  ', lines);
      for (const f of r.fileItem ?? []) lines.push(`  file ${esc(f.path)} → ${esc(f.deviceId)} (${f.create ? 'PUT' : 'POST'}, cimType ${f.cimType}${f.size !== undefined ? `, ${fmtBytes(f.size)}` : ''})`);
      const err = r.error ?? [];
      const warn = r.warning ?? [];
      lines.push(`  result       ${err.length} error${err.length === 1 ? '' : 's'}, ${warn.length} warning${warn.length === 1 ? '' : 's'}`);
      lines.push(...err.map((e) => issueLine('error', e)), ...warn.map((w) => issueLine('warning', w)));
      ctx.stdout.write(lines.join('\n') + '\n');
    }
    return r.error?.length ? ExitCode.ResultErrors : ExitCode.Ok;
  },
};
