import { isIPv6 } from 'node:net';
import { LRUCache } from 'lru-cache';
import type { AuthConfig } from '../config/index.ts';
import { accountErrors } from './account-errors.ts';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets per key: `perMinute` attempts at once, refilled continuously at `perMinute`
 * per minute. Memory is bounded: at most `maxKeys` buckets (the least recently used go first —
 * a key that has been quiet long enough to be evicted would have refilled anyway, unless the
 * table is flooded, which only gives an attacker who controls that many addresses back what
 * they could have had). `perMinute` 0 turns the limit off.
 */
export class TokenBuckets {
  private readonly buckets: LRUCache<string, Bucket>;

  constructor(
    private readonly perMinute: number,
    maxKeys = 50_000,
    private readonly now: () => number = Date.now,
    /** The burst a fresh key gets (default: one minute's worth). */
    private readonly capacity = perMinute,
  ) {
    this.buckets = new LRUCache({ max: maxKeys });
  }

  /** Takes one token for `key`; false when its bucket is empty. */
  take(key: string): boolean {
    if (this.perMinute <= 0) return true;
    const now = this.now();
    const b = this.buckets.get(key);
    const tokens = b ? Math.min(this.capacity, b.tokens + ((now - b.at) * this.perMinute) / 60_000) : this.capacity;
    // (The tolerance absorbs floating-point dust: 5 × 1/6 + 1/6 must make one whole token.)
    if (tokens < 1 - 1e-9) {
      this.buckets.set(key, { tokens, at: now });
      return false;
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return true;
  }
}

/**
 * The key of a client address: an IPv6 client usually holds a whole /64, so its attempts are
 * counted together; IPv4-mapped IPv6 addresses count as the IPv4 address. In-process requests
 * (no socket) share one key.
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'in-process';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!isIPv6(ip)) return ip;
  return expandIPv6(ip).slice(0, 4).join(':') + '::/64';
}

/** The eight 16-bit groups of an IPv6 address (without a zone), as hex strings. */
function expandIPv6(ip: string): string[] {
  const [head, tail] = ip.split('%')[0].toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => g.replace(/^0+(?=.)/, ''));
}

/**
 * The login and signup limits (PLINTH_AUTH_RATE_PER_IP, PLINTH_AUTH_RATE_PER_ACCOUNT): one
 * budget per client address shared by logIn, logInWith and signUp, and one per account
 * (username, or provider and id). Kept in this process's memory: with several instances
 * each one counts on its own (a shared store, Redis, is the next step).
 */
export class AuthRateLimits {
  private readonly byIp: TokenBuckets;
  private readonly byAccount: TokenBuckets;

  constructor(limits: AuthConfig['rateLimits'], now?: () => number) {
    this.byIp = new TokenBuckets(limits.perIpPerMinute, 50_000, now);
    this.byAccount = new TokenBuckets(limits.perAccountPerMinute, 50_000, now);
  }

  /** Counts an attempt from this address; 155 when it has used its budget. */
  checkIp(ip: string | undefined): void {
    if (!this.byIp.take(clientKey(ip))) throw accountErrors.tooManyRequests();
  }

  /** Counts an attempt on this account (case-insensitive); 155 when it has used its budget. */
  checkAccount(account: string): void {
    if (!this.byAccount.take(account.toLowerCase())) throw accountErrors.tooManyRequests();
  }
}
