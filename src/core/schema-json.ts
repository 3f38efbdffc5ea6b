import { ErrorCode, errors, ParseError } from '../errors/index.ts';
import { DEFAULT_FIELDS, systemFields, type ClassChange, type ClassDef, type FieldDef } from '../schema/index.ts';
import { isSchemaFieldType, orderedFields } from './schema-api.ts';

/*
 * A class in Parse's schema JSON — `{className, fields: {name: {type, targetClass, required,
 * defaultValue}}, classLevelPermissions, indexes}` — as Parse's REST API (and its dashboard)
 * sends and receives it, with Parse's checks and messages for what it sends. What Plinth checks
 * beyond Parse (a pointer's target must exist, GraphQL's reserved names…) stays in
 * schema/change.ts, which every change goes through after this.
 */

/** Parse's rule for a field name a client adds (fieldNameIsValid): `className` and `length` are not names. */
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const RESERVED = new Set(['className', 'length']);

/** Every CLP operation Parse lists, empty unless the class says otherwise (Parse's toParseSchema). */
const EMPTY_CLPS = { find: {}, get: {}, count: {}, create: {}, update: {}, delete: {}, addField: {}, protectedFields: {} };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isDelete(spec: unknown): boolean {
  return isRecord(spec) && spec.__op === 'Delete';
}

/** `Pointer<_User>`, `String`: a type as Parse's messages write it. */
function typeName(type: unknown, targetClass?: unknown): string {
  return typeof targetClass === 'string' && targetClass ? `${String(type)}<${targetClass}>` : String(type);
}

/** One field as Parse lists it: a Date default as `{__type: 'Date', iso}`, `required` only when set. */
function fieldJson(field: FieldDef): Record<string, unknown> {
  const out: Record<string, unknown> = { type: field.type };
  if (field.targetClass !== undefined) out.targetClass = field.targetClass;
  if (field.required) out.required = true;
  if (field.defaultValue !== undefined) out.defaultValue = field.type === 'Date' ? { __type: 'Date', iso: field.defaultValue } : field.defaultValue;
  return out;
}

/**
 * A class as Parse Server lists it on PostgreSQL: its fields in Parse's order, every CLP
 * operation (empty ones too), and `indexes` only when the class has one of its own beside the
 * primary key's `_id_`.
 */
export function schemaJson(cls: ClassDef): Record<string, unknown> {
  const fields: Record<string, unknown> = Object.create(null);
  for (const [name, field] of orderedFields(cls)) fields[name] = fieldJson(field);
  const out: Record<string, unknown> = { className: cls.className, fields, classLevelPermissions: { ...EMPTY_CLPS, ...cls.classLevelPermissions } };
  if (Object.keys(cls.indexes).some((name) => name !== '_id_')) out.indexes = cls.indexes;
  return out;
}

/** The type of a default value, as Parse infers it to compare with the field's (SchemaController getType). */
function valueType(value: unknown): { type: string; targetClass?: unknown } {
  if (typeof value === 'string') return { type: 'String' };
  if (typeof value === 'number') return { type: 'Number' };
  if (typeof value === 'boolean') return { type: 'Boolean' };
  if (Array.isArray(value)) return { type: 'Array' };
  if (!isRecord(value) || value.__type === undefined) return { type: 'Object' };
  if (value.__type === 'Pointer' || value.__type === 'Relation') return { type: value.__type, targetClass: value.className };
  if (['Date', 'File', 'GeoPoint', 'Polygon', 'Bytes'].includes(value.__type as string)) return { type: value.__type as string };
  throw errors.incorrectType(`This is not a valid ${String(value.__type)}`);
}

/** Parse's checks of a new field (validateSchemaData), in its order and with its codes and messages. */
function newField(className: string, name: string, spec: unknown): FieldDef {
  if (!FIELD_NAME.test(name) || RESERVED.has(name)) throw new ParseError(ErrorCode.INVALID_KEY_NAME, `invalid field name: ${name}`);
  if (Object.hasOwn(DEFAULT_FIELDS, name) || Object.hasOwn(systemFields(className), name))
    throw new ParseError(ErrorCode.CHANGED_IMMUTABLE_FIELD, `field ${name} cannot be added`);
  if (!isRecord(spec)) throw errors.invalidJson('invalid JSON');
  const { type, targetClass, required, defaultValue } = spec;
  if (type === 'Pointer' || type === 'Relation') {
    if (!targetClass) throw new ParseError(ErrorCode.MISSING_REQUIRED_FIELD, `type ${type} needs a class name`);
    if (typeof targetClass !== 'string') throw errors.invalidJson('invalid JSON');
    // The target's name and existence: schema/change.ts (103).
  } else if (typeof type !== 'string') throw errors.invalidJson('invalid JSON');
  else if (!isSchemaFieldType(type)) throw errors.incorrectType(`invalid field type: ${type}`);
  const field: FieldDef = { type: type as FieldDef['type'] };
  if (typeof targetClass === 'string' && (type === 'Pointer' || type === 'Relation')) field.targetClass = targetClass;
  if (defaultValue !== undefined && defaultValue !== null) {
    if (type === 'Relation') throw errors.incorrectType(`The 'default value' option is not applicable for ${typeName(type, targetClass)}`);
    const got = valueType(defaultValue);
    if (got.type !== type || (got.targetClass !== undefined && got.targetClass !== targetClass))
      throw errors.incorrectType(
        `schema mismatch for ${className}.${name} default value; expected ${typeName(type, targetClass)} but got ${typeName(got.type, got.targetClass)}`,
      );
    field.defaultValue = defaultValue;
  } else if (required && type === 'Relation') throw errors.incorrectType(`The 'required' option is not applicable for ${typeName(type, targetClass)}`);
  if (required) field.required = true;
  return field;
}

/**
 * A field the class has, sent again: the same type (and target) is no change — Parse would
 * update its `required` and `defaultValue`, which Plinth does not (255 rather than a silent
 * no-op); another type is Parse's 255, another target its 111.
 */
function sameField(className: string, name: string, existing: FieldDef, spec: unknown): void {
  const given = isRecord(spec) ? spec : {};
  if (given.type !== existing.type) throw new ParseError(ErrorCode.INVALID_SCHEMA_OPERATION, `Field ${name} exists, cannot update.`);
  if ((given.targetClass ?? undefined) !== existing.targetClass)
    throw errors.incorrectType(
      `schema mismatch for ${className}.${name}; expected ${typeName(existing.type, existing.targetClass)} but got ${typeName(given.type, given.targetClass)}`,
    );
  const wanted = given.defaultValue ?? undefined;
  const kept = existing.type === 'Date' && typeof existing.defaultValue === 'string' ? { __type: 'Date', iso: existing.defaultValue } : existing.defaultValue;
  if (!!given.required !== !!existing.required || JSON.stringify(wanted) !== JSON.stringify(kept))
    throw new ParseError(ErrorCode.INVALID_SCHEMA_OPERATION, `Field ${name} exists: changing its required or defaultValue option is not supported.`);
}

/**
 * A POST or PUT `/schemas` body as a catalog change: `fields` (a field to add, or `{__op:
 * 'Delete'}` to remove one — an update only), `classLevelPermissions` (replaced whole) and
 * `indexes` (added, or `{__op: 'Delete'}`). `current` is the class being updated (absent: a
 * class being created).
 */
export function classChangeFromJson(className: string, body: Record<string, unknown>, current: ClassDef | undefined): ClassChange {
  const addFields: Record<string, FieldDef> = Object.create(null);
  const removeFields: string[] = [];
  const specs: [string, unknown][] = [];
  if (body.fields !== undefined && body.fields !== null) {
    // As Parse's for…in: a list or a string has names '0', '1'… (refused as field names).
    const fields = Object(body.fields) as Record<string, unknown>;
    for (const name of Object.keys(fields)) specs.push([name, fields[name]]);
  }
  const existing = (name: string) => (current && Object.hasOwn(current.fields, name) ? current.fields[name] : undefined);
  // Parse checks every field against the class before it checks any new one.
  for (const [name, spec] of specs) {
    if (!current) continue;
    const had = existing(name);
    if (isDelete(spec)) {
      if (!had) throw new ParseError(ErrorCode.INVALID_SCHEMA_OPERATION, `Field ${name} does not exist, cannot delete.`);
      removeFields.push(name);
    } else if (had) sameField(className, name, had, spec);
  }
  for (const [name, spec] of specs) if (!existing(name) && !(current && isDelete(spec))) addFields[name] = newField(className, name, spec);
  const change: ClassChange = { addFields, removeFields };
  if (body.classLevelPermissions !== undefined && body.classLevelPermissions !== null) change.classLevelPermissions = body.classLevelPermissions;
  if (body.indexes !== undefined && body.indexes !== null) {
    if (!isRecord(body.indexes)) throw errors.invalidQuery('indexes must be a JSON object of index name to keys.');
    change.indexes = body.indexes;
  }
  return change;
}
