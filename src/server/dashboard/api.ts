import type { Logger } from '../../config/logger.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import type { AdminPrincipal, AdminUser } from '../../admin/types.ts';
import { ADMIN_COOKIE, AdminLoginError, readCookie, canWrite, featuresOf, type AdminAccounts } from '../../admin/accounts/index.ts';
import { checkDashboardRequest, checkOrigin, refusals } from './checks.ts';
import { graphiqlPage } from './graphiql.ts';
import { json } from './headers.ts';
import { graphqlProxy, type GraphQLProxyDeps } from './proxy.ts';
import { uploadFile, type DashboardUploadDeps } from './upload.ts';

export const API_PREFIX = '/dashboard/api/';

/** The largest body the API reads (credentials and codes). */
const MAX_BODY = 16 * 1024;

/** A class's objects as a CSV or JSON stream (admin/export.ts), read as the principal; throws a ParseError on bad arguments. */
export type ExportObjects = (principal: AdminPrincipal, className: string, format: string, where?: string) => ReadableStream<Uint8Array>;

export interface ApiDeps {
  accounts: AdminAccounts;
  /** The GraphiQL screen's proxy to the public endpoint (proxy.ts); absent: its routes are 404. */
  proxy?: GraphQLProxyDeps;
  /** Exports (`GET export`); absent: 404. */
  exportObjects?: ExportObjects;
  /** The data browser's file uploads (`POST upload`); absent: 404. */
  upload?: DashboardUploadDeps;
  publicUrl: string;
  sessionLengthMs: number;
  logger: Logger;
}

/** The client's address, when the request came over a socket (login throttling). */
export interface ClientInfo {
  ip?: string;
}

function userJson(user: AdminUser) {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    scope: user.scope,
    disabled: user.disabled,
    totpEnabled: user.totpEnabled,
    createdAt: user.createdAt.toISOString(),
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
  };
}

/** What the page learns of its session: who, which screens, whether it may write, the CSRF token. */
function sessionJson(user: AdminUser, csrfToken: string, browsingAs: string | null) {
  return { user: userJson(user), features: featuresOf(user), canWrite: canWrite(user), csrfToken, browsingAs };
}

/** The session cookie: HttpOnly, SameSite=Strict, only sent to /dashboard, Secure over https. */
function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${ADMIN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/dashboard; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

/** A JSON object body within MAX_BODY, sent as application/json (a cross-site form cannot send that type without asking). */
async function readJson(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ParseError(ErrorCode.INVALID_JSON, 'The body must be JSON (Content-Type: application/json).', 415);
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY) throw new ParseError(ErrorCode.INVALID_JSON, 'The body is too large.', 413);
  const text = await readLimited(request, MAX_BODY);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ParseError(ErrorCode.INVALID_JSON, 'The body is not valid JSON.', 400);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ParseError(ErrorCode.INVALID_JSON, 'The body must be a JSON object.', 400);
  return body as Record<string, unknown>;
}

async function readLimited(request: Request, limit: number): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new ParseError(ErrorCode.INVALID_JSON, 'The body is too large.', 413);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const notFound = () => json(404, { code: ErrorCode.OBJECT_NOT_FOUND, error: 'Not found.' });

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A ParseError as the API answers it: its status (429 for 155), `{code, error}`, and `totpRequired` for logins. */
function errorResponse(error: ParseError): Response {
  const status = error.code === ErrorCode.REQUEST_LIMIT_EXCEEDED ? 429 : error.httpStatus;
  const body: Record<string, unknown> = { code: error.code, error: error.message };
  if (error instanceof AdminLoginError && error.totpRequired) body.totpRequired = true;
  return json(status, body);
}

/**
 * The dashboard's account API under /dashboard/api/: `GET session`; `POST login`, `logout`,
 * `setup` (the first owner, with the printed token), `totp/enroll`, `totp/confirm`,
 * `totp/disable`. Every POST must come from this origin; once signed in, it must also carry the
 * session's CSRF token (checks.ts). Login and setup answer the session body and set the cookie.
 */
export function createAccountApi(deps: ApiDeps) {
  const { accounts, publicUrl } = deps;
  const secure = publicUrl.startsWith('https:');
  const maxAge = Math.floor(deps.sessionLengthMs / 1000);

  const signedIn = (user: AdminUser, session: { token: string; csrfToken: string }) =>
    json(200, sessionJson(user, session.csrfToken, null), { 'set-cookie': sessionCookie(session.token, maxAge, secure) });

  const withPrincipal = async (request: Request, then: (principal: AdminPrincipal) => Promise<Response>) => {
    const checked = await checkDashboardRequest(request, accounts.sessions, publicUrl);
    return checked instanceof Response ? checked : then(checked);
  };

  const routes: Record<string, (request: Request, client: ClientInfo) => Promise<Response>> = {
    'GET session': async (request) => {
      const principal = await accounts.sessions.resolve(request.headers);
      if (!principal) return json(401, { code: ErrorCode.INVALID_SESSION_TOKEN, error: 'Invalid session token' });
      // The cookie's life slides with the session's (the page asks for its session on every load).
      const token = readCookie(request.headers.get('cookie'), ADMIN_COOKIE)!;
      return json(200, sessionJson(principal.user, principal.csrfToken, principal.browsingAs ?? null), { 'set-cookie': sessionCookie(token, maxAge, secure) });
    },
    'POST login': async (request, client) => {
      const refused = checkOrigin(request, publicUrl);
      if (refused) return refused;
      const body = await readJson(request);
      const totp = text(body.totp);
      const { user, session } = await accounts.login.login({ email: text(body.email), password: text(body.password), totp: totp || undefined, ip: client.ip });
      return signedIn(user, session);
    },
    'POST setup': async (request) => {
      const refused = checkOrigin(request, publicUrl);
      if (refused) return refused;
      const body = await readJson(request);
      const { user, session } = await accounts.setup.complete(text(body.token), text(body.email), text(body.password));
      deps.logger.info({ email: user.email }, 'dashboard: the first owner was created with the setup link');
      return signedIn(user, session);
    },
    'POST logout': (request) =>
      withPrincipal(request, async (principal) => {
        await accounts.sessions.end(principal.sessionId);
        return json(200, { ok: true }, { 'set-cookie': `${ADMIN_COOKIE}=; HttpOnly; SameSite=Strict; Path=/dashboard; Max-Age=0${secure ? '; Secure' : ''}` });
      }),
    // A download link (the browser streams it to disk): a GET, so the cookie alone passes the
    // common check; the link also carries the session's CSRF token, which must match.
    'GET export': (request) =>
      withPrincipal(request, async (principal) => {
        const q = new URL(request.url).searchParams;
        if (q.get('csrf') !== principal.csrfToken) return refusals.csrf();
        if (!deps.exportObjects) return notFound();
        const className = q.get('className') ?? '';
        const format = q.get('format') ?? '';
        const stream = deps.exportObjects(principal, className, format, q.get('where') ?? undefined);
        const file = `${className.replace(/[^A-Za-z0-9_]/g, '_')}.${format}`;
        return new Response(stream, {
          status: 200,
          headers: {
            'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
            'content-disposition': `attachment; filename="${file}"`,
            'cache-control': 'no-store',
          },
        });
      }),
    // The GraphiQL screen (an <iframe>) and its proxy to the public endpoint, as an identity the server picks.
    'GET graphiql': (request) => withPrincipal(request, (principal) => (deps.proxy ? graphiqlPage(request, principal) : Promise.resolve(notFound()))),
    'POST graphql-proxy': (request) =>
      withPrincipal(request, (principal) => (deps.proxy ? graphqlProxy(request, principal, deps.proxy) : Promise.resolve(notFound()))),
    // The File cell's upload: the raw file as the body, streamed to storage (upload.ts).
    'POST upload': (request) =>
      withPrincipal(request, (principal) => (deps.upload ? uploadFile(request, principal, deps.upload) : Promise.resolve(notFound()))),
    'POST totp/enroll': (request) =>
      withPrincipal(request, async (principal) => json(200, await accounts.totp.enroll(principal.user.id, principal.user.email))),
    'POST totp/confirm': (request) =>
      withPrincipal(request, async (principal) => {
        await accounts.totp.confirm(principal.user.id, text((await readJson(request)).code));
        return json(200, { ok: true });
      }),
    'POST totp/disable': (request) =>
      withPrincipal(request, async (principal) => {
        await accounts.totp.disable(principal.user.id, text((await readJson(request)).code));
        return json(200, { ok: true });
      }),
  };
  const paths = new Set(Object.keys(routes).map((key) => key.split(' ')[1]));

  return async function serveApi(request: Request, pathname: string, client: ClientInfo): Promise<Response> {
    const name = pathname.slice(API_PREFIX.length);
    const route = routes[`${request.method} ${name}`];
    if (!route) {
      return paths.has(name) ? json(405, { code: ErrorCode.OPERATION_FORBIDDEN, error: 'Method not allowed.' }) : notFound();
    }
    try {
      return await route(request, client);
    } catch (error) {
      if (error instanceof ParseError) return errorResponse(error);
      deps.logger.error({ err: error, path: pathname }, 'dashboard API request failed');
      return json(500, { code: ErrorCode.INTERNAL_SERVER_ERROR, error: 'Internal server error' });
    }
  };
}
