import { ErrorCode, ParseError } from '../errors/index.ts';
import type { Auth } from '../security/index.ts';
import { resolveAuth, secretEquals, type SessionResolver } from '../auth/index.ts';
import { IpAllowList } from '../auth/ip-allow-list.ts';

/** A close reason in Parse's error format (WebSocket close reasons are at most 123 bytes). */
export function closeReason(code: number | undefined, error: string): string {
  const reason = JSON.stringify(code === undefined ? { error } : { code, error });
  return Buffer.byteLength(reason) <= 123 ? reason : JSON.stringify({ code, error: 'refused' });
}

/** Close reasons of refused connections (close code 4403). */
export const WS_REFUSED = {
  /** The HTTP endpoint's answer to a missing or wrong X-Parse-Application-Id. */
  appId: closeReason(undefined, 'unauthorized'),
  masterKeyIp: closeReason(ErrorCode.OPERATION_FORBIDDEN, 'unauthorized: master key not accepted from this address'),
} as const;

export interface ConnectionAuthOptions {
  appId: string;
  masterKey: string;
  masterKeyIps?: readonly string[];
  sessions: SessionResolver;
}

/** An accepted connection: who it is, and its credentials as the headers an HTTP request would carry. */
export interface ConnectionAuth {
  auth: Auth;
  headers: Record<string, string>;
  /** The session token the connection came with (its Auth is resolved again for each operation). */
  sessionToken?: string;
  installationId?: string;
}

const allowLists = new WeakMap<readonly string[], IpAllowList>();

function text(params: Record<string, unknown> | undefined, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = params?.[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/**
 * Who a WebSocket connection is, from its `connectionParams` — the same rules as the HTTP
 * headers (plugins/use-parse-auth.ts): `applicationId` must match, then `masterKey`, else
 * `sessionToken` (an invalid one is refused with 209, never downgraded to anonymous), else
 * anonymous. The header names (`X-Parse-Application-Id`, …) are accepted too. Called once per
 * connection, when it initialises.
 */
export async function connectionAuth(
  params: Record<string, unknown> | undefined,
  ip: string | undefined,
  options: ConnectionAuthOptions,
): Promise<ConnectionAuth | { refused: string }> {
  const appId = text(params, 'applicationId', 'X-Parse-Application-Id');
  if (!appId || !secretEquals(appId, options.appId)) return { refused: WS_REFUSED.appId };
  const sessionToken = text(params, 'sessionToken', 'X-Parse-Session-Token');
  const installationId = text(params, 'installationId', 'X-Parse-Installation-Id');
  try {
    const auth = await resolveAuth({ masterKey: text(params, 'masterKey', 'X-Parse-Master-Key'), sessionToken }, options.masterKey, options.sessions);
    if (auth.isMaster && options.masterKeyIps) {
      let list = allowLists.get(options.masterKeyIps);
      if (!list) allowLists.set(options.masterKeyIps, (list = new IpAllowList(options.masterKeyIps)));
      if (!list.allows(ip)) return { refused: WS_REFUSED.masterKeyIp };
    }
    const headers: Record<string, string> = { 'x-parse-application-id': appId };
    const token = auth.isMaster ? undefined : sessionToken?.trim() || undefined;
    if (token) headers['x-parse-session-token'] = token;
    if (installationId) headers['x-parse-installation-id'] = installationId;
    return { auth, headers, sessionToken: token, installationId };
  } catch (error) {
    if (error instanceof ParseError) return { refused: closeReason(error.code, error.message) };
    return { refused: closeReason(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error') };
  }
}
