import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCode, LOG_IN, SIGN_UP, startAuthServer, type AuthServer } from './helpers.ts';

// Limits per client address and per account on logIn, logInWith and signUp (per instance).
describe('login and signup rate limits', () => {
  let s: AuthServer;
  beforeAll(async () => {
    s = await startAuthServer({ auth: { rateLimits: { perIpPerMinute: 5, perAccountPerMinute: 3 } } });
  });
  afterAll(() => s?.close());

  it('per account: the fourth login attempt on one username within a minute is refused, from any address', async () => {
    await s.ok(SIGN_UP, { fields: { username: 'popular', password: 'long enough' } }, { ip: '10.9.0.1' });
    const attempts = [];
    for (let i = 0; i < 4; i++)
      attempts.push(await s.gql(LOG_IN, { username: i % 2 ? 'POPULAR' : 'popular', password: 'wrong password' }, { ip: `10.0.0.${i + 1}` }));
    for (const r of attempts.slice(0, 3)) expectCode(r, 101);
    expectCode(attempts[3], 155, 'Too many requests');
    // Even the right password waits: the budget is per account, whatever the answer would be.
    expectCode(await s.gql(LOG_IN, { username: 'popular', password: 'long enough' }, { ip: '10.0.0.99' }), 155);
    // Other accounts are not affected.
    expectCode(await s.gql(LOG_IN, { username: 'someone-else', password: 'wrong password' }, { ip: '10.0.0.98' }), 101);
  });

  it('per address: one client gets 5 attempts a minute across logIn, signUp and logInWith; others are not affected', async () => {
    const ip = '192.0.2.7';
    const answers = [
      await s.gql(LOG_IN, { username: 'a1', password: 'wrong password' }, { ip }),
      await s.gql(SIGN_UP, { fields: { username: 'b1', password: 'long enough' } }, { ip }),
      await s.gql(
        `mutation { logInWith(input: { authData: { anonymous: { id: "9a1d5c2e-0000-4000-8000-000000000001" } } }) { viewer { sessionToken } } }`,
        {},
        { ip },
      ),
      await s.gql(LOG_IN, { username: 'a2', password: 'wrong password' }, { ip }),
      await s.gql(LOG_IN, { username: 'a3', password: 'wrong password' }, { ip }),
      await s.gql(SIGN_UP, { fields: { username: 'b2', password: 'long enough' } }, { ip }),
      await s.gql(
        `mutation { logInWith(input: { authData: { anonymous: { id: "9a1d5c2e-0000-4000-8000-000000000002" } } }) { viewer { sessionToken } } }`,
        {},
        { ip },
      ),
    ];
    expect(answers.map((r) => r.errors?.[0]?.extensions?.code ?? 'ok')).toEqual([101, 'ok', 'ok', 101, 101, 155, 155]);
    expect(await s.plinth.db.query(`SELECT 1 FROM "_User" WHERE "username" = 'b2'`)).toHaveLength(0);
    // A neighbour in the same IPv6 /64 shares the budget; another address does not.
    for (let i = 0; i < 5; i++) await s.gql(LOG_IN, { username: 'v6-' + i, password: 'wrong password' }, { ip: `2001:db8:5:6::${i + 1}` });
    expectCode(await s.gql(LOG_IN, { username: 'v6-x', password: 'wrong password' }, { ip: '2001:db8:5:6:ffff::9' }), 155);
    expectCode(await s.gql(LOG_IN, { username: 'a4', password: 'wrong password' }, { ip: '192.0.2.8' }), 101);
  });

  it('other requests are not limited', async () => {
    for (let i = 0; i < 10; i++) expect((await s.gql('{ health }', {}, { ip: '192.0.2.7' })).data).toEqual({ health: true });
  });
});
