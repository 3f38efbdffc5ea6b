import { ErrorCode, ParseError, errors } from '../../errors/index.ts';
import { CloudAcl } from './acl.ts';
import { CloudObjectImpl } from './cloud-object.ts';
import type { CloudEnv } from './env.ts';
import { DANGEROUS_KEYS, isPlainObject, setOwn } from './records.ts';
import { CloudFileValue, CloudGeoPointValue, CloudRelationRef, isCloudObject, polygonJson, polygonPoints, STATE } from './values.ts';

/*
 * Parse JSON (`{__type: 'Date', iso}`, pointers, files, …) to and from the values the SDK
 * gives cloud code (Date, CloudObject, CloudFile, …), recursively, with a bounded depth.
 */

/** Nesting allowed in a decoded or encoded value. */
export const MAX_JSON_DEPTH = 64;

export interface DecodeOptions {
  /**
   * Drop `__proto__`, `constructor` and `prototype` keys of plain JSON objects, as Parse's SDK
   * does with client JSON. The field names of a `{__type: 'Object'}` are kept (but `__proto__`).
   */
  dropDangerousKeys?: boolean;
}

/** Parse JSON → SDK-typed values. Values that are not plain JSON objects (a Date, a CloudObject) pass through. */
export function decodeJson(value: unknown, env: CloudEnv, options: DecodeOptions = {}): unknown {
  return decode(value, env, options.dropDangerousKeys === true, 0);
}

function decode(value: unknown, env: CloudEnv, drop: boolean, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_JSON_DEPTH) throw errors.invalidJson(`JSON is nested too deeply (more than ${MAX_JSON_DEPTH} levels)`);
  if (Array.isArray(value)) return value.map((v) => decode(v, env, drop, depth + 1));
  if (!isPlainObject(value)) return value;
  switch (value.__type) {
    case 'Date': {
      const date = typeof value.iso === 'string' ? new Date(value.iso) : undefined;
      if (!date || Number.isNaN(date.getTime())) throw errors.incorrectType('Invalid Date: expected {__type: "Date", iso: <ISO 8601 string>}');
      return date;
    }
    case 'Pointer':
      if (typeof value.className !== 'string' || value.className === '' || typeof value.objectId !== 'string')
        throw errors.invalidPointer('Invalid Pointer: expected {__type: "Pointer", className, objectId}');
      return new CloudObjectImpl(value.className, env, value.objectId);
    case 'Object':
      if (typeof value.className !== 'string' || value.className === '') throw errors.invalidJson('Invalid Object: expected {__type: "Object", className, …}');
      return objectFromJson(value, env, drop, depth);
    case 'File':
      if (typeof value.name !== 'string' || value.name === '') throw errors.incorrectType('Invalid File: expected {__type: "File", name}');
      // The URL is the server's own, never the one the client sent.
      return new CloudFileValue(value.name, env.fileUrl(value.name));
    case 'GeoPoint':
      return new CloudGeoPointValue(value);
    case 'Polygon':
      return polygonJson(polygonPoints(value, 'Polygon'));
    case 'Bytes':
      if (typeof value.base64 !== 'string') throw errors.incorrectType('Invalid Bytes: expected {__type: "Bytes", base64}');
      return { __type: 'Bytes', base64: value.base64 };
    case 'Relation':
      return new CloudRelationRef(typeof value.className === 'string' ? value.className : undefined);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!(drop && DANGEROUS_KEYS.has(k))) setOwn(out, k, decode(v, env, drop, depth + 1));
  return out;
}

/**
 * `{__type: 'Object', className, objectId, createdAt, …fields}` → a saved CloudObject with those
 * fields. Its keys are field names, kept whatever they are (`constructor` and `prototype` are
 * valid field names; the object's state is a Map) — only `__proto__`, never a field, is dropped.
 */
function objectFromJson(json: Record<string, unknown>, env: CloudEnv, drop: boolean, depth: number): CloudObjectImpl {
  const obj = new CloudObjectImpl(json.className as string, env, typeof json.objectId === 'string' ? json.objectId : undefined);
  const state = obj[STATE];
  for (const [key, value] of Object.entries(json)) {
    if (key === '__type' || key === 'className' || key === 'objectId' || key === '__proto__' || value === undefined) continue;
    if (key === 'createdAt' || key === 'updatedAt') {
      const date = value instanceof Date ? value : new Date(typeof value === 'string' ? value : isPlainObject(value) ? String(value.iso) : NaN);
      if (!Number.isNaN(date.getTime())) state[key === 'createdAt' ? 'created' : 'updated'] = date;
    } else if (key === 'ACL' && isPlainObject(value)) {
      state.load(key, new CloudAcl(value as Record<string, { read?: boolean; write?: boolean }>));
    } else if (value !== null) {
      state.load(key, decode(value, env, drop, depth + 1));
    }
  }
  state.updated ??= state.created;
  return obj;
}

export interface EncodeOptions {
  /** Objects as pointers (what a save or a query sends), not as their full JSON. */
  forcePointers?: boolean;
  /** With forcePointers, an unsaved object gets a local identity instead of an error (for comparisons). */
  localIds?: boolean;
}

/**
 * SDK-typed values → Parse JSON, as Parse's SDK encodes them: a Date as {__type: 'Date', iso},
 * an object as its full JSON (`__type: 'Object'`, `className`) or, when it has no data, is an
 * ancestor of itself, or pointers are forced, as a pointer; undefined and functions dropped.
 * A circular structure or one nested more than MAX_JSON_DEPTH levels is error 107.
 */
export function encodeJson(value: unknown, options: EncodeOptions = {}): unknown {
  return encode(value, options, [], 0);
}

const localIds = new WeakMap<object, string>();
let localCount = 0;

/** A stable stand-in id for an unsaved object (Parse's SDK calls these local ids). */
function localId(obj: object): string {
  let id = localIds.get(obj);
  if (!id) localIds.set(obj, (id = `local${++localCount}`));
  return id;
}

function encode(value: unknown, options: EncodeOptions, ancestors: object[], depth: number): unknown {
  if (typeof value === 'bigint') throw errors.invalidJson('Cannot encode a BigInt as JSON');
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_JSON_DEPTH) throw errors.invalidJson(`Value is nested too deeply (more than ${MAX_JSON_DEPTH} levels)`);
  if (isCloudObject(value)) return encodeObject(value as CloudObjectImpl, options, ancestors, depth);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw errors.incorrectType('Cannot encode an invalid Date');
    return { __type: 'Date', iso: value.toISOString() };
  }
  if (value instanceof CloudAcl || value instanceof CloudFileValue || value instanceof CloudGeoPointValue || value instanceof CloudRelationRef)
    return value.toJSON();
  if (value instanceof RegExp) return value.source;
  if (value instanceof Uint8Array) return { __type: 'Bytes', base64: Buffer.from(value).toString('base64') };
  if (ancestors.includes(value)) throw errors.invalidJson('Cannot encode a circular structure as JSON');
  ancestors.push(value);
  try {
    if (Array.isArray(value)) return value.map((v) => encode(v, options, ancestors, depth + 1) ?? null);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (!isPlainObject(value) && typeof toJSON === 'function') return encode(toJSON.call(value), options, ancestors, depth + 1);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const encoded = encode(v, options, ancestors, depth + 1);
      if (encoded !== undefined) setOwn(out, k, encoded);
    }
    return out;
  } finally {
    ancestors.pop();
  }
}

function encodeObject(obj: CloudObjectImpl, options: EncodeOptions, ancestors: object[], depth: number): unknown {
  const seen = ancestors.some((a) => a === obj || (isCloudObject(a) && obj.id !== undefined && a.id === obj.id && a.className === obj.className));
  if (options.forcePointers || seen || !obj[STATE].hasData()) {
    if (obj.id === undefined) {
      if (options.localIds) return { __type: 'Pointer', className: obj.className, objectId: localId(obj) };
      if (options.forcePointers || seen) throw new ParseError(ErrorCode.MISSING_OBJECT_ID, `Cannot create a pointer to an unsaved ${obj.className} object`);
    } else {
      return { __type: 'Pointer', className: obj.className, objectId: obj.id };
    }
  }
  ancestors.push(obj);
  try {
    const json = fieldsJson(obj, (v) => encode(v, options, ancestors, depth + 1));
    json.__type = 'Object';
    json.className = obj.className;
    return json;
  } finally {
    ancestors.pop();
  }
}

/**
 * An object's JSON without its type marker: objectId, createdAt and updatedAt (ISO), and each
 * field's current value encoded with `encodeValue` (by default as Parse's toJSON does: the
 * object itself, met again inside, as a pointer).
 */
export function fieldsJson(obj: CloudObjectImpl, encodeValue: (value: unknown) => unknown = (v) => encode(v, {}, [obj], 1)): Record<string, unknown> {
  const state = obj[STATE];
  const json: Record<string, unknown> = {};
  if (obj.id !== undefined) json.objectId = obj.id;
  if (state.created) json.createdAt = state.created.toISOString();
  if (state.updated) json.updatedAt = state.updated.toISOString();
  for (const key of state.keys()) {
    const encoded = encodeValue(state.current(key));
    if (encoded !== undefined) setOwn(json, key, encoded);
  }
  return json;
}
