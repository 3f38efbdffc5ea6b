import type { HookRegistry, WriteOperation } from '../core/index.ts';
import { errors } from '../errors/index.ts';
import { hashUserPassword, type PasswordScheme } from './passwords.ts';
import { checkPasswordPolicy, type PasswordPolicy } from './password-policy.ts';
import { clearLockout } from './lockout.ts';
import { revokedOf, type EndedSessions, type Sessions } from './sessions.ts';

export interface PasswordHookDeps {
  sessions: Sessions;
  policy: PasswordPolicy;
  scheme: PasswordScheme;
}

/** Updates that set a new password (their inTransaction step revokes the other sessions). */
const passwordChanges = new WeakSet<WriteOperation>();
/** Sessions a write revoked, announced after its COMMIT. */
const revocations = new WeakMap<WriteOperation, EndedSessions>();

/**
 * _User's `password` is write-only: before any create or update it is checked against the
 * password policy (142) and replaced by its hash (PLINTH_PASSWORD_HASH) in the internal "_hashed_password"
 * column; it never reaches a field. Inside the write's transaction:
 * - a password change ends every other session of the user (the session that made the change
 *   stays, when it is the user's own) and lifts an account lockout;
 * - deleting a user deletes their sessions.
 * Whether a password is required at all (signup) is decided by the user rules (user-rules.ts),
 * which run first.
 */
export function registerPasswordHook(hooks: HookRegistry, deps: PasswordHookDeps): void {
  hooks.register('_User', {
    async before(op) {
      if (!('password' in op.input)) return;
      const password = op.input.password;
      delete op.input.password;
      if (password === undefined) return;
      if (typeof password !== 'string' || password === '') throw errors.incorrectType('password must be a non-empty string');
      checkPasswordPolicy(deps.policy, password);
      op.internal._hashed_password = await hashUserPassword(password, deps.scheme);
      if (op.kind === 'update') passwordChanges.add(op);
    },
    async inTransaction(op, tx) {
      if (op.kind === 'delete') {
        await deps.sessions.revokeUser(op.objectId!, undefined, tx, false);
        revocations.set(op, revokedOf(op.objectId!));
      } else if (op.kind === 'update' && passwordChanges.has(op)) {
        const keep = op.auth.userId === op.objectId ? op.auth.sessionId : undefined;
        await deps.sessions.revokeUser(op.objectId!, keep, tx, false);
        revocations.set(op, revokedOf(op.objectId!, keep));
        await clearLockout(tx, op.objectId!);
      }
    },
    // Subscriptions of the revoked sessions end once the revocation is certain.
    afterCommit(op) {
      const ended = revocations.get(op);
      if (ended) deps.sessions.announceEnded(ended);
    },
  });
}
