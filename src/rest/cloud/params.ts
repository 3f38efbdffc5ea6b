import type { RestRequest } from '../request.ts';

/**
 * A function's or job's params as Parse builds them: the JSON body, then the query string's
 * parameters over it (a GET, or the SDK's GET-as-POST, has only the latter). The record has
 * no prototype, so a client's `__proto__` key is only a key (decoding drops it).
 */
export function callParams(req: RestRequest): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, req.body, req.params);
}
