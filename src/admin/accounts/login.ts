import type { Database } from '../../db/index.ts';
import { AuthRateLimits, type SharedCounters } from '../../auth/rate-limit.ts';
import { hashPassword, needsRehash, verifyDummy, verifyPassword } from '../../auth/passwords.ts';
import type { DashboardConfig } from '../../config/index.ts';
import type { AdminUser } from '../types.ts';
import { adminErrors } from './errors.ts';
import { userOf, type AdminRow } from './rows.ts';
import type { AdminSessions, NewAdminSession } from './sessions.ts';
import type { AdminTotp } from './totp.ts';
import * as SQL from './sql.ts';

export interface LoginAttempt {
  email: string;
  password: string;
  /** The current code of the user's authenticator app, when TOTP is on. */
  totp?: string;
  /** The client's address (throttling). */
  ip?: string;
}

type LoginRow = AdminRow & { passwordHash: string; totpSecret: string | null; totpUsedStep: string | null };

/**
 * Dashboard logins. Throttled per client address and per email as typed (auth/rate-limit.ts:
 * counted before the lookup, so known and unknown emails run out alike; across instances with
 * Redis); 155 beyond. An unknown email, a wrong password and a disabled user get one answer
 * (401, 101 "Invalid email or password.") in comparable time: an unknown email is checked
 * against a dummy argon2 hash, and every failure is held to the pace of recent wrong passwords
 * (FailurePacing). With TOTP on, the right password without a code answers `totpRequired`.
 */
export class AdminLogin {
  private readonly limits: AuthRateLimits;

  constructor(
    private readonly db: Database,
    private readonly sessions: AdminSessions,
    private readonly totp: AdminTotp,
    rate: DashboardConfig['loginRate'],
    counters?: SharedCounters,
  ) {
    this.limits = new AuthRateLimits(rate, Date.now, counters && prefixed(counters));
  }

  async login(attempt: LoginAttempt): Promise<{ user: AdminUser; session: NewAdminSession }> {
    const email = String(attempt.email ?? '')
      .trim()
      .toLowerCase();
    const password = String(attempt.password ?? '');
    await this.limits.checkIp(attempt.ip);
    await this.limits.checkAccount(email);
    const started = this.limits.failures.start();
    const [row] = email && email.length <= 254 ? await this.db.query<LoginRow>(SQL.ADMIN_FOR_LOGIN, [email]) : [];
    if (!row) {
      await verifyDummy(password);
      await this.limits.failures.failed(started, false);
      throw adminErrors.invalidLogin();
    }
    if (!(await verifyPassword(password, row.passwordHash)) || row.disabled) {
      await this.limits.failures.failed(started, true);
      throw adminErrors.invalidLogin();
    }
    if (row.totpSecret) {
      if (!attempt.totp) throw adminErrors.totpRequired();
      if (!(await this.totp.check(row.id, row.totpSecret, row.totpUsedStep, attempt.totp))) throw adminErrors.totpInvalid();
    }
    if (needsRehash(row.passwordHash)) await this.db.execute(SQL.SET_PASSWORD_HASH, [row.id, await hashPassword(password)]);
    await this.db.execute(SQL.TOUCH_LOGIN, [row.id]);
    const session = await this.sessions.create(row.id);
    return { user: { ...userOf(row), lastLoginAt: new Date() }, session };
  }
}

/** The dashboard's budgets apart from the API's own logins in the shared counters. */
function prefixed(counters: SharedCounters): SharedCounters {
  return { increment: (key, ttlMs) => counters.increment(`dashboard:${key}`, ttlMs) };
}
