import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { restClient } from '../helpers/rest.ts';

// An app queries, sorts and unsets fields before any object has them (a fresh database, a new
// app version): Parse answers as for a field every object lacks, instead of refusing the query.
let s: TestServer;
let rest: ReturnType<typeof restClient>;
let ids: string[];

beforeAll(async () => {
  s = await startTestServer();
  rest = restClient(s.plinth);
  ids = [];
  for (const n of [1, 2, 3]) {
    const r = await rest('POST', 'classes/Fresh', { master: true, body: { n, ACL: { '*': { read: true } } } });
    ids.push(r.body.objectId);
  }
});
afterAll(() => s?.close());

async function count(where: unknown): Promise<unknown> {
  const r = await rest('GET', 'classes/Fresh', { params: { where, count: 1, limit: 0 } });
  return r.status === 200 ? r.body.count : r.body;
}

describe('a where on a field the class does not have', () => {
  it('matches as on a missing value: equality and ranges never, null, exists:false and the negative operators always', async () => {
    const cases: [unknown, number][] = [
      [{ ghost: 1 }, 0],
      [{ ghost: 'x' }, 0],
      [{ ghost: null }, 3],
      [{ ghost: { $eq: null } }, 3],
      [{ ghost: { $ne: null } }, 0],
      [{ ghost: { $ne: 1 } }, 3],
      [{ ghost: { $gt: 0 } }, 0],
      [{ ghost: { $in: [1, 2] } }, 0],
      [{ ghost: { $in: [1, null] } }, 3],
      [{ ghost: { $nin: [1] } }, 3],
      [{ ghost: { $nin: [null] } }, 0],
      [{ ghost: { $exists: true } }, 0],
      [{ ghost: { $exists: false } }, 3],
      [{ ghost: { $regex: '^a' } }, 0],
      [{ ghost: { $all: [1] } }, 0],
      [{ ghost: { $inQuery: { where: {}, className: 'Fresh' } } }, 0],
      [{ ghost: { $notInQuery: { where: {}, className: 'Fresh' } } }, 3],
      [{ 'ghost.sub': { $exists: true } }, 0],
      [{ $or: [{ ghost: 1 }, { n: 2 }] }, 1],
      [{ $nor: [{ ghost: 1 }] }, 3],
      [{ ghost: { $exists: false }, n: { $gte: 2 } }, 2],
    ];
    for (const [where, expected] of cases) expect(await count(where), JSON.stringify(where)).toBe(expected);
  });

  it('still refuses names no field can have, write-only fields and unknown operators (102)', async () => {
    expect(await count({ 'bad-key': 1 })).toMatchObject({ code: 102 });
    expect(await count({ _hashed_password: 'x' })).toMatchObject({ code: 102 });
    expect(await count({ ghost: { $nope: 1 } })).toMatchObject({ code: 102 });
    const users = await rest('GET', 'users', { master: true, params: { where: { password: 'x' } } });
    expect(users.body.code).toBe(102);
  });

  it('sorts by it as by a value every object lacks: the other keys decide', async () => {
    const r = await rest('GET', 'classes/Fresh', { params: { order: '-ghost,-n' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.results.map((o: { n: number }) => o.n)).toEqual([3, 2, 1]);
    expect((await rest('GET', 'classes/Fresh', { params: { order: '_hashed_password' } })).body.code).toBe(102);
  });
});

describe('unsetting a field the class does not have', () => {
  it('saves the object without it (null and Delete are ignored), on create and update; no field is added', async () => {
    const created = await rest('POST', 'classes/Fresh', { master: true, body: { n: 9, nothing: null, gone: { __op: 'Delete' } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const updated = await rest('PUT', `classes/Fresh/${created.body.objectId}`, { master: true, body: { nothing: null, n: 10 } });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    const got = await rest('GET', `classes/Fresh/${created.body.objectId}`, { master: true });
    expect(got.body).toMatchObject({ n: 10 });
    expect(got.body).not.toHaveProperty('nothing');
    const schema = await rest('GET', 'schemas/Fresh', { master: true });
    expect(Object.keys(schema.body.fields)).not.toContain('nothing');
    expect(Object.keys(schema.body.fields)).not.toContain('gone');
    await rest('DELETE', `classes/Fresh/${created.body.objectId}`, { master: true });
  });
});

describe('$relativeTime', () => {
  it('compares Date fields with a time relative to now; misuse is 107', async () => {
    expect(await count({ createdAt: { $gt: { $relativeTime: '1 hour ago' } } })).toBe(3);
    expect(await count({ createdAt: { $lt: { $relativeTime: '1 hour ago' } } })).toBe(0);
    expect(await count({ createdAt: { $lte: { $relativeTime: 'in 1 day' } } })).toBe(3);
    expect(await count({ createdAt: { $lt: { $relativeTime: '1 day' } } })).toMatchObject({ code: 107 });
    expect(await count({ createdAt: { $eq: { $relativeTime: 'now' } } })).toMatchObject({ code: 107 });
    expect(await count({ n: { $lt: { $relativeTime: 'now' } } })).toEqual({ code: 107, error: '$relativeTime can only be used with Date field' });
  });
});
