import type { Condition } from '../ast.ts';
import { pointerIdCondition } from './pointer-ids.ts';

/** Types whose values `compare` and `in` can test (besides any key path inside an Object field). */
const COMPARABLE = new Set(['String', 'Number', 'Boolean', 'Date', 'Pointer', 'File', 'Bytes', 'Object', 'Array']);

/** Why one node cannot be decided from the object alone, or undefined when it can. */
function reasonFor(cond: Condition): string | undefined {
  switch (cond.kind) {
    case 'inQueryKey':
      return `${cond.negated ? 'notInQueryKey' : 'inQueryKey'} on field ${cond.field.name} cannot be used in a subscription: it depends on other objects (class ${cond.className})`;
    case 'pointerMatches':
      if (pointerIdCondition(cond)) return undefined;
      return `${cond.negated ? 'haveNot' : 'have'} on pointer field ${cond.field.name} cannot be used in a subscription: it depends on the pointed-to ${cond.targetClass} object (only a condition on its id, such as {objectId: {equalTo: …}}, can be decided without it)`;
    case 'relationMatches':
      return `Relation field ${cond.field.name} cannot be queried in a subscription: its related objects are not part of the object`;
    case 'relationContains':
      return `Relation field ${cond.field.name} cannot be queried in a subscription: its related objects are not part of the object`;
    case 'text':
      return `text search on field ${cond.field.name} cannot be used in a subscription: it depends on the database's text search dictionaries (use matchesRegex instead)`;
    case 'compare':
    case 'in':
      if (!cond.field.path && !COMPARABLE.has(cond.field.type))
        return `${cond.kind === 'in' ? 'in' : 'comparison'} on ${cond.field.type} field ${cond.field.name} is not supported`;
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Why a condition cannot be evaluated in memory (live queries), as a message for the client,
 * or undefined when it can: conditions that read other objects (inQueryKey, have/haveNot
 * other than on the target's id alone — see pointer-ids.ts —, Relation fields) or the
 * database's text search dictionaries (text). Checks the whole tree.
 */
export function unsupportedInMemory(cond: Condition): string | undefined {
  const pending: Condition[] = [cond];
  while (pending.length) {
    const c = pending.pop()!;
    if (c.kind === 'and' || c.kind === 'or' || c.kind === 'nor') {
      for (let i = c.conditions.length - 1; i >= 0; i--) pending.push(c.conditions[i]);
      continue;
    }
    const reason = reasonFor(c);
    if (reason) return reason;
  }
  return undefined;
}
