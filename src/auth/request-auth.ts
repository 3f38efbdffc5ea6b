import { ErrorCode, ParseError } from '../errors/index.ts';
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable } from '../db/index.ts';
import type { Auth } from '../security/index.ts';
import { IpAllowList } from './ip-allow-list.ts';
import { secretEquals } from './keys.ts';
import { resolveAuth, type SessionResolver } from './resolve.ts';

/**
 * One set of rules for who a request is, whatever the transport (GraphQL over HTTP, graphql-ws,
 * REST, LiveQuery): the application id must match, then the master key (only from the allowed
 * addresses), else a session token (unknown or expired: 209, never downgraded to anonymous),
 * else anonymous. Transports only read their credentials (headers, connection params, the
 * JavaScript SDK's body fields) and write the refusal in their own format.
 */
export interface RequestAuthOptions {
  appId: string;
  masterKey: string;
  sessions: SessionResolver;
  /** Addresses and CIDR ranges allowed to use the master key (absent: any). */
  masterKeyIps?: readonly string[];
}

/** The credentials a request carries, as its transport read them. */
export interface RequestCredentials {
  appId?: string | null;
  masterKey?: string | null;
  sessionToken?: string | null;
  /** The caller's address; undefined for in-process callers, which count as loopback. */
  ip?: string;
}

/** Why a request was refused: the HTTP status, and Parse's body (`code` absent for a wrong application id). */
export interface Refusal {
  refused: true;
  status: number;
  code?: number;
  error: string;
  /** What went wrong behind a 5xx, for the log (never sent). */
  cause?: unknown;
}

export type RequestAuthResult = { refused: false; auth: Auth } | Refusal;

export const REFUSED_APP_ID: Refusal = { refused: true, status: 403, error: 'unauthorized' };
export const REFUSED_MASTER_KEY_IP: Refusal = {
  refused: true,
  status: 403,
  code: ErrorCode.OPERATION_FORBIDDEN,
  error: 'unauthorized: the master key is not accepted from this address',
};

/** The credential check of one server's settings (the allow list parsed once). */
export function requestAuthenticator(options: RequestAuthOptions): (credentials: RequestCredentials) => Promise<RequestAuthResult> {
  const masterKeyIps = options.masterKeyIps ? new IpAllowList(options.masterKeyIps) : undefined;
  return async (credentials) => {
    if (!credentials.appId || !secretEquals(credentials.appId, options.appId)) return REFUSED_APP_ID;
    try {
      const auth = await resolveAuth(credentials, options.masterKey, options.sessions);
      if (auth.isMaster && masterKeyIps && !masterKeyIps.allows(credentials.ip)) return REFUSED_MASTER_KEY_IP;
      return { refused: false, auth };
    } catch (error) {
      if (error instanceof ParseError) return { refused: true, status: error.httpStatus, code: error.code, error: error.message };
      if (isDatabaseUnavailable(error)) return { refused: true, status: 503, code: ErrorCode.INTERNAL_SERVER_ERROR, error: DATABASE_UNAVAILABLE, cause: error };
      return { refused: true, status: 500, code: ErrorCode.INTERNAL_SERVER_ERROR, error: 'Internal server error', cause: error };
    }
  };
}

/** Parse's body for a refusal. */
export function refusalBody(refusal: Refusal): { code?: number; error: string } {
  return refusal.code === undefined ? { error: refusal.error } : { code: refusal.code, error: refusal.error };
}
