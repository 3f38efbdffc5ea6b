import { describe, expect, it } from 'vitest';
import { loadDashboardConfig } from '../../src/config/dashboard.ts';

describe('dashboard settings', () => {
  it('defaults: on, with the CSP, 12-hour sessions, 90 days of audit trail', () => {
    expect(loadDashboardConfig({})).toEqual({
      enabled: true,
      csp: true,
      sessionLengthMs: 43_200_000,
      loginRate: { perIpPerMinute: 20, perAccountPerMinute: 5 },
      auditRetentionDays: 90,
    });
  });

  it('reads the environment and refuses what it cannot read', () => {
    const c = loadDashboardConfig({
      PLINTH_DASHBOARD: 'false',
      PLINTH_DASHBOARD_CSP: 'off',
      PLINTH_DASHBOARD_SESSION_LENGTH: '3600',
      PLINTH_DASHBOARD_LOGIN_RATE_PER_IP: '0',
      PLINTH_AUDIT_RETENTION_DAYS: '0',
    });
    expect(c).toMatchObject({
      enabled: false,
      csp: false,
      sessionLengthMs: 3_600_000,
      loginRate: { perIpPerMinute: 0, perAccountPerMinute: 5 },
      auditRetentionDays: 0,
    });
    expect(() => loadDashboardConfig({ PLINTH_AUDIT_RETENTION_DAYS: 'a week' })).toThrow(/PLINTH_AUDIT_RETENTION_DAYS must be an integer/);
    expect(() => loadDashboardConfig({ PLINTH_DASHBOARD: 'maybe' })).toThrow('PLINTH_DASHBOARD must be true or false, got "maybe"');
    expect(() => loadDashboardConfig({ PLINTH_DASHBOARD_SESSION_LENGTH: '5' })).toThrow(/PLINTH_DASHBOARD_SESSION_LENGTH must be an integer from 60/);
  });
});
