import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthRateLimits } from '../../src/auth/rate-limit.ts';
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

describe('RedisCounters: rate limits across instances', () => {
  const open: RedisCounters[] = [];
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });
  const counters = (url = REDIS_URL, appId = `counters-${randomUUID()}`) => {
    const c = new RedisCounters({ url, appId });
    open.push(c);
    return c;
  };

  it('counts with expiry, per app, and makes two instances share one login budget', async () => {
    const appId = `counters-${randomUUID()}`;
    const [one, two, other] = [counters(REDIS_URL, appId), counters(REDIS_URL, appId), counters()];
    for (const c of [one, two, other]) await ready(c);
    const first = await one.increment('probe', 60_000);
    expect(await two.increment('probe', 60_000)).toBe(first! + 1);
    expect(await other.increment('probe', 60_000)).toBe(1); // another app: its own counters

    const limits = { perIpPerMinute: 10, perAccountPerMinute: 3 };
    const a = new AuthRateLimits(limits, Date.now, one);
    const b = new AuthRateLimits(limits, Date.now, two);
    await a.checkAccount('login:max');
    await b.checkAccount('login:max');
    await a.checkAccount('login:max');
    await expect(b.checkAccount('login:max')).rejects.toMatchObject({ code: 155 });
  });

  it('answers undefined at once when Redis cannot be reached, so limits fall back to each instance', async () => {
    const gone = counters('redis://127.0.0.1:1');
    const started = Date.now();
    expect(await gone.increment('x', 1000)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
    const limits = new AuthRateLimits({ perIpPerMinute: 2, perAccountPerMinute: 2 }, Date.now, gone);
    await limits.checkIp('10.9.9.9');
    await limits.checkIp('10.9.9.9');
    await expect(limits.checkIp('10.9.9.9')).rejects.toMatchObject({ code: 155 });
  });
});
