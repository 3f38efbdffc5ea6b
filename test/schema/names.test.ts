import { describe, expect, it } from 'vitest';
import { ident, literal } from '../../src/db/sql.ts';
import {
  assertIndexName,
  assertNewFieldName,
  assertValidClassName,
  isExposableFieldName,
  isValidClassName,
  isValidFieldName,
  joinTableName,
  printable,
} from '../../src/schema/names.ts';
import { ParseError } from '../../src/errors/index.ts';

function codeOf(fn: () => void): number | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    return (error as ParseError).code;
  }
}

describe('class names', () => {
  it('accept Parse’s names: a letter, then letters, digits and _, at most 63 bytes', () => {
    for (const name of ['Post', 'post', 'A', 'Game_Score2', 'C' + 'x'.repeat(62), 'constructor', 'toString']) expect(isValidClassName(name), name).toBe(true);
  });

  it('accept the system classes and no other name starting with _', () => {
    expect(isValidClassName('_User')).toBe(true);
    expect(isValidClassName('_Role')).toBe(true);
    expect(isValidClassName('_Session2')).toBe(false);
    expect(isValidClassName('_SCHEMA')).toBe(false);
  });

  it('refuse anything else with 103', () => {
    for (const name of [
      '',
      '1a',
      'a-b',
      'a b',
      'a"b',
      "a'b",
      'a;b',
      'a\u0000b',
      'Café',
      '名前',
      'C' + 'x'.repeat(63),
      'pg_class',
      'pg_anything',
      '_Join:a:b',
    ]) {
      expect(isValidClassName(name), JSON.stringify(name)).toBe(false);
      expect(codeOf(() => assertValidClassName(name))).toBe(103);
    }
    expect(codeOf(() => assertValidClassName(42))).toBe(103);
    expect(codeOf(() => assertValidClassName(null))).toBe(103);
  });

  it('count bytes, not characters, against the 63-byte limit', () => {
    expect(isValidFieldName('a'.repeat(63))).toBe(true);
    expect(isValidFieldName('a'.repeat(64))).toBe(false);
  });
});

describe('field names', () => {
  it('accept valid names, including properties every JavaScript object has', () => {
    for (const name of ['title', 'a1', 'snake_case', 'toString', 'constructor', 'pg_stat', 'f' + 'x'.repeat(62)]) {
      expect(
        codeOf(() => assertNewFieldName(name)),
        name,
      ).toBeUndefined();
    }
  });

  it('refuse invalid names with 105 Invalid field name', () => {
    for (const name of ['', '_private', '__proto__', '1a', 'a-b', 'a.b', 'a"b', 'a\u0000b', 'é', 'f' + 'x'.repeat(63)]) {
      expect(
        codeOf(() => assertNewFieldName(name)),
        JSON.stringify(name),
      ).toBe(105);
    }
  });

  it('refuse the default fields as duplicates and the names the API reserves', () => {
    for (const name of ['objectId', 'createdAt', 'updatedAt', 'ACL']) expect(() => assertNewFieldName(name)).toThrow(`Duplicated field name: ${name}`);
    for (const name of ['id', 'OR', 'AND', 'NOR', 'className', 'length']) expect(() => assertNewFieldName(name)).toThrow(/Invalid field name/);
  });

  it('leave stored fields the API cannot serve out of the exposed ones', () => {
    expect(isExposableFieldName('title')).toBe(true);
    for (const name of ['id', 'OR', '_hashed_password', 'bad-name']) expect(isExposableFieldName(name)).toBe(false);
  });
});

describe('index names', () => {
  it('accept identifiers and refuse the rest with 102', () => {
    for (const name of ['name_1', '_private', 'a' + 'b'.repeat(62)]) expect(codeOf(() => assertIndexName(name))).toBeUndefined();
    for (const name of ['', '_id_', 'pg_class_oid_index', 'a b', 'a"b', 'a;b', '1a', 'é', 'a'.repeat(64)])
      expect(
        codeOf(() => assertIndexName(name)),
        name,
      ).toBe(102);
  });
});

describe('quoting', () => {
  it('doubles quotes in identifiers and literals', () => {
    expect(ident('a"b')).toBe('"a""b"');
    expect(ident('_Join:users:_Role')).toBe('"_Join:users:_Role"');
    expect(literal("it's")).toBe("'it''s'");
  });

  it('refuses NUL bytes, which PostgreSQL cannot hold', () => {
    expect(() => ident('a\u0000b')).toThrow(ParseError);
    expect(() => literal('a\u0000b')).toThrow(ParseError);
  });

  it('names join tables as Parse does', () => {
    expect(joinTableName('Post', 'likes')).toBe('_Join:likes:Post');
  });

  it('prints hostile names readably in messages', () => {
    expect(printable('a\u0000b\n')).toBe('a\\u0000b\\u000a');
    expect(printable('x'.repeat(500)).length).toBeLessThan(250);
  });
});
