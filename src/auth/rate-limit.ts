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
 * Counters every instance shares (Redis), for limits that must hold across instances.
 * `increment` adds one to `key` (which expires after `ttlMs`) and returns the new count, or
 * undefined when the store cannot be reached — the limit then falls back to this instance's own.
 */
export interface SharedCounters {
  increment(key: string, ttlMs: number): Promise<number | undefined>;
}

const WINDOW_MS = 60_000;

/**
 * The login and signup limits (PLINTH_AUTH_RATE_PER_IP, PLINTH_AUTH_RATE_PER_ACCOUNT): one
 * budget per client address shared by logIn, logInWith, challenge and signUp, and one per
 * account (username, or provider and id). An account's budget is the name as the client typed
 * it, counted before anyone looks it up, so a name that exists and one that does not run out
 * alike (no enumeration by the limiter). Each instance keeps token buckets in memory; with
 * shared counters (Redis, when several instances run) the same budgets also hold across all of
 * them, counted per minute — so N instances behind a load balancer do not give N budgets.
 */
export class AuthRateLimits {
  private readonly byIp: TokenBuckets;
  private readonly byAccount: TokenBuckets;

  constructor(
    private readonly limits: AuthConfig['rateLimits'],
    private readonly now: () => number = Date.now,
    private readonly shared?: SharedCounters,
    /** How long failed logins take to answer (see FailurePacing). */
    readonly failures: FailurePacing = new FailurePacing(),
  ) {
    this.byIp = new TokenBuckets(limits.perIpPerMinute, 50_000, now);
    this.byAccount = new TokenBuckets(limits.perAccountPerMinute, 50_000, now);
  }

  /** Counts an attempt from this address; 155 when it has used its budget. */
  async checkIp(ip: string | undefined): Promise<void> {
    const key = clientKey(ip);
    if (!this.byIp.take(key) || !(await this.sharedTake(`ip:${key}`, this.limits.perIpPerMinute))) throw accountErrors.tooManyRequests();
  }

  /** Counts an attempt on this account (case-insensitive); 155 when it has used its budget. */
  async checkAccount(account: string): Promise<void> {
    const key = account.toLowerCase();
    if (!this.byAccount.take(key) || !(await this.sharedTake(`account:${key}`, this.limits.perAccountPerMinute))) throw accountErrors.tooManyRequests();
  }

  /** The cross-instance budget of this minute; true when there is none, or it cannot be read. */
  private async sharedTake(key: string, perMinute: number): Promise<boolean> {
    if (!this.shared || perMinute <= 0) return true;
    const window = Math.floor(this.now() / WINDOW_MS);
    const count = await this.shared.increment(`${key}:${window}`, 2 * WINDOW_MS).catch(() => undefined);
    return count === undefined || count <= perMinute;
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Failed logins answer in one time, whichever way they failed. A name nobody has fails after a
 * lookup and a dummy hash; a wrong password for an existing account also writes its failure
 * count (lockout); an imported bcrypt hash costs more than argon2: differences of milliseconds
 * that, timed often enough, would tell which names exist. So each failure is held until it has
 * taken as long as the slowest of the last `window` wrong passwords given for existing accounts
 * (at most `maxMs`, so that one stall does not slow later failures for long). Only those set the
 * pace: a flood of unknown names, or of attempts on a locked account (which write nothing),
 * cannot lower it below what a write costs.
 */
export class FailurePacing {
  private readonly recent: number[] = [];
  private next = 0;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = delay,
    private readonly window = 16,
    private readonly maxMs = 1000,
  ) {}

  /** The clock's reading when an attempt starts to be checked; pass it to `failed`. */
  start(): number {
    return this.now();
  }

  /**
   * Holds a failed attempt that started at `startedAt` until it has taken the pace. `setsPace`:
   * a wrong password for an existing account, so how long it took (before waiting) is learnt.
   */
  async failed(startedAt: number, setsPace: boolean): Promise<void> {
    const took = this.now() - startedAt;
    if (setsPace) {
      this.recent[this.next] = took;
      this.next = (this.next + 1) % this.window;
    }
    const pace = Math.min(this.maxMs, Math.max(0, ...this.recent));
    if (pace > took) await this.sleep(pace - took);
  }
}
