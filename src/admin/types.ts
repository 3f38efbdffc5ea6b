import type { Auth } from '../security/index.ts';

/** The roles of dashboard users; owners manage other admins and read the audit trail. */
export type AdminRole = 'OWNER' | 'ADMIN' | 'READ_ONLY' | 'SCOPED';

/** The screens a SCOPED admin may be given (owners, admins and read-only admins have all but `admins`/`audit`). */
export const ADMIN_FEATURES = ['data', 'schema', 'users', 'cloud', 'files', 'push', 'logs', 'graphiql'] as const;
export type AdminFeature = (typeof ADMIN_FEATURES)[number];

export interface ClassScopeRule {
  className: string;
  /** Absent: every field. */
  fields?: string[];
  write: boolean;
}

export interface StoredScope {
  classes: ClassScopeRule[];
  features: AdminFeature[];
}

/** A dashboard user as stored (`_PlinthAdmin`), without secrets. */
export interface AdminUser {
  id: string;
  email: string;
  role: AdminRole;
  scope: StoredScope | null;
  disabled: boolean;
  totpEnabled: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
}

/**
 * A signed-in dashboard session, resolved from its cookie on every request: who, with which
 * Auth (`Auth.admin` with the user's scope, or the browsed-as user's Auth while browsing as
 * one), and the CSRF token the session's HTTP requests must echo.
 */
export interface AdminPrincipal {
  sessionId: string;
  user: AdminUser;
  /** The admin's own Auth: Auth.admin(scope). */
  auth: Auth;
  /** Set while browsing as a user: that user's id (data operations then run as them). */
  browsingAs?: string;
  csrfToken: string;
  /** Whether the admin may open a feature (role and scope). */
  can(feature: AdminFeature | 'admins' | 'audit'): boolean;
}

/**
 * Resolves and ends dashboard sessions (implemented in admin/accounts). The admin GraphQL
 * endpoint and every dashboard route ask it; nothing else reads the cookie.
 */
export interface AdminSessionResolver {
  /** The session of a request's cookie; null when absent, expired, or its user is disabled. */
  resolve(headers: Headers): Promise<AdminPrincipal | null>;
  /** Called with the session ids that ended (logout, disable, delete): their sockets close. */
  onEnded(listener: (sessionIds: readonly string[]) => void): () => void;
  /** Sets or clears the "browse as" user of a session (audited by the caller). */
  setBrowsingAs(sessionId: string, userId: string | null): Promise<void>;
}
