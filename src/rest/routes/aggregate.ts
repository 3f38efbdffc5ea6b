import { ErrorCode, errors, ParseError } from '../../errors/index.ts';
import { parseWhere, TRUE } from '../../query/index.ts';
import type { ClassDef } from '../../schema/index.ts';
import type { RestDeps } from '../deps.ts';
import { masterOnly } from '../master-only.ts';
import type { RestRequest } from '../request.ts';
import type { RestResult } from '../respond.ts';
import type { RestRoute } from '../router.ts';

/*
 * Parse's `GET aggregate/<Class>` (AggregateRouter): a pipeline, or `distinct` of a field among
 * the objects matching `where`, run by core in SQL (core/aggregate.ts: master key only, a
 * dashboard admin within its scope). This file reads Parse's parameters and writes the
 * results as Parse does.
 */

/** Options Parse takes beside the pipeline (MongoDB's hints, raw output…): no meaning on PostgreSQL. */
const IGNORED = new Set(['hint', 'explain', 'comment', 'readPreference', 'rawValues', 'rawFieldNames']);
/** Keys that are parameters, never stages, when the parameters themselves are the pipeline. */
const NOT_STAGES = new Set(['distinct', 'where']);
/** The names Parse keeps in a result (UsersRouter.removeHiddenProperties): no `_id`, `_rperm`… */
const SHOWN_KEY = /^[A-Za-z][0-9A-Za-z_]*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Query-string values are JSON where they parse as JSON, as Parse reads them (ClassesRouter.JSONFromQuery). */
function paramsOf(req: RestRequest): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(req.params)) {
    if (IGNORED.has(key)) continue;
    let parsed = value;
    if (typeof value === 'string')
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = value;
      }
    out[key] = parsed;
  }
  return out;
}

/**
 * The pipeline as Parse builds it (AggregateRouter.getPipeline): `pipeline` as a list of stages
 * or an object of them — or, without it, the parameters themselves (`$group=…&$limit=…`).
 * Each stage has one key, a `$` stage name (`group` alone is refused, as in Parse 9).
 */
function pipelineOf(params: Record<string, unknown>): unknown[] {
  const given = params.pipeline || params;
  let stages: unknown[];
  if (Array.isArray(given)) stages = given;
  else if (isRecord(given))
    stages = Object.entries(given)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => ({ [k]: v }));
  else throw errors.invalidQuery('pipeline must be a list of stages such as [{"$match": {…}}], or an object of them.');
  return stages.filter((stage) => {
    if (!isRecord(stage)) return true; // core names what is wrong with it
    const keys = Object.keys(stage);
    if (keys.length !== 1) throw errors.invalidQuery(`Pipeline stages should only have one key but found ${keys.join(', ')}.`);
    if (NOT_STAGES.has(keys[0])) return false;
    if (!keys[0].startsWith('$')) throw errors.invalidQuery(`Invalid aggregate stage '${keys[0]}'.`);
    return true;
  });
}

/** `where` of a distinct: a JSON object, or a string of one (107 when it is not JSON, as Parse answers). */
function whereOf(value: unknown, cls: ClassDef, deps: RestDeps) {
  if (value === undefined || value === null || value === '') return TRUE;
  let where = value;
  if (typeof value === 'string')
    try {
      where = JSON.parse(value);
    } catch {
      throw new ParseError(ErrorCode.INVALID_JSON, 'where parameter is not valid JSON');
    }
  if (!isRecord(where)) throw errors.invalidQuery('where must be a JSON object');
  return parseWhere(where, cls, { classes: deps.schemaStore.current.classes, absentFields: true });
}

/** Files get their URL wherever they are in a result, as Parse's expandFilesInObject does. */
function withFileUrls(value: unknown, deps: RestDeps, depth = 0): unknown {
  if (depth > 32 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => withFileUrls(v, deps, depth + 1));
  const record = value as Record<string, unknown>;
  if (record.__type === 'File' && typeof record.name === 'string') return record.url === undefined ? { ...record, url: deps.fileUrl(record.name) } : record;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(record)) out[key] = withFileUrls(v, deps, depth + 1);
  return out;
}

/** A pipeline's result row as Parse answers it: only names a client could have chosen, files with URLs. */
function resultRow(row: Record<string, unknown>, deps: RestDeps): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (key === '__type' || SHOWN_KEY.test(key)) out[key] = withFileUrls(value, deps);
  return out;
}

async function distinct(req: RestRequest, cls: ClassDef, params: Record<string, unknown>, deps: RestDeps): Promise<RestResult> {
  const field = String(params.distinct);
  const values = await deps.core.distinct(req.auth, cls.className, field, whereOf(params.where, cls, deps));
  // Parse's distinct answers a Date field's values as ISO strings, not as Date objects.
  const isDate = Object.hasOwn(cls.fields, field) && cls.fields[field].type === 'Date';
  const unwrap = (v: unknown) => (isDate && isRecord(v) && v.__type === 'Date' ? v.iso : v);
  return { body: { results: values.map((v) => withFileUrls(unwrap(v), deps)) } };
}

/** `GET aggregate/<C>`: `{results}`; a class that does not exist has none, as in Parse. */
async function aggregate(req: RestRequest, className: string, deps: RestDeps): Promise<RestResult> {
  const params = paramsOf(req);
  // Checked before the class is looked up: a malformed pipeline is refused whatever the class.
  const pipeline = params.distinct ? [] : pipelineOf(params);
  const cls = deps.schemaStore.getClass(className);
  if (!cls) return { body: { results: [] } };
  if (params.distinct) return distinct(req, cls, params, deps);
  const rows = await deps.core.aggregate(req.auth, className, pipeline);
  return { body: { results: rows.map((row) => resultRow(row, deps)) } };
}

export const aggregateRoutes: RestRoute[] = [
  { method: 'GET', path: 'aggregate/:className', handler: masterOnly((req, p, deps) => aggregate(req, p.className, deps)) },
];
