/**
 * The constructs' prop lists, held to their TypeScript interfaces: a prop added to the interface
 * and not to the list (or the reverse) fails to compile, and a prop the list does not have is
 * refused at synth (JavaScript callers, typos), naming the nearest one.
 */
import { unknownKeys } from '@ovfkit/core';
export type { SameNames } from '@ovfkit/core';

/** One problem per key of `props` (with a value) that is not in `names`, naming the nearest prop. */
export function unknownProps(construct: string, props: object, names: readonly string[]): string[] {
  return unknownKeys(props, names).map(({ key, near }) => `${construct} has no prop "${key}"${near.length ? `; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ''}`);
}
