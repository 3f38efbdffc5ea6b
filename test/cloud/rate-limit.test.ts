import { describe, expect, it } from 'vitest';
import type { RateLimitOptions } from '../../src/cloud/types.ts';
import { CloudRateLimits, validate, type ValidatorRequest } from '../../src/cloud/validators/index.ts';

/** A limiter on a clock the test moves, and a call helper giving 'ok' or "code message status". */
function setup(options: { maxClientsPerLimit?: number; maxLimits?: number } = {}) {
  let now = 1_000_000;
  const rateLimits = new CloudRateLimits({ now: () => now, ...options });
  const call = async (rateLimit: RateLimitOptions, request: Partial<ValidatorRequest> = {}, key = 'function:hello', extra: object = {}) => {
    try {
      await validate({ rateLimit, ...extra }, { master: false, roles: [], ip: '10.0.0.1', ...request }, { key, rateLimits });
      return 'ok';
    } catch (e: any) {
      return `${e.code} ${e.message} ${e.httpStatus}`;
    }
  };
  const calls = async (n: number, ...args: Parameters<typeof call>) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(await call(...args));
    return out;
  };
  return { rateLimits, call, calls, advance: (ms: number) => (now += ms) };
}

const REFUSED = '100 Too many requests. 429';
const twoPerSecond: RateLimitOptions = { requestCount: 2, requestTimeWindow: 1000 };

describe('cloud rate limits', () => {
  it('allow requestCount calls per client address, refuse the next with Parse code 100 and message (HTTP 429)', async () => {
    const { calls, call } = setup();
    expect(await calls(3, twoPerSecond)).toEqual(['ok', 'ok', REFUSED]);
    expect(await call(twoPerSecond, { ip: '10.0.0.2' })).toBe('ok');
    // IPv4-mapped IPv6 is the same client; an IPv6 /64 counts as one.
    expect(await call(twoPerSecond, { ip: '::ffff:10.0.0.1' })).toBe(REFUSED);
    expect(await calls(3, twoPerSecond, { ip: '2001:db8::1' })).toEqual(['ok', 'ok', REFUSED]);
    expect(await call(twoPerSecond, { ip: '2001:db8::2' })).toBe(REFUSED);
  });

  it('give the budget back as the window passes', async () => {
    const { calls, call, advance } = setup();
    expect(await calls(3, twoPerSecond)).toEqual(['ok', 'ok', REFUSED]);
    advance(499);
    expect(await call(twoPerSecond)).toBe(REFUSED);
    advance(1); // half a window: one call's worth
    expect(await calls(2, twoPerSecond)).toEqual(['ok', REFUSED]);
    advance(1000);
    expect(await calls(3, twoPerSecond)).toEqual(['ok', 'ok', REFUSED]);
  });

  it('count per registered handler', async () => {
    const { calls, call } = setup();
    expect(await calls(3, twoPerSecond, {}, 'function:a')).toEqual(['ok', 'ok', REFUSED]);
    expect(await call(twoPerSecond, {}, 'function:b')).toBe('ok');
    expect(await call(twoPerSecond, {}, 'trigger:beforeSave:Post:0')).toBe('ok');
  });

  it('apply to functions and the before-triggers Parse limits, never to after-triggers', async () => {
    const { calls } = setup();
    for (const key of ['trigger:beforeSave:Post:0', 'trigger:beforeDelete:Post:0', 'trigger:beforeFind:Post:1', 'trigger:beforePasswordResetRequest:_User:0']) {
      expect(await calls(3, twoPerSecond, {}, key)).toEqual(['ok', 'ok', REFUSED]);
    }
    for (const key of ['trigger:afterSave:Post:0', 'trigger:afterFind:Post:0', 'trigger:beforeSubscribe:Post:0']) {
      expect(await calls(3, twoPerSecond, {}, key)).toEqual(['ok', 'ok', 'ok']);
    }
  });

  it('zone "user" counts per user across addresses, and by address without a user', async () => {
    const { call, calls } = setup();
    const limit = { ...twoPerSecond, zone: 'user' as const };
    const ann = { id: 'ann', get: () => undefined };
    expect(await call(limit, { user: ann, ip: '1.1.1.1' })).toBe('ok');
    expect(await call(limit, { user: ann, ip: '2.2.2.2' })).toBe('ok');
    expect(await call(limit, { user: ann, ip: '3.3.3.3' })).toBe(REFUSED);
    expect(await call(limit, { user: { id: 'bob', get: () => undefined }, ip: '1.1.1.1' })).toBe('ok');
    expect(await calls(3, limit, { ip: '4.4.4.4' })).toEqual(['ok', 'ok', REFUSED]);
  });

  it('zone "session" counts per session, and by address without one', async () => {
    const { call } = setup();
    const limit = { ...twoPerSecond, zone: 'session' as const };
    const ann = { id: 'ann', get: () => undefined };
    expect(await call(limit, { user: ann, sessionId: 's1' })).toBe('ok');
    expect(await call(limit, { user: ann, sessionId: 's1', ip: '9.9.9.9' })).toBe('ok');
    expect(await call(limit, { user: ann, sessionId: 's1' })).toBe(REFUSED);
    expect(await call(limit, { user: ann, sessionId: 's2' })).toBe('ok'); // the same user's other session
    expect(await call(limit, {})).toBe('ok');
  });

  it('zone "global" counts everyone together', async () => {
    const { call } = setup();
    const limit = { ...twoPerSecond, zone: 'global' as const };
    expect(await call(limit, { ip: '1.1.1.1' })).toBe('ok');
    expect(await call(limit, { ip: '2.2.2.2' })).toBe('ok');
    expect(await call(limit, { ip: '3.3.3.3' })).toBe(REFUSED);
  });

  it('leave the master key and the server own calls out unless included', async () => {
    const { calls } = setup();
    expect(await calls(4, twoPerSecond, { master: true })).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(await calls(4, twoPerSecond, { internal: true })).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(await calls(3, { ...twoPerSecond, includeMasterKey: true }, { master: true }, 'function:m')).toEqual(['ok', 'ok', REFUSED]);
    expect(await calls(3, { ...twoPerSecond, includeInternalRequests: true }, { internal: true }, 'function:i')).toEqual(['ok', 'ok', REFUSED]);
  });

  it('use the limit message, and refuse every call with a count of 0', async () => {
    const { calls, call } = setup();
    expect(await calls(2, { requestCount: 1, requestTimeWindow: 60_000, errorResponseMessage: 'Slow down.' })).toEqual(['ok', '100 Slow down. 429']);
    expect(await call({ requestCount: 0, requestTimeWindow: 60_000 }, {}, 'function:closed')).toBe(REFUSED);
  });

  it('count before the other rules: refused calls still use the budget', async () => {
    const { calls } = setup();
    const out = await calls(3, twoPerSecond, {}, 'function:hello', { requireUser: true });
    expect(out).toEqual(['142 Validation failed. Please login to continue. 400', '142 Validation failed. Please login to continue. 400', REFUSED]);
  });

  it('keep memory bounded: clients per limit and limits are least-recently-used tables', async () => {
    const { rateLimits, call } = setup({ maxClientsPerLimit: 2, maxLimits: 2 });
    const one = { requestCount: 1, requestTimeWindow: 60_000 };
    for (const ip of ['1.0.0.1', '1.0.0.2', '1.0.0.3']) expect(await call(one, { ip })).toBe('ok');
    // 1.0.0.1 was forgotten (its bucket evicted): it starts afresh; 1.0.0.3 is still counted.
    expect(await call(one, { ip: '1.0.0.1' })).toBe('ok');
    expect(await call(one, { ip: '1.0.0.3' })).toBe(REFUSED);
    for (const key of ['function:x', 'function:y', 'function:z']) await call(one, {}, key);
    expect((rateLimits as any).limits.size).toBe(2);
  });
});
