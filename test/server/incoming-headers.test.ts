import { describe, expect, it } from 'vitest';
import { IncomingHeaders } from '../../src/server/incoming-headers.ts';

describe('IncomingHeaders: node:http headers read as a Fetch Headers', () => {
  const headers = new IncomingHeaders({
    'x-parse-application-id': 'app',
    accept: '*/*',
    'set-cookie': ['a=1', 'b=2'],
    'x-empty': '',
  });

  it('reads names in any case, as Headers does; absent names are null', () => {
    expect(headers.get('X-Parse-Application-Id')).toBe('app');
    expect(headers.get('x-parse-application-id')).toBe('app');
    expect(headers.get('x-empty')).toBe('');
    expect(headers.has('X-EMPTY')).toBe(true);
    expect(headers.get('x-parse-master-key')).toBeNull();
    expect(headers.has('x-parse-master-key')).toBe(false);
    expect(headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(headers.get('set-cookie')).toBe('a=1, b=2');
  });

  it('iterates sorted by name, as a Headers built from the same values', () => {
    const seen: string[] = [];
    headers.forEach((value, name) => {
      seen.push(`${name}=${value}`);
    });
    const reference = new Headers([
      ['x-parse-application-id', 'app'],
      ['accept', '*/*'],
      ['x-empty', ''],
    ]);
    const expected: string[] = [];
    reference.forEach((value, name) => {
      expected.push(`${name}=${value}`);
    });
    expect(seen.filter((s) => !s.startsWith('set-cookie'))).toEqual(expected);
    expect([...headers.keys()]).toEqual(['accept', 'set-cookie', 'x-empty', 'x-parse-application-id']);
    expect(Object.fromEntries(headers)).toMatchObject({ accept: '*/*', 'x-parse-application-id': 'app' });
  });

  it('refuses writes (nothing downstream of the lane may change a request)', () => {
    expect(() => headers.set('x', 'y')).toThrow(TypeError);
    expect(() => headers.append('x', 'y')).toThrow(TypeError);
    expect(() => headers.delete('accept')).toThrow(TypeError);
  });
});
