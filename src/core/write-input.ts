import { errors, ParseError, ErrorCode } from '../errors/index.ts';
import type { ClassDef, FieldDef } from '../schema/index.ts';
import { hasColumn, systemFields } from '../schema/index.ts';
import type { NestedEdit } from '../query/index.ts';
import { validateAcl, type AclMap } from '../security/index.ts';
import { normalizeForWrite } from './encode.ts';
import { applyNested, checkDisjoint, isOperation, parseNestedEdit, parseOperation } from './atomic.ts';
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

/** Names the server sets: never written. */
const SERVER_NAMES = new Set(['objectId', 'createdAt', 'updatedAt', 'id']);

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
 * A dotted key (`"meta.a.b"`, Parse's write inside an Object field) as its field and the edit
 * it makes there. Only a field of type Object, and none of the system classes' own (`authData`
 * is written through its providers, `createdWith` by the server): 105 for those and for a
 * field the class does not have, 111 for a field of another type.
 */
function dottedEdit(cls: ClassDef, name: string, dot: number, value: unknown): [string, FieldDef, NestedEdit] {
  const base = name.slice(0, dot);
  if (dot === 0) throw errors.invalidFieldName(name);
  if (SERVER_NAMES.has(base)) throw new ParseError(ErrorCode.INVALID_KEY_NAME, `${name} is an invalid field name.`);
  const field = Object.hasOwn(cls.fields, base) ? cls.fields[base] : undefined;
  if (!field) throw new ParseError(ErrorCode.INVALID_KEY_NAME, `Field ${base} does not exist in class ${cls.className}.`);
  if (Object.hasOwn(systemFields(cls.className), base)) throw new ParseError(ErrorCode.INVALID_KEY_NAME, `Invalid field name for update: ${name}`);
  if (field.type !== 'Object' || !hasColumn(cls.className, base, field)) throw errors.incorrectType(`Cannot write ${name}: ${base} is not an Object field`);
  return [base, field, parseNestedEdit(name, name.slice(dot + 1).split('.'), value)];
}

/**
 * The keys of a write that name no field of the class (a dotted key by its field): what Parse's
 * schema on write would add (WriteOptions.addFields). Server fields are left for planWrite to refuse.
 */
export function unknownFields(cls: ClassDef, input: WriteInput): Record<string, unknown> {
  const unknown: Record<string, unknown> = Object.create(null);
  for (const [name, value] of Object.entries(input)) {
    const dot = name.indexOf('.');
    const base = dot > 0 ? name.slice(0, dot) : name;
    if (value === undefined || SERVER_NAMES.has(base) || Object.hasOwn(cls.fields, base)) continue;
    Object.defineProperty(unknown, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return unknown;
}

/**
 * Checks every field of a write against the class and sorts it into columns, nested pointer
 * creates and relation changes. Unknown fields → 105; values of the wrong type → 111;
 * immutable fields → 105. Required fields are checked by the caller, which knows whether
 * this is a create. Dotted keys become one `Nested` operation per Object field (their paths
 * apart), applied in memory to the field's value when the write sets that too.
 */
export function planWrite(cls: ClassDef, input: WriteInput): PlannedWrite {
  const plan: PlannedWrite = { columns: [], pointersToCreate: [], relations: [] };
  const nested = new Map<string, { field: FieldDef; edits: NestedEdit[] }>();
  for (const [name, given] of Object.entries(input)) {
    if (given === undefined) continue;
    const dot = name.indexOf('.');
    if (dot >= 0) {
      const [base, field, edit] = dottedEdit(cls, name, dot, given);
      const entry = nested.get(base) ?? { field, edits: [] };
      entry.edits.push(edit);
      nested.set(base, entry);
      continue;
    }
    // Parse's {__op: "Delete"} is an unset, whatever the field's type.
    const value = isOperation(given) && given.__op === 'Delete' ? null : given;
    if (SERVER_NAMES.has(name)) {
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
  for (const [base, { field, edits }] of nested) {
    checkDisjoint(base, edits);
    const whole = plan.columns.find(([name]) => name === base);
    // The field's whole value is written too: the dotted keys change that value.
    if (whole) whole[2] = applyNested(whole[2], edits);
    else plan.columns.push([base, field, { __op: 'Nested', edits }]);
  }
  return plan;
}
