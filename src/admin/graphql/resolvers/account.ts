import { errors } from '../../../errors/index.ts';
import type { Condition } from '../../../query/index.ts';
import { ADMIN_FEATURES, type AdminRole, type AdminUser, type StoredScope } from '../../types.ts';
import { restObject } from '../codec.ts';
import { canWrite } from '../../accounts/index.ts';
import { INSERT_ENTRY } from '../../audit/sql.ts';
import { requireClass, requireFeature, type AdminContext } from '../context.ts';

/*
 * Who is signed in (me), browse-as, dashboard users (owners only), and the users screen's
 * sessions of a user.
 */

/** A dashboard user as AdminUser (dates as ISO strings). */
export function adminUserOut(user: AdminUser) {
  return {
    ...user,
    scope: user.scope ? { classes: user.scope.classes.map((r) => ({ ...r, fields: r.fields ?? null })), features: user.scope.features } : null,
    createdAt: new Date(user.createdAt).toISOString(),
    lastLoginAt: user.lastLoginAt ? new Date(user.lastLoginAt).toISOString() : null,
  };
}

export function me(c: AdminContext, browsingAs = c.principal.browsingAs) {
  const { principal } = c;
  const features = [...ADMIN_FEATURES, 'admins' as const, 'audit' as const].filter((f) => principal.can(f));
  return {
    user: adminUserOut(principal.user),
    features,
    canWrite: canWrite(principal.user),
    browsingAs: browsingAs ?? null,
  };
}

/**
 * Starts (or with null, stops) browsing as a user: data reads and writes of this session then
 * run as them. Owners and full admins only — a read-only or scoped admin could otherwise reach
 * through a user's rights what their own scope refuses. Audited.
 */
export async function browseAs(c: AdminContext, userId: string | null) {
  const role = c.principal.user.role;
  if ((role !== 'OWNER' && role !== 'ADMIN') || c.principal.auth.admin?.readOnly || c.principal.auth.admin?.classes) {
    throw errors.forbidden('Only owners and admins may browse as a user.');
  }
  if (userId !== null) {
    const found = await c.deps.core.getMany(c.principal.auth, '_User', [userId], ['objectId'], undefined, false);
    if (!found.has(userId)) throw errors.objectNotFound();
  }
  await c.deps.sessions.setBrowsingAs(c.principal.sessionId, userId);
  // The audit trail: who browsed as whom (and when they stopped).
  await c.deps.db.execute(INSERT_ENTRY, [
    c.principal.user.email,
    userId ? 'browseAs' : 'browseAsEnd',
    '_User',
    userId ?? c.principal.browsingAs ?? null,
    null,
    null,
  ]);
  return me(c, userId ?? undefined);
}

const SESSION_FIELDS = ['objectId', 'createdWith', 'installationId', 'expiresAt', 'createdAt'];

/** A user's sessions, newest first, without their tokens. */
export async function sessionsOf(c: AdminContext, userId: string) {
  requireFeature(c, 'users');
  const cls = requireClass(c, '_Session');
  const user = cls.fields.user;
  const where: Condition = { kind: 'compare', field: { name: 'user', type: 'Pointer', targetClass: user?.targetClass ?? '_User' }, op: 'eq', value: userId };
  const fields = SESSION_FIELDS.filter((f) => Object.hasOwn(cls.fields, f));
  const result = await c.deps.core.find(c.principal.auth, '_Session', {
    where,
    order: [{ field: { name: 'createdAt', type: 'Date' }, descending: true }],
    page: { first: 1000 },
    fields,
    wantObjects: true,
    wantCount: false,
    wantHasNext: false,
  });
  return result.objects.map((s) => {
    const json = restObject(cls, s, c.env, new Set());
    const iso = (v: unknown) => (v && typeof v === 'object' && 'iso' in v ? String((v as { iso: unknown }).iso) : typeof v === 'string' ? v : null);
    return {
      objectId: s.objectId,
      createdWith: json.createdWith ?? null,
      installationId: json.installationId ?? null,
      expiresAt: iso(json.expiresAt),
      createdAt: iso(json.createdAt) ?? '',
    };
  });
}

/** Ends a session as a logout does: core's delete, whose after-commit ends its live subscriptions. */
export async function revokeSession(c: AdminContext, sessionId: string): Promise<boolean> {
  requireFeature(c, 'users');
  await c.deps.core.delete(c.principal.auth, '_Session', sessionId);
  return true;
}

function accounts(c: AdminContext) {
  requireFeature(c, 'admins');
  if (!c.deps.adminUsers) throw errors.invalidQuery('Dashboard users are not available on this server.');
  return c.deps.adminUsers;
}

interface ScopeInput {
  classes: { className: string; fields?: string[] | null; write: boolean }[];
  features: string[];
}

function storedScope(scope: ScopeInput | null | undefined): StoredScope | null | undefined {
  if (scope === undefined) return undefined;
  if (scope === null) return null;
  const features = scope.features.filter((f): f is StoredScope['features'][number] => (ADMIN_FEATURES as readonly string[]).includes(f));
  return { classes: scope.classes.map((r) => ({ className: r.className, write: r.write, ...(r.fields ? { fields: r.fields } : {}) })), features };
}

export const adminUsers = {
  async list(c: AdminContext) {
    return (await accounts(c).list()).map(adminUserOut);
  },
  async create(c: AdminContext, args: { email: string; password: string; role: AdminRole; scope?: ScopeInput | null }) {
    return adminUserOut(await accounts(c).create({ email: args.email, password: args.password, role: args.role, scope: storedScope(args.scope) }));
  },
  async update(c: AdminContext, args: { id: string; role?: AdminRole | null; scope?: ScopeInput | null; disabled?: boolean | null; password?: string | null }) {
    const changes = {
      role: args.role ?? undefined,
      scope: storedScope(args.scope),
      disabled: args.disabled ?? undefined,
      password: args.password ?? undefined,
    };
    // An owner changing their own password stays signed in (their other sessions end).
    return adminUserOut(await accounts(c).update(args.id, changes, c.principal.sessionId));
  },
  delete(c: AdminContext, id: string) {
    return accounts(c).delete(id);
  },
};
