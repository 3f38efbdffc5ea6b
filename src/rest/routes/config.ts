import { GlobalConfigStore } from '../../core/global-config.ts';
import { refuseUnlessMaster } from '../cloud/master-only.ts';
import type { RestDeps } from '../deps.ts';
import type { RestRequest } from '../request.ts';
import type { RestResult } from '../respond.ts';
import type { RestRoute } from '../router.ts';

/** The store over the server's database (stateless: it reads the row on every request). */
function storeOf(deps: RestDeps): GlobalConfigStore {
  return new GlobalConfigStore(deps.core.runtime.db);
}

/**
 * `GET /config`: Parse Config, `{params, masterKeyOnly}` — any caller; params marked
 * masterKeyOnly only for the master key (Parse's GlobalConfigRouter).
 */
async function readConfig(req: RestRequest, _path: unknown, deps: RestDeps): Promise<RestResult> {
  return { body: await storeOf(deps).read(req.auth.isMaster) };
}

/**
 * `PUT /config` with `{params, masterKeyOnly}`: master key only (403 `Permission denied`);
 * merges the params given into the stored ones (`{__op: "Delete"}` removes one) and answers
 * `{result: true}`.
 */
async function updateConfig(req: RestRequest, _path: unknown, deps: RestDeps): Promise<RestResult> {
  const refused = refuseUnlessMaster(req.auth);
  if (refused) return refused;
  const body = req.body ?? {};
  await storeOf(deps).update({
    params: (body.params || {}) as Record<string, unknown>,
    masterKeyOnly: (body.masterKeyOnly || undefined) as Record<string, unknown> | undefined,
  });
  return { body: { result: true } };
}

export const configRoutes: RestRoute[] = [
  { method: 'GET', path: 'config', handler: readConfig },
  { method: 'PUT', path: 'config', handler: updateConfig },
];
