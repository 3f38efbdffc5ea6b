import type { Plugin } from 'graphql-yoga';
import type { EmailFlows } from '../../auth/index.ts';
import { isAlreadyVerified } from '../../auth/email/index.ts';
import type { Config } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import { emailVerified, failed, refused, resetDone, resetForm, resetLinkInvalid, verifyLinkInvalid, type ViewContext } from './account-views.ts';

const RESET = 'request_password_reset';
const VERIFY = 'verify_email';
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** A string parameter, or undefined when absent or empty. */
function param(params: URLSearchParams, name: string): string | undefined {
  return params.get(name) || undefined;
}

/**
 * The pages that emailed links open, under Parse's paths:
 * - GET  /apps/<appId>/request_password_reset?token=…&username=…  the reset form (for a live link);
 * - POST /apps/<appId>/request_password_reset  (form: username, token, new_password,
 *   confirm_password) sets the password and shows the outcome;
 * - GET  /apps/<appId>/verify_email?token=…&username=…  verifies the email and says so.
 * They answer in `onRequest`, ahead of useParseAuth: a browser following a link sends no
 * X-Parse-Application-Id. The single-use token is the only credential; a token or password
 * in the wrong place (a POST's address, a GET's query) is refused rather than used, so that
 * secrets do not end up in addresses, logs and browser history.
 */
export function useAccountPages(config: Config, emailFlows: EmailFlows, logger?: Logger): Plugin {
  const views: ViewContext = {
    appName: config.auth.appName,
    minPasswordLength: config.auth.passwordPolicy.minLength,
    passwordRuleMessage: config.auth.passwordPolicy.pattern ? config.auth.passwordPolicy.patternMessage : undefined,
  };

  /** The page for an error of the flows: the link's own failure (OTHER_CAUSE), else unexpected. */
  const linkFailure = (error: unknown, page: (v: ViewContext, reason: string) => Response): Response => {
    if (error instanceof ParseError && error.code === ErrorCode.OTHER_CAUSE) return page(views, error.message);
    logger?.error({ err: error }, 'an account page failed');
    return failed(views);
  };

  async function showResetForm(query: URLSearchParams): Promise<Response> {
    if (query.has('new_password') || query.has('confirm_password')) {
      return refused(views, 400, 'Request refused', 'A password must never be sent in a page address. Use the form.');
    }
    const username = param(query, 'username');
    const token = param(query, 'token');
    if (!username || !token) return resetLinkInvalid(views, 'This password reset link is incomplete.');
    try {
      await emailFlows.checkPasswordResetToken(username, token);
    } catch (error) {
      return linkFailure(error, resetLinkInvalid);
    }
    return resetForm(views, username, token);
  }

  async function submitReset(request: Request, query: URLSearchParams): Promise<Response> {
    if ([...query.keys()].length) {
      return refused(views, 400, 'Request refused', 'The token and the password are sent in the form, not in the page address.');
    }
    const type = request.headers.get('content-type')?.split(';')[0].trim().toLowerCase();
    if (type !== FORM_TYPE) return refused(views, 415, 'Request refused', 'This page accepts its own form only.');
    const form = new URLSearchParams(await request.text());
    const username = param(form, 'username');
    const token = param(form, 'token');
    const password = form.get('new_password') ?? '';
    const confirm = form.get('confirm_password');
    if (!username || !token) return resetLinkInvalid(views, 'This password reset request is incomplete.');
    if (!password) return resetForm(views, username, token, 'Enter a new password.');
    if (confirm !== null && confirm !== password) return resetForm(views, username, token, 'The two passwords do not match.');
    try {
      await emailFlows.confirmPasswordReset(username, token, password);
    } catch (error) {
      // The policy's verdict (or another rule on the new password): the link is still good.
      if (error instanceof ParseError && error.code !== ErrorCode.OTHER_CAUSE) return resetForm(views, username, token, error.message);
      return linkFailure(error, resetLinkInvalid);
    }
    return resetDone(views);
  }

  async function verify(query: URLSearchParams): Promise<Response> {
    const username = param(query, 'username');
    const token = param(query, 'token');
    if (!username || !token) return verifyLinkInvalid(views, 'This verification link is incomplete.');
    try {
      await emailFlows.verifyEmail(username, token);
    } catch (error) {
      if (isAlreadyVerified(error)) return emailVerified(views, true);
      return linkFailure(error, verifyLinkInvalid);
    }
    return emailVerified(views, false);
  }

  async function route(request: Request, url: URL): Promise<Response | undefined> {
    const [, apps, appId, page, ...rest] = url.pathname.split('/');
    if (apps !== 'apps') return undefined;
    let decodedAppId: string | undefined;
    try {
      decodedAppId = decodeURIComponent(appId ?? '');
    } catch {
      decodedAppId = undefined;
    }
    if (decodedAppId !== config.appId || rest.length || (page !== RESET && page !== VERIFY)) {
      return refused(views, 404, 'Page not found', 'There is no page at this address.');
    }
    const allowed = page === RESET ? ['GET', 'POST'] : ['GET'];
    if (!allowed.includes(request.method)) {
      return refused(views, 405, 'Request refused', `This page answers ${allowed.join(' and ')} only.`, { allow: allowed.join(', ') });
    }
    if (page === VERIFY) return verify(url.searchParams);
    return request.method === 'GET' ? showResetForm(url.searchParams) : submitReset(request, url.searchParams);
  }

  return {
    async onRequest({ request, url, endResponse }) {
      if (!url.pathname.startsWith('/apps/')) return;
      const response = await route(request, url).catch((error: unknown) => {
        logger?.error({ err: error }, 'an account page failed');
        return failed(views);
      });
      if (response) endResponse(response);
    },
  };
}
