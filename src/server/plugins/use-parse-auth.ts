import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../../config/logger.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import type { Auth } from '../../security/index.ts';
import { resolveAuth, secretEquals, type SessionResolver } from '../../auth/index.ts';
import { sessionTokenOf } from '../../auth/credentials.ts';
import { IpAllowList } from '../../auth/ip-allow-list.ts';

export interface ParseAuthOptions {
  appId: string;
  masterKey: string;
  sessions: SessionResolver;
  logger?: Logger;
  /** Addresses and CIDR ranges allowed to use the master key (absent: any). */
  masterKeyIps?: readonly string[];
}

const authByRequest = new WeakMap<Request, Auth>();

/** The Auth resolved for a request by useParseAuth. */
export function authOf(request: Request): Auth | undefined {
  return authByRequest.get(request);
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

/** The client's address as node:http saw it; undefined for in-process requests (`yoga.fetch`). */
function remoteAddressOf(serverContext: unknown): string | undefined {
  return (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket?.remoteAddress;
}

const MASTER_KEY_REFUSED = { code: ErrorCode.OPERATION_FORBIDDEN, error: 'unauthorized: the master key is not accepted from this address' };

/**
 * Parse's request credentials, before any GraphQL work: a missing or wrong
 * X-Parse-Application-Id is HTTP 403 {"error":"unauthorized"}; an invalid session token is
 * HTTP 400 {"code":209,"error":"Invalid session token"}. The Auth found is kept for the context.
 * The right master key from an address outside `masterKeyIps` is refused with HTTP 403 (as
 * Parse does), never downgraded; requests without a socket (in-process) count as loopback.
 *
 * Every request that reaches this hook is checked: Yoga's own routes that need no credentials
 * (CORS preflight, /health, the GraphiQL page) answer in hooks that run before it, and Yoga
 * serves GraphQL on more paths than the configured one (`/graphql/`, `/x/graphql`), so
 * matching the path here would let those skip the check. A failure while resolving the
 * credentials (the session store) is logged and answered with code 1 — never with the
 * stack trace that an exception escaping this hook would produce.
 */
export function useParseAuth(options: ParseAuthOptions): Plugin {
  const masterKeyIps = options.masterKeyIps ? new IpAllowList(options.masterKeyIps) : undefined;
  return {
    async onRequest({ request, serverContext, endResponse }) {
      const appId = request.headers.get('x-parse-application-id');
      if (!appId || !secretEquals(appId, options.appId)) {
        endResponse(json(403, { error: 'unauthorized' }));
        return;
      }
      try {
        const auth = await resolveAuth({ masterKey: request.headers.get('x-parse-master-key'), sessionToken: sessionTokenOf(request.headers) }, options.masterKey, options.sessions);
        if (auth.isMaster && masterKeyIps) {
          const ip = remoteAddressOf(serverContext);
          if (!masterKeyIps.allows(ip)) {
            options.logger?.warn({ ip }, 'master key refused: the request came from an address outside masterKeyIps');
            endResponse(json(403, MASTER_KEY_REFUSED));
            return;
          }
        }
        authByRequest.set(request, auth);
      } catch (error) {
        if (error instanceof ParseError) {
          endResponse(json(error.httpStatus, { code: error.code, error: error.message }));
          return;
        }
        options.logger?.error({ err: error }, 'could not resolve the credentials of a request');
        endResponse(json(500, { code: ErrorCode.INTERNAL_SERVER_ERROR, error: 'Internal server error' }));
      }
    },
  };
}
