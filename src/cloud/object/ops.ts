import { errors } from '../../errors/index.ts';
import type { RelationInput } from '../../core/index.ts';
import { isCloudObject } from './values.ts';

/**
 * A change to one field not yet saved, as Parse's SDK keeps it (its Ops): a new value, an
 * unset, or an atomic operation the database applies (increment, array add/remove), or
 * relation changes passed on to the core as given.
 */
export type FieldChange =
  | { op: 'set'; value: unknown }
  | { op: 'unset' }
  | { op: 'increment'; amount: number }
  | { op: 'add' | 'addUnique' | 'remove'; items: unknown[] }
  | { op: 'relation'; input: RelationInput };

/** Whether two array elements are the same: objects by class and id, other values by their JSON. */
export function sameElement(a: unknown, b: unknown, json: (v: unknown) => string): boolean {
  if (a === b) return true;
  if (isCloudObject(a) || isCloudObject(b)) return isCloudObject(a) && isCloudObject(b) && a.className === b.className && a.id !== undefined && a.id === b.id;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return json(a) === json(b);
}

function unique(items: unknown[], json: (v: unknown) => string): unknown[] {
  const out: unknown[] = [];
  for (const item of items) if (!out.some((o) => sameElement(o, item, json))) out.push(item);
  return out;
}

/**
 * The value a field has once `change` is applied to `current` (Parse's estimate: what get()
 * returns before the save). 111 when the operation does not fit the value.
 */
export function applyChange(key: string, current: unknown, change: FieldChange, json: (v: unknown) => string): unknown {
  switch (change.op) {
    case 'set':
      return change.value;
    case 'unset':
    case 'relation':
      return undefined;
    case 'increment':
      if (current === undefined || current === null) return change.amount;
      if (typeof current !== 'number') throw errors.incorrectType(`Cannot increment ${key}: its value is not a number`);
      return current + change.amount;
    default: {
      if (current !== undefined && current !== null && !Array.isArray(current))
        throw errors.incorrectType(`Cannot ${change.op} on ${key}: its value is not an array`);
      const list = (current as unknown[] | null | undefined) ?? [];
      if (change.op === 'add') return [...list, ...change.items];
      if (change.op === 'addUnique') return [...list, ...unique(change.items, json).filter((i) => !list.some((v) => sameElement(v, i, json)))];
      return list.filter((v) => !change.items.some((i) => sameElement(v, i, json)));
    }
  }
}

/**
 * Combines a new change with the one pending on the same field, as Parse's Ops merge: a set
 * or unset replaces; an increment or array operation after a set becomes a set of the result;
 * operations of one kind accumulate. Mixing kinds that cannot combine is 111.
 */
export function mergeChange(key: string, previous: FieldChange | undefined, next: FieldChange, json: (v: unknown) => string): FieldChange {
  if (!previous || next.op === 'set' || next.op === 'unset') return next;
  if (next.op === 'relation') {
    if (previous.op !== 'relation') return next;
    const add = [...new Set([...(previous.input.add ?? []).filter((id) => !next.input.remove?.includes(id)), ...(next.input.add ?? [])])];
    const remove = [...new Set([...(previous.input.remove ?? []).filter((id) => !next.input.add?.includes(id)), ...(next.input.remove ?? [])])];
    const create = [...(previous.input.create ?? []), ...(next.input.create ?? [])];
    return { op: 'relation', input: { add, remove, ...(create.length ? { create } : {}) } };
  }
  if (previous.op === 'set') return { op: 'set', value: applyChange(key, previous.value, next, json) };
  if (previous.op === 'unset') return next.op === 'remove' ? previous : { op: 'set', value: applyChange(key, undefined, next, json) };
  if (next.op === 'increment' && previous.op === 'increment') return { op: 'increment', amount: previous.amount + next.amount };
  if ((next.op === 'add' || next.op === 'addUnique') && previous.op === next.op) {
    return { op: next.op, items: next.op === 'add' ? [...previous.items, ...next.items] : unique([...previous.items, ...next.items], json) };
  }
  if (next.op === 'remove' && previous.op === 'remove') return { op: 'remove', items: unique([...previous.items, ...next.items], json) };
  throw errors.incorrectType(`Cannot ${next.op} ${key} after ${previous.op} before saving`);
}
