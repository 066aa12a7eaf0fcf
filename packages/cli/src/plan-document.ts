/**
 * Plans computed elsewhere, read back for display: the `ovfkit.plan/1` documents that
 * `ovfkit plan --json` prints, that Pulumi's OvfImport puts in its checked inputs as one JSON
 * text (so `pulumi preview --json` lists them under each step's `newState.inputs.plan`), and that a CDKTF stack
 * writes from its OvfImport constructs' `plan`. Each is checked for the shape the renderers read,
 * so a wrong or damaged file is a clear error, not a crash.
 */
import { PLAN_FORMAT, storedPlanOf, UsageError, type OvfPlan } from '@ovfkit/core';

/** A plan found in a document, with the name it is shown under. `plan` is absent when the producer did not know it yet (Pulumi's unknown at preview). */
export interface NamedPlan {
  name: string;
  plan?: OvfPlan;
}

/** Pulumi's wire value for "not known until apply" (an input another resource computes). */
const PULUMI_UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/** A field's type: a scalar (`?` when it may be absent), `object`, a list of strings, an object of fields, a list of one shape, or an optional shape. */
type Shape = 'string' | 'number' | 'boolean' | 'string?' | 'number?' | 'boolean?' | 'object' | 'strings' | { [field: string]: Shape } | [Shape] | ['optional', Shape];

const ISSUE: Shape = { source: 'string', code: 'string', localizedMessage: 'string', fix: 'string?', line: 'number?' };

/** The fields of a plan the text and Markdown renderers read, with their types. */
const PLAN_SHAPE: { [field: string]: Shape } = {
  format: 'string',
  descriptorDigest: 'string',
  // Absent from the plans of releases before it (a stored plan is read back as it was written).
  descriptorTextDigest: 'string?',
  hostProfile: 'string',
  inventory: 'string?',
  target: { host: 'string?', resourcePool: 'string?', datastore: 'string?' },
  virtualApp: 'boolean',
  entityName: 'string',
  deploymentOption: { key: 'string', label: 'string?', default: 'boolean', available: 'strings' },
  vms: [{ entity: 'string', hardwareVersion: 'string', guestId: 'string', numCPUs: 'number', memoryMB: 'number', firmware: 'string', secureBoot: 'boolean' }],
  networks: [{ entity: 'string', label: 'string', adapter: 'string', ovfNetwork: 'string', network: ['optional', { name: 'string' }], mappedBy: 'string' }],
  disks: [{ entity: 'string', label: 'string', controller: 'string', capacityBytes: 'number?', provisioning: 'string', file: 'string?', fileSizeBytes: 'number?' }],
  properties: [{ entity: 'string', id: 'string', type: 'string', password: 'boolean', value: 'string', source: 'string', mappingKey: 'string?' }],
  files: ['object'],
  package: { form: 'string', location: 'string?', files: ['object'] },
  sizes: { downloadBytes: 'number', flatDeploymentBytes: 'number', sparseDeploymentBytes: 'number' },
  eula: { count: 'number', accepted: 'boolean' },
  signature: { status: 'string', policy: 'string?', certificate: 'string?' },
  errors: [ISSUE],
  warnings: [ISSUE],
  ok: 'boolean',
};

/** The first field of `v` that does not have `shape`, as a path (`vms[0].numCPUs`), or undefined. */
function mismatch(v: unknown, shape: Shape, at: string): string | undefined {
  if (typeof shape === 'string') {
    const optional = shape.endsWith('?');
    if (optional && v === undefined) return undefined;
    const type = shape.replace('?', '');
    if (type === 'strings') return Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : `${at} (a list of strings)`;
    if (type === 'object') return typeof v === 'object' && v !== null && !Array.isArray(v) ? undefined : `${at} (an object)`;
    return typeof v === type && (type !== 'number' || Number.isFinite(v)) ? undefined : `${at} (a ${type})`;
  }
  if (Array.isArray(shape) && shape.length === 2) return v === undefined ? undefined : mismatch(v, shape[1], at);
  if (Array.isArray(shape)) {
    if (!Array.isArray(v)) return `${at} (a list)`;
    for (let i = 0; i < v.length; i++) {
      const m = mismatch(v[i], shape[0]!, `${at}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${at} (an object)`;
  for (const [k, s] of Object.entries(shape)) {
    const m = mismatch((v as Record<string, unknown>)[k], s, at ? `${at}.${k}` : k);
    if (m) return m;
  }
  return undefined;
}

const isPlanTagged = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && (v as Record<string, unknown>)['format'] === PLAN_FORMAT;


/** `v` as a plan, or a UsageError naming `where` and the first field that is wrong. */
function checkedPlan(v: Record<string, unknown>, where: string): OvfPlan {
  const m = mismatch(v, PLAN_SHAPE, '');
  if (m) throw new UsageError(`${where}: not a complete ${PLAN_FORMAT} document: ${m} is missing or of the wrong type`);
  return v as unknown as OvfPlan;
}

/**
 * Every plan in a parsed JSON document, in document order: a plan itself (named `file`); the
 * `{ results: [{ source, result }] }` of `ovfkit plan A B --json`; a `pulumi preview --json`
 * document (each step whose `newState.inputs.plan` is a plan, as the JSON text OvfImport carries
 * or as the object older versions did, named by the resource's name); or
 * an object whose values are plans (named by their keys, as a CDKTF stack writes them).
 * A document holding none is a UsageError saying what was looked for.
 * @example plansIn(JSON.parse(fs.readFileSync('preview.json', 'utf8')), 'preview.json') // [{ name: 'appliance', plan: { … } }]
 */
export function plansIn(doc: unknown, file: string): NamedPlan[] {
  if (isPlanTagged(doc)) return [{ name: file, plan: checkedPlan(doc, file) }];
  const out: NamedPlan[] = [];
  if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) {
    const o = doc as Record<string, unknown>;
    if (Array.isArray(o['results'])) {
      o['results'].forEach((r, i) => {
        const result = (r as Record<string, unknown> | null)?.['result'];
        const source = (r as Record<string, unknown> | null)?.['source'];
        if (isPlanTagged(result)) out.push({ name: typeof source === 'string' ? source : `${file} results[${i}]`, plan: checkedPlan(result, `${file} results[${i}]`) });
      });
    } else if (Array.isArray(o['steps'])) {
      o['steps'].forEach((s, i) => {
        const state = (s as Record<string, unknown> | null)?.['newState'] as Record<string, unknown> | undefined;
        const inputs = state?.['inputs'] as Record<string, unknown> | undefined;
        if (!inputs || !('plan' in inputs)) return;
        const urn = String((s as Record<string, unknown>)['urn'] ?? state?.['urn'] ?? `steps[${i}]`);
        const name = urn.slice(urn.lastIndexOf('::') + 2) || urn;
        if (inputs['plan'] === PULUMI_UNKNOWN) out.push({ name });
        else {
          const where = `${file} steps[${i}] (${name})`;
          const plan = storedPlanOf(inputs['plan']) as Record<string, unknown> | undefined;
          if (plan) out.push({ name, plan: checkedPlan(plan, where) });
        }
      });
    } else {
      for (const [k, v] of Object.entries(o)) if (isPlanTagged(v)) out.push({ name: k, plan: checkedPlan(v, `${file} "${k}"`) });
    }
  }
  if (!out.length) {
    throw new UsageError(`${file} holds no ${PLAN_FORMAT} plan: give the output of "ovfkit plan --json", of "pulumi preview --json" over a program with an OvfImport, or an object of plans (a CDKTF stack's OvfImport plan by construct path)`);
  }
  return out;
}
