import type { AuthConfig } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import type { Database } from '../../db/index.ts';
import type { Core, HookRegistry } from '../../core/index.ts';
import type { MailAdapter } from '../mail/index.ts';
import type { Sessions } from '../sessions.ts';
import { flowContext } from './context.ts';
import { passwordResetFlow } from './password-reset.ts';
import { registerEmailHooks } from './user-hooks.ts';
import { verificationFlow } from './verification.ts';
import type { EmailFlows } from './types.ts';
import type { AccountHooks } from '../account-hooks.ts';

export type { EmailFlows } from './types.ts';
export { isAlreadyVerified } from './errors.ts';

export interface EmailFlowDeps {
  db: Database;
  core: Core;
  hooks: HookRegistry;
  sessions: Sessions;
  mail: MailAdapter;
  config: AuthConfig;
  /** Base of the links in emails (PLINTH_PUBLIC_URL) and the app id in their paths. */
  publicUrl: string;
  appId: string;
  logger: Logger;
  /** Cloud code's beforePasswordResetRequest (filled in by the cloud layer). */
  accountHooks?: AccountHooks;
}

/**
 * The email flows, with their hooks on _User (verification on signup and on email change).
 * Runs once at start-up. Tokens are single use and expire; only their hashes are stored
 * ("_perishable_token", "_email_verify_token"), each next to its expiry.
 */
export function createEmailFlows(deps: EmailFlowDeps): EmailFlows {
  const ctx = flowContext(deps);
  const reset = passwordResetFlow(ctx);
  const verification = verificationFlow(ctx);
  registerEmailHooks(ctx, verification.afterEmailSet);
  return {
    requestPasswordReset: reset.request,
    checkPasswordResetToken: reset.check,
    confirmPasswordReset: reset.confirm,
    sendVerificationEmail: verification.send,
    verifyEmail: verification.verify,
  };
}
