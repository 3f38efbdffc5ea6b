import type { AuthConfig } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import type { Database } from '../../db/index.ts';
import type { Core, ParseObject } from '../../core/index.ts';
import type { RoleResolver } from '../../security/index.ts';
import type { EmailFlows } from '../email/index.ts';
import type { AuthProviders } from '../providers/index.ts';
import type { Sessions } from '../sessions.ts';
import type { SharedCounters } from '../rate-limit.ts';
import type { AccountHooks } from '../account-hooks.ts';
import type { Auth } from '../../security/index.ts';

export interface AccountDeps {
  db: Database;
  core: Core;
  sessions: Sessions;
  roles: RoleResolver;
  emailFlows: EmailFlows;
  providers: AuthProviders;
  config: AuthConfig;
  logger: Logger;
  /** Counters shared by every instance (Redis), so that rate limits hold across them. */
  sharedCounters?: SharedCounters;
  /** Login and logout triggers (cloud code fills them in). */
  hooks?: AccountHooks;
}

/** Where a request came from, for rate limits and the audit log. */
export interface RequestOrigin {
  /** The client's address; absent for in-process requests. */
  ip?: string;
  installationId?: string | null;
  /** The request's caller, with the request's details (what login triggers see). */
  auth?: Auth;
}

/** A session handed to the client: the token (shown once) and the user as stored. */
export interface LoggedIn {
  sessionToken: string;
  user: ParseObject;
}

/** Parse's challenge input: identify the user (password or authData), then ask providers. */
export interface ChallengeInput {
  username?: string | null;
  password?: string | null;
  authData?: Record<string, unknown> | null;
  challengeData?: Record<string, unknown> | null;
}
