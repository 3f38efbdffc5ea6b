import { describe, expect, it } from 'vitest';
import {
  CloudAcl,
  type CloudFileValue,
  CloudGeoPointValue,
  CloudObjectImpl,
  fromStored,
  markSaved,
  newObject,
  toStored,
  toWriteInput,
  withChanges,
} from '../../src/cloud/object/index.ts';
import { CLASS, INCLUDED, type ParseObject } from '../../src/core/index.ts';
import { env, parseError } from './object-fixture.ts';

// CloudObject: Parse.Object's surface over the core's objects. Values typed as Parse's SDK
// gives them; changes kept as Parse keeps them and handed to the core in its natural form.

const AREA = [
  { latitude: 0, longitude: 0 },
  { latitude: 0, longitude: 1 },
  { latitude: 1, longitude: 1 },
];

function storedPost(more: Record<string, unknown> = {}): ParseObject {
  return {
    [CLASS]: 'Post',
    objectId: 'p1',
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-02-01T00:00:00.000Z',
    title: 'Hello',
    views: 3,
    published: true,
    when: '2024-06-01T12:00:00.000Z',
    author: 'a1',
    cover: 'abc_photo.png',
    loc: { latitude: 10, longitude: 20 },
    area: AREA,
    blob: 'AQID',
    meta: { color: 'red', at: { __type: 'Date', iso: '2020-01-01T00:00:00.000Z' }, by: { __type: 'Pointer', className: 'Author', objectId: 'a9' } },
    tags: ['a', 'b'],
    ACL: { '*': { read: true }, u1: { read: true, write: true } },
    ...more,
  } as ParseObject;
}

describe('fromStored: a saved object, typed as the SDK types it', () => {
  const post = fromStored('Post', storedPost(), env);

  it('has its id, dates and class, and nothing dirty', () => {
    expect(post.className).toBe('Post');
    expect(post.id).toBe('p1');
    expect(post.createdAt).toEqual(new Date('2024-01-01T00:00:00.000Z'));
    expect(post.updatedAt).toEqual(new Date('2024-02-01T00:00:00.000Z'));
    expect(post.get('createdAt')).toEqual(post.createdAt);
    expect(post.isNew()).toBe(false);
    expect(post.dirty()).toBe(false);
    expect(post.dirtyKeys()).toEqual([]);
    expect(toWriteInput(post)).toEqual({});
  });

  it('gives dates, files, points, polygons, bytes and JSON in the SDK forms', () => {
    expect(post.get('when')).toEqual(new Date('2024-06-01T12:00:00.000Z'));
    const cover = post.get('cover') as CloudFileValue;
    expect(cover.name()).toBe('abc_photo.png');
    expect(cover.url()).toBe('http://files.test/abc_photo.png');
    expect(cover.toJSON()).toEqual({ __type: 'File', name: 'abc_photo.png', url: 'http://files.test/abc_photo.png' });
    const loc = post.get('loc') as CloudGeoPointValue;
    expect([loc.latitude, loc.longitude]).toEqual([10, 20]);
    expect(loc.kilometersTo({ latitude: 10, longitude: 21 })).toBeCloseTo(109.5, 0);
    expect(post.get('area')).toEqual({
      __type: 'Polygon',
      coordinates: [
        [0, 0],
        [0, 1],
        [1, 1],
      ],
    });
    expect(post.get('blob')).toEqual({ __type: 'Bytes', base64: 'AQID' });
    expect(post.get('tags')).toEqual(['a', 'b']);
    // Parse JSON inside an Object field is decoded, as the SDK decodes a fetched object.
    const meta = post.get('meta');
    expect(meta.color).toBe('red');
    expect(meta.at).toEqual(new Date('2020-01-01T00:00:00.000Z'));
    expect(meta.by).toBeInstanceOf(CloudObjectImpl);
    expect(post.getACL()!.toJSON()).toEqual({ '*': { read: true }, u1: { read: true, write: true } });
    expect(post.get('editors')).toMatchObject({ __type: 'Relation', targetClassName: 'Author' });
    expect(post.has('title')).toBe(true);
    expect(post.has('nothing')).toBe(false);
    expect(post.get('objectId')).toBeUndefined(); // as in Parse: the id is `id`
  });

  it('a pointer is a pointer-only object of the target class; an included one has its fields', () => {
    const author = post.get('author') as CloudObjectImpl;
    expect([author.className, author.id, author.get('name'), author.isNew()]).toEqual(['Author', 'a1', undefined, false]);
    const included = fromStored('Post', storedPost({ [INCLUDED]: { author: { [CLASS]: 'Author', objectId: 'a1', name: 'Ann', mentor: 'a2' } } }), env);
    const full = included.get('author') as CloudObjectImpl;
    expect(full.get('name')).toBe('Ann');
    expect(full.get('mentor').id).toBe('a2');
    expect(full.dirty()).toBe(false);
    // A target that is missing or unreadable (null) stays a pointer.
    const missing = fromStored('Post', storedPost({ [INCLUDED]: { author: null } }), env);
    expect(missing.get('author').id).toBe('a1');
  });

  it('fields named like Object.prototype members are ordinary fields', () => {
    const stored = storedPost();
    Object.defineProperty(stored, '__proto__', { value: 'p', enumerable: true });
    Object.assign(stored, { constructor: 'c', toString: 7 });
    const obj = fromStored('Post', stored, env);
    expect([obj.get('__proto__'), obj.get('constructor'), obj.get('toString')]).toEqual(['p', 'c', 7]);
    obj.set('__proto__', 'q').set('constructor', 'd').increment('toString');
    const input = toWriteInput(obj);
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
    expect(Object.keys(input).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(JSON.parse(JSON.stringify(input))).toEqual(JSON.parse('{"__proto__":"q","constructor":"d","toString":{"__op":"Increment","amount":1}}'));
    expect(({} as Record<string, unknown>).q).toBeUndefined();
  });

  it('keeps a stored value that does not fit its type as read rather than failing the read', () => {
    const odd = fromStored('Post', storedPost({ when: 'infinity' }), env);
    expect(odd.get('when')).toBe('infinity');
  });
});

describe('newObject: an object about to be created', () => {
  const input = {
    title: 'New',
    views: 1,
    when: '2024-06-01T12:00:00.000Z',
    author: 'a1',
    cover: 'x.png',
    loc: { latitude: 1, longitude: 2 },
    area: AREA,
    blob: 'AQID',
    meta: { a: 1 },
    tags: ['t'],
    editors: { add: ['a1', 'a2'] },
    ACL: { '*': { read: true } },
  };

  it('is new and dirty in every given key; toWriteInput gives the input back', () => {
    const obj = newObject('Post', input, env);
    expect(obj.isNew()).toBe(true);
    expect(obj.id).toBeUndefined();
    expect(obj.dirty()).toBe(true);
    expect(obj.dirtyKeys()).toEqual(Object.keys(input));
    expect(toWriteInput(obj)).toEqual(input);
  });

  it('reads each value as the SDK types it', () => {
    const obj = newObject('Post', input, env);
    expect(obj.get('when')).toBeInstanceOf(Date);
    expect(obj.get('author')).toMatchObject({ className: 'Author', id: 'a1' });
    expect(obj.get('cover').url()).toBe('http://files.test/x.png');
    expect(obj.get('loc')).toBeInstanceOf(CloudGeoPointValue);
    expect(obj.get('editors')).toMatchObject({ __type: 'Relation', targetClassName: 'Author' });
    expect(obj.getACL()!.getPublicReadAccess()).toBe(true);
  });

  it('a pointer created along reads as an unsaved object, and is written back as a create', () => {
    const obj = newObject('Post', { author: { create: { name: 'Nia' } } }, env);
    const author = obj.get('author') as CloudObjectImpl;
    expect([author.className, author.isNew(), author.get('name')]).toEqual(['Author', true, 'Nia']);
    author.set('age', 30);
    expect(toWriteInput(obj)).toEqual({ author: { create: { name: 'Nia', age: 30 } } });
  });

  it('refuses input values of the wrong type with 111', () => {
    expect(parseError(() => newObject('Post', { views: 'many' }, env)).code).toBe(111);
    expect(parseError(() => newObject('Post', { when: 'not a date' }, env)).code).toBe(111);
  });
});

describe('withChanges: an object about to be updated', () => {
  it('reads the new value where the input changes it, the stored one elsewhere', () => {
    const obj = withChanges(storedPost(), { title: 'Changed', views: null }, env);
    expect([obj.id, obj.get('title'), obj.get('views'), obj.get('tags')]).toEqual(['p1', 'Changed', undefined, ['a', 'b']]);
    expect(obj.dirtyKeys()).toEqual(['title', 'views']);
    expect(obj.dirty('title')).toBe(true);
    expect(obj.dirty('tags')).toBe(false);
    expect(toWriteInput(obj)).toEqual({ title: 'Changed', views: null });
  });

  it('takes a CloudObject as the original and leaves it untouched', () => {
    const original = fromStored('Post', storedPost(), env);
    const obj = withChanges(original, { tags: ['z'] }, env);
    obj.add('tags', 'y');
    expect(obj.get('tags')).toEqual(['z', 'y']);
    expect(original.get('tags')).toEqual(['a', 'b']);
    expect(original.dirty()).toBe(false);
  });

  it('understands Parse operations in the input', () => {
    const obj = withChanges(storedPost(), { views: { __op: 'Increment', amount: 2 }, tags: { __op: 'Add', objects: ['c'] } }, env);
    expect([obj.get('views'), obj.get('tags')]).toEqual([5, ['a', 'b', 'c']]);
    expect(toWriteInput(obj)).toEqual({ views: { __op: 'Increment', amount: 2 }, tags: { __op: 'Add', objects: ['c'] } });
    expect(parseError(() => withChanges(storedPost({ meta: { n: 1 } }), { title: { __op: 'Increment' } }, env)).code).toBe(111);
    expect(parseError(() => withChanges(storedPost(), { title: { __op: 'Explode' } }, env)).code).toBe(107);
  });
});

describe('set and the other changes', () => {
  const post = () => fromStored('Post', storedPost(), env);

  it('takes SDK values, Parse JSON and natural values, and writes them in natural form', () => {
    const obj = post()
      .set('when', new Date('2025-01-01T00:00:00Z'))
      .set('author', { __type: 'Pointer', className: 'Author', objectId: 'a2' })
      .set('cover', { __type: 'File', name: 'y.png', url: 'http://elsewhere/y.png' })
      .set('loc', { __type: 'GeoPoint', latitude: 5, longitude: 6 })
      .set('area', {
        __type: 'Polygon',
        coordinates: [
          [1, 1],
          [1, 2],
          [2, 2],
        ],
      })
      .set('blob', { __type: 'Bytes', base64: 'BAUG' })
      .set('meta', { when: new Date('2020-01-01T00:00:00Z'), who: post().get('author') });
    expect(toWriteInput(obj)).toEqual({
      when: '2025-01-01T00:00:00.000Z',
      author: 'a2',
      cover: 'y.png',
      loc: { latitude: 5, longitude: 6 },
      area: [
        { latitude: 1, longitude: 1 },
        { latitude: 1, longitude: 2 },
        { latitude: 2, longitude: 2 },
      ],
      blob: 'BAUG',
      meta: { when: { __type: 'Date', iso: '2020-01-01T00:00:00.000Z' }, who: { __type: 'Pointer', className: 'Author', objectId: 'a1' } },
    });
    expect(obj.get('author').id).toBe('a2');
    expect(obj.get('when')).toEqual(new Date('2025-01-01T00:00:00Z'));
    expect(post().set('author', 'a3').get('author')).toMatchObject({ className: 'Author', id: 'a3' });
    expect(post().set('when', { __type: 'Date', iso: '2025-01-01T00:00:00Z' }).get('when')).toEqual(new Date('2025-01-01T00:00:00Z'));
  });

  it('refuses a pointer to the wrong class with 111', () => {
    const error = parseError(() => post().set('author', new CloudObjectImpl('Post', env, 'x')));
    expect(error.code).toBe(111);
    expect(error.message).toMatch(/expected a pointer to Author, got a pointer to Post/);
    expect(parseError(() => post().set('author', { __type: 'Pointer', className: 'Post', objectId: 'x' })).code).toBe(111);
  });

  it('refuses values of the wrong type (111) and bad key names (105)', () => {
    expect(parseError(() => post().set('views', '12')).code).toBe(111);
    expect(parseError(() => post().set('loc', { latitude: 100, longitude: 0 })).code).toBe(107);
    expect(parseError(() => post().set('bad key', 1)).code).toBe(105);
    expect(parseError(() => post().set('ACL', { '*': { read: 'yes' } })).code).toBe(123);
  });

  it('set with an object applies all or nothing', () => {
    const obj = post();
    expect(parseError(() => obj.set({ title: 'ok', views: 'no' })).code).toBe(111);
    expect(obj.get('title')).toBe('Hello');
    expect(obj.dirty()).toBe(false);
    obj.set({ title: 'both', views: 9 });
    expect(toWriteInput(obj)).toEqual({ title: 'both', views: 9 });
  });

  it('ignores createdAt and updatedAt; objectId sets the id', () => {
    const obj = post().set('createdAt', new Date(0)).set('objectId', 'p9');
    expect(obj.id).toBe('p9');
    expect(obj.createdAt).toEqual(new Date('2024-01-01T00:00:00.000Z'));
    expect(obj.dirtyKeys()).toEqual([]);
  });

  it('unset writes null; get gives undefined', () => {
    const obj = post().unset('title');
    expect([obj.get('title'), obj.has('title')]).toEqual([undefined, false]);
    expect(toWriteInput(obj)).toEqual({ title: null });
    expect(obj.toJSON().title).toEqual({ __op: 'Delete' });
  });

  it('increment and decrement: an atomic operation, the estimate in get()', () => {
    const obj = post().increment('views').increment('views', 5).decrement('views', 2);
    expect(obj.get('views')).toBe(7);
    expect(toWriteInput(obj)).toEqual({ views: { __op: 'Increment', amount: 4 } });
    // After a set, the increment folds into the value (Parse's op merging).
    expect(toWriteInput(post().set('views', 10).increment('views'))).toEqual({ views: 11 });
    expect(toWriteInput(post().unset('views').increment('views', 2))).toEqual({ views: 2 });
  });

  it('add, addUnique and remove: array operations with natural values', () => {
    const author = new CloudObjectImpl('Author', env, 'a7');
    const when = new Date('2021-01-01T00:00:00Z');
    expect(toWriteInput(post().add('tags', 'c').add('tags', author))).toEqual({
      tags: { __op: 'Add', objects: ['c', { __type: 'Pointer', className: 'Author', objectId: 'a7' }] },
    });
    const unique = post().addUnique('tags', 'a').addUnique('tags', when);
    expect(unique.get('tags')).toEqual(['a', 'b', when]);
    expect(toWriteInput(unique)).toEqual({ tags: { __op: 'AddUnique', objects: ['a', { __type: 'Date', iso: '2021-01-01T00:00:00.000Z' }] } });
    const removed = post().remove('tags', 'a');
    expect(removed.get('tags')).toEqual(['b']);
    expect(toWriteInput(removed)).toEqual({ tags: { __op: 'Remove', objects: ['a'] } });
    expect(post().addAll('tags', ['x', 'y']).get('tags')).toEqual(['a', 'b', 'x', 'y']);
  });

  it('refuses operations that do not fit the field (111), leaving the object as it was', () => {
    const obj = post();
    expect(parseError(() => obj.increment('title')).code).toBe(111);
    expect(parseError(() => obj.add('views', 1)).code).toBe(111);
    expect(parseError(() => obj.increment('views', Number.NaN)).code).toBe(111);
    obj.add('tags', 'x');
    expect(parseError(() => obj.remove('tags', 'a')).code).toBe(111);
    expect(obj.get('tags')).toEqual(['a', 'b', 'x']);
  });

  it('sets a key inside an Object field with a dotted key', () => {
    const obj = post().set('meta.size.width', 3);
    expect(obj.get('meta').size).toEqual({ width: 3 });
    expect(obj.get('meta').color).toBe('red');
    expect(obj.dirtyKeys()).toEqual(['meta']);
    expect(parseError(() => post().set('meta.__proto__.x', 1)).code).toBe(105);
    expect(parseError(() => post().set('title.x', 1)).code).toBe(111);
  });

  it('sees arrays, objects and ACLs changed in place, as the SDK does', () => {
    const obj = post();
    obj.get('tags').push('c');
    obj.getACL()!.setPublicWriteAccess(true);
    expect(obj.dirty('tags')).toBe(true);
    expect(obj.dirtyKeys().sort()).toEqual(['ACL', 'tags']);
    expect(toWriteInput(obj)).toEqual({ tags: ['a', 'b', 'c'], ACL: { '*': { read: true, write: true }, u1: { read: true, write: true } } });
  });

  it('relation changes pass through to the core; revert drops changes', () => {
    const obj = post()
      .set('editors', { add: ['a1'] })
      .set('editors', { __op: 'RemoveRelation', objects: [{ __type: 'Pointer', className: 'Author', objectId: 'a2' }] });
    expect(toWriteInput(obj)).toEqual({ editors: { add: ['a1'], remove: ['a2'] } });
    obj.set('title', 'x').revert('title');
    expect(obj.dirtyKeys()).toEqual(['editors']);
    expect(obj.revert().dirty()).toBe(false);
  });
});

describe('ACL', () => {
  it("Parse.ACL's everyday surface over an ACL map", () => {
    const acl = new CloudAcl();
    acl.setPublicReadAccess(true);
    acl.setReadAccess('u1', true);
    acl.setWriteAccess({ id: 'u1' }, true);
    acl.setRoleWriteAccess('Admins', true);
    const role = fromStored('_Role', { [CLASS]: '_Role', objectId: 'r1', name: 'Mods' } as ParseObject, env);
    acl.setRoleReadAccess(role, true);
    expect(acl.toJSON()).toEqual({ '*': { read: true }, u1: { read: true, write: true }, 'role:Admins': { write: true }, 'role:Mods': { read: true } });
    expect([
      acl.getPublicReadAccess(),
      acl.getPublicWriteAccess(),
      acl.getWriteAccess('u1'),
      acl.getRoleWriteAccess('Admins'),
      acl.getRoleReadAccess('Admins'),
    ]).toEqual([true, false, true, true, false]);
    acl.setReadAccess('u1', false);
    acl.setWriteAccess('u1', false);
    expect(Object.keys(acl.toJSON())).not.toContain('u1');
    expect(parseError(() => acl.setReadAccess('u1', 'yes' as unknown as boolean)).code).toBe(123);
  });

  it('setACL takes a CloudAcl or ACL JSON; toWriteInput gives the ACL map', () => {
    const obj = fromStored('Post', storedPost(), env).setACL({ u2: { read: true } });
    expect(obj.getACL()).toBeInstanceOf(CloudAcl);
    expect(toWriteInput(obj)).toEqual({ ACL: { u2: { read: true } } });
    const user = new CloudObjectImpl('_User', env, 'u3');
    expect(toWriteInput(obj.setACL(new CloudAcl(user)))).toEqual({ ACL: { u3: { read: true, write: true } } });
  });
});

describe('toJSON, toPointer, equals, toStored', () => {
  it("toJSON is Parse's: objectId, ISO dates, encoded fields, pending operations as __op", () => {
    const obj = fromStored('Post', storedPost(), env).increment('views');
    const json = obj.toJSON();
    expect(json).toMatchObject({
      objectId: 'p1',
      createdAt: '2024-01-01T00:00:00.000Z',
      when: { __type: 'Date', iso: '2024-06-01T12:00:00.000Z' },
      author: { __type: 'Pointer', className: 'Author', objectId: 'a1' },
      cover: { __type: 'File', name: 'abc_photo.png', url: 'http://files.test/abc_photo.png' },
      loc: { __type: 'GeoPoint', latitude: 10, longitude: 20 },
      views: { __op: 'Increment', amount: 1 },
      ACL: { '*': { read: true }, u1: { read: true, write: true } },
    });
    expect(json.__type).toBeUndefined();
    const self = fromStored('Author', { [CLASS]: 'Author', objectId: 'a1', name: 'A' } as ParseObject, env);
    expect(self.set('mentor', self).toJSON()).toEqual({ objectId: 'a1', name: 'A', mentor: { __type: 'Pointer', className: 'Author', objectId: 'a1' } });
  });

  it('toPointer needs an id (104); equals compares class and id', () => {
    const obj = fromStored('Post', storedPost(), env);
    expect(obj.toPointer()).toEqual({ __type: 'Pointer', className: 'Post', objectId: 'p1' });
    expect(parseError(() => newObject('Post', {}, env).toPointer()).code).toBe(104);
    expect(obj.equals(new CloudObjectImpl('Post', env, 'p1'))).toBe(true);
    expect(obj.equals(new CloudObjectImpl('Author', env, 'p1'))).toBe(false);
    expect(newObject('Post', {}, env).equals(newObject('Post', {}, env))).toBe(false);
  });

  it("toStored gives the core's natural form, with included targets", () => {
    const stored = storedPost({ [INCLUDED]: { author: { [CLASS]: 'Author', objectId: 'a1', name: 'Ann' } } });
    const obj = fromStored('Post', stored, env).set('title', 'T').increment('views');
    const out = toStored(obj);
    expect(out[CLASS]).toBe('Post');
    expect(out).toEqual({ ...stored, title: 'T', views: 4 });
    expect(out[INCLUDED]!.author![CLASS]).toBe('Author');
  });
});

describe('markSaved', () => {
  it('after a save: the id, timestamps and values the database returned; nothing dirty', () => {
    const obj = newObject('Post', { title: 'T', views: { __op: 'Increment', amount: 1 }, tags: ['a'] }, env);
    obj.get('tags').push('b');
    markSaved(obj, { [CLASS]: 'Post', objectId: 'p5', createdAt: '2024-03-01T00:00:00.000Z', updatedAt: '2024-03-01T00:00:00.000Z', views: 8 } as ParseObject);
    expect([obj.id, obj.isNew(), obj.dirty(), obj.dirtyKeys()]).toEqual(['p5', false, false, []]);
    expect([obj.get('title'), obj.get('views'), obj.get('tags')]).toEqual(['T', 8, ['a', 'b']]);
    expect(obj.createdAt).toEqual(new Date('2024-03-01T00:00:00.000Z'));
    obj.get('tags').push('c');
    expect(obj.dirtyKeys()).toEqual(['tags']);
  });
});
