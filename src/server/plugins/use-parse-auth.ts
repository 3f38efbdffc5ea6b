import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../../config/logger.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import { isDatabaseUnavailable } from '../../db/index.ts';
import { DATABASE_UNAVAILABLE } from './mask-error.ts';
import { Auth } from '../../security/index.ts';
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
const contextByRequest = new WeakMap<Request, Record<string, unknown>>();

/** The request's `X-Parse-Cloud-Context` (a JSON object), checked by useParseAuth. */
export function cloudContextOf(request: Request): Record<string, unknown> | undefined {
  return contextByRequest.get(request);
}

/** Parse's answer to a context header that is not a JSON object. */
const INVALID_CONTEXT = { code: ErrorCode.INVALID_JSON, error: 'Invalid object for context.' };

/** The `X-Parse-Cloud-Context` header as an object; null when it is not a JSON object; undefined when absent. */
function parseCloudContext(header: string | null): Record<string, unknown> | null | undefined {
  if (header === null || header.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(header);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

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
  const check = parseCredentialsCheck(options);
  return {
    async onRequest({ request, serverContext, endResponse }) {
      // An in-process caller (the dashboard's GraphiQL proxy) hands the Auth in the server
      // context, which no HTTP client can set: it wins over the request's headers.
      const given = (serverContext as { auth?: unknown } | undefined)?.auth;
      if (given instanceof Auth) {
        authByRequest.set(request, given);
        return;
      }
      const refusal = await check(request, remoteAddressOf(serverContext));
      if (refusal) endResponse(refusal);
    },
  };
}

/**
 * The check useParseAuth runs, for any transport that serves GraphQL over HTTP (Yoga's hook,
 * the direct lane in server/direct-lane.ts): the answer that ends the request, or undefined
 * when the request may go on — its Auth and cloud context then kept for the context
 * (`authOf`, `cloudContextOf`).
 */
export function parseCredentialsCheck(options: ParseAuthOptions): (request: Request, remoteAddress: string | undefined) => Promise<Response | undefined> {
  const masterKeyIps = options.masterKeyIps ? new IpAllowList(options.masterKeyIps) : undefined;
  return async (request, remoteAddress) => {
    const appId = request.headers.get('x-parse-application-id');
    if (!appId || !secretEquals(appId, options.appId)) return json(403, { error: 'unauthorized' });
    try {
      const auth = await resolveAuth(
        { masterKey: request.headers.get('x-parse-master-key'), sessionToken: sessionTokenOf(request.headers) },
        options.masterKey,
        options.sessions,
      );
      if (auth.isMaster && masterKeyIps && !masterKeyIps.allows(remoteAddress)) {
        options.logger?.warn({ ip: remoteAddress }, 'master key refused: the request came from an address outside masterKeyIps');
        return json(403, MASTER_KEY_REFUSED);
      }
      authByRequest.set(request, auth);
      const context = parseCloudContext(request.headers.get('x-parse-cloud-context'));
      if (context === null) return json(400, INVALID_CONTEXT);
      if (context) contextByRequest.set(request, context);
      return undefined;
    } catch (error) {
      if (error instanceof ParseError) return json(error.httpStatus, { code: error.code, error: error.message });
      if (isDatabaseUnavailable(error)) {
        // The session store is down: a retryable 503, not a server fault.
        options.logger?.warn({ reason: (error as Error)?.message }, 'could not resolve the credentials of a request: the database is unavailable');
        return json(503, { code: ErrorCode.INTERNAL_SERVER_ERROR, error: DATABASE_UNAVAILABLE });
      }
      options.logger?.error({ err: error }, 'could not resolve the credentials of a request');
      return json(500, { code: ErrorCode.INTERNAL_SERVER_ERROR, error: 'Internal server error' });
    }
  };
}
