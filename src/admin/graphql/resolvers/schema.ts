import type { ClassDef } from '../../../schema/index.ts';
import { bySystemThenName } from '../../../core/schema-api.ts';
import { classChangeFromJson } from '../../../core/schema-json.ts';
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
    .sort(bySystemThenName)
    .map((cls) => classInfo(c, cls));
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
  const spec = classChangeFromJson(args.className, { fields: args.fields, classLevelPermissions: args.classLevelPermissions }, undefined);
  return classInfo(c, await change(c, args.className, () => c.deps.schemaStore.createClass(args.className, spec)));
}

export async function updateClass(c: AdminContext, args: { className: string; fields?: unknown; classLevelPermissions?: unknown; indexes?: unknown }) {
  const spec = classChangeFromJson(
    args.className,
    { fields: args.fields, classLevelPermissions: args.classLevelPermissions, indexes: args.indexes },
    c.deps.schemaStore.getClass(args.className),
  );
  return classInfo(c, await change(c, args.className, () => c.deps.schemaStore.updateClass(args.className, spec)));
}

export async function deleteClass(c: AdminContext, className: string): Promise<boolean> {
  await change(c, className, () => c.deps.schemaStore.deleteClass(className));
  return true;
}
