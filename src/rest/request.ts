import { errors, ErrorCode, ParseError } from '../errors/index.ts';
import type { Auth } from '../security/index.ts';

/**
 * What the REST API reads of an HTTP request. A Fetch Request has it all; node's lane
 * (server/rest-lane.ts) builds only this, its body and signal on first use.
 */
export type RestHttpRequest = Pick<Request, 'url' | 'method' | 'headers' | 'body' | 'signal'>;

/**
 * One REST request as the handlers see it, whatever form the client sent: Parse's headers, or
 * the JavaScript SDK's body form — a POST (often `text/plain`, to skip CORS preflight) whose JSON
 * carries `_method`, `_ApplicationId`, `_JavaScriptKey`, `_SessionToken`, `_MasterKey`,
 * `_InstallationId`, `_ClientVersion`, `_RevocableSession` and `_context` beside the real body.
 */
export interface RestRequest {
  /** The method the client meant (`_method` overrides POST). */
  method: string;
  /** Path segments under the mount, decoded (`classes`, `Post`, `xyz`). */
  segments: string[];
  /** Query-string parameters (GET), merged with body parameters for a GET sent as a POST. */
  params: Record<string, unknown>;
  /** The JSON body without the SDK's underscored credential fields; undefined for none. */
  body: Record<string, unknown> | undefined;
  /** The raw request (file uploads read its stream). */
  raw: RestHttpRequest;
  credentials: {
    appId?: string;
    masterKey?: string;
    sessionToken?: string;
    /** REST API, JavaScript, client, Windows or .NET key — whichever the client sent. */
    clientKeys: string[];
  };
  installationId?: string;
  clientVersion?: string;
  /** `X-Parse-Revocable-Session: 1` or `_RevocableSession: "1"`. */
  revocableSession: boolean;
  /** `X-Parse-Cloud-Context` / `_context`: shared by every trigger of the request. */
  context: Record<string, unknown>;
  ip?: string;
  /** Filled once the credentials are checked. */
  auth: Auth;
}

/** Body fields the SDK uses for what headers carry otherwise; never part of the object. */
const SDK_FIELDS = new Set([
  '_method',
  '_ApplicationId',
  '_JavaScriptKey',
  '_ClientKey',
  '_RestAPIKey',
  '_MasterKey',
  '_SessionToken',
  '_InstallationId',
  '_ClientVersion',
  '_RevocableSession',
  '_context',
]);

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);

function header(request: RestHttpRequest, name: string): string | undefined {
  const value = request.headers.get(name)?.trim();
  return value ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Parse's answer to a body that is not JSON. */
const INVALID_JSON = () => new ParseError(ErrorCode.INVALID_JSON, 'invalid JSON');

/** The JSON object of a body; a non-JSON body is 107, a JSON value other than an object is 107 too. */
export function parseJsonBody(bytes: Uint8Array): Record<string, unknown> | undefined {
  if (bytes.length === 0) return undefined;
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.length - start).toString('utf8'));
  } catch {
    throw INVALID_JSON();
  }
  if (!isRecord(value)) throw INVALID_JSON();
  return value;
}

function isLogIn(segments: string[]): boolean {
  return segments.length === 1 && segments[0] === 'login';
}

/** A GET parameter as Parse reads it: JSON for `where` and friends, numbers for limit/skip. */
function queryParams(url: URL): Record<string, unknown> {
  const params: Record<string, unknown> = Object.create(null);
  for (const [key, value] of url.searchParams) params[key] = value;
  return params;
}

/** The context header or field: a JSON object, else 107 as Parse answers. */
function contextOf(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null || value === '') return {};
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
  }
  if (!isRecord(parsed)) throw new ParseError(ErrorCode.INVALID_JSON, 'Invalid object for context.');
  return parsed;
}

/**
 * Reads a request under the mount: the method, the path, the credentials from headers or the
 * SDK's body fields (headers win), and the body without those fields. `body` is the JSON body
 * already read (undefined for none, or for a file upload, whose bytes stay in `raw`).
 */
export function readRestRequest(raw: RestHttpRequest, segments: string[], body: Record<string, unknown> | undefined, ip: string | undefined): RestRequest {
  const url = new URL(raw.url);
  let method = raw.method.toUpperCase();
  let params = queryParams(url);
  let objectBody: Record<string, unknown> | undefined;
  let fromBody: Record<string, unknown> = {};
  if (body) {
    objectBody = Object.create(null) as Record<string, unknown>;
    for (const [key, value] of Object.entries(body)) {
      if (SDK_FIELDS.has(key)) fromBody[key] = value;
      else Object.defineProperty(objectBody, key, { value, enumerable: true, writable: true, configurable: true });
    }
    const override = text(fromBody._method)?.toUpperCase();
    if (method === 'POST' && override) {
      if (!HTTP_METHODS.has(override)) throw errors.invalidJson(`Unsupported _method ${override}`);
      method = override;
    }
    if (method === 'GET' || method === 'DELETE') {
      // A GET sent as a POST carries its parameters in the body.
      params = Object.assign(params, objectBody);
      objectBody = undefined;
    }
  } else fromBody = {};
  const clientKeys = [
    header(raw, 'x-parse-rest-api-key'),
    header(raw, 'x-parse-javascript-key'),
    header(raw, 'x-parse-client-key'),
    header(raw, 'x-parse-windows-key'),
    header(raw, 'x-parse-dotnet-key'),
    text(fromBody._JavaScriptKey),
    text(fromBody._ClientKey),
    text(fromBody._RestAPIKey),
  ].filter((k): k is string => k !== undefined);
  const bearer = /^Bearer\s+(.+)$/i.exec(raw.headers.get('authorization') ?? '')?.[1]?.trim();
  return {
    method,
    segments,
    params,
    body: objectBody,
    raw,
    credentials: {
      appId: header(raw, 'x-parse-application-id') ?? text(fromBody._ApplicationId),
      masterKey: header(raw, 'x-parse-master-key') ?? text(fromBody._MasterKey),
      // A log-in ignores the token it carries, as Parse does: the SDK sends the current user's
      // token with `logIn`, and a user whose session expired or was revoked must be able to log in again.
      sessionToken: isLogIn(segments) ? undefined : (header(raw, 'x-parse-session-token') ?? text(fromBody._SessionToken) ?? (bearer || undefined)),
      clientKeys,
    },
    installationId: header(raw, 'x-parse-installation-id') ?? text(fromBody._InstallationId),
    clientVersion: header(raw, 'x-parse-client-version') ?? text(fromBody._ClientVersion),
    revocableSession: (header(raw, 'x-parse-revocable-session') ?? text(fromBody._RevocableSession)) === '1',
    context: contextOf(raw.headers.get('x-parse-cloud-context') ?? fromBody._context),
    ip,
    auth: undefined as unknown as Auth,
  };
}
