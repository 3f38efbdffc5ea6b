import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { loadLiveConfig } from '../../src/config/live.ts';
import { createLogger } from '../../src/config/logger.ts';
import { createPubSub, MemoryBus, MemoryPubSub, RedisPubSub } from '../../src/live/pubsub/index.ts';
import { pubsubConformance } from '../conformance/pubsub.ts';

const silent = createLogger('silent');

/** Two instances on one in-process bus. */
pubsubConformance('in memory', async () => {
  const bus = new MemoryBus();
  return { a: new MemoryPubSub(bus, silent), b: new MemoryPubSub(bus, silent) };
});

describe('MemoryPubSub', () => {
  it('is what an instance gets without REDIS_URL, and stays alone on its own bus', async () => {
    const one = createPubSub({}, silent);
    const two = createPubSub({}, silent);
    expect(one).toBeInstanceOf(MemoryPubSub);
    const got: string[] = [];
    await two.subscribe('c', (m) => void got.push(m));
    await one.publish('c', 'not for two');
    await two.publish('c', 'for two');
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual(['for two']);
    await Promise.all([one.close(), two.close()]);
  });

  it('createPubSub picks Redis when a URL is configured', async () => {
    const pubsub = createPubSub({ redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }, silent);
    expect(pubsub).toBeInstanceOf(RedisPubSub);
    await pubsub.close();
  });
});

describe('live configuration', () => {
  const base = { masterKey: 'test-master-key', dataDir: '/tmp/plinth-test-unused' };

  it('defaults to in-memory fan-out and the documented limits', () => {
    expect(loadConfig({}, base).live).toEqual({ redisUrl: undefined, maxSubscriptionsPerConnection: 100, maxConnectionsPerIp: 200, keepAliveMs: 12_000 });
  });

  it('reads REDIS_URL and the limits from the environment; config.redisUrl mirrors live.redisUrl', () => {
    const env = {
      REDIS_URL: 'redis://:secret@cache.internal:6380/2',
      PLINTH_LIVE_MAX_SUBSCRIPTIONS: '5',
      PLINTH_LIVE_MAX_CONNECTIONS_PER_IP: '7',
      PLINTH_LIVE_KEEPALIVE_MS: '30000',
    };
    const config = loadConfig(env, base);
    expect(config.live).toEqual({ redisUrl: env.REDIS_URL, maxSubscriptionsPerConnection: 5, maxConnectionsPerIp: 7, keepAliveMs: 30_000 });
    expect(config.redisUrl).toBe(env.REDIS_URL);
  });

  it('lets overrides win, the old top-level redisUrl included', () => {
    const env = { REDIS_URL: 'redis://from-env:6379', PLINTH_LIVE_MAX_SUBSCRIPTIONS: '5' };
    expect(loadConfig(env, { ...base, redisUrl: 'rediss://top-level:6379' }).live.redisUrl).toBe('rediss://top-level:6379');
    const config = loadConfig(env, { ...base, live: { redisUrl: 'redis://nested:6379', maxSubscriptionsPerConnection: 9 } });
    expect(config.live).toMatchObject({ redisUrl: 'redis://nested:6379', maxSubscriptionsPerConnection: 9 });
    expect(config.redisUrl).toBe('redis://nested:6379');
  });

  it.each([
    [{ REDIS_URL: 'http://cache:6379' }, /REDIS_URL must be a redis:\/\//],
    [{ REDIS_URL: 'redis://user:hunter2@' }, /REDIS_URL must be .*user:\*\*\*@/],
    [{ PLINTH_LIVE_MAX_SUBSCRIPTIONS: '0' }, /PLINTH_LIVE_MAX_SUBSCRIPTIONS must be an integer from 1/],
    [{ PLINTH_LIVE_MAX_CONNECTIONS_PER_IP: 'many' }, /PLINTH_LIVE_MAX_CONNECTIONS_PER_IP must be an integer/],
    [{ PLINTH_LIVE_KEEPALIVE_MS: '12.5' }, /PLINTH_LIVE_KEEPALIVE_MS must be an integer from 1000/],
  ])('refuses %o with a clear message', (env, message) => {
    expect(() => loadLiveConfig(env)).toThrow(message);
  });

  it('checks overrides as it checks the environment', () => {
    expect(() => loadLiveConfig({}, { keepAliveMs: -1 })).toThrow(/keepAliveMs must be an integer from 1000/);
  });

  it('does not repeat the Redis password in its error', () => {
    expect(() => loadLiveConfig({ REDIS_URL: 'redis://user:hunter2@' })).not.toThrow(/hunter2/);
  });
});
