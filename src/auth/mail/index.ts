import path from 'node:path';
import type { AuthConfig } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import { createLocalMail } from './local.ts';
import { createSmtpMail } from './smtp.ts';
import type { MailAdapter } from './types.ts';

export type { MailAdapter, MailMessage } from './types.ts';
export { createLocalMail } from './local.ts';
export { createSmtpMail } from './smtp.ts';
export { isPlainAddress } from './message.ts';

/**
 * The mail adapter the configuration asks for: SMTP when PLINTH_SMTP_URL is set, else the
 * local default that keeps messages in the log and in `<dataDir>/mail`. Runs once at start-up;
 * a malformed SMTP URL is an error then.
 */
export function createMailAdapter(config: AuthConfig, dataDir: string, logger: Logger): MailAdapter {
  if (config.smtpUrl) return createSmtpMail({ url: config.smtpUrl, from: config.mailFrom, logger });
  if (process.env.NODE_ENV === 'production') {
    logger.warn('PLINTH_SMTP_URL is not set: account emails (verification, password reset) are only logged and kept in the data directory, never delivered');
  }
  return createLocalMail({ dir: path.join(dataDir, 'mail'), from: config.mailFrom, logger });
}
