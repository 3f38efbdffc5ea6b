import { ErrorCode, errors, ParseError } from '../../errors/index.ts';
import { isValidClassName, type ClassDef } from '../../schema/index.ts';
import { createSchemaClass, deleteSchemaClass, listedClasses, requireSchemaChange, requireSchemaRead, updateSchemaClass } from '../../core/schema-api.ts';
import { classChangeFromJson, schemaJson } from '../../core/schema-json.ts';
import { purgeClass } from '../../core/purge.ts';
import type { RestDeps } from '../deps.ts';
import { masterOnly } from '../master-only.ts';
import type { RestRequest } from '../request.ts';
import type { RestResult } from '../respond.ts';
import type { RestRoute } from '../router.ts';

/*
 * Parse's schema API (SchemasRouter, PurgeRouter): classes in Parse's schema JSON, for the
 * master key only (403 otherwise, before anything else). Who may change what, the change and
 * its audit record are core/schema-api.ts's, shared with GraphQL's createClass & co.
 */

/** Parse's 103 when the body names another class than the path. */
function checkSameClass(body: Record<string, unknown>, fromPath: string | undefined): void {
  const named = body.className;
  if (fromPath && named !== undefined && named !== null && named !== '' && String(named) !== fromPath)
    throw new ParseError(ErrorCode.INVALID_CLASS_NAME, `Class name mismatch between ${String(named)} and ${fromPath}.`);
}

/** The class as Parse answers a change: in its schema JSON. */
const answer = (cls: ClassDef): RestResult => ({ body: schemaJson(cls) });

/** A read sees changes made by other instances at once (one indexed read), as Parse reloads its schema. */
async function current(deps: RestDeps) {
  await deps.schemaStore.refreshIfChanged();
  return deps.schemaStore.current;
}

async function listSchemas(req: RestRequest, deps: RestDeps): Promise<RestResult> {
  requireSchemaRead(req.auth);
  return { body: { results: listedClasses(await current(deps)).map(schemaJson) } };
}

async function getSchema(req: RestRequest, className: string, deps: RestDeps): Promise<RestResult> {
  requireSchemaRead(req.auth);
  const cls = (await current(deps)).classes.get(className);
  if (!cls) throw errors.classNotFound(className);
  return answer(cls);
}

/** `POST schemas` and `POST schemas/<C>`: the class from the path or the body (135 with neither), checked in Parse's order. */
async function createSchema(req: RestRequest, fromPath: string | undefined, deps: RestDeps): Promise<RestResult> {
  requireSchemaChange(req.auth);
  const body = req.body ?? {};
  checkSameClass(body, fromPath);
  const named = fromPath || body.className;
  if (!named) throw new ParseError(ErrorCode.MISSING_REQUIRED_FIELD, 'POST /schemas needs a class name.');
  const className = typeof named === 'string' ? named : JSON.stringify(named);
  const created = await createSchemaClass(deps, req.auth, className, () => {
    if (deps.schemaStore.getClass(className)) throw errors.classExists(className);
    if (!isValidClassName(className)) throw errors.invalidClassName(className);
    return classChangeFromJson(className, body, undefined);
  });
  return answer(created);
}

/** `PUT schemas/<C>`: fields added or `{__op: 'Delete'}`d, CLPs replaced, indexes added or dropped. */
async function updateSchema(req: RestRequest, className: string, deps: RestDeps): Promise<RestResult> {
  requireSchemaChange(req.auth);
  const body = req.body ?? {};
  checkSameClass(body, className);
  const updated = await updateSchemaClass(deps, req.auth, className, () => {
    const cls = deps.schemaStore.getClass(className);
    if (!cls) throw errors.classNotFound(className);
    return classChangeFromJson(className, body, cls);
  });
  return answer(updated);
}

/**
 * `DELETE schemas/<C>`: drops an empty class (255 while it has objects). A class that does not
 * exist is already gone (`{}`, as Parse answers). Unlike Parse, a system class is never
 * dropped (255): the server needs its tables.
 */
async function deleteSchema(req: RestRequest, className: string, deps: RestDeps): Promise<RestResult> {
  requireSchemaChange(req.auth);
  if (!isValidClassName(className)) throw errors.invalidClassName(className);
  if (deps.schemaStore.getClass(className)) await deleteSchemaClass(deps, req.auth, className);
  return { body: {} };
}

/**
 * `DELETE purge/<C>`: every object of the class goes, in one statement, without triggers or
 * live events — Parse's purge runs none either (see core/purge.ts). A class that does not
 * exist answers `{}` as in Parse.
 */
async function purge(req: RestRequest, className: string, deps: RestDeps): Promise<RestResult> {
  const count = await purgeClass(deps.core, req.auth, className);
  // The role cache of this process drops at once; other instances see the roles version move.
  if (className === '_Role') deps.roles.invalidate();
  if (count > 0) deps.logger.info({ className, count }, 'purged every object of a class');
  return { body: {} };
}

export const schemasRoutes: RestRoute[] = [
  { method: 'GET', path: 'schemas', handler: masterOnly((req, _p, deps) => listSchemas(req, deps)) },
  { method: 'GET', path: 'schemas/:className', handler: masterOnly((req, p, deps) => getSchema(req, p.className, deps)) },
  { method: 'POST', path: 'schemas', handler: masterOnly((req, _p, deps) => createSchema(req, undefined, deps)) },
  { method: 'POST', path: 'schemas/:className', handler: masterOnly((req, p, deps) => createSchema(req, p.className, deps)) },
  { method: 'PUT', path: 'schemas/:className', handler: masterOnly((req, p, deps) => updateSchema(req, p.className, deps)) },
  { method: 'DELETE', path: 'schemas/:className', handler: masterOnly((req, p, deps) => deleteSchema(req, p.className, deps)) },
  { method: 'DELETE', path: 'purge/:className', handler: masterOnly((req, p, deps) => purge(req, p.className, deps)) },
];
