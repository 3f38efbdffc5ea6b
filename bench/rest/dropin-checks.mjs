// The requests both servers answer in the drop-in check, as an SDK would send them. `caller` is
// master, anon, or a user (alice, bob, carol) signed in with a session token; `unordered` sorts
// results by objectId first (no order was asked for).
const ptr = (className, objectId) => ({ __type: 'Pointer', className, objectId });
const geo = (latitude, longitude) => ({ __type: 'GeoPoint', latitude, longitude });

function find(className, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) q.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  const s = q.toString();
  return `classes/${className}${s ? `?${s}` : ''}`;
}

/** Reads of the data Parse wrote. */
export function parseDataChecks(ids) {
  const [t0, t1, t2, t3, t4] = ids.things;
  const byCreated = { order: 'createdAt' };
  const thing = (where, extra = {}) => find('DropinThing', { where, ...byCreated, ...extra });
  const c = [];
  const add = (name, caller, path, extra = {}) => c.push({ name, caller, method: 'GET', path, ...extra });
  for (const caller of ['master', 'anon', 'alice', 'bob']) add(`get thing 0 (every type) as ${caller}`, caller, `classes/DropinThing/${t0}`);
  for (const caller of ['anon', 'alice', 'bob']) add(`get thing 1 (role:Editors only) as ${caller}`, caller, `classes/DropinThing/${t1}`);
  for (const caller of ['alice', 'bob']) add(`get thing 2 (role:Admins, inherited by Editors) as ${caller}`, caller, `classes/DropinThing/${t2}`);
  for (const caller of ['anon', 'bob']) add(`get thing 3 (bob only) as ${caller}`, caller, `classes/DropinThing/${t3}`);
  add('get thing 4 (no ACL) as anon', 'anon', `classes/DropinThing/${t4}`);
  for (const caller of ['master', 'anon', 'alice', 'bob']) add(`find all things as ${caller}`, caller, find('DropinThing', byCreated));
  add('find without order', 'master', find('DropinThing'), { unordered: true });
  add('count only (limit 0)', 'master', find('DropinThing', { count: '1', limit: '0' }));
  add('count with results as anon', 'anon', find('DropinThing', { count: '1', ...byCreated }));
  add('where string equals', 'master', thing({ str: 'hello' }));
  add('where number $gt', 'master', thing({ num: { $gt: 0 } }));
  add('where number $gte/$lte', 'master', thing({ num: { $gte: 0, $lte: 42.5 } }));
  add('where boolean', 'master', thing({ bool: true }));
  add('where date $lt', 'master', thing({ date: { $lt: { __type: 'Date', iso: '2025-01-01T00:00:00.000Z' } } }));
  add('where array contains', 'master', thing({ tags: 'red' }));
  add('where array $all', 'master', thing({ tags: { $all: ['red', 'green'] } }));
  add('where $in', 'master', thing({ str: { $in: ['hello', 'open', 'nope'] } }));
  add('where $nin', 'master', thing({ str: { $nin: ['hello', 'open'] } }));
  add('where $ne', 'master', thing({ num: { $ne: 5 } }));
  add('where $exists file', 'master', thing({ file: { $exists: true } }));
  add('where $exists false', 'master', thing({ date: { $exists: false } }));
  add('where $regex with i', 'master', thing({ str: { $regex: '^hello', $options: 'i' } }));
  add('where $or', 'master', thing({ $or: [{ num: { $lt: 0 } }, { str: 'open' }] }));
  add('where $and', 'master', thing({ $and: [{ num: { $gt: 0 } }, { bool: true }] }));
  add('where pointer equals', 'master', thing({ ptr: ptr('DropinAuthor', ids.authors[0]) }));
  add('where pointer $inQuery', 'master', thing({ ptr: { $inQuery: { className: 'DropinAuthor', where: { name: { $in: ['Ada', 'Cleo'] } } } } }));
  add('where pointer $notInQuery', 'master', thing({ ptr: { $notInQuery: { className: 'DropinAuthor', where: { name: 'Ada' } } } }));
  add('where objectId $in', 'master', thing({ objectId: { $in: [t0, t4] } }));
  add('where object key (dot path)', 'master', thing({ 'obj.b.c': 'x' }));
  add('where geo $nearSphere', 'master', find('DropinThing', { where: { geo: { $nearSphere: geo(0, 0) } } }));
  add('where geo $within $box', 'master', thing({ geo: { $within: { $box: [geo(35, -35), geo(45, -25)] } } }));
  add('where geo $geoWithin $centerSphere', 'master', thing({ geo: { $geoWithin: { $centerSphere: [[-30, 40], 0.1] } } }));
  add('where polygon $geoIntersects', 'master', thing({ poly: { $geoIntersects: { $point: geo(0.5, 0.5) } } }));
  add('where $relatedTo', 'master', find('DropinAuthor', { where: { $relatedTo: { object: ptr('DropinThing', t0), key: 'rel' } }, order: 'name' }));
  add('keys', 'master', thing({}, { keys: 'str,num' }));
  add('excludeKeys', 'master', thing({}, { excludeKeys: 'obj,arr,poly,bytes' }));
  add('include pointer', 'master', thing({ ptr: { $exists: true } }, { include: 'ptr' }));
  add('include pointer and user', 'master', thing({ str: 'hello' }, { include: 'ptr,owner' }));
  add('include * as anon', 'anon', thing({ str: 'hello' }, { include: '*' }));
  add('order two keys, skip, limit', 'master', find('DropinThing', { order: '-bool,num', skip: '1', limit: '3' }));
  add('authors as anon (age protected)', 'anon', find('DropinAuthor', { order: 'name' }));
  add('authors as master', 'master', find('DropinAuthor', { order: 'name' }));
  add('create author as anon (CLP create: master only)', 'anon', 'classes/DropinAuthor', { method: 'POST', body: { name: 'Nope' } });
  add('unknown class', 'master', find('NoSuchClass'));
  add('get missing object', 'master', 'classes/DropinThing/doesNotExist');
  add('where not JSON', 'master', 'classes/DropinThing?where=%7Bnope');
  add('users as master', 'master', find('_User', { order: 'username' }).replace('classes/_User', 'users'));
  add('user alice as anon (email protected)', 'anon', `users/${ids.alice}`);
  add('user alice as alice', 'alice', `users/${ids.alice}`);
  add('users/me as alice', 'alice', 'users/me');
  add('roles as master', 'master', 'roles?order=name');
  add('roles where name', 'anon', `roles?${new URLSearchParams({ where: JSON.stringify({ name: 'Editors' }) })}`);
  add(
    'Editors users relation',
    'master',
    find('_User', { where: { $relatedTo: { object: ptr('_Role', ids.editors), key: 'users' } } }).replace('classes/_User', 'users'),
  );
  add('schemas/DropinThing', 'master', 'schemas/DropinThing');
  add('schemas/DropinAuthor', 'master', 'schemas/DropinAuthor');
  add('schemas (all)', 'master', 'schemas', { sortSchemas: true });
  add('schemas as anon', 'anon', 'schemas/DropinThing');
  add('login GET', 'anon', `login?${new URLSearchParams({ username: 'alice', password: 'Alice-pass-1' })}`);
  add('login POST', 'anon', 'login', { method: 'POST', body: { username: 'alice', password: 'Alice-pass-1' } });
  add('login wrong password', 'anon', 'login', { method: 'POST', body: { username: 'alice', password: 'wrong' } });
  add('login unknown user', 'anon', 'login', { method: 'POST', body: { username: 'nobody', password: 'x' } });
  add('config', 'anon', 'config');
  add('health', 'anon', 'health');
  return c;
}

/** Reads of what Plinth wrote, answered by both servers after Parse Server restarted. */
export function plinthDataChecks(ids, wrote) {
  const c = [];
  const add = (name, caller, path, extra = {}) => c.push({ name, caller, method: 'GET', path, ...extra });
  const [t0, , , , t4, t5] = ids.things;
  add('get the object Plinth created', 'master', `classes/DropinThing/${wrote.thing}`);
  add('get it as anon', 'anon', `classes/DropinThing/${wrote.thing}`);
  add('get thing 0 after Plinth update (Increment, AddUnique, AddRelation)', 'master', `classes/DropinThing/${t0}`);
  add('get thing 4 after Plinth Add and Delete', 'master', `classes/DropinThing/${t4}`);
  add('get thing 5 deleted by Plinth', 'master', `classes/DropinThing/${t5}`);
  add(
    'relation after Plinth AddRelation',
    'master',
    find('DropinAuthor', { where: { $relatedTo: { object: ptr('DropinThing', t0), key: 'rel' } }, order: 'name' }),
  );
  add(
    'relation of the object Plinth created',
    'master',
    find('DropinAuthor', { where: { $relatedTo: { object: ptr('DropinThing', wrote.thing), key: 'rel' } }, order: 'name' }),
  );
  add('find all things', 'master', find('DropinThing', { order: 'createdAt' }));
  add('find things as bob', 'bob', find('DropinThing', { order: 'createdAt' }));
  add('class Plinth created: find', 'master', find('PlinthMade', { order: 'n', include: 'p' }));
  add(
    'class Plinth created: where date and geo',
    'master',
    find('PlinthMade', {
      where: {
        when: { $gt: { __type: 'Date', iso: '2026-01-15T00:00:00.000Z' } },
        where: { $nearSphere: { __type: 'GeoPoint', latitude: 1, longitude: 1 }, $maxDistanceInKilometers: 10 },
      },
    }),
  );
  add('schemas/PlinthMade', 'master', 'schemas/PlinthMade');
  add('schemas/DropinThing after Plinth wrote', 'master', 'schemas/DropinThing');
  if (wrote.carol) {
    add('user carol (signed up through Plinth)', 'master', `users/${wrote.carol}`);
    add('login carol (password hashed by Plinth)', 'anon', 'login', { method: 'POST', body: { username: 'carol', password: 'Carol-pass-1' } });
  }
  if (wrote.writers) add('role Writers (created by Plinth)', 'master', `roles/${wrote.writers}`);
  // Plinth verifies Parse's bcrypt hashes and may replace them with argon2id at login; Parse must still log her in.
  add('login alice after Plinth logged her in (password hash still readable by Parse)', 'anon', 'login', {
    method: 'POST',
    body: { username: 'alice', password: 'Alice-pass-1' },
  });
  add('users as master', 'master', 'users?order=username');
  add('roles as master', 'master', 'roles?order=name');
  return c;
}
