import { ErrorCode, ParseError, errors } from '../../errors/index.ts';
import type { RelationInput } from '../../core/index.ts';
import { CloudAcl } from './acl.ts';
import { toSdkValue } from './field-values.ts';
import { decodeJson } from './json.ts';
import type { FieldChange } from './ops.ts';
import { DANGEROUS_KEYS, isPlainObject, own, setOwn } from './records.ts';
import type { ObjectState } from './state.ts';
import { CloudRelationRef, isCloudObject } from './values.ts';

/*
 * What a set() call or a write input asks for, as a FieldChange: the values checked against
 * the field's type, Parse's `{__op: …}` operations understood.
 */

/** Parse's SDK rule for a key in set() (dots address keys inside an Object field). */
const KEY = /^[A-Za-z_][0-9A-Za-z_]*$/;

export type PlannedSet = { kind: 'skip' } | { kind: 'id'; id: string } | { kind: 'change'; key: string; change: FieldChange };

function invalidKey(key: string): never {
  throw new ParseError(ErrorCode.INVALID_KEY_NAME, `Invalid key name: ${key}`);
}

/** What set(key, value) does: ignore createdAt/updatedAt, take objectId/id as the id, else change the field. */
export function planSet(state: ObjectState, key: unknown, value: unknown): PlannedSet {
  if (typeof key !== 'string') throw new ParseError(ErrorCode.INVALID_KEY_NAME, 'A key must be a string');
  if (key === 'createdAt' || key === 'updatedAt') return { kind: 'skip' };
  if (key === 'objectId' || key === 'id') return typeof value === 'string' ? { kind: 'id', id: value } : { kind: 'skip' };
  if (key.includes('.')) return { kind: 'change', key: key.slice(0, key.indexOf('.')), change: nestedSet(state, key, value) };
  if (!KEY.test(key)) invalidKey(key);
  if (value === undefined) return { kind: 'change', key, change: { op: 'unset' } };
  if (value === null) return { kind: 'change', key, change: { op: 'set', value: null } };
  if (isPlainObject(value) && typeof value.__op === 'string') return { kind: 'change', key, change: changeFromOp(state, key, value) };
  const field = state.field(key);
  if (field?.type === 'Relation') {
    if (value instanceof CloudRelationRef) return { kind: 'skip' };
    return { kind: 'change', key, change: relationChange(key, value) };
  }
  if (key === 'ACL')
    return { kind: 'change', key, change: { op: 'set', value: value instanceof CloudAcl ? value : new CloudAcl(value as Record<string, never>) } };
  return { kind: 'change', key, change: { op: 'set', value: toSdkValue(field, value, key, state.env, false) } };
}

/** The change one key of a core write input makes (natural values; null unsets). */
export function inputChange(state: ObjectState, key: string, value: unknown): FieldChange {
  if (value === null) return { op: 'unset' };
  if (isPlainObject(value) && typeof value.__op === 'string') return changeFromOp(state, key, value);
  const field = state.field(key);
  if (field?.type === 'Relation' && isPlainObject(value)) return { op: 'relation', input: value as RelationInput };
  if (key === 'ACL' && !field) return { op: 'set', value: new CloudAcl(value as Record<string, never>) };
  return { op: 'set', value: toSdkValue(field, value, key, state.env, true) };
}

/** `a.b.c`: a copy of the Object field `a` with `b.c` set (undefined removes it). */
function nestedSet(state: ObjectState, key: string, value: unknown): FieldChange {
  const [base, ...path] = key.split('.');
  if (!KEY.test(base) || path.some((p) => p === '' || DANGEROUS_KEYS.has(p))) invalidKey(key);
  const field = state.field(base);
  if (field && field.type !== 'Object') throw errors.incorrectType(`Cannot set ${key}: ${base} is not an Object field`);
  const copy = (v: unknown) => {
    const out: Record<string, unknown> = {};
    if (isPlainObject(v)) for (const [k, inner] of Object.entries(v)) setOwn(out, k, inner);
    return out;
  };
  const root = copy(state.current(base));
  let node = root;
  for (const part of path.slice(0, -1)) {
    const next = copy(own(node, part));
    setOwn(node, part, next);
    node = next;
  }
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else setOwn(node, last, value);
  return { op: 'set', value: root };
}

/** increment / decrement: a finite amount on a Number field. */
export function incrementChange(state: ObjectState, key: string, amount: unknown): FieldChange {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) throw errors.incorrectType(`Cannot increment ${key} by a non-numeric amount`);
  const field = state.field(key);
  if (field && field.type !== 'Number') throw errors.incorrectType(`Cannot increment ${key}: it is not a Number field`);
  return { op: 'increment', amount };
}

/** add / addUnique / remove: items for an Array field. */
export function arrayChange(state: ObjectState, key: string, op: 'add' | 'addUnique' | 'remove', items: unknown): FieldChange {
  if (!Array.isArray(items)) throw errors.incorrectType(`${op} on ${key} needs a list of items`);
  const field = state.field(key);
  if (field && field.type !== 'Array') throw errors.incorrectType(`Cannot ${op} on ${key}: it is not an Array field`);
  return { op, items };
}

const ARRAY_OPS: Record<string, 'add' | 'addUnique' | 'remove'> = Object.assign(Object.create(null), { Add: 'add', AddUnique: 'addUnique', Remove: 'remove' });

/** Parse's operation JSON (`{__op: 'Increment', amount}`, Add, AddUnique, Remove, Delete, AddRelation, RemoveRelation, Batch). */
function changeFromOp(state: ObjectState, key: string, json: Record<string, unknown>): FieldChange {
  const op = json.__op as string;
  if (op === 'Delete') return { op: 'unset' };
  if (op === 'Increment') return incrementChange(state, key, json.amount ?? 1);
  if (ARRAY_OPS[op]) return arrayChange(state, key, ARRAY_OPS[op], Array.isArray(json.objects) ? decodeJson(json.objects, state.env) : json.objects);
  if (op === 'AddRelation' || op === 'RemoveRelation' || op === 'Batch') {
    const field = state.field(key);
    if (field && field.type !== 'Relation') throw errors.incorrectType(`Cannot ${op} on ${key}: it is not a Relation field`);
    const ops = op === 'Batch' ? (Array.isArray(json.ops) ? json.ops : []) : [json];
    const input: RelationInput = { add: [], remove: [] };
    for (const o of ops) {
      if (!isPlainObject(o) || !Array.isArray(o.objects)) throw errors.invalidJson(`${op} on ${key} needs a list of objects`);
      const ids = o.objects.map((p) => relatedId(key, p));
      if (o.__op === 'AddRelation') input.add!.push(...ids);
      else if (o.__op === 'RemoveRelation') input.remove!.push(...ids);
      else throw errors.invalidJson(`Unknown operation ${JSON.stringify(o.__op)} in a Batch on ${key}`);
    }
    return { op: 'relation', input };
  }
  throw errors.invalidJson(`Unknown operation ${JSON.stringify(op)} on ${key}`);
}

function relatedId(key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (isCloudObject(value) && value.id !== undefined) return value.id;
  if (isPlainObject(value) && typeof value.objectId === 'string') return value.objectId;
  throw errors.invalidPointer(`Relation ${key} needs saved objects (with an objectId)`);
}

/** A Relation field set with `{add, remove, create}` (the core's relation input). */
function relationChange(key: string, value: unknown): FieldChange {
  if (!isPlainObject(value)) throw errors.incorrectType(`Invalid value for field ${key}: expected relation changes {add, remove}`);
  const ids = (list: unknown) => (Array.isArray(list) ? list.map((v) => relatedId(key, v)) : undefined);
  const input: RelationInput = { add: ids(value.add), remove: ids(value.remove) };
  if (Array.isArray(value.create)) input.create = value.create as RelationInput['create'];
  return { op: 'relation', input };
}
