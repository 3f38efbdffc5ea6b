import type { MailMessage } from '../mail/index.ts';

/** Where the emailed links point: Parse's page paths under the public URL. */
export function accountLink(publicUrl: string, appId: string, page: 'request_password_reset' | 'verify_email', token: string, username: string): string {
  const query = new URLSearchParams({ token, username });
  return `${publicUrl}/apps/${encodeURIComponent(appId)}/${page}?${query}`;
}

/** "1 hour", "2 days": how long a link lives, for the email text. */
export function describeDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${Math.max(1, Math.round(ms / 1000))} seconds`;
}

/** The password reset email (Parse's wording, plus how long the link works). */
export function passwordResetMessage(to: string, appName: string, username: string | null, link: string, ttlMs: number): MailMessage {
  const who = username ? ` (your username is '${username}')` : '';
  return {
    to,
    subject: `Password Reset for ${appName}`,
    text:
      `Hi,\n\nYou requested to reset your password for ${appName}${who}.\n\nClick here to reset it:\n${link}\n\n` +
      `The link works once, for ${describeDuration(ttlMs)}. If you did not ask for a new password, ignore this email.\n`,
  };
}

/** The email verification email (Parse's wording). */
export function verificationMessage(to: string, appName: string, link: string, ttlMs: number): MailMessage {
  return {
    to,
    subject: `Please verify your e-mail for ${appName}`,
    text:
      `Hi,\n\nYou are being asked to confirm the e-mail address ${to} with ${appName}\n\nClick here to confirm it:\n${link}\n\n` +
      `The link works once, for ${describeDuration(ttlMs)}.\n`,
  };
}
