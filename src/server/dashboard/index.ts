import type http from 'node:http';
import type { Config } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import { ErrorCode } from '../../errors/index.ts';
import type { AdminAccounts } from '../../admin/accounts/index.ts';
import type { AdminPrincipal } from '../../admin/types.ts';
import type { AdminGraphQL } from '../../admin/graphql/index.ts';
import type { FileService } from '../../files/index.ts';
import { limitFetchBody } from '../body-limit.ts';
import { API_PREFIX, createAccountApi, type ClientInfo, type ExportObjects } from './api.ts';
import { checkDashboardRequest, checkDashboardSocket } from './checks.ts';
import { json, withSecurityHeaders } from './headers.ts';
import type { GraphQLProxyDeps } from './proxy.ts';
import { DASHBOARD_DIST, DASHBOARD_PREFIX, serveStatic } from './static.ts';

export { checkDashboardRequest, checkDashboardSocket, CSRF_HEADER, isSameOrigin } from './checks.ts';
export { securityHeaders } from './headers.ts';
export type { ClientInfo, ExportObjects } from './api.ts';

const GRAPHQL_PATH = '/dashboard/graphql';

export interface DashboardDeps {
  config: Config;
  logger: Logger;
  accounts: AdminAccounts;
  /** The admin GraphQL endpoint (src/admin/graphql). */
  graphql: AdminGraphQL;
  /** What the GraphiQL screen's proxy runs on (the public endpoint, core, roles). */
  proxy?: GraphQLProxyDeps;
  /** Exports of a class's objects (GET /dashboard/api/export). */
  exportObjects?: ExportObjects;
  /** The files service (POST /dashboard/api/upload); absent: that route is 404. */
  files?: FileService;
  /** Where the built UI is (tests point it elsewhere). */
  dist?: string;
}

/** The dashboard as the HTTP server sees it: which paths are its, and their handler. */
export interface Dashboard {
  /** `/dashboard` and everything under it (whether the dashboard is on or not: off, they are 404). */
  owns(pathname: string): boolean;
  /** Serves one request (the UI, its account API, the admin GraphQL endpoint), with the security headers. */
  fetch(request: Request, client?: ClientInfo): Promise<Response>;
  /** The check of a WebSocket upgrade to /dashboard/graphql (cookie and Origin). */
  checkSocket(req: http.IncomingMessage): Promise<AdminPrincipal | null>;
  /** graphql-ws for the admin endpoint on a node:http server; undefined when the dashboard is off. */
  attachWebSocket(server: http.Server): { close(): Promise<void> } | undefined;
}

/** Whether a node:http request's raw URL is under /dashboard (cheap: no URL parsing). */
export function isDashboardUrl(url: string | undefined): boolean {
  return !!url && (url === '/dashboard' || url.startsWith(DASHBOARD_PREFIX) || url.startsWith('/dashboard?'));
}

/** Whether an upgrade is for the admin GraphQL socket. */
export function isDashboardSocketUrl(url: string | undefined): boolean {
  const path = (url ?? '').split('?')[0];
  return path === GRAPHQL_PATH || path === GRAPHQL_PATH + '/';
}

const notFound = () => new Response('Not Found\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/**
 * The admin web UI at /dashboard/ (PLINTH_DASHBOARD): the built UI (static.ts), its account API
 * (api.ts) and the admin GraphQL endpoint, which gets only requests that passed the cookie,
 * Origin and CSRF checks (checks.ts). Every answer carries the security headers (CSP unless
 * PLINTH_DASHBOARD_CSP=false). Off, every /dashboard path is 404.
 */
export function createDashboard(deps: DashboardDeps): Dashboard {
  const { config, logger, accounts } = deps;
  const { enabled, csp } = config.dashboard;
  const api = createAccountApi({
    accounts,
    publicUrl: config.publicUrl,
    sessionLengthMs: config.dashboard.sessionLengthMs,
    logger,
    exportObjects: deps.exportObjects,
    proxy: deps.proxy,
    upload: deps.files ? { files: deps.files, logger } : undefined,
  });
  const dist = deps.dist ?? DASHBOARD_DIST;

  async function route(request: Request, pathname: string, client: ClientInfo): Promise<Response> {
    if (pathname === '/dashboard') {
      const { search } = new URL(request.url);
      return new Response(null, { status: 308, headers: { location: DASHBOARD_PREFIX + search } });
    }
    if (pathname.startsWith(API_PREFIX)) return api(request, pathname, client);
    if (pathname === GRAPHQL_PATH || pathname === GRAPHQL_PATH + '/') {
      const checked = await checkDashboardRequest(request, accounts.sessions, config.publicUrl);
      if (checked instanceof Response) return checked;
      const limited = await limitFetchBody(request, config.limits.maxBodyBytes);
      return limited instanceof Response ? limited : deps.graphql.fetch(limited, checked);
    }
    return serveStatic(request, pathname, dist);
  }

  const owns = (pathname: string) => pathname === '/dashboard' || pathname.startsWith(DASHBOARD_PREFIX);
  return {
    owns,
    async fetch(request, client = {}) {
      const { pathname } = new URL(request.url);
      // Off; or a raw node:http path that dot segments took out of /dashboard once parsed.
      if (!enabled || !owns(pathname)) return notFound();
      const response = await route(request, pathname, client).catch((error: unknown) => {
        logger.error({ err: error, path: pathname }, 'a dashboard request failed');
        return json(500, { code: ErrorCode.INTERNAL_SERVER_ERROR, error: 'Internal server error' });
      });
      return withSecurityHeaders(response, csp);
    },
    checkSocket: (req) => checkDashboardSocket(req.headers, accounts.sessions, config.publicUrl),
    attachWebSocket(server) {
      if (!enabled) return undefined;
      return deps.graphql.attachWebSocket(
        server,
        (req) => checkDashboardSocket(req.headers, accounts.sessions, config.publicUrl),
        (listener) => accounts.sessions.onEnded(listener),
      );
    },
  };
}
