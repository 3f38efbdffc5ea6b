import { describe, expect, it } from 'vitest';
import { AuthRateLimits, clientKey, TokenBuckets, type SharedCounters } from '../../src/auth/rate-limit.ts';
import { ParseError } from '../../src/errors/index.ts';

describe('TokenBuckets', () => {
  it('allows `perMinute` at once, then refills continuously', () => {
    let now = 0;
    const b = new TokenBuckets(6, 100, () => now);
    for (let i = 0; i < 6; i++) expect(b.take('k')).toBe(true);
    expect(b.take('k')).toBe(false);
    expect(b.take('other')).toBe(true);
    now += 9_999; // 6 per minute: one token per 10 s
    expect(b.take('k')).toBe(false);
    now += 1;
    expect(b.take('k')).toBe(true);
    expect(b.take('k')).toBe(false);
    now += 10 * 60_000; // never more than a full bucket
    for (let i = 0; i < 6; i++) expect(b.take('k')).toBe(true);
    expect(b.take('k')).toBe(false);
  });

  it('refused attempts do not earn credit', () => {
    let now = 0;
    const b = new TokenBuckets(1, 100, () => now);
    expect(b.take('k')).toBe(true);
    for (let i = 0; i < 5; i++) {
      now += 10_000;
      expect(b.take('k')).toBe(false);
    }
    now += 10_000;
    expect(b.take('k')).toBe(true);
  });

  it('keeps at most maxKeys buckets (memory is bounded)', () => {
    const b = new TokenBuckets(1, 3, () => 0);
    for (const k of ['a', 'b', 'c', 'd']) expect(b.take(k)).toBe(true);
    // 'a' was evicted (least recently used): it starts with a full bucket again.
    expect(b.take('a')).toBe(true);
    expect(b.take('d')).toBe(false);
    expect((b as any).buckets.size).toBe(3);
  });

  it('0 per minute turns the limit off', () => {
    const b = new TokenBuckets(0);
    for (let i = 0; i < 1000; i++) expect(b.take('k')).toBe(true);
  });
});

describe('clientKey', () => {
  it('counts an IPv6 /64 as one client, IPv4-mapped addresses as IPv4, in-process requests together', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(clientKey('10.1.2.3')).toBe('10.1.2.3');
    expect(clientKey(undefined)).toBe(clientKey(undefined));
  });
});

describe('AuthRateLimits', () => {
  it('answers 155 "Too many requests" past either budget; accounts are case-insensitive', async () => {
    let now = 0;
    const limits = new AuthRateLimits({ perIpPerMinute: 3, perAccountPerMinute: 2 }, () => now);
    await limits.checkAccount('login:Ann');
    await limits.checkAccount('login:ann');
    const refused = await limits.checkAccount('login:ANN').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ParseError);
    expect(refused).toMatchObject({ code: 155, message: 'Too many requests' });
    for (let i = 0; i < 3; i++) await limits.checkIp('10.0.0.1');
    await expect(limits.checkIp('10.0.0.1')).rejects.toThrow('Too many requests');
    await limits.checkIp('10.0.0.2');
    now += 60_000;
    await limits.checkIp('10.0.0.1');
  });

  it('with shared counters, one budget holds across instances; without an answer, each keeps its own', async () => {
    const store = new Map<string, number>();
    let reachable = true;
    const shared: SharedCounters = {
      async increment(key) {
        if (!reachable) return undefined;
        const n = (store.get(key) ?? 0) + 1;
        store.set(key, n);
        return n;
      },
    };
    const now = () => 0;
    const a = new AuthRateLimits({ perIpPerMinute: 4, perAccountPerMinute: 4 }, now, shared);
    const b = new AuthRateLimits({ perIpPerMinute: 4, perAccountPerMinute: 4 }, now, shared);
    await a.checkAccount('login:zoe');
    await b.checkAccount('login:zoe');
    await a.checkAccount('login:ZOE');
    await b.checkAccount('login:zoe');
    // Each instance has used 2 of its own 4, but together they used the 4 of the account.
    await expect(a.checkAccount('login:zoe')).rejects.toMatchObject({ code: 155 });
    await expect(b.checkAccount('login:zoe')).rejects.toMatchObject({ code: 155 });
    reachable = false;
    const c = new AuthRateLimits({ perIpPerMinute: 4, perAccountPerMinute: 4 }, now, shared);
    for (let i = 0; i < 4; i++) await c.checkAccount('login:zoe');
    await expect(c.checkAccount('login:zoe')).rejects.toMatchObject({ code: 155 });
  });
});
