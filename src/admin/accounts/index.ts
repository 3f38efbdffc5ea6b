import type { Database } from '../../db/index.ts';
import type { DashboardConfig } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import type { SharedCounters } from '../../auth/rate-limit.ts';
import { AdminLogin } from './login.ts';
import { AdminSessions } from './sessions.ts';
import { AdminSetup } from './setup.ts';
import { AdminTotp } from './totp.ts';
import { AdminUsers } from './users.ts';

export { ADMIN_COOKIE, readCookie } from './cookie.ts';
export { AdminLoginError, adminErrors } from './errors.ts';
export { adminAuth, canWrite, featuresOf, principalOf, type DashboardFeature } from './principal.ts';
export { AdminSessions, tokenHash, type NewAdminSession } from './sessions.ts';
export { AdminUsers, type AdminChanges, type NewAdmin } from './users.ts';
export { AdminTotp, matchingStep, type TotpEnrolment } from './totp.ts';
export { AdminLogin, type LoginAttempt } from './login.ts';
export { AdminSetup } from './setup.ts';

export interface AdminAccountsDeps {
  db: Database;
  config: DashboardConfig;
  logger?: Logger;
  /** Login budgets shared by every instance (Redis), when several run. */
  counters?: SharedCounters;
}

/**
 * Dashboard accounts: users (`_PlinthAdmin`), their sessions (the AdminSessionResolver every
 * dashboard route and the admin GraphQL endpoint ask), login with optional TOTP, and the
 * first-run setup.
 */
export class AdminAccounts {
  readonly sessions: AdminSessions;
  readonly users: AdminUsers;
  readonly totp: AdminTotp;
  readonly login: AdminLogin;
  readonly setup: AdminSetup;

  constructor(deps: AdminAccountsDeps) {
    this.sessions = new AdminSessions(deps.db, deps.config.sessionLengthMs, deps.logger);
    this.users = new AdminUsers(deps.db, this.sessions);
    this.totp = new AdminTotp(deps.db);
    this.login = new AdminLogin(deps.db, this.sessions, this.totp, deps.config.loginRate, deps.counters);
    this.setup = new AdminSetup(deps.db, this.users, this.sessions);
  }
}
