import type { AuthConfig } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import { providerErrors } from './errors.ts';
import { DEFAULT_TIMEOUT_MS, isTimeout, type FetchLike, type Provider, type ProviderOptions } from './provider.ts';

/** GitHub's tokens are short ASCII strings; anything else could not be a header value anyway. */
const ACCESS_TOKEN = /^[\x21-\x7e]{1,1024}$/;
/** GitHub user ids are integers (clients send them as numbers or strings). */
const GITHUB_ID = /^\d{1,20}$/;

/**
 * authData.github = {id, access_token}: the token is checked by asking GitHub who it belongs to
 * (`GET <apiBaseUrl>/user`); that user's id must be `id`. The token is used once and never kept.
 */
export function createGitHubProvider(config: NonNullable<AuthConfig['github']>, logger: Logger, options: ProviderOptions): Provider {
  const userUrl = `${config.apiBaseUrl.replace(/\/+$/, '')}/user`;
  const fetchImpl: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const unavailable = (reason: string, detail?: unknown) => {
    logger.warn({ provider: 'github', url: userUrl, reason, detail: detail === undefined ? undefined : String(detail) }, 'GitHub sign-in check failed');
    return providerErrors.unavailable(`Failed to fetch GitHub user: ${reason}; try again later.`);
  };

  /** GitHub's answer for this token: the user object, or a ParseError saying why there is none. */
  const fetchUser = async (token: string): Promise<{ id?: unknown } | null> => {
    let response: Response;
    try {
      response = await fetchImpl(userUrl, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'user-agent': 'Plinth', 'x-github-api-version': '2022-11-28' },
        // A redirect would carry the token somewhere we did not choose.
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw isTimeout(error) ? unavailable('GitHub did not answer in time') : unavailable('GitHub could not be reached', error);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 401) throw providerErrors.invalid('GitHub auth is invalid for this user: GitHub rejected the access token.');
      throw unavailable(`GitHub answered HTTP ${response.status}`);
    }
    try {
      return (await response.json()) as { id?: unknown } | null;
    } catch (error) {
      throw isTimeout(error) ? unavailable('GitHub did not answer in time') : unavailable('GitHub sent an unexpected answer', error);
    }
  };

  return {
    async validate(entry) {
      const id = typeof entry.id === 'number' && Number.isSafeInteger(entry.id) ? String(entry.id) : entry.id;
      if (typeof id !== 'string' || !GITHUB_ID.test(id)) throw providerErrors.invalid('authData.github.id must be the numeric id of the GitHub user.');
      const token = entry.access_token;
      if (typeof token !== 'string' || !ACCESS_TOKEN.test(token))
        throw providerErrors.invalid('GitHub auth is invalid for this user: authData.github.access_token is missing.');
      const user = await fetchUser(token);
      const githubId = user?.id;
      if (typeof githubId !== 'number' && typeof githubId !== 'string') throw unavailable('GitHub sent an unexpected answer');
      if (String(githubId) !== id) throw providerErrors.invalid('GitHub auth is invalid for this user.');
      return { id, stored: { id } };
    },
  };
}
