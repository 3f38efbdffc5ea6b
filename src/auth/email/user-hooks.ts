import type { WriteOperation } from '../../core/index.ts';
import type { FlowContext } from './context.ts';

/**
 * The email side of every _User write, whatever the transport:
 * - a new password or a new email ends any pending password reset link (as in Parse);
 * - a new email ends any pending verification link (it was for the old address);
 * - with verifyUserEmails, a user created with an email, or whose email changes, gets
 *   `emailVerified: false` and, after commit, a verification email — unless the master key
 *   sets emailVerified itself.
 * Registered after the user rules (auth/user-hooks.ts), which refuse emailVerified from
 * clients and check the email's shape before this sets emailVerified.
 */
export function registerEmailHooks(ctx: FlowContext, afterEmailSet: (userId: string, email: string) => Promise<void>): void {
  const toVerify = new WeakMap<WriteOperation, string>();
  ctx.hooks.register('_User', {
    async before(op) {
      if (op.kind === 'delete') return;
      const input = op.input;
      // The password hook may already have turned the password into its hash.
      if (input.password !== undefined || op.internal._hashed_password !== undefined) op.internal._perishable_token = null;
      if (input.email === undefined) return;
      const email = typeof input.email === 'string' && input.email !== '' ? input.email : null;
      if (op.kind === 'update') {
        const current = await ctx.db.query<{ email: string | null }>('SELECT "email" FROM "_User" WHERE "objectId" = $1', [op.objectId]);
        if (current.length && current[0].email === email) return;
        op.internal._perishable_token = null;
        op.internal._email_verify_token = null;
      }
      if (!ctx.config.verifyUserEmails || email === null) return;
      if (input.emailVerified === undefined) input.emailVerified = false;
      if (input.emailVerified !== true) toVerify.set(op, email);
    },
    async afterCommit(op, object) {
      const email = toVerify.get(op);
      if (email === undefined) return;
      toVerify.delete(op);
      await afterEmailSet(op.objectId ?? object.objectId, email);
    },
  });
}
