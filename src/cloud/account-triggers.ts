import type { AccountHooks } from '../auth/account-hooks.ts';
import { errors } from '../errors/index.ts';
import { Auth } from '../security/index.ts';
import type { Auth as AuthType } from '../security/index.ts';
import { readableFields } from './data/find-parts.ts';
import type { CloudHolder } from './holder.ts';
import { followHooks } from './follow-hooks.ts';
import type { CloudRegistry } from './registry.ts';
import type { CloudRuntime } from './runtime.ts';
import type { CloudObject, LoginRequest, LogoutRequest, PasswordResetRequest } from './types.ts';

/** A user as login triggers see it: every field but secrets, read with the master key and without find triggers. */
async function userObject(rt: CloudRuntime, userId: string): Promise<CloudObject> {
  const cls = rt.deps.schema.current.classes.get('_User');
  const found = cls ? await rt.deps.core.getMany(Auth.master(), '_User', [userId], readableFields(cls), undefined, false) : undefined;
  const stored = found?.get(userId);
  if (!stored) throw errors.objectNotFound();
  return rt.objects.fromStored('_User', stored);
}

/** The account hooks the registry's login, logout and password-reset triggers make; none for a kind without triggers. */
function hooksFor(rt: CloudRuntime, registry: CloudRegistry): AccountHooks {
  const hooks: AccountHooks = {};
  const before = registry.triggersFor('beforeLogin', '_User');
  const after = registry.triggersFor('afterLogin', '_User');
  const logout = registry.triggersFor('afterLogout', '_Session');
  const reset = registry.triggersFor('beforePasswordResetRequest', '_User');
  if (before.length) {
    hooks.beforeLogin = async (userId: string, auth: AuthType) => {
      const object = await userObject(rt, userId);
      await rt.runTriggers<LoginRequest>(before, 'before', auth, (base) => ({ ...base, triggerName: 'beforeLogin', object }));
    };
  }
  if (after.length) {
    hooks.afterLogin = async (userId: string, auth: AuthType) => {
      const object = await userObject(rt, userId);
      // Parse: after the login the user is the request's user too.
      await rt.runTriggers<LoginRequest>(after, 'after', auth, (base) => ({ ...base, user: object, triggerName: 'afterLogin', object }));
    };
  }
  if (logout.length) {
    hooks.afterLogout = async (session, auth: AuthType) => {
      const object = rt.objects.fromStored('_Session', session);
      await rt.runTriggers<LogoutRequest>(logout, 'after', auth, (base) => ({ ...base, triggerName: 'afterLogout', object }));
    };
  }
  if (reset.length) {
    hooks.beforePasswordResetRequest = async (userId: string, auth: AuthType) => {
      const object = await userObject(rt, userId);
      await rt.runTriggers<PasswordResetRequest>(
        reset,
        'before',
        auth,
        (base) => ({ ...base, triggerName: 'beforePasswordResetRequest', object }),
        (r) => ({ object: r.object }),
      );
    };
  }
  return hooks;
}

const KINDS = ['beforeLogin', 'afterLogin', 'afterLogout', 'beforePasswordResetRequest'] as const;

/** Keeps the server's account hooks in step with the registry in force (one object, filled in place). */
export function wireAccountHooks(target: AccountHooks, holder: CloudHolder, rt: CloudRuntime): () => void {
  return followHooks(target, KINDS, holder, (registry) => hooksFor(rt, registry));
}
