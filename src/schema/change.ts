import { ParseError, ErrorCode, errors } from '../errors/index.ts';
import { DEFAULT_FIELDS, SYSTEM_CLASS_FIELDS, defaultClassLevelPermissions } from './defaults.ts';
import { assertJoinTableName, assertNewFieldName, isValidClassName, MAX_IDENTIFIER_BYTES } from './names.ts';
import type { ClassDef, FieldDef, IndexDefs, SchemaSnapshot } from './types.ts';
import { FIELD_TYPES } from './types.ts';
import { validateClassLevelPermissions } from './clp.ts';

/** What createClass / updateClass ask for, already out of the transport's shape. */
export interface ClassChange {
  addFields?: Record<string, FieldDef>;
  removeFields?: string[];
  classLevelPermissions?: unknown;
  /** name → keys to create, or `{ __op: "Delete" }` to drop. */
  indexes?: Record<string, unknown>;
}

/** The outcome of applying a change to a class definition: the new definition and the DDL to run. */
export interface PlannedChange {
  next: ClassDef;
  added: [string, FieldDef][];
  removed: [string, FieldDef][];
  createIndexes: IndexDefs;
  dropIndexes: string[];
}

const VALUE_CHECK: Partial<Record<FieldDef['type'], (v: unknown) => boolean>> = {
  String: (v) => typeof v === 'string',
  Number: (v) => typeof v === 'number' && Number.isFinite(v),
  Boolean: (v) => typeof v === 'boolean',
  Object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  Array: (v) => Array.isArray(v),
  Date: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
};

function validateField(snapshot: SchemaSnapshot, className: string, name: string, field: FieldDef): FieldDef {
  assertNewFieldName(name);
  if (!FIELD_TYPES.includes(field.type) || field.type === 'ACL') throw errors.incorrectType(`invalid field type: ${field.type}`);
  const out: FieldDef = { type: field.type };
  if (field.type === 'Pointer' || field.type === 'Relation') {
    const target = field.targetClass;
    if (!target || !isValidClassName(target)) throw errors.invalidClassName(String(target));
    if (target !== className && !snapshot.classes.has(target)) {
      throw new ParseError(ErrorCode.INVALID_CLASS_NAME, `Target class ${target} of field ${name} does not exist.`);
    }
    out.targetClass = target;
    if (field.type === 'Relation') assertJoinTableName(className, name);
  }
  if (field.required) out.required = true;
  if (field.defaultValue !== undefined && field.defaultValue !== null) {
    const check = VALUE_CHECK[field.type];
    if (!check) throw errors.incorrectType(`fields of type ${field.type} cannot have a default value`);
    if (!check(field.defaultValue)) throw errors.incorrectType(`default value of ${name} must be of type ${field.type}`);
    out.defaultValue = field.defaultValue;
  }
  return out;
}

function validateIndexes(
  fields: Record<string, FieldDef>,
  existing: IndexDefs,
  requested: Record<string, unknown>,
): { create: IndexDefs; drop: string[]; result: IndexDefs } {
  const result: IndexDefs = { ...existing };
  const create: IndexDefs = {};
  const drop: string[] = [];
  for (const [name, spec] of Object.entries(requested)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES || name === '_id_') {
      throw errors.invalidQuery(`Invalid index name: ${name}`);
    }
    if (spec && typeof spec === 'object' && (spec as { __op?: string }).__op === 'Delete') {
      if (!(name in existing)) throw errors.invalidQuery(`Index ${name} does not exist, cannot delete.`);
      drop.push(name);
      delete result[name];
      continue;
    }
    if (name in existing) throw errors.invalidQuery(`Index ${name} exists, cannot update.`);
    if (!spec || typeof spec !== 'object' || Array.isArray(spec) || Object.keys(spec).length === 0) {
      throw errors.invalidQuery(`Index ${name} must map field names to 1, -1 or "text".`);
    }
    for (const [key, dir] of Object.entries(spec as Record<string, unknown>)) {
      const field = fields[key];
      if (!field || field.type === 'Relation' || field.type === 'ACL' || key === 'password') {
        throw errors.invalidQuery(`Field ${key} does not exist, cannot add index.`);
      }
      if (dir !== 1 && dir !== -1 && dir !== 'text') throw errors.invalidQuery(`Index ${name}: ${key} must be 1, -1 or "text".`);
      if (dir === 'text' && field.type !== 'String') throw errors.invalidQuery(`Index ${name}: text indexes need String fields.`);
    }
    create[name] = spec as IndexDefs[string];
    result[name] = spec as IndexDefs[string];
  }
  return { create, drop, result };
}

/**
 * Applies a requested change to a class definition (or to nothing, for a new class) and checks
 * it completely before any DDL runs: names, types, targets, CLPs, indexes. Removals apply before
 * additions, so one update can change a field's type.
 */
export function planChange(snapshot: SchemaSnapshot, className: string, current: ClassDef | undefined, change: ClassChange): PlannedChange {
  const fields: Record<string, FieldDef> = { ...(current?.fields ?? { ...DEFAULT_FIELDS, ...SYSTEM_CLASS_FIELDS[className] }) };
  const removed: [string, FieldDef][] = [];
  for (const name of change.removeFields ?? []) {
    if (name in DEFAULT_FIELDS || SYSTEM_CLASS_FIELDS[className]?.[name]) {
      throw new ParseError(ErrorCode.INVALID_SCHEMA_OPERATION, `Field ${name} cannot be removed.`);
    }
    const field = fields[name];
    if (!field) throw new ParseError(ErrorCode.INVALID_SCHEMA_OPERATION, `Field ${name} does not exist, cannot delete.`);
    removed.push([name, field]);
    delete fields[name];
  }
  const added: [string, FieldDef][] = [];
  for (const [name, field] of Object.entries(change.addFields ?? {})) {
    if (name in fields) throw errors.duplicateField(name);
    const checked = validateField(snapshot, className, name, field);
    added.push([name, checked]);
    fields[name] = checked;
  }
  const base = current?.indexes ?? { _id_: { _id: 1 } as Record<string, 1> };
  const indexes = change.indexes ? validateIndexes(fields, base, change.indexes) : { create: {}, drop: [], result: base };
  // A removed field takes its indexes with it (PostgreSQL drops them with the column).
  for (const [name] of removed) {
    for (const [index, keys] of Object.entries(indexes.result)) if (name in keys) delete indexes.result[index];
  }
  const classLevelPermissions =
    change.classLevelPermissions !== undefined
      ? validateClassLevelPermissions(change.classLevelPermissions, fields)
      : (current?.classLevelPermissions ?? undefined);
  const next: ClassDef = {
    className,
    fields,
    classLevelPermissions: classLevelPermissions ?? defaultClassLevelPermissions(),
    indexes: indexes.result,
  };
  return { next, added, removed, createIndexes: indexes.create, dropIndexes: indexes.drop };
}
