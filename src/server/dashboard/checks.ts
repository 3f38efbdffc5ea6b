import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { ErrorCode } from '../../errors/index.ts';
import type { AdminPrincipal, AdminSessionResolver } from '../../admin/types.ts';
import { json } from './headers.ts';

/** The header in which the page echoes its session's CSRF token (from GET /dashboard/api/session). */
export const CSRF_HEADER = 'x-plinth-csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const refusals = {
  crossOrigin: () => json(403, { code: ErrorCode.OPERATION_FORBIDDEN, error: 'Cross-origin request refused.' }),
  csrf: () => json(403, { code: ErrorCode.OPERATION_FORBIDDEN, error: 'Missing or wrong CSRF token.' }),
  noSession: () => json(401, { code: ErrorCode.INVALID_SESSION_TOKEN, error: 'Invalid session token' }),
};

/**
 * Whether `origin` (an Origin header) is this server's: the host the request was sent to, or
 * PLINTH_PUBLIC_URL's origin (behind a proxy that rewrites Host). A missing Origin, or "null"
 * (sandboxed frames, some redirects), is not.
 */
export function isSameOrigin(origin: string | null | undefined, host: string | null | undefined, publicUrl?: string): boolean {
  if (!origin || origin === 'null') return false;
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    return false;
  }
  if (from.protocol !== 'http:' && from.protocol !== 'https:') return false;
  if (publicUrl && safeOrigin(publicUrl) === from.origin) return true;
  return !!host && from.host === host.toLowerCase();
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The host a Fetch request was sent to: its URL's (built from the Host header on node:http). */
function hostOf(request: Request): string {
  return new URL(request.url).host;
}

/** Compares in constant time (the CSRF token is a secret of the session). */
function sameSecret(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The Origin check alone, for POSTs made before there is a session (login, setup); a 403 answer when it fails. */
export function checkOrigin(request: Request, publicUrl?: string): Response | undefined {
  if (SAFE_METHODS.has(request.method)) return undefined;
  return isSameOrigin(request.headers.get('origin'), hostOf(request), publicUrl) ? undefined : refusals.crossOrigin();
}

/**
 * The one check of a dashboard HTTP request that needs a signed-in admin (the API, the admin
 * GraphQL endpoint, exports): a request that can change something (any method but GET/HEAD/
 * OPTIONS) must come from this origin (403) and echo the session's CSRF token in X-Plinth-CSRF
 * (403); every request needs a live session cookie (401). SameSite=Strict keeps the cookie off
 * cross-site requests too; the checks hold even in browsers that ignore it.
 * Answers the principal, or the Response to send back.
 */
export async function checkDashboardRequest(request: Request, resolver: AdminSessionResolver, publicUrl?: string): Promise<AdminPrincipal | Response> {
  const refused = checkOrigin(request, publicUrl);
  if (refused) return refused;
  const principal = await resolver.resolve(request.headers);
  if (!principal) return refusals.noSession();
  if (!SAFE_METHODS.has(request.method) && !sameSecret(request.headers.get(CSRF_HEADER), principal.csrfToken)) return refusals.csrf();
  return principal;
}

/**
 * The check of a WebSocket upgrade to the dashboard (the live grid): the Origin must be this
 * server's — browsers send it on every WebSocket, and the cookie goes along even from other
 * sites' pages, so this refuses cross-site WebSocket hijacking — and the cookie a live session.
 */
export async function checkDashboardSocket(
  headers: http.IncomingHttpHeaders,
  resolver: AdminSessionResolver,
  publicUrl?: string,
): Promise<AdminPrincipal | null> {
  if (!isSameOrigin(first(headers.origin), first(headers.host), publicUrl)) return null;
  const cookie = first(headers.cookie);
  return resolver.resolve(new Headers(cookie ? { cookie } : {}));
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
