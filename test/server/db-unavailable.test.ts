import { describe, expect, it } from 'vitest';
import { DatabaseError, isDatabaseUnavailable } from '../../src/db/index.ts';
import { DATABASE_UNAVAILABLE, maskError } from '../../src/server/plugins/mask-error.ts';

// A database outage (restart, network cut) is answered as one, logged briefly — not as an
// internal error with a stack per request.
describe('database outages at the boundary', () => {
  const outages = [
    new DatabaseError('terminating connection due to administrator command', '57P01', 'SELECT 1'),
    new DatabaseError('connection failure', '08006', 'SELECT 1'),
    new DatabaseError('database error', undefined, 'SELECT 1', {
      name: 'DriverAdapterError',
      cause: { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 },
    }),
    new Error('Connection terminated unexpectedly'),
  ];

  it.each(outages.map((e) => [e.message, e]))('%s is an outage', (_m, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    const logged: { level: string; args: unknown[] }[] = [];
    const logger = { warn: (...args: unknown[]) => logged.push({ level: 'warn', args }), error: (...args: unknown[]) => logged.push({ level: 'error', args }) };
    const masked = maskError(logger as never)(error) as Error & { extensions?: { code?: number } };
    expect(masked.message).toBe(DATABASE_UNAVAILABLE);
    expect(masked.extensions?.code).toBe(1);
    expect(logged.map((l) => l.level)).toEqual(['warn']);
  });

  it('other failures are not', () => {
    expect(isDatabaseUnavailable(new DatabaseError('duplicate key', '23505', 'INSERT'))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    const masked = maskError()(new TypeError('x is undefined')) as Error;
    expect(masked.message).toBe('Internal server error');
  });
});
