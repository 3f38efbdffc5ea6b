import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Auth } from '../../src/security/index.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { adminApi, makeAdmin, type AdminApi } from '../helpers/admin.ts';
import type { AdminPrincipal } from '../../src/admin/types.ts';

// Issue 14, points 3–5: the dashboard's own GraphQL endpoint, called as the HTTP helper calls it.
let s: TestServer;
let api: AdminApi;
let owner: AdminPrincipal;

const OBJECTS = `query($className: String!, $where: JSON, $order: [String!], $first: Int, $after: String, $keys: [String!]) {
  objects(className: $className, where: $where, order: $order, first: $first, after: $after, keys: $keys) { objects next }
}`;

beforeAll(async () => {
  s = await startTestServer();
  api = adminApi(s.plinth);
  owner = await makeAdmin(s.plinth, 'OWNER');
  const created = await api.ok(
    owner,
    `mutation($fields: JSON) { createClass(className: "Item", fields: $fields) { className fields { name type targetClass } writable } }`,
    {
      fields: {
        title: { type: 'String' },
        n: { type: 'Number' },
        due: { type: 'Date' },
        owner: { type: 'Pointer', targetClass: '_User' },
        place: { type: 'GeoPoint' },
        related: { type: 'Relation', targetClass: 'Item' },
      },
    },
  );
  expect(created.createClass.fields).toEqual(expect.arrayContaining([{ name: 'owner', type: 'Pointer', targetClass: '_User' }]));
  expect(created.createClass.writable).toBe(true);
  const { core } = s.plinth;
  await core.transaction(async (uow) => {
    // n takes 10 values only: many rows share each sort value (pages must stay stable).
    for (let i = 0; i < 250; i++) await core.create(Auth.master(), 'Item', { title: `item ${String(i).padStart(3, '0')}`, n: i % 10 }, { uow });
  });
});
afterAll(() => s?.close());

async function allPages(order: string[] | undefined, first: number, where?: unknown) {
  const seen: Record<string, unknown>[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const data: any = await api.ok(owner, OBJECTS, { className: 'Item', order, first, after, where });
    seen.push(...data.objects.objects);
    after = data.objects.next;
    pages++;
  } while (after && pages < 100);
  return { seen, pages };
}

describe('objects: keyset pages', () => {
  it('pages through 250 objects with `after`: no duplicates, no gaps', async () => {
    const { seen, pages } = await allPages(undefined, 40);
    expect(pages).toBe(7);
    expect(seen).toHaveLength(250);
    expect(new Set(seen.map((o) => o.objectId)).size).toBe(250);
  });

  it('stays stable under equal sort values (objectId breaks ties)', async () => {
    const { seen } = await allPages(['n_DESC'], 33);
    expect(new Set(seen.map((o) => o.objectId)).size).toBe(250);
    const ns = seen.map((o) => o.n as number);
    expect(ns).toEqual([...ns].sort((a, b) => b - a));
    // Within one n, objectIds ascend.
    const nine = seen.filter((o) => o.n === 9).map((o) => o.objectId as string);
    expect(nine).toEqual([...nine].sort());
  });

  it('filters with the public API where input and orders by enum values', async () => {
    const { seen } = await allPages(['title_DESC'], 10, { n: { equalTo: 3 } });
    expect(seen).toHaveLength(25);
    expect(seen[0].title).toBe('item 243');
    expect(seen.every((o) => o.n === 3)).toBe(true);
  });

  it('answers the last page with next null, limits fields with keys, and never counts', async () => {
    const queries: string[] = [];
    const stop = s.plinth.db.onQuery((text) => queries.push(text));
    const data: any = await api.ok(owner, OBJECTS, { className: 'Item', first: 5, keys: ['title'] });
    stop();
    expect(data.objects.objects).toHaveLength(5);
    expect(Object.keys(data.objects.objects[0]).sort()).toEqual(['createdAt', 'objectId', 'title', 'updatedAt']);
    expect(queries.some((q) => /count\(/i.test(q))).toBe(false);
    // A later page starts at its cursor by key: no OFFSET, whatever the page's depth.
    const pageSql: string[] = [];
    const stop2 = s.plinth.db.onQuery((text) => pageSql.push(text));
    await api.ok(owner, OBJECTS, {
      className: 'Item',
      first: 5,
      order: ['n_ASC'],
      after: (await api.ok(owner, OBJECTS, { className: 'Item', first: 5, order: ['n_ASC'] })).objects.next,
    });
    stop2();
    const finds = pageSql.filter((q) => /FROM "Item"/.test(q));
    expect(finds).toHaveLength(2);
    expect(finds.some((q) => /OFFSET\s+[1-9]/i.test(q))).toBe(false);
    expect(finds[1]).toMatch(/ORDER BY .*"n".*"objectId"/s);
    const tail: any = await api.ok(owner, OBJECTS, { className: 'Item', where: { title: { equalTo: 'item 007' } } });
    expect(tail.objects.next).toBeNull();
  });

  it('counts lazily through `count`', async () => {
    const data = await api.ok(owner, `{ count(className: "Item", where: {n: {lessThan: 2}}) }`);
    expect(data.count).toBe(50);
  });

  it('refuses a bad where, order or cursor with Parse codes', async () => {
    const bad = await api.run(owner, OBJECTS, { className: 'Item', order: ['nope_ASC'] });
    expect(bad.errors?.[0].extensions?.code).toBe(102);
    const cursor = await api.run(owner, OBJECTS, { className: 'Item', after: 'garbage' });
    expect(cursor.errors?.[0].extensions?.code).toBe(102);
    const missing = await api.run(owner, OBJECTS, { className: 'Nope' });
    expect(missing.errors?.[0].extensions?.code).toBe(103);
  });
});

describe('writes in REST JSON', () => {
  it('creates, updates, clones and deletes objects; values come back in REST encoding', async () => {
    const user = await s.plinth.core.create(Auth.master(), '_User', { username: 'ann', password: 'secret-pass-1' });
    const created = (
      await api.ok(owner, `mutation($f: JSON!) { createObject(className: "Item", fields: $f) }`, {
        f: {
          title: 'new',
          n: 1,
          due: { __type: 'Date', iso: '2026-01-02T03:04:05.000Z' },
          owner: { __type: 'Pointer', className: '_User', objectId: user.objectId },
          place: { __type: 'GeoPoint', latitude: 10, longitude: 20 },
          ACL: { '*': { read: true } },
        },
      })
    ).createObject;
    expect(created).toMatchObject({
      title: 'new',
      due: { __type: 'Date', iso: '2026-01-02T03:04:05.000Z' },
      owner: { __type: 'Pointer', className: '_User', objectId: user.objectId },
      place: { __type: 'GeoPoint', latitude: 10, longitude: 20 },
      ACL: { '*': { read: true } },
      related: { __type: 'Relation', className: 'Item' },
    });
    const updated = (
      await api.ok(owner, `mutation($id: ID!, $f: JSON!) { updateObject(className: "Item", objectId: $id, fields: $f) }`, {
        id: created.objectId,
        f: { n: { __op: 'Increment', amount: 2 }, title: { __op: 'Delete' } },
      })
    ).updateObject;
    expect(updated.n).toBe(3);
    expect(updated.title).toBeUndefined();
    const clone = (await api.ok(owner, `mutation($id: ID!) { cloneObject(className: "Item", objectId: $id) }`, { id: created.objectId })).cloneObject;
    expect(clone.objectId).not.toBe(created.objectId);
    expect(clone).toMatchObject({ n: 3, owner: created.owner, place: created.place, ACL: created.ACL });
    const deleted = await api.ok(owner, `mutation($ids: [ID!]!) { deleteObjects(className: "Item", objectIds: $ids) }`, {
      ids: [created.objectId, clone.objectId],
    });
    expect(deleted.deleteObjects).toEqual([created.objectId, clone.objectId]);
    expect(await api.ok(owner, `query($id: ID!) { object(className: "Item", objectId: $id) }`, { id: clone.objectId })).toEqual({ object: null });
  });

  it('bulk delete is one transaction: one refused object deletes none', async () => {
    const a = await s.plinth.core.create(Auth.master(), 'Item', { title: 'keep a' });
    const b = await s.plinth.core.create(Auth.master(), 'Item', { title: 'keep b' });
    // Nobody may write b, so a user cannot delete it.
    await s.plinth.core.update(Auth.master(), 'Item', b.objectId, { ACL: { '*': { read: true } } });
    const user = await s.plinth.core.create(Auth.master(), '_User', { username: 'bulk', password: 'secret-pass-2' });
    await s.plinth.core.update(Auth.master(), 'Item', a.objectId, { ACL: { '*': { read: true }, [user.objectId]: { write: true } } });
    api.browsing.set(owner.sessionId, user.objectId);
    try {
      const r = await api.run(owner, `mutation($ids: [ID!]!) { deleteObjects(className: "Item", objectIds: $ids) }`, { ids: [a.objectId, b.objectId] });
      expect(r.errors?.[0].extensions?.code).toBe(101);
    } finally {
      api.browsing.delete(owner.sessionId);
    }
    const still = await s.plinth.core.getMany(Auth.master(), 'Item', [a.objectId, b.objectId], ['objectId']);
    expect(still.size).toBe(2);
  });

  it('attaches and detaches relation targets, and pages the related objects', async () => {
    const items = await api.ok(owner, OBJECTS, { className: 'Item', first: 3 });
    const [ownerItem, x, y] = items.objects.objects.map((o: any) => o.objectId as string);
    await api.ok(owner, `mutation($id: ID!, $t: [ID!]!) { addRelation(className: "Item", objectId: $id, field: "related", targetIds: $t) }`, {
      id: ownerItem,
      t: [x, y],
    });
    const related = `query($id: ID!) { related(className: "Item", objectId: $id, field: "related", first: 1) { objects next } }`;
    const first = await api.ok(owner, related, { id: ownerItem });
    expect(first.related.objects).toHaveLength(1);
    expect(first.related.next).toBeTruthy();
    await api.ok(owner, `mutation($id: ID!, $t: [ID!]!) { removeRelation(className: "Item", objectId: $id, field: "related", targetIds: $t) }`, {
      id: ownerItem,
      t: [x],
    });
    const after = await api.ok(owner, `query($id: ID!) { related(className: "Item", objectId: $id, field: "related") { objects next } }`, { id: ownerItem });
    expect(after.related.objects.map((o: any) => o.objectId)).toEqual([y]);
  });
});

describe('schema', () => {
  it('creates, updates (fields, CLPs with pointer permissions and protected fields, indexes) and deletes a class', async () => {
    await api.ok(
      owner,
      `mutation { createClass(className: "Note", fields: {body: {type: "String", required: true}, who: {type: "Pointer", targetClass: "_User"}}) { className } }`,
    );
    const clp = {
      find: { '*': true },
      get: { '*': true },
      count: { '*': true },
      create: { '*': true },
      update: { '*': true },
      delete: { '*': true },
      addField: {},
      readUserFields: ['who'],
      protectedFields: { '*': ['score'] },
    };
    const updated = await api.ok(
      owner,
      `mutation($f: JSON, $clp: JSON, $ix: JSON) { updateClass(className: "Note", fields: $f, classLevelPermissions: $clp, indexes: $ix) { fields { name type required defaultValue } classLevelPermissions indexes } }`,
      { f: { body: { __op: 'Delete' }, score: { type: 'Number', defaultValue: 5 } }, clp, ix: { by_score: { score: 1 } } },
    );
    const fields = updated.updateClass.fields.map((f: any) => f.name);
    expect(fields).toContain('score');
    expect(fields).not.toContain('body');
    expect(updated.updateClass.fields.find((f: any) => f.name === 'score').defaultValue).toBe(5);
    expect(updated.updateClass.classLevelPermissions).toMatchObject({ readUserFields: ['who'] });
    expect(updated.updateClass.indexes).toMatchObject({ by_score: { score: 1 } });
    expect(await api.ok(owner, `mutation { deleteClass(className: "Note") }`)).toEqual({ deleteClass: true });
    expect(s.plinth.schemaStore.getClass('Note')).toBeUndefined();
  });
});

describe('saved views', () => {
  it('are kept per admin: one admin never sees nor deletes another one’s', async () => {
    const other = await makeAdmin(s.plinth, 'ADMIN');
    const saved = await api.ok(owner, `mutation($s: JSON!) { saveView(className: "Item", name: "mine", state: $s) { id name state } }`, {
      s: { order: ['n_ASC'] },
    });
    expect(saved.saveView).toMatchObject({ name: 'mine', state: { order: ['n_ASC'] } });
    // Saving under the same name replaces it.
    await api.ok(owner, `mutation($s: JSON!) { saveView(className: "Item", name: "mine", state: $s) { id } }`, { s: { order: ['n_DESC'] } });
    const mine = await api.ok(owner, `{ views(className: "Item") { name state } }`);
    expect(mine.views).toEqual([{ name: 'mine', state: { order: ['n_DESC'] } }]);
    expect((await api.ok(other, `{ views(className: "Item") { name } }`)).views).toEqual([]);
    expect((await api.ok(other, `mutation($id: ID!) { deleteView(id: $id) }`, { id: saved.saveView.id })).deleteView).toBe(false);
    expect((await api.ok(owner, `mutation($id: ID!) { deleteView(id: $id) }`, { id: saved.saveView.id })).deleteView).toBe(true);
  });
});

describe('screens per role', () => {
  const cases: [string, string][] = [
    ['{ adminUsers { id } }', 'admins'],
    ['{ audit { entries { id } } }', 'audit'],
    ['{ logs { msg } }', 'logs'],
    ['{ cloudCode }', 'cloud'],
    ['{ files }', 'files'],
    ['{ pushStatuses }', 'push'],
    ['{ sessionsOf(userId: "x") { objectId } }', 'users'],
    ['mutation { createClass(className: "Refused") { className } }', 'schema'],
    ['{ objects(className: "Item") { next } }', 'data'],
  ];

  it('refuses screens a scoped admin was not given (119), and owners-only screens to admins', async () => {
    const scoped = await makeAdmin(s.plinth, 'SCOPED', { classes: [{ className: 'Item', write: false }], features: [] });
    for (const [query, feature] of cases) {
      const r = await api.run(scoped, query);
      expect(r.errors?.[0]?.extensions?.code, `${feature}: ${query}`).toBe(119);
    }
    const admin = await makeAdmin(s.plinth, 'ADMIN');
    for (const [query] of cases.slice(0, 2)) expect((await api.run(admin, query)).errors?.[0]?.extensions?.code).toBe(119);
    expect((await api.run(admin, '{ logs { msg } }')).errors).toBeUndefined();
  });

  it('shows a scoped admin only its classes, and whether it may write them', async () => {
    const scoped = await makeAdmin(s.plinth, 'SCOPED', { classes: [{ className: 'Item', fields: ['title'], write: false }], features: ['data'] });
    const data = await api.ok(scoped, '{ classes { className writable fields { name } } me { features canWrite } }');
    expect(data.classes).toEqual([
      { className: 'Item', writable: false, fields: [{ name: 'objectId' }, { name: 'createdAt' }, { name: 'updatedAt' }, { name: 'ACL' }, { name: 'title' }] },
    ]);
    expect(data.me.features).toEqual(['data']);
  });

  it('refuses schema changes to a read-only admin', async () => {
    const readOnly = await makeAdmin(s.plinth, 'READ_ONLY');
    const r = await api.run(readOnly, 'mutation { createClass(className: "NotMade") { className } }');
    expect(r.errors?.[0].extensions?.code).toBe(119);
    expect(s.plinth.schemaStore.getClass('NotMade')).toBeUndefined();
    expect((await api.ok(readOnly, '{ me { canWrite } }')).me.canWrite).toBe(false);
  });
});

describe('users and browse-as', () => {
  it('browses as a user: reads are then limited by that user’s ACL; only owners and admins may', async () => {
    const bob = await s.plinth.core.create(Auth.master(), '_User', { username: 'bob', password: 'secret-pass-3' });
    await s.plinth.core.create(Auth.master(), 'Item', { title: 'bob only', ACL: { [bob.objectId]: { read: true } } });
    await s.plinth.core.create(Auth.master(), 'Item', { title: 'nobody', ACL: {} });
    const audited = api;
    const admin = await makeAdmin(s.plinth, 'ADMIN');
    const where = { title: { in: ['bob only', 'nobody'] } };
    expect((await audited.ok(admin, OBJECTS, { className: 'Item', where })).objects.objects).toHaveLength(2);
    const me = await audited.ok(admin, `mutation($id: ID) { browseAs(userId: $id) { browsingAs } }`, { id: bob.objectId });
    expect(me.browseAs.browsingAs).toBe(bob.objectId);
    const trail = await api.ok(owner, `{ audit(className: "_User") { entries { actor action objectId } } }`);
    expect(trail.audit.entries).toContainEqual({ actor: admin.user.email, action: 'browseAs', objectId: bob.objectId });
    const seen = (await audited.ok(admin, OBJECTS, { className: 'Item', where })).objects.objects.map((o: any) => o.title);
    expect(seen).toEqual(['bob only']);
    // A write made while browsing is the user's, and the trail names the admin behind it.
    const made = await audited.ok(admin, `mutation { createObject(className: "Item", fields: {title: "by bob"}) }`);
    const entries = (await api.ok(owner, `query($id: String) { audit(objectId: $id) { entries { actor action } } }`, { id: made.createObject.objectId })).audit
      .entries;
    expect(entries).toEqual([{ actor: `${admin.user.email} as ${bob.objectId}`, action: 'create' }]);
    await audited.ok(admin, `mutation { browseAs(userId: null) { browsingAs } }`);
    expect((await audited.ok(admin, OBJECTS, { className: 'Item', where })).objects.objects).toHaveLength(2);
    const readOnly = await makeAdmin(s.plinth, 'READ_ONLY');
    const refused = await audited.run(readOnly, `mutation($id: ID) { browseAs(userId: $id) { browsingAs } }`, { id: bob.objectId });
    expect(refused.errors?.[0].extensions?.code).toBe(119);
  });

  it('lists a user’s sessions without tokens and revokes one', async () => {
    const user = await s.plinth.core.create(Auth.master(), '_User', { username: 'sessions', password: 'secret-pass-4' });
    const session = await s.plinth.sessions.create(user.objectId, { action: 'login' });
    const ended: unknown[] = [];
    const stop = s.plinth.sessions.onEnded((e) => ended.push(e));
    const listed = await api.ok(owner, `query($u: ID!) { sessionsOf(userId: $u) { objectId createdWith expiresAt createdAt } }`, { u: user.objectId });
    expect(listed.sessionsOf).toEqual([expect.objectContaining({ objectId: session.sessionId, createdWith: { action: 'login' } })]);
    expect(JSON.stringify(listed)).not.toContain(session.token);
    await api.ok(owner, `mutation($id: ID!) { revokeSession(sessionId: $id) }`, { id: session.sessionId });
    stop();
    expect(ended).toEqual([{ sessionIds: [session.sessionId] }]);
    expect((await api.ok(owner, `query($u: ID!) { sessionsOf(userId: $u) { objectId } }`, { u: user.objectId })).sessionsOf).toEqual([]);
  });
});
