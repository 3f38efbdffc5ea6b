import type { AuthConfig } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import { anonymousProvider } from './anonymous.ts';
import { providerErrors } from './errors.ts';
import { createGitHubProvider } from './github.ts';
import { createOidcProvider } from './oidc.ts';
import type { Provider, ProviderOptions } from './provider.ts';
import type { AuthProviders, ValidatedAuth } from './types.ts';

export type { AuthProviders, ValidatedAuth } from './types.ts';
export type { FetchLike, ProviderOptions } from './provider.ts';

const BUILT_IN = new Set(['anonymous', 'github']);

/**
 * The providers the configuration enables: anonymous (unless turned off), GitHub (when
 * configured) and every configured OpenID Connect issuer. Runs once at start-up; a bad provider
 * configuration throws here rather than at the first login.
 */
export function createAuthProviders(config: AuthConfig, logger: Logger, options: ProviderOptions = {}): AuthProviders {
  const providers = new Map<string, Provider>();
  if (config.anonymousUsers) providers.set('anonymous', anonymousProvider());
  if (config.github) providers.set('github', createGitHubProvider(config.github, logger, options));
  for (const [name, oidc] of Object.entries(config.oidc)) {
    if (BUILT_IN.has(name)) throw new Error(`"${name}" is a built-in sign-in provider: give the OpenID Connect provider another name`);
    providers.set(name, createOidcProvider(name, oidc, logger, options));
  }

  return {
    /**
     * Entries set to null (Parse's way to unlink a provider) are not validated and not returned.
     * Every other entry must belong to an enabled provider (else 252, before any network call);
     * they are then checked one at a time in name order, as Parse does, so a failing provider
     * stops the rest.
     */
    async validate(authData) {
      const names = Object.keys(authData)
        .filter((name) => authData[name] !== null)
        .sort();
      for (const name of names) if (!providers.has(name)) throw providerErrors.unsupported();
      const validated: ValidatedAuth[] = [];
      for (const name of names) {
        const entry = authData[name];
        if (typeof entry !== 'object' || Array.isArray(entry) || entry === null) throw providerErrors.invalid(`authData.${name} must be an object.`);
        const { id, stored } = await providers.get(name)!.validate(entry as Record<string, unknown>);
        validated.push({ provider: name, id, stored });
      }
      return validated;
    },
  };
}
