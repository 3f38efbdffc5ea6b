import { errors } from '../../errors/index.ts';
import type { Auth } from '../../security/index.ts';
import type { PathParams, RestRoute, RestRouter } from '../router.ts';
import { subRequestPath } from './paths.ts';

/** One sub-request of a batch, routed. */
export interface BatchEntry {
  method: string;
  segments: string[];
  /** Query parameters: a GET's or DELETE's body (Parse reads them there) over the path's query string. */
  params: Record<string, unknown>;
  /** A POST's or PUT's JSON object; undefined when none was given. */
  body: Record<string, unknown> | undefined;
  route: RestRoute;
  routeParams: PathParams;
}

export interface BatchBody {
  entries: BatchEntry[];
  /** `transaction: true`: every sub-request in one database transaction, all or nothing. */
  transaction: boolean;
}

/**
 * How many sub-requests a batch may hold without the master key. Parse Server 9 has no limit by
 * default (`requestComplexity.batchRequestLimit`, -1) and announces one; the body size limit
 * already bounds a batch, this keeps one request from becoming thousands of writes.
 */
export const MAX_SUB_REQUESTS = 1000;

/**
 * Routes a `transaction: true` batch may hold: the object routes, whose handlers act only through
 * `deps.core`, which the batch binds to its transaction. Others (sign-up, users — whose email
 * rules read on their own connection — sessions, functions, push…) act through services that
 * open transactions or connections of their own: inside the batch's they would be outside it,
 * or on PGlite wait for its one connection for ever. The SDKs' `saveAll`/`destroyAll` of
 * anything but users send only these.
 */
const TRANSACTIONAL_ROUTES = new Set([
  'classes/:className',
  'classes/:className/:objectId',
  'roles',
  'roles/:objectId',
  'installations',
  'installations/:objectId',
]);

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy without a prototype, as the request reader gives handlers (user-chosen keys stay plain data). */
function plain(source: Record<string, unknown>, into: Record<string, unknown> = Object.create(null)): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
  return into;
}

function routeOf(router: RestRouter, method: string, segments: string[]): { route: RestRoute; params: PathParams } {
  const path = `/${segments.join('/')}`;
  if (method === 'POST' && path === '/batch') throw errors.invalidJson('nested batch requests are not allowed');
  const found = HTTP_METHODS.has(method) ? router.find(method, segments) : undefined;
  // Files and the public routes (health) are not Parse's API routes: its batch cannot reach them either.
  if (!found || found.route.rawBody || found.route.public || segments[0] === 'files') throw errors.invalidJson(`cannot route ${method} ${path}`);
  return found;
}

/**
 * Reads `POST batch`'s body as Parse Server does (lib/batch.js), refusing the whole batch — 107,
 * before anything runs — when `requests` is not a list, is too long, or holds a sub-request
 * whose path is not a string or leads nowhere (or to another batch).
 */
export function readBatch(body: Record<string, unknown> | undefined, auth: Auth, router: RestRouter, prefixes: readonly string[]): BatchBody {
  const requests = body?.requests;
  if (!Array.isArray(requests)) throw errors.invalidJson('requests must be an array');
  if (!auth.isMaster && requests.length > MAX_SUB_REQUESTS)
    throw errors.invalidJson(`Batch request contains ${requests.length} sub-requests, which exceeds the limit of ${MAX_SUB_REQUESTS}.`);
  for (const r of requests) if (!isRecord(r) || typeof r.path !== 'string') throw errors.invalidJson('batch request path must be a string');
  const transaction = body?.transaction === true;
  const entries = (requests as Record<string, unknown>[]).map((r): BatchEntry => {
    const { segments, query } = subRequestPath(r.path as string, prefixes);
    const method = typeof r.method === 'string' ? r.method.toUpperCase() : String(r.method);
    const { route, params: routeParams } = routeOf(router, method, segments);
    if (r.body !== undefined && r.body !== null && !isRecord(r.body)) throw errors.invalidJson('batch request body must be an object');
    if (transaction && !TRANSACTIONAL_ROUTES.has(route.path))
      throw errors.invalidJson(`${method} /${segments.join('/')} cannot run in a transaction: only objects of classes, roles and installations can`);
    const given = isRecord(r.body) ? r.body : undefined;
    // Parse hands a GET's parameters (where, limit…) to the handler in the sub-request's body.
    const readsParams = method === 'GET' || method === 'DELETE';
    return {
      method,
      segments,
      params: readsParams && given ? plain(given, query) : query,
      body: !readsParams && given ? plain(given) : undefined,
      route,
      routeParams,
    };
  });
  return { entries, transaction };
}
