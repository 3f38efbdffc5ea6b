// The drop-in data: what a Parse app typically holds, written through one server's REST API with
// the master key (and a user's own sign-up): an explicitly created class with class-level
// permissions, protected fields and an index; a class created implicitly by its first object,
// holding every field type (pointers, a relation, a file by reference, dates, geo points, a
// polygon, bytes, objects, arrays) under different ACLs; two users with passwords; roles, one
// inheriting another.
const ptr = (className, objectId) => ({ __type: 'Pointer', className, objectId });
const date = (iso) => ({ __type: 'Date', iso });
const geo = (latitude, longitude) => ({ __type: 'GeoPoint', latitude, longitude });

export const PASSWORDS = { alice: 'Alice-pass-1', bob: 'Bob-pass-1', carol: 'Carol-pass-1' };

/** The headers of one caller: `master`, `anon`, or a session token. */
export function callerHeaders(appId, masterKey, caller) {
  const h = { 'X-Parse-Application-Id': appId };
  if (caller === 'master') h['X-Parse-Master-Key'] = masterKey;
  else if (caller && caller !== 'anon') h['X-Parse-Session-Token'] = caller;
  return h;
}

/** Writes the fixture through `call(method, path, body, caller)` (which throws on HTTP ≥ 400); returns the ids. */
export async function writeParseFixture(call) {
  const ids = {};
  await call('POST', 'schemas/DropinAuthor', {
    className: 'DropinAuthor',
    fields: { name: { type: 'String' }, age: { type: 'Number' } },
    classLevelPermissions: {
      find: { '*': true },
      count: { '*': true },
      get: { '*': true },
      create: {},
      update: {},
      delete: {},
      addField: {},
      protectedFields: { '*': ['age'] },
    },
    indexes: { name_1: { name: 1 } },
  });
  ids.authors = [];
  for (const [name, age] of [
    ['Ada', 36],
    ['Brian', 52],
    ['Cleo', 29],
  ]) {
    ids.authors.push((await call('POST', 'classes/DropinAuthor', { name, age }, 'master')).objectId);
  }
  const alice = await call('POST', 'users', { username: 'alice', password: PASSWORDS.alice, email: 'alice@example.com', nickname: 'al' }, 'anon');
  const bob = await call('POST', 'users', { username: 'bob', password: PASSWORDS.bob }, 'anon');
  ids.alice = alice.objectId;
  ids.bob = bob.objectId;
  // The sessions their sign-ups opened, as an app's signed-in users hold them.
  ids.tokens = { alice: alice.sessionToken, bob: bob.sessionToken };
  ids.editors = (
    await call('POST', 'roles', { name: 'Editors', ACL: { '*': { read: true } }, users: { __op: 'AddRelation', objects: [ptr('_User', ids.alice)] } }, 'master')
  ).objectId;
  // Admins' `roles` holds Editors: Editors' members get what Admins may.
  ids.admins = (
    await call(
      'POST',
      'roles',
      { name: 'Admins', ACL: { '*': { read: true } }, roles: { __op: 'AddRelation', objects: [ptr('_Role', ids.editors)] } },
      'master',
    )
  ).objectId;
  const [a0, a1, a2] = ids.authors;
  const things = [
    {
      str: 'hello',
      num: 42.5,
      int: 7,
      bool: true,
      date: date('2024-01-02T03:04:05.678Z'),
      obj: { a: 1, b: { c: 'x' }, list: [1, 2] },
      arr: [1, 'two', { three: 3 }],
      tags: ['red', 'green'],
      geo: geo(40, -30),
      poly: {
        __type: 'Polygon',
        coordinates: [
          [0, 0],
          [0, 1],
          [1, 1],
          [1, 0],
        ],
      },
      file: { __type: 'File', name: 'hello.txt', url: 'http://files.example.com/hello.txt' },
      bytes: { __type: 'Bytes', base64: 'aGVsbG8=' },
      ptr: ptr('DropinAuthor', a0),
      owner: ptr('_User', ids.alice),
      rel: { __op: 'AddRelation', objects: [ptr('DropinAuthor', a0), ptr('DropinAuthor', a1)] },
      ACL: { '*': { read: true }, [ids.alice]: { read: true, write: true } },
    },
    {
      str: 'world',
      num: -3,
      int: 1,
      bool: false,
      date: date('2025-06-30T12:00:00.000Z'),
      tags: ['blue'],
      geo: geo(41, -31),
      ptr: ptr('DropinAuthor', a1),
      ACL: { 'role:Editors': { read: true } },
    },
    { str: 'Hello again', num: 100, int: 3, bool: true, tags: ['red'], geo: geo(10, 10), ptr: ptr('DropinAuthor', a2), ACL: { 'role:Admins': { read: true } } },
    { str: 'private', num: 0, ACL: { [ids.bob]: { read: true, write: true } } },
    { str: 'open', num: 5, arr: [] },
    { str: 'ütf-8 ✓ "quotes" \\ back', num: 1e-7, obj: {}, date: date('1999-12-31T23:59:59.999Z') },
  ];
  ids.things = [];
  for (const t of things) ids.things.push((await call('POST', 'classes/DropinThing', t, 'master')).objectId);
  return ids;
}

/**
 * What Plinth writes in the second half: a new object with every type, an update of a Parse
 * object with atomic operations, a delete, a class Plinth creates, and (when Plinth has the
 * endpoints) a user and a role.
 */
export async function writePlinthFixture(call, ids, note) {
  const [a0, a1, a2] = ids.authors;
  const out = {};
  out.thing = (
    await call(
      'POST',
      'classes/DropinThing',
      {
        str: 'from plinth',
        num: 9.75,
        int: 11,
        bool: false,
        date: date('2026-03-04T05:06:07.089Z'),
        obj: { nested: { deep: [true, null] } },
        arr: ['x', 2],
        tags: ['green'],
        geo: geo(-20.5, 100.25),
        poly: {
          __type: 'Polygon',
          coordinates: [
            [2, 2],
            [2, 3],
            [3, 3],
            [3, 2],
          ],
        },
        file: { __type: 'File', name: 'plinth.txt', url: 'http://files.example.com/plinth.txt' },
        bytes: { __type: 'Bytes', base64: 'cGxpbnRo' },
        ptr: ptr('DropinAuthor', a2),
        owner: ptr('_User', ids.alice),
        rel: { __op: 'AddRelation', objects: [ptr('DropinAuthor', a1)] },
        ACL: { '*': { read: true }, [ids.bob]: { read: true, write: true } },
      },
      'master',
    )
  ).objectId;
  await call(
    'PUT',
    `classes/DropinThing/${ids.things[0]}`,
    {
      num: { __op: 'Increment', amount: 1 },
      tags: { __op: 'AddUnique', objects: ['blue', 'red'] },
      rel: { __op: 'AddRelation', objects: [ptr('DropinAuthor', a2)] },
      str: 'hello (plinth)',
    },
    'master',
  );
  await call('PUT', `classes/DropinThing/${ids.things[4]}`, { arr: { __op: 'Add', objects: [1, 1] }, num: { __op: 'Delete' } }, 'master');
  await call('DELETE', `classes/DropinThing/${ids.things[5]}`, undefined, 'master');
  out.made = [];
  for (const [i, when] of ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'].entries()) {
    out.made.push(
      (await call('POST', 'classes/PlinthMade', { name: `made ${i}`, n: i + 1, when: date(when), where: geo(i, i), p: ptr('DropinAuthor', a0) }, 'master'))
        .objectId,
    );
  }
  try {
    const carol = await call('POST', 'users', { username: 'carol', password: PASSWORDS.carol, email: 'carol@example.com' }, 'anon');
    out.carol = carol.objectId;
    out.carolToken = carol.sessionToken;
  } catch (e) {
    note(`Plinth sign-up (POST users) failed: ${e.message}`);
  }
  try {
    out.writers = (
      await call('POST', 'roles', { name: 'Writers', ACL: { '*': { read: true } }, users: { __op: 'AddRelation', objects: [ptr('_User', ids.bob)] } }, 'master')
    ).objectId;
  } catch (e) {
    note(`Plinth role create (POST roles) failed: ${e.message}`);
  }
  return out;
}
