import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** The dashboard user as /dashboard/api/session answers it (no secret in it). */
export interface SessionUser {
  id: string;
  email: string;
  role: 'OWNER' | 'ADMIN' | 'READ_ONLY' | 'SCOPED';
  totpEnabled?: boolean;
  scope?: {
    classes: { className: string; fields?: string[] | null; write: boolean }[];
    features: string[];
  } | null;
}

/**
 * The signed-in session as the page knows it. The cookie is HttpOnly, so the CSRF token is the
 * only credential-like value the page ever holds (in memory only).
 */
export interface Session {
  user: SessionUser;
  /** Screens this admin may open (the server checks again). */
  features: string[];
  canWrite: boolean;
  csrfToken: string;
  /** Set while browsing as a user: that user's id. */
  browsingAs: string | null;
}

/** What screens get from the shell besides the session: reload it (after browseAs, TOTP…). */
export interface SessionContextValue {
  session: Session;
  refresh: () => Promise<void>;
  logout: () => Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

/** The current session and its refresh/logout actions; only inside the signed-in shell. */
export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession() outside the signed-in shell');
  return value;
}

let currentToken = '';

/** Records the CSRF token every POST and GraphQL request echoes (set by the shell). */
export function setCsrfToken(token: string): void {
  currentToken = token;
}

export function csrfToken(): string {
  return currentToken;
}

/** GET /dashboard/api/session: the session, or null when not signed in (401). */
export async function fetchSession(): Promise<Session | null> {
  const res = await fetch('/dashboard/api/session', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.status === 401) return null;
  if (!res.ok) throw new Error(`session: HTTP ${res.status}`);
  const session = (await res.json()) as Session;
  session.browsingAs ??= null;
  setCsrfToken(session.csrfToken);
  return session;
}
