/** What a provider confirmed about an authData entry. */
export interface ValidatedAuth {
  /** The authData key: "anonymous", "google", "github", or a configured OIDC provider. */
  provider: string;
  /** The user's stable id at the provider (the OIDC `sub`, GitHub's numeric id, …). */
  id: string;
  /** What to store in _User.authData[provider]: the id and harmless profile data, never a token. */
  stored: Record<string, unknown>;
}

/** Third-party sign-in: checks authData against each provider (tokens verified, never trusted). */
export interface AuthProviders {
  /**
   * Validates every provider entry of an authData object. Unknown or unconfigured providers →
   * ParseError 252 (UNSUPPORTED_SERVICE); a token that does not verify → 101 (OBJECT_NOT_FOUND,
   * as Parse answers) with a clear message.
   */
  validate(authData: Record<string, unknown>): Promise<ValidatedAuth[]>;
}
