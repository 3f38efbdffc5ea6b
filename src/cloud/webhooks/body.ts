import { encodeJson } from '../object/index.ts';
import type { BaseRequest, CloudObject } from '../types.ts';

/*
 * The JSON bodies a webhook receives, in the shape Parse's HooksController sends: the handler's
 * request as JSON — `master`, `user`, `installationId`, `ip`, `headers`, `context`, and
 * `functionName` + `params` for a function, `triggerName` + `object` (+ `original`) for a
 * trigger, objects as their JSON with `className`.
 */

/** Request headers that carry credentials: never sent on to a webhook (the master key is already out of `headers`). */
const WITHHELD_HEADERS = new Set(['x-parse-session-token', 'authorization', 'cookie', 'x-parse-master-key']);

/** What a request carries besides the handler's own input, as a webhook body holds it. */
export interface RequestPart {
  master: boolean;
  user?: Record<string, unknown>;
  installationId?: string;
  ip?: string;
  headers: Record<string, string>;
  context: Record<string, unknown>;
}

/** An object's JSON with its class, as Parse's webhooks send `object` and `original`. */
export function objectJson(object: CloudObject): Record<string, unknown> {
  return { ...object.toJSON(), className: object.className };
}

/** The request part of a webhook body (`user` as the user's JSON, credentials left out of `headers`). */
export function requestPart(request: Pick<BaseRequest, 'master' | 'user' | 'installationId' | 'ip' | 'headers' | 'context'>): RequestPart {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) if (!WITHHELD_HEADERS.has(name)) headers[name] = value;
  const part: RequestPart = { master: request.master, headers, context: (encodeJson(request.context ?? {}) as Record<string, unknown>) ?? {} };
  if (request.user) part.user = request.user.toJSON();
  if (request.installationId) part.installationId = request.installationId;
  if (request.ip) part.ip = request.ip;
  return part;
}

/** A function's body: `functionName`, `params` (Parse JSON) and the request part. */
export function functionBody(functionName: string, params: Record<string, unknown>, part: RequestPart): Record<string, unknown> {
  return { functionName, params: encodeJson(params) ?? {}, ...part };
}

/** A trigger's body: `triggerName`, `object` and `original` (on update) as JSON with `className`, and the request part. */
export function triggerBody(triggerName: string, object: CloudObject, original: CloudObject | undefined, part: RequestPart): Record<string, unknown> {
  const body: Record<string, unknown> = { triggerName, object: objectJson(object), ...part };
  if (original) body.original = objectJson(original);
  return body;
}
