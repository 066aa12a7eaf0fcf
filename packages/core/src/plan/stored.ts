/**
 * The plan as a front end keeps it in state and sends it over the wire (Pulumi's checked inputs
 * and checkpoint, a Terraform data source's state): core's object with each EULA text replaced
 * by its SHA-256. Vendor EULAs run to ~100 KB each, and a stored plan travels in every gRPC call
 * of a preview; the digests still change when a text does.
 */
import { createHash } from 'node:crypto';
import { PLAN_FORMAT, type OvfPlan } from './index';

/** {@link OvfPlan} with `eula.texts` as `eula.textsSha256` (hex). */
export type StoredPlan = Omit<OvfPlan, 'eula'> & { eula: Omit<OvfPlan['eula'], 'texts'> & { textsSha256: string[] } };

/**
 * The stored form of a plan, as plain JSON data (no `undefined` members, which gRPC's Struct and
 * Terraform's values cannot carry).
 * @example storedPlan(plan).eula // { count: 1, accepted: true, textsSha256: ['9f86d0…'] }
 */
export function storedPlan(plan: OvfPlan): StoredPlan {
  return JSON.parse(storedPlanJson(plan)) as StoredPlan;
}

/**
 * The stored form of a plan as one JSON text: how Pulumi's OvfImport carries it on the wire (one
 * protobuf string instead of a Struct of every field, walked in each Check and Diff).
 * @example JSON.parse(storedPlanJson(plan)).eula // { count: 1, accepted: true, textsSha256: ['9f86d0…'] }
 */
export function storedPlanJson(plan: OvfPlan): string {
  const { texts, ...eula } = plan.eula;
  return JSON.stringify({ ...plan, eula: { ...eula, textsSha256: texts.map((t) => createHash('sha256').update(t).digest('hex')) } });
}

/**
 * A stored plan in whichever shape it was kept: the JSON text {@link storedPlanJson} makes (what
 * Pulumi's OvfImport carries), or the object itself (what earlier versions kept in state and in
 * preview documents); undefined when it is neither, or not an `ovfkit.plan/1` plan.
 * @example storedPlanOf('{"format":"ovfkit.plan/1",…}')?.descriptorDigest // 'sha256:…'
 */
export function storedPlanOf(v: unknown): StoredPlan | undefined {
  let o: unknown = v;
  if (typeof v === 'string') {
    try { o = JSON.parse(v); } catch { return undefined; }
  }
  return typeof o === 'object' && o !== null && !Array.isArray(o) && (o as { format?: unknown }).format === PLAN_FORMAT ? (o as StoredPlan) : undefined;
}
