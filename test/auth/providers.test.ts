import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { loadAuthConfig } from '../../src/config/auth.ts';
import { createAuthProviders } from '../../src/auth/providers/index.ts';
import { silentLogger } from './providers-servers.ts';

/** Dispatch over authData entries, and anonymous users (authData.anonymous = {id}). */
describe('auth providers', () => {
  const providers = (anonymousUsers = true) => createAuthProviders(loadAuthConfig({}, { anonymousUsers }), silentLogger);
  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.unreachable('the authData was accepted'),
      (error) => error,
    );

  it('accepts a client-generated anonymous id (UUIDs in any case) and stores only the id', async () => {
    const id = randomUUID();
    expect(await providers().validate({ anonymous: { id, extra: 'dropped' } })).toEqual([{ provider: 'anonymous', id, stored: { id } }]);
    expect((await providers().validate({ anonymous: { id: id.toUpperCase() } }))[0].id).toBe(id.toUpperCase());
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['too short to be unguessable', 'anon-1'],
    ['not a string', 1234567890123456],
    ['too long', 'a'.repeat(129)],
    ['with spaces', 'abcdefgh ijklmnopq'],
  ])('refuses an anonymous id that is %s with 101', async (_what, id) => {
    expect(await rejection(providers().validate({ anonymous: { id } }))).toMatchObject({ code: 101, message: expect.stringMatching(/authData.anonymous.id/) });
  });

  it('refuses anonymous users with 252 when they are turned off', async () => {
    expect(await rejection(providers(false).validate({ anonymous: { id: randomUUID() } }))).toMatchObject({
      code: 252,
      message: 'This authentication method is unsupported.',
    });
  });

  it('answers 252 for an unknown provider, whatever its name', async () => {
    for (const authData of [{ facebook: { id: '1', access_token: 'x' } }, JSON.parse('{"__proto__": {"id": "x"}}'), { constructor: { id: 'x' } }]) {
      expect(await rejection(providers().validate(authData))).toMatchObject({ code: 252 });
    }
  });

  it('skips null entries (unlinking) and refuses entries that are not objects', async () => {
    const id = randomUUID();
    expect(await providers().validate({ anonymous: { id }, facebook: null })).toEqual([{ provider: 'anonymous', id, stored: { id } }]);
    expect(await providers().validate({})).toEqual([]);
    for (const entry of ['id', ['id'], 1]) {
      expect(await rejection(providers().validate({ anonymous: entry }))).toMatchObject({ code: 101, message: 'authData.anonymous must be an object.' });
    }
  });
});
