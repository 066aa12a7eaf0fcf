import type { OvfIssue } from '../faults';
import { wordsOf, type Vocabulary } from '../issue-text';
import type { OvfParseDescriptorResult } from '../vim25';
import type { OvfPlan, PlanIssue } from './index';

/** Codes of what vCenter's `filter` of a library item found against the plan. */
export type LibraryFilterIssueCode = 'LIBRARY_FILTER_MISMATCH';

/**
 * What vCenter answers to `vcenter/ovf/library-item/{id}?action=filter` (`vcenter.ovf.LibraryItem.OvfSummary`),
 * the fields the plan is compared with; `/rest` answers the same fields inside `value`.
 */
export interface LibraryOvfSummary {
  name?: string;
  annotation?: string;
  EULAs?: string[];
  networks?: string[];
  storage_groups?: string[];
  additional_params?: Array<{
    type?: string;
    properties?: Array<{ id?: string; class_id?: string; instance_id?: string; type?: string }>;
    deployment_options?: Array<{ key?: string; default_choice?: boolean }>;
    selected_key?: string;
  }>;
}

/** What the server's filter said: its summary, or the issues of its refusal (the target or the item). */
export type LibraryFilterOutcome = { summary: LibraryOvfSummary } | { refused: OvfIssue[] };

const fullId = (p: { classId?: string; id: string; instanceId?: string }): string => [p.classId, p.id, p.instanceId].filter((x) => x).join('.');

/**
 * Merges vCenter's `filter` of a library item into the plan (source `libraryFilter`): a refusal
 * is the plan's errors; every fact the server reads from the item's descriptor differently from
 * the plan's ParseDescriptor — networks, EULA count, property ids and types, deployment options
 * and the default, storage groups the plan does not map — is a warning saying both readings,
 * since the deployment goes by the server's. Sets `ok`, as judgePackage does.
 * @example judgeLibraryFilter(planned.plan, planned.parseDescriptor, { summary })
 */
export function judgeLibraryFilter(plan: OvfPlan, pd: OvfParseDescriptorResult, outcome: LibraryFilterOutcome, vocabulary: Vocabulary = 'api'): OvfPlan {
  const errors: OvfIssue[] = 'refused' in outcome ? outcome.refused : [];
  const warnings: OvfIssue[] = [];
  if ('summary' in outcome) {
    const s = outcome.summary;
    const differs = (what: string, server: string[], local: string[]): void => {
      const a = [...server].sort();
      const b = [...local].sort();
      if (a.join('\n') === b.join('\n')) return;
      warnings.push({
        fault: { _typeName: 'OvfImportFailed' },
        code: 'LIBRARY_FILTER_MISMATCH',
        localizedMessage: `vCenter's filter of the library item reads ${what} ${a.length ? a.map((x) => JSON.stringify(x)).join(', ') : '(none)'}; the plan reads ${b.length ? b.map((x) => JSON.stringify(x)).join(', ') : '(none)'}`,
        value: a.join(', '),
        allowed: b.join(', '),
        fix: 'the deployment goes by vCenter\'s reading: check the item\'s descriptor, or publish the package again',
      });
    };
    differs('the networks', s.networks ?? [], (pd.network ?? []).map((n) => n.name));
    differs('the EULA count', [String((s.EULAs ?? []).length)], [String((pd.eula ?? []).length)]);
    const params = s.additional_params ?? [];
    const props = params.find((p) => p.type === 'PropertyParams');
    if (props) differs('the properties', (props.properties ?? []).map((p) => `${fullId({ ...(p.class_id ? { classId: p.class_id } : {}), id: p.id ?? '', ...(p.instance_id ? { instanceId: p.instance_id } : {}) })}: ${p.type ?? ''}`), (pd.property ?? []).map((p) => `${fullId({ ...(p.classId ? { classId: p.classId } : {}), id: p.id ?? '', ...(p.instanceId ? { instanceId: p.instanceId } : {}) })}: ${p.type ?? ''}`));
    const options = params.find((p) => p.type === 'DeploymentOptionParams');
    if (options) {
      differs('the deployment options', (options.deployment_options ?? []).map((o) => o.key ?? ''), (pd.deploymentOption ?? []).map((o) => o.key));
      const serverDefault = options.deployment_options?.find((o) => o.default_choice)?.key ?? '';
      differs('the default deployment option', serverDefault ? [serverDefault] : [], pd.defaultDeploymentOption ? [pd.defaultDeploymentOption] : []);
    }
    // Storage groups (vmw:StorageGroupSection) are mapped by storage_mappings, which ovfkit does not send: each goes to the default datastore.
    if ((s.storage_groups ?? []).length) {
      warnings.push({
        fault: { _typeName: 'OvfImportFailed' },
        code: 'LIBRARY_FILTER_MISMATCH',
        localizedMessage: `vCenter's filter of the library item lists storage groups ${s.storage_groups!.map((g) => JSON.stringify(g)).join(', ')}; ovfkit sends no storage mapping, so their disks go to the deployment's datastore`,
        value: s.storage_groups!.join(', '),
        fix: `choose the datastore with ${wordsOf(vocabulary).datastore}; per-group placement is not supported`,
      });
    }
  }
  const tagged = (list: OvfIssue[]): PlanIssue[] => list.map((i) => ({ ...i, source: 'libraryFilter' }));
  plan.errors = [...plan.errors.filter((i) => i.source !== 'libraryFilter'), ...tagged(errors)];
  plan.warnings = [...plan.warnings.filter((i) => i.source !== 'libraryFilter'), ...tagged(warnings)];
  plan.ok = plan.errors.length === 0;
  return plan;
}
