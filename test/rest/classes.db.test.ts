import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { restClient } from '../helpers/rest.ts';

let s: TestServer;
let rest: ReturnType<typeof restClient>;

beforeAll(async () => {
  s = await startTestServer();
  rest = restClient(s.plinth);
});
afterAll(() => s.close());

describe('REST classes', () => {
  it('creates a class on first save (master), reads, updates with operations, finds and deletes', async () => {
    const created = await rest('POST', 'classes/GameScore', {
      master: true,
      body: { score: 10, player: 'Sean', tags: ['a'], when: { __type: 'Date', iso: '2020-01-02T03:04:05.000Z' } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ objectId: expect.any(String), createdAt: expect.any(String) });
    expect(created.headers.get('location')).toMatch(/\/parse\/classes\/GameScore\//);
    const id = created.body.objectId;
    const got = await rest('GET', `classes/GameScore/${id}`, { master: true });
    expect(got.body).toMatchObject({ objectId: id, score: 10, player: 'Sean', tags: ['a'], when: { __type: 'Date', iso: '2020-01-02T03:04:05.000Z' } });
    const updated = await rest('PUT', `classes/GameScore/${id}`, {
      master: true,
      body: { score: { __op: 'Increment', amount: 5 }, tags: { __op: 'AddUnique', objects: ['a', 'b'] } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ updatedAt: expect.any(String), score: 15, tags: ['a', 'b'] });
    const found = await rest('GET', 'classes/GameScore', { master: true, params: { where: { score: { $gt: 11 } }, count: 1 } });
    expect(found.body.count).toBe(1);
    expect(found.body.results[0].objectId).toBe(id);
    expect((await rest('DELETE', `classes/GameScore/${id}`, { master: true })).body).toEqual({});
    const gone = await rest('GET', `classes/GameScore/${id}`, { master: true });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ code: 101, error: 'Object not found.' });
  });

  it('refuses a request without the application id (403) and a client creating a class (119)', async () => {
    const noApp = await rest('GET', 'classes/GameScore', { headers: { 'X-Parse-Application-Id': 'wrong' } });
    expect(noApp.status).toBe(403);
    expect(noApp.body).toEqual({ error: 'unauthorized' });
    const client = await rest('POST', 'classes/Secret', { body: { a: 1 } });
    expect(client.status).toBe(400);
    expect(client.body.code).toBe(119);
  });

  it('refuses a body over the limit with 413 (code 116) and keeps serving', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(s.plinth.config.limits.maxBodyBytes + 10) });
    const refused = await rest('POST', 'classes/GameScore', { master: true, body: big });
    expect(refused.status).toBe(413);
    expect(refused.body.code).toBe(116);
    expect((await rest('GET', 'classes/GameScore', { master: true })).status).toBe(200);
  });
});
