import type { Condition } from '../query/index.ts';
import type { UserField } from './class-rules.ts';

/** How Parse stores a user inside an Array field. */
function userPointer(userId: string) {
  return { __type: 'Pointer', className: '_User', objectId: userId };
}

const NOBODY: Condition = { kind: 'const', value: false };

/**
 * Pointer permissions as a condition on the class's own fields: one of `fields` holds the user
 * (a Pointer equal to it, or an Array with that user's pointer among its elements). It is
 * compiled into the query like any filter — never applied after it. Without a user (anonymous)
 * nothing matches, as in Parse.
 */
export function holdsUser(fields: readonly UserField[], userId: string | undefined): Condition {
  if (!userId || fields.length === 0) return NOBODY;
  const parts = fields.map(
    ({ name, def }): Condition =>
      def.type === 'Pointer'
        ? { kind: 'compare', field: { name, type: 'Pointer', targetClass: '_User' }, op: 'eq', value: userId }
        : { kind: 'containsAll', field: { name, type: 'Array' }, values: [userPointer(userId)] },
  );
  return parts.length === 1 ? parts[0] : { kind: 'or', conditions: parts };
}

/**
 * The in-memory counterpart of holdsUser for one field's value in API form (a Pointer's
 * objectId, an Array's elements): used for per-object protected fields (`userField:`) and
 * for objects that are written rather than read.
 */
export function valueHoldsUser(field: UserField, value: unknown, userId: string | undefined): boolean {
  if (!userId || value === null || value === undefined) return false;
  if (field.def.type === 'Pointer') return value === userId;
  if (!Array.isArray(value)) return false;
  return value.some((e) => {
    if (typeof e !== 'object' || e === null) return false;
    const p = e as Record<string, unknown>;
    // Exactly Parse's pointer (as the SQL test compares elements by deep equality).
    return p.__type === 'Pointer' && p.className === '_User' && p.objectId === userId && Object.keys(p).length === 3;
  });
}
