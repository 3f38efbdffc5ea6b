import type { Sql } from '../../db/index.ts';
import type { ClassDef, SchemaStore } from '../../schema/index.ts';
import { checkSchemaChange, type Auth } from '../../security/index.ts';
import { recordSchemaChange } from './recorder.ts';

/**
 * A schema change made with an Auth (the dashboard's class screens): refused first for a
 * read-only or class-scoped admin (119, security/admin-scope.ts), then made (`change`, e.g.
 * `() => store.updateClass(name, change)`), then recorded in the audit trail with the class
 * as it was and as it is (null when created or deleted). The entry is written after the
 * change commits (the schema store owns its transaction): a failed change leaves no entry.
 */
export async function auditedSchemaChange(sql: Sql, store: SchemaStore, auth: Auth, className: string, change: () => Promise<ClassDef>): Promise<ClassDef> {
  checkSchemaChange(auth);
  const before = store.current.classes.get(className);
  const result = await change();
  await recordSchemaChange(sql, auth, className, before, store.current.classes.get(className));
  return result;
}
