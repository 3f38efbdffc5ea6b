import type { MailMessage } from '../mail/index.ts';
import { TokenBuckets } from '../rate-limit.ts';
import { emailErrors } from './errors.ts';
import type { EmailFlowDeps } from './index.ts';

/** What every flow uses: the dependencies and a way to send mail without waiting for it. */
export interface FlowContext extends EmailFlowDeps {
  /**
   * Hands a message to the mail adapter in the background. The caller does not wait: a reset
   * request answers alike whether or not the account exists, however slow the mail server is,
   * and a mail failure is logged rather than told to the client.
   */
  deliver(message: MailMessage, userId: string): void;
}

export function flowContext(deps: EmailFlowDeps): FlowContext {
  // Anyone may ask for a reset or verification email for any address: without a budget per
  // recipient a script could flood a mailbox (and ruin the sender's reputation). Extra
  // requests are dropped quietly — the answer must not tell whether the address exists.
  const hourly = deps.config.mailPerRecipientPerHour;
  const perRecipient = new TokenBuckets(hourly / 60, 50_000, Date.now, hourly);
  return {
    ...deps,
    deliver(message, userId) {
      if (!perRecipient.take(message.to.toLowerCase())) {
        deps.logger.warn(
          { userId, subject: message.subject },
          'account email not sent: too many for this recipient within the hour (PLINTH_MAIL_PER_RECIPIENT_PER_HOUR)',
        );
        return;
      }
      deps.mail.send(message).then(
        () => deps.logger.debug({ userId, subject: message.subject }, 'account email handed to the mail adapter'),
        (err: unknown) => deps.logger.error({ err, userId, subject: message.subject }, 'could not send an account email'),
      );
    },
  };
}

/** The email a flow was given: a non-empty string, else Parse's errors (204, 125). */
export function requireEmail(email: unknown): string {
  if (email === undefined || email === null || email === '') throw emailErrors.emailMissing();
  if (typeof email !== 'string') throw emailErrors.emailNotString();
  return email;
}

/** A timestamptz as the driver returns it (ISO text), as a time in ms; absent: already past. */
export function timeOf(value: unknown): number {
  return typeof value === 'string' || value instanceof Date ? new Date(value).getTime() : 0;
}
