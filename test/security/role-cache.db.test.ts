import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createClass } from '../objects/helpers.ts';
import { addToRole, as, createRole, notFound, ok, outcome, signedInUser, type Caller } from './helpers.ts';

const POLL_MS = 100;

/**
 * A request's role set is cached across requests; it must never outlive a change of roles:
 * changes through the API are seen by the very next request, changes made elsewhere (SQL,
 * another instance) within the poll interval.
 */
describe('role sets: cached, and dropped when roles change', () => {
  let s: TestServer;
  let user: Caller;
  let docs: Record<string, string>;
  const roles: Record<string, string> = {};

  const read = (doc: string) => outcome(as(s, user, `query($id: ID!) { doc(id: $id) { title } }`, { id: docs[doc] }), (d) => d.doc.title);

  /** Waits until `check` passes, up to `ms`; returns how long it took. */
  async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
    const start = Date.now();
    while (!(await check())) {
      if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return Date.now() - start;
  }

  beforeAll(async () => {
    s = await startTestServer({ schemaPollMs: POLL_MS });
    user = await signedInUser(s, 'user');
    await createClass(s, 'Doc', 'addStrings: [{ name: "title" }]');
    for (const name of ['Editors', 'Staff', 'Sql', 'Top']) roles[name] = await createRole(s, name);
    docs = {};
    for (const name of Object.keys(roles)) {
      const acl = { roles: [{ roleName: name, read: true, write: false }] };
      docs[name] = (
        await s.ok(`mutation($f: CreateDocFieldsInput) { createDoc(input: { fields: $f }) { doc { objectId } } }`, { f: { title: name, ACL: acl } })
      ).createDoc.doc.objectId;
    }
  });
  afterAll(() => s?.close());

  it('joining and leaving a role through the API: the next request sees it', async () => {
    expect(await read('Editors')).toEqual(notFound); // the empty role set is now cached
    await addToRole(s, roles.Editors, { users: [user.userId!] });
    expect(await read('Editors')).toEqual(ok('Editors'));
    await s.ok(`mutation($id: ID!, $u: ID!) { updateRole(input: { id: $id, fields: { users: { remove: [$u] } } }) { role { objectId } } }`, {
      id: roles.Editors,
      u: user.userId,
    });
    expect(await read('Editors')).toEqual(notFound);
  });

  it("inheritance through the API: a role put inside another role's roles", async () => {
    await addToRole(s, roles.Editors, { users: [user.userId!] });
    expect(await read('Staff')).toEqual(notFound);
    await addToRole(s, roles.Staff, { roles: [roles.Editors] });
    expect(await read('Staff')).toEqual(ok('Staff'));
    // Deleting the inner role takes the inherited one away too.
    await s.ok(`mutation($id: ID!) { deleteRole(input: { id: $id }) { role { objectId } } }`, { id: roles.Editors });
    expect(await read('Staff')).toEqual(notFound);
  });

  it('a membership written directly in SQL is seen within the poll interval', async () => {
    expect(await read('Sql')).toEqual(notFound);
    await s.plinth.db.execute(`INSERT INTO "_Join:users:_Role" ("relatedId", "owningId") VALUES ($1, $2)`, [user.userId, roles.Sql]);
    await within(POLL_MS * 2 + 400, async () => 'ok' in (await read('Sql')));
    // …and an inherited role added in SQL, at depth two (Sql ⊂ Staff ⊂ Top).
    expect(await read('Top')).toEqual(notFound);
    await s.plinth.db.execute(`INSERT INTO "_Join:roles:_Role" ("relatedId", "owningId") VALUES ($1, $2), ($3, $4)`, [
      roles.Sql,
      roles.Staff,
      roles.Staff,
      roles.Top,
    ]);
    await within(POLL_MS * 2 + 400, async () => 'ok' in (await read('Top')));
    await s.plinth.db.execute(`DELETE FROM "_Join:users:_Role" WHERE "relatedId" = $1`, [user.userId]);
    await within(POLL_MS * 2 + 400, async () => 'error' in (await read('Top')));
    expect(await read('Sql')).toEqual(notFound);
  });

  it('without a change the role set is not read again (one query per user, not per request)', async () => {
    await addToRole(s, roles.Sql, { users: [user.userId!] });
    // Let the poller take in that change's version bump first, then warm the cache.
    await new Promise((r) => setTimeout(r, POLL_MS * 3));
    await read('Sql');
    const seen: string[] = [];
    const off = s.plinth.db.onQuery((text) => seen.push(text));
    for (let i = 0; i < 5; i++) expect(await read('Sql')).toEqual(ok('Sql'));
    off();
    expect(seen.filter((q) => q.includes('_Join:roles:_Role'))).toEqual([]);
  });
});
