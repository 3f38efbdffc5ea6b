import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudSetup } from '../../src/cloud/types.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// Parse's schema on write over REST for what a write holds after its beforeSave: a trigger may
// set fields the class does not have, which are added (typed from the value, with the caller's
// addField permission) before the statement is built — never inside a transaction under way.
// And dotted keys: a write inside an Object field, which adds the field as an Object.

const cloud: CloudSetup = (c) => {
  c.beforeSave('Stamped', (req) => {
    const text = String(req.object.get('text'));
    req.object.set('stamp', `stamped:${text}`);
    req.object.set('when', new Date('2024-01-02T03:04:05.000Z'));
    req.object.set('where', { __type: 'GeoPoint', latitude: 1, longitude: 2 });
    req.object.set('chars', text.length);
    if (req.user) req.object.set('by', { __type: 'Pointer', className: '_User', objectId: req.user.id });
  });
  // Each object a field of its own: a field added per write.
  c.beforeSave('PerWrite', (req) => {
    req.object.set(`f_${String(req.object.get('name'))}`, true);
  });
};

let s: TestServer;
let rest: ReturnType<typeof restClient>;
let user: { id: string; token: string };

async function signUp(username: string) {
  const r = await rest('POST', 'users', { body: { username, password: 'a good password 1' } });
  expect(r.status).toBe(201);
  return { id: r.body.objectId as string, token: r.body.sessionToken as string };
}

const fieldsOf = async (className: string) => (await rest('GET', `schemas/${className}`, { master: true })).body.fields;

beforeAll(async () => {
  s = await startTestServer({}, { cloud });
  rest = restClient(s.plinth);
  user = await signUp('writer');
});
afterAll(() => s?.close());

describe('fields a beforeSave sets', () => {
  it('are added with the type of their value, and answered, on the create that makes the class', async () => {
    const created = await rest('POST', 'classes/Stamped', { master: true, body: { text: 'first' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ stamp: 'stamped:first', chars: 5, when: { __type: 'Date', iso: '2024-01-02T03:04:05.000Z' } });
    expect(await fieldsOf('Stamped')).toMatchObject({
      text: { type: 'String' },
      stamp: { type: 'String' },
      when: { type: 'Date' },
      where: { type: 'GeoPoint' },
      chars: { type: 'Number' },
    });
    const got = await rest('GET', `classes/Stamped/${created.body.objectId}`, { master: true });
    expect(got.body).toMatchObject({ stamp: 'stamped:first', where: { __type: 'GeoPoint', latitude: 1, longitude: 2 }, chars: 5 });
  });

  it('on an update too (a pointer field from a pointer), as the caller may add fields', async () => {
    const created = await rest('POST', 'classes/Stamped', { master: true, body: { text: 'x', ACL: { '*': { read: true, write: true } } } });
    const updated = await rest('PUT', `classes/Stamped/${created.body.objectId}`, { session: user.token, body: { text: 'again' } });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toMatchObject({ stamp: 'stamped:again', by: { __type: 'Pointer', className: '_User', objectId: user.id } });
    expect((await fieldsOf('Stamped')).by).toEqual({ type: 'Pointer', targetClass: '_User' });
    const got = await rest('GET', `classes/Stamped/${created.body.objectId}`, { master: true });
    expect(got.body.by).toEqual({ __type: 'Pointer', className: '_User', objectId: user.id });
  });

  it('a caller without addField is refused (119) and nothing is written; the master key may', async () => {
    await rest('POST', 'classes/PerWrite', { master: true, body: { name: 'seed' } });
    const locked = await rest('PUT', 'schemas/PerWrite', {
      master: true,
      body: { classLevelPermissions: { find: { '*': true }, get: { '*': true }, create: { '*': true }, update: { '*': true }, delete: {}, addField: {} } },
    });
    expect(locked.status).toBe(200);
    for (const call of [{ session: user.token }, {}]) {
      const refused = await rest('POST', 'classes/PerWrite', { ...call, body: { name: 'client' } });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ code: 119, error: 'Permission denied' });
    }
    expect((await fieldsOf('PerWrite')).f_client).toBeUndefined();
    expect((await rest('GET', 'classes/PerWrite', { master: true, params: { where: { name: 'client' } } })).body.results).toEqual([]);
    const byMaster = await rest('POST', 'classes/PerWrite', { master: true, body: { name: 'master' } });
    expect(byMaster.status).toBe(201);
    expect((await fieldsOf('PerWrite')).f_master).toEqual({ type: 'Boolean' });
  });

  it('in a batch transaction: added before it begins, refused (105) once it is under way, never waiting for it', async () => {
    const requests = ['tx1', 'tx2'].map((name) => ({ method: 'POST', path: '/parse/classes/PerWrite', body: { name } }));
    const r = await rest('POST', 'batch', { master: true, body: { requests, transaction: true } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: 105, error: 'Field f_tx2 does not exist in class PerWrite.' });
    expect((await rest('GET', 'classes/PerWrite', { master: true, params: { where: { name: { $in: ['tx1', 'tx2'] } } } })).body.results).toEqual([]);
    // Outside a transaction each write adds its own.
    const alone = await rest('POST', 'batch', { master: true, body: { requests } });
    expect(alone.body).toEqual([{ success: expect.objectContaining({ f_tx1: true }) }, { success: expect.objectContaining({ f_tx2: true }) }]);
  });
});

describe('dotted keys over REST', () => {
  it('write inside an Object field; an operation answers the whole field', async () => {
    const created = await rest('POST', 'classes/Nest', { master: true, body: { meta: { stars: 1, name: 'x', keep: true } } });
    const id = created.body.objectId;
    const updated = await rest('PUT', `classes/Nest/${id}`, {
      master: true,
      body: { 'meta.name': 'y', 'meta.stars': { __op: 'Increment', amount: 2 }, 'meta.at': { __type: 'Date', iso: '2024-01-01T00:00:00.000Z' } },
    });
    expect(updated.status).toBe(200);
    const meta = { stars: 3, name: 'y', keep: true, at: { __type: 'Date', iso: '2024-01-01T00:00:00.000Z' } };
    expect(updated.body).toEqual({ updatedAt: expect.any(String), meta });
    expect((await rest('GET', `classes/Nest/${id}`, { master: true })).body.meta).toEqual(meta);
  });

  it('through a beforeSave, which passes them on as they came', async () => {
    const created = await rest('POST', 'classes/Stamped', { master: true, body: { text: 'nested', info: { a: 1, b: 2 } } });
    const id = created.body.objectId;
    const updated = await rest('PUT', `classes/Stamped/${id}`, { master: true, body: { 'info.a': { __op: 'Increment', amount: 4 }, 'info.c.d': 'e' } });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect((await rest('GET', `classes/Stamped/${id}`, { master: true })).body).toMatchObject({ info: { a: 5, b: 2, c: { d: 'e' } }, stamp: 'stamped:nested' });
  });

  it('a dotted key adds its field as an Object (a create and an update); into another type is 111', async () => {
    const created = await rest('POST', 'classes/Nest', { master: true, body: { 'fresh.a.b': 1, title: 't' } });
    expect(created.status).toBe(201);
    expect((await fieldsOf('Nest')).fresh).toEqual({ type: 'Object' });
    const id = created.body.objectId;
    expect((await rest('GET', `classes/Nest/${id}`, { master: true })).body.fresh).toEqual({ a: { b: 1 } });
    expect((await rest('PUT', `classes/Nest/${id}`, { master: true, body: { 'later.n': { __op: 'Increment' } } })).body).toMatchObject({ later: { n: 1 } });
    expect((await fieldsOf('Nest')).later).toEqual({ type: 'Object' });
    const wrongType = await rest('PUT', `classes/Nest/${id}`, { master: true, body: { 'title.x': 1 } });
    expect(wrongType.body.code).toBe(111);
    const arrayIndex = await rest('PUT', `classes/Nest/${id}`, { master: true, body: { 'list.0': 1 } });
    expect(arrayIndex.body).toEqual({ code: 105, error: 'Field list does not exist in class Nest.' });
  });
});
