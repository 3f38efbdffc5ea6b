import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BaseRequest, CloudApi } from '../../src/cloud/types.ts';
import { APP_ID, MASTER_KEY, signUp, startCloudServer, type CloudTestServer } from './harness.ts';

// What every trigger's request carries, whoever calls: user (object-like), master,
// installationId, ip, headers (never the master key), and context (X-Parse-Cloud-Context,
// one object shared by the triggers of one request).

let seen: Record<string, BaseRequest[]> = {};
function setup(cloud: CloudApi) {
  const keep = (name: string) => (req: any) => {
    (seen[name] ??= []).push(req);
    if (name === 'beforeSave') req.context.fromBefore = `set by beforeSave for ${req.object.get('title')}`;
  };
  cloud.beforeSave('Note', keep('beforeSave'));
  cloud.afterSave('Note', keep('afterSave'));
  cloud.beforeDelete('Note', keep('beforeDelete'));
  cloud.afterDelete('Note', keep('afterDelete'));
  cloud.beforeFind('Note', keep('beforeFind'));
  cloud.afterFind('Note', keep('afterFind'));
}

let s: CloudTestServer;
let user: { id: string; token: string };
beforeAll(async () => {
  s = await startCloudServer(setup, {}, { listen: true });
  await s.ok(`mutation { createClass(input: { name: "Note", schemaFields: { addStrings: [{ name: "title" }] } }) { clientMutationId } }`);
  user = await signUp(s, 'reader', { email: 'reader@example.com' });
});
afterAll(() => s?.close());
beforeEach(() => {
  seen = {};
});

const CREATE = `mutation($t: String) { createNote(input: { fields: { title: $t } }) { note { objectId } } }`;

describe('who is calling', () => {
  it.each([
    { role: 'anonymous', headers: (): Record<string, string> => ({}), master: false, username: undefined },
    { role: 'a user', headers: (): Record<string, string> => ({ 'x-parse-session-token': user.token }), master: false, username: 'reader' },
    { role: 'the master key', headers: (): Record<string, string> => ({ 'x-parse-master-key': MASTER_KEY }), master: true, username: undefined },
  ])('$role: user, master, installationId and headers in every trigger', async ({ headers, master, username }) => {
    const h = { ...(typeof headers === 'function' ? headers() : headers), 'x-parse-installation-id': 'inst-42', 'x-custom': 'yes' };
    const created = await s.request(CREATE, { t: 'who' }, h);
    expect(created.errors).toBeUndefined();
    const id = created.data.createNote.note.objectId;
    await s.request(`{ notes { edges { node { title } } } }`, {}, h);
    await s.request(`mutation($id: ID!) { deleteNote(input: { id: $id }) { note { objectId } } }`, { id }, h);
    expect(Object.keys(seen).sort()).toEqual(['afterDelete', 'afterFind', 'afterSave', 'beforeDelete', 'beforeFind', 'beforeSave']);
    for (const [name, [req]] of Object.entries(seen)) {
      expect([name, req.master]).toEqual([name, master]);
      expect([name, req.installationId]).toEqual([name, 'inst-42']);
      expect(req.headers['x-custom']).toBe('yes');
      expect(req.headers['x-parse-application-id']).toBe(APP_ID);
      expect(req.headers).not.toHaveProperty('x-parse-master-key');
      expect(JSON.stringify(req.headers)).not.toContain(MASTER_KEY);
      if (username === undefined) expect(req.user).toBeUndefined();
      else {
        // Object-like, with the user's fields as stored — never the password or its hash.
        expect([req.user!.className, req.user!.id, req.user!.get('username'), req.user!.get('email')]).toEqual([
          '_User',
          user.id,
          username,
          'reader@example.com',
        ]);
        expect(req.user!.get('password')).toBeUndefined();
        expect(req.user!.get('_hashed_password')).toBeUndefined();
        expect(JSON.stringify(req.user!.toJSON())).not.toMatch(/argon2|hashed/);
      }
    }
  });

  it('ip: the client address (over HTTP)', async () => {
    const res = await fetch(`${s.running!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-parse-application-id': APP_ID },
      body: JSON.stringify({ query: CREATE, variables: { t: 'from afar' } }),
    });
    expect(res.status).toBe(200);
    expect(seen.beforeSave[0].ip).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
  });
});

describe('context (X-Parse-Cloud-Context)', () => {
  it('reaches beforeSave and afterSave of one request as one object: what beforeSave adds, afterSave sees', async () => {
    const r = await s.request(CREATE, { t: 'ctx' }, { 'x-parse-cloud-context': JSON.stringify({ source: 'import', n: 3 }) });
    expect(r.errors).toBeUndefined();
    expect(seen.beforeSave[0].context).toMatchObject({ source: 'import', n: 3 });
    expect(seen.afterSave[0].context).toEqual({ source: 'import', n: 3, fromBefore: 'set by beforeSave for ctx' });
  });

  it('is its own per request: nothing leaks into the next one', async () => {
    await s.request(CREATE, { t: 'one' }, { 'x-parse-cloud-context': JSON.stringify({ a: 1 }) });
    await s.request(CREATE, { t: 'two' });
    expect(seen.afterSave.map((r) => r.context)).toEqual([{ a: 1, fromBefore: 'set by beforeSave for one' }, { fromBefore: 'set by beforeSave for two' }]);
  });

  it('reaches find triggers', async () => {
    await s.request(`{ notes { count } }`, {}, { 'x-parse-cloud-context': '{"view":"list"}' });
    expect(seen.beforeFind[0].context).toEqual({ view: 'list' });
  });

  it.each(['not json', '[1,2]', '"text"', '42', 'null'])(
    'refuses %s: HTTP 400 {"code":107,"error":"Invalid object for context."}, nothing written',
    async (value) => {
      const before = (await s.rows('Note')).length;
      const r = await s.request(CREATE, { t: 'bad context' }, { 'x-parse-cloud-context': value });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ code: 107, error: 'Invalid object for context.' });
      expect((await s.rows('Note')).length).toBe(before);
      expect(seen).toEqual({});
    },
  );
});
