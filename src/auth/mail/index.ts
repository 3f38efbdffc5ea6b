import type { AuthConfig } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import type { MailAdapter } from './types.ts';

export type { MailAdapter, MailMessage } from './types.ts';

/** The mail adapter the configuration asks for (SMTP URL, else the local default). */
export function createMailAdapter(config: AuthConfig, dataDir: string, logger: Logger): MailAdapter {
  void config;
  void dataDir;
  void logger;
  return {
    async send() {
      throw new Error('mail: not implemented yet');
    },
  };
}
