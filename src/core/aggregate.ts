import type { Sql } from '../db/index.ts';
import { errors } from '../errors/index.ts';
import type { FieldType } from '../schema/index.ts';
import { TRUE, type Condition } from '../query/index.ts';
import { compileAggregate, compileDistinct, parseDistinctField, parsePipeline, type AggField } from '../query/aggregate/index.ts';
import { adminAggregate, guardWhere, type Auth } from '../security/index.ts';
import { decodeDate, decodePoint, decodePolygon } from './decode.ts';
import { requireClass, sqlContext, type CoreRuntime } from './runtime.ts';

/**
 * Parse runs aggregates and distinct for the master key only: they read past ACLs, CLPs and
 * protected fields. A dashboard admin may, within its scope (checked by the callers).
 */
function requireMaster(auth: Auth): void {
  if (!auth.isMaster) throw errors.masterKeyRequired();
}

function parseJsonText(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/**
 * A value of a result as Parse's aggregate and distinct return it: dates as `{__type: 'Date',
 * iso}` (but a top-level createdAt or updatedAt as the ISO string, as Parse returns those),
 * pointers, files, points, polygons and bytes in their `__type` forms, JSON as JSON.
 */
function parseJson(type: FieldType, targetClass: string | undefined, raw: unknown, isoString: boolean): unknown {
  switch (type) {
    case 'Date': {
      const iso = decodeDate(raw);
      return isoString ? iso : { __type: 'Date', iso };
    }
    case 'Pointer':
      return { __type: 'Pointer', className: targetClass, objectId: raw };
    case 'File':
      return { __type: 'File', name: raw };
    case 'GeoPoint': {
      const point = decodePoint(raw);
      return point && { __type: 'GeoPoint', latitude: point.latitude, longitude: point.longitude };
    }
    case 'Polygon': {
      const points = decodePolygon(raw);
      return points && { __type: 'Polygon', coordinates: points.map((p) => [p.latitude, p.longitude]) };
    }
    case 'Bytes': {
      const stored = parseJsonText(raw) as { base64?: unknown } | string;
      return { __type: 'Bytes', base64: typeof stored === 'string' ? stored : stored.base64 };
    }
    case 'Object':
    case 'Array':
      return parseJsonText(raw);
    default:
      return raw;
  }
}

/** One result row as an object: fields without a value left out, except group keys and accumulators (null). */
function resultObject(fields: readonly AggField[], row: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    const raw = row[i];
    if (raw === null || raw === undefined) {
      if (f.keepNull) out[f.name] = null;
      continue;
    }
    out[f.name] = parseJson(f.type, f.targetClass, raw, f.name === 'createdAt' || f.name === 'updatedAt');
  }
  return out;
}

/**
 * Runs a Parse aggregate pipeline ($match, $group, $sort, $limit, $skip, $project, $count) over
 * a class as one SQL statement and returns the rows as Parse returns them: a group's key as
 * `objectId`, values in Parse's JSON. Master key only (119 otherwise); 103 for an unknown
 * class; 102/105/111 for a pipeline that does not check (see parsePipeline).
 */
export async function aggregate(rt: CoreRuntime, auth: Auth, className: string, pipeline: unknown[], sql: Sql = rt.db): Promise<Record<string, unknown>[]> {
  requireMaster(auth);
  const cls = requireClass(rt, className);
  if (auth.admin) adminAggregate(auth.admin, cls);
  const plan = parsePipeline(pipeline, cls, { classes: rt.schema.current.classes });
  const ctx = sqlContext(rt, auth);
  const { rows } = await sql.queryArrays(compileAggregate(plan, ctx), ctx.params.values);
  return rows.map((row) => resultObject(plan.output, row));
}

/**
 * The distinct values of a field among the objects matching `where`, as Parse's distinct
 * returns them: no nulls, an Array field's elements one by one, a pointer as a Pointer, values
 * in Parse's JSON, in the database's order. Master key only (119 otherwise).
 */
export async function distinct(rt: CoreRuntime, auth: Auth, className: string, field: string, where: Condition = TRUE, sql: Sql = rt.db): Promise<unknown[]> {
  requireMaster(auth);
  const cls = requireClass(rt, className);
  if (auth.admin) {
    // A dashboard admin: the class and the field in scope, the where over visible fields only.
    adminAggregate(auth.admin, cls, field);
    where = guardWhere(auth, cls, where, rt.schema.current.classes);
  }
  const target = parseDistinctField(cls, field);
  const ctx = sqlContext(rt, auth);
  const { rows } = await sql.queryArrays(compileDistinct(cls, target, where, ctx), ctx.params.values);
  // Elements of arrays and values inside objects are JSON, whatever the field's type.
  const json = target.path !== undefined || target.type === 'Array';
  return rows.map(([value]) => (json ? parseJsonText(value) : parseJson(target.type, target.targetClass, value, false)));
}
