import { describe, expect, it } from 'vitest';
import { resolveAuth, secretEquals, NO_SESSIONS, type SessionResolver } from '../../src/auth/index.ts';
import { Auth } from '../../src/security/index.ts';
import { ParseError } from '../../src/errors/index.ts';

// API.md "Auth resolution": master key → master; else session token → that user; else anonymous.
const KEY = 'the-master-key-0123';
const ann = Auth.user('annUserId');
const sessions: SessionResolver = { resolve: async (token) => (token === 'r:ann' ? ann : undefined) };

describe('resolveAuth', () => {
  it('the right master key → master, whatever the session token', async () => {
    expect((await resolveAuth({ masterKey: KEY }, KEY, sessions)).isMaster).toBe(true);
    expect((await resolveAuth({ masterKey: KEY, sessionToken: 'r:unknown' }, KEY, sessions)).isMaster).toBe(true);
  });

  it('a wrong or empty master key counts as none', async () => {
    for (const masterKey of ['wrong', KEY.slice(1), KEY + ' ', '', null, undefined]) {
      const auth = await resolveAuth({ masterKey }, KEY, sessions);
      expect(auth).toBe(Auth.anonymous());
    }
    expect(await resolveAuth({ masterKey: 'wrong', sessionToken: 'r:ann' }, KEY, sessions)).toBe(ann);
  });

  it('a known session token → its user', async () => {
    expect(await resolveAuth({ sessionToken: 'r:ann' }, KEY, sessions)).toBe(ann);
  });

  it('an unknown session token → 209 "Invalid session token" (HTTP 400)', async () => {
    const error = await resolveAuth({ sessionToken: 'r:someone' }, KEY, sessions).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code: 209, message: 'Invalid session token', httpStatus: 400 });
  });

  it('until sessions exist, every non-empty token is unknown', async () => {
    await expect(resolveAuth({ sessionToken: 'r:ann' }, KEY, NO_SESSIONS)).rejects.toMatchObject({ code: 209 });
  });

  it('an empty or blank token counts as anonymous', async () => {
    for (const sessionToken of ['', '  ', null, undefined]) {
      expect(await resolveAuth({ sessionToken }, KEY, NO_SESSIONS)).toBe(Auth.anonymous());
    }
  });
});

describe('secretEquals', () => {
  it('is equality, for any lengths', () => {
    expect(secretEquals('abc', 'abc')).toBe(true);
    expect(secretEquals('abc', 'abd')).toBe(false);
    expect(secretEquals('abc', 'abcd')).toBe(false);
    expect(secretEquals('', 'abc')).toBe(false);
  });

  it('stays equality once values are remembered: one secret given for another, a near miss, each again', () => {
    const appId = 'app-id-value';
    const masterKey = 'master-key-value';
    for (let round = 0; round < 3; round++) {
      expect(secretEquals(appId, appId)).toBe(true);
      expect(secretEquals(masterKey, masterKey)).toBe(true);
      // The app id (public, remembered) sent as the master key is not the master key.
      expect(secretEquals(appId, masterKey)).toBe(false);
      expect(secretEquals(masterKey, appId)).toBe(false);
      expect(secretEquals('master-key-valuf', masterKey)).toBe(false);
      expect(secretEquals('master-key-value ', masterKey)).toBe(false);
    }
  });
});
