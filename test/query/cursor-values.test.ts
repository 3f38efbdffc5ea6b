import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors/index.ts';
import type { OrderKey } from '../../src/query/order.ts';
import { decodeCursor, keysetBound, keysetCursor } from '../../src/query/paging.ts';
import { orderKeys } from '../../src/query/sql/keyset.ts';

// A keyset cursor's values go into the page's SQL as parameters. A cursor is opaque but not
// secret: one edited to hold a value PostgreSQL cannot take (a NUL character, a date outside
// 0001–9999) is a bad cursor, error 102, like any other tampered one, and never reaches SQL.
describe('keyset cursor values the database cannot take', () => {
  const keys = orderKeys([
    { field: { name: 'title', type: 'String' }, descending: false },
    { field: { name: 'at', type: 'Date' }, descending: true },
  ] satisfies OrderKey[]);
  const sig = '+title,-at';
  const bound = (values: unknown[]) => keysetBound(decodeCursor(keysetCursor(7, sig, values), 'After'), keys, sig);

  function errorOf(fn: () => unknown): { code: number; message: string } | undefined {
    try {
      fn();
    } catch (e) {
      if (e instanceof ParseError) return { code: e.code, message: e.message };
      throw e;
    }
    return undefined;
  }

  it('accepts values up to the limits', () => {
    expect(bound(['a\u0001', '0001-01-01T00:00:00.000Z', 'id1'])).toEqual(['a\u0001', '0001-01-01T00:00:00.000Z', 'id1']);
    expect(bound([null, '9999-12-31T23:59:59.999+00:00', 'id1'])).toEqual([null, '9999-12-31T23:59:59.999+00:00', 'id1']);
  });

  it.each([
    ['a NUL character in a string key', ['a\u0000', '2024-01-01T00:00:00.000Z', 'id1']],
    ['a NUL character in the objectId', ['a', '2024-01-01T00:00:00.000Z', 'id\u0000']],
    ['the year 0', ['a', '0000-06-01T00:00:00.000Z', 'id1']],
    ['a date past 9999 by its offset', ['a', '9999-12-31T23:59:59.000-01:00', 'id1']],
  ])('rejects %s with 102', (_what, values) => {
    expect(errorOf(() => bound(values))).toEqual({ code: 102, message: 'After is not a valid cursor' });
  });
});
