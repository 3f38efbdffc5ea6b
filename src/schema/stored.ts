import { DEFAULT_FIELDS, defaultClassLevelPermissions, isVirtualField, systemFields } from './defaults.ts';
import { FIELD_TYPES, type ClassDef, type ClassLevelPermissions, type FieldDef, type FieldType, type IndexDefs } from './types.ts';
import { has, isExposableFieldName, newRecord } from './names.ts';

type StoredField = { type: string; targetClass?: string; required?: boolean; defaultValue?: unknown; contents?: unknown };

/** The JSON kept in "_SCHEMA"."schema", in Parse Server's format. */
export interface StoredSchema {
  className: string;
  fields: Record<string, StoredField>;
  classLevelPermissions?: ClassLevelPermissions;
  indexes?: IndexDefs;
}

const KNOWN_TYPES = new Set<string>(FIELD_TYPES);

/** Whether the server models a stored field; the others (internal columns, names it cannot expose) are kept untouched. */
function isModelled(name: string, def: StoredField | undefined): boolean {
  return (
    !has(DEFAULT_FIELDS, name) &&
    isExposableFieldName(name) &&
    !!def &&
    typeof def === 'object' &&
    KNOWN_TYPES.has(def.type) &&
    def.type !== 'ACL' &&
    (!(def.type === 'Pointer' || def.type === 'Relation') || typeof def.targetClass === 'string')
  );
}

/** Parse stores a Date default as `{__type: "Date", iso}`; the server works with the ISO string. */
function readDefault(type: string, value: unknown): unknown {
  if (type === 'Date' && value && typeof value === 'object' && typeof (value as { iso?: unknown }).iso === 'string') return (value as { iso: string }).iso;
  return value;
}

/**
 * Reads a stored definition into the server's view: internal columns dropped, ACL and the
 * built-in fields of system classes added, fields that cannot be exposed (invalid names or
 * unknown types from a foreign database) skipped.
 */
export function fromStored(stored: StoredSchema): ClassDef {
  // No prototype: a field may be called `constructor` or `toString` (see names.ts newRecord).
  const fields = newRecord<FieldDef>(DEFAULT_FIELDS, systemFields(stored.className));
  for (const [name, def] of Object.entries(stored.fields ?? {})) {
    if (!isModelled(name, def)) continue;
    const field: FieldDef = { type: def.type as FieldType };
    if (def.targetClass) field.targetClass = def.targetClass;
    if (def.required) field.required = true;
    if (def.defaultValue !== undefined && def.defaultValue !== null) field.defaultValue = readDefault(def.type, def.defaultValue);
    fields[name] = field;
  }
  return {
    className: stored.className,
    fields,
    classLevelPermissions: stored.classLevelPermissions ?? defaultClassLevelPermissions(),
    indexes: newRecord<IndexDefs[string]>({ _id_: { _id: 1 } }, stored.indexes),
  };
}

/** Writes the server's view back in Parse's stored format, keeping what it does not model from `previous`. */
export function toStored(def: ClassDef, previous?: StoredSchema): StoredSchema {
  const fields = newRecord<StoredField>({
    objectId: { type: 'String' },
    createdAt: { type: 'Date' },
    updatedAt: { type: 'Date' },
    _rperm: { type: 'Array', contents: { type: 'String' } },
    _wperm: { type: 'Array', contents: { type: 'String' } },
  });
  // Keep what a foreign writer (Parse Server) stored that we do not model, e.g. _hashed_password.
  for (const [name, f] of Object.entries(previous?.fields ?? {})) if (!has(fields, name) && !isModelled(name, f)) fields[name] = f;
  for (const [name, f] of Object.entries(def.fields)) {
    if (has(DEFAULT_FIELDS, name) || isVirtualField(def.className, name)) continue;
    const out: StoredField = { type: f.type };
    if (f.targetClass) out.targetClass = f.targetClass;
    if (f.required) out.required = true;
    if (f.defaultValue !== undefined) out.defaultValue = f.type === 'Date' ? { __type: 'Date', iso: f.defaultValue } : f.defaultValue;
    fields[name] = out;
  }
  const { _id_: _ignored, ...indexes } = def.indexes;
  const out: StoredSchema = { className: def.className, fields, classLevelPermissions: def.classLevelPermissions };
  if (Object.keys(indexes).length) out.indexes = indexes;
  return out;
}
