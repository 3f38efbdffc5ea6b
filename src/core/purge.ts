import { ident } from '../db/index.ts';
import { errors } from '../errors/index.ts';
import { joinTableName } from '../schema/index.ts';
import { writePolicy, type Auth } from '../security/index.ts';
import type { Core } from './core.ts';

/**
 * The statement that empties a class: its rows, and in the same statement the relation rows
 * they own (data-modifying CTEs all run, referenced or not). Rows that point at the deleted
 * objects from other classes' relations stay, as after a delete of each object.
 */
function purgeSql(className: string, relations: readonly string[]): string {
  const owned = relations.map(
    (field, i) => `, "owned${i}" AS (DELETE FROM ${ident(joinTableName(className, field))} WHERE "owningId" IN (SELECT "objectId" FROM "gone"))`,
  );
  return `WITH "gone" AS (DELETE FROM ${ident(className)} RETURNING "objectId")${owned.join('')} SELECT count(*)::int AS "count" FROM "gone"`;
}

/**
 * Deletes every object of a class and returns how many there were — Parse's `DELETE
 * /purge/<Class>`. As in Parse (DatabaseController.purgeCollection deletes by an empty query
 * in the storage adapter), it is one statement that runs no cloud trigger, sends no live event
 * and skips core's per-object hooks: it is the fast way to empty a class, not a delete of each
 * object. Master key only; a dashboard admin needs write access to the class (119). A class
 * that does not exist has nothing to purge (0). The caller drops caches that hold objects of
 * the class (roles for _Role).
 */
export async function purgeClass(core: Core, auth: Auth, className: string): Promise<number> {
  if (!auth.isMaster) throw errors.masterKeyRequired();
  const rt = core.runtime;
  const cls = rt.schema.getClass(className);
  if (!cls) return 0;
  writePolicy(auth, cls, 'delete');
  const relations = Object.entries(cls.fields)
    .filter(([, f]) => f.type === 'Relation')
    .map(([name]) => name);
  const [row] = await rt.db.query<{ count: number }>(purgeSql(className, relations));
  return row?.count ?? 0;
}
