/**
 * Which property a propertyMapping key names. vSphere's CreateImportSpec sets a property only
 * when the key is its full id `[classId.]id[.instanceId]` and ignores any other key without an
 * error or a warning (the value is simply not set: pyvmomi-community-samples #506, #642, #689).
 * ovfkit's plan is stricter, and this is its one rule for every front end: a full id names its
 * property; a bare id naming exactly one property is that property; a key naming several
 * properties, or none, is refused with the candidates.
 * @see vsphere-ovf-api.md §2 OvfCreateImportSpecParams.propertyMapping, ovf-spec-notes.md §8
 */
import { nearest } from './nearest';

/** A property as propertyMapping keys name it (a ProductSection's class and instance, the Property's key). */
export interface PropertyName {
  classId?: string | undefined;
  /** Optional as in vim25 VAppPropertyInfo; a property always has one. */
  id?: string | undefined;
  instanceId?: string | undefined;
}

/** The full id of a property, `[classId.]id[.instanceId]`: the only key vSphere's propertyMapping matches. */
export function fullPropertyId(p: PropertyName): string {
  return [p.classId, p.id, p.instanceId].filter((s) => s !== undefined && s !== '').join('.');
}

/** What one propertyMapping key names. */
export type PropertyKeyMatch =
  /** The key is a property's full id. */
  | { kind: 'fullId'; id: string }
  /** The key is the bare id of exactly one property: `id` is that property's full id. */
  | { kind: 'bareKey'; id: string }
  /** The key is the bare id of several properties (classes or instances): their full ids. */
  | { kind: 'ambiguous'; candidates: string[] }
  /** The key names no property: the full ids nearest to it by edit distance (maybe none). */
  | { kind: 'unknown'; nearest: string[] };

/**
 * Matches one propertyMapping key against the properties of a package.
 * @example matchPropertyKey('workers', [{ classId: 'com.example.sentry', id: 'workers', instanceId: '1' }]) // { kind: 'bareKey', id: 'com.example.sentry.workers.1' }
 */
export function matchPropertyKey(key: string, properties: readonly PropertyName[]): PropertyKeyMatch {
  if (properties.some((p) => fullPropertyId(p) === key)) return { kind: 'fullId', id: key };
  const bare = [...new Set(properties.filter((p) => p.id === key).map(fullPropertyId))];
  if (bare.length === 1) return { kind: 'bareKey', id: bare[0]! };
  if (bare.length > 1) return { kind: 'ambiguous', candidates: bare };
  const near = nearest(key, properties, (p) => [fullPropertyId(p), p.id ?? '']);
  return { kind: 'unknown', nearest: [...new Set(near.map(fullPropertyId))] };
}

/**
 * The full id a key sets, when it names exactly one property (by its full id or as a bare id);
 * undefined for an ambiguous or unknown key.
 */
export function propertyIdOfKey(key: string, properties: readonly PropertyName[]): string | undefined {
  const m = matchPropertyKey(key, properties);
  return m.kind === 'fullId' || m.kind === 'bareKey' ? m.id : undefined;
}
