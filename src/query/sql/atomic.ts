import type { Params } from '../../db/index.ts';

/**
 * Parse's atomic operations on a field, applied by the database in the write's own statement
 * (so that two concurrent increments both count): Increment on a Number, Add / AddUnique /
 * Remove on an Array.
 */
export type AtomicOp = { __op: 'Increment'; amount: number } | { __op: 'Add' | 'AddUnique' | 'Remove'; objects: unknown[] };

/**
 * The SQL expression an UPDATE sets `column` to for an operation, over the row's current value.
 * Array elements compare with jsonb `=` (whole values; `@>` would match a part), and a value
 * that is not an array counts as an empty one.
 */
export function atomicSql(op: AtomicOp, column: string, params: Params): string {
  if (op.__op === 'Increment') return `COALESCE(${column}, 0) + ${params.add(op.amount)}::float8`;
  const items = `${params.add(JSON.stringify(op.objects))}::jsonb`;
  const current = `(CASE WHEN jsonb_typeof(${column}) = 'array' THEN ${column} ELSE '[]'::jsonb END)`;
  if (op.__op === 'Add') return `${current} || ${items}`;
  if (op.__op === 'Remove') {
    return `(SELECT COALESCE(jsonb_agg(e ORDER BY i), '[]'::jsonb) FROM jsonb_array_elements(${current}) WITH ORDINALITY AS a(e, i) WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(${items}) r WHERE r = e))`;
  }
  // AddUnique: the new items not already present, each once, in the order first given.
  return `${current} || (SELECT COALESCE(jsonb_agg(e ORDER BY i), '[]'::jsonb) FROM (SELECT DISTINCT ON (e) e, i FROM jsonb_array_elements(${items}) WITH ORDINALITY AS n(e, i) WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(${current}) c WHERE c = e) ORDER BY e, i) u)`;
}
