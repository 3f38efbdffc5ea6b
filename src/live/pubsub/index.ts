import type { Logger } from '../../config/logger.ts';
import type { PubSub } from '../types.ts';
import { MemoryPubSub } from './memory.ts';
import { RedisPubSub } from './redis.ts';

export { MemoryBus, MemoryPubSub } from './memory.ts';
export { RedisPubSub, type RedisPubSubOptions } from './redis.ts';

/**
 * The fan-out an instance uses, chosen by the configuration: Redis when `redisUrl` is set
 * (config.live.redisUrl, from REDIS_URL), in memory otherwise. Called once at start-up; it
 * does not wait for Redis: an instance starts while Redis is away, logs it, and shares live
 * events once it is reachable (see RedisPubSub). The caller closes it on shutdown.
 */
export function createPubSub(config: { redisUrl?: string }, logger?: Logger): PubSub {
  if (config.redisUrl) return new RedisPubSub({ url: config.redisUrl, logger });
  return new MemoryPubSub(undefined, logger);
}
