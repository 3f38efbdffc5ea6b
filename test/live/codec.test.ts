import { describe, expect, it } from 'vitest';
import { CLASS, INCLUDED, type ParseObject } from '../../src/core/index.ts';
import { decodeLiveChange, encodeLiveChange } from '../../src/live/codec.ts';
import type { LiveChange } from '../../src/live/types.ts';

/** An object with a value of every field type, in the form reads give them (core/decode.ts). */
function everyType(): ParseObject {
  return {
    [CLASS]: 'Post',
    [INCLUDED]: { author: { [CLASS]: '_User', objectId: 'u1', username: 'ann' } },
    objectId: 'p1',
    createdAt: '2024-01-02T03:04:05.678Z',
    updatedAt: '2024-01-02T03:04:06.000Z',
    title: 'ünïcødé ✓ "quoted" \\ line\nbreak',
    empty: '',
    score: 3.25,
    negative: -17,
    done: false,
    published: '2023-12-31T23:59:59.999Z',
    // A date PostgreSQL printed that JavaScript cannot represent is passed on as text.
    ancient: '4713-01-01 00:00:00+00 BC',
    meta: JSON.parse('{"nested": {"deep": [1, {"x": null}]}, "__proto__": {"polluted": true}, "className": "not the class"}'),
    tags: ['a', 1, true, null, { b: [2] }],
    author: 'u1',
    avatar: 'a1b2c3_photo.png',
    location: { latitude: 48.8566, longitude: 2.3522 },
    area: [
      { latitude: 0, longitude: 0 },
      { latitude: 0, longitude: 1 },
      { latitude: 1, longitude: 1 },
      { latitude: 0, longitude: 0 },
    ],
    blob: 'AAECAwQF/+8=',
    // A field may be called "className": the class travels apart from the fields.
    className: 'a field, not the class',
    unset: null,
    ACL: { '*': { read: true }, u1: { read: true, write: true }, 'role:Admins': { write: true } },
  };
}

/** The object as a subscriber must see it: every field, the class, and nothing included. */
function expectSameObject(decoded: ParseObject, sent: ParseObject): void {
  expect(decoded[CLASS]).toBe(sent[CLASS]);
  expect(INCLUDED in decoded).toBe(false);
  expect(Object.keys(decoded)).toEqual(Object.keys(sent));
  const { [INCLUDED]: _dropped, ...fields } = sent;
  expect(decoded).toStrictEqual(fields);
  expect(Object.getPrototypeOf(decoded.meta)).toBe(Object.prototype);
  expect(Object.hasOwn(decoded.meta as object, '__proto__')).toBe(true);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

describe('LiveChange codec', () => {
  it('round-trips an update with every field type, its ACL and its class', () => {
    const object = everyType();
    const original = { ...everyType(), score: 2, ACL: { u1: { read: true, write: true } } } as ParseObject;
    const change: LiveChange = { kind: 'update', className: 'Post', objectId: 'p1', object, original };
    const decoded = decodeLiveChange(encodeLiveChange(change));
    expect(decoded.kind).toBe('update');
    expect(decoded.className).toBe('Post');
    expect(decoded.objectId).toBe('p1');
    expectSameObject(decoded.object, object);
    expectSameObject(decoded.original!, original);
  });

  it('round-trips a create without an original and a delete of a user', () => {
    const created = decodeLiveChange(encodeLiveChange({ kind: 'create', className: 'Post', objectId: 'p1', object: everyType() }));
    expect('original' in created).toBe(false);
    expectSameObject(created.object, everyType());

    const user = { [CLASS]: '_User', objectId: 'u1', username: 'ann', ACL: { u1: { read: true, write: true } } } as ParseObject;
    const deleted = decodeLiveChange(encodeLiveChange({ kind: 'delete', className: '_User', objectId: 'u1', object: user, original: user }));
    expect(deleted.kind).toBe('delete');
    expect(deleted.object[CLASS]).toBe('_User');
    expect(deleted.object).toStrictEqual(user);
    expect(deleted.original).not.toBe(deleted.object);
  });

  it('sends a Date instance in the natural form (an ISO string)', () => {
    const object = { [CLASS]: 'Post', objectId: 'p1', when: new Date('2024-05-06T07:08:09.010Z') } as ParseObject;
    const decoded = decodeLiveChange(encodeLiveChange({ kind: 'create', className: 'Post', objectId: 'p1', object }));
    expect(decoded.object.when).toBe('2024-05-06T07:08:09.010Z');
  });

  it.each([
    ['not JSON', 'nope', /JSON/],
    ['another version', JSON.stringify({ v: 2, kind: 'create' }), /version/],
    [
      'an unknown kind',
      JSON.stringify({ v: 1, kind: 'upsert', className: 'Post', objectId: 'p1', object: { className: 'Post', fields: { objectId: 'p1' } } }),
      /kind/,
    ],
    ['an object without its class', JSON.stringify({ v: 1, kind: 'create', className: 'Post', objectId: 'p1', object: { objectId: 'p1' } }), /class/],
    [
      'an object without objectId',
      JSON.stringify({ v: 1, kind: 'create', className: 'Post', objectId: 'p1', object: { className: 'Post', fields: {} } }),
      /objectId/,
    ],
  ])('refuses %s', (_case, text, error) => {
    expect(() => decodeLiveChange(text)).toThrow(error);
  });
});
