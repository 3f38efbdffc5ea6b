import { DEFAULT_FIELDS, SYSTEM_CLASS_FIELDS, defaultClassLevelPermissions } from './defaults.ts';
import { FIELD_TYPES, type ClassDef, type ClassLevelPermissions, type FieldDef, type FieldType, type IndexDefs } from './types.ts';
import { isValidFieldName } from './names.ts';

/** The JSON kept in "_SCHEMA"."schema", in Parse Server's format. */
export interface StoredSchema {
  className: string;
  fields: Record<string, { type: string; targetClass?: string; required?: boolean; defaultValue?: unknown; contents?: unknown }>;
  classLevelPermissions?: ClassLevelPermissions;
  indexes?: IndexDefs;
}

const KNOWN_TYPES = new Set<string>(FIELD_TYPES);

/**
 * Reads a stored definition into the server's view: internal columns dropped, ACL and the
 * built-in fields of system classes added, fields that cannot be exposed (invalid names or
 * unknown types from a foreign database) skipped.
 */
export function fromStored(stored: StoredSchema): ClassDef {
  const fields: Record<string, FieldDef> = { ...DEFAULT_FIELDS, ...SYSTEM_CLASS_FIELDS[stored.className] };
  for (const [name, def] of Object.entries(stored.fields ?? {})) {
    if (name in DEFAULT_FIELDS || !isValidFieldName(name) || !KNOWN_TYPES.has(def.type)) continue;
    const field: FieldDef = { type: def.type as FieldType };
    if (def.targetClass) field.targetClass = def.targetClass;
    if (def.required) field.required = true;
    if (def.defaultValue !== undefined) field.defaultValue = def.defaultValue;
    fields[name] = field;
  }
  return {
    className: stored.className,
    fields,
    classLevelPermissions: stored.classLevelPermissions ?? defaultClassLevelPermissions(),
    indexes: { _id_: { _id: 1 } as Record<string, 1>, ...stored.indexes },
  };
}

/** Writes the server's view back in Parse's stored format. */
export function toStored(def: ClassDef, previous?: StoredSchema): StoredSchema {
  const fields: StoredSchema['fields'] = {
    objectId: { type: 'String' },
    createdAt: { type: 'Date' },
    updatedAt: { type: 'Date' },
    _rperm: { type: 'Array', contents: { type: 'String' } },
    _wperm: { type: 'Array', contents: { type: 'String' } },
  };
  // Keep what a foreign writer (Parse Server) stored that we do not model, e.g. _hashed_password.
  for (const [name, f] of Object.entries(previous?.fields ?? {})) if (!(name in fields) && name.startsWith('_')) fields[name] = f;
  for (const [name, f] of Object.entries(def.fields)) {
    if (name in DEFAULT_FIELDS || (SYSTEM_CLASS_FIELDS[def.className]?.[name] && name === 'password')) continue;
    fields[name] = { type: f.type };
    if (f.targetClass) fields[name].targetClass = f.targetClass;
    if (f.required) fields[name].required = true;
    if (f.defaultValue !== undefined) fields[name].defaultValue = f.defaultValue;
  }
  const { _id_: _ignored, ...indexes } = def.indexes;
  const out: StoredSchema = { className: def.className, fields, classLevelPermissions: def.classLevelPermissions };
  if (Object.keys(indexes).length) out.indexes = indexes;
  return out;
}
