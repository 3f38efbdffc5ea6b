import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { CLIENT_ID, startGitHubStub, startIssuer, type GitHubStub, type TestIssuer } from './providers-servers.ts';

const LOG_IN_WITH = `mutation($authData: Object!, $fields: UserLoginWithInput) {
  logInWith(input: { authData: $authData, fields: $fields }) { viewer { sessionToken user { objectId } } }
}`;

/** logInWith end to end: a real OIDC issuer and a GitHub stand-in, through the GraphQL front door. */
describe('logInWith with third-party providers', () => {
  let s: TestServer;
  let issuer: TestIssuer;
  let github: GitHubStub;
  beforeAll(async () => {
    issuer = await startIssuer();
    github = await startGitHubStub();
    s = await startTestServer({ auth: { oidc: { idp: { issuer: issuer.url, clientIds: [CLIENT_ID] } }, github: { apiBaseUrl: github.baseUrl } } });
  });
  afterAll(async () => {
    await s?.close();
    await issuer?.stop();
    await github?.stop();
  });

  const logInWith = async (authData: Record<string, unknown>, fields?: Record<string, unknown>) => {
    const r = await s.request(LOG_IN_WITH, { authData, fields });
    if (r.errors?.length || r.status !== 200) throw Object.assign(new Error(`logInWith failed: ${JSON.stringify(r.body)}`), { response: r });
    const viewer = r.data.logInWith.viewer;
    return { token: viewer.sessionToken as string, userId: viewer.user.objectId as string };
  };
  const errorOf = async (authData: Record<string, unknown>) => {
    const r = await s.request(LOG_IN_WITH, { authData });
    expect(r.data?.logInWith ?? null).toBeNull();
    return r.errors?.[0];
  };
  const viewerId = async (token: string) => {
    const r = await s.request(`{ viewer { user { objectId } } }`, {}, { 'x-parse-session-token': token });
    expect(r.errors).toBeUndefined();
    return r.data.viewer.user.objectId as string;
  };
  const storedRow = async (userId: string) => {
    const [row] = await s.plinth.db.query<{ authData: unknown }>(`SELECT * FROM "_User" WHERE "objectId" = $1`, [userId]);
    const authData = typeof row.authData === 'string' ? JSON.parse(row.authData) : row.authData;
    return { authData, text: JSON.stringify(row) };
  };
  const userCount = async () => Number((await s.plinth.db.query<{ n: unknown }>(`SELECT count(*) AS "n" FROM "_User"`))[0].n);

  it('anonymous: the first login creates the user, the next finds it, and the session works', async () => {
    const id = randomUUID();
    const before = await userCount();
    const first = await logInWith({ anonymous: { id } });
    expect(await userCount()).toBe(before + 1);
    const second = await logInWith({ anonymous: { id } });
    expect(second.userId).toBe(first.userId);
    expect(second.token).not.toBe(first.token);
    expect(await viewerId(first.token)).toBe(first.userId);
    expect(await viewerId(second.token)).toBe(first.userId);
    expect((await storedRow(first.userId)).authData).toEqual({ anonymous: { id } });
    expect((await logInWith({ anonymous: { id: randomUUID() } })).userId).not.toBe(first.userId);
  });

  it('OpenID Connect: signs up with fields, logs in again with a new ID token, and never stores a token', async () => {
    const firstToken = await issuer.idToken('oidc-user-1');
    const first = await logInWith({ idp: { id: 'oidc-user-1', id_token: firstToken } }, { email: 'oidc1@example.com' });
    const secondToken = await issuer.idToken('oidc-user-1');
    const second = await logInWith({ idp: { id: 'oidc-user-1', id_token: secondToken } });
    expect(second.userId).toBe(first.userId);
    expect(await viewerId(second.token)).toBe(first.userId);
    const email = await s.ok(`query($id: ID!) { user(id: $id) { email } }`, { id: first.userId });
    expect(email.user.email).toBe('oidc1@example.com');
    const stored = await storedRow(first.userId);
    expect(stored.authData).toEqual({ idp: { id: 'oidc-user-1' } });
    for (const token of [firstToken, secondToken]) expect(stored.text).not.toContain(token.split('.')[2]);
    expect((await logInWith({ idp: { id: 'oidc-user-2', id_token: await issuer.idToken('oidc-user-2') } })).userId).not.toBe(first.userId);
  });

  it('OpenID Connect: a token for another audience or another user is refused with 101 and creates nobody', async () => {
    const before = await userCount();
    const foreign = await issuer.idToken('oidc-user-3', (_h, p) => void (p.aud = 'another-app'));
    expect(await errorOf({ idp: { id: 'oidc-user-3', id_token: foreign } })).toMatchObject({
      extensions: { code: 101 },
      message: expect.stringMatching(/audience/),
    });
    const stolen = await issuer.idToken('attacker');
    expect(await errorOf({ idp: { id: 'oidc-user-1', id_token: stolen } })).toMatchObject({ extensions: { code: 101 } });
    expect(await userCount()).toBe(before);
  });

  it('GitHub: the token is checked against the user API, the user is found again, and only the id is stored', async () => {
    github.users.set('gho_first', { id: 4242, login: 'octocat' });
    github.users.set('gho_second', { id: 4242, login: 'octocat' });
    const first = await logInWith({ github: { id: '4242', access_token: 'gho_first' } });
    const second = await logInWith({ github: { id: 4242, access_token: 'gho_second' } });
    expect(second.userId).toBe(first.userId);
    expect(await viewerId(second.token)).toBe(first.userId);
    const stored = await storedRow(first.userId);
    expect(stored.authData).toEqual({ github: { id: '4242' } });
    expect(stored.text).not.toContain('gho_');
    const before = await userCount();
    expect(await errorOf({ github: { id: '4242', access_token: 'gho_revoked' } })).toMatchObject({ extensions: { code: 101 } });
    expect(await userCount()).toBe(before);
  });

  it('GitHub: a user imported from Parse with a numeric id in authData is found, not duplicated', async () => {
    const imported = await s.ok(`mutation { createUser(input: { fields: { username: "imported-gh", password: "password-1" } }) { user { objectId } } }`);
    const userId = imported.createUser.user.objectId as string;
    await s.plinth.db.execute(`UPDATE "_User" SET "authData" = $2::jsonb WHERE "objectId" = $1`, [userId, JSON.stringify({ github: { id: 9001 } })]);
    github.users.set('gho_imported', { id: 9001, login: 'imported' });
    const before = await userCount();
    const found = await logInWith({ github: { id: '9001', access_token: 'gho_imported' } });
    expect(found.userId).toBe(userId);
    expect(await userCount()).toBe(before);
  });

  it('refuses an unsupported provider with 252 and a malformed anonymous id with 101', async () => {
    expect(await errorOf({ facebook: { id: '1', access_token: 'x' } })).toMatchObject({
      extensions: { code: 252 },
      message: 'This authentication method is unsupported.',
    });
    expect(await errorOf({ anonymous: { id: 'me' } })).toMatchObject({ extensions: { code: 101 } });
  });

  it('creates nobody from authData without any provider entry (as Parse: 200, a username is needed)', async () => {
    const before = await userCount();
    for (const authData of [{}, { anonymous: null }]) expect(await errorOf(authData)).toMatchObject({ extensions: { code: 200 } });
    expect(await userCount()).toBe(before);
  });
});
