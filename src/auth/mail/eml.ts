import { randomBytes } from 'node:crypto';
import type { MailMessage } from './types.ts';

const CRLF = '\r\n';

/** A header value as RFC 2047 asks: ASCII as it is, anything else as a UTF-8 encoded word. */
function headerText(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/** Body text with CRLF line ends (RFC 5322), sent as 8bit so that it stays readable as a file. */
function bodyText(value: string): string {
  return value.replace(/\r?\n/g, CRLF);
}

/**
 * The message as an RFC 5322 file (.eml): mail clients open it, and it reads as plain text in
 * an editor — the body is not encoded (8bit), so links appear exactly as they were sent.
 * The message must have passed checkMessage (one-line subject, plain recipient).
 */
export function composeEml(from: string, message: MailMessage, date: Date, messageId: string): string {
  const head = [
    `From: ${from}`,
    `To: ${message.to}`,
    `Subject: ${headerText(message.subject)}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
  ];
  const textPart = ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', bodyText(message.text)];
  if (message.html === undefined) return [...head, ...textPart].join(CRLF) + CRLF;
  const boundary = `plinth-${randomBytes(12).toString('hex')}`;
  return (
    [
      ...head,
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      ...textPart,
      `--${boundary}`,
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      bodyText(message.html),
      `--${boundary}--`,
    ].join(CRLF) + CRLF
  );
}
