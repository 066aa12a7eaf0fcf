/**
 * What the plan refuses although vSphere would go ahead, decided here once for every front end:
 * a propertyMapping key that names no property or several (CreateImportSpec ignores it, and the
 * value is silently not set), and EULAs not accepted (CreateImportSpec leaves them to the
 * client). Each fix is written in the words of the front end that shows it.
 */
import type { OvfIssue } from '../faults';
import { issue, qv } from '../importspec/issues';
import { fullPropertyId, matchPropertyKey, type PropertyName } from '../property-keys';
import type { KeyValue } from '../vim25';
import { wordsOf, type Vocabulary, type Words } from '../issue-text';

/** Whose words a plan's fixes use (see {@link Vocabulary}). @default 'api' (the vim25 names) */
export type PlanVocabulary = Vocabulary;

/** How each front end names the choices the plan's own rules are about (core's one table, issue-text.ts). */
export type PlanWords = Words;

/** The words of a front end (the one table every plan rule words its fixes from). */
export function planWords(vocabulary: PlanVocabulary = 'api'): PlanWords {
  return wordsOf(vocabulary);
}

/** A propertyMapping with its keys resolved to full ids. */
export interface ResolvedPropertyMapping {
  /** What CreateImportSpec is given, and a live import sends: every key a full id; keys the errors are about left out. */
  propertyMapping: KeyValue[];
  /** Full id → the bare key that set it, for each bare key resolved. */
  bareKeys: Map<string, string>;
  errors: OvfIssue[];
}

/** How many ids a message lists before "…". */
const LISTED = 20;

const listOf = (ids: readonly string[]): string => (ids.length > LISTED ? [...ids.slice(0, LISTED).map(qv), `… ${ids.length - LISTED} more`] : ids.map(qv)).join(', ');

/**
 * Resolves each propertyMapping key to the full id of the one property it names (see
 * {@link matchPropertyKey}); an unknown key, an ambiguous bare key, or two keys for one property
 * is an error naming the candidates.
 * `names` are every property the package declares (ResolvedDescriptor.declaredProperties).
 * @example resolvePropertyMapping(resolved.declaredProperties, [{ key: 'workers', value: '8' }], 'cli').propertyMapping // [{ key: 'com.example.sentry.workers.1', value: '8' }]
 */
export function resolvePropertyMapping(names: readonly PropertyName[], mapping: readonly KeyValue[], vocabulary: PlanVocabulary = 'api'): ResolvedPropertyMapping {
  const w = wordsOf(vocabulary);
  const out: ResolvedPropertyMapping = { propertyMapping: [], bareKeys: new Map(), errors: [] };
  const keyOf = new Map<string, string>();
  const fault = (key: string): { _typeName: 'OvfInvalidValueReference'; lineNumber: number; elementName: string; attributeName: string; value: string } =>
    ({ _typeName: 'OvfInvalidValueReference', lineNumber: 0, elementName: 'propertyMapping', attributeName: 'key', value: key });
  for (const kv of mapping) {
    const m = matchPropertyKey(kv.key, names);
    if (m.kind === 'ambiguous') {
      out.errors.push(issue('AMBIGUOUS_PROPERTY_KEY', fault(kv.key), `Property key ${qv(kv.key)} names ${m.candidates.length} properties (${listOf(m.candidates)}); vSphere sets a property only by its full id`, {
        value: kv.key,
        allowed: m.candidates.join(', '),
        fix: `name the one you mean by its full id, e.g. ${w.property(m.candidates[0]!)}`,
      }));
      continue;
    }
    if (m.kind === 'unknown') {
      const all = [...new Set(names.map(fullPropertyId))];
      const message = m.nearest.length
        ? `Property key ${qv(kv.key)} names no property of the package; did you mean ${m.nearest.map(qv).join(' or ')}?`
        : `Property key ${qv(kv.key)} names no property of the package${all.length ? '' : ', which has none'}`;
      out.errors.push(issue('UNKNOWN_PROPERTY_KEY', fault(kv.key), message, {
        value: kv.key,
        allowed: all.join(', ') || 'no properties in this package',
        fix: m.nearest.length ? `use ${w.property(m.nearest[0]!)}` : all.length ? `use a property the package has, [class.]key[.instance] (${w.descriptorListing} lists them)` : 'remove the property values: the package takes none',
      }));
      continue;
    }
    const earlier = keyOf.get(m.id);
    if (earlier !== undefined) {
      out.errors.push(issue('AMBIGUOUS_PROPERTY_KEY', fault(kv.key), `Property keys ${qv(earlier)} and ${qv(kv.key)} both set property ${qv(m.id)}`, {
        value: kv.key,
        allowed: 'one value per property',
        fix: `give ${qv(m.id)} one value, e.g. ${w.property(m.id)}`,
      }));
      continue;
    }
    keyOf.set(m.id, kv.key);
    if (m.kind === 'bareKey') out.bareKeys.set(m.id, kv.key);
    out.propertyMapping.push({ key: m.id, value: kv.value });
  }
  return out;
}

/** The package has EULAs and the caller did not accept them: vSphere leaves EULAs to the client, ovfkit refuses the import. */
export function eulaNotAccepted(count: number, vocabulary: PlanVocabulary = 'api'): OvfIssue {
  return issue('EULA_NOT_ACCEPTED', { _typeName: 'OvfImportFailed' }, `The package has ${count} EULA${count === 1 ? '' : 's'} that must be accepted before import`, {
    allowed: wordsOf(vocabulary).acceptEulas,
    fix: `read ${count === 1 ? 'it' : 'them'} (${wordsOf(vocabulary).descriptorListing} shows the texts) and accept with ${wordsOf(vocabulary).acceptEulas}`,
  });
}

/** The fix for a deployment option the package does not declare, in the front end's words. */
export function deploymentOptionFix(declared: readonly string[], vocabulary: PlanVocabulary = 'api'): string {
  const w = wordsOf(vocabulary);
  return declared.length ? `choose one of ${declared.map(qv).join(', ')}, e.g. ${w.deploymentOption(declared[0]!)}` : 'leave the deployment option empty: the package declares none';
}
