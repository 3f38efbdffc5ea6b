/** Who the user is at a provider, as that provider confirmed it. */
export interface ProviderIdentity {
  id: string;
  /** What may be kept in _User.authData[provider]: never a token. */
  stored: Record<string, unknown>;
}

/** One sign-in provider: checks one authData entry (an object; null entries never get here). */
export interface Provider {
  validate(entry: Record<string, unknown>): Promise<ProviderIdentity>;
}

/** The HTTP client providers use: the global fetch, or a test's wrapper around it. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Knobs for talking to providers over HTTP; the defaults suit production. */
export interface ProviderOptions {
  /** Used for OIDC discovery, JWKS downloads and GitHub's API (tests count requests through it). */
  fetch?: FetchLike;
  /** How long a provider may take to answer one request. Default 5 s. */
  timeoutMs?: number;
  /**
   * After downloading an issuer's keys, how long a token with an unknown key id is refused
   * without downloading them again. Default 30 s: random key ids cannot make us hammer the issuer.
   */
  jwksCooldownMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_JWKS_COOLDOWN_MS = 30_000;

/** True when a fetch failed because its AbortSignal.timeout fired. */
export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}
