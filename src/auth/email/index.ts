import type { AuthConfig } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import type { Database } from '../../db/index.ts';
import type { Core, HookRegistry } from '../../core/index.ts';
import type { MailAdapter } from '../mail/index.ts';
import type { Sessions } from '../sessions.ts';
import type { EmailFlows } from './types.ts';

export type { EmailFlows } from './types.ts';

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
}

/** The email flows, with their hooks on _User (verification on signup and on email change). */
export function createEmailFlows(deps: EmailFlowDeps): EmailFlows {
  void deps;
  const missing = async () => {
    throw new Error('email flows: not implemented yet');
  };
  return { requestPasswordReset: missing, confirmPasswordReset: missing, sendVerificationEmail: missing, verifyEmail: missing };
}
