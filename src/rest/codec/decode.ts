import { errors, ErrorCode, ParseError } from '../../errors/index.ts';
import type { RelationInput, WriteInput } from '../../core/index.ts';
import type { ClassDef, FieldDef, FieldType } from '../../schema/index.ts';

/** Fields a client never writes: the server sets them. */
const SERVER_FIELDS = new Set(['objectId', 'createdAt', 'updatedAt']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The type a field gets from the first value written to it, as Parse Server infers it (schema on
 * write); undefined for a value that says nothing (null, Delete, an empty Add). 111 for a
 * value no field can hold.
 */
export function inferFieldType(key: string, value: unknown): FieldDef | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return { type: 'String' };
  if (typeof value === 'number') return { type: 'Number' };
  if (typeof value === 'boolean') return { type: 'Boolean' };
  if (Array.isArray(value)) return { type: 'Array' };
  if (!isRecord(value)) throw errors.incorrectType(`Invalid value for field ${key}`);
  if (key === 'ACL') return undefined;
  switch (value.__type) {
    case 'Date':
      return { type: 'Date' };
    case 'Pointer':
      if (typeof value.className !== 'string') throw errors.invalidPointer(`Pointer ${key} needs a className`);
      return { type: 'Pointer', targetClass: value.className };
    case 'Object':
      if (typeof value.className !== 'string') throw errors.invalidPointer(`Object ${key} needs a className`);
      return { type: 'Pointer', targetClass: value.className };
    case 'File':
      return { type: 'File' };
    case 'GeoPoint':
      return { type: 'GeoPoint' };
    case 'Polygon':
      return { type: 'Polygon' };
    case 'Bytes':
      return { type: 'Bytes' };
    case 'Relation':
      if (typeof value.className !== 'string') throw errors.invalidPointer(`Relation ${key} needs a className`);
      return { type: 'Relation', targetClass: value.className };
  }
  switch (value.__op) {
    case 'Increment':
      return { type: 'Number' };
    case 'Add':
    case 'AddUnique':
    case 'Remove':
      return { type: 'Array' };
    case 'AddRelation':
    case 'RemoveRelation': {
      const first = Array.isArray(value.objects) ? value.objects.find(isRecord) : undefined;
      return first && typeof first.className === 'string' ? { type: 'Relation', targetClass: first.className } : undefined;
    }
    case 'Batch': {
      const ops = Array.isArray(value.ops) ? value.ops : [];
      for (const op of ops) {
        const inferred = inferFieldType(key, op);
        if (inferred) return inferred;
      }
      return undefined;
    }
    case 'Delete':
      return undefined;
  }
  if (typeof value.__type === 'string') throw errors.incorrectType(`Invalid value for field ${key}: unknown type ${value.__type}`);
  if (typeof value.__op === 'string') throw errors.invalidJson(`Unknown operation ${value.__op} on ${key}`);
  return { type: 'Object' };
}

/** The fields of a body that the class does not have yet, with the type each would get. */
export function newFieldsOf(body: Record<string, unknown>, cls: ClassDef | undefined): Record<string, FieldDef> {
  const fields: Record<string, FieldDef> = Object.create(null);
  for (const [key, value] of Object.entries(body)) {
    if (SERVER_FIELDS.has(key) || key === 'ACL' || (cls && Object.hasOwn(cls.fields, key))) continue;
    const dot = key.indexOf('.');
    if (dot >= 0) {
      // A dotted key writes inside an Object field (`"address.city"`), which Parse adds as one
      // (`"list.0"` would make an Array field of it, which Plinth does not write into: left to core).
      const base = key.slice(0, dot);
      const next = key.slice(dot + 1).split('.')[0];
      const known = SERVER_FIELDS.has(base) || base === 'ACL' || (cls && Object.hasOwn(cls.fields, base)) || Object.hasOwn(fields, base);
      if (dot > 0 && !known && !/^\d+$/.test(next)) fields[base] = { type: 'Object' };
      continue;
    }
    const inferred = inferFieldType(key, value);
    if (inferred) fields[key] = inferred;
  }
  return fields;
}

function pointerId(key: string, field: FieldDef, value: unknown): string {
  if (typeof value === 'string') return value;
  if (!isRecord(value) || (value.__type !== 'Pointer' && value.__type !== 'Object') || typeof value.objectId !== 'string')
    throw errors.incorrectType(`Invalid value for field ${key}: expected a pointer to ${field.targetClass}`);
  if (field.targetClass && value.className !== field.targetClass)
    throw errors.incorrectType(`schema mismatch for ${key}; expected Pointer<${field.targetClass}> but got Pointer<${String(value.className)}>`);
  return value.objectId;
}

function relationIds(key: string, field: FieldDef, objects: unknown): string[] {
  if (!Array.isArray(objects)) throw errors.invalidJson(`Relation operation on ${key} needs a list of objects`);
  return objects.map((o) => pointerId(key, field, o));
}

/** AddRelation / RemoveRelation, or a Batch of them, as core's relation input. */
function relationOp(key: string, field: FieldDef, value: Record<string, unknown>): RelationInput {
  const ops = value.__op === 'Batch' ? (Array.isArray(value.ops) ? value.ops : []) : [value];
  const add: string[] = [];
  const remove: string[] = [];
  for (const op of ops) {
    if (!isRecord(op)) throw errors.invalidJson(`Invalid operation on ${key}`);
    if (op.__op === 'AddRelation') add.push(...relationIds(key, field, op.objects));
    else if (op.__op === 'RemoveRelation') remove.push(...relationIds(key, field, op.objects));
    else throw errors.invalidJson(`Operation ${String(op.__op)} is not allowed on the relation ${key}`);
  }
  const out: RelationInput = {};
  if (add.length) out.add = add;
  if (remove.length) out.remove = remove;
  return out;
}

function point(key: string, value: unknown): { latitude: number; longitude: number } {
  if (isRecord(value) && typeof value.latitude === 'number' && typeof value.longitude === 'number')
    return { latitude: value.latitude, longitude: value.longitude };
  throw errors.incorrectType(`Invalid value for field ${key}: expected a GeoPoint`);
}

/** A field's Parse JSON value in core's natural form (see core/object.ts); operations stay as they are (core applies them in SQL). */
function decodeValue(key: string, field: FieldDef, value: unknown): unknown {
  if (value === null) return null;
  if (isRecord(value) && typeof value.__op === 'string') {
    if (field.type === 'Relation') return relationOp(key, field, value);
    if (value.__op === 'Delete') return null;
    return value;
  }
  switch (field.type as FieldType) {
    case 'Date':
      if (isRecord(value) && value.__type === 'Date') {
        if (typeof value.iso !== 'string') throw errors.incorrectType(`Invalid value for field ${key}: expected a Date`);
        return value.iso;
      }
      if (typeof value === 'string') return value;
      throw errors.incorrectType(`Invalid value for field ${key}: expected a Date`);
    case 'Pointer':
      return pointerId(key, field, value);
    case 'File':
      if (isRecord(value) && value.__type === 'File' && typeof value.name === 'string') return value.name;
      throw errors.incorrectType(`Invalid value for field ${key}: expected a File`);
    case 'GeoPoint':
      return point(key, value);
    case 'Polygon': {
      const coordinates = isRecord(value) && value.__type === 'Polygon' ? value.coordinates : undefined;
      if (!Array.isArray(coordinates)) throw errors.incorrectType(`Invalid value for field ${key}: expected a Polygon`);
      return coordinates.map((c) => (Array.isArray(c) ? { latitude: c[0], longitude: c[1] } : point(key, c)));
    }
    case 'Bytes':
      if (isRecord(value) && value.__type === 'Bytes' && typeof value.base64 === 'string') return value.base64;
      throw errors.incorrectType(`Invalid value for field ${key}: expected Bytes`);
    case 'Relation':
      throw errors.incorrectType(`Invalid value for field ${key}: a Relation is changed with AddRelation and RemoveRelation`);
    default:
      return value;
  }
}

/**
 * A REST body as core's write input, field by field against the class: Parse JSON becomes the
 * natural form, relation operations core's relation input, other operations (Increment, Add,
 * AddUnique, Remove, Delete) stay for core to apply in SQL. Server fields are refused (105),
 * as Parse does for objectId (on update), createdAt and updatedAt.
 */
export function decodeWrite(body: Record<string, unknown>, cls: ClassDef, creating: boolean): WriteInput {
  const input: WriteInput = Object.create(null);
  for (const [key, value] of Object.entries(body)) {
    if (key === 'createdAt' || key === 'updatedAt') continue;
    if (key === 'objectId') {
      if (creating) throw new ParseError(ErrorCode.INVALID_KEY_NAME, 'objectId is an invalid field name.');
      continue;
    }
    if (key === 'ACL') {
      setOwn(input, key, value);
      continue;
    }
    const field = Object.hasOwn(cls.fields, key) ? cls.fields[key] : undefined;
    if (!field) {
      // Unsetting a field the class does not have changes nothing: Parse ignores it (the SDK
      // sends `set(key, null)` and `unset(key)` of a field no object has had yet).
      if ((value === null || (isRecord(value) && value.__op === 'Delete')) && !key.includes('.') && !SERVER_FIELDS.has(key)) continue;
      // Dotted keys and unknown names go to core, which knows what it accepts and answers 105.
      setOwn(input, key, value);
      continue;
    }
    setOwn(input, key, decodeValue(key, field, value));
  }
  return input;
}
