import type { Plugin } from 'graphql-yoga';
import type { EmailFlows } from '../../auth/index.ts';
import type { Config } from '../../config/index.ts';

/**
 * The pages that emailed links open: the password reset form (and its submission) and the
 * email verification result, under Parse's paths (/apps/<appId>/…).
 */
export function useAccountPages(config: Config, emailFlows: EmailFlows): Plugin {
  void config;
  void emailFlows;
  return {};
}
