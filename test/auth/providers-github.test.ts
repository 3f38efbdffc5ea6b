import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadAuthConfig } from '../../src/config/auth.ts';
import { createAuthProviders, type ProviderOptions } from '../../src/auth/providers/index.ts';
import { closedPort, silentLogger, startGitHubStub, type GitHubStub } from './providers-servers.ts';

/** authData.github {id, access_token}: the token is checked against GitHub's user API (a local stand-in here). */
describe('GitHub sign-in', () => {
  let github: GitHubStub;
  beforeAll(async () => {
    // A path prefix, as GitHub Enterprise has (https://ghe.example/api/v3): it must be kept.
    github = await startGitHubStub('/api/v3');
  });
  afterAll(() => github?.stop());
  beforeEach(() => {
    github.requests.length = 0;
    github.users.clear();
    github.answer = undefined;
  });

  const providers = (apiBaseUrl = github.baseUrl, options: ProviderOptions = {}) =>
    createAuthProviders(loadAuthConfig({}, { github: { apiBaseUrl } }), silentLogger, options);
  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.unreachable('the token was accepted'),
      (error) => error,
    );

  it('accepts a token that GitHub says belongs to authData.id, asking with the token as a Bearer, and keeps only the id', async () => {
    github.users.set('gho_good', { id: 4242, login: 'octocat' });
    const p = providers();
    for (const id of ['4242', 4242]) {
      expect(await p.validate({ github: { id, access_token: 'gho_good' } })).toEqual([{ provider: 'github', id: '4242', stored: { id: '4242' } }]);
    }
    expect(github.requests).toEqual([
      { path: '/api/v3/user', authorization: 'Bearer gho_good' },
      { path: '/api/v3/user', authorization: 'Bearer gho_good' },
    ]);
  });

  it('refuses a valid token of another GitHub user with 101', async () => {
    github.users.set('gho_mine', { id: 1, login: 'attacker' });
    const error = await rejection(providers().validate({ github: { id: '4242', access_token: 'gho_mine' } }));
    expect(error).toMatchObject({ code: 101, message: 'GitHub auth is invalid for this user.' });
  });

  it('refuses a token GitHub rejects (401) with 101', async () => {
    const error = await rejection(providers().validate({ github: { id: '4242', access_token: 'gho_revoked' } }));
    expect(error).toMatchObject({ code: 101, message: expect.stringMatching(/GitHub rejected the access token/) });
    expect(github.requests).toHaveLength(1);
  });

  it('answers 142 when GitHub fails, sends nonsense, cannot be reached or does not answer in time', async () => {
    github.answer = { status: 503, body: { message: 'unavailable' } };
    expect(await rejection(providers().validate({ github: { id: '1', access_token: 't' } }))).toMatchObject({
      code: 142,
      message: expect.stringMatching(/HTTP 503/),
    });
    github.answer = { status: 200, body: { login: 'no-id' } };
    expect(await rejection(providers().validate({ github: { id: '1', access_token: 't' } }))).toMatchObject({
      code: 142,
      message: expect.stringMatching(/unexpected answer/),
    });
    const closed = `http://127.0.0.1:${await closedPort()}`;
    expect(await rejection(providers(closed).validate({ github: { id: '1', access_token: 't' } }))).toMatchObject({
      code: 142,
      message: expect.stringMatching(/could not be reached/),
    });
    github.answer = 'hang';
    const started = Date.now();
    const slow = await rejection(providers(github.baseUrl, { timeoutMs: 300 }).validate({ github: { id: '1', access_token: 't' } }));
    expect(slow).toMatchObject({ code: 142, message: expect.stringMatching(/did not answer in time/) });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses malformed authData without asking GitHub', async () => {
    const p = providers();
    expect(await rejection(p.validate({ github: { id: '4242' } }))).toMatchObject({ code: 101, message: expect.stringMatching(/access_token is missing/) });
    expect(await rejection(p.validate({ github: { id: '4242', access_token: 'two\nlines' } }))).toMatchObject({ code: 101 });
    expect(await rejection(p.validate({ github: { id: 'octocat', access_token: 't' } }))).toMatchObject({
      code: 101,
      message: expect.stringMatching(/numeric id/),
    });
    expect(github.requests).toEqual([]);
  });

  it('is unsupported (252) unless configured, and an unsupported provider stops the whole authData before GitHub is asked', async () => {
    const unconfigured = createAuthProviders(loadAuthConfig({}, {}), silentLogger);
    expect(await rejection(unconfigured.validate({ github: { id: '1', access_token: 't' } }))).toMatchObject({ code: 252 });
    github.users.set('gho_good', { id: 4242 });
    const error = await rejection(providers().validate({ github: { id: '4242', access_token: 'gho_good' }, facebook: { id: '1', access_token: 'x' } }));
    expect(error).toMatchObject({ code: 252, message: 'This authentication method is unsupported.' });
    expect(github.requests).toEqual([]);
  });
});
