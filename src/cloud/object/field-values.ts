import { errors } from '../../errors/index.ts';
import type { FieldDef } from '../../schema/index.ts';
import { toIsoDate } from '../../query/index.ts';
import { CloudAcl } from './acl.ts';
import { CloudObjectImpl } from './cloud-object.ts';
import { newObject } from './create.ts';
import type { CloudEnv } from './env.ts';
import { decodeJson } from './json.ts';
import { isPlainObject } from './records.ts';
import { CloudFileValue, CloudGeoPointValue, CloudRelationRef, isCloudObject, polygonJson, polygonPoints } from './values.ts';

function wrong(key: string, expected: string): never {
  throw errors.incorrectType(`Invalid value for field ${key}: expected ${expected}`);
}

/**
 * A value for a field in the form Parse's SDK gives it, from an SDK value, Parse JSON, or the
 * core's natural form (ISO string, objectId, file name, base64, {latitude, longitude}, …).
 * `fromJson`: Object and Array contents are Parse JSON to decode (values read or sent by a
 * client); otherwise they are kept as given (Parse's `set`). 111 for a value of the wrong type.
 */
export function toSdkValue(field: FieldDef | undefined, value: unknown, key: string, env: CloudEnv, fromJson: boolean): unknown {
  if (value === null || value === undefined) return undefined;
  if (!field) return decodeJson(value, env);
  switch (field.type) {
    case 'String':
      return typeof value === 'string' ? value : wrong(key, 'String');
    case 'Number':
      return typeof value === 'number' && Number.isFinite(value) ? value : wrong(key, 'Number');
    case 'Boolean':
      return typeof value === 'boolean' ? value : wrong(key, 'Boolean');
    case 'Date':
      return value instanceof Date && !Number.isNaN(value.getTime()) ? value : new Date(toIsoDate(value, key));
    case 'Pointer':
      return toPointer(field, value, key, env);
    case 'File':
      return toFile(value, key, env);
    case 'GeoPoint':
      return value instanceof CloudGeoPointValue ? value : new CloudGeoPointValue(value, key);
    case 'Polygon':
      return polygonJson(polygonPoints(value, key));
    case 'Bytes':
      return toBytes(value, key);
    case 'Object':
      if (!isPlainObject(value)) wrong(key, 'Object');
      return fromJson ? decodeJson(value, env) : value;
    case 'Array':
      if (!Array.isArray(value)) wrong(key, 'Array');
      return fromJson ? decodeJson(value, env) : value;
    case 'ACL':
      return value instanceof CloudAcl ? value : new CloudAcl(value as Record<string, never>);
    case 'Relation':
      return new CloudRelationRef(field.targetClass);
  }
}

function toPointer(field: FieldDef, value: unknown, key: string, env: CloudEnv): unknown {
  const target = field.targetClass;
  let obj: unknown;
  if (typeof value === 'string' && value !== '') obj = new CloudObjectImpl(target ?? '', env, value);
  else if (isPlainObject(value) && isPlainObject(value.create) && value.__type === undefined) obj = newObject(target ?? '', value.create, env);
  else if (isPlainObject(value) && (value.__type === 'Pointer' || value.__type === 'Object')) obj = decodeJson(value, env);
  else if (isCloudObject(value)) obj = value;
  if (!isCloudObject(obj)) return wrong(key, `a pointer to ${target}`);
  if (target && obj.className !== target)
    throw errors.incorrectType(`Invalid value for field ${key}: expected a pointer to ${target}, got a pointer to ${obj.className}`);
  return obj;
}

function toFile(value: unknown, key: string, env: CloudEnv): CloudFileValue {
  if (value instanceof CloudFileValue) return value;
  const name = typeof value === 'string' ? value : isPlainObject(value) && typeof value.name === 'string' ? value.name : undefined;
  if (!name) return wrong(key, 'a File');
  return new CloudFileValue(name, env.fileUrl(name));
}

function toBytes(value: unknown, key: string): { __type: 'Bytes'; base64: string } {
  if (typeof value === 'string') return { __type: 'Bytes', base64: value };
  if (value instanceof Uint8Array) return { __type: 'Bytes', base64: Buffer.from(value).toString('base64') };
  if (isPlainObject(value) && typeof value.base64 === 'string') return { __type: 'Bytes', base64: value.base64 };
  return wrong(key, 'Bytes');
}
