import { errors } from '../errors/index.ts';
import type { FieldDef } from '../schema/index.ts';
import type { AtomicOp } from '../query/index.ts';
import { normalizeForWrite } from './encode.ts';

/*
 * Parse's atomic operations in writes (`{__op: "Increment", amount}`, Add, AddUnique, Remove,
 * and Delete, which is an unset): checked here, applied in SQL by query/sql/atomic.ts.
 */

const ARRAY_OPS = new Set(['Add', 'AddUnique', 'Remove']);

/** Whether a write value is an operation (`{__op: …}`) rather than a value. */
export function isOperation(value: unknown): value is { __op: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { __op?: unknown }).__op === 'string';
}

/** Checks an operation against its field; `Delete` becomes null (an unset). 111 for a wrong type, 107 for an unknown op. */
export function parseOperation(name: string, field: FieldDef, value: { __op: unknown } & Record<string, unknown>): AtomicOp | null {
  const op = value.__op as string;
  if (op === 'Delete') return null;
  if (op === 'Increment') {
    if (field.type !== 'Number') throw errors.incorrectType(`Cannot increment ${name}: it is not a Number field`);
    const amount = value.amount ?? 1;
    if (typeof amount !== 'number' || !Number.isFinite(amount)) throw errors.incorrectType(`Increment of ${name} needs a finite number amount`);
    return { __op: 'Increment', amount };
  }
  if (ARRAY_OPS.has(op)) {
    if (field.type !== 'Array') throw errors.incorrectType(`Cannot ${op} on ${name}: it is not an Array field`);
    const objects = normalizeForWrite(name, field, value.objects);
    if (!Array.isArray(objects)) throw errors.incorrectType(`${op} on ${name} needs a list of objects`);
    return { __op: op as 'Add', objects };
  }
  throw errors.invalidJson(`Unknown operation ${JSON.stringify(op)} on ${name}`);
}

export function isAtomicOp(value: unknown): value is AtomicOp {
  return isOperation(value) && value.__op !== 'Delete';
}

/** The value an operation leaves in a field that had none (a create, or an unset field). */
export function valueFromNothing(op: AtomicOp): unknown {
  switch (op.__op) {
    case 'Increment':
      return op.amount;
    case 'Add':
      return op.objects;
    case 'AddUnique':
      return uniqueByJson(op.objects);
    case 'Remove':
      return [];
  }
}

function uniqueByJson(items: unknown[]): unknown[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = stableJson(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** JSON with object keys sorted, so that equal values (as jsonb compares them) give equal text. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => JSON.stringify(k) + ':' + stableJson(v)).join(',')}}`;
  }
  return JSON.stringify(value);
}
