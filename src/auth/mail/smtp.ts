import { createTransport } from 'nodemailer';
import type { Logger } from '../../config/logger.ts';
import { checkMessage } from './message.ts';
import type { MailAdapter, MailMessage } from './types.ts';

export interface SmtpMailOptions {
  /** smtp://user:password@host:port (STARTTLS when offered) or smtps:// (TLS from the start). */
  url: string;
  from: string;
  logger: Logger;
}

/** The URL with its password hidden, for messages. */
function redacted(url: string): string {
  return url.replace(/(\/\/[^:/@]*):[^@/]*@/, '$1:***@');
}

/** Checks an SMTP URL at start-up, so that a typo fails then rather than at the first email. */
export function checkSmtpUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`PLINTH_SMTP_URL must be an smtp:// or smtps:// URL, got "${redacted(url)}"`);
  }
  if ((parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') || !parsed.hostname) {
    throw new Error(`PLINTH_SMTP_URL must be an smtp:// or smtps:// URL, got "${redacted(url)}"`);
  }
}

/**
 * Mail through an SMTP server with nodemailer (connection pooling, STARTTLS, authentication
 * and MIME encoding are its job). The log records who got what subject, never the text: it
 * holds live links.
 */
export function createSmtpMail(options: SmtpMailOptions): MailAdapter {
  checkSmtpUrl(options.url);
  const transport = createTransport(options.url);
  return {
    async send(message: MailMessage) {
      checkMessage(message);
      const info = await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
      options.logger.info({ mail: { to: message.to, subject: message.subject, messageId: info.messageId } }, 'mail sent');
    },
    async close() {
      transport.close();
    },
  };
}
