import type { Condition } from '../../query/index.ts';

/**
 * The classes a `where` reads besides its own: subqueries (`inQueryKey`), pointer and relation
 * conditions. A change to any of them may change which objects match, so a live result set
 * re-runs on their changes too.
 */
export function classesReadBy(where: Condition | undefined, into = new Set<string>()): Set<string> {
  if (!where) return into;
  switch (where.kind) {
    case 'and':
    case 'or':
    case 'nor':
      for (const c of where.conditions) classesReadBy(c, into);
      break;
    case 'inQueryKey':
      into.add(where.className);
      classesReadBy(where.where, into);
      break;
    case 'pointerMatches':
    case 'relationMatches':
      into.add(where.targetClass);
      classesReadBy(where.where, into);
      break;
    default:
      break;
  }
  return into;
}
