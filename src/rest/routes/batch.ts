import { pathPrefixes } from '../batch/paths.ts';
import { readBatch } from '../batch/requests.ts';
import { runBatch } from '../batch/run.ts';
import type { RestRoute } from '../router.ts';

/**
 * `POST batch` (Parse's lib/batch.js): `{requests: [{method, path, body}], transaction?}` →
 * one `{success}` or `{error: {code, error}}` per sub-request, in order; with
 * `transaction: true`, all of them in one database transaction or the first failure alone.
 */
export const batchRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: 'batch',
    handler: async (req, _params, deps) => {
      if (!deps.router) throw new Error('POST batch needs the route table in its deps (createRestApi sets it)');
      const batch = readBatch(req.body, req.auth, deps.router, pathPrefixes(deps.config.rest.path, deps.config.publicUrl));
      return runBatch(req, batch, deps);
    },
  },
];
