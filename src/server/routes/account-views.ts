import { escapeHtml, htmlPage, paragraph } from './html.ts';

/** What every account page knows: the app's name, and the password rules to hint at. */
export interface ViewContext {
  appName: string;
  minPasswordLength: number;
  passwordRuleMessage?: string;
}

/** The password reset form, posting to the same path (without the link's query: the token travels in the body). */
export function resetForm(v: ViewContext, username: string, token: string, error?: string, status = error ? 400 : 200): Response {
  const invalid = error ? ' aria-invalid="true"' : '';
  const hint = `At least ${v.minPasswordLength} character${v.minPasswordLength === 1 ? '' : 's'}.${v.passwordRuleMessage ? ' ' + v.passwordRuleMessage : ''}`;
  const body = `${error ? paragraph(error, 'error') : paragraph(`Choose a new password for ${username}.`)}
<form method="post" action="request_password_reset">
<input type="hidden" name="username" value="${escapeHtml(username)}">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<label for="new_password">New password</label>
<input id="new_password" name="new_password" type="password" autocomplete="new-password" required minlength="${v.minPasswordLength}" aria-describedby="password-hint"${invalid}>
<p id="password-hint" class="hint">${escapeHtml(hint)}</p>
<label for="confirm_password">Repeat the new password</label>
<input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required minlength="${v.minPasswordLength}"${invalid}>
<button type="submit">Set the new password</button>
</form>`;
  return htmlPage(status, { title: 'Reset your password', appName: v.appName, body });
}

export function resetDone(v: ViewContext): Response {
  const body = `${paragraph('Your password has been changed.', 'ok')}
${paragraph(`You can now log in to ${v.appName} with your new password. You have been logged out everywhere else.`)}`;
  return htmlPage(200, { title: 'Password changed', appName: v.appName, body });
}

/** A reset link that cannot be used (unknown, used, expired); the form is not shown again. */
export function resetLinkInvalid(v: ViewContext, reason: string): Response {
  const body = `${paragraph(reason, 'error')}
${paragraph(`Reset links work once and for a limited time. Ask ${v.appName} for a new password reset email.`)}`;
  return htmlPage(400, { title: 'This link does not work', appName: v.appName, body });
}

/** The email is verified: now, or already (a link opened twice, e.g. first by a mail scanner). */
export function emailVerified(v: ViewContext, already: boolean): Response {
  const text = already ? `Your email address is already verified with ${v.appName}.` : `Thank you: your email address is verified with ${v.appName}.`;
  return htmlPage(200, { title: 'Email verified', appName: v.appName, body: paragraph(text, 'ok') });
}

export function verifyLinkInvalid(v: ViewContext, reason: string): Response {
  const body = `${paragraph(reason, 'error')}
${paragraph(`Verification links work once and for a limited time. Ask ${v.appName} to send a new verification email.`)}`;
  return htmlPage(400, { title: 'This link does not work', appName: v.appName, body });
}

/** A request the pages refuse (wrong method, token in the wrong place, unknown page). */
export function refused(v: ViewContext, status: number, title: string, reason: string, headers: Record<string, string> = {}): Response {
  return htmlPage(status, { title, appName: v.appName, body: paragraph(reason, 'error') }, headers);
}

export function failed(v: ViewContext): Response {
  return htmlPage(500, {
    title: 'Something went wrong',
    appName: v.appName,
    body: paragraph('The server could not complete this request. Please try again later.', 'error'),
  });
}
