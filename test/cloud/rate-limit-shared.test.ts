import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { SharedCounters } from '../../src/auth/rate-limit.ts';
import type { RateLimitOptions } from '../../src/cloud/types.ts';
import { CloudRateLimits, validate } from '../../src/cloud/validators/index.ts';
import { RedisCounters } from '../../src/live/index.ts';
import { eventually } from '../conformance/pubsub.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Waits until a fresh connection answers (the tests fail, never skip, without Redis). */
async function ready(c: RedisCounters): Promise<void> {
  let answered = false;
  await eventually(
    () => {
      void c.increment('ready', 60_000).then((n) => (answered ||= n !== undefined));
      return answered;
    },
    `Redis at ${REDIS_URL} (set REDIS_URL)`,
    5000,
  );
}

/** An instance's limiter: calls a rate-limited function as a client address, 'ok' or the refusal code. */
function instance(shared: SharedCounters, clock: () => number) {
  const rateLimits = new CloudRateLimits({ shared, now: clock });
  return async (rateLimit: RateLimitOptions, ip = '10.1.1.1', key = 'function:hello') => {
    try {
      await validate({ rateLimit }, { master: false, roles: [], ip }, { key, rateLimits });
      return 'ok';
    } catch (e: any) {
      return String(e.code);
    }
  };
}

describe('cloud rate limits across instances', () => {
  const open: RedisCounters[] = [];
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });
  const counters = (appId: string, url = REDIS_URL) => {
    const c = new RedisCounters({ url, appId });
    open.push(c);
    return c;
  };

  it('two instances on one Redis share one budget per handler and client, window by window', async () => {
    const appId = `cloud-limits-${randomUUID()}`;
    const [redisA, redisB] = [counters(appId), counters(appId)];
    await Promise.all([ready(redisA), ready(redisB)]);
    // A clock at the start of a window, so the test never straddles two.
    let now = Math.ceil(Date.now() / 60_000) * 60_000;
    const [a, b] = [instance(redisA, () => now), instance(redisB, () => now)];
    const limit = { requestCount: 3, requestTimeWindow: 60_000 };

    expect([await a(limit), await b(limit), await a(limit)]).toEqual(['ok', 'ok', 'ok']);
    expect(await b(limit)).toBe('100'); // B has used one of its own three, but the shared budget is spent
    expect(await a(limit)).toBe('100');
    expect(await b(limit, '10.2.2.2')).toBe('ok'); // another client
    expect(await b(limit, '10.1.1.1', 'function:other')).toBe('ok'); // another handler

    now += 60_000;
    expect([await b(limit), await b(limit), await a(limit), await a(limit)]).toEqual(['ok', 'ok', 'ok', '100']);
  });

  it('fall back to each instance counting for itself when the counters answer undefined', async () => {
    const away: SharedCounters = { increment: async () => undefined };
    const [a, b] = [instance(away, Date.now), instance(away, Date.now)];
    const limit = { requestCount: 2, requestTimeWindow: 60_000 };
    expect([await a(limit), await a(limit), await a(limit)]).toEqual(['ok', 'ok', '100']);
    expect([await b(limit), await b(limit), await b(limit)]).toEqual(['ok', 'ok', '100']);
  });

  it('fall back when Redis cannot be reached at all, or a counter fails', async () => {
    const gone = counters(`cloud-limits-${randomUUID()}`, 'redis://127.0.0.1:1');
    const failing: SharedCounters = { increment: async () => Promise.reject(new Error('boom')) };
    for (const shared of [gone, failing]) {
      const call = instance(shared, Date.now);
      const limit = { requestCount: 1, requestTimeWindow: 60_000 };
      expect([await call(limit), await call(limit)]).toEqual(['ok', '100']);
    }
  });
});
