/**
 * "Did you mean …?": the names closest to a mistyped one, by edit distance, for messages that
 * name what a user could have meant instead of listing everything.
 */

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours each cost 1. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * The candidates nearest to `name`, best first: those at the smallest distance, if it is at most
 * a third of the name's length (at least 1), so that an unrelated name suggests nothing.
 * `distance` lets a candidate be compared by several spellings (the smallest counts).
 * @example nearest('wrokers', ['workers', 'hostname']) // ['workers']
 */
export function nearest<T>(name: string, candidates: readonly T[], spellings: (c: T) => readonly string[] = (c) => [String(c)]): T[] {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best = Infinity;
  let out: T[] = [];
  for (const c of candidates) {
    const d = Math.min(...spellings(c).map((s) => editDistance(name.toLowerCase(), s.toLowerCase())));
    if (d > limit || d > best) continue;
    if (d < best) {
      best = d;
      out = [];
    }
    out.push(c);
  }
  return out;
}

/**
 * The keys of `given` (those with a value) that are not in `known` or `ignored`, each with the
 * {@link nearest} known names: what a front end words as "has no input/prop …; did you mean …?".
 * @example unknownKeys({ resoucePool: 'p' }, ['resourcePool']) // [{ key: 'resoucePool', near: ['resourcePool'] }]
 */
export function unknownKeys(given: object, known: readonly string[], ignored: readonly string[] = []): { key: string; near: string[] }[] {
  return Object.entries(given)
    .filter(([k, v]) => v !== undefined && !known.includes(k) && !ignored.includes(k))
    .map(([key]) => ({ key, near: nearest(key, known) }));
}

/**
 * `true` when `Names` are exactly the keys of `Props`, else the names that differ: a front end's
 * runtime list of inputs (what {@link unknownKeys} checks against) cannot drift from its type.
 */
export type SameNames<Props, Names extends PropertyKey> = [Exclude<keyof Props, Names> | Exclude<Names, keyof Props>] extends [never]
  ? true
  : Exclude<keyof Props, Names> | Exclude<Names, keyof Props>;
