import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../config/logger.ts';
import { composeEml } from './eml.ts';
import { checkMessage } from './message.ts';
import type { MailAdapter, MailMessage } from './types.ts';

export interface LocalMailOptions {
  /** Where the messages are written (normally <dataDir>/mail). */
  dir: string;
  from: string;
  logger: Logger;
}

/**
 * The default mail adapter, for development: nothing is sent. Each message is logged (recipient,
 * subject and text, so the links in it can be followed from the log) and written to
 * `<dir>/<timestamp>-<id>.eml`, readable in an editor or a mail client. The files hold live
 * links (password resets), so they are readable by the server's user only.
 */
export function createLocalMail(options: LocalMailOptions): MailAdapter {
  const { dir, from, logger } = options;
  return {
    async send(message: MailMessage) {
      checkMessage(message);
      const date = new Date();
      const id = randomBytes(8).toString('hex');
      const file = path.join(dir, `${date.toISOString().replace(/[:.]/g, '-')}-${id}.eml`);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(file, composeEml(from, message, date, `${id}@plinth.local`), { mode: 0o600, flag: 'wx' });
      logger.info({ mail: { to: message.to, subject: message.subject, file, text: message.text } }, 'mail kept locally (no SMTP server configured)');
    },
  };
}
