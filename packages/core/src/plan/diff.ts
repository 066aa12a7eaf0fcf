/**
 * What changed between two versions of an appliance, as two plans see them (a vendor ships 9.1
 * after 9.0): entities and their hardware, disks, NICs, properties (added, removed, retyped,
 * requalified, new default), deployment options, EULA texts, files and sizes, and the verdict.
 * Computed from the plans only, so every front end (`ovfkit diff`, a CI comment) shows the same
 * changes; passwords stay redacted because plans never hold them.
 */
import type { OvfPlan, PlanIssue } from './index';

/** The format tag of a plan diff. */
export const PLAN_DIFF_FORMAT = 'ovfkit.plan-diff/1';

/** What kind of change; the area is the word before the dash. */
export type PlanChangeKind =
  | 'entity-added' | 'entity-removed'
  | 'hardware-changed'
  | 'disk-added' | 'disk-removed' | 'disk-changed'
  | 'nic-added' | 'nic-removed' | 'nic-changed'
  | 'property-added' | 'property-removed' | 'property-retyped' | 'property-requalified' | 'property-default-changed' | 'property-changed'
  | 'deployment-option-added' | 'deployment-option-removed' | 'deployment-default-changed'
  | 'eula-added' | 'eula-removed' | 'eula-changed'
  | 'file-added' | 'file-removed' | 'file-changed'
  | 'size-changed'
  | 'verdict-changed' | 'issue-added' | 'issue-removed';

/** One change: where (`web01/Hard Disk 1`, `web01/hostname`, `memoryMB`…), the old and new value. */
export interface PlanChange {
  kind: PlanChangeKind;
  /** The entity path and item, or the field for package-wide facts. */
  path: string;
  /** The field that changed, for the `*-changed` kinds. */
  field?: string;
  old?: string | number | boolean;
  new?: string | number | boolean;
  /** For `eula-changed`: the changed words and a few around them. */
  text?: TextChange;
}

/**
 * The stretch of a text that changed, word by word (whitespace runs compared as one space): the
 * words before it, those removed, those added, the words after it, each clipped so a reviewer
 * reads a line, not a licence. `removed` and `added` both empty: only the whitespace changed.
 */
export interface TextChange {
  before: string;
  removed: string;
  added: string;
  after: string;
}

/** Words of context each side of a text change. */
const CONTEXT_WORDS = 6;
/** Words shown of what was removed or added; the rest is counted. */
const CHANGED_WORDS = 24;

/**
 * What changed from `a` to `b`: the words between their longest common prefix and suffix
 * (linear in the text, so a long EULA costs one pass), with context.
 * @example textChange('governed by the laws of California and', 'governed by the laws of Delaware and') // { before: 'governed by the laws of', removed: 'California', added: 'Delaware', after: 'and' }
 */
export function textChange(a: string, b: string): TextChange {
  const wa = a.split(/\s+/).filter(Boolean);
  const wb = b.split(/\s+/).filter(Boolean);
  let p = 0;
  while (p < wa.length && p < wb.length && wa[p] === wb[p]) p++;
  let s = 0;
  while (s < wa.length - p && s < wb.length - p && wa[wa.length - 1 - s] === wb[wb.length - 1 - s]) s++;
  const clip = (words: string[]): string => (words.length > CHANGED_WORDS ? `${words.slice(0, CHANGED_WORDS).join(' ')} … (${words.length - CHANGED_WORDS} more words)` : words.join(' '));
  return {
    before: `${p > CONTEXT_WORDS ? '… ' : ''}${wa.slice(Math.max(0, p - CONTEXT_WORDS), p).join(' ')}`,
    removed: clip(wa.slice(p, wa.length - s)),
    added: clip(wb.slice(p, wb.length - s)),
    after: `${wa.slice(wa.length - s, wa.length - s + CONTEXT_WORDS).join(' ')}${s > CONTEXT_WORDS ? ' …' : ''}`,
  };
}

/** Two plans compared. */
export interface PlanDiff {
  format: typeof PLAN_DIFF_FORMAT;
  old: { descriptorDigest: string; entityName: string; ok: boolean };
  new: { descriptorDigest: string; entityName: string; ok: boolean };
  /** True when no change is listed (the descriptors may still differ in bytes). */
  identical: boolean;
  changes: PlanChange[];
}

type Scalar = string | number | boolean | undefined;

/** Changes of keyed lists: added, removed, and per-field changes of the items in both. */
function keyed<T>(out: PlanChange[], area: 'entity' | 'disk' | 'nic' | 'file' | 'hardware', a: T[], b: T[], key: (x: T) => string, fields: (x: T) => Record<string, Scalar>, changedKind: PlanChangeKind): void {
  const before = new Map(a.map((x) => [key(x), x]));
  const after = new Map(b.map((x) => [key(x), x]));
  for (const [k] of before) if (!after.has(k) && area !== 'hardware') out.push({ kind: `${area}-removed` as PlanChangeKind, path: k });
  for (const [k, x] of after) {
    const old = before.get(k);
    if (!old) {
      if (area !== 'hardware') out.push({ kind: `${area}-added` as PlanChangeKind, path: k });
      continue;
    }
    const fo = fields(old);
    const fn = fields(x);
    for (const f of Object.keys({ ...fo, ...fn })) {
      if (fo[f] === fn[f]) continue;
      const c: PlanChange = { kind: changedKind, path: k, field: f };
      if (fo[f] !== undefined) c.old = fo[f]!;
      if (fn[f] !== undefined) c.new = fn[f]!;
      out.push(c);
    }
  }
}

/** A vApp property type split into its base type and qualifiers: `int(1..16)` → int, (1..16). */
function splitType(t: string): { base: string; qualifiers: string } {
  const i = t.search(/[([]/);
  return i < 0 ? { base: t, qualifiers: '' } : { base: t.slice(0, i), qualifiers: t.slice(i) };
}

const issueKey = (i: PlanIssue): string => `${i.source} ${i.code}: ${i.localizedMessage}`;

/**
 * The changes from plan `a` (the old version) to plan `b` (the new one), in a stable order:
 * entities, hardware, disks, NICs, properties, deployment options, EULAs, files, sizes, verdict.
 * Both plans should be made with the same options (host profile, mappings) to compare packages.
 * @example const d = diffPlans(createPlan(v90).plan, createPlan(v91).plan); if (!d.identical) for (const c of d.changes) console.log(c.kind, c.path);
 */
export function diffPlans(a: OvfPlan, b: OvfPlan): PlanDiff {
  const changes: PlanChange[] = [];
  keyed(changes, 'entity', a.entities, b.entities, (e) => `${e.kind === 'VirtualApp' ? 'vApp' : 'VM'} ${e.path}`, () => ({}), 'hardware-changed');
  keyed(changes, 'hardware', a.vms, b.vms, (v) => v.entity, (v) => ({
    hardwareVersion: v.hardwareVersion, guestId: v.guestId, numCPUs: v.numCPUs, numCoresPerSocket: v.numCoresPerSocket, memoryMB: v.memoryMB, firmware: v.firmware, secureBoot: v.secureBoot, devices: v.devices.join(', '),
  }), 'hardware-changed');
  keyed(changes, 'disk', a.disks, b.disks, (d) => `${d.entity}/${d.label}`, (d) => ({
    capacityBytes: d.capacityBytes, controller: d.controller, provisioning: d.provisioning, file: d.file, fileSizeBytes: d.fileSizeBytes,
  }), 'disk-changed');
  keyed(changes, 'nic', a.networks, b.networks, (n) => `${n.entity}/${n.label}`, (n) => ({ adapter: n.adapter, ovfNetwork: n.ovfNetwork }), 'nic-changed');

  const props = (p: OvfPlan): Map<string, OvfPlan['properties'][number]> => new Map(p.properties.map((x) => [x.entity ? `${x.entity}/${x.id}` : x.id, x]));
  const pa = props(a);
  const pb = props(b);
  for (const [k] of pa) if (!pb.has(k)) changes.push({ kind: 'property-removed', path: k });
  for (const [k, x] of pb) {
    const o = pa.get(k);
    if (!o) {
      changes.push({ kind: 'property-added', path: k, new: x.type });
      continue;
    }
    const to = splitType(o.type);
    const tn = splitType(x.type);
    if (to.base !== tn.base) changes.push({ kind: 'property-retyped', path: k, old: o.type, new: x.type });
    else if (to.qualifiers !== tn.qualifiers) changes.push({ kind: 'property-requalified', path: k, old: o.type, new: x.type });
    // A password's value is redacted in both plans: its default cannot be compared, and is not shown.
    if (o.source === 'default' && x.source === 'default' && o.value !== x.value && !o.password && !x.password) changes.push({ kind: 'property-default-changed', path: k, old: o.value, new: x.value });
    for (const f of ['userConfigurable', 'password', 'label', 'category'] as const) {
      if (o[f] === x[f]) continue;
      const c: PlanChange = { kind: 'property-changed', path: k, field: f };
      if (o[f] !== undefined) c.old = o[f]!;
      if (x[f] !== undefined) c.new = x[f]!;
      changes.push(c);
    }
  }

  const oa = new Set(a.deploymentOption.available);
  const ob = new Set(b.deploymentOption.available);
  for (const k of oa) if (!ob.has(k)) changes.push({ kind: 'deployment-option-removed', path: k });
  for (const k of ob) if (!oa.has(k)) changes.push({ kind: 'deployment-option-added', path: k });
  if (a.deploymentOption.default && b.deploymentOption.default && a.deploymentOption.key !== b.deploymentOption.key) changes.push({ kind: 'deployment-default-changed', path: 'deploymentOption', old: a.deploymentOption.key, new: b.deploymentOption.key });

  const n = Math.max(a.eula.texts.length, b.eula.texts.length);
  for (let i = 0; i < n; i++) {
    const [t0, t1] = [a.eula.texts[i], b.eula.texts[i]];
    if (t0 === t1) continue;
    const path = `eula ${i + 1}`;
    if (t0 === undefined) changes.push({ kind: 'eula-added', path, new: t1!.length });
    else if (t1 === undefined) changes.push({ kind: 'eula-removed', path, old: t0.length });
    else changes.push({ kind: 'eula-changed', path, old: t0.length, new: t1.length, text: textChange(t0, t1) });
  }

  keyed(changes, 'file', a.files, b.files, (f) => f.path, (f) => ({ size: f.size, compressionMethod: f.compressionMethod, chunkSize: f.chunkSize }), 'file-changed');
  for (const f of ['downloadBytes', 'flatDeploymentBytes', 'sparseDeploymentBytes'] as const) {
    if (a.sizes[f] !== b.sizes[f]) changes.push({ kind: 'size-changed', path: f, old: a.sizes[f], new: b.sizes[f] });
  }

  if (a.ok !== b.ok) changes.push({ kind: 'verdict-changed', path: 'ok', old: a.ok, new: b.ok });
  const ia = new Set([...a.errors, ...a.warnings].map(issueKey));
  const ib = new Set([...b.errors, ...b.warnings].map(issueKey));
  const severity = (p: OvfPlan, k: string): string => (p.errors.some((e) => issueKey(e) === k) ? 'error' : 'warning');
  for (const k of ia) if (!ib.has(k)) changes.push({ kind: 'issue-removed', path: severity(a, k), old: k });
  for (const k of ib) if (!ia.has(k)) changes.push({ kind: 'issue-added', path: severity(b, k), new: k });

  const side = (p: OvfPlan): PlanDiff['old'] => ({ descriptorDigest: p.descriptorDigest, entityName: p.entityName, ok: p.ok });
  return { format: PLAN_DIFF_FORMAT, old: side(a), new: side(b), identical: changes.length === 0, changes };
}
