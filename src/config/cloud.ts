import { envValue, int, type Env } from './env.ts';

/** Cloud code: where it is, whether it reloads, and its time limits. */
export interface CloudConfig {
  /** The cloud file (PLINTH_CLOUD): a .ts, .mts, .js or .mjs module whose default export registers cloud code. */
  file?: string;
  /** Reload the cloud file when it or a file it imports changes (PLINTH_CLOUD_WATCH; default on in development, off in production). */
  watch: boolean;
  /** How long a function or trigger may run before it fails with 141 (PLINTH_CLOUD_TIMEOUT_MS, default 30 s; 0: no limit). */
  timeoutMs: number;
  /** A function or trigger slower than this is logged as slow (PLINTH_CLOUD_SLOW_MS, default 500 ms). */
  slowMs: number;
}

export type CloudConfigInput = Partial<CloudConfig>;

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = envValue(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

/** Reads the cloud part of the configuration; overrides win. */
export function loadCloudConfig(env: Env, production: boolean, overrides: CloudConfigInput = {}): CloudConfig {
  return {
    file: overrides.file ?? envValue(env, 'PLINTH_CLOUD'),
    watch: overrides.watch ?? flag(env, 'PLINTH_CLOUD_WATCH', !production),
    timeoutMs: overrides.timeoutMs ?? int(env, 'PLINTH_CLOUD_TIMEOUT_MS', 30_000, 0, 3_600_000),
    slowMs: overrides.slowMs ?? int(env, 'PLINTH_CLOUD_SLOW_MS', 500, 0, 3_600_000),
  };
}
