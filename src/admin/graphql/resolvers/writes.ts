import { readableFields } from '../../../cloud/data/find-parts.ts';
import { errors } from '../../../errors/index.ts';
import type { WriteInput } from '../../../core/index.ts';
import { restObject, writeInputOf } from '../codec.ts';
import { requireClass, requireDataFeature, type AdminContext } from '../context.ts';

/*
 * Object writes of the data browser: core's create, update and delete with the admin's Auth
 * (or the browsed-as user's), so that read-only, scopes, ACLs and triggers apply as anywhere.
 */

export async function createObject(c: AdminContext, className: string, fields: unknown) {
  requireDataFeature(c, className);
  const cls = requireClass(c, className);
  const saved = await c.deps.core.create(await c.dataAuth(), className, writeInputOf(cls, fields, c.env), { fields: readableFields(cls) });
  return restObject(cls, saved, c.env);
}

export async function updateObject(c: AdminContext, className: string, objectId: string, fields: unknown) {
  requireDataFeature(c, className);
  const cls = requireClass(c, className);
  const saved = await c.deps.core.update(await c.dataAuth(), className, objectId, writeInputOf(cls, fields, c.env, objectId), { fields: readableFields(cls) });
  return restObject(cls, saved, c.env);
}

/** Deletes the objects in one transaction: all of them, or (on any refusal) none. */
export async function deleteObjects(c: AdminContext, className: string, objectIds: readonly string[]): Promise<string[]> {
  requireDataFeature(c, className);
  requireClass(c, className);
  if (objectIds.length > 1000) throw errors.invalidQuery('At most 1000 objects are deleted at once.');
  const auth = await c.dataAuth();
  const ids = [...new Set(objectIds)];
  return c.deps.core.transaction(async (uow) => {
    for (const id of ids) await c.deps.core.delete(auth, className, id, { uow });
    return ids;
  });
}

/** A new object with the fields of another (its ACL included), but its id and timestamps; relations are not copied. */
export async function cloneObject(c: AdminContext, className: string, objectId: string) {
  requireDataFeature(c, className);
  const cls = requireClass(c, className);
  const auth = await c.dataAuth();
  const fields = readableFields(cls);
  const original = await c.deps.core.get(auth, className, objectId, fields);
  const input: WriteInput = {};
  for (const [key, value] of Object.entries(original)) {
    if (key === 'objectId' || key === 'createdAt' || key === 'updatedAt' || value === undefined || value === null) continue;
    // Values a client cannot write (a _User's authData, a session's token) are not copied.
    if (!Object.hasOwn(cls.fields, key)) continue;
    input[key] = value;
  }
  const saved = await c.deps.core.create(auth, className, input, { fields });
  return restObject(cls, saved, c.env);
}

export async function changeRelation(
  c: AdminContext,
  args: { className: string; objectId: string; field: string; targetIds: string[] },
  change: 'add' | 'remove',
): Promise<boolean> {
  requireDataFeature(c, args.className);
  const cls = requireClass(c, args.className);
  if (!Object.hasOwn(cls.fields, args.field) || cls.fields[args.field].type !== 'Relation')
    throw errors.invalidQuery(`${args.field} is not a relation of ${args.className}`);
  await c.deps.core.update(await c.dataAuth(), args.className, args.objectId, { [args.field]: { [change]: args.targetIds } });
  return true;
}
