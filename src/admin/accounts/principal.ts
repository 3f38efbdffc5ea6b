import { Auth } from '../../security/index.ts';
import { ADMIN_FEATURES, type AdminFeature, type AdminPrincipal, type AdminUser } from '../types.ts';

/** What `can` is asked about: a screen, or the owner-only ones. */
export type DashboardFeature = AdminFeature | 'admins' | 'audit';

/**
 * The Auth an admin acts with: the master key's reach (Auth.admin), read-only for READ_ONLY,
 * limited to the scope's classes (and fields) for SCOPED; OWNER and ADMIN have every class.
 */
export function adminAuth(user: AdminUser): Auth {
  const classes =
    user.role === 'SCOPED'
      ? new Map((user.scope?.classes ?? []).map((c) => [c.className, { fields: c.fields ? new Set(c.fields) : undefined, write: c.write }]))
      : undefined;
  return Auth.admin({ adminId: user.id, email: user.email, readOnly: user.role === 'READ_ONLY', classes });
}

/** The screens an admin may open: owners all (admins, audit included), admins and read-only admins all but those two, scoped ones their scope's. */
export function featuresOf(user: AdminUser): DashboardFeature[] {
  if (user.role === 'OWNER') return [...ADMIN_FEATURES, 'admins', 'audit'];
  if (user.role === 'SCOPED') return ADMIN_FEATURES.filter((f) => user.scope?.features.includes(f));
  return [...ADMIN_FEATURES];
}

/** Whether an admin may write anything at all (READ_ONLY never; SCOPED when one of its classes is writable). */
export function canWrite(user: AdminUser): boolean {
  if (user.role === 'READ_ONLY') return false;
  if (user.role === 'SCOPED') return (user.scope?.classes ?? []).some((c) => c.write);
  return true;
}

export interface SessionFacts {
  sessionId: string;
  csrfToken: string;
  browsingAs: string | null;
}

export function principalOf(user: AdminUser, session: SessionFacts): AdminPrincipal {
  const features = new Set<string>(featuresOf(user));
  return {
    sessionId: session.sessionId,
    user,
    auth: adminAuth(user),
    browsingAs: session.browsingAs ?? undefined,
    csrfToken: session.csrfToken,
    can: (feature) => features.has(feature),
  };
}
