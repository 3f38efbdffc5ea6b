import { ErrorCode, errors, ParseError } from '../errors/index.ts';
import type { FindResult, ParseObject } from '../core/index.ts';
import type { ClassDef } from '../schema/index.ts';
import { PUBLIC_ACL, readPolicy, type Auth } from '../security/index.ts';
import { decodeWrite } from './codec/decode.ts';
import { encodeObject, encodeValue, type EncodeContext } from './codec/encode.ts';
import type { RestDeps } from './deps.ts';
import { defaultFields, readPlan, restFind, type RestFind } from './find-params.ts';
import { includeObjects } from './include.ts';
import type { RestRequest } from './request.ts';
import type { RestResult } from './respond.ts';
import { classForWrite, fieldsAdder } from './schema-on-write.ts';

/** How objects are written out: the catalog now, and file URLs. */
export function encodeContext(deps: RestDeps): EncodeContext {
  return { classes: deps.schemaStore.current.classes, fileUrl: (name) => deps.fileUrl(name) };
}

/**
 * `redirectClassNameForKey`: the SDK's relation query on an object whose relation it has not
 * seen (`relation.query()` without a target class) asks for the class of `key`'s targets; a key
 * that is no relation keeps the class, as Parse does.
 */
function redirectedClass(deps: RestDeps, className: string, key: unknown): string {
  if (typeof key !== 'string' || key === '') return className;
  const fields = deps.schemaStore.getClass(className)?.fields;
  const def = fields && Object.hasOwn(fields, key) ? fields[key] : undefined;
  return def?.type === 'Relation' && def.targetClass ? def.targetClass : className;
}

const NOTHING_RELATED: FindResult = { objects: [], count: 0, skip: 0, hasNextPage: false, hasPreviousPage: false, cursor: () => '' };

/**
 * A find under `$relatedTo` (`relation.query()`): the objects of the owner's relation field, with
 * the rest of the find applied, as core reads a relation for GraphQL. As Parse Server 9 does, a
 * caller who may not read the owner gets none (the relation is no oracle of membership), and a
 * relation field protected from the caller is refused (119, core's check). An owner class or
 * field that is not a relation to this class holds nothing.
 */
async function findRelatedTo(deps: RestDeps, auth: Auth, cls: ClassDef, find: RestFind): Promise<FindResult> {
  const { className: ownerClass, objectId: ownerId, key } = find.relatedTo!;
  const ownerFields = deps.schemaStore.getClass(ownerClass)?.fields;
  const def = ownerFields && Object.hasOwn(ownerFields, key) ? ownerFields[key] : undefined;
  if (def?.type !== 'Relation' || def.targetClass !== cls.className) return NOTHING_RELATED;
  if (!auth.isMaster) {
    // The server's own check, as Parse's: the owner class's read triggers do not see it.
    const readable = await deps.core.getMany(auth, ownerClass, [ownerId], ['objectId'], undefined, false).then(
      (found) => found.has(ownerId),
      (error: unknown) => {
        if (error instanceof ParseError && (error.code === ErrorCode.OBJECT_NOT_FOUND || error.code === ErrorCode.OPERATION_FORBIDDEN)) return false;
        throw error;
      },
    );
    if (!readable) return NOTHING_RELATED;
  }
  // Core reads a relation's page without includes: they are all read afterwards (includeObjects).
  const { include: _joined, ...request } = find.request;
  return (await deps.core.findRelated(auth, ownerClass, key, [ownerId], request)).get(ownerId) ?? NOTHING_RELATED;
}

/** `GET classes/<C>`: `{results}` (and `count` when asked); a class that does not exist has no objects. */
export async function findObjects(deps: RestDeps, req: RestRequest, requestedClass: string): Promise<RestResult> {
  const className = redirectedClass(deps, requestedClass, req.params.redirectClassNameForKey);
  // The SDK reads the objects' class from the answer when it asked for a redirect.
  const redirected = className !== requestedClass ? { className } : {};
  const cls = deps.schemaStore.getClass(className);
  if (!cls) return { body: req.params.count ? { results: [], count: 0, ...redirected } : { results: [], ...redirected } };
  const find = restFind(req.params, cls, deps.schemaStore.current.classes);
  const found = find.relatedTo ? await findRelatedTo(deps, req.auth, cls, find) : await deps.core.find(req.auth, className, find.request);
  const ctx = encodeContext(deps);
  const results = find.request.wantObjects ? found.objects.map((o) => encodeObject(o, ctx)) : [];
  await includeObjects(deps, req.auth, results, find.include, ctx);
  return { body: find.count ? { results, count: found.count ?? 0, ...redirected } : { results, ...redirected } };
}

/** `GET classes/<C>/<id>`: the object (`keys`, `excludeKeys`, `include` as for a find), or 101. */
export async function getObject(deps: RestDeps, req: RestRequest, className: string, objectId: string): Promise<RestResult> {
  const cls = deps.schemaStore.getClass(className);
  if (!cls) throw errors.objectNotFound();
  const plan = readPlan(req.params, cls);
  const obj = await deps.core.get(req.auth, className, objectId, plan.fields);
  const ctx = encodeContext(deps);
  const results = [encodeObject(obj, ctx)];
  await includeObjects(deps, req.auth, results, plan.include, ctx);
  return { body: results[0] };
}

const OPERATIONS_WITH_RESULT = new Set(['Increment', 'Add', 'AddUnique', 'Remove']);

function isOperation(value: unknown): value is { __op: string } {
  return typeof value === 'object' && value !== null && typeof (value as { __op?: unknown }).__op === 'string';
}

/** The field a body key writes: itself, or for a dotted key (`"meta.stars"`) the Object field it writes inside. */
function fieldOfKey(cls: ClassDef, key: string): string | undefined {
  const name = key.includes('.') ? key.slice(0, key.indexOf('.')) : key;
  return Object.hasOwn(cls.fields, name) ? name : undefined;
}

/**
 * The fields a write answers with beyond its ids and dates, as Parse does: the results of
 * operations (an Increment's new total; for a dotted key, the whole Object field it changed),
 * and — when a beforeSave trigger may have changed the
 * object — every field, of which those that differ from what was sent are answered. Only when the
 * caller may `get` objects of the class: the answer is a read.
 */
export function fieldsToAnswer(deps: RestDeps, auth: Auth, cls: ClassDef, body: Record<string, unknown>): string[] {
  const withResults = Object.keys(body).filter((k) => isOperation(body[k]) && OPERATIONS_WITH_RESULT.has(body[k].__op));
  const fromOps = [...new Set(withResults.map((k) => fieldOfKey(cls, k)).filter((f) => f !== undefined))];
  const triggered = deps.cloud.runtime.registry.has('beforeSave', cls.className);
  const wanted = triggered ? defaultFields(cls).filter((f) => cls.fields[f].type !== 'Relation') : fromOps;
  if (!wanted.length) return [];
  try {
    readPolicy(auth, cls, 'get');
  } catch {
    return [];
  }
  return wanted;
}

/** Fields of a written object whose value differs from what the client sent (Parse answers those). */
export function changedFields(saved: ParseObject, cls: ClassDef, sent: Record<string, unknown>, fields: string[], ctx: EncodeContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of fields) {
    if (key === 'objectId' || key === 'createdAt' || key === 'updatedAt' || !Object.hasOwn(saved, key)) continue;
    const value = saved[key];
    // No ACL stored (none sent, none set by a trigger): nothing changed, nothing to answer.
    if (key === 'ACL' && value === PUBLIC_ACL && !Object.hasOwn(sent, 'ACL')) continue;
    const encoded = value === null || value === undefined ? undefined : encodeValue(key, cls.fields[key], value, ctx);
    const was = Object.hasOwn(sent, key) ? sent[key] : undefined;
    if (encoded === undefined) {
      if (was !== undefined && !(isOperation(was) && was.__op === 'Delete') && was !== null) out[key] = { __op: 'Delete' };
      continue;
    }
    if (isOperation(was) || JSON.stringify(encoded) !== JSON.stringify(was)) out[key] = encoded;
  }
  return out;
}

/** `POST classes/<C>`: 201 `{objectId, createdAt}` (with the fields the server changed) and the object's URL in `Location`. */
export async function createObject(deps: RestDeps, req: RestRequest, className: string, body = req.body ?? {}): Promise<RestResult> {
  const cls = await classForWrite(deps, req.auth, className, body);
  const input = decodeWrite(body, cls, true);
  const back = fieldsToAnswer(deps, req.auth, cls, body);
  const addFields = fieldsAdder(deps, req.auth, className);
  const saved = await deps.core.create(req.auth, className, input, back.length ? { fields: ['objectId', 'createdAt', ...back], addFields } : { addFields });
  // A beforeSave may have set fields the class did not have: the class as the write left it.
  const after = deps.schemaStore.getClass(className) ?? cls;
  const changed = changedFields(saved, after, body, fieldsToAnswer(deps, req.auth, after, body), encodeContext(deps));
  const out: Record<string, unknown> = { objectId: saved.objectId, createdAt: saved.createdAt, ...changed };
  // The class's default ACL (CLP `ACL`) was given to an object sent without one: Parse answers it.
  if (body.ACL == null && after.classLevelPermissions.ACL && saved.ACL && saved.ACL !== PUBLIC_ACL) out.ACL = saved.ACL;
  const location = `${deps.config.publicUrl}${deps.config.rest.path}/classes/${encodeURIComponent(className)}/${saved.objectId}`;
  return { status: 201, body: out, headers: { location } };
}

/** `PUT classes/<C>/<id>`: `{updatedAt}` with the fields the server changed (operations' results, triggers' changes). */
export async function updateObject(deps: RestDeps, req: RestRequest, className: string, objectId: string, body = req.body ?? {}): Promise<RestResult> {
  if (!deps.schemaStore.getClass(className)) throw errors.objectNotFound();
  const cls = await classForWrite(deps, req.auth, className, body);
  const input = decodeWrite(body, cls, false);
  const back = fieldsToAnswer(deps, req.auth, cls, body);
  const saved = await deps.core.update(req.auth, className, objectId, input, {
    fields: ['objectId', 'updatedAt', ...back],
    addFields: fieldsAdder(deps, req.auth, className),
  });
  const after = deps.schemaStore.getClass(className) ?? cls;
  return { body: { updatedAt: saved.updatedAt, ...changedFields(saved, after, body, fieldsToAnswer(deps, req.auth, after, body), encodeContext(deps)) } };
}

/** `DELETE classes/<C>/<id>`: `{}`, or 101 when there is no such object the caller may delete. */
export async function deleteObject(deps: RestDeps, req: RestRequest, className: string, objectId: string): Promise<RestResult> {
  if (!deps.schemaStore.getClass(className)) throw errors.objectNotFound();
  await deps.core.delete(req.auth, className, objectId);
  return { body: {} };
}
