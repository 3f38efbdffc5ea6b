import { describe, expect, it } from 'vitest';
import { decodeDate } from '../../src/core/decode.ts';

describe('decodeDate', () => {
  it('rewrites UTC timestamps as Date would print them, and leaves everything else to Date', () => {
    const inputs = [
      '2020-01-02T03:04:05.678+00:00',
      '2020-01-02 03:04:05.678+00',
      '2020-01-02T03:04:05+00:00',
      '2020-01-02T03:04:05.6+00:00',
      '2020-01-02T03:04:05.123456+00:00',
      '2020-01-02T03:04:05.999999Z',
      '0999-12-31T23:59:59.5+0000',
      '2020-01-02T03:04:05.678+02:00',
    ];
    for (const input of inputs) {
      const viaDate = new Date(input);
      const expected = Number.isNaN(viaDate.getTime()) ? input : viaDate.toISOString();
      expect(decodeDate(input), input).toBe(expected);
    }
    expect(decodeDate('infinity')).toBe('infinity');
    expect(decodeDate(null)).toBeNull();
  });
});
