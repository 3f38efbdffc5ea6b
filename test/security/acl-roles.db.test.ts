import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createClass, globalId } from '../objects/helpers.ts';
import { ANONYMOUS, MASTER, as, createRole, notFound, ok, outcome, signedInUser, type Caller, type Outcome } from './helpers.ts';

/**
 * Object ACLs with real users and roles, inherited at any depth and through cycles: a table of
 * caller × object × operation, every read path (by id, list, count, joined pointer, pointer
 * loaded by id, array of pointers, relation page, where subquery) and both writes.
 *
 * Roles: A ← B ← C (B is in A's `roles`, C in B's: a member of C holds B and A) and a cycle
 * X ⇄ Y. Docs, by ACL:
 */
const DOCS = ['public', 'readonly', 'owner', 'writeonly', 'roleA', 'roleB', 'roleX', 'nobody'] as const;
type Doc = (typeof DOCS)[number];

/** What each caller may read and write, by doc. */
const READS: Record<string, Doc[]> = {
  anonymous: ['public', 'readonly'],
  stranger: ['public', 'readonly'],
  owner: ['public', 'readonly', 'owner'],
  memberA: ['public', 'readonly', 'roleA'],
  memberB: ['public', 'readonly', 'roleA', 'roleB'],
  memberC: ['public', 'readonly', 'roleA', 'roleB'],
  memberY: ['public', 'readonly', 'roleX'],
  master: [...DOCS],
};
const WRITES: Record<string, Doc[]> = {
  anonymous: ['public'],
  stranger: ['public'],
  owner: ['public', 'owner', 'writeonly'],
  memberA: ['public', 'roleA'],
  memberB: ['public', 'roleA', 'roleB'],
  memberC: ['public', 'roleA', 'roleB'],
  memberY: ['public', 'roleX'],
  master: [...DOCS],
};

describe('ACL for users and roles, on every path', () => {
  let s: TestServer;
  const callers: Caller[] = [];
  const ids = {} as Record<Doc, string>;
  const holders = {} as Record<Doc, string>;
  let allHolder = '';
  let aclOf: (doc: Doc) => unknown;

  beforeAll(async () => {
    s = await startTestServer();
    await createClass(s, 'Doc', 'addStrings: [{ name: "title" }]');
    await createClass(
      s,
      'Holder',
      `addStrings: [{ name: "label" }], addPointers: [{ name: "doc", targetClassName: "Doc" }],
       addRelations: [{ name: "docs", targetClassName: "Doc" }], addArrays: [{ name: "list" }]`,
    );
    const owner = await signedInUser(s, 'owner');
    const stranger = await signedInUser(s, 'stranger');
    const memberA = await signedInUser(s, 'memberA');
    const memberB = await signedInUser(s, 'memberB');
    const memberC = await signedInUser(s, 'memberC');
    const memberY = await signedInUser(s, 'memberY');
    const c = await createRole(s, 'C', { users: [memberC.userId!] });
    const b = await createRole(s, 'B', { users: [memberB.userId!], roles: [c] });
    await createRole(s, 'A', { users: [memberA.userId!], roles: [b] });
    const y = await createRole(s, 'Y', { users: [memberY.userId!] });
    const x = await createRole(s, 'X', { roles: [y] });
    await s.ok(`mutation($id: ID!, $x: ID!) { updateRole(input: { id: $id, fields: { roles: { add: [$x] } } }) { role { objectId } } }`, { id: y, x });
    callers.push(ANONYMOUS, stranger, owner, memberA, memberB, memberC, memberY, MASTER);

    const user = (u: Caller, read: boolean, write: boolean) => ({ users: [{ userId: u.userId, read, write }] });
    const role = (roleName: string) => ({ roles: [{ roleName, read: true, write: true }] });
    const none = { public: { read: false, write: false } };
    const acls: Record<Doc, unknown> = {
      public: undefined,
      readonly: { public: { read: true, write: false } },
      owner: user(owner, true, true),
      writeonly: user(owner, false, true),
      roleA: role('A'),
      roleB: role('B'),
      roleX: role('X'),
      nobody: none,
    };
    aclOf = (doc) => acls[doc];
    for (const doc of DOCS) {
      const fields = { title: doc, ...(acls[doc] ? { ACL: acls[doc] } : {}) };
      ids[doc] = (
        await s.ok(`mutation($f: CreateDocFieldsInput) { createDoc(input: { fields: $f }) { doc { objectId } } }`, { f: fields })
      ).createDoc.doc.objectId;
      holders[doc] = (
        await s.ok(`mutation($f: CreateHolderFieldsInput) { createHolder(input: { fields: $f }) { holder { objectId } } }`, {
          f: { label: doc, doc: { link: ids[doc] } },
        })
      ).createHolder.holder.objectId;
    }
    const list = DOCS.map((d) => ({ __type: 'Pointer', className: 'Doc', objectId: ids[d] }));
    allHolder = (
      await s.ok(`mutation($f: CreateHolderFieldsInput) { createHolder(input: { fields: $f }) { holder { objectId } } }`, {
        f: { label: 'all', docs: { add: DOCS.map((d) => ids[d]) }, list },
      })
    ).createHolder.holder.objectId;
  });
  afterAll(() => s?.close());

  const readable = (caller: Caller) => READS[caller.name];
  const titleOr = (caller: Caller, doc: Doc, otherwise: unknown) => (readable(caller).includes(doc) ? doc : otherwise);

  it('get by id: the object, or 101 when the ACL does not let the caller read it', async () => {
    for (const caller of callers) {
      const got: Record<string, Outcome> = {};
      const want: Record<string, Outcome> = {};
      for (const doc of DOCS) {
        got[doc] = await outcome(as(s, caller, `query($id: ID!) { doc(id: $id) { title } }`, { id: ids[doc] }), (d) => d.doc.title);
        want[doc] = readable(caller).includes(doc) ? ok(doc) : notFound;
      }
      expect({ caller: caller.name, got }).toEqual({ caller: caller.name, got: want });
    }
  });

  it('node(id) reads like get', async () => {
    for (const caller of callers) {
      for (const doc of ['owner', 'roleB'] as const) {
        const got = await outcome(
          as(s, caller, `query($id: ID!) { node(id: $id) { ... on Doc { title } } }`, { id: globalId('Doc', ids[doc]) }),
          (d) => d.node?.title,
        );
        expect({ caller: caller.name, doc, got }).toEqual({ caller: caller.name, doc, got: readable(caller).includes(doc) ? ok(doc) : notFound });
      }
    }
  });

  it('find and count see only readable objects (the filter is in the SQL)', async () => {
    for (const caller of callers) {
      const got = await outcome(as(s, caller, `{ docs(order: [title_ASC]) { count edges { node { title } } } }`), (d) => ({
        count: d.docs.count,
        titles: d.docs.edges.map((e: any) => e.node.title),
      }));
      const titles = [...readable(caller)].sort();
      expect({ caller: caller.name, got }).toEqual({ caller: caller.name, got: ok({ count: titles.length, titles }) });
    }
  });

  it('a pointer to an unreadable object is null: joined into a list page, and loaded by id', async () => {
    for (const caller of callers) {
      const list = await outcome(
        as(s, caller, `{ holders(where: { label: { notEqualTo: "all" } }, order: [label_ASC]) { edges { node { label doc { title } } } } }`),
        (d) => Object.fromEntries(d.holders.edges.map((e: any) => [e.node.label, e.node.doc?.title ?? null])),
      );
      const one: Record<string, unknown> = {};
      for (const doc of DOCS) {
        const r = await outcome(
          as(s, caller, `query($id: ID!) { holder(id: $id) { doc { title } } }`, { id: holders[doc] }),
          (d) => d.holder.doc?.title ?? null,
        );
        one[doc] = 'ok' in r ? r.ok : r;
      }
      const want = Object.fromEntries(DOCS.map((d) => [d, titleOr(caller, d, null)]));
      expect({ caller: caller.name, list, one }).toEqual({ caller: caller.name, list: ok(want), one: want });
    }
  });

  it('array elements that point to unreadable objects are null', async () => {
    for (const caller of callers) {
      const got = await outcome(as(s, caller, `query($id: ID!) { holder(id: $id) { list { ... on Doc { title } } } }`, { id: allHolder }), (d) =>
        d.holder.list.map((e: any) => e?.title ?? null),
      );
      expect({ caller: caller.name, got }).toEqual({ caller: caller.name, got: ok(DOCS.map((d) => titleOr(caller, d, null))) });
    }
  });

  it('a relation page lists and counts only readable related objects', async () => {
    for (const caller of callers) {
      const got = await outcome(
        as(s, caller, `query($id: ID!) { holder(id: $id) { docs(order: [title_ASC]) { count edges { node { title } } } } }`, { id: allHolder }),
        (d) => ({
          count: d.holder.docs.count,
          titles: d.holder.docs.edges.map((e: any) => e.node.title),
        }),
      );
      const titles = [...readable(caller)].sort();
      expect({ caller: caller.name, got }).toEqual({ caller: caller.name, got: ok({ count: titles.length, titles }) });
    }
  });

  it('a where subquery (have) matches only through readable objects', async () => {
    for (const caller of callers) {
      const got = await outcome(
        as(s, caller, `{ holders(where: { doc: { have: { title: { exists: true } } } }, order: [label_ASC]) { edges { node { label } } } }`),
        (d) => d.holders.edges.map((e: any) => e.node.label),
      );
      expect({ caller: caller.name, got }).toEqual({ caller: caller.name, got: ok([...readable(caller)].sort()) });
    }
  });

  it('update needs write access (101 otherwise, nothing written); its payload beyond the id needs read access too', async () => {
    for (const caller of callers) {
      for (const doc of DOCS) {
        const mark = `${doc}:${caller.name}`;
        const got = await outcome(
          as(s, caller, `mutation($id: ID!, $t: String) { updateDoc(input: { id: $id, fields: { title: $t } }) { doc { objectId } } }`, {
            id: ids[doc],
            t: mark,
          }),
          (d) => d.updateDoc.doc.objectId,
        );
        const stored = (await s.plinth.db.query<{ title: string }>(`SELECT "title" FROM "Doc" WHERE "objectId" = $1`, [ids[doc]]))[0].title;
        const writes = WRITES[caller.name].includes(doc);
        expect({ caller: caller.name, doc, got, stored }).toEqual({
          caller: caller.name,
          doc,
          got: writes ? ok(ids[doc]) : notFound,
          stored: writes ? mark : doc,
        });
        if (writes) await s.plinth.db.execute(`UPDATE "Doc" SET "title" = $2 WHERE "objectId" = $1`, [ids[doc], doc]);
      }
    }
    // The owner may write but not read "writeonly": selecting a field is a read → 101, and nothing is written.
    const owner = callers.find((c) => c.name === 'owner')!;
    const res = await outcome(
      as(s, owner, `mutation($id: ID!) { updateDoc(input: { id: $id, fields: { title: "x" } }) { doc { title } } }`, { id: ids.writeonly }),
      (d) => d.updateDoc,
    );
    expect(res).toEqual(notFound);
    expect((await s.plinth.db.query(`SELECT "title" FROM "Doc" WHERE "objectId" = $1`, [ids.writeonly]))[0]).toEqual({ title: 'writeonly' });
  });

  it("an update that takes away the caller's own read access cannot read its payload back (101, nothing written)", async () => {
    const owner = callers.find((c) => c.name === 'owner')!;
    const id = (
      await s.ok(`mutation($f: CreateDocFieldsInput) { createDoc(input: { fields: $f }) { doc { objectId } } }`, { f: { title: 'mine', ACL: aclOf('owner') } })
    ).createDoc.doc.objectId;
    const lockOut = { users: [{ userId: owner.userId, read: false, write: true }] };
    const res = await outcome(
      as(s, owner, `mutation($id: ID!, $a: ACLInput) { updateDoc(input: { id: $id, fields: { title: "gone", ACL: $a } }) { doc { title } } }`, {
        id,
        a: lockOut,
      }),
      (d) => d.updateDoc,
    );
    expect(res).toEqual(notFound);
    expect((await s.plinth.db.query(`SELECT "title", "_rperm" FROM "Doc" WHERE "objectId" = $1`, [id]))[0]).toEqual({ title: 'mine', _rperm: [owner.userId] });
    // Without a payload to read, the same update is allowed.
    const done = await outcome(
      as(s, owner, `mutation($id: ID!, $a: ACLInput) { updateDoc(input: { id: $id, fields: { title: "gone", ACL: $a } }) { doc { objectId } } }`, {
        id,
        a: lockOut,
      }),
      (d) => d.updateDoc.doc.objectId,
    );
    expect(done).toEqual(ok(id));
  });

  it('delete needs write access (101 otherwise, nothing deleted)', async () => {
    for (const caller of callers) {
      for (const doc of DOCS) {
        const fields = { title: doc, ...(aclOf(doc) ? { ACL: aclOf(doc) } : {}) };
        const id = (await s.ok(`mutation($f: CreateDocFieldsInput) { createDoc(input: { fields: $f }) { doc { objectId } } }`, { f: fields })).createDoc.doc
          .objectId;
        const got = await outcome(
          as(s, caller, `mutation($id: ID!) { deleteDoc(input: { id: $id }) { doc { objectId } } }`, { id }),
          (d) => d.deleteDoc.doc.objectId,
        );
        const left = (await s.plinth.db.query(`SELECT 1 FROM "Doc" WHERE "objectId" = $1`, [id])).length;
        const writes = WRITES[caller.name].includes(doc);
        expect({ caller: caller.name, doc, got, left }).toEqual({ caller: caller.name, doc, got: writes ? ok(id) : notFound, left: writes ? 0 : 1 });
        if (!writes) await s.plinth.db.execute(`DELETE FROM "Doc" WHERE "objectId" = $1`, [id]);
      }
    }
  });
});
