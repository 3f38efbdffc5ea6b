import type http from 'node:http';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createSchema, createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { AdminPrincipal, AdminSessionResolver } from '../types.ts';
import { adminContext, type AdminContext } from './context.ts';
import type { AdminGraphQLDeps } from './deps.ts';
import { adminMaskError } from './mask.ts';
import { resolvers } from './resolvers/index.ts';
import { ADMIN_SDL } from './sdl.ts';
import { attachAdminWs } from './ws.ts';

export type { AdminGraphQLDeps, AdminCloudApi, AdminUsersApi } from './deps.ts';
export type { AdminContext } from './context.ts';

/** Where the dashboard's GraphQL endpoint is served (HTTP POST and graphql-ws). */
export const ADMIN_GRAPHQL_PATH = '/dashboard/graphql';

export interface AdminGraphQL {
  /** Runs one HTTP request as `principal` (the caller checked the cookie, Origin and CSRF token). */
  fetch(request: Request, principal: AdminPrincipal): Promise<Response>;
  /**
   * graphql-ws on ADMIN_GRAPHQL_PATH: `check` resolves an upgrade's principal (cookie and
   * Origin) or refuses it; sockets of sessions that end are closed with 4401.
   */
  attachWebSocket(
    server: http.Server,
    check: (req: http.IncomingMessage) => Promise<AdminPrincipal | null>,
    ended: AdminSessionResolver['onEnded'],
  ): { close(): Promise<void> };
}

/** Only POST: a GET could be sent by any page the admin visits (the CSRF token travels in a header of POSTs). */
const postOnly: Plugin = {
  onRequest({ request, endResponse, fetchAPI }) {
    if (request.method !== 'POST') endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'POST' } }));
  },
};

/**
 * Yoga's response (a @whatwg-node ponyfill in Node) as the platform's own Response, so that the
 * dashboard's routes can stream it like any other (Readable.fromWeb refuses ponyfill streams):
 * a JSON answer is read whole (it is small), an event stream (SSE subscriptions) is piped.
 */
async function nativeResponse(res: Response): Promise<Response> {
  if ((res as unknown) instanceof globalThis.Response) return res;
  const init = { status: res.status, statusText: res.statusText, headers: new Headers([...res.headers]) };
  if (!res.body) return new Response(null, init);
  if (!/text\/event-stream|multipart\/mixed/.test(res.headers.get('content-type') ?? '')) return new Response(await res.arrayBuffer(), init);
  const reader = res.body.getReader();
  return new Response(
    new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    }),
    init,
  );
}

/**
 * The dashboard's own GraphQL endpoint: a static schema (src/admin/schema.graphql) served by
 * its own Yoga instance — no GraphiQL, no CORS, errors masked to Parse codes, graphql-armor's
 * limits — whose resolvers call core with the admin's principal.
 */
export function createAdminGraphQL(deps: AdminGraphQLDeps): AdminGraphQL {
  const { limits } = deps.config;
  const yoga: YogaServerInstance<{ principal: AdminPrincipal }, AdminContext> = createYoga<{ principal: AdminPrincipal }, AdminContext>({
    schema: createSchema<AdminContext>({ typeDefs: ADMIN_SDL, resolvers }),
    graphqlEndpoint: ADMIN_GRAPHQL_PATH,
    graphiql: false,
    landingPage: false,
    logging: false,
    cors: false,
    healthCheckEndpoint: undefined,
    maskedErrors: { maskError: adminMaskError(deps.logger) },
    plugins: [
      postOnly,
      EnvelopArmorPlugin({
        maxDepth: { n: limits.maxDepth, flattenFragments: true },
        maxAliases: { n: limits.maxAliases },
        maxTokens: { n: limits.maxTokens },
        maxDirectives: { n: limits.maxDirectives },
        costLimit: { enabled: false },
        blockFieldSuggestion: { enabled: deps.config.production },
      }) as Plugin,
    ],
    context: ({ principal }) => adminContext(deps, principal),
  });
  return {
    fetch: async (request, principal) => nativeResponse(await yoga.fetch(request, { principal })),
    attachWebSocket: (server, check, ended) =>
      attachAdminWs(server, yoga, { path: ADMIN_GRAPHQL_PATH, check, ended, keepAliveMs: deps.config.live.keepAliveMs, logger: deps.logger }),
  };
}
