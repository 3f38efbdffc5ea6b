import { ParseError, ErrorCode } from '../errors/index.ts';
import { DEFAULT_FIELDS } from './defaults.ts';
import { has, printable } from './names.ts';
import type { ClassLevelPermissions, FieldDef } from './types.ts';

/** The keys of Parse's CLP JSON (SchemaController's CLPValidKeys). */
const OPERATIONS = new Set(['find', 'count', 'get', 'create', 'update', 'delete', 'addField']);
const USER_FIELD_LISTS = new Set(['readUserFields', 'writeUserFields']);

function invalid(message: string): ParseError {
  return new ParseError(ErrorCode.INVALID_JSON, message);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse's default user id pattern (objectIds are alphanumeric). */
const USER_ID = /^[A-Za-z0-9]{1,64}$/;
/** Role names as Parse allows them. */
const ROLE = /^role:[A-Za-z0-9_\- ]+$/;

/** An entity an operation can name: `*`, `requiresAuthentication`, `role:Name`, or a user id. */
function isPermissionEntity(key: string): boolean {
  return key === '*' || key === 'requiresAuthentication' || ROLE.test(key) || USER_ID.test(key);
}

/** An entity protectedFields can name: `*`, `authenticated`, `role:Name`, `userField:<field>`, or a user id. */
function isProtectedFieldsEntity(key: string, fields: Record<string, FieldDef>): boolean {
  if (key.startsWith('userField:')) return isUserReference(fields, key.slice('userField:'.length));
  return key === '*' || key === 'authenticated' || ROLE.test(key) || USER_ID.test(key);
}

/** True when a field can hold a reference to a user (pointer permissions): Pointer<_User> or Array. */
function isUserReference(fields: Record<string, FieldDef>, name: unknown): boolean {
  if (typeof name !== 'string' || !has(fields, name)) return false;
  const field = fields[name];
  return (field.type === 'Pointer' && field.targetClass === '_User') || field.type === 'Array';
}

function checkPointerFields(list: unknown, fields: Record<string, FieldDef>, where: string): string[] {
  if (!Array.isArray(list)) throw invalid(`'${printable(list)}' is not a valid value for ${where} - expected an array.`);
  for (const f of list) {
    if (!isUserReference(fields, f)) throw invalid(`'${printable(f)}' is not a valid column for class level pointer permissions ${where}`);
  }
  return [...list] as string[];
}

/** `{"*": {read: true, write: false}, …}`, the CLP `ACL` key Parse accepts. */
function checkAcl(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [entity, permit] of Object.entries(value)) {
    if (!isPermissionEntity(entity)) throw invalid(`'${printable(entity)}' is not a valid key for class level permissions`);
    if (!isPlainObject(permit)) throw invalid(`'${printable(permit)}' is not a valid value for class level permissions acl`);
    for (const [k, v] of Object.entries(permit)) {
      if (k !== 'read' && k !== 'write') throw invalid(`'${printable(k)}' is not a valid key for class level permissions acl`);
      if (typeof v !== 'boolean') throw invalid(`'${printable(v)}' is not a valid value for class level permissions acl`);
    }
    out[entity] = { ...permit };
  }
  return out;
}

function checkOperation(operation: string, value: unknown, fields: Record<string, FieldDef>): Record<string, unknown> {
  if (!isPlainObject(value)) throw invalid(`'${printable(value)}' is not a valid value for class level permissions ${operation} - must be an object`);
  const out: Record<string, unknown> = {};
  for (const [entity, permit] of Object.entries(value)) {
    if (entity === 'pointerFields') {
      out.pointerFields = checkPointerFields(permit, fields, `${operation}[pointerFields]`);
      continue;
    }
    if (!isPermissionEntity(entity)) throw invalid(`'${printable(entity)}' is not a valid key for class level permissions`);
    if (permit !== true) throw invalid(`'${printable(permit)}' is not a valid value for class level permissions ${operation}:${entity}`);
    out[entity] = true;
  }
  return out;
}

function checkProtectedFields(value: unknown, fields: Record<string, FieldDef>): Record<string, string[]> {
  if (!isPlainObject(value)) throw invalid(`'${printable(value)}' is not a valid value for class level permissions protectedFields - must be an object`);
  const out: Record<string, string[]> = {};
  for (const [entity, list] of Object.entries(value)) {
    if (!isProtectedFieldsEntity(entity, fields)) throw invalid(`'${printable(entity)}' is not a valid key for class level permissions`);
    if (!Array.isArray(list)) throw invalid(`'${printable(list)}' is not a valid value for protectedFields[${entity}] - expected an array.`);
    for (const f of list) {
      if (typeof f === 'string' && has(DEFAULT_FIELDS, f)) throw invalid(`Default field '${f}' can not be protected`);
      if (typeof f !== 'string' || !has(fields, f)) throw invalid(`Field '${printable(f)}' in protectedFields:${entity} does not exist`);
    }
    out[entity] = [...list];
  }
  return out;
}

/**
 * Checks CLPs in Parse's JSON format against the class's fields, as Parse Server does (code
 * 107 with Parse's messages), and returns a clean copy: only the keys and values checked.
 */
export function validateClassLevelPermissions(clp: unknown, fields: Record<string, FieldDef>): ClassLevelPermissions {
  if (!isPlainObject(clp)) throw invalid('classLevelPermissions must be an object');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(clp)) {
    if (OPERATIONS.has(key)) out[key] = checkOperation(key, value, fields);
    else if (USER_FIELD_LISTS.has(key)) out[key] = checkPointerFields(value, fields, key);
    else if (key === 'protectedFields') out.protectedFields = checkProtectedFields(value, fields);
    else if (key === 'ACL') {
      if (!isPlainObject(value)) throw invalid(`'${printable(value)}' is not a valid value for class level permissions ACL - must be an object`);
      out.ACL = checkAcl(value);
    } else throw invalid(`${printable(key)} is not a valid operation for class level permissions`);
  }
  return out as ClassLevelPermissions;
}
