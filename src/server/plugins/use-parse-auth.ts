import type { Plugin } from 'graphql-yoga';
import { ParseError } from '../../errors/index.ts';
import type { Auth } from '../../security/index.ts';
import { resolveAuth, type SessionResolver } from '../../auth/index.ts';
import { secretEquals } from '../../auth/index.ts';

export interface ParseAuthOptions {
  appId: string;
  masterKey: string;
  sessions: SessionResolver;
  graphqlPath: string;
}

const authByRequest = new WeakMap<Request, Auth>();

/** The Auth resolved for a request by useParseAuth. */
export function authOf(request: Request): Auth | undefined {
  return authByRequest.get(request);
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

/** GraphiQL's page load (a browser GET asking for HTML) carries no Parse headers. */
function isGraphiQLPage(request: Request): boolean {
  return request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html');
}

/**
 * Parse's request credentials, before any GraphQL work: a missing or wrong
 * X-Parse-Application-Id is HTTP 403 {"error":"unauthorized"}; an invalid session token is
 * HTTP 400 {"code":209,"error":"Invalid session token"}. The Auth found is kept for the context.
 */
export function useParseAuth(options: ParseAuthOptions): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (request.method === 'OPTIONS' || url.pathname !== options.graphqlPath || isGraphiQLPage(request)) return;
      const appId = request.headers.get('x-parse-application-id');
      if (!appId || !secretEquals(appId, options.appId)) {
        endResponse(json(403, { error: 'unauthorized' }));
        return;
      }
      const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
      try {
        const auth = await resolveAuth(
          { masterKey: request.headers.get('x-parse-master-key'), sessionToken: request.headers.get('x-parse-session-token') ?? bearer },
          options.masterKey,
          options.sessions,
        );
        authByRequest.set(request, auth);
      } catch (error) {
        if (error instanceof ParseError) endResponse(json(error.httpStatus, { code: error.code, error: error.message }));
        else throw error;
      }
    },
  };
}
