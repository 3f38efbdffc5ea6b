import { decodeParams, encodeResult } from '../../cloud/codec.ts';
import type { RestDeps } from '../deps.ts';
import type { RestRequest } from '../request.ts';
import type { RestResult } from '../respond.ts';
import type { PathParams } from '../router.ts';
import { callParams } from './params.ts';

/**
 * `POST /functions/<name>` (and `GET` with the params in the query string): runs a cloud
 * function as the caller, as GraphQL's callCloudCode does — params decoded from Parse JSON to
 * the SDK's types, the result encoded back — and answers `{result}`. An unknown function is
 * 141 `Invalid function: "<name>"`; what the function throws is answered as Parse does
 * (141 with its message, or the code it carries), HTTP 400.
 */
export async function callFunction(req: RestRequest, path: PathParams, deps: RestDeps): Promise<RestResult> {
  const { env, runtime } = deps.cloud;
  const params = decodeParams(callParams(req), env) as Record<string, unknown>;
  const result = await runtime.callFunction(path.functionName, params, req.auth);
  return { body: { result: encodeResult(result, env) } };
}
