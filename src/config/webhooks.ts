import { envValue, int, type Env } from './env.ts';

/** Webhooks (Parse's Hooks API): how calls are signed, timed and retried, and how often other instances' changes are looked for. */
export interface WebhooksConfig {
  /**
   * Sent as `X-Parse-Webhook-Key` and used to sign every call (`X-Plinth-Signature`)
   * (PLINTH_WEBHOOK_KEY). Without it calls go out unsigned, and the server says so at start-up
   * and whenever a hook is registered.
   */
  key?: string;
  /** How long one call may take before it fails (PLINTH_WEBHOOK_TIMEOUT_MS, default 10 s). */
  timeoutMs: number;
  /** Attempts after a failed after-trigger delivery (PLINTH_WEBHOOK_RETRIES, default 8). */
  retries: number;
  /** Delay before the first retry, in whole seconds; doubles with each attempt, with jitter (PLINTH_WEBHOOK_RETRY_DELAY_MS, default 5 s; 0: retry at once). */
  retryDelayMs: number;
  /** After-trigger deliveries one instance makes at once (PLINTH_WEBHOOK_CONCURRENCY, default 4). */
  concurrency: number;
  /** How often the hooks' version is checked for changes made through other instances (PLINTH_WEBHOOK_POLL_MS, default 2 s). */
  pollMs: number;
}

export type WebhooksConfigInput = Partial<WebhooksConfig>;

function checked(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

/** The key travels in an HTTP header: printable ASCII without spaces. */
function webhookKey(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^[\x21-\x7e]+$/.test(value)) throw new Error('PLINTH_WEBHOOK_KEY must be printable ASCII without spaces (it travels in an HTTP header)');
  return value;
}

/** Reads the webhooks part of the configuration; overrides win and are checked as the environment is. */
export function loadWebhooksConfig(env: Env, overrides: WebhooksConfigInput = {}): WebhooksConfig {
  const setting = (key: Exclude<keyof WebhooksConfig, 'key'>, name: string, fallback: number, min: number, max: number) =>
    overrides[key] !== undefined ? checked(key, overrides[key], min, max) : int(env, name, fallback, min, max);
  return {
    key: webhookKey('key' in overrides ? overrides.key : envValue(env, 'PLINTH_WEBHOOK_KEY')),
    timeoutMs: setting('timeoutMs', 'PLINTH_WEBHOOK_TIMEOUT_MS', 10_000, 1, 600_000),
    retries: setting('retries', 'PLINTH_WEBHOOK_RETRIES', 8, 0, 100),
    retryDelayMs: setting('retryDelayMs', 'PLINTH_WEBHOOK_RETRY_DELAY_MS', 5000, 0, 86_400_000),
    concurrency: setting('concurrency', 'PLINTH_WEBHOOK_CONCURRENCY', 4, 1, 1000),
    pollMs: setting('pollMs', 'PLINTH_WEBHOOK_POLL_MS', 2000, 50, 600_000),
  };
}
