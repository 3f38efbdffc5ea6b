import { errors } from '../../errors/index.ts';
import { hasColumn, isValidFieldName, newRecord, type ClassDef, type FieldDef } from '../../schema/index.ts';
import { invalid, lookupTable } from '../parse/state.ts';
import type { AggField } from './types.ts';

/** The fields visible between two stages of a pipeline. */
export interface Shape {
  /** The class the pipeline reads. */
  cls: ClassDef;
  /**
   * No $group or $project yet: the fields are the class's own columns, so a $match gets the
   * class's whole where (relations, subqueries) and Parse's aliases (`$_p_author`) apply.
   */
  raw: boolean;
  fields: ReadonlyMap<string, AggField>;
}

/** What a pipeline starts from: every field of the class that is a column (no ACL, relations or password). */
export function initialShape(cls: ClassDef): Shape {
  const fields = new Map<string, AggField>();
  for (const [name, def] of Object.entries(cls.fields)) {
    if (hasColumn(cls.className, name, def)) fields.set(name, { name, type: def.type, targetClass: def.targetClass, keepNull: false });
  }
  return { cls, raw: true, fields };
}

/** The shape after a stage that computes its own fields. */
export function derivedShape(before: Shape, fields: readonly AggField[]): Shape {
  return { cls: before.cls, raw: false, fields: new Map(fields.map((f) => [f.name, f])) };
}

/**
 * The shape as a class, for parsing a $match over it: the class itself while raw, else a class
 * of the computed fields. Its name is one no stored class can have, so that a group key that
 * happens to look like a Relay id of the class is compared as it is, never decoded.
 */
export function shapeClass(shape: Shape): ClassDef {
  if (shape.raw) return shape.cls;
  const fields = newRecord<FieldDef>();
  for (const f of shape.fields.values()) fields[f.name] = f.targetClass ? { type: f.type, targetClass: f.targetClass } : { type: f.type };
  return { className: `${shape.cls.className} (pipeline output)`, fields, classLevelPermissions: {}, indexes: {} };
}

/** MongoDB's names for Parse's columns, which Parse accepts in field references. */
const MONGO_NAMES = lookupTable<string>({ _id: 'objectId', _created_at: 'createdAt', _updated_at: 'updatedAt' });

/** A field name as written in a stage's keys (`_id` is objectId, as in Parse). */
export function fieldName(key: string): string {
  return key === '_id' ? 'objectId' : key;
}

/** A short rendering of client input for messages. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}

/**
 * The field a reference (`'$views'`) names in the current shape; `$_id`, `$_created_at`,
 * `$_updated_at` and `$_p_<pointer>` are Parse's spellings of objectId, the dates and a pointer.
 * Anything else is error 102, naming `context` (the stage and key).
 */
export function fieldRef(shape: Shape, ref: unknown, context: string): AggField {
  if (typeof ref !== 'string' || !ref.startsWith('$') || ref.length < 2) invalid(`${context}: expected a field reference such as "$views", got ${show(ref)}`);
  let name = ref.slice(1);
  name = MONGO_NAMES[name] ?? name;
  if (shape.raw && name.startsWith('_p_') && shape.fields.get(name.slice(3))?.type === 'Pointer') name = name.slice(3);
  const field = shape.fields.get(name);
  if (!field) invalid(`${context}: ${show(ref)} is not a field ${shape.raw ? `of class ${shape.cls.className}` : 'of the previous stage'}`);
  return field;
}

/** A name a stage gives to a field it outputs: a valid field name (error 105 otherwise). */
export function outputName(name: string): string {
  if (!isValidFieldName(name)) throw errors.invalidFieldName(name);
  return name;
}
