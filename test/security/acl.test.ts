import { describe, expect, it } from 'vitest';
import { Params } from '../../src/db/index.ts';
import {
  Auth,
  aclFromColumns,
  aclToColumns,
  canRead,
  classDefaultAcl,
  readFilterSql,
  validateAcl,
  writeFilterSql,
  PUBLIC_ACL,
} from '../../src/security/index.ts';

describe('ACL ↔ _rperm/_wperm', () => {
  it('NULL arrays (no ACL stored) mean public read and write', () => {
    expect(aclFromColumns(null, null)).toEqual(PUBLIC_ACL);
    expect(aclFromColumns(undefined, undefined)).toEqual({ '*': { read: true, write: true } });
  });

  it('empty arrays mean nobody but the master key', () => {
    expect(aclFromColumns([], [])).toEqual({});
  });

  it('merges read and write lists per entity', () => {
    expect(aclFromColumns(['*', 'u1', 'role:A'], ['u1', 'u2'])).toEqual({
      '*': { read: true },
      u1: { read: true, write: true },
      'role:A': { read: true },
      u2: { write: true },
    });
  });

  it('splits an ACL into the two arrays and back without loss', () => {
    const acl = { '*': { read: true }, u1: { read: true, write: true }, 'role:Admins': { write: true } };
    const cols = aclToColumns(acl);
    expect(cols).toEqual({ rperm: ['*', 'u1'], wperm: ['u1', 'role:Admins'] });
    expect(aclFromColumns(cols.rperm, cols.wperm)).toEqual(acl);
  });

  it('an entity without rights is dropped', () => {
    expect(aclToColumns({ u1: {}, u2: { read: false, write: false } })).toEqual({ rperm: [], wperm: [] });
    expect(validateAcl({ u1: { read: false, write: false }, u2: { read: true } })).toEqual({ u2: { read: true } });
  });
});

describe('validateAcl', () => {
  it('accepts "*", user ids and role names', () => {
    expect(validateAcl({ '*': { read: true }, 'abc_DEF-1': { write: true }, 'role:Team Leads': { read: true, write: true } })).toEqual({
      '*': { read: true },
      'abc_DEF-1': { write: true },
      'role:Team Leads': { read: true, write: true },
    });
  });

  it.each([
    ['not an object', 'x'],
    ['an array', []],
    ['null', null],
    ['an id with a space', { 'a b': { read: true } }],
    ['an id with base64 padding', { 'abc=': { read: true } }],
    ['an empty role name', { 'role:': { read: true } }],
    ['a role name with a NUL', { 'role:a\u0000': { read: true } }],
    ['a non-boolean right', { u: { read: 'yes' } }],
    ['an unknown right', { u: { read: true, admin: true } }],
    ['rights that are not an object', { u: true }],
  ])('refuses %s with 123', (_what, acl) => {
    expect(() => validateAcl(acl)).toThrow(expect.objectContaining({ code: 123 }));
  });
});

describe('access filters', () => {
  it('the master key has no filter; everybody else filters inside the SQL by their access keys', () => {
    const p = new Params();
    expect(readFilterSql(Auth.master(), 't', p)).toBeNull();
    expect(writeFilterSql(Auth.master(), 't', p)).toBeNull();
    expect(p.values).toEqual([]);
    const anon = new Params();
    expect(readFilterSql(Auth.anonymous(), 't', anon)).toBe('(t."_rperm" IS NULL OR t."_rperm" && $1::text[])');
    expect(writeFilterSql(Auth.anonymous(), 't', anon)).toBe('(t."_wperm" IS NULL OR t."_wperm" && $2::text[])');
    expect(anon.values).toEqual([['*'], ['*']]);
  });

  it('a user’s access keys are "*", the user id and each role', () => {
    const auth = Auth.user('u1', ['Admins', 'Editors']);
    expect(auth.accessKeys).toEqual(['*', 'u1', 'role:Admins', 'role:Editors']);
    const p = new Params();
    readFilterSql(auth, 'x', p);
    expect(p.values).toEqual([['*', 'u1', 'role:Admins', 'role:Editors']]);
  });

  it('canRead agrees with the SQL filter', () => {
    expect(canRead(Auth.anonymous(), null)).toBe(true);
    expect(canRead(Auth.anonymous(), ['*'])).toBe(true);
    expect(canRead(Auth.anonymous(), [])).toBe(false);
    expect(canRead(Auth.anonymous(), ['u1'])).toBe(false);
    expect(canRead(Auth.user('u1'), ['u1'])).toBe(true);
    expect(canRead(Auth.user('u2', ['R']), ['role:R'])).toBe(true);
    expect(canRead(Auth.master(), [])).toBe(true);
  });
});

describe("a class's default ACL (Parse 9's CLP ACL)", () => {
  it('stores nothing for the public default, however often asked; currentUser stands for each creator', () => {
    const publicDefault = { '*': { read: true, write: true } };
    for (let i = 0; i < 3; i++) expect(classDefaultAcl(publicDefault, `u${i}`)).toBeUndefined();
    const owner = { '*': { read: true }, currentUser: { read: true, write: true } };
    expect(classDefaultAcl(owner, 'alice')).toEqual({ '*': { read: true }, alice: { read: true, write: true } });
    expect(classDefaultAcl(owner, 'bob')).toEqual({ '*': { read: true }, bob: { read: true, write: true } });
    // Public only when nobody creates it: with a creator, the creator is named.
    const publicPlusCreator = { '*': { read: true, write: true }, currentUser: { read: true, write: true } };
    expect(classDefaultAcl(publicPlusCreator, undefined)).toBeUndefined();
    expect(classDefaultAcl(publicPlusCreator, 'carol')).toEqual({ '*': { read: true, write: true }, carol: { read: true, write: true } });
    expect(classDefaultAcl(undefined, 'alice')).toBeUndefined();
  });
});
