import { ParseError, ErrorCode, errors } from '../errors/index.ts';
import { DEFAULT_FIELDS, defaultClassLevelPermissions, systemFields } from './defaults.ts';
import { assertIndexName, assertJoinTableName, assertNewFieldName, has, immutableFieldError, isValidClassName, newRecord, printable } from './names.ts';
import type { ClassDef, FieldDef, IndexDefs, SchemaSnapshot } from './types.ts';
import { FIELD_TYPES } from './types.ts';
import { validateClassLevelPermissions } from './clp.ts';

/** What createClass / updateClass ask for, already out of the transport's shape. */
export interface ClassChange {
  addFields?: Record<string, FieldDef>;
  /** Applied after `addFields`: a name in both ends absent; unknown names are ignored. */
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

/** Checks a default value and returns it in the form the core writes (dates as ISO strings). */
const DEFAULT_VALUE: Partial<Record<FieldDef['type'], (v: unknown) => unknown>> = {
  String: (v) => (typeof v === 'string' ? v : undefined),
  Number: (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined),
  Boolean: (v) => (typeof v === 'boolean' ? v : undefined),
  Object: (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined),
  Array: (v) => (Array.isArray(v) ? v : undefined),
  Date: (v) => {
    const raw = typeof v === 'object' && v !== null && (v as { __type?: unknown }).__type === 'Date' ? (v as { iso?: unknown }).iso : v;
    const ms = typeof raw === 'string' ? Date.parse(raw) : NaN;
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  },
};

function validateField(classes: SchemaSnapshot['classes'], className: string, name: string, field: FieldDef): FieldDef {
  assertNewFieldName(name);
  if (!(FIELD_TYPES as readonly string[]).includes(field.type) || field.type === 'ACL')
    throw errors.incorrectType(`invalid field type: ${printable(field.type)}`);
  const out: FieldDef = { type: field.type };
  if (field.type === 'Pointer' || field.type === 'Relation') {
    const target = field.targetClass;
    if (typeof target !== 'string' || !isValidClassName(target)) throw errors.invalidClassName(printable(target));
    // Stricter than Parse (which accepts any name): a pointer to nothing has no GraphQL type.
    if (target !== className && !classes.has(target)) {
      throw new ParseError(ErrorCode.INVALID_CLASS_NAME, `Target class ${target} of field ${name} does not exist.`);
    }
    out.targetClass = target;
    if (field.type === 'Relation') assertJoinTableName(className, name);
  }
  if (field.required) out.required = true;
  if (field.defaultValue !== undefined && field.defaultValue !== null) {
    const normalise = DEFAULT_VALUE[field.type];
    if (!normalise) throw errors.incorrectType(`fields of type ${field.type} cannot have a default value`);
    const value = normalise(field.defaultValue);
    if (value === undefined) throw errors.incorrectType(`the default value of ${name} must be of type ${field.type}`);
    out.defaultValue = value;
  }
  return out;
}

/** Index key directions: ascending, descending, full text, and geo (Parse's Mongo-style `2dsphere`). */
const DIRECTIONS = new Set<unknown>([1, -1, 'text', '2dsphere']);
const GEO_TYPES = new Set(['GeoPoint', 'Polygon']);

function validateIndexSpec(fields: Record<string, FieldDef>, name: string, spec: unknown): IndexDefs[string] {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec) || Object.keys(spec).length === 0) {
    throw errors.invalidQuery(`Index ${name} must map field names to 1, -1 or "text".`);
  }
  const entries = Object.entries(spec as Record<string, unknown>);
  for (const [key, dir] of entries) {
    const field = has(fields, key) ? fields[key] : undefined;
    if (!field || field.type === 'Relation' || field.type === 'ACL' || key === 'password') {
      throw errors.invalidQuery(`Field ${printable(key)} does not exist, cannot add index.`);
    }
    if (!DIRECTIONS.has(dir)) throw errors.invalidQuery(`Index ${name}: ${key} must be 1, -1, "text" or "2dsphere".`);
    if (dir === 'text' && field.type !== 'String') throw errors.invalidQuery(`Index ${name}: text indexes need String fields.`);
    if ((dir === '2dsphere' || GEO_TYPES.has(field.type)) && (!GEO_TYPES.has(field.type) || entries.length > 1)) {
      throw errors.invalidQuery(`Index ${name}: a GeoPoint or Polygon field is indexed alone (a spatial index).`);
    }
  }
  if (entries.some(([, d]) => d === 'text') && entries.some(([, d]) => d !== 'text')) {
    throw errors.invalidQuery(`Index ${name}: a text index cannot mix text and ordered keys.`);
  }
  return spec as IndexDefs[string];
}

function validateIndexes(
  fields: Record<string, FieldDef>,
  existing: IndexDefs,
  requested: Record<string, unknown>,
): { create: IndexDefs; drop: string[]; result: IndexDefs } {
  // No prototype: an index may be called `__proto__` or `constructor` like any other name.
  const result = newRecord(existing);
  const create: IndexDefs = newRecord();
  const drop: string[] = [];
  for (const [name, spec] of Object.entries(requested)) {
    assertIndexName(name);
    if (spec && typeof spec === 'object' && (spec as { __op?: string }).__op === 'Delete') {
      if (!has(existing, name)) throw errors.invalidQuery(`Index ${name} does not exist, cannot delete.`);
      drop.push(name);
      delete result[name];
      continue;
    }
    if (has(existing, name)) throw errors.invalidQuery(`Index ${name} exists, cannot update.`);
    const keys = validateIndexSpec(fields, name, spec);
    create[name] = keys;
    result[name] = keys;
  }
  return { create, drop, result };
}

/**
 * Applies a requested change to a class definition (or to nothing, for a new class) and checks
 * it completely before any DDL runs: names, types, targets, CLPs, indexes. `classes` is the
 * catalog the change is made against (read inside the changing transaction). Removals apply
 * after additions, as in Parse's GraphQL API: a name listed in `removeFields` is never added (a
 * field added and removed in one change ends absent, an existing one is dropped, so one change
 * cannot retype a field), and removing a field the class does not have is a no-op.
 */
export function planChange(classes: SchemaSnapshot['classes'], className: string, current: ClassDef | undefined, change: ClassChange): PlannedChange {
  const builtIn = newRecord<FieldDef>(DEFAULT_FIELDS, systemFields(className));
  const fields = newRecord<FieldDef>(current?.fields ?? builtIn);
  const removing = new Set(change.removeFields ?? []);
  const added: [string, FieldDef][] = [];
  for (const [name, field] of Object.entries(change.addFields ?? {})) {
    if (removing.has(name)) continue;
    if (has(fields, name)) throw errors.duplicateField(name);
    const checked = validateField(classes, className, name, field);
    added.push([name, checked]);
    fields[name] = checked;
  }
  const removed: [string, FieldDef][] = [];
  for (const name of removing) {
    if (has(builtIn, name)) throw immutableFieldError(name);
    if (!has(fields, name)) continue;
    removed.push([name, fields[name]]);
    delete fields[name];
  }
  const base = current?.indexes ?? newRecord<IndexDefs[string]>({ _id_: { _id: 1 } });
  const indexes = change.indexes ? validateIndexes(fields, base, change.indexes) : { create: {}, drop: [], result: newRecord(base) };
  // A removed field takes its indexes with it (PostgreSQL drops them with the column).
  for (const [name] of removed) {
    for (const [index, keys] of Object.entries(indexes.result)) if (has(keys, name)) delete indexes.result[index];
  }
  const classLevelPermissions =
    change.classLevelPermissions !== undefined
      ? validateClassLevelPermissions(change.classLevelPermissions, fields)
      : (current?.classLevelPermissions ?? defaultClassLevelPermissions());
  const next: ClassDef = { className, fields, classLevelPermissions, indexes: indexes.result };
  return { next, added, removed, createIndexes: indexes.create, dropIndexes: indexes.drop };
}
