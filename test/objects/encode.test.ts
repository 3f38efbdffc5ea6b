import { describe, expect, it } from 'vitest';
import { Params } from '../../src/db/index.ts';
import { closePolygon, encodeForColumn, normalizeForWrite } from '../../src/core/encode.ts';
import { decodeDate, decodePoint, decodePolygon } from '../../src/core/decode.ts';
import { mayBeObjectId, newObjectId } from '../../src/core/ids.ts';
import type { FieldDef } from '../../src/schema/index.ts';

const f = (type: FieldDef['type']): FieldDef => ({ type });
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: number }).code;
  }
  return undefined;
};

describe('normalizeForWrite', () => {
  it('returns values in the form a later read gives back', () => {
    expect(normalizeForWrite('d', f('Date'), '2020-01-02T03:04:05.6+01:00')).toBe('2020-01-02T02:04:05.600Z');
    expect(normalizeForWrite('d', f('Date'), { __type: 'Date', iso: '2020-01-02T00:00:00Z' })).toBe('2020-01-02T00:00:00.000Z');
    expect(
      normalizeForWrite('p', f('Polygon'), [
        { latitude: 1, longitude: 2 },
        { latitude: 3, longitude: 4 },
        { latitude: 5, longitude: 6 },
      ]),
    ).toEqual([
      { latitude: 1, longitude: 2 },
      { latitude: 3, longitude: 4 },
      { latitude: 5, longitude: 6 },
      { latitude: 1, longitude: 2 },
    ]);
    expect(normalizeForWrite('s', f('String'), '')).toBe('');
    expect(normalizeForWrite('x', f('Number'), null)).toBeNull();
  });

  it.each([
    ['String', 1, 111],
    ['String', 'a\u0000', 111],
    ['Number', Number.NaN, 111],
    ['Number', Number.POSITIVE_INFINITY, 111],
    ['Number', '1', 111],
    ['Boolean', 0, 111],
    ['Date', 'nope', 111],
    ['Date', '0000-01-01T00:00:00.000Z', 111],
    ['Date', '+010000-01-01T00:00:00.000Z', 111],
    ['Object', [], 111],
    ['Object', { a: { b: Number.POSITIVE_INFINITY } }, 111],
    ['Object', { 'a\u0000': 1 }, 111],
    ['Array', {}, 111],
    ['Array', [['x\u0000']], 111],
    ['Pointer', '', 111],
    ['Pointer', 'id\u0000', 111],
    ['File', '', 111],
    ['Bytes', 'a=b', 111],
    ['GeoPoint', { latitude: 91, longitude: 0 }, 107],
    ['Polygon', [{ latitude: 0, longitude: 0 }], 107],
  ] as const)('%s refuses %j with %i', (type, value, expected) => {
    expect(code(() => normalizeForWrite('x', f(type), value))).toBe(expected);
  });

  it('limits the nesting of Objects and Arrays to 32 levels', () => {
    const nest = (n: number) => {
      let v: unknown = 'leaf';
      for (let i = 1; i < n; i++) v = i % 2 ? { k: v } : [v];
      return [v];
    };
    expect(() => normalizeForWrite('a', f('Array'), nest(32))).not.toThrow();
    expect(code(() => normalizeForWrite('a', f('Array'), nest(33)))).toBe(107);
    expect(code(() => normalizeForWrite('a', f('Array'), nest(100_000)))).toBe(107);
  });
});

describe('encodeForColumn', () => {
  it('casts every parameter to its column type, never interpolating values', () => {
    const p = new Params();
    expect(encodeForColumn(f('Number'), 1.5, p)).toBe('$1::float8');
    expect(encodeForColumn(f('Object'), { "'; DROP": 1 }, p)).toBe('$2::jsonb');
    expect(encodeForColumn(f('Bytes'), 'aGk=', p)).toBe('$3::jsonb');
    expect(encodeForColumn(f('GeoPoint'), { latitude: 1, longitude: 2 }, p)).toBe('point($4::float8, $5::float8)');
    expect(
      encodeForColumn(
        f('Polygon'),
        [
          { latitude: 1, longitude: 2 },
          { latitude: 3, longitude: 4 },
        ],
        p,
      ),
    ).toBe('$6::polygon');
    expect(encodeForColumn(f('String'), "it's", p)).toBe('$7::text');
    expect(encodeForColumn(f('String'), null, p)).toBe('NULL');
    expect(p.values).toEqual([1.5, '{"\'; DROP":1}', '{"__type":"Bytes","base64":"aGk="}', 2, 1, '((2,1),(4,3))', "it's"]);
  });
});

describe('decoders', () => {
  it('read PostgreSQL points and polygons as (longitude, latitude)', () => {
    expect(decodePoint('(20.5,-10.25)')).toEqual({ latitude: -10.25, longitude: 20.5 });
    expect(decodePolygon('((2,1),(4,3),(6,5),(2,1))')).toEqual([
      { latitude: 1, longitude: 2 },
      { latitude: 3, longitude: 4 },
      { latitude: 5, longitude: 6 },
      { latitude: 1, longitude: 2 },
    ]);
    expect(decodePolygon('((1e-05,-2.5e+20),(0,0),(1,1))')?.[0]).toEqual({ latitude: -2.5e20, longitude: 1e-5 });
    expect(decodePoint(null)).toBeNull();
  });

  it('read timestamptz text as ISO strings in UTC with milliseconds', () => {
    expect(decodeDate('2020-01-02T03:04:05.678+00:00')).toBe('2020-01-02T03:04:05.678Z');
    expect(decodeDate('2020-01-02 03:04:05+02')).toBe('2020-01-02T01:04:05.000Z');
    // Beside the common form (same length): another offset, fewer or more fraction digits.
    expect(decodeDate('2020-01-02T03:04:05.678+01:00')).toBe('2020-01-02T02:04:05.678Z');
    expect(decodeDate('2020-01-02T03:04:05.6+00:00')).toBe('2020-01-02T03:04:05.600Z');
    expect(decodeDate('2020-01-02T03:04:05.678901+00:00')).toBe('2020-01-02T03:04:05.678Z');
    expect(decodeDate('2020-01-02T03:04:05+00:00')).toBe('2020-01-02T03:04:05.000Z');
    expect(decodeDate(null)).toBeNull();
    // Written by another client, out of JavaScript's range: passed on, never a failed read.
    expect(decodeDate('infinity')).toBe('infinity');
  });

  it('closePolygon leaves closed rings alone', () => {
    const ring = [
      { latitude: 0, longitude: 0 },
      { latitude: 1, longitude: 0 },
      { latitude: 0, longitude: 0 },
    ];
    expect(closePolygon(ring)).toBe(ring);
  });
});

describe('ids', () => {
  it('new objectIds are 10 alphanumeric characters and do not repeat', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newObjectId()));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{10}$/);
  });

  it('every character of the alphabet is about as likely, across many refills of the random pool', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) for (const c of newObjectId()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = 200_000 / 62; // ~3,226 each
    for (const n of counts.values()) expect(Math.abs(n - expected)).toBeLessThan(expected * 0.15);
  });

  it('ids that cannot be stored are known not to exist', () => {
    expect(mayBeObjectId('abc')).toBe(true);
    expect(mayBeObjectId('')).toBe(false);
    expect(mayBeObjectId('a\u0000')).toBe(false);
  });
});
