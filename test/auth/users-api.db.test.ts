import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailFlows } from '../../src/auth/index.ts';
import { sessionResolver } from '../../src/auth/index.ts';
import { ParseError } from '../../src/errors/index.ts';
import { SchemaHolder } from '../../src/server/schema-holder.ts';
import { createGraphQLHandler } from '../../src/server/yoga.ts';
import { APP_ID, expectCode, signUpUser, startAuthServer, type AuthServer } from './helpers.ts';

// The Users API's shapes; the email mutations hand their input to the email flows.
let s: AuthServer;
const calls: [string, ...unknown[]][] = [];
let handler: ReturnType<typeof createGraphQLHandler>;
const fake: EmailFlows = {
  requestPasswordReset: async (email) => void calls.push(['requestPasswordReset', email]),
  checkPasswordResetToken: async (username, token) => void calls.push(['checkPasswordResetToken', username, token]),
  confirmPasswordReset: async (username, token, password) => {
    calls.push(['confirmPasswordReset', username, token, password]);
    if (token === 'bad') throw new ParseError(-1, 'Failed to reset password: invalid token.');
  },
  sendVerificationEmail: async (email) => void calls.push(['sendVerificationEmail', email]),
  verifyEmail: async (username, token) => void calls.push(['verifyEmail', username, token]),
} as EmailFlows;

beforeAll(async () => {
  s = await startAuthServer();
  const p = s.plinth;
  handler = createGraphQLHandler({
    config: p.config,
    logger: p.logger,
    core: p.core,
    schemaStore: p.schemaStore,
    schemas: new SchemaHolder(p.schemaStore),
    sessions: sessionResolver(p.sessions, p.roles),
    accounts: p.accounts,
    emailFlows: fake,
    routes: [],
  });
});
afterAll(() => s?.close());

async function viaFake(query: string, variables?: Record<string, unknown>) {
  const res = await handler.fetch(
    new Request('http://plinth.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID },
      body: JSON.stringify({ query, variables }),
    }),
  );
  return (await res.json()) as any;
}

describe('email mutations delegate to the email flows', () => {
  it('resetPassword, confirmResetPassword, sendVerificationEmail answer {ok, clientMutationId}', async () => {
    calls.length = 0;
    const d = await viaFake(`mutation {
      a: resetPassword(input: { email: "a@example.com", clientMutationId: "1" }) { ok clientMutationId }
      b: confirmResetPassword(input: { username: "ann", password: "new password", token: "tok", clientMutationId: "2" }) { ok clientMutationId }
      c: sendVerificationEmail(input: { email: "c@example.com" }) { ok clientMutationId }
    }`);
    expect(d).toEqual({
      data: { a: { ok: true, clientMutationId: '1' }, b: { ok: true, clientMutationId: '2' }, c: { ok: true, clientMutationId: null } },
    });
    expect(calls).toEqual([
      ['requestPasswordReset', 'a@example.com'],
      ['confirmPasswordReset', 'ann', 'tok', 'new password'],
      ['sendVerificationEmail', 'c@example.com'],
    ]);
  });

  it('their errors reach the client with their code', async () => {
    const d = await viaFake(`mutation { confirmResetPassword(input: { username: "ann", password: "new password", token: "bad" }) { ok } }`);
    expect(d.errors).toEqual([expect.objectContaining({ message: 'Failed to reset password: invalid token.', extensions: { code: -1 } })]);
  });
});

describe('challenge', () => {
  const CHALLENGE = `mutation($i: ChallengeInput!) { challenge(input: $i) { challengeData clientMutationId } }`;
  beforeAll(async () => {
    await signUpUser(s, 'challenger', 'long enough');
  });

  it('identifies the user by password (every login guard applies) and answers the providers’ challenges (none here)', async () => {
    const d = await s.ok(CHALLENGE, { i: { username: 'challenger', password: 'long enough', challengeData: { anonymous: {} }, clientMutationId: 'c' } });
    expect(d.challenge).toEqual({ challengeData: {}, clientMutationId: 'c' });
    expectCode(await s.gql(CHALLENGE, { i: { username: 'challenger', password: 'wrong password', challengeData: {} } }), 101, 'Invalid username/password.');
  });

  it('gives Parse’s errors for incomplete input', async () => {
    expectCode(await s.gql(CHALLENGE, { i: { username: 'challenger' } }), -1, 'You provided username or email, you need to also provide password.');
    expectCode(await s.gql(CHALLENGE, { i: { username: 'challenger', password: 'long enough' } }), -1, 'Nothing to challenge.');
    expectCode(
      await s.gql(CHALLENGE, { i: { challengeData: { x: 1 }, authData: { anonymous: { id: 'f00dbabe-0000-4000-8000-00000000abcd' } } } }),
      101,
      'User not found.',
    );
    expectCode(
      await s.gql(CHALLENGE, { i: { username: 'challenger', password: 'long enough', authData: { anonymous: { id: 'x' } }, challengeData: {} } }),
      -1,
      'You cannot provide username/email and authData, only use one identification method.',
    );
  });
});

describe('createUser keeps working', () => {
  it('hashes the password, and the user can log in with it', async () => {
    const d = await s.ok(
      `mutation { createUser(input: { fields: { username: "via-create", password: "long enough", email: "vc@example.com" } }) { user { objectId username } } }`,
      {},
      { master: true },
    );
    expect(d.createUser.user.username).toBe('via-create');
    const hash = await s.plinth.db.query<{ h: string }>(`SELECT "_hashed_password" AS "h" FROM "_User" WHERE "username" = 'via-create'`);
    expect(hash[0].h).toMatch(/^\$argon2id\$/);
    const login = await s.ok(`mutation { logIn(input: { username: "via-create", password: "long enough" }) { viewer { user { objectId } } } }`);
    expect(login.logIn.viewer.user.objectId).toBe(d.createUser.user.objectId);
  });
});
