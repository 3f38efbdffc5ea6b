import { requestError, unexpectedError } from '../../db/index.ts';
import type { RestDeps } from '../deps.ts';
import type { RestRequest } from '../request.ts';
import type { RestResult } from '../respond.ts';
import { classForWrite } from '../schema-on-write.ts';
import type { BatchBody, BatchEntry } from './requests.ts';
import { UnitCore } from './unit-core.ts';

/** One sub-request's answer, as Parse writes it in a batch's result list. */
export type BatchResult = { success: unknown } | { error: { code?: number; error: string } };

/** A sub-request whose route answered an error status rather than throwing (master-only routes answer 403 so). */
class Refused extends Error {
  constructor(
    readonly status: number,
    readonly body: { code?: unknown; error?: unknown },
  ) {
    super('sub-request refused');
  }
}

/** The class a POST or PUT writes to, for the object paths a transaction may hold. */
const FIXED_CLASSES: Record<string, string> = { roles: '_Role', installations: '_Installation' };

/** Runs one sub-request through its route, as the caller (same Auth, installation, context). */
async function dispatch(outer: RestRequest, entry: BatchEntry, deps: RestDeps): Promise<unknown> {
  const req: RestRequest = { ...outer, method: entry.method, segments: entry.segments, params: entry.params, body: entry.body };
  const answer = await entry.route.handler(req, entry.routeParams, deps);
  // A route that makes its own Response (none that a batch reaches today): its JSON is the answer.
  const status = answer instanceof Response ? answer.status : (answer.status ?? 200);
  const body = answer instanceof Response ? await answer.json().catch(() => ({})) : answer.body;
  if (status >= 400) throw new Refused(status, body ?? {});
  return body;
}

/** A failed sub-request as Parse lists it: its code (when it has one) and message. */
function failure(error: unknown, deps: RestDeps): BatchResult {
  if (error instanceof Refused) {
    const { code, error: message } = error.body;
    return { error: { ...(typeof code === 'number' ? { code } : {}), error: typeof message === 'string' ? message : '' } };
  }
  const known = requestError(error, deps.logger) ?? unexpectedError(error, deps.logger);
  return { error: { code: known.code, error: known.message } };
}

/**
 * Parse's schema on write for a transaction's writes, done before it begins: adding a class
 * or a field is DDL on another connection, which inside the transaction would wait for the
 * tables the transaction has written to (on PGlite, for its one connection) for ever. A class
 * or field so added stays when the batch then fails, as a Parse field does.
 */
async function prepareSchema(outer: RestRequest, entries: readonly BatchEntry[], deps: RestDeps): Promise<void> {
  for (const entry of entries) {
    if (!entry.body || (entry.method !== 'POST' && entry.method !== 'PUT')) continue;
    const area = entry.segments[0];
    const className = Object.hasOwn(FIXED_CLASSES, area) ? FIXED_CLASSES[area] : entry.routeParams.className;
    // An update of a class that does not exist is 101, which the sub-request answers itself.
    if (!className || (entry.method === 'PUT' && !deps.schemaStore.getClass(className))) continue;
    await classForWrite(deps, outer.auth, className, entry.body);
  }
}

/** Every sub-request in one transaction through a core bound to it; the first failure rolls all back. */
async function inOneTransaction(outer: RestRequest, entries: readonly BatchEntry[], deps: RestDeps): Promise<BatchResult[]> {
  await prepareSchema(outer, entries, deps);
  return deps.core.transaction(async (uow) => {
    const bound: RestDeps = { ...deps, core: new UnitCore(deps.core, uow) };
    const results: BatchResult[] = [];
    for (const entry of entries) results.push({ success: await dispatch(outer, entry, bound) });
    return results;
  });
}

/**
 * Runs a batch's sub-requests in order and answers one result per sub-request. Without
 * `transaction` each stands alone: a failure is its own `{error}` and the others go on. With
 * it they share one transaction: the first failure rolls every write back and is the batch's
 * answer (Parse Server answers a bare 500 there, which its SDKs retry); change events and
 * after-save triggers fire only once all of it is committed. Parse runs the sub-requests in
 * parallel; in order is a stronger form of what its answers promise.
 */
export async function runBatch(outer: RestRequest, batch: BatchBody, deps: RestDeps): Promise<RestResult> {
  if (batch.transaction) {
    try {
      return { body: await inOneTransaction(outer, batch.entries, deps) };
    } catch (error) {
      if (error instanceof Refused) return { status: error.status, body: error.body };
      throw error;
    }
  }
  const results: BatchResult[] = [];
  for (const entry of batch.entries) {
    try {
      results.push({ success: await dispatch(outer, entry, deps) });
    } catch (error) {
      results.push(failure(error, deps));
    }
  }
  return { body: results };
}
