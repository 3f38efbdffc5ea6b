import type { ClassDef } from '../../schema/index.ts';
import { compileMatcher, unsupportedInMemory, type Condition } from '../../query/index.ts';
import type { LiveChange } from '../types.ts';

/**
 * A cheap, exact test that skips re-runs: a change of the class whose object matched the
 * `where` neither before nor after the write was never in the filtered set and is not in it
 * now, so the page, its order, its cursors and the count are all what they were (read access
 * only narrows the set further). Offered only where that argument holds:
 * - the `where` can be decided from the object alone (no subquery, relation or text search —
 *   compileMatcher gives the SQL compiler's answer for those it accepts);
 * - the result reads no other object of the same class (no self-pointer read with the page).
 * Returns undefined (re-run on every change) otherwise. Changes of other classes always pass.
 */
export function wherePrefilter(cls: ClassDef, where: Condition | undefined, alsoReads: ReadonlySet<string>): ((change: LiveChange) => boolean) | undefined {
  if (!where || alsoReads.has(cls.className) || unsupportedInMemory(where)) return undefined;
  const matches = compileMatcher(where, cls);
  return (change) => {
    if (change.className !== cls.className) return true;
    if (change.kind === 'create') return matches(change.object);
    if (!change.original) return true;
    return matches(change.original) || (change.kind === 'update' && matches(change.object));
  };
}
