import { errors } from '../../errors/index.ts';
import type { ClassDef } from '../../schema/index.ts';
import { adminRefusals, Auth } from '../../security/index.ts';
import type { CloudEnv } from '../../cloud/object/index.ts';
import type { AdminFeature, AdminPrincipal } from '../types.ts';
import type { AdminGraphQLDeps } from './deps.ts';
import { SavedViews } from '../views/index.ts';

/** Per-operation values of the admin endpoint: who asks, and the server's services. */
export interface AdminContext {
  principal: AdminPrincipal;
  deps: AdminGraphQLDeps;
  /** Class definitions and file URLs, for the REST JSON codec. */
  env: CloudEnv;
  /**
   * The Auth data operations run with: the admin's own (Auth.admin), or while browsing as a
   * user, that user's — built as the public API builds a session's (Auth.user with their roles).
   */
  dataAuth(): Promise<Auth>;
  /** Saved grid views, always those of the signed-in admin (never of the browsed-as user). */
  views: SavedViews;
}

export function adminContext(deps: AdminGraphQLDeps, principal: AdminPrincipal): AdminContext {
  let auth: Promise<Auth> | undefined;
  return {
    principal,
    deps,
    env: {
      classOf: (className) => deps.schemaStore.current.classes.get(className),
      fileUrl: (name) => deps.fileUrl(name),
    },
    views: new SavedViews(deps.db),
    dataAuth() {
      const userId = principal.browsingAs;
      // Browsing as a user: their Auth, marked so that the audit trail names the admin behind the write.
      const actingAdmin = principal.user.email;
      auth ??= userId
        ? deps.roles.rolesOf(userId).then((roles) => Auth.user(userId, roles).withRequest({ context: {}, actingAdmin }))
        : Promise.resolve(principal.auth);
      return auth;
    },
  };
}

/** A screen the admin's role or scope does not open: 119, whatever the operation. */
export function requireFeature(c: AdminContext, feature: AdminFeature | 'admins' | 'audit'): void {
  if (!c.principal.can(feature)) throw errors.forbidden(`This dashboard account may not use ${feature}.`);
}

/** Classes shown on the users screen; the data browser shows every class. */
const USER_CLASSES = new Set(['_User', '_Role', '_Session']);

/** The data browser ('data'), or for users, roles and sessions the users screen ('users'). */
export function requireDataFeature(c: AdminContext, className: string): void {
  if (c.principal.can('data') || (USER_CLASSES.has(className) && c.principal.can('users'))) return;
  requireFeature(c, 'data');
}

export function requireClass(c: AdminContext, className: string): ClassDef {
  const cls = c.deps.schemaStore.current.classes.get(className);
  if (!cls) throw errors.classNotFound(className);
  return cls;
}

/**
 * Work that changes something past core's object operations, which core's read-only rule
 * cannot see (queueing a job, deleting a stored file, sending a push): refused to read-only
 * admins here, with core's refusal.
 */
export function requireWriter(c: AdminContext): void {
  if (c.principal.auth.admin?.readOnly) throw adminRefusals.readOnly();
}
