import type { AuthConfig } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import type { AuthProviders } from './types.ts';

export type { AuthProviders, ValidatedAuth } from './types.ts';

/** The providers the configuration enables (anonymous, OIDC issuers, GitHub). */
export function createAuthProviders(config: AuthConfig, logger: Logger): AuthProviders {
  void config;
  void logger;
  return {
    async validate() {
      throw new Error('auth providers: not implemented yet');
    },
  };
}
