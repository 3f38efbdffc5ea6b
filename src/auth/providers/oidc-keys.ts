import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose';
import type { OidcProviderConfig } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import { providerErrors } from './errors.ts';
import { DEFAULT_JWKS_COOLDOWN_MS, DEFAULT_TIMEOUT_MS, isTimeout, type FetchLike, type ProviderOptions } from './provider.ts';

/**
 * The signing keys of one issuer, for `jwtVerify`. The JWKS URL comes from the configuration or
 * from the issuer's discovery document (fetched once, on first use; a failed discovery is retried
 * on the next login). jose caches the key set and downloads it again when a token names a key id
 * it does not hold (a key rotation), at most once per cooldown.
 */
export function issuerKeys(name: string, config: OidcProviderConfig, logger: Logger, options: ProviderOptions): JWTVerifyGetKey {
  const fetchImpl: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let keySet: Promise<JWTVerifyGetKey> | undefined;

  const load = async (): Promise<JWTVerifyGetKey> => {
    const jwksUri = config.jwksUri ?? (await discoverJwksUri(name, config.issuer, fetchImpl, timeoutMs, logger));
    return createRemoteJWKSet(new URL(jwksUri), {
      timeoutDuration: timeoutMs,
      cooldownDuration: options.jwksCooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS,
      [customFetch]: fetchImpl,
    });
  };

  return async (header, token) => {
    if (!keySet) {
      const loading = load();
      keySet = loading;
      loading.catch(() => {
        if (keySet === loading) keySet = undefined;
      });
    }
    return (await keySet)(header, token);
  };
}

/** `<issuer>/.well-known/openid-configuration` → its `jwks_uri`, after checking it names this issuer. */
async function discoverJwksUri(name: string, issuer: string, fetchImpl: FetchLike, timeoutMs: number, logger: Logger): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let document: { issuer?: unknown; jwks_uri?: unknown };
  try {
    const response = await fetchImpl(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status}`);
    }
    document = (await response.json()) as typeof document;
  } catch (error) {
    logger.warn({ provider: name, url, reason: isTimeout(error) ? 'timeout' : String(error) }, 'OpenID Connect discovery failed');
    throw providerErrors.unavailable(`The ${name} sign-in provider could not be reached to check the id token; try again later.`);
  }
  const advertised = typeof document?.issuer === 'string' ? document.issuer.replace(/\/+$/, '') : undefined;
  const jwksUri = typeof document?.jwks_uri === 'string' ? document.jwks_uri : undefined;
  if (advertised !== issuer.replace(/\/+$/, '') || !jwksUri || !/^https?:\/\//.test(jwksUri)) {
    logger.error({ provider: name, url, advertisedIssuer: advertised, jwksUri }, 'OpenID Connect discovery document does not match the configured issuer');
    throw providerErrors.unavailable(`The ${name} sign-in provider is misconfigured on this server.`);
  }
  return jwksUri;
}
