import { refusalBody, requestAuthenticator, secretEquals, sessionResolver } from '../auth/index.ts';
import { ErrorCode, ParseError } from '../errors/index.ts';
import { Auth } from '../security/index.ts';
import type { RestDeps } from './deps.ts';
import { parseJsonBody, readRestRequest, type RestHttpRequest, type RestRequest } from './request.ts';
import { errorAnswer, JsonAnswer, jsonAnswer, type RestResult } from './respond.ts';
import { RestRouter } from './router.ts';
import { REST_ROUTES } from './routes/index.ts';
import { CORS_HEADERS, preflight } from './cors.ts';
import { BodyBudget, type BudgetHold } from './files/json-budget.ts';

/** Parse's REST API under its mount path (`/parse`): a Fetch handler, and the same for node's lane. */
export interface RestApi {
  /** The mount path (`/parse`). */
  readonly path: string;
  /** Whether a request path is under the mount. */
  owns(pathname: string): boolean;
  fetch(request: Request, client?: { ip?: string }): Promise<Response>;
  /** The answer, CORS headers included: JSON as text (written as it is), or a Response (files). */
  answer(request: RestHttpRequest, client?: { ip?: string }): Promise<Response | JsonAnswer>;
}

/** A body of this size or more is refused before it is parsed (files have their own limit). */
function bodyLimit(deps: RestDeps): number {
  return deps.config.limits.maxBodyBytes;
}

/**
 * The JavaScript SDK's JSON file upload (`{base64, _ContentType, _ApplicationId, …}`) is read
 * whole: base64 of a file at the size limit, plus room for the other fields.
 */
function fileJsonLimit(deps: RestDeps): number {
  return Math.max(bodyLimit(deps), Math.ceil(deps.files.config.maxBytes / 3) * 4 + 64 * 1024);
}

/** Why a body was not read: past its limit, past the shared budget, or the client went away. */
type Unread = 'too-large' | 'busy' | 'aborted';

/**
 * A body within `limit` bytes (whatever length it declared), each chunk taken from `hold` as it
 * arrives when one is given; otherwise why not, the rest unread.
 */
async function readLimited(request: RestHttpRequest, limit: number, hold?: BudgetHold): Promise<Uint8Array | Unread> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      return 'aborted';
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.length;
    const unread = size > limit ? 'too-large' : hold && !hold.take(value.length) ? 'busy' : undefined;
    if (unread) {
      await reader.cancel().catch(() => undefined);
      return unread;
    }
    parts.push(value);
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/**
 * The answer to a body not read. The connection closes after it (the rest is not read); a
 * client that went away hears nothing, and it is no failure of the server's (debug log only).
 */
function unreadAnswer(unread: Unread, deps: RestDeps): JsonAnswer {
  const close = { connection: 'close' };
  if (unread === 'too-large') return jsonAnswer(413, { code: ErrorCode.OBJECT_TOO_LARGE, error: 'Request body is too large' }, close);
  if (unread === 'busy') {
    return jsonAnswer(
      503,
      { code: ErrorCode.FILE_SAVE_ERROR, error: 'The server is receiving too many file uploads at once; try again shortly.' },
      { ...close, 'retry-after': '1' },
    );
  }
  deps.logger.debug('a client went away while sending a request body');
  return jsonAnswer(400, { code: ErrorCode.INVALID_JSON, error: 'The request body ended early.' }, close);
}

/** Path segments under the mount, each decoded; undefined for a malformed escape. */
function segmentsOf(pathname: string, mount: string): string[] | undefined {
  const rest = pathname.slice(mount.length).replace(/^\/+|\/+$/g, '');
  if (rest === '') return [];
  try {
    return rest.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/** The client keys configured (REST API, JavaScript, client, .NET): any one of them admits a request. */
function configuredKeys(deps: RestDeps): string[] {
  const keys = deps.config.rest.clientKeys;
  return [keys.restApiKey, keys.javascriptKey, keys.clientKey, keys.dotNetKey].filter((k): k is string => !!k);
}

const UNAUTHORIZED = () => jsonAnswer(403, { error: 'unauthorized' });

function answerOf(result: RestResult | Response): Response | JsonAnswer {
  return result instanceof Response ? result : jsonAnswer(result.status ?? 200, result.body, result.headers);
}

/**
 * The REST transport: reads the request (headers or the JavaScript SDK's body form), checks
 * the credentials with the same rules as GraphQL (auth/request-auth.ts), finds the route and
 * answers in Parse's format. Every rule about objects, users and files is core's or its
 * services': this only translates.
 */
export function createRestApi(deps: RestDeps): RestApi {
  const mount = deps.config.rest.path;
  const router = new RestRouter(REST_ROUTES);
  const handlerDeps: RestDeps = { ...deps, router };
  const authenticate = requestAuthenticator({
    appId: deps.config.appId,
    masterKey: deps.config.masterKey,
    sessions: sessionResolver(deps.sessions, deps.roles),
    masterKeyIps: deps.config.auth.masterKeyIps,
  });
  const clientKeys = configuredKeys(deps);
  // Never less than one body of a file at the size limit: such an upload must always be possible.
  const jsonBudget = new BodyBudget(Math.max(deps.files.config.jsonBufferBytes, fileJsonLimit(deps)));

  async function serve(request: RestHttpRequest, ip: string | undefined, hold: BudgetHold): Promise<Response | JsonAnswer> {
    const url = new URL(request.url);
    const segments = segmentsOf(url.pathname, mount);
    if (!segments) return jsonAnswer(400, { code: ErrorCode.INVALID_JSON, error: 'Invalid path' });
    const method = request.method.toUpperCase();
    if (method === 'OPTIONS') return preflight();
    // A file upload's body is the file: it streams to storage, never parsed as JSON.
    const direct = router.find(method, segments);
    if (direct?.route.public) {
      const req = readRestRequest(request, segments, undefined, ip);
      req.auth = Auth.anonymous().withRequest({ ip, headers: request.headers, installationId: req.installationId, context: req.context });
      return answerOf(await direct.route.handler(req, direct.params, deps));
    }
    let body: Record<string, unknown> | undefined;
    if (direct?.route.rawBody && method === 'POST' && !request.headers.has('x-parse-application-id')) {
      // Without Parse's headers, an upload is the SDK's JSON form (credentials in the body), as
      // Parse reads it: held whole before any credential check, within the shared budget.
      const bytes = await readLimited(request, fileJsonLimit(deps), hold);
      if (!(bytes instanceof Uint8Array)) return unreadAnswer(bytes, deps);
      try {
        body = parseJsonBody(bytes);
      } catch {
        return UNAUTHORIZED();
      }
    } else if (!direct?.route.rawBody && method !== 'GET' && method !== 'HEAD') {
      const bytes = await readLimited(request, bodyLimit(deps));
      if (!(bytes instanceof Uint8Array)) return unreadAnswer(bytes, deps);
      body = parseJsonBody(bytes);
    }
    const req = readRestRequest(request, segments, body, ip);
    // The address decides whether the master key is accepted (PLINTH_MASTER_KEY_IPS).
    const result = await authenticate({ ...req.credentials, ip });
    if (result.refused) {
      if (result.status >= 500) deps.logger.error({ err: result.cause }, 'could not resolve the credentials of a REST request');
      return jsonAnswer(result.status, refusalBody(result));
    }
    if (clientKeys.length > 0 && !result.auth.isMaster && !req.credentials.clientKeys.some((k) => clientKeys.some((c) => secretEquals(k, c))))
      return UNAUTHORIZED();
    req.auth = result.auth.withRequest({ ip, headers: request.headers, installationId: req.installationId, context: req.context });
    const found = req.method === method ? direct : router.find(req.method, segments);
    if (!found) {
      if (router.knows(segments)) return jsonAnswer(405, { code: ErrorCode.INVALID_JSON, error: `${req.method} is not allowed on this path` });
      return jsonAnswer(404, { code: ErrorCode.INVALID_JSON, error: `unknown path: ${url.pathname}` });
    }
    return answerOf(await found.route.handler(req, found.params, handlerDeps));
  }

  async function answer(request: RestHttpRequest, client: { ip?: string } = {}): Promise<Response | JsonAnswer> {
    let out: Response | JsonAnswer;
    // What a JSON-form upload holds of the budget is held until it is answered (its file with it).
    const hold = jsonBudget.hold();
    try {
      out = await serve(request, client.ip, hold);
    } catch (error) {
      out = errorAnswer(error, deps.logger);
    } finally {
      hold.release();
    }
    if (out instanceof JsonAnswer) Object.assign(out.headers, CORS_HEADERS);
    else for (const [name, value] of Object.entries(CORS_HEADERS)) out.headers.set(name, value);
    return out;
  }

  return {
    path: mount,
    owns: (pathname) => deps.config.rest.enabled && (pathname === mount || pathname.startsWith(`${mount}/`)),
    answer,
    async fetch(request, client) {
      const out = await answer(request, client);
      return out instanceof JsonAnswer ? out.toResponse() : out;
    },
  };
}

export type { RestHttpRequest, RestRequest };
export { ParseError };
