import { ParseError, ErrorCode } from '../errors/index.ts';
import type { ClassLevelPermissions, FieldDef } from './types.ts';

const OPERATIONS = ['find', 'count', 'get', 'create', 'update', 'delete', 'addField'] as const;
const USER_FIELD_LISTS = ['readUserFields', 'writeUserFields'] as const;

function invalid(message: string): ParseError {
  return new ParseError(ErrorCode.INVALID_JSON, message);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An entity a permission can name: `*`, `requiresAuthentication`, `role:Name`, or a user id. */
function validEntity(key: string): boolean {
  return key === '*' || key === 'requiresAuthentication' || /^role:[A-Za-z0-9_\- ]+$/.test(key) || /^[A-Za-z0-9]{1,64}$/.test(key);
}

/** True when a field can hold a reference to a user (pointer permissions). */
function isUserReference(field: FieldDef | undefined): boolean {
  return !!field && ((field.type === 'Pointer' && field.targetClass === '_User') || field.type === 'Array');
}

/**
 * Checks CLPs in Parse's JSON format against the class's fields, and returns them normalised.
 * Errors name the offending key, with code 107 as Parse does.
 */
export function validateClassLevelPermissions(clp: unknown, fields: Record<string, FieldDef>): ClassLevelPermissions {
  if (!isPlainObject(clp)) throw invalid('classLevelPermissions must be an object');
  const out: ClassLevelPermissions = {};
  for (const [key, value] of Object.entries(clp)) {
    if ((OPERATIONS as readonly string[]).includes(key)) {
      if (!isPlainObject(value)) throw invalid(`bad classLevelPermissions.${key}: expected an object`);
      for (const [entity, allowed] of Object.entries(value)) {
        if (entity === 'pointerFields') {
          if (!Array.isArray(allowed) || !allowed.every((f) => typeof f === 'string' && isUserReference(fields[f]))) {
            throw invalid(`bad classLevelPermissions.${key}.pointerFields: expected names of pointer fields to _User`);
          }
          continue;
        }
        if (!validEntity(entity)) throw invalid(`bad classLevelPermissions.${key}: "${entity}" is not a valid permission entity`);
        if (allowed !== true) throw invalid(`bad classLevelPermissions.${key}.${entity}: expected true`);
      }
      (out as Record<string, unknown>)[key] = value;
    } else if ((USER_FIELD_LISTS as readonly string[]).includes(key)) {
      if (!Array.isArray(value) || !value.every((f) => typeof f === 'string' && isUserReference(fields[f]))) {
        throw invalid(`bad classLevelPermissions.${key}: expected names of pointer fields to _User`);
      }
      (out as Record<string, unknown>)[key] = value;
    } else if (key === 'protectedFields') {
      if (!isPlainObject(value)) throw invalid('bad classLevelPermissions.protectedFields: expected an object');
      for (const [entity, list] of Object.entries(value)) {
        const ok =
          validEntity(entity) ||
          entity === 'authenticated' ||
          (entity.startsWith('userField:') && isUserReference(fields[entity.slice('userField:'.length)]));
        if (!ok) throw invalid(`bad classLevelPermissions.protectedFields: "${entity}" is not a valid entity`);
        if (!Array.isArray(list) || !list.every((f) => typeof f === 'string' && f in fields)) {
          throw invalid(`bad classLevelPermissions.protectedFields.${entity}: expected a list of existing field names`);
        }
      }
      out.protectedFields = value as Record<string, string[]>;
    } else {
      throw invalid(`bad classLevelPermissions: unknown key "${key}"`);
    }
  }
  return out;
}
