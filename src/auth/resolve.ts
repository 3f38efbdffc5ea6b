import { Auth } from '../security/index.ts';
import { errors } from '../errors/index.ts';
import { secretEquals } from './keys.ts';

/** Finds the user behind a session token; undefined when the token is unknown or expired. */
export interface SessionResolver {
  resolve(token: string): Promise<Auth | undefined>;
}

/** Until accounts exist there are no sessions: every token is unknown. */
export const NO_SESSIONS: SessionResolver = { resolve: async () => undefined };

export interface Credentials {
  masterKey?: string | null;
  sessionToken?: string | null;
}

/**
 * Who a request is: master key → master; else a session token → its user; else anonymous.
 * An unknown or expired token is an error (209), an empty one counts as anonymous; a wrong
 * master key counts as none (as in Parse Server).
 */
export async function resolveAuth(credentials: Credentials, masterKey: string, sessions: SessionResolver): Promise<Auth> {
  if (credentials.masterKey && secretEquals(credentials.masterKey, masterKey)) return Auth.masterKey();
  const token = credentials.sessionToken?.trim();
  if (token) {
    const auth = await sessions.resolve(token);
    if (!auth) throw errors.invalidSessionToken();
    return auth;
  }
  return Auth.anonymous();
}
