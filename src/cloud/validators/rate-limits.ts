import { LRUCache } from 'lru-cache';
import { clientKey, TokenBuckets, type SharedCounters } from '../../auth/rate-limit.ts';
import { ParseError } from '../../errors/index.ts';
import { CloudError } from '../errors.ts';
import type { RateLimitOptions } from '../types.ts';
import type { ValidatorRequest } from './request.ts';

/** Parse's default refusal message (RateLimitOptions.errorResponseMessage). */
export const DEFAULT_RATE_LIMIT_MESSAGE = 'Too many requests.';

export interface CloudRateLimitsOptions {
  /** Counters every instance shares (RedisCounters): the budgets then hold across all instances. */
  shared?: SharedCounters;
  /** The clock (tests move it by hand). */
  now?: () => number;
  /** Clients tracked per limit on this instance (least recently seen forgotten first). */
  maxClientsPerLimit?: number;
  /** Limits tracked on this instance (a reload that changes a limit starts a new one). */
  maxLimits?: number;
}

/** Who a call counts against in a zone, as Parse decides it: "user" and "session" fall back to the address. */
function clientOf(zone: RateLimitOptions['zone'], request: Pick<ValidatorRequest, 'user' | 'ip' | 'sessionId'>): string {
  if (zone === 'global') return 'global';
  if (zone === 'session' && request.sessionId) return `session:${request.sessionId}`;
  if (zone === 'user' && request.user?.id) return `user:${request.user.id}`;
  return `ip:${clientKey(request.ip)}`;
}

/**
 * The rate limits of cloud validators on this instance: per registered handler and per zone
 * client, `requestCount` calls at once, refilled at `requestCount` per `requestTimeWindow`
 * (token buckets, memory bounded). With shared counters the same budget also holds across all
 * instances, counted per window; while they cannot be reached (undefined), each instance's own
 * count applies. One per server; a reload of the cloud file keeps the counts of unchanged limits.
 */
export class CloudRateLimits {
  private readonly limits: LRUCache<string, TokenBuckets>;
  private readonly now: () => number;
  private readonly shared?: SharedCounters;
  private readonly maxClients: number;

  constructor(options: CloudRateLimitsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.shared = options.shared;
    this.maxClients = options.maxClientsPerLimit ?? 10_000;
    this.limits = new LRUCache({ max: options.maxLimits ?? 1_000 });
  }

  /**
   * Counts a call to the handler `handlerKey` and refuses it past its budget with Parse's
   * error (100, the limit's message, HTTP 429). Runs first in validation, before any rule.
   * Master-key calls are not counted unless `includeMasterKey`, nor the server's own calls
   * unless `includeInternalRequests`.
   */
  async check(
    handlerKey: string,
    limit: RateLimitOptions,
    request: Pick<ValidatorRequest, 'master' | 'internal' | 'user' | 'ip' | 'sessionId'>,
  ): Promise<void> {
    if (request.internal && !limit.includeInternalRequests) return;
    if (request.master && !limit.includeMasterKey) return;
    const client = clientOf(limit.zone, request);
    // Parse (express-rate-limit 8): a limit of 0 refuses every call.
    const allowed = limit.requestCount > 0 && this.bucketsOf(handlerKey, limit).take(client) && (await this.sharedTake(handlerKey, limit, client));
    if (!allowed) throw new ParseError(CloudError.CONNECTION_FAILED, limit.errorResponseMessage || DEFAULT_RATE_LIMIT_MESSAGE, 429);
  }

  private bucketsOf(handlerKey: string, limit: RateLimitOptions): TokenBuckets {
    const id = `${handlerKey}\0${limit.requestCount}\0${limit.requestTimeWindow}\0${limit.zone ?? 'ip'}`;
    let buckets = this.limits.get(id);
    if (!buckets) {
      const perMinute = (limit.requestCount * 60_000) / limit.requestTimeWindow;
      buckets = new TokenBuckets(perMinute, this.maxClients, this.now, limit.requestCount);
      this.limits.set(id, buckets);
    }
    return buckets;
  }

  /** The cross-instance budget of this window; true when there are no shared counters or they cannot be read. */
  private async sharedTake(handlerKey: string, limit: RateLimitOptions, client: string): Promise<boolean> {
    if (!this.shared) return true;
    const windowMs = limit.requestTimeWindow;
    const window = Math.floor(this.now() / windowMs);
    const key = `cloud:${handlerKey}:${limit.zone ?? 'ip'}:${windowMs}:${client}:${window}`;
    const count = await this.shared.increment(key, Math.ceil(2 * windowMs)).catch(() => undefined);
    return count === undefined || count <= limit.requestCount;
  }
}
