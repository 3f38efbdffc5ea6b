import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../../src/auth/accounts/log-in.ts';
import { Lockout } from '../../src/auth/lockout.ts';
import { AuthRateLimits, FailurePacing } from '../../src/auth/rate-limit.ts';
import { LOG_IN, signUpUser, startAuthServer, type AuthServer } from './helpers.ts';

// Issue 11: logIn must not tell which names exist — not by its message, not under the rate
// limiter or the lockout, not by how long it takes.
describe('logIn answers a name nobody has exactly as a wrong password for an existing account', () => {
  let s: AuthServer;
  beforeAll(async () => {
    // One failure locks an account; a name has two attempts a minute (the next token comes 30 s
    // later, far beyond these few attempts).
    s = await startAuthServer({ auth: { rateLimits: { perIpPerMinute: 0, perAccountPerMinute: 2 }, accountLockout: { threshold: 1, durationMs: 600_000 } } });
    await signUpUser(s, 'alice', 'the right password', { email: 'alice@example.com' });
  });
  afterAll(() => s?.close());

  /** What each attempt answered: code and message. */
  async function answers(username: string, passwords: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const [i, password] of passwords.entries()) {
      const r = await s.gql(LOG_IN, { username, password }, { ip: `198.51.100.${i + 1}` });
      out.push(`${r.errors?.[0]?.extensions?.code ?? 'ok'} ${r.errors?.[0]?.message ?? ''}`);
    }
    return out;
  }

  it('through the lockout and the rate limit, attempt for attempt', async () => {
    // A wrong password locks alice; her right password is then refused too; the third attempt is over the budget.
    const passwords = ['a guess', 'the right password', 'another guess'];
    const existing = await answers('alice', passwords);
    const unknown = await answers('nobody-at-all', passwords);
    expect(existing).toEqual(['101 Invalid username/password.', '101 Invalid username/password.', '155 Too many requests']);
    expect(unknown).toEqual(existing);
    // The same by email, for an address that has an account and one that has none.
    const byEmail = await answers('alice@example.com', passwords.slice(0, 2));
    expect(byEmail).toEqual(['101 Invalid username/password.', '101 Invalid username/password.']);
    expect(await answers('nobody@example.com', passwords.slice(0, 2))).toEqual(byEmail);
  });

  it('every failure waits for the pace, which only wrong passwords of existing accounts set; a success does not wait', async () => {
    const paced: boolean[] = [];
    const pacing = new FailurePacing(
      () => 0,
      async () => undefined,
    );
    pacing.failed = async (_startedAt, setsPace) => void paced.push(setsPace);
    const { deps } = s.plinth.accounts;
    const context = {
      ...deps,
      limits: new AuthRateLimits({ perIpPerMinute: 0, perAccountPerMinute: 0 }, Date.now, undefined, pacing),
      lockout: new Lockout(deps.config.accountLockout),
    };
    await signUpUser(s, 'bob', 'the right password');
    const attempt = (username: string, password: string) =>
      authenticate(context, username, password, {}).then(
        () => 'ok',
        (e: Error) => e.message,
      );
    expect(await attempt('nobody-else', 'whatever')).toBe('Invalid username/password.');
    expect(await attempt('bob', 'the right password')).toBe('ok');
    expect(await attempt('bob', 'wrong')).toBe('Invalid username/password.');
    // Both are locked now: their right password fails like any other attempt.
    expect(await attempt('bob', 'the right password')).toBe('Invalid username/password.');
    expect(await attempt('alice', 'the right password')).toBe('Invalid username/password.');
    expect(await attempt('bad\u0000name', 'whatever')).toBe('Invalid username/password.');
    expect(paced).toEqual([false, true, false, false, false]);
  });
});

describe('FailurePacing', () => {
  /** A pacing on a clock the test moves: `took` is how long the attempt ran before failing. */
  function paced() {
    let clock = 0;
    const waits: number[] = [];
    const pacing = new FailurePacing(
      () => clock,
      async (ms) => void waits.push(ms),
      3,
      1000,
    );
    const fail = async (took: number, existing: boolean) => {
      const started = pacing.start();
      clock += took;
      await pacing.failed(started, existing);
    };
    return { fail, waits };
  }

  it('holds each failure until it has taken as long as the slowest recent wrong password of an existing account', async () => {
    const { fail, waits } = paced();
    await fail(80, true);
    await fail(10, false);
    await fail(30, true);
    await fail(95, false);
    expect(waits).toEqual([70, 50]);
  });

  it('other failures cannot lower the pace; the pace-setting ones age out of the window', async () => {
    const { fail, waits } = paced();
    await fail(80, true);
    for (let i = 0; i < 5; i++) await fail(5, false);
    expect(waits).toEqual(Array(5).fill(75));
    waits.length = 0;
    for (let i = 0; i < 3; i++) await fail(20, true);
    await fail(5, false);
    expect(waits).toEqual([60, 60, 15]);
  });

  it('never holds a failure longer than the cap', async () => {
    const { fail, waits } = paced();
    await fail(5000, true);
    await fail(10, false);
    expect(waits).toEqual([990]);
  });
});
