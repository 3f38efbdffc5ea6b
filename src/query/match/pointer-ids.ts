import type { Condition, FieldRef } from '../ast.ts';

type PointerMatches = Extract<Condition, { kind: 'pointerMatches' }>;

/** The target's objectId, as a where over the target class names it (`id` and `objectId` alike). */
function isTargetId(field: FieldRef): boolean {
  return field.name === 'objectId' && !field.path;
}

/**
 * The same test on the pointer's own value, or undefined when `cond` is not a test of the
 * target's objectId alone: combinations of comparisons, `in` and `exists` on objectId. The
 * values need no change — the parser has already turned the target's global ids into objectIds.
 */
function onPointer(cond: Condition, pointer: FieldRef): Condition | undefined {
  switch (cond.kind) {
    case 'const':
      return cond;
    case 'and':
    case 'or':
    case 'nor': {
      const conditions: Condition[] = [];
      for (const c of cond.conditions) {
        const rewritten = onPointer(c, pointer);
        if (!rewritten) return undefined;
        conditions.push(rewritten);
      }
      return { kind: cond.kind, conditions };
    }
    case 'compare':
    case 'in':
    case 'exists':
      return isTargetId(cond.field) ? { ...cond, field: pointer } : undefined;
    default:
      return undefined;
  }
}

/** Whether a where tests something (not only constants and empty combinators). */
function testsSomething(cond: Condition): boolean {
  if (cond.kind === 'const') return false;
  if (cond.kind === 'and' || cond.kind === 'or' || cond.kind === 'nor') return cond.conditions.some(testsSomething);
  return true;
}

/**
 * A `have` / `haveNot` on a pointer whose where tests only the pointed-to object's id
 * (`{author: {have: {objectId: {equalTo: …}}}}`, `id`, `in`, global or raw ids), as a condition
 * on the pointer's own value, which the object holds: `have` = the pointer has a value and that
 * value passes the test; `haveNot` = its negation. Undefined for any other `pointerMatches`
 * (one that reads other fields of the target, or tests nothing, as `have: {}` does).
 *
 * Used by the in-memory matcher only (live queries), which cannot read the target: it takes the
 * pointed-to object to exist and to be readable by the subscriber. The SQL compiler keeps the
 * exact meaning (see ast.ts), so the two differ only for a pointer to a deleted object or to one
 * the caller may not read — which a client can learn from the pointer's value by equality in
 * Parse's REST form anyway. Where the target class has pointer permissions, guardWhere has added
 * conditions on its other fields, and this gives undefined (still refused).
 */
export function pointerIdCondition(cond: PointerMatches): Condition | undefined {
  if (!testsSomething(cond.where)) return undefined;
  const test = onPointer(cond.where, cond.field);
  if (!test) return undefined;
  const matches: Condition = { kind: 'and', conditions: [{ kind: 'exists', field: cond.field, exists: true }, test] };
  return cond.negated ? { kind: 'nor', conditions: [matches] } : matches;
}
