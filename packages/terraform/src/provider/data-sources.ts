/**
 * The data sources: `ovfkit_descriptor` (ParseDescriptor of a package, as attributes) and
 * `ovfkit_plan` (core's plan of an import; its errors fail the read, on the attribute at fault).
 */
import { createPlan, formatIssue, storedPlan, type OvfIssue } from '@ovfkit/core';

import { attributePath, type Diagnostic, errorDiagnostic } from '../protocol/messages';
import type { TfValue } from '../protocol/values';
import { checkImport, knownString, readDescriptor, signatureAttributes, type PlanTarget, type TfObject } from './check';

/** One line per issue: core's one issue text. */
const issueLine = (i: OvfIssue): string => formatIssue(i);

export async function readDescriptorDataSource(config: TfObject): Promise<{ state: TfObject | null; diagnostics: Diagnostic[] }> {
  const source = knownString(config['source']);
  if (source === undefined) return { state: null, diagnostics: [errorDiagnostic('source is required', undefined, attributePath('source'))] };
  let bytes: Uint8Array;
  try {
    bytes = (await readDescriptor(source)).bytes;
  } catch (e) {
    return { state: null, diagnostics: [errorDiagnostic('cannot read the package', (e as Error).message, attributePath('source'))] };
  }
  // The plan carries the parse and each property's full id and password flag, derived once in core.
  // This data source reads the descriptor's contract: its files are the import's to check.
  const { plan, parseDescriptor: pd } = createPlan(bytes, { deploymentOption: knownString(config['deployment_option']) ?? '', package: 'descriptor-only', vocabulary: 'terraform' });
  const state: { [k: string]: TfValue } = {
    ...config,
    descriptor_digest: plan.descriptorDigest,
    default_entity_name: pd.defaultEntityName,
    virtual_app: pd.virtualApp,
    default_deployment_option: pd.defaultDeploymentOption,
    deployment_options: (pd.deploymentOption ?? []).map((o) => o.key),
    networks: (pd.network ?? []).map((n) => n.name),
    properties: plan.properties.map((p) => ({ id: p.id, type: p.type, password: p.password, default_value: p.password ? null : p.value, user_configurable: p.userConfigurable })),
    eula_count: plan.eula.count,
    approximate_download_size: pd.approximateDownloadSize ?? 0,
    approximate_flat_deployment_size: pd.approximateFlatDeploymentSize ?? 0,
    errors: (pd.error ?? []).map(issueLine),
    warnings: (pd.warning ?? []).map(issueLine),
  };
  return { state, diagnostics: [] };
}

export async function readPlanDataSource(config: TfObject, target: PlanTarget): Promise<{ state: TfObject | null; diagnostics: Diagnostic[] }> {
  const check = await checkImport(config, target);
  if (!check.plan) return { state: null, diagnostics: check.diagnostics };
  const plan = check.plan;
  const state: { [k: string]: TfValue } = {
    ...config,
    descriptor_digest: plan.descriptorDigest,
    ok: plan.ok,
    errors: plan.errors.map(issueLine),
    warnings: plan.warnings.map(issueLine),
    plan_json: JSON.stringify(storedPlan(plan)),
    ...signatureAttributes(plan.signature),
  };
  return { state, diagnostics: check.diagnostics };
}
