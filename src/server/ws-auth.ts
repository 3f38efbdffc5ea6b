import type { Auth } from '../security/index.ts';
import { REFUSED_APP_ID, REFUSED_MASTER_KEY_IP, requestAuthenticator, type SessionResolver } from '../auth/index.ts';

/** A close reason in Parse's error format (WebSocket close reasons are at most 123 bytes). */
export function closeReason(code: number | undefined, error: string): string {
  const reason = JSON.stringify(code === undefined ? { error } : { code, error });
  return Buffer.byteLength(reason) <= 123 ? reason : JSON.stringify({ code, error: 'refused' });
}

/** Close reasons of refused connections (close code 4403). */
export const WS_REFUSED = {
  /** The HTTP endpoint's answer to a missing or wrong X-Parse-Application-Id. */
  appId: closeReason(REFUSED_APP_ID.code, REFUSED_APP_ID.error),
  masterKeyIp: closeReason(REFUSED_MASTER_KEY_IP.code, REFUSED_MASTER_KEY_IP.error),
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

/** One authenticator per server's options (the allow list parsed once). */
const authenticators = new WeakMap<ConnectionAuthOptions, ReturnType<typeof requestAuthenticator>>();

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
  let authenticate = authenticators.get(options);
  if (!authenticate) authenticators.set(options, (authenticate = requestAuthenticator(options)));
  const appId = text(params, 'applicationId', 'X-Parse-Application-Id');
  const sessionToken = text(params, 'sessionToken', 'X-Parse-Session-Token');
  const installationId = text(params, 'installationId', 'X-Parse-Installation-Id');
  const result = await authenticate({ appId, masterKey: text(params, 'masterKey', 'X-Parse-Master-Key'), sessionToken, ip });
  if (result === REFUSED_APP_ID) return { refused: WS_REFUSED.appId };
  if (result === REFUSED_MASTER_KEY_IP) return { refused: WS_REFUSED.masterKeyIp };
  if (result.refused) return { refused: closeReason(result.code, result.status >= 500 ? 'Internal server error' : result.error) };
  const { auth } = result;
  const headers: Record<string, string> = { 'x-parse-application-id': appId as string };
  const token = auth.isMaster ? undefined : sessionToken?.trim() || undefined;
  if (token) headers['x-parse-session-token'] = token;
  if (installationId) headers['x-parse-installation-id'] = installationId;
  return { auth, headers, sessionToken: token, installationId };
}
