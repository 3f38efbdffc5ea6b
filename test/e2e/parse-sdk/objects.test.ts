import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, master, Parse, ref, seed, signUp, startSdkServer, type SdkServer } from './harness.ts';

// Objects through Parse's JavaScript SDK: every field type written and read back, the atomic
// operations, errors as the SDK surfaces them, and the same objects seen through GraphQL.

let s: SdkServer;
beforeAll(async () => {
  s = await startSdkServer();
});
afterAll(() => s?.close());

const when = new Date('2024-02-03T04:05:06.789Z');
const triangle: [number, number][] = [
  [0, 0],
  [0, 1],
  [1, 1],
];
/** Parse stores a polygon closed (its first point again at the end) and answers it so. */
const closed = [...triangle, triangle[0]];

/** A saved object with one field of each type (the class made by the master key's first save). */
async function everyType(author: Parse.Object): Promise<Parse.Object> {
  const o = new Parse.Object('Every');
  o.set({
    str: 'héllo',
    num: 3.25,
    bool: false,
    date: when,
    obj: { nested: { deep: [1, 'two'] }, flag: true },
    arr: [1, 'two', { three: 3 }, [4]],
    author,
    where: new Parse.GeoPoint(40.5, -73.25),
    area: new Parse.Polygon(triangle),
    raw: { __type: 'Bytes', base64: 'aGVsbG8=' },
  });
  const acl = new Parse.ACL();
  acl.setPublicReadAccess(true);
  acl.setRoleWriteAccess('Editors', true);
  o.setACL(acl);
  return o.save(null, master);
}

describe('field types', () => {
  it('reads back every type as it was written (get, find, fetch)', async () => {
    const [author] = await seed('Author', [{ name: 'Ann' }]);
    const saved = await everyType(author);
    expect(saved.id).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(saved.createdAt).toBeInstanceOf(Date);
    for (const got of [await new Parse.Query('Every').get(saved.id!), (await new Parse.Query('Every').find())[0], await ref('Every', saved.id!).fetch()]) {
      expect(got.id).toBe(saved.id);
      expect(got.get('str')).toBe('héllo');
      expect(got.get('num')).toBe(3.25);
      expect(got.get('bool')).toBe(false);
      expect(got.get('date')).toEqual(when);
      expect(got.get('obj')).toEqual({ nested: { deep: [1, 'two'] }, flag: true });
      expect(got.get('arr')).toEqual([1, 'two', { three: 3 }, [4]]);
      const pointer = got.get('author') as Parse.Object;
      expect(pointer).toBeInstanceOf(Parse.Object);
      expect(pointer.className).toBe('Author');
      expect(pointer.id).toBe(author.id);
      expect(pointer.isDataAvailable()).toBe(false);
      const where = got.get('where') as Parse.GeoPoint;
      expect(where).toBeInstanceOf(Parse.GeoPoint);
      expect([where.latitude, where.longitude]).toEqual([40.5, -73.25]);
      const area = got.get('area') as Parse.Polygon;
      expect(area).toBeInstanceOf(Parse.Polygon);
      expect(area.coordinates).toEqual(closed);
      expect(got.get('raw')).toEqual({ __type: 'Bytes', base64: 'aGVsbG8=' });
      const acl = got.getACL()!;
      expect(acl.getPublicReadAccess()).toBe(true);
      expect(acl.getPublicWriteAccess()).toBe(false);
      expect(acl.getRoleWriteAccess('Editors')).toBe(true);
      expect(got.createdAt!.getTime()).toBe(saved.createdAt!.getTime());
      expect(got.updatedAt!.getTime()).toBe(saved.updatedAt!.getTime());
    }
  });

  it('keeps fields it did not touch, unsets with unset, and refuses a value of another type (111)', async () => {
    const [o] = await seed('Typed', [{ title: 'a', count: 1, tags: ['x'] }]);
    o.set('title', 'b');
    o.unset('tags');
    await o.save(null, master);
    const got = await new Parse.Query('Typed').get(o.id!, master);
    expect(got.get('title')).toBe('b');
    expect(got.get('count')).toBe(1);
    expect(got.has('tags')).toBe(false);
    const wrong = ref('Typed', o.id!);
    wrong.set('count', 'not a number');
    await expect(wrong.save(null, master)).rejects.toMatchObject({ code: Parse.Error.INCORRECT_TYPE });
  });

  it('answers 101 for an object that is not there, and for one deleted', async () => {
    const [o] = await seed('Gone', [{ n: 1 }]);
    await expect(new Parse.Query('Gone').get('nosuchobj1', master)).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
    await o.destroy(master);
    await expect(new Parse.Query('Gone').get(o.id!, master)).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
    await expect(ref('Gone', o.id!).fetch(master)).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
  });

  it('refuses a client, anonymous or signed in, creating a class (119)', async () => {
    await expect(new Parse.Object('NoSuchClassYet').save({ a: 1 })).rejects.toMatchObject({ code: Parse.Error.OPERATION_FORBIDDEN });
    const user = await signUp('classless');
    await expect(new Parse.Object('NoSuchClassYet').save({ a: 1 }, as(user))).rejects.toMatchObject({ code: Parse.Error.OPERATION_FORBIDDEN });
    await expect(new Parse.Query('NoSuchClassYet').find(master)).resolves.toEqual([]);
  });
});

describe('SDK reads and writes beyond one object', () => {
  it('Dates and pointers inside Object and Array fields round-trip typed', async () => {
    const [author] = await seed('Author', [{ name: 'Nested' }]);
    const [o] = await seed('Nesting', [{ meta: { at: when, by: author.toPointer(), list: [when] }, log: [{ at: when }, author.toPointer()] }]);
    const got = await new Parse.Query('Nesting').get(o.id!);
    expect(got.get('meta').at).toEqual(when);
    expect(got.get('meta').list).toEqual([when]);
    expect(got.get('meta').by).toBeInstanceOf(Parse.Object);
    expect(got.get('meta').by.id).toBe(author.id);
    expect(got.get('log')[0].at).toEqual(when);
    expect(got.get('log')[1].id).toBe(author.id);
  });

  it('dotted keys write inside an Object field (set and increment)', async () => {
    const [o] = await seed('Nesting', [{ meta: { stars: 1, name: 'x', keep: true } }]);
    o.set('meta.name', 'y');
    o.increment('meta.stars', 2);
    await o.save(null, master);
    expect((await new Parse.Query('Nesting').get(o.id!)).get('meta')).toEqual({ stars: 3, name: 'y', keep: true });
  });

  it('fetchAll, fetchAllWithInclude and fetchWithInclude', async () => {
    const [author] = await seed('Author', [{ name: 'Fetched' }]);
    const books = await seed('Book', [
      { title: 'one', author },
      { title: 'two', author },
    ]);
    const stale = books.map((b) => ref('Book', b.id!));
    const fetched = await Parse.Object.fetchAll(stale);
    expect(fetched.map((b) => b.get('title'))).toEqual(['one', 'two']);
    const withAuthor = await Parse.Object.fetchAllWithInclude(
      books.map((b) => ref('Book', b.id!)),
      ['author'],
    );
    expect(withAuthor.map((b) => b.get('author').get('name'))).toEqual(['Fetched', 'Fetched']);
    const one = await ref('Book', books[0].id!).fetchWithInclude('author');
    expect(one.get('author').get('name')).toBe('Fetched');
  });
});

describe('system classes and the schema', () => {
  it('a device saves its Parse.Installation; only the master key lists installations', async () => {
    const installation = new Parse.Installation();
    installation.set({ deviceType: 'android', installationId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', channels: ['news'] });
    await installation.save();
    expect(installation.id).toBeDefined();
    installation.addUnique('channels', 'sports');
    await installation.save();
    const found = await new Parse.Query(Parse.Installation).equalTo('channels', 'sports').find(master);
    expect(found.map((i) => i.id)).toEqual([installation.id]);
    expect(found[0].get('channels')).toEqual(['news', 'sports']);
    await expect(new Parse.Query(Parse.Installation).find()).rejects.toMatchObject({ code: Parse.Error.OPERATION_FORBIDDEN });
  });

  it('Parse.Schema: create a class with fields, add and delete a field, read it back (master)', async () => {
    const schema = new Parse.Schema('Planned');
    schema.addString('title', { required: true }).addNumber('count', { defaultValue: 0 }).addPointer('author', 'Author').addRelation('fans', '_User');
    await schema.save();
    const read = await new Parse.Schema('Planned').get();
    expect(read.fields.title).toEqual({ type: 'String', required: true });
    expect(read.fields.count).toEqual({ type: 'Number', defaultValue: 0 });
    expect(read.fields.author).toEqual({ type: 'Pointer', targetClass: 'Author' });
    expect(read.fields.fans).toEqual({ type: 'Relation', targetClass: '_User' });
    const saved = await new Parse.Object('Planned').save({ title: 'planned' }, master);
    expect((await new Parse.Query('Planned').get(saved.id!)).get('count')).toBe(0);
    await expect(new Parse.Object('Planned').save({ count: 1 }, master)).rejects.toMatchObject({ code: Parse.Error.VALIDATION_ERROR });
    await new Parse.Schema('Planned').addDate('due').deleteField('count').update();
    const after = await new Parse.Schema('Planned').get();
    expect(after.fields.due).toEqual({ type: 'Date' });
    expect(after.fields.count).toBeUndefined();
    expect((await Parse.Schema.all()).map((c) => c.className)).toContain('Planned');
  });
});

describe('atomic operations', () => {
  it('increment, decrement, add, addUnique and remove: the SDK ends with what the server holds', async () => {
    const [o] = await seed('Counter', [{ score: 10, tags: ['a', 'b'], seen: [1, 2, 3] }]);
    o.increment('score', 5);
    o.add('tags', 'c');
    o.addUnique('seen', 2);
    o.addUnique('seen', 4);
    await o.save(null, master);
    expect(o.get('score')).toBe(15);
    o.decrement('score', 2);
    o.remove('tags', 'a');
    o.removeAll('seen', [1, 3]);
    await o.save(null, master);
    // The SDK cannot merge an Add into a pending Remove: a second save.
    o.addAll('tags', ['d', 'e']);
    await o.save(null, master);
    expect(o.get('score')).toBe(13);
    const got = await new Parse.Query('Counter').get(o.id!, master);
    expect(got.get('score')).toBe(13);
    expect(got.get('tags')).toEqual(['b', 'c', 'd', 'e']);
    expect(got.get('seen')).toEqual([2, 4]);
    expect(o.get('tags')).toEqual(got.get('tags'));
  });

  it('increments from two stale copies add up (applied in SQL, not read-modify-write)', async () => {
    const [o] = await seed('Counter', [{ score: 0, tags: [] }]);
    const copies = Array.from({ length: 6 }, () => ref('Counter', o.id!));
    await Promise.all(
      copies.map((c, i) => {
        c.increment('score', i + 1);
        c.addUnique('tags', `t${i % 3}`);
        return c.save(null, master);
      }),
    );
    const got = await new Parse.Query('Counter').get(o.id!, master);
    expect(got.get('score')).toBe(21);
    expect([...got.get('tags')].sort()).toEqual(['t0', 't1', 't2']);
  });

  it('operations on a new object apply to nothing: increment from 0, add to an empty list', async () => {
    const o = new Parse.Object('Counter');
    o.increment('score', 4);
    o.addUnique('tags', 'first');
    o.add('seen', 7);
    await o.save(null, master);
    const got = await new Parse.Query('Counter').get(o.id!, master);
    expect([got.get('score'), got.get('tags'), got.get('seen')]).toEqual([4, ['first'], [7]]);
  });

  it('an increment on a field not yet in the class creates it as a number', async () => {
    const [o] = await seed('Counter', [{ score: 1 }]);
    o.increment('fresh', 3);
    await o.save(null, master);
    expect(o.get('fresh')).toBe(3);
    expect((await new Parse.Query('Counter').get(o.id!, master)).get('fresh')).toBe(3);
  });
});

describe('REST and GraphQL on one database', () => {
  it('reads through GraphQL what the SDK wrote, with equal values', async () => {
    const [author] = await seed('Author', [{ name: 'Bea' }]);
    const saved = await everyType(author);
    const r = await s.graphql(
      `query($id: ID!) { every(id: $id) { objectId createdAt updatedAt str num bool date obj arr { ... on Element { value } }
        author { objectId name } where { latitude longitude } area { latitude longitude } raw
        ACL { public { read write } roles { roleName read write } } } }`,
      { id: saved.id },
    );
    expect(r.errors).toBeUndefined();
    const every = r.data.every;
    expect(every.objectId).toBe(saved.id);
    expect(new Date(every.createdAt).getTime()).toBe(saved.createdAt!.getTime());
    expect(new Date(every.updatedAt).getTime()).toBe(saved.updatedAt!.getTime());
    expect(every.str).toBe('héllo');
    expect(every.num).toBe(3.25);
    expect(every.bool).toBe(false);
    expect(new Date(every.date).getTime()).toBe(when.getTime());
    expect(every.obj).toEqual({ nested: { deep: [1, 'two'] }, flag: true });
    expect(every.arr.map((e: { value: unknown }) => e.value)).toEqual([1, 'two', { three: 3 }, [4]]);
    expect(every.author).toEqual({ objectId: author.id, name: 'Bea' });
    expect(every.where).toEqual({ latitude: 40.5, longitude: -73.25 });
    expect(every.area).toEqual(closed.map(([latitude, longitude]) => ({ latitude, longitude })));
    expect(every.raw).toBe('aGVsbG8=');
    expect(every.ACL.public).toEqual({ read: true, write: false });
    expect(every.ACL.roles).toEqual([{ roleName: 'Editors', read: false, write: true }]);
  });

  it('reads through the SDK what GraphQL wrote, with equal values', async () => {
    const [author] = await seed('Author', [{ name: 'Cy' }]);
    await everyType(author);
    const r = await s.graphql(`mutation($fields: CreateEveryFieldsInput) { createEvery(input: { fields: $fields }) { every { objectId createdAt } } }`, {
      fields: {
        str: 'from graphql',
        num: -7.5,
        bool: true,
        date: when.toISOString(),
        obj: { k: ['v'] },
        arr: ['x', 2],
        author: { link: author.id },
        where: { latitude: -10, longitude: 20 },
        area: triangle.map(([latitude, longitude]) => ({ latitude, longitude })),
        raw: 'Ynl0ZXM=',
        ACL: { public: { read: true, write: false }, users: [] },
      },
    });
    expect(r.errors).toBeUndefined();
    const id = r.data.createEvery.every.objectId;
    const got = await new Parse.Query('Every').include('author').get(id);
    expect(got.createdAt!.toISOString()).toBe(new Date(r.data.createEvery.every.createdAt).toISOString());
    expect(got.get('str')).toBe('from graphql');
    expect(got.get('num')).toBe(-7.5);
    expect(got.get('bool')).toBe(true);
    expect(got.get('date')).toEqual(when);
    expect(got.get('obj')).toEqual({ k: ['v'] });
    expect(got.get('arr')).toEqual(['x', 2]);
    expect(got.get('author').id).toBe(author.id);
    expect(got.get('author').get('name')).toBe('Cy');
    expect([got.get('where').latitude, got.get('where').longitude]).toEqual([-10, 20]);
    expect(got.get('area').coordinates).toEqual(closed);
    expect(got.get('raw')).toEqual({ __type: 'Bytes', base64: 'Ynl0ZXM=' });
    expect(got.getACL()!.getPublicReadAccess()).toBe(true);
    expect(got.getACL()!.getPublicWriteAccess()).toBe(false);
  });

  it('an update through one transport is seen by the other', async () => {
    const [o] = await seed('Shared', [{ n: 1, label: 'one' }]);
    const r = await s.graphql(`mutation($id: ID!) { updateShared(input: { id: $id, fields: { label: "two" } }) { shared { n label } } }`, { id: o.id });
    expect(r.errors).toBeUndefined();
    await o.fetch(master);
    expect(o.get('label')).toBe('two');
    o.increment('n', 41);
    await o.save(null, master);
    const after = await s.graphql(`query($id: ID!) { shared(id: $id) { n label } }`, { id: o.id });
    expect(after.data.shared).toEqual({ n: 42, label: 'two' });
  });
});
