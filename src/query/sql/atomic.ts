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
 * at paths none of which leads through another.
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
 * Dotted keys as SQL over the stored jsonb value. Their paths never overlap (core refuses one
 * that leads through another), so the order they come in does not matter, and they are
 * applied in one pass over the tree of their paths: each level of the value is rebuilt once,
 * with every change under it, so the statement nests only as deep as the deepest path (chained
 * one after the other, many keys would nest too deep for the parser; and PostgreSQL does not
 * re-evaluate a WITH query when a concurrent update makes it recheck the row, which would lose
 * increments). Each level binds the value it works on once, in a one-row subquery that OFFSET 0
 * keeps the planner from inlining (inlined, every reference would copy it), under aliases of
 * its own. The rules are those of applyNested (core/atomic.ts), which computes a create's value
 * in memory: a level that is not an object (missing, NULL, a scalar, an array) becomes one where
 * something is set under it, as Parse makes `{}` of a missing Object field; a removal leaves
 * what it does not find; an Increment of what is not a number counts from 0.
 */

/** The changes under one level of an Object value: at its keys, and deeper. */
interface EditTree {
  at: Map<string, NestedChange>;
  under: Map<string, EditTree>;
}

function treeOf(edits: readonly NestedEdit[]): EditTree {
  const root: EditTree = { at: new Map(), under: new Map() };
  for (const { path, change } of edits) {
    let node = root;
    for (const key of path.slice(0, -1)) {
      let next = node.under.get(key);
      if (!next) node.under.set(key, (next = { at: new Map(), under: new Map() }));
      node = next;
    }
    node.at.set(path[path.length - 1], change);
  }
  return root;
}

/** Whether a level sets something (and so becomes an object if it is none), rather than only removes. */
function sets(tree: EditTree): boolean {
  return [...tree.at.values()].some((c) => c.__op !== 'Delete') || [...tree.under.values()].some(sets);
}

/** jsonb_build_object takes at most 100 arguments: pairs in groups of 50. */
function objectOf(pairs: string[]): string[] {
  const groups: string[] = [];
  for (let i = 0; i < pairs.length; i += 50) groups.push(`jsonb_build_object(${pairs.slice(i, i + 50).join(', ')})`);
  return groups;
}

function nestedSql(edits: readonly NestedEdit[], column: string, params: Params): string {
  let aliases = 0;
  const nextAlias = () => ++aliases;

  /** Keys removed at this level, then what is kept of the levels under it that only remove. */
  const removals = (tree: EditTree, value: string): string[] => {
    const removed = [...tree.at].filter(([, c]) => c.__op === 'Delete').map(([k]) => k);
    const parts = removed.length ? [`(${value} - ${params.add(removed)}::text[])`] : [value];
    for (const [key, child] of tree.under) {
      if (sets(child)) continue;
      const k = `${params.add(key)}::text`;
      parts.push(
        `(CASE WHEN jsonb_typeof(${value} -> ${k}) = 'object' THEN jsonb_build_object(${k}, ${removeIn(child, `${value} -> ${k}`)}) ELSE '{}'::jsonb END)`,
      );
    }
    return parts;
  };

  const removeIn = (tree: EditTree, current: string): string => {
    const n = nextAlias();
    const v = `v${n}`;
    return `(SELECT CASE WHEN jsonb_typeof(${v}) = 'object' THEN ${removals(tree, v).join(' || ')} ELSE ${v} END FROM (SELECT ${current} AS ${v} OFFSET 0) r${n})`;
  };

  const buildIn = (tree: EditTree, current: string): string => {
    const n = nextAlias();
    const o = `o${n}`;
    const pairs: string[] = [];
    for (const [key, change] of tree.at) {
      if (change.__op === 'Delete') continue;
      const k = `${params.add(key)}::text`;
      pairs.push(`${k}, ${leafSql(change, `${o} -> ${k}`, params)}`);
    }
    for (const [key, child] of tree.under) {
      if (!sets(child)) continue;
      const k = `${params.add(key)}::text`;
      pairs.push(`${k}, ${buildIn(child, `${o} -> ${k}`)}`);
    }
    const value = [...removals(tree, o), ...objectOf(pairs)].join(' || ');
    return `(SELECT ${value} FROM (SELECT CASE WHEN jsonb_typeof(v${n}) = 'object' THEN v${n} ELSE '{}'::jsonb END AS ${o} FROM (SELECT ${current} AS v${n} OFFSET 0) r${n}) s${n})`;
  };

  const tree = treeOf(edits);
  return sets(tree) ? buildIn(tree, column) : removeIn(tree, column);
}

/** The value a set or an operation leaves at a key whose current value is `here`. */
function leafSql(change: Exclude<NestedChange, { __op: 'Delete' }>, here: string, params: Params): string {
  if (change.__op === 'Set') return `${params.add(JSON.stringify(change.value))}::jsonb`;
  if (change.__op === 'Increment')
    return `to_jsonb((CASE WHEN jsonb_typeof(${here}) = 'number' THEN (${here})::float8 ELSE 0 END) + ${params.add(change.amount)}::float8)`;
  return arraySql(change, `(${here})`, params);
}
