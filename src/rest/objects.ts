import { errors } from '../errors/index.ts';
import { INCLUDED, type ParseObject } from '../core/index.ts';
import type { ClassDef } from '../schema/index.ts';
import { readPolicy, type Auth } from '../security/index.ts';
import { decodeWrite } from './codec/decode.ts';
import { encodeObject, encodeValue, type EncodeContext } from './codec/encode.ts';
import type { RestDeps } from './deps.ts';
import { defaultFields, fieldsParam, includePlan, restFind } from './find-params.ts';
import type { RestRequest } from './request.ts';
import type { RestResult } from './respond.ts';
import { classForWrite } from './schema-on-write.ts';

/** How objects are written out: the catalog now, and file URLs. */
export function encodeContext(deps: RestDeps): EncodeContext {
  return { classes: deps.schemaStore.current.classes, fileUrl: (name) => deps.fileUrl(name) };
}

function attach(obj: ParseObject, field: string, target: ParseObject | null): void {
  const included = obj[INCLUDED] ?? (obj[INCLUDED] = Object.create(null) as Record<string, ParseObject | null>);
  Object.defineProperty(included, field, { value: target, enumerable: true, writable: true, configurable: true });
}

/**
 * Reads the pointers an `include` names that core did not read with the page: one level for
 * `get`, and every level past the first (`author.team`) — one batch per field and level, with
 * the caller's rights (an unreadable target stays a bare pointer).
 */
export async function includeRest(
  deps: RestDeps,
  auth: Auth,
  objects: ParseObject[],
  cls: ClassDef,
  paths: Map<string, string[]>,
  direct: string[],
): Promise<void> {
  const classes = deps.schemaStore.current.classes;
  const fields = new Set([...direct, ...paths.keys()]);
  for (const field of fields) {
    const def = cls.fields[field];
    const target = def?.targetClass ? classes.get(def.targetClass) : undefined;
    if (!target) continue;
    const missing = objects.filter((o) => typeof o[field] === 'string' && !(o[INCLUDED] && Object.hasOwn(o[INCLUDED], field)));
    if (missing.length) {
      const ids = [...new Set(missing.map((o) => o[field] as string))];
      const found = await deps.core.getMany(auth, target.className, ids, defaultFields(target));
      for (const o of missing) attach(o, field, found.get(o[field] as string) ?? null);
    }
    const deeper = paths.get(field);
    if (!deeper?.length) continue;
    const targets = objects.map((o) => o[INCLUDED]?.[field]).filter((t): t is ParseObject => !!t);
    if (!targets.length) continue;
    const plan = includePlan(deeper.join(','), target, classes, defaultFields);
    await includeRest(
      deps,
      auth,
      targets,
      target,
      plan.nested,
      plan.direct.map((d) => d.field),
    );
  }
}

/** `GET classes/<C>`: `{results}` (and `count` when asked); a class that does not exist has no objects. */
export async function findObjects(deps: RestDeps, req: RestRequest, className: string): Promise<RestResult> {
  const cls = deps.schemaStore.getClass(className);
  if (!cls) return { body: req.params.count ? { results: [], count: 0 } : { results: [] } };
  const find = restFind(req.params, cls, deps.schemaStore.current.classes);
  const found = await deps.core.find(req.auth, className, find.request);
  if (find.nested.size) await includeRest(deps, req.auth, found.objects, cls, find.nested, []);
  const ctx = encodeContext(deps);
  const results = find.request.wantObjects ? found.objects.map((o) => encodeObject(o, ctx)) : [];
  return { body: find.count ? { results, count: found.count ?? 0 } : { results } };
}

/** `GET classes/<C>/<id>`: the object (`keys`, `excludeKeys`, `include` as for a find), or 101. */
export async function getObject(deps: RestDeps, req: RestRequest, className: string, objectId: string): Promise<RestResult> {
  const cls = deps.schemaStore.getClass(className);
  if (!cls) throw errors.objectNotFound();
  const classes = deps.schemaStore.current.classes;
  const plan = includePlan(req.params.include, cls, classes, defaultFields);
  const fields = fieldsParam(req.params, cls);
  for (const inc of plan.direct) if (!fields.includes(inc.field)) fields.push(inc.field);
  const obj = await deps.core.get(req.auth, className, objectId, fields);
  if (plan.direct.length)
    await includeRest(
      deps,
      req.auth,
      [obj],
      cls,
      plan.nested,
      plan.direct.map((d) => d.field),
    );
  return { body: encodeObject(obj, encodeContext(deps)) };
}

const OPERATIONS_WITH_RESULT = new Set(['Increment', 'Add', 'AddUnique', 'Remove']);

function isOperation(value: unknown): value is { __op: string } {
  return typeof value === 'object' && value !== null && typeof (value as { __op?: unknown }).__op === 'string';
}

/**
 * The fields a write answers with beyond its ids and dates, as Parse does: the results of
 * operations (an Increment's new total), and — when a beforeSave trigger may have changed the
 * object — every field, of which those that differ from what was sent are answered. Only when the
 * caller may `get` objects of the class: the answer is a read.
 */
function fieldsToAnswer(deps: RestDeps, auth: Auth, cls: ClassDef, body: Record<string, unknown>): string[] {
  const fromOps = Object.keys(body).filter((k) => Object.hasOwn(cls.fields, k) && isOperation(body[k]) && OPERATIONS_WITH_RESULT.has(body[k].__op));
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
function changedFields(saved: ParseObject, cls: ClassDef, sent: Record<string, unknown>, fields: string[], ctx: EncodeContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of fields) {
    if (key === 'objectId' || key === 'createdAt' || key === 'updatedAt' || !Object.hasOwn(saved, key)) continue;
    const value = saved[key];
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
  const saved = await deps.core.create(req.auth, className, input, back.length ? { fields: ['objectId', 'createdAt', ...back] } : undefined);
  const out = { objectId: saved.objectId, createdAt: saved.createdAt, ...changedFields(saved, cls, body, back, encodeContext(deps)) };
  const location = `${deps.config.publicUrl}${deps.config.rest.path}/classes/${encodeURIComponent(className)}/${saved.objectId}`;
  return { status: 201, body: out, headers: { location } };
}

/** `PUT classes/<C>/<id>`: `{updatedAt}` with the fields the server changed (operations' results, triggers' changes). */
export async function updateObject(deps: RestDeps, req: RestRequest, className: string, objectId: string, body = req.body ?? {}): Promise<RestResult> {
  if (!deps.schemaStore.getClass(className)) throw errors.objectNotFound();
  const cls = await classForWrite(deps, req.auth, className, body);
  const input = decodeWrite(body, cls, false);
  const back = fieldsToAnswer(deps, req.auth, cls, body);
  const saved = await deps.core.update(req.auth, className, objectId, input, { fields: ['objectId', 'updatedAt', ...back] });
  return { body: { updatedAt: saved.updatedAt, ...changedFields(saved, cls, body, back, encodeContext(deps)) } };
}

/** `DELETE classes/<C>/<id>`: `{}`, or 101 when there is no such object the caller may delete. */
export async function deleteObject(deps: RestDeps, req: RestRequest, className: string, objectId: string): Promise<RestResult> {
  if (!deps.schemaStore.getClass(className)) throw errors.objectNotFound();
  await deps.core.delete(req.auth, className, objectId);
  return { body: {} };
}
