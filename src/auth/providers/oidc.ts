import { jwtVerify, type JWTPayload } from 'jose';
import type { OidcProviderConfig } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import { providerErrors } from './errors.ts';
import { describeVerifyFailure } from './oidc-failures.ts';
import { issuerKeys } from './oidc-keys.ts';
import type { Provider, ProviderOptions } from './provider.ts';

/** Asymmetric algorithms only: a shared-secret (HS*) or unsigned token is never accepted. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
/** Seconds of clock difference tolerated between us and the issuer for exp/nbf/iat. */
const CLOCK_TOLERANCE_S = 30;
/** ID tokens are a few KB; refuse anything absurd before parsing it. */
const MAX_TOKEN_LENGTH = 16_384;
const MAX_ID_LENGTH = 255;

/**
 * authData.<name> = {id, id_token} for an OpenID Connect provider (Google, Apple, any issuer):
 * the ID token must be signed by one of the issuer's published keys, issued by that issuer, for
 * one of our client ids, unexpired, and about the user `id` names (its `sub`). Parse's Google
 * adapter reads `id_token` and its Apple adapter `token`; both are accepted.
 */
export function createOidcProvider(name: string, config: OidcProviderConfig, logger: Logger, options: ProviderOptions): Provider {
  if (!config.clientIds.length) throw new Error(`OpenID Connect provider "${name}" needs at least one client id`);
  const issuer = config.issuer.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(issuer)) throw new Error(`OpenID Connect provider "${name}": the issuer must be an https URL, got "${config.issuer}"`);
  if (issuer.startsWith('http://')) logger.warn({ provider: name, issuer }, 'OpenID Connect issuer is not https: use this only for local testing');
  const getKey = issuerKeys(name, { ...config, issuer }, logger, options);
  const issuers = acceptedIssuers(issuer);

  return {
    async validate(entry) {
      const id = entry.id;
      const token = entry.id_token ?? entry.token;
      if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
        throw providerErrors.invalid(`authData.${name}.id must be the user's id at ${name} (the id token's "sub").`);
      }
      if (typeof token !== 'string' || token.length === 0) throw providerErrors.invalid('id token is invalid for this user.');
      if (token.length > MAX_TOKEN_LENGTH) throw providerErrors.invalid(`The ${name} id token is invalid: it is too long.`);
      let claims: JWTPayload;
      try {
        ({ payload: claims } = await jwtVerify(token, getKey, {
          issuer: issuers,
          audience: config.clientIds,
          algorithms: ALGORITHMS,
          requiredClaims: ['sub', 'exp'],
          clockTolerance: CLOCK_TOLERANCE_S,
        }));
      } catch (error) {
        throw describeVerifyFailure(name, error, logger);
      }
      if (claims.sub !== id) throw providerErrors.invalid('auth data is invalid for this user.');
      return { id, stored: { id } };
    },
  };
}

/** Google writes `iss` with or without the scheme (its documentation says to accept both). */
function acceptedIssuers(issuer: string): string[] {
  return issuer === 'https://accounts.google.com' ? [issuer, 'accounts.google.com'] : [issuer];
}
