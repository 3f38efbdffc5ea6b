/** Reading configuration values from the environment: empty counts as unset; numbers are checked. */

export type Env = Record<string, string | undefined>;

/** An environment variable, with an empty value meaning "not set". */
export function envValue(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw;
}

/** A true/false setting: 1/true/yes/on or 0/false/no/off (any case); anything else is an error naming it. */
export function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = envValue(env, name)?.trim().toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

export function int(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = envValue(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

/**
 * A connection URL with one of `protocols` and a host, or undefined when not given; otherwise a
 * readable error naming the setting and the expected `shape` (the password is never repeated).
 */
export function connectionUrl(value: string | undefined, setting: string, protocols: readonly string[], shape: string): string | undefined {
  if (value === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !protocols.includes(parsed.protocol) || !parsed.hostname) {
    throw new Error(`${setting} must be a ${shape} URL, got "${value.replace(/(\/\/[^:/@]*):[^@/]*@/, '$1:***@')}"`);
  }
  return value;
}
