import type { Params } from '../../db/index.ts';

/** An operation on one value: Increment on a number, Add / AddUnique / Remove on an array. */
export type ValueOp = { __op: 'Increment'; amount: number } | { __op: 'Add' | 'AddUnique' | 'Remove'; objects: unknown[] };

/** What a dotted key does at its path inside an Object field: set a value, apply an operation, or remove the key. */
export type NestedChange = ValueOp | { __op: 'Set'; value: unknown } | { __op: 'Delete' };

/** One change at a key path inside an Object field (`"meta.a.b"` is the path ["a", "b"] of `meta`). */
export interface NestedEdit {
  path: string[];
  change: NestedChange;
}

/**
 * Parse's atomic operations on a field, applied by the database in the write's own statement
 * (so that two concurrent increments both count): Increment on a Number, Add / AddUnique /
 * Remove on an Array, and `Nested` — Parse's dotted keys — the changes inside an Object field,
 * applied in order.
 */
export type AtomicOp = ValueOp | { __op: 'Nested'; edits: NestedEdit[] };

/**
 * The SQL expression an UPDATE sets `column` to for an operation, over the row's current value.
 * Array elements compare with jsonb `=` (whole values; `@>` would match a part), and a value
 * that is not an array counts as an empty one.
 */
export function atomicSql(op: AtomicOp, column: string, params: Params): string {
  if (op.__op === 'Nested') return nestedSql(op.edits, column, params);
  if (op.__op === 'Increment') return `COALESCE(${column}, 0) + ${params.add(op.amount)}::float8`;
  return arraySql(op, column, params);
}

function arraySql(op: Extract<ValueOp, { objects: unknown[] }>, column: string, params: Params): string {
  const items = `${params.add(JSON.stringify(op.objects))}::jsonb`;
  const current = `(CASE WHEN jsonb_typeof(${column}) = 'array' THEN ${column} ELSE '[]'::jsonb END)`;
  if (op.__op === 'Add') return `${current} || ${items}`;
  if (op.__op === 'Remove') {
    return `(SELECT COALESCE(jsonb_agg(e ORDER BY i), '[]'::jsonb) FROM jsonb_array_elements(${current}) WITH ORDINALITY AS a(e, i) WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(${items}) r WHERE r = e))`;
  }
  // AddUnique: the new items not already present, each once, in the order first given.
  return `${current} || (SELECT COALESCE(jsonb_agg(e ORDER BY i), '[]'::jsonb) FROM (SELECT DISTINCT ON (e) e, i FROM jsonb_array_elements(${items}) WITH ORDINALITY AS n(e, i) WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(${current}) c WHERE c = e) ORDER BY e, i) u)`;
}

/*
 * A dotted key's change as SQL over the jsonb value `current`, one level of the path at a time.
 * Each level binds the value it works on once, in a one-row subquery (`current` may be a long
 * expression: the edits before it) that OFFSET 0 keeps the planner from inlining — inlined,
 * every reference would copy it, and the statement would grow exponentially with the edits —
 * under aliases numbered by the key's parameter so that no level sees another's. The same rules as applyNested (core/atomic.ts), which computes a
 * create's value in memory.
 */

/**
 * The edits one after the other. Nested in one another, many edits would make a statement too
 * deep for the parser: past the first, a recursive query applies edit i to the value edit i-1
 * left, so the nesting is that of the deepest path alone.
 */
function nestedSql(edits: readonly NestedEdit[], column: string, params: Params): string {
  if (edits.length === 1) return nestedEditSql(edits[0], column, params);
  const steps = `e${params.values.length}`;
  const cases = edits.map((edit, i) => `WHEN ${i} THEN ${nestedEditSql(edit, 'v', params)}`).join(' ');
  return `(WITH RECURSIVE ${steps}(i, v) AS (SELECT 0, ${column} UNION ALL SELECT i + 1, CASE i ${cases} END FROM ${steps} WHERE i < ${edits.length}) SELECT v FROM ${steps} WHERE i = ${edits.length})`;
}

function nestedEditSql(edit: NestedEdit, current: string, params: Params): string {
  return edit.change.__op === 'Delete' ? removeAt(current, edit.path, params) : setAt(current, edit.path, edit.change, params);
}

/**
 * `current` with the value at `path` replaced by what `change` makes of it. A level that is not
 * an object (missing, NULL, a scalar, an array) becomes one, as Parse makes `{}` of a missing
 * Object field; an Increment of what is not a number counts from 0.
 */
function setAt(current: string, path: readonly string[], change: Exclude<NestedChange, { __op: 'Delete' }>, params: Params): string {
  const key = `${params.add(path[0])}::text`;
  const n = params.values.length;
  const here = `o${n} -> ${key}`;
  let value: string;
  if (path.length > 1) value = setAt(here, path.slice(1), change, params);
  else if (change.__op === 'Set') value = `${params.add(JSON.stringify(change.value))}::jsonb`;
  else if (change.__op === 'Increment')
    value = `to_jsonb((CASE WHEN jsonb_typeof(${here}) = 'number' THEN (${here})::float8 ELSE 0 END) + ${params.add(change.amount)}::float8)`;
  else value = arraySql(change, `(${here})`, params);
  return `(SELECT o${n} || jsonb_build_object(${key}, ${value}) FROM (SELECT CASE WHEN jsonb_typeof(v${n}) = 'object' THEN v${n} ELSE '{}'::jsonb END AS o${n} FROM (SELECT ${current} AS v${n} OFFSET 0) r${n}) s${n})`;
}

/** `current` without the key at `path`; unchanged where the path does not lead through objects to it. */
function removeAt(current: string, path: readonly string[], params: Params): string {
  const key = `${params.add(path[0])}::text`;
  const n = params.values.length;
  const body =
    path.length > 1
      ? `CASE WHEN jsonb_typeof(v${n} -> ${key}) = 'object' THEN v${n} || jsonb_build_object(${key}, ${removeAt(`v${n} -> ${key}`, path.slice(1), params)}) ELSE v${n} END`
      : `CASE WHEN jsonb_typeof(v${n}) = 'object' THEN v${n} - ${key} ELSE v${n} END`;
  return `(SELECT ${body} FROM (SELECT ${current} AS v${n} OFFSET 0) r${n})`;
}
