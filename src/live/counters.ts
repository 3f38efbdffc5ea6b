import { Redis } from 'ioredis';
import type { Logger } from '../config/logger.ts';
import type { SharedCounters } from '../auth/rate-limit.ts';
import { retryStrategy, shutDown } from './pubsub/redis-connection.ts';

/**
 * Counters in Redis that every instance shares (the auth rate limits across instances), under
 * `plinth:<appId>:counter:`. Never in the way: while Redis is away an increment answers
 * undefined at once (no offline queue, a short timeout) and the caller falls back to its own
 * counting; the pub/sub logs the outage.
 */
export class RedisCounters implements SharedCounters {
  private readonly client: Redis;
  private readonly prefix: string;

  constructor(options: { url: string; appId: string; logger?: Logger }) {
    this.prefix = `plinth:${options.appId}:counter:`;
    this.client = new Redis(options.url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 5000,
      commandTimeout: 500,
      retryStrategy,
    });
    // Errors are answered per call (undefined); the connection's own are the pub/sub's to report.
    this.client.on('error', () => undefined);
  }

  async increment(key: string, ttlMs: number): Promise<number | undefined> {
    if (this.client.status !== 'ready') return undefined;
    try {
      const k = this.prefix + key;
      const replies = await this.client.multi().incr(k).pexpire(k, ttlMs, 'NX').exec();
      const [error, count] = replies?.[0] ?? [new Error('no reply')];
      return error || typeof count !== 'number' ? undefined : count;
    } catch {
      return undefined;
    }
  }

  close(): Promise<void> {
    return shutDown(this.client);
  }
}
