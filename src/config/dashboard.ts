import { envValue, int, type Env } from './env.ts';

/** The admin web UI served at /dashboard/: whether it is on, its headers, its sessions and login limits. */
export interface DashboardConfig {
  /** Serve the dashboard and its API (PLINTH_DASHBOARD, default true; false: every /dashboard path is 404). */
  enabled: boolean;
  /** Send the strict Content-Security-Policy (PLINTH_DASHBOARD_CSP, default true; false for operators who set their own). */
  csp: boolean;
  /** How long a dashboard session lives without use (PLINTH_DASHBOARD_SESSION_LENGTH, seconds; default 12 hours). */
  sessionLengthMs: number;
  /** Login attempts per minute per client address / per email (PLINTH_DASHBOARD_LOGIN_RATE_PER_IP / …_PER_ACCOUNT). */
  loginRate: { perIpPerMinute: number; perAccountPerMinute: number };
  /** Days the audit trail keeps an entry (PLINTH_AUDIT_RETENTION_DAYS, default 90; 0: forever). */
  auditRetentionDays: number;
}

export type DashboardConfigInput = Partial<Omit<DashboardConfig, 'loginRate'>> & { loginRate?: Partial<DashboardConfig['loginRate']> };

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = envValue(env, name)?.trim().toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

/** Reads the dashboard part of the configuration; overrides win. */
export function loadDashboardConfig(env: Env, overrides: DashboardConfigInput = {}): DashboardConfig {
  return {
    enabled: overrides.enabled ?? flag(env, 'PLINTH_DASHBOARD', true),
    csp: overrides.csp ?? flag(env, 'PLINTH_DASHBOARD_CSP', true),
    auditRetentionDays: overrides.auditRetentionDays ?? int(env, 'PLINTH_AUDIT_RETENTION_DAYS', 90, 0, 999_999),
    sessionLengthMs: overrides.sessionLengthMs ?? int(env, 'PLINTH_DASHBOARD_SESSION_LENGTH', 12 * 3600, 60, 365 * 24 * 3600) * 1000,
    loginRate: {
      perIpPerMinute: overrides.loginRate?.perIpPerMinute ?? int(env, 'PLINTH_DASHBOARD_LOGIN_RATE_PER_IP', 20, 0),
      perAccountPerMinute: overrides.loginRate?.perAccountPerMinute ?? int(env, 'PLINTH_DASHBOARD_LOGIN_RATE_PER_ACCOUNT', 5, 0),
    },
  };
}
