/*
 * Parse's checks of a validator object at registration (Parse.Cloud's validateValidator and
 * the rate-limit options), with its messages, so a mistyped rule is reported where it was
 * written instead of failing — or silently passing — at call time.
 */

type Kind = 'boolean' | 'string' | 'array' | 'object' | 'function' | 'any';

const VALIDATOR_KEYS: Record<string, readonly Kind[]> = {
  requireUser: ['boolean'],
  requireAnyUserRoles: ['array', 'function'],
  requireAllUserRoles: ['array', 'function'],
  requireMaster: ['boolean'],
  validateMasterKey: ['boolean'],
  skipWithMasterKey: ['boolean'],
  requireUserKeys: ['array', 'object'],
  fields: ['array', 'object'],
  rateLimit: ['object'],
};

const FIELD_RULE_KEYS: Record<string, readonly Kind[]> = {
  type: ['any'],
  constant: ['boolean'],
  default: ['any'],
  options: ['array', 'function', 'any'],
  required: ['boolean'],
  error: ['string'],
};

/** Parse's rate-limit options; requestPath, requestMethods and redisUrl are accepted and ignored
 * (the limit belongs to its handler, and shared counting comes from REDIS_URL). */
const RATE_LIMIT_KEYS = new Set([
  'requestCount',
  'requestTimeWindow',
  'errorResponseMessage',
  'includeMasterKey',
  'includeInternalRequests',
  'zone',
  'requestPath',
  'requestMethods',
  'redisUrl',
]);
export const RATE_LIMIT_ZONES = ['global', 'session', 'user', 'ip'] as const;

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function keyProblem(key: string, allowed: Record<string, readonly Kind[]>, value: unknown): string | undefined {
  const kinds = Object.hasOwn(allowed, key) ? allowed[key] : undefined;
  if (!kinds) return `${key} is not a supported parameter for Cloud Function validations.`;
  // An option left undefined (TypeScript's optional properties) is no option at all.
  if (value === undefined || kinds.includes('any')) return undefined;
  const kind = kindOf(value);
  if (kind === 'object' && value === null) return `Invalid type for Cloud Function validation key ${key}. Expected ${kinds.join('|')}, actual null`;
  if (!kinds.includes(kind as Kind)) return `Invalid type for Cloud Function validation key ${key}. Expected ${kinds.join('|')}, actual ${kind}`;
  return undefined;
}

function rulesProblem(group: string, rules: unknown): string | undefined {
  if (Array.isArray(rules) || rules === undefined) {
    const bad = (rules ?? []).find((key: unknown) => typeof key !== 'string');
    return bad === undefined ? undefined : `Invalid type for Cloud Function validation key ${group}. Expected a list of field names`;
  }
  for (const [field, rule] of Object.entries(rules as object)) {
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
      return `Invalid type for Cloud Function validation key ${group}.${field}. Expected object, actual ${rule === null ? 'null' : kindOf(rule)}`;
    }
    for (const [subKey, value] of Object.entries(rule)) {
      const problem = keyProblem(subKey, FIELD_RULE_KEYS, value);
      if (problem) return problem;
    }
  }
  return undefined;
}

function rateLimitProblem(limit: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(limit)) if (!RATE_LIMIT_KEYS.has(key)) return `Invalid rate limit option "${key}"`;
  const { requestTimeWindow: window, requestCount: count, zone } = limit;
  if (window == null) return 'rateLimit.requestTimeWindow must be defined';
  if (typeof window !== 'number' || !(window > 0) || !Number.isFinite(window)) return 'rateLimit.requestTimeWindow must be a number';
  if (count == null) return 'rateLimit.requestCount must be defined';
  if (typeof count !== 'number' || Number.isNaN(count)) return 'rateLimit.requestCount must be a number';
  if (limit.includeInternalRequests != null && typeof limit.includeInternalRequests !== 'boolean') return 'rateLimit.includeInternalRequests must be a boolean';
  if (limit.includeMasterKey != null && typeof limit.includeMasterKey !== 'boolean') return 'rateLimit.includeMasterKey must be a boolean';
  if (limit.errorResponseMessage != null && typeof limit.errorResponseMessage !== 'string') return 'rateLimit.errorResponseMessage must be a string';
  if (zone != null && !RATE_LIMIT_ZONES.includes(zone as never)) return 'rateLimit.zone must be one of global, session, user, or ip';
  return undefined;
}

/**
 * What is wrong with a validator, in Parse's words, or undefined when it is fine (a function
 * always is). Runs when a handler is registered, and once per validator object at its first
 * call (so a validator that skipped registration checks still fails clearly, never crashes).
 */
export function validatorProblem(validator: unknown): string | undefined {
  if (validator === undefined || validator === null || typeof validator === 'function') return undefined;
  if (typeof validator !== 'object' || Array.isArray(validator)) return 'A validator must be an object of rules or a function';
  for (const [key, value] of Object.entries(validator)) {
    const problem =
      keyProblem(key, VALIDATOR_KEYS, value) ??
      (key === 'fields' || key === 'requireUserKeys' ? rulesProblem(key, value) : undefined) ??
      (key === 'rateLimit' && value !== undefined ? rateLimitProblem(value as Record<string, unknown>) : undefined);
    if (problem) return problem;
  }
  return undefined;
}
