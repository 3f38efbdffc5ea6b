import { connectionUrl, envValue, int, type Env } from './env.ts';

/** Live queries: fan-out between instances and the limits of one instance's subscribers. */
export interface LiveConfig {
  /** redis://… (REDIS_URL): share live events between instances; absent: in memory, one instance. */
  redisUrl?: string;
  /** Subscriptions one WebSocket connection may hold (PLINTH_LIVE_MAX_SUBSCRIPTIONS, default 100). */
  maxSubscriptionsPerConnection: number;
  /** WebSocket connections one client address may hold (PLINTH_LIVE_MAX_CONNECTIONS_PER_IP, default 200). */
  maxConnectionsPerIp: number;
  /** Interval of keep-alive pings on idle connections (PLINTH_LIVE_KEEPALIVE_MS, default 12000). */
  keepAliveMs: number;
}

export type LiveConfigInput = Partial<LiveConfig>;

function checked(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

/** Reads the live-query part of the configuration; overrides win and are checked as the environment is. */
export function loadLiveConfig(env: Env, overrides: LiveConfigInput = {}): LiveConfig {
  const limit = (key: keyof Omit<LiveConfig, 'redisUrl'>, name: string, fallback: number, min: number, max: number) =>
    overrides[key] !== undefined ? checked(key, overrides[key], min, max) : int(env, name, fallback, min, max);
  return {
    redisUrl: connectionUrl(overrides.redisUrl ?? envValue(env, 'REDIS_URL'), 'REDIS_URL', ['redis:', 'rediss:'], 'redis://[user:password@]host[:port][/db]'),
    maxSubscriptionsPerConnection: limit('maxSubscriptionsPerConnection', 'PLINTH_LIVE_MAX_SUBSCRIPTIONS', 100, 1, 100_000),
    maxConnectionsPerIp: limit('maxConnectionsPerIp', 'PLINTH_LIVE_MAX_CONNECTIONS_PER_IP', 200, 1, 1_000_000),
    keepAliveMs: limit('keepAliveMs', 'PLINTH_LIVE_KEEPALIVE_MS', 12_000, 1000, 3_600_000),
  };
}
