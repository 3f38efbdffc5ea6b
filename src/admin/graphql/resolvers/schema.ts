import { errors } from '../../../errors/index.ts';
import { FIELD_TYPES as ALL_FIELD_TYPES, type ClassChange, type ClassDef, type FieldDef, type FieldType } from '../../../schema/index.ts';
import { classOutput } from '../../../graphql/schema-api.ts';
import { adminMayWrite } from '../../../security/index.ts';
import { auditedSchemaChange } from '../../audit/index.ts';
import { requireFeature, type AdminContext } from '../context.ts';

/*
 * Classes as the schema screens read and change them: the catalog changes the public schema
 * API makes (SchemaStore.createClass / updateClass / deleteClass), with Parse's PUT /schemas
 * field format. CLPs — pointer permissions and protected fields included — and indexes pass
 * through as Parse's JSON.
 */

const FIELD_TYPES: ReadonlySet<string> = new Set<FieldType>(ALL_FIELD_TYPES);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{name: {type, targetClass, required, defaultValue} | {__op: "Delete"}}` as a catalog change. */
export function classChange(fields: unknown, classLevelPermissions: unknown, indexes: unknown): ClassChange {
  const addFields: Record<string, FieldDef> = Object.create(null);
  const removeFields: string[] = [];
  if (fields !== undefined && fields !== null) {
    if (!isObject(fields)) throw errors.invalidJson('fields must be a JSON object');
    for (const [name, spec] of Object.entries(fields)) {
      if (!isObject(spec)) throw errors.invalidJson(`Field ${name}: expected {type, targetClass, required, defaultValue} or {__op: "Delete"}`);
      if (spec.__op === 'Delete') {
        removeFields.push(name);
        continue;
      }
      if (typeof spec.type !== 'string' || !FIELD_TYPES.has(spec.type as FieldType))
        throw errors.incorrectType(`Field ${name}: invalid type ${String(spec.type)}`);
      const def: FieldDef = { type: spec.type as FieldType };
      if (typeof spec.targetClass === 'string') def.targetClass = spec.targetClass;
      if (spec.required === true) def.required = true;
      if (spec.defaultValue !== undefined && spec.defaultValue !== null) def.defaultValue = spec.defaultValue;
      addFields[name] = def;
    }
  }
  const change: ClassChange = { addFields, removeFields };
  if (classLevelPermissions !== undefined && classLevelPermissions !== null) change.classLevelPermissions = classLevelPermissions;
  if (indexes !== undefined && indexes !== null) {
    if (!isObject(indexes)) throw errors.invalidJson('indexes must be a JSON object');
    change.indexes = indexes;
  }
  return change;
}

/** Fields every admin who may read a class sees (as security/admin-scope.ts decides). */
const ALWAYS_SHOWN = new Set(['objectId', 'createdAt', 'updatedAt', 'ACL']);

/** A class as ClassInfo: for a scoped admin, only the fields of its scope, and whether it may write objects. */
export function classInfo(c: AdminContext, cls: ClassDef) {
  const out = classOutput(cls);
  const admin = c.principal.auth.admin;
  const rule = admin?.classes?.get(cls.className);
  const shown = rule?.fields;
  return {
    className: cls.className,
    fields: out.schemaFields
      .filter((f) => !shown || shown.has(f.name) || ALWAYS_SHOWN.has(f.name))
      .map((f) => ({ name: f.name, type: f.type, targetClass: f.targetClassName ?? null, required: f.required, defaultValue: f.defaultValue ?? null })),
    classLevelPermissions: cls.classLevelPermissions ?? {},
    indexes: cls.indexes ?? {},
    writable: adminMayWrite(c.principal.auth, cls.className),
  };
}

/** The classes this admin sees (a scoped admin: those of its scope), in the schema API's order. */
export function classes(c: AdminContext) {
  const scoped = c.principal.auth.admin?.classes;
  return [...c.deps.schemaStore.current.classes.values()]
    .filter((cls) => !scoped || scoped.has(cls.className))
    .sort((a, b) => rank(a.className) - rank(b.className) || (a.className < b.className ? -1 : a.className > b.className ? 1 : 0))
    .map((cls) => classInfo(c, cls));
}

function rank(name: string): number {
  return name === '_User' ? 0 : name === '_Role' ? 1 : name.startsWith('_') ? 2 : 3;
}

/**
 * A schema change with the admin's Auth, through the audit module: refused to read-only and
 * class-scoped admins (security's checkSchemaChange), made by the schema store as the public
 * schema API makes it, and recorded in the audit trail.
 */
function change(c: AdminContext, className: string, run: () => Promise<ClassDef>): Promise<ClassDef> {
  requireFeature(c, 'schema');
  return auditedSchemaChange(c.deps.db, c.deps.schemaStore, c.principal.auth, className, run);
}

export async function createClass(c: AdminContext, args: { className: string; fields?: unknown; classLevelPermissions?: unknown }) {
  const spec = classChange(args.fields, args.classLevelPermissions, undefined);
  return classInfo(c, await change(c, args.className, () => c.deps.schemaStore.createClass(args.className, spec)));
}

export async function updateClass(c: AdminContext, args: { className: string; fields?: unknown; classLevelPermissions?: unknown; indexes?: unknown }) {
  const spec = classChange(args.fields, args.classLevelPermissions, args.indexes);
  return classInfo(c, await change(c, args.className, () => c.deps.schemaStore.updateClass(args.className, spec)));
}

export async function deleteClass(c: AdminContext, className: string): Promise<boolean> {
  await change(c, className, () => c.deps.schemaStore.deleteClass(className));
  return true;
}
