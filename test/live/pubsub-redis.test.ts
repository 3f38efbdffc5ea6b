import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.ts';
import { RedisPubSub } from '../../src/live/pubsub/index.ts';
import { eventually, pubsubConformance } from '../conformance/pubsub.ts';

/** The Redis the tests use; they fail, never skip, when it is not there. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const silent = createLogger('silent');

/** Once Redis was found unreachable, the remaining cases fail at once with the same error. */
let unreachable: Error | undefined;

/** A RedisPubSub that is connected, or a clear failure. */
async function connected(url = REDIS_URL): Promise<RedisPubSub> {
  if (unreachable) throw unreachable;
  const pubsub = new RedisPubSub({ url, logger: silent });
  try {
    await eventually(() => pubsub.connected, `Redis at ${url} (the live tests need a Redis server; set REDIS_URL)`, 5000);
  } catch (error) {
    await pubsub.close();
    throw (unreachable = error as Error);
  }
  return pubsub;
}

/** Two instances: two pairs of connections to one Redis, as two Plinth processes have. */
pubsubConformance('Redis', async () => {
  const [a, b] = await Promise.all([connected(), connected()]);
  return { a, b };
});

describe('RedisPubSub', () => {
  it('fails fast, without throwing, when Redis cannot be reached at all', async () => {
    const pubsub = new RedisPubSub({ url: 'redis://127.0.0.1:1', logger: silent });
    try {
      expect(pubsub.connected).toBe(false);
      const sent = pubsub.publish('plinth:x:changes', 'lost');
      await expect(sent).rejects.toThrow(/unreachable/);
      const unsubscribe = await pubsub.subscribe('plinth:x:changes', () => undefined);
      await unsubscribe();
    } finally {
      await pubsub.close();
    }
  });
});
