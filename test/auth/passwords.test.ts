import bcrypt from 'bcryptjs';
import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyDummy, verifyPassword } from '../../src/auth/passwords.ts';
import { checkPasswordPolicy } from '../../src/auth/password-policy.ts';
import { sessionTokenOf } from '../../src/auth/credentials.ts';

describe('password hashes', () => {
  it('hashes with argon2id (OWASP minimum parameters) and verifies', async () => {
    const h = await hashPassword('pässwörd ünïcode');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword('pässwörd ünïcode', h)).toBe(true);
    expect(await verifyPassword('passwörd ünïcode', h)).toBe(false);
    expect(needsRehash(h)).toBe(false);
  });

  it('verifies bcrypt hashes from Parse ($2a$, $2b$, $2y$) and marks them for rehashing', async () => {
    const b = bcrypt.hashSync('from parse', 4);
    for (const prefix of ['$2a$', '$2b$', '$2y$']) {
      const h = prefix + b.slice(4);
      expect(await verifyPassword('from parse', h)).toBe(true);
      expect(await verifyPassword('From parse', h)).toBe(false);
      expect(needsRehash(h)).toBe(true);
    }
  });

  it('older argon2 parameters and other algorithms need a rehash', async () => {
    expect(needsRehash(await hash('x', { algorithm: 2, memoryCost: 4096, timeCost: 3 }))).toBe(true);
    expect(needsRehash(await hash('x', { algorithm: 1 }))).toBe(true);
    expect(needsRehash('plain text')).toBe(true);
  });

  it('a damaged or unknown hash never matches and does not throw', async () => {
    for (const bad of ['', 'plain text', '$argon2id$v=19$garbage', '$2b$10$short', '$1$md5$whatever'])
      expect(await verifyPassword('plain text', bad)).toBe(false);
  });

  it('the dummy verification does the work of a real one (no shortcut for unknown users), and is always false', async () => {
    const real = await hashPassword('real');
    await verifyDummy('warm-up');
    let realMs = 0;
    let dummyMs = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await verifyPassword('guess', real);
      const t1 = performance.now();
      expect(await verifyDummy('guess')).toBe(false);
      realMs += t1 - t0;
      dummyMs += performance.now() - t1;
    }
    // Interleaved, so that load on the machine hits both alike; a dummy that skipped the
    // hashing would take a tiny fraction of the real time.
    expect(dummyMs).toBeGreaterThan(realMs * 0.3);
  });
});

describe('password policy', () => {
  it('checks length in characters, the optional pattern, and a hard maximum', () => {
    const policy = { minLength: 8 };
    expect(() => checkPasswordPolicy(policy, '1234567')).toThrow('Password must be at least 8 characters long.');
    checkPasswordPolicy(policy, '12345678');
    expect(() => checkPasswordPolicy(policy, '🔑'.repeat(7))).toThrow(/at least 8/);
    expect(() => checkPasswordPolicy(policy, 'x'.repeat(4097))).toThrow('Password must be at most 4096 characters long.');
    const withPattern = { minLength: 1, pattern: /[A-Z]/g };
    for (let i = 0; i < 3; i++) checkPasswordPolicy(withPattern, 'aB'); // a g flag does not make it stateful
    expect(() => checkPasswordPolicy(withPattern, 'ab')).toThrow('Password does not meet the Password Policy requirements.');
    expect(() => checkPasswordPolicy({ ...withPattern, patternMessage: 'Add a capital.' }, 'ab')).toThrow('Add a capital.');
    try {
      checkPasswordPolicy(policy, 'short');
    } catch (error) {
      expect(error).toMatchObject({ code: 142 });
    }
  });
});

describe('sessionTokenOf', () => {
  it('reads X-Parse-Session-Token, else Authorization: Bearer; blank is none', () => {
    expect(sessionTokenOf(new Headers({ 'x-parse-session-token': 'r:a' }))).toBe('r:a');
    expect(sessionTokenOf(new Headers({ authorization: 'Bearer r:b' }))).toBe('r:b');
    expect(sessionTokenOf(new Headers({ authorization: 'bearer   r:b  ' }))).toBe('r:b');
    expect(sessionTokenOf(new Headers({ 'x-parse-session-token': 'r:a', authorization: 'Bearer r:b' }))).toBe('r:a');
    expect(sessionTokenOf(new Headers({ 'x-parse-session-token': '  ', authorization: 'Bearer r:b' }))).toBe('r:b');
    expect(sessionTokenOf(new Headers({ authorization: 'Basic abc' }))).toBeUndefined();
    expect(sessionTokenOf(new Headers({ authorization: 'Bearer   ' }))).toBeUndefined();
    expect(sessionTokenOf(new Headers())).toBeUndefined();
  });
});
