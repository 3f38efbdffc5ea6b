import type { AuthConfig } from '../config/index.ts';
import type { HookRegistry } from '../core/index.ts';
import type { Sql } from '../db/index.ts';
import { registerAuthDataHook } from './auth-data.ts';
import { registerPasswordHook } from './password-hook.ts';
import type { AuthProviders } from './providers/index.ts';
import { registerSessionRules } from './session-rules.ts';
import type { Sessions } from './sessions.ts';
import { registerUserRules } from './user-rules.ts';

export interface UserHookDeps {
  /** Where the user rules read what a write is about to change (who may write that user). */
  db: Sql;
  sessions: Sessions;
  providers: AuthProviders;
  config: AuthConfig;
}

/**
 * Everything _User writes must respect, on every path (signUp, createUser, updateUser, nested
 * creates), in this order: the user rules (required username and password, email shape, unique
 * values, emailVerified, the owner's ACL), authData checked by its providers, then the password
 * (policy, hash, session revocation). Register before other _User hooks (email flows), which
 * may then set fields such as emailVerified that clients may not. Writes of `_Session` (the
 * data API's sessions) keep the rules of session-rules.ts.
 */
export function registerUserHooks(hooks: HookRegistry, deps: UserHookDeps): void {
  registerUserRules(hooks, deps.db, { privateUsers: deps.config.privateUsers });
  registerAuthDataHook(hooks, deps.providers);
  registerPasswordHook(hooks, { sessions: deps.sessions, policy: deps.config.passwordPolicy, scheme: deps.config.passwordHash });
  registerSessionRules(hooks, deps.sessions);
}
