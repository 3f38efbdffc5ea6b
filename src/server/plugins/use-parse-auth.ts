import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../../config/logger.ts';
import { ErrorCode } from '../../errors/index.ts';
import { Auth } from '../../security/index.ts';
import { REFUSED_MASTER_KEY_IP, refusalBody, requestAuthenticator, sessionTokenOf, type SessionResolver } from '../../auth/index.ts';

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

/** Requests whose Auth an in-process caller handed over (the dashboard's GraphiQL proxy). */
const handedOver = new WeakSet<Request>();

/**
 * Whether the request came from an in-process caller that chose its Auth itself — the
 * dashboard's GraphiQL proxy (server/dashboard/proxy.ts), behind the dashboard's own login —
 * rather than from an HTTP client, which cannot do that (see useParseAuth).
 */
export function isHandedOver(request: Request): boolean {
  return handedOver.has(request);
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

/** The client's address as node:http saw it; undefined for in-process requests (`yoga.fetch`). */
function remoteAddressOf(serverContext: unknown): string | undefined {
  return (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket?.remoteAddress;
}

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
        handedOver.add(request);
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
  const authenticate = requestAuthenticator(options);
  return async (request, remoteAddress) => {
    const result = await authenticate({
      appId: request.headers.get('x-parse-application-id'),
      masterKey: request.headers.get('x-parse-master-key'),
      sessionToken: sessionTokenOf(request.headers),
      ip: remoteAddress,
    });
    if (result.refused) {
      if (result === REFUSED_MASTER_KEY_IP)
        options.logger?.warn({ ip: remoteAddress }, 'master key refused: the request came from an address outside masterKeyIps');
      else if (result.status === 503)
        options.logger?.warn({ reason: (result.cause as Error)?.message }, 'could not resolve the credentials of a request: the database is unavailable');
      else if (result.status >= 500) options.logger?.error({ err: result.cause }, 'could not resolve the credentials of a request');
      return json(result.status, refusalBody(result));
    }
    authByRequest.set(request, result.auth);
    const context = parseCloudContext(request.headers.get('x-parse-cloud-context'));
    if (context === null) return json(400, INVALID_CONTEXT);
    if (context) contextByRequest.set(request, context);
    return undefined;
  };
}
