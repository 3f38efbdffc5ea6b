import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_IN, MASTER_KEY, SIGN_UP, startAuthServer, VIEWER, type Answer, type AuthServer } from './helpers.ts';

// Passwords, their hashes and session tokens never appear in any output, log or error: a
// session token only in Viewer.sessionToken, to the client that logged in.
let s: AuthServer;
const answers: Answer[] = [];
const tokens: string[] = [];
const PASSWORDS = ['first secret pw', 'second secret pw', 'wrong secret pw', 'admin secret pw', 'tiny'];
const PROVIDER_TOKEN = 'provider-access-token-0123456789';

async function send(query: string, variables?: Record<string, unknown>, options?: Parameters<AuthServer['gql']>[2]): Promise<Answer> {
  const r = await s.gql(query, variables, options);
  answers.push(r);
  return r;
}

/** Every session token the API gave out, found where the API may show it. */
function collectTokens(r: Answer): void {
  const visit = (v: unknown) => {
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.sessionToken === 'string') tokens.push(o.sessionToken);
    Object.values(o).forEach(visit);
  };
  visit(r.data);
}

beforeAll(async () => {
  s = await startAuthServer({ auth: { accountLockout: { threshold: 2, durationMs: 60_000 } } });
  collectTokens(await send(SIGN_UP, { fields: { username: 'secretive', password: PASSWORDS[0], email: 's@example.com' } }));
  collectTokens(await send(LOG_IN, { username: 'secretive', password: PASSWORDS[0] }));
  await send(LOG_IN, { username: 'secretive', password: PASSWORDS[2] });
  await send(LOG_IN, { username: 'nobody', password: PASSWORDS[2] });
  const userId = answers[0].data.signUp.viewer.user.objectId;
  await send(
    `mutation($id: ID!, $p: String) { updateUser(input: { id: $id, fields: { password: $p } }) { user { objectId username } } }`,
    { id: userId, p: PASSWORDS[1] },
    { token: tokens[0] },
  );
  await send(
    `mutation($p: String) { createUser(input: { fields: { username: "made", password: $p } }) { user { objectId } } }`,
    { p: PASSWORDS[3] },
    { master: true },
  );
  await send(SIGN_UP, { fields: { username: 'too-short', password: PASSWORDS[4] } });
  await send(LOG_IN, { username: 'secretive', password: PASSWORDS[2] });
  await send(LOG_IN, { username: 'secretive', password: PASSWORDS[2] }); // the lock starts here
  await send(LOG_IN, { username: 'secretive', password: PASSWORDS[1] }); // locked
  collectTokens(
    await send(`mutation($a: Object!) { logInWith(input: { authData: $a }) { viewer { sessionToken user { objectId authData } } } }`, {
      a: { anonymous: { id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', access_token: PROVIDER_TOKEN } },
    }),
  );
  collectTokens(await send(VIEWER, {}, { token: tokens[0] }));
  await send(VIEWER, {}, { token: tokens[1] }); // revoked by the password change: 209
  await send(`{ users { edges { node { objectId username email authData } } } }`, {}, { master: true });
  await send(`{ users { edges { node { objectId username } } } }`, {}, { token: tokens[0] });
  await send(`mutation { logOut(input: {}) { ok } }`, {}, { token: tokens[0] });
  await send(VIEWER, {}, { bearer: tokens[0] });
});
afterAll(() => s?.close());

describe('no secrets anywhere', () => {
  it('the flows ran as expected (so that the checks below mean something)', () => {
    expect(tokens.length).toBeGreaterThanOrEqual(4);
    expect(answers.map((r) => r.errors?.[0]?.extensions?.code ?? r.body?.code ?? 'ok')).toEqual([
      'ok',
      'ok',
      101,
      101,
      'ok',
      'ok',
      142,
      101,
      101,
      101,
      'ok',
      'ok',
      209,
      'ok',
      'ok',
      'ok',
      209,
    ]);
    // Locked: even the right password is refused, in the words a wrong one gets (no enumeration).
    expect(answers[9].errors?.[0].message).toBe('Invalid username/password.');
    expect(s.logs.length).toBeGreaterThan(0);
  });

  it('no password, hash or provider token in any response; session tokens only in viewer.sessionToken', () => {
    for (const r of answers) {
      for (const p of PASSWORDS) expect(r.text).not.toContain(p);
      expect(r.text).not.toMatch(/\$argon2|\$2[aby]\$|_hashed_password|hashed/);
      expect(r.text).not.toContain(PROVIDER_TOKEN);
      const shown = new Set<string>();
      const strip = (v: unknown): unknown => {
        if (!v || typeof v !== 'object') return v;
        if (Array.isArray(v)) return v.map(strip);
        const out: Record<string, unknown> = {};
        for (const [k, val] of Object.entries(v)) {
          if (k === 'sessionToken' && typeof val === 'string') shown.add(val);
          else out[k] = strip(val);
        }
        return out;
      };
      const rest = JSON.stringify(strip(r.body));
      for (const t of tokens) expect(rest).not.toContain(t);
      for (const t of shown) expect(tokens).toContain(t);
    }
  });

  it('no password, token, hash or master key in the log (level trace)', () => {
    const log = s.logText();
    for (const p of PASSWORDS) expect(log).not.toContain(p);
    for (const t of tokens) {
      expect(log).not.toContain(t);
      expect(log).not.toContain(t.slice(2)); // without the r: prefix
    }
    expect(log).not.toContain(MASTER_KEY);
    expect(log).not.toContain(PROVIDER_TOKEN);
    expect(log).not.toMatch(/\$argon2|\$2[aby]\$/);
  });

  it('the database keeps token hashes only, and authData without the provider’s token', async () => {
    const sessions = JSON.stringify(await s.plinth.db.query('SELECT * FROM "_Session"'));
    for (const t of tokens) expect(sessions).not.toContain(t);
    const users = JSON.stringify(await s.plinth.db.query('SELECT * FROM "_User"'));
    for (const p of PASSWORDS) expect(users).not.toContain(p);
    expect(users).not.toContain(PROVIDER_TOKEN);
  });

  it('the User type has no field for a password, a hash or a session token', async () => {
    const fields = (await s.ok(`{ __type(name: "User") { fields { name } } }`)).__type.fields.map((f: { name: string }) => f.name);
    for (const name of ['password', '_hashed_password', 'sessionToken', 'hashedPassword']) expect(fields).not.toContain(name);
    const where = (await s.ok(`{ __type(name: "UserWhereInput") { inputFields { name } } }`)).__type.inputFields.map((f: { name: string }) => f.name);
    expect(where).not.toContain('password');
  });
});
