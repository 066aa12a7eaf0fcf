import * as path from 'node:path';
import { DESCRIPTOR_DIGEST_PATTERN, escapeControls as esc, UsageError, type OvfIssue } from '@ovfkit/core';
import { ImportSpecError, PlanRefusedError, importLibraryItem, importOvf, type VimSession } from '@ovfkit/vsphere';
import { isLibrarySource } from '@ovfkit/package';
import { cispParamHelp, cispParamOptions, cispParamsFrom, hostHelp, hostProfileFrom, issueLine } from '../cisp-flags';
import { type Command, ExitCode, type OptionValues, stringList, stringOption, writeJson } from '../command';
import { connectionHelp, connectionOptions, withRestSession, withSession } from '../connection';
import { progressHelp, progressMode, progressOptions, transferProgress } from '../progress';
import { openCliSource } from '../source';
import { manifestHelp, manifestOptions, manifestPolicyFrom, signatureHelp, signatureLine, signatureOptions, signatureOptionsFrom } from '../signature-flags';
import { parallelDisksFrom, parallelDisksHelp, parallelDisksOptions } from '../transfer-flags';

function pairs(list: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf('=');
    if (i <= 0) throw new UsageError(`${flag} takes NAME=VALUE, got ${JSON.stringify(item)}`);
    out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

/**
 * The vApp property values of `--prop key=value` and `--prop-env key=VAR` (import, reconfigure).
 * Secret values stay out of argv (process lists) and out of IaC state: only the variable name is passed.
 */
export function propertyFlags(values: OptionValues, env: NodeJS.ProcessEnv): Record<string, string> {
  const propertyMapping = pairs(stringList(values, 'prop'), '--prop');
  for (const [key, variable] of Object.entries(pairs(stringList(values, 'prop-env'), '--prop-env'))) {
    const value = env[variable];
    if (value === undefined) throw new UsageError(`--prop-env ${key}=${variable}: environment variable ${variable} is not set`);
    propertyMapping[key] = value;
  }
  return propertyMapping;
}

/** `ovfkit import`: an OVF/OVA onto vCenter or ESXi, nothing left behind on failure. */
export const importCommand: Command = {
  name: 'import',
  summary: 'import an OVF/OVA into vCenter or ESXi (rolled back entirely on any failure)',
  usage: 'import <file.ovf|file.ova|dir|URL|library:LIB/ITEM> --server <url> [options]',
  help: [
    connectionHelp,
    '  library:LIB/ITEM        deploy an OVF item of a vCenter content library (or library:ITEM-ID): planned like a file\n                          (the item\'s descriptor and files, vCenter\'s filter), then ovf/library-item?action=deploy;\n                          --inject-ovf-env, --template, --manifest, --ip-allocation-policy and --ip-protocol do not apply',
    cispParamHelp,
    hostHelp('host to place the VM on'),
    '  --prop-env <key=VAR>    set a property from environment variable VAR (repeatable; for secrets)',
    '  --power-on              power on after import',
    '  --inject-ovf-env        write each VM\'s OVF environment to guestinfo.ovfEnv (for ESXi without vCenter)',
    '  --annotation <text>     set the VM annotation',
    '  --template              mark the imported VM as a template',
    manifestHelp,
    signatureHelp,
    '  --expect-digest <sha256:…>  import only the descriptor ovfkit plan showed this digest for (else nothing is created)',
    parallelDisksHelp('uploaded'),
    progressHelp,
    '  --host-profile P        what the local checks (as ovfkit plan, run before anything is created) take the host to support; default: newest built-in',
  ].join('\n'),
  options: {
    ...connectionOptions,
    ...progressOptions,
    ...parallelDisksOptions,
    ...cispParamOptions,
    host: { type: 'string' },
    'prop-env': { type: 'string', multiple: true },
    'power-on': { type: 'boolean' },
    'inject-ovf-env': { type: 'boolean' },
    annotation: { type: 'string' },
    template: { type: 'boolean' },
    ...manifestOptions,
    'expect-digest': { type: 'string' },
    'host-profile': { type: 'string' },
    ...signatureOptions,
  },
  async run(positionals, values, ctx) {
    const json = values['json'] === true;
    if (positionals.length !== 1) throw new UsageError('import takes one source: an .ovf, .ova, directory or URL');
    // The CreateImportSpec flags read as ovfkit plan reads them; --prop with --prop-env below.
    const params = cispParamsFrom(values, ctx.env);
    const propertyMapping = propertyFlags(values, ctx.env);
    const manifestPolicy = manifestPolicyFrom(values);
    const expectedDescriptorDigest = stringOption(values, 'expect-digest');
    if (expectedDescriptorDigest !== undefined && !DESCRIPTOR_DIGEST_PATTERN.test(expectedDescriptorDigest)) {
      throw new UsageError(`--expect-digest takes the descriptor digest ovfkit plan shows (sha256: and 64 lowercase hex digits), got ${JSON.stringify(expectedDescriptorDigest)}`);
    }
    const parallelDisks = parallelDisksFrom(values);
    const hostProfile = stringOption(values, 'host-profile') !== undefined ? await hostProfileFrom(values, ctx) : undefined;
    const signature = await signatureOptionsFrom(values, ctx);
    const src = positionals[0]!;
    const host = stringOption(values, 'host');
    const annotation = stringOption(values, 'annotation');
    // What a file import and a library deployment take alike, from the same flags.
    const common = {
      ...(params.datacenter !== undefined ? { datacenter: params.datacenter } : {}),
      ...(params.resourcePool !== undefined ? { pool: params.resourcePool } : {}),
      ...(params.datastore !== undefined ? { datastore: params.datastore } : {}),
      ...(params.folder !== undefined ? { folder: params.folder } : {}),
      ...(host !== undefined ? { host } : {}),
      ...(params.entityName ? { name: params.entityName } : {}),
      ...(params.deploymentOption ? { deploymentOption: params.deploymentOption } : {}),
      ...(params.locale !== undefined ? { locale: params.locale } : {}),
      ...(params.diskProvisioning ? { diskProvisioning: params.diskProvisioning } : {}),
      ...(annotation !== undefined ? { annotation } : {}),
      networkMapping: (params.networkMapping as Record<string, string> | undefined) ?? {},
      propertyMapping,
      powerOn: values['power-on'] === true,
      acceptAllEulas: params.importOption?.includes('acceptAllEulas') ?? false,
      vocabulary: 'cli' as const,
      signature,
      ...(expectedDescriptorDigest !== undefined ? { expectedDescriptorDigest } : {}),
      ...(hostProfile ? { hostProfile } : {}),
      signal: ctx.signal,
    };
    // A refusal by the plan (before any vSphere call) or by vSphere (CreateImportSpec, a library deployment): nothing was created.
    const refusal = (e: unknown): number => {
      const refused = e instanceof PlanRefusedError ? { by: 'plan', error: e.plan.errors, warning: e.plan.warnings } : e instanceof ImportSpecError ? { by: 'vSphere', error: e.error, warning: e.warning } : undefined;
      if (!refused) throw e;
      // The plan's values are redacted for password properties; a server's fault may echo one, so only the plan's are printed.
      const entry = (x: OvfIssue & { source?: string }): Record<string, unknown> => ({
        code: x.code, type: x.fault._typeName, message: x.localizedMessage, ...(x.source ? { source: x.source } : {}),
        ...(x.path !== undefined ? { path: x.path } : {}), ...(x.line !== undefined ? { line: x.line } : {}), ...(x.value !== undefined && refused.by === 'plan' ? { value: x.value } : {}), ...(x.fix ? { fix: x.fix } : {}),
      });
      if (json) writeJson(ctx.stdout, { refusedBy: refused.by, error: refused.error.map(entry), warning: refused.warning.map(entry) });
      else {
        ctx.stderr.write(`ovfkit: ${refused.by === 'plan' ? 'the plan refuses this import' : 'vSphere rejected the descriptor'}; nothing was created\n`);
        ctx.stderr.write([...refused.error.map((x) => issueLine('error', x)), ...refused.warning.map((x) => issueLine('warning', x))].join('\n') + '\n');
      }
      return ExitCode.ResultErrors;
    };
    if (isLibrarySource(src)) {
      for (const flag of ['inject-ovf-env', 'template', 'manifest', 'parallel-disks', 'ip-allocation-policy', 'ip-protocol'] as const) {
        if (values[flag] !== undefined) throw new UsageError(`--${flag} does not apply to a library item (vCenter deploys it); leave it out`);
      }
      const other = (params.importOption ?? []).filter((o) => o !== 'acceptAllEulas');
      if (other.length) throw new UsageError(`--import-option ${other.join(', ')} does not apply to a library item (vCenter deploys it); leave it out`);
      return withRestSession(values, ctx, async (rest, session: VimSession) => {
        try {
          const r = await importLibraryItem(rest, session, { source: src, ...common });
          const out = {
            entity: r.entity,
            name: r.name,
            libraryItem: r.itemId,
            poweredOn: r.poweredOn,
            signature: r.plan.signature,
            warning: [...r.plan.warnings, ...r.warning].map((w) => ({ code: w.code, type: w.fault._typeName, message: w.localizedMessage })),
          };
          if (json) writeJson(ctx.stdout, out);
          else {
            ctx.stdout.write(`imported ${r.entity.type} ${r.entity.value} "${esc(r.name)}" from library item ${esc(src)} (${r.itemId})${r.poweredOn ? ', powered on' : ''}\n`);
            ctx.stdout.write(`signature: ${signatureLine(r.plan.signature)}\n`);
            for (const w of out.warning) ctx.stdout.write(`warning: ${esc(w.message, 'line')}\n`);
          }
          return ExitCode.Ok;
        } catch (e) {
          return refusal(e);
        }
      });
    }
    const source = await openCliSource(src, ctx);
    try {
      return await withSession(values, ctx, async (session) => {
        const onProgress = transferProgress(ctx.stderr, progressMode(values, ctx));
        try {
          const r = await importOvf(session, {
            source,
            ...common,
            ...(params.ipAllocationPolicy ? { ipAllocationPolicy: params.ipAllocationPolicy } : {}),
            ...(params.ipProtocol ? { ipProtocol: params.ipProtocol } : {}),
            ...(params.importOption ? { importOption: params.importOption.filter((o) => o !== 'acceptAllEulas') } : {}),
            injectOvfEnv: values['inject-ovf-env'] === true,
            markAsTemplate: values['template'] === true,
            manifestPolicy,
            ...(parallelDisks !== undefined ? { parallelDisks } : {}),
            ...(onProgress ? { onProgress } : {}),
          });
          const out = {
            entity: r.entity,
            name: r.name,
            files: r.files,
            poweredOn: r.poweredOn,
            ...(r.ovfEnvInjected ? { ovfEnvInjected: r.ovfEnvInjected } : {}),
            serverManifest: r.serverManifest,
            signature: r.plan.signature,
            warning: [...r.plan.warnings, ...r.warning].map((w) => ({ code: w.code, type: w.fault._typeName, message: w.localizedMessage })),
          };
          if (json) writeJson(ctx.stdout, out);
          else {
            ctx.stdout.write(`imported ${r.entity.type} ${r.entity.value} "${esc(r.name)}" (${r.files.length} file${r.files.length === 1 ? '' : 's'}, ${r.files.reduce((n, f) => n + f.bytes, 0)} bytes${r.ovfEnvInjected ? `, OVF environment injected into ${r.ovfEnvInjected.length} VM${r.ovfEnvInjected.length === 1 ? '' : 's'}` : ''}${r.poweredOn ? ', powered on' : ''})\n`);
            ctx.stdout.write(`signature: ${signatureLine(r.plan.signature)}\n`);
            for (const w of out.warning) ctx.stdout.write(`warning: ${esc(w.message, 'line')}\n`);
          }
          return ExitCode.Ok;
        } catch (e) {
          return refusal(e);
        }
      });
    } finally {
      await source.close();
    }
  },
};
