import { errors, ParseError, ErrorCode } from '../errors/index.ts';
import type { ClassDef, FieldDef } from '../schema/index.ts';
import { hasColumn } from '../schema/index.ts';
import { validateAcl, type AclMap } from '../security/index.ts';
import { normalizeForWrite } from './encode.ts';
import { isOperation, parseOperation } from './atomic.ts';
import { MAX_RELATED_ID_LENGTH, mayBeObjectId } from './ids.ts';

/** A pointer value in a write: an objectId, or an object to create in the same transaction. */
export type PointerInput = string | { create: WriteInput };

/** Relation changes in a write. */
export interface RelationInput {
  add?: string[];
  remove?: string[];
  create?: WriteInput[];
}

/** Field name → value in the API's natural form (see ParseObject), pointers and relations as above. */
export type WriteInput = Record<string, unknown>;

/** A write's input sorted by where it goes. */
export interface PlannedWrite {
  /** Column fields with normalised values (null unsets) or atomic operations (see atomic.ts). */
  columns: [string, FieldDef, unknown][];
  pointersToCreate: [string, FieldDef, WriteInput][];
  relations: [string, FieldDef, RelationInput][];
  acl?: AclMap | null;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse's messages for a nested input that says nothing to do (its GraphQL transformers' wording). */
const noPointerOperation = (name: string) => errors.invalidPointer(`You need to provide link OR createLink on the pointer mutation of field ${name}`);
const noRelationOperation = (name: string) => errors.invalidPointer(`You need to provide at least one operation on the relation mutation of field ${name}`);

function relationInput(name: string, value: unknown): RelationInput {
  if (!isPlainObject(value)) throw noRelationOperation(name);
  const { add, remove, create } = value as RelationInput;
  const ids = (list: unknown, key: string) => {
    if (list === undefined || list === null) return undefined;
    const valid = (id: unknown) => typeof id === 'string' && mayBeObjectId(id) && id.length <= MAX_RELATED_ID_LENGTH;
    if (!Array.isArray(list) || !list.every(valid)) throw errors.invalidPointer(`Relation ${name}.${key} must list objectIds`);
    return list as string[];
  };
  const out: RelationInput = { add: ids(add, 'add'), remove: ids(remove, 'remove') };
  if (create !== undefined && create !== null) {
    if (!Array.isArray(create) || !create.every(isPlainObject)) throw errors.invalidPointer(`Relation ${name}.createAndAdd must list objects`);
    out.create = create;
  }
  if (!out.add?.length && !out.remove?.length && !out.create?.length && add === undefined && remove === undefined && create === undefined) {
    throw noRelationOperation(name);
  }
  return out;
}

/**
 * Checks every field of a write against the class and sorts it into columns, nested pointer
 * creates and relation changes. Unknown fields → 105; values of the wrong type → 111;
 * immutable fields → 105. Required fields are checked by the caller, which knows whether
 * this is a create.
 */
export function planWrite(cls: ClassDef, input: WriteInput): PlannedWrite {
  const plan: PlannedWrite = { columns: [], pointersToCreate: [], relations: [] };
  for (const [name, given] of Object.entries(input)) {
    if (given === undefined) continue;
    // Parse's {__op: "Delete"} is an unset, whatever the field's type.
    const value = isOperation(given) && given.__op === 'Delete' ? null : given;
    if (name === 'objectId' || name === 'createdAt' || name === 'updatedAt' || name === 'id') {
      throw new ParseError(ErrorCode.INVALID_KEY_NAME, `${name} is an invalid field name.`);
    }
    const field = Object.hasOwn(cls.fields, name) ? cls.fields[name] : undefined;
    if (!field) throw new ParseError(ErrorCode.INVALID_KEY_NAME, `Field ${name} does not exist in class ${cls.className}.`);
    if (field.type === 'ACL') {
      plan.acl = value === null ? null : validateAcl(value);
    } else if (field.type === 'Relation') {
      if (value !== null) plan.relations.push([name, field, relationInput(name, value)]);
    } else if (field.type === 'Pointer' && isPlainObject(value)) {
      if (!isPlainObject(value.create)) throw noPointerOperation(name);
      plan.pointersToCreate.push([name, field, value.create as WriteInput]);
    } else if (hasColumn(cls.className, name, field)) {
      plan.columns.push([name, field, isOperation(value) ? parseOperation(name, field, value as { __op: unknown }) : normalizeForWrite(name, field, value)]);
    } else {
      throw new ParseError(ErrorCode.INVALID_KEY_NAME, `Field ${name} cannot be written directly.`);
    }
  }
  return plan;
}
