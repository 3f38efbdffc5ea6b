import { CLASS, INCLUDED, type ParseObject, type WriteInput } from '../../core/index.ts';
import { errors } from '../../errors/index.ts';
import type { FieldDef } from '../../schema/index.ts';
import { toIsoDate } from '../../query/index.ts';
import { CloudAcl } from './acl.ts';
import type { CloudObjectImpl } from './cloud-object.ts';
import { encodeJson, fieldsJson } from './json.ts';
import type { FieldChange } from './ops.ts';
import { isPlainObject, setOwn } from './records.ts';
import { CloudFileValue, isCloudObject, polygonPoints, STATE } from './values.ts';

/*
 * A CloudObject written out: as Parse's JSON (toJSON), as the core's write input (its unsaved
 * changes), and as the core's ParseObject (its current values).
 */

const OP_NAMES = { add: 'Add', addUnique: 'AddUnique', remove: 'Remove' } as const;

/** Parse's toJSON: current values Parse-encoded, pending operations as their `{__op}` JSON. */
export function objectToJSON(obj: CloudObjectImpl): Record<string, unknown> {
  const json = fieldsJson(obj);
  for (const [key, change] of obj[STATE].changes) {
    const op = changeJson(change);
    if (op !== undefined) setOwn(json, key, op);
  }
  return json;
}

function changeJson(change: FieldChange): unknown {
  switch (change.op) {
    case 'set':
      return undefined;
    case 'unset':
      return { __op: 'Delete' };
    case 'increment':
      return { __op: 'Increment', amount: change.amount };
    case 'relation': {
      const add = change.input.add?.length ? { __op: 'AddRelation', objects: change.input.add } : undefined;
      const remove = change.input.remove?.length ? { __op: 'RemoveRelation', objects: change.input.remove } : undefined;
      return add && remove ? { __op: 'Batch', ops: [add, remove] } : (add ?? remove);
    }
    default:
      return { __op: OP_NAMES[change.op], objects: encodeJson(change.items, { forcePointers: true }) };
  }
}

/**
 * The unsaved changes in the core's natural form: what a save of this object writes. Unsets
 * are null; atomic operations `{__op, amount | objects}`; relation inputs as given; a pointer
 * to an unsaved object `{create: …}` (created in the same transaction).
 */
export function toWriteInput(obj: CloudObjectImpl): WriteInput {
  const state = obj[STATE];
  const out: WriteInput = {};
  for (const key of state.dirtyKeys()) {
    const change = state.changes.get(key);
    const field = state.field(key);
    const value = change ? changeInput(field, key, change) : naturalValue(field, state.server.get(key), key, 'write');
    if (value !== undefined) setOwn(out, key, value);
  }
  return out;
}

function changeInput(field: FieldDef | undefined, key: string, change: FieldChange): unknown {
  switch (change.op) {
    case 'set':
      return naturalValue(field, change.value, key, 'write');
    case 'unset':
      return null;
    case 'increment':
      return { __op: 'Increment', amount: change.amount };
    case 'relation':
      return change.input;
    default:
      return { __op: OP_NAMES[change.op], objects: encodeJson(change.items, { forcePointers: true }) };
  }
}

/**
 * The object's current values as the core's ParseObject (the CLASS symbol set; pointer targets
 * that carry data under INCLUDED). Relations and pointers to unsaved objects are left out.
 */
export function toStored(obj: CloudObjectImpl, ancestors: CloudObjectImpl[] = []): ParseObject {
  const state = obj[STATE];
  const out = { [CLASS]: obj.className } as ParseObject;
  if (obj.id !== undefined) out.objectId = obj.id;
  if (state.created) out.createdAt = state.created.toISOString();
  if (state.updated) out.updatedAt = state.updated.toISOString();
  const included: Record<string, ParseObject | null> = {};
  for (const key of state.keys()) {
    const field = state.field(key);
    const value = state.current(key);
    const target = value as CloudObjectImpl;
    if (field?.type === 'Pointer' && isCloudObject(value) && target.id !== undefined && target[STATE].hasData() && !ancestors.includes(target)) {
      setOwn(included, key, toStored(target, [...ancestors, obj]));
    }
    const natural = naturalValue(field, value, key, 'stored');
    if (natural !== undefined) setOwn(out, key, natural);
  }
  if (Object.keys(included).length > 0) out[INCLUDED] = included;
  return out;
}

/** A field's value in the core's natural form (see core/object.ts); undefined when it has none to give. */
function naturalValue(field: FieldDef | undefined, value: unknown, key: string, purpose: 'write' | 'stored'): unknown {
  if (value === undefined || value === null) return value === null ? null : undefined;
  if (!field) return key === 'ACL' && value instanceof CloudAcl ? value.toJSON() : encodeJson(value, { forcePointers: true });
  switch (field.type) {
    case 'Date':
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw errors.incorrectType(`Invalid value for field ${key}: an invalid Date`);
        return value.toISOString();
      }
      return toIsoDate(value, key);
    case 'Pointer':
      if (!isCloudObject(value)) return value;
      if (value.id !== undefined) return value.id;
      return purpose === 'write' ? { create: toWriteInput(value as CloudObjectImpl) } : undefined;
    case 'File':
      if (value instanceof CloudFileValue) return value.name();
      return isPlainObject(value) && typeof value.name === 'string' ? value.name : value;
    case 'GeoPoint': {
      const { latitude, longitude } = value as { latitude: number; longitude: number };
      return { latitude, longitude };
    }
    case 'Polygon':
      return polygonPoints(value, key);
    case 'Bytes':
      return isPlainObject(value) && typeof value.base64 === 'string' ? value.base64 : value;
    case 'ACL':
      return value instanceof CloudAcl ? value.toJSON() : value;
    case 'Relation':
      return undefined;
    case 'Object':
    case 'Array':
      return encodeJson(value, { forcePointers: true });
    default:
      return value;
  }
}
