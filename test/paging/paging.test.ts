import { describe, expect, it } from 'vitest';
import { decodeCursor, keysetBound, keysetCursor, offsetCursor, placeLast, planPage, type PageArgs } from '../../src/query/paging.ts';
import { orderKeys } from '../../src/query/sql/keyset.ts';
import type { OrderKey } from '../../src/query/order.ts';
import { ParseError } from '../../src/errors/index.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Runs `fn` and returns the Parse error it throws (code and message). */
function parseError(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return { code: (e as ParseError).code, message: (e as ParseError).message };
  }
  throw new Error('expected a ParseError');
}

describe('cursors', () => {
  it('issues offset cursors exactly as Parse (graphql-relay) does', () => {
    expect(offsetCursor(0)).toBe(b64('arrayconnection:0'));
    expect(offsetCursor(42)).toBe(b64('arrayconnection:42'));
  });

  it("accepts Parse's offset cursors", () => {
    expect(decodeCursor(b64('arrayconnection:0'), 'After')).toEqual({ offset: 0 });
    expect(decodeCursor(b64('arrayconnection:17'), 'Before')).toEqual({ offset: 17 });
  });

  it('round-trips keyset cursors with their position, order and values', () => {
    const cursor = keysetCursor(7, '+title', ['b', 'id9']);
    expect(decodeCursor(cursor, 'After')).toEqual({ offset: 7, keyset: { signature: '+title', values: ['b', 'id9'] } });
  });

  it.each([
    ['garbage', 'not a cursor'],
    ['an empty offset', b64('arrayconnection:')],
    ['a negative offset', b64('arrayconnection:-1')],
    ['a fractional offset', b64('arrayconnection:1.5')],
    ['a hexadecimal offset', b64('arrayconnection:0x10')],
    ['an offset with spaces', b64('arrayconnection: 3')],
    ['an exponent', b64('arrayconnection:1e3')],
    ['keyset JSON that does not parse', b64('plinth:k:[1,')],
    ['a keyset cursor without values', b64('plinth:k:[1,"+a"]')],
    ['a keyset cursor with a negative position', b64('plinth:k:[-1,"",["x"]]')],
  ])('rejects %s with 102 and the argument name', (_what, cursor) => {
    expect(parseError(() => decodeCursor(cursor, 'After'))).toEqual({ code: 102, message: 'After is not a valid cursor' });
    expect(parseError(() => decodeCursor(cursor, 'Before'))).toEqual({ code: 102, message: 'Before is not a valid cursor' });
  });
});

describe("planPage: Parse's calculateSkipAndLimit", () => {
  const plan = (args: PageArgs, maxLimit = 1000) => {
    const p = planPage(args, 100, maxLimit);
    return { skip: p.skip, limit: p.limit, needPreCount: p.needPreCount };
  };
  const at = (n: number) => offsetCursor(n);

  it.each<[string, PageArgs, { skip: number; limit: number; needPreCount: boolean }]>([
    ['nothing: the default page', {}, { skip: 0, limit: 100, needPreCount: false }],
    ['first', { first: 10 }, { skip: 0, limit: 10, needPreCount: false }],
    ['first: 0', { first: 0 }, { skip: 0, limit: 0, needPreCount: false }],
    ['skip', { skip: 5 }, { skip: 5, limit: 100, needPreCount: false }],
    ['after: the row after the cursor', { after: at(9) }, { skip: 10, limit: 100, needPreCount: false }],
    ['skip and after add up', { skip: 5, after: at(9), first: 2 }, { skip: 15, limit: 2, needPreCount: false }],
    ['before without first', { before: at(10) }, { skip: 0, limit: 10, needPreCount: false }],
    ['before cuts first', { first: 20, before: at(10) }, { skip: 0, limit: 10, needPreCount: false }],
    ['first inside before', { first: 5, before: at(10) }, { skip: 0, limit: 5, needPreCount: false }],
    ['after and before', { after: at(2), before: at(10) }, { skip: 3, limit: 7, needPreCount: false }],
    ['before at or under skip: nothing', { skip: 12, before: at(10) }, { skip: 12, limit: 0, needPreCount: false }],
    ['last inside first', { first: 10, last: 3 }, { skip: 7, limit: 3, needPreCount: false }],
    ['last larger than first', { first: 10, last: 20 }, { skip: 0, limit: 10, needPreCount: false }],
    ['last before a cursor', { last: 3, before: at(10) }, { skip: 7, limit: 3, needPreCount: false }],
    ['last alone: counted first', { last: 3 }, { skip: 0, limit: 3, needPreCount: true }],
    ['last with skip', { skip: 4, last: 3 }, { skip: 4, limit: 3, needPreCount: true }],
    ['last: 0', { last: 0 }, { skip: 0, limit: 0, needPreCount: false }],
    ['null arguments are absent', { skip: null, first: null, after: null, last: null, before: null }, { skip: 0, limit: 100, needPreCount: false }],
    ['empty cursors are absent', { after: '', before: '' }, { skip: 0, limit: 100, needPreCount: false }],
  ])('%s', (_what, args, expected) => {
    expect(plan(args)).toEqual(expected);
  });

  it('caps first, last and the default page at the maximum, silently', () => {
    expect(plan({ first: 5000 })).toEqual({ skip: 0, limit: 1000, needPreCount: false });
    expect(plan({ last: 5000 })).toEqual({ skip: 0, limit: 1000, needPreCount: true });
    expect(plan({ first: 50, last: 30 }, 20)).toEqual({ skip: 30, limit: 20, needPreCount: false });
    expect(plan({}, 20)).toEqual({ skip: 0, limit: 20, needPreCount: false });
  });

  it.each([
    ['skip', { skip: -1 }, 'Skip should be a positive number'],
    ['first', { first: -1 }, 'First should be a positive number'],
    ['last', { last: -2 }, 'Last should be a positive number'],
    ['after', { after: 'nope' }, 'After is not a valid cursor'],
    ['before', { before: 'nope' }, 'Before is not a valid cursor'],
  ])('a bad %s is error 102 with Parse’s message', (_what, args, message) => {
    expect(parseError(() => planPage(args, 100, 1000))).toEqual({ code: 102, message });
  });

  it('marks `last` before a keyset cursor, with nothing else, as a backward keyset page', () => {
    const before = keysetCursor(9, '', ['x']);
    expect(planPage({ last: 3, before }, 100, 1000)).toMatchObject({ skip: 6, limit: 3, keysetBefore: { cursor: { offset: 9 }, last: 3 } });
    expect(planPage({ last: 5000, before }, 100, 20).keysetBefore).toMatchObject({ last: 20 });
    for (const other of [{ first: 5 }, { skip: 1 }, { after: offsetCursor(1) }, { last: 0 }, { last: undefined }]) {
      expect(planPage({ last: 3, before, ...other }, 100, 1000).keysetBefore).toBeUndefined();
    }
    expect(planPage({ last: 3, before: offsetCursor(9) }, 100, 1000).keysetBefore).toBeUndefined();
  });

  it('keeps a keyset after-cursor for the keyset bound', () => {
    const cursor = keysetCursor(4, '', ['x']);
    expect(planPage({ after: cursor }, 100, 1000)).toMatchObject({ skip: 5, keysetAfter: { offset: 4, keyset: { signature: '', values: ['x'] } } });
    expect(planPage({ after: at(4) }, 100, 1000).keysetAfter).toBeUndefined();
  });
});

describe('placeLast: the tail page once the total is known', () => {
  const plan = (args: PageArgs) => planPage(args, 100, 1000);
  it('starts `last` rows before the end', () => expect(placeLast(plan({ last: 3 }), 10)).toBe(7));
  it('starts at 0 when there are fewer rows than `last`', () => expect(placeLast(plan({ last: 30 }), 10)).toBe(0));
  it('never starts before skip', () => expect(placeLast(plan({ skip: 8, last: 3 }), 10)).toBe(8));
  it('never starts before the after-cursor', () => expect(placeLast(plan({ after: offsetCursor(8), last: 3 }), 10)).toBe(9));
  it('after a keyset bound, counts from the row after the cursor', () => {
    const after = keysetCursor(8, '', ['id8']);
    // 5 rows follow the cursor row (at 8): the tail of 3 starts 2 rows after position 9.
    expect(placeLast(plan({ after, last: 3 }), 5, 9)).toBe(11);
    expect(placeLast(plan({ after, last: 3 }), 2, 9)).toBe(9);
    expect(placeLast(plan({ after, skip: 1, last: 3 }), 5, 9)).toBe(11);
    expect(placeLast(plan({ after, skip: 3, last: 3 }), 5, 9)).toBe(12);
  });
});

describe('keysetBound', () => {
  const key = (name: string, type: string, descending = false): OrderKey => ({ field: { name, type: type as never }, descending });
  const order = [key('title', 'String'), key('views', 'Number', true), key('done', 'Boolean'), key('at', 'Date'), key('author', 'Pointer')];
  const keys = orderKeys(order);
  const sig = '+title,-views,+done,+at,+author';
  const cursor = (values: unknown[], signature = sig) => decodeCursor(keysetCursor(3, signature, values), 'After');
  const good = ['a', 1.5, true, '2024-01-02T03:04:05.123456+00:00', 'p1', 'id1'];

  it('gives the values of a cursor made under the same order', () => {
    expect(keysetBound(cursor(good), keys, sig)).toEqual(good);
    expect(keysetBound(cursor([null, null, null, null, null, 'id1']), keys, sig)).toEqual([null, null, null, null, null, 'id1']);
  });

  it('falls back to the offset for offset cursors and cursors of another order', () => {
    expect(keysetBound(undefined, keys, sig)).toBeUndefined();
    expect(keysetBound(decodeCursor(offsetCursor(3), 'After'), keys, sig)).toBeUndefined();
    expect(keysetBound(cursor(good, '-title'), keys, sig)).toBeUndefined();
  });

  it.each([
    ['too few values', good.slice(1)],
    ['too many values', [...good, 'x']],
    ['a string for a number', ['a', '1.5', true, good[3], 'p1', 'id1']],
    ['a string for a boolean', ['a', 1.5, 'true', good[3], 'p1', 'id1']],
    ['a number for a string', [1, 1.5, true, good[3], 'p1', 'id1']],
    ['a non-ISO date', ['a', 1.5, true, 'yesterday', 'p1', 'id1']],
    ['an object for a pointer', ['a', 1.5, true, good[3], { objectId: 'p1' }, 'id1']],
    ['a null objectId', ['a', 1.5, true, good[3], 'p1', null]],
  ])('rejects a tampered cursor (%s) with 102', (_what, values) => {
    expect(parseError(() => keysetBound(cursor(values), keys, sig))).toEqual({ code: 102, message: 'After is not a valid cursor' });
  });
});
