import { errors, ErrorCode, ParseError } from '../errors/index.ts';
import type { FieldDef } from '../schema/index.ts';
import { checkKey, type AtomicOp, type NestedChange, type NestedEdit, type ValueOp } from '../query/index.ts';
import { MAX_JSON_DEPTH, checkJsonValue, normalizeForWrite } from './encode.ts';

/*
 * Parse's atomic operations in writes (`{__op: "Increment", amount}`, Add, AddUnique, Remove,
 * and Delete, which is an unset), and its dotted keys (`"meta.a.b"`: a change inside an Object
 * field): checked here, applied in SQL by query/sql/atomic.ts — or, where there is no stored
 * value to apply them to (a create), here, by the same rules.
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
  if (op === 'Increment' && field.type !== 'Number') throw errors.incorrectType(`Cannot increment ${name}: it is not a Number field`);
  if (ARRAY_OPS.has(op) && field.type !== 'Array') throw errors.incorrectType(`Cannot ${op} on ${name}: it is not an Array field`);
  return valueOp(name, value);
}

/** An Increment (a finite amount, 1 by default) or an array operation (its objects checked as an Array field's value). */
function valueOp(name: string, value: { __op: unknown } & Record<string, unknown>): ValueOp {
  const op = value.__op as string;
  if (op === 'Increment') {
    const amount = value.amount ?? 1;
    if (typeof amount !== 'number' || !Number.isFinite(amount)) throw errors.incorrectType(`Increment of ${name} needs a finite number amount`);
    return { __op: 'Increment', amount };
  }
  if (ARRAY_OPS.has(op)) {
    const objects = normalizeForWrite(name, { type: 'Array' }, value.objects);
    if (!Array.isArray(objects)) throw errors.incorrectType(`${op} on ${name} needs a list of objects`);
    return { __op: op as 'Add', objects };
  }
  throw errors.invalidJson(`Unknown operation ${JSON.stringify(op)} on ${name}`);
}

/** Segments Parse's default `requestKeywordDenylist` refuses in request data. */
const PROHIBITED_KEYS = new Set(['__proto__', 'constructor']);

/**
 * A dotted key's path inside its Object field and what it does there, checked as Parse does:
 * no empty segment (105), no `$` (121), none of its prohibited keywords (105), keys the
 * database can store (111); the value a storable JSON value within the nesting limit, or
 * Increment / Add / AddUnique / Remove / Delete.
 */
export function parseNestedEdit(key: string, path: string[], value: unknown): NestedEdit {
  if (path.length === 0 || path.includes('')) throw errors.invalidFieldName(key);
  if (path.length >= MAX_JSON_DEPTH) throw errors.invalidJson(`Key ${key} is nested too deeply (more than ${MAX_JSON_DEPTH} levels)`);
  for (const segment of path) {
    if (segment.includes('$')) throw new ParseError(ErrorCode.INVALID_NESTED_KEY, "Nested keys should not contain the '$' or '.' characters");
    if (PROHIBITED_KEYS.has(segment))
      throw new ParseError(ErrorCode.INVALID_KEY_NAME, `Prohibited keyword in request data: ${JSON.stringify({ key: segment })}.`);
    checkKey(segment, key);
  }
  let change: NestedChange;
  if (!isOperation(value)) change = { __op: 'Set', value: checkJsonValue(key, value, path.length) };
  else if (value.__op === 'Delete') change = { __op: 'Delete' };
  else change = valueOp(key, value as { __op: unknown } & Record<string, unknown>);
  return { path, change };
}

/**
 * Refuses dotted keys of one field where one leads through another (`meta.a` and `meta.a.b`,
 * 105): what they do would depend on their order, which JSON does not keep. Apart, each
 * changes its own place, and the database applies them in one pass (query/sql/atomic.ts).
 */
export function checkDisjoint(field: string, edits: readonly NestedEdit[]): void {
  const at = new Map<string, string>();
  const through = new Map<string, string>();
  const name = (path: readonly string[]) => [field, ...path].join('.');
  // NUL joins the keys: checkKey refuses it inside one.
  for (const { path } of edits) {
    const whole = path.join('\u0000');
    const clash =
      through.get(whole) ??
      path
        .slice(0, -1)
        .map((_, i) => at.get(path.slice(0, i + 1).join('\u0000')))
        .find((k) => k !== undefined);
    if (clash !== undefined)
      throw new ParseError(ErrorCode.INVALID_KEY_NAME, `Keys ${clash} and ${name(path)} overlap: one write cannot change a value and what is inside it`);
    at.set(whole, name(path));
    for (let i = 1; i < path.length; i++) through.set(path.slice(0, i).join('\u0000'), name(path));
  }
}

export function isAtomicOp(value: unknown): value is AtomicOp {
  return isOperation(value) && value.__op !== 'Delete';
}

/** The value an operation leaves in a field that had none (a create, or an unset field). */
export function valueFromNothing(op: AtomicOp): unknown {
  return op.__op === 'Nested' ? applyNested(null, op.edits) : applyValueOp(undefined, op);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * An Object field's value with dotted-key edits applied (their paths apart: checkDisjoint), by
 * the rules atomicSql applies them in the database: a level that is not an object becomes one
 * where something is set under it, a removal leaves what it does not find. Copies what it
 * changes; `null` stays null when nothing is set.
 */
export function applyNested(value: unknown, edits: readonly NestedEdit[]): unknown {
  return edits.reduce((current, { path, change }) => (change.__op === 'Delete' ? removeAt(current, path) : setAt(current, path, change)), value);
}

function ownValue(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A copy of an object (own keys as data properties, so that `__proto__` stays a key). */
function copyOf(value: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) put(copy, k, v);
  return copy;
}

function put(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

function setAt(current: unknown, path: readonly string[], change: Exclude<NestedChange, { __op: 'Delete' }>): Record<string, unknown> {
  const out = isPlainObject(current) ? copyOf(current) : {};
  const [key, ...rest] = path;
  const here = ownValue(out, key);
  put(out, key, rest.length ? setAt(here, rest, change) : change.__op === 'Set' ? change.value : applyValueOp(here, change));
  return out;
}

function removeAt(current: unknown, path: readonly string[]): unknown {
  if (!isPlainObject(current)) return current;
  const [key, ...rest] = path;
  const here = ownValue(current, key);
  if (rest.length && !isPlainObject(here)) return current;
  const out = copyOf(current);
  if (rest.length) put(out, key, removeAt(here, rest));
  else delete out[key];
  return out;
}

/** An Increment or array operation over a current value: what is not a number counts as 0, what is not an array as []. */
function applyValueOp(current: unknown, op: ValueOp): unknown {
  if (op.__op === 'Increment') return (typeof current === 'number' ? current : 0) + op.amount;
  const items = Array.isArray(current) ? current : [];
  if (op.__op === 'Add') return [...items, ...op.objects];
  const present = new Set(items.map(stableJson));
  if (op.__op === 'Remove') {
    const removed = new Set(op.objects.map(stableJson));
    return items.filter((item) => !removed.has(stableJson(item)));
  }
  const added = op.objects.filter((item) => {
    const key = stableJson(item);
    if (present.has(key)) return false;
    present.add(key);
    return true;
  });
  return [...items, ...added];
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
