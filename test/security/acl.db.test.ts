import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ACL_FIELDS, createClass, expectError, globalId } from '../objects/helpers.ts';

/**
 * ACLs are stored as Parse stores them ("_rperm"/"_wperm" text arrays), read back in the API's
 * shape, and enforced inside the SQL for callers without the master key.
 */
describe('ACL storage and the anonymous caller', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await createClass(s, 'Person', 'addStrings: [{ name: "name" }]');
    await createClass(
      s,
      'Doc',
      `addStrings: [{ name: "title" }], addArrays: [{ name: "refs" }],
       addPointers: [{ name: "owner", targetClassName: "Person" }], addRelations: [{ name: "readers", targetClassName: "Person" }]`,
    );
  });
  afterAll(() => s?.close());

  const PRIVATE = { users: [{ userId: 'user1', read: true, write: true }] };
  const READ_ONLY = { public: { read: true, write: false } };
  const OPEN = { public: { read: true, write: true } };

  async function doc(title: string, acl?: unknown, extra: Record<string, unknown> = {}) {
    const d = await s.ok(`mutation($f: CreateDocFieldsInput) { createDoc(input: { fields: $f }) { doc { id objectId ${ACL_FIELDS} } } }`, {
      f: { title, ...(acl === undefined ? {} : { ACL: acl }), ...extra },
    });
    return d.createDoc.doc;
  }
  async function perms(objectId: string, table = 'Doc') {
    const [row] = await s.plinth.db.query<{ _rperm: string[] | null; _wperm: string[] | null }>(
      `SELECT "_rperm", "_wperm" FROM "${table}" WHERE "objectId" = $1`,
      [objectId],
    );
    return row;
  }

  describe('storage and shape', () => {
    it('no ACL: stored as NULL arrays and read as public read/write', async () => {
      const d = await doc('none');
      expect(d.ACL).toEqual({ public: { read: true, write: true }, users: null, roles: null });
      expect(await perms(d.objectId)).toEqual({ _rperm: null, _wperm: null });
      expect((await s.ok(`query($id: ID!) { doc(id: $id) { ${ACL_FIELDS} } }`, { id: d.id })).doc.ACL).toEqual(d.ACL);
    });

    it('users, roles and public are stored in _rperm/_wperm and read back in the API shape', async () => {
      const acl = {
        public: { read: true, write: false },
        users: [
          { userId: globalId('_User', 'userG'), read: true, write: true },
          { userId: 'userR', read: false, write: true },
        ],
        roles: [
          { roleName: 'Admins', read: true, write: true },
          { roleName: 'Viewers', read: true, write: false },
        ],
      };
      const d = await doc('full', acl);
      const expected = {
        public: { read: true, write: false },
        users: [
          { userId: globalId('_User', 'userG'), read: true, write: true },
          { userId: globalId('_User', 'userR'), read: false, write: true },
        ],
        roles: [
          { roleName: 'Admins', read: true, write: true },
          { roleName: 'Viewers', read: true, write: false },
        ],
      };
      expect(d.ACL).toEqual(expected);
      expect((await s.ok(`query($id: ID!) { doc(id: $id) { ${ACL_FIELDS} } }`, { id: d.id })).doc.ACL).toEqual(expected);
      const row = await perms(d.objectId);
      expect([...row._rperm!].sort()).toEqual(['*', 'role:Admins', 'role:Viewers', 'userG'].sort());
      expect([...row._wperm!].sort()).toEqual(['role:Admins', 'userG', 'userR'].sort());
    });

    it('the create payload lists ACL entries as every later read does', async () => {
      const d = await doc('order', {
        users: [
          { userId: 'writer', read: false, write: true },
          { userId: 'reader', read: true, write: false },
        ],
      });
      const got = (await s.ok(`query($id: ID!) { doc(id: $id) { ${ACL_FIELDS} } }`, { id: d.id })).doc.ACL;
      expect(d.ACL).toEqual(got);
      expect(got.users.map((u: { userId: string }) => u.userId)).toHaveLength(2);
    });

    it('an ACL granting nothing is stored as empty arrays; empty lists and a false public read as null', async () => {
      for (const acl of [{}, { users: [], roles: [] }, { public: { read: false, write: false }, users: [{ userId: 'u', read: false, write: false }] }]) {
        const d = await doc('nothing', acl);
        expect(d.ACL).toEqual({ public: null, users: null, roles: null });
        expect((await s.ok(`query($id: ID!) { doc(id: $id) { ${ACL_FIELDS} } }`, { id: d.id })).doc.ACL).toEqual(d.ACL);
        expect(await perms(d.objectId)).toEqual({ _rperm: [], _wperm: [] });
      }
    });

    it('setting an ACL replaces it whole; null makes the object public again', async () => {
      const d = await doc('replace', {
        public: { read: true, write: true },
        users: [{ userId: 'a', read: true, write: true }],
        roles: [{ roleName: 'R', read: true, write: true }],
      });
      const u = await s.ok(`mutation($id: ID!, $acl: ACLInput) { updateDoc(input: { id: $id, fields: { ACL: $acl } }) { doc { ${ACL_FIELDS} } } }`, {
        id: d.id,
        acl: { users: [{ userId: 'b', read: true, write: false }] },
      });
      expect(u.updateDoc.doc.ACL).toEqual({ public: null, users: [{ userId: globalId('_User', 'b'), read: true, write: false }], roles: null });
      expect(await perms(d.objectId)).toEqual({ _rperm: ['b'], _wperm: [] });
      const cleared = await s.ok(`mutation($id: ID!) { updateDoc(input: { id: $id, fields: { ACL: null } }) { doc { ${ACL_FIELDS} } } }`, { id: d.id });
      expect(cleared.updateDoc.doc.ACL).toEqual({ public: { read: true, write: true }, users: null, roles: null });
      expect(await perms(d.objectId)).toEqual({ _rperm: null, _wperm: null });
      // An update that does not mention the ACL leaves it alone.
      await s.ok(
        `mutation($id: ID!) { updateDoc(input: { id: $id, fields: { ACL: { roles: [{ roleName: "K", read: true, write: true }] } } }) { doc { objectId } } }`,
        { id: d.id },
      );
      await s.ok(`mutation($id: ID!) { updateDoc(input: { id: $id, fields: { title: "t" } }) { doc { objectId } } }`, { id: d.id });
      expect(await perms(d.objectId)).toEqual({ _rperm: ['role:K'], _wperm: ['role:K'] });
    });

    it('malformed ACL entries are refused with 123 and nothing is stored', async () => {
      const before = (await s.ok(`{ docs { count } }`)).docs.count;
      for (const acl of [
        { users: [{ userId: 'has space', read: true, write: true }] },
        { roles: [{ roleName: '', read: true, write: true }] },
        { users: [{ userId: globalId('Doc', 'x=y'), read: true, write: true }] },
      ]) {
        expectError(await s.master(`mutation($acl: ACLInput) { createDoc(input: { fields: { ACL: $acl } }) { doc { objectId } } }`, { acl }), 123);
      }
      expect((await s.ok(`{ docs { count } }`)).docs.count).toBe(before);
    });
  });

  describe('what an anonymous caller may do', () => {
    let privateDoc: { id: string; objectId: string };
    let readOnlyDoc: { id: string; objectId: string };
    let openDoc: { id: string; objectId: string };
    let noAclDoc: { id: string; objectId: string };
    beforeAll(async () => {
      privateDoc = await doc('anon-private', PRIVATE);
      readOnlyDoc = await doc('anon-readonly', READ_ONLY);
      openDoc = await doc('anon-open', OPEN);
      noAclDoc = await doc('anon-none');
    });
    const titles = (d: { docs: { edges: { node: { title: string } }[] } }) => d.docs.edges.map((e) => e.node.title).sort();
    const ANON_DOCS = `{ docs(where: { title: { matchesRegex: "^anon-" } }) { count edges { node { title } } } }`;

    it('find and count show only publicly readable objects; the master key sees all', async () => {
      const anon = await s.anon(ANON_DOCS);
      expect(anon.errors).toBeUndefined();
      expect(anon.data!.docs.count).toBe(3);
      expect(titles(anon.data!)).toEqual(['anon-none', 'anon-open', 'anon-readonly']);
      const countOnly = await s.anon(`{ docs(where: { title: { matchesRegex: "^anon-" } }) { count } }`);
      expect(countOnly.data!.docs.count).toBe(3);
      const master = await s.ok(ANON_DOCS);
      expect(master.docs.count).toBe(4);
      expect(titles(master)).toEqual(['anon-none', 'anon-open', 'anon-private', 'anon-readonly']);
    });

    it('get and node of an unreadable object are 101 "Object not found.", by global or raw id', async () => {
      for (const id of [privateDoc.id, privateDoc.objectId]) {
        expectError(await s.anon(`query($id: ID!) { doc(id: $id) { title } }`, { id }), 101, /^Object not found\.$/);
      }
      expectError(await s.anon(`query($id: ID!) { node(id: $id) { id } }`, { id: privateDoc.id }), 101, /^Object not found\.$/);
      expect((await s.anon(`query($id: ID!) { doc(id: $id) { title } }`, { id: readOnlyDoc.id })).data!.doc.title).toBe('anon-readonly');
      expect((await s.ok(`query($id: ID!) { doc(id: $id) { title } }`, { id: privateDoc.id })).doc.title).toBe('anon-private');
    });

    it('update and delete of an object it may not write are 101, and the object is unchanged', async () => {
      for (const target of [privateDoc, readOnlyDoc]) {
        for (const id of [target.id, target.objectId]) {
          expectError(
            await s.anon(`mutation($id: ID!) { updateDoc(input: { id: $id, fields: { title: "hacked" } }) { doc { title } } }`, { id }),
            101,
            /^Object not found\.$/,
          );
          expectError(await s.anon(`mutation($id: ID!) { deleteDoc(input: { id: $id }) { doc { title } } }`, { id }), 101, /^Object not found\.$/);
          expectError(
            await s.anon(`mutation($id: ID!) { updateDoc(input: { id: $id, fields: { ACL: { public: { read: true, write: true } } } }) { doc { title } } }`, {
              id,
            }),
            101,
          );
        }
      }
      const rows = await s.plinth.db.query<{ title: string }>(`SELECT "title" FROM "Doc" WHERE "objectId" = ANY($1::text[]) ORDER BY "title"`, [
        [privateDoc.objectId, readOnlyDoc.objectId],
      ]);
      expect(rows.map((r) => r.title)).toEqual(['anon-private', 'anon-readonly']);
      expect(await perms(readOnlyDoc.objectId)).toEqual({ _rperm: ['*'], _wperm: [] });
    });

    it('an unwritable object’s relations cannot be changed either', async () => {
      const p = (await s.ok(`mutation { createPerson(input: { fields: { name: "r" } }) { person { id } } }`)).createPerson.person;
      expectError(
        await s.anon(`mutation($id: ID!, $p: ID!) { updateDoc(input: { id: $id, fields: { readers: { add: [$p] } } }) { doc { objectId } } }`, {
          id: readOnlyDoc.id,
          p: p.id,
        }),
        101,
      );
      expect(await s.plinth.db.query(`SELECT 1 FROM "_Join:readers:Doc" WHERE "owningId" = $1`, [readOnlyDoc.objectId])).toHaveLength(0);
    });

    it('publicly writable objects (and objects without an ACL) can be updated and deleted', async () => {
      for (const target of [openDoc, noAclDoc]) {
        const u = await s.anon(`mutation($id: ID!) { updateDoc(input: { id: $id, fields: { title: "anon-edited" } }) { doc { title } } }`, {
          id: target.objectId,
        });
        expect(u.errors).toBeUndefined();
        expect(u.data!.updateDoc.doc.title).toBe('anon-edited');
      }
      const temp = await doc('temp', OPEN);
      const d = await s.anon(`mutation($id: ID!) { deleteDoc(input: { id: $id }) { doc { title } } }`, { id: temp.id });
      expect(d.data!.deleteDoc.doc.title).toBe('temp');
      expect(await s.plinth.db.query(`SELECT 1 FROM "Doc" WHERE "objectId" = $1`, [temp.objectId])).toHaveLength(0);
    });

    it('the master key reads, updates and deletes objects whatever their ACL', async () => {
      const locked = await doc('locked', {});
      expect((await s.ok(`query($id: ID!) { doc(id: $id) { title } }`, { id: locked.id })).doc.title).toBe('locked');
      expect(
        (await s.ok(`mutation($id: ID!) { updateDoc(input: { id: $id, fields: { title: "locked2" } }) { doc { title } } }`, { id: locked.id })).updateDoc.doc
          .title,
      ).toBe('locked2');
      expect((await s.ok(`mutation($id: ID!) { deleteDoc(input: { id: $id }) { doc { title } } }`, { id: locked.id })).deleteDoc.doc.title).toBe('locked2');
    });

    it('an anonymous caller may create objects, with an ACL that locks itself out', async () => {
      const r = await s.anon(
        `mutation { createDoc(input: { fields: { title: "mine", ACL: { users: [{ userId: "someone", read: true, write: true }] } } }) { doc { objectId title } } }`,
      );
      expect(r.errors).toBeUndefined();
      const id = r.data!.createDoc.doc.objectId;
      expect(await perms(id)).toEqual({ _rperm: ['someone'], _wperm: ['someone'] });
      expectError(await s.anon(`query($id: ID!) { doc(id: $id) { title } }`, { id }), 101);
    });

    it('pointers, relations and array pointers to unreadable objects resolve to null or are left out', async () => {
      const hidden = (await s.ok(`mutation { createPerson(input: { fields: { name: "hidden", ACL: {} } }) { person { id objectId } } }`)).createPerson.person;
      const shown = (await s.ok(`mutation { createPerson(input: { fields: { name: "shown" } }) { person { id objectId } } }`)).createPerson.person;
      const d = await doc('anon-links', READ_ONLY, {
        owner: { link: hidden.id },
        readers: { add: [hidden.id, shown.id] },
        refs: [
          { __type: 'Pointer', className: 'Person', objectId: hidden.objectId },
          { __type: 'Pointer', className: 'Person', objectId: shown.objectId },
        ],
      });
      const q = `query($id: ID!) { doc(id: $id) { owner { name } readers { count edges { node { name } } } refs { ... on Person { name } } } }`;
      const anon = await s.anon(q, { id: d.id });
      expect(anon.errors).toBeUndefined();
      expect(anon.data!.doc).toEqual({ owner: null, readers: { count: 1, edges: [{ node: { name: 'shown' } }] }, refs: [null, { name: 'shown' }] });
      const list = await s.anon(`{ docs(where: { title: { equalTo: "anon-links" } }) { edges { node { owner { name } readers { count } } } } }`);
      expect(list.data!.docs.edges).toEqual([{ node: { owner: null, readers: { count: 1 } } }]);
      const master = (await s.ok(q, { id: d.id })).doc;
      expect(master.owner).toEqual({ name: 'hidden' });
      expect(master.readers.count).toBe(2);
      expect(master.refs).toEqual([{ name: 'hidden' }, { name: 'shown' }]);
    });

    it('the ACL filter is inside the SQL of find, count, get, update and delete (never a filter afterwards)', async () => {
      const statements: { text: string; params: readonly unknown[] }[] = [];
      const stop = s.plinth.db.onQuery((text, params) => statements.push({ text, params }));
      try {
        const probe = await doc('probe', OPEN);
        statements.length = 0;
        await s.anon(`{ docs(where: { title: { equalTo: "probe" } }) { count edges { node { title } } } }`);
        await s.anon(`query($id: ID!) { doc(id: $id) { title } }`, { id: probe.id });
        const reads = statements.filter((st) => /\bFROM "Doc"/.test(st.text));
        expect(reads.length).toBeGreaterThanOrEqual(3);
        for (const st of reads) {
          expect(st.text).toMatch(/"_rperm" && \$\d+::text\[\]/);
          expect(st.params).toContainEqual(['*']);
        }
        statements.length = 0;
        await s.anon(`mutation($id: ID!) { updateDoc(input: { id: $id, fields: { title: "probe2" } }) { doc { title } } }`, { id: probe.id });
        await s.anon(`mutation($id: ID!) { deleteDoc(input: { id: $id }) { doc { title } } }`, { id: probe.id });
        const writes = statements.filter((st) => /^\s*(UPDATE|DELETE FROM) "Doc"/.test(st.text));
        expect(writes).toHaveLength(2);
        for (const st of writes) {
          expect(st.text).toMatch(/"_wperm" && \$\d+::text\[\]/);
          expect(st.params).toContainEqual(['*']);
        }
        statements.length = 0;
        await s.anon(`{ docs(where: { title: { equalTo: "anon-links" } }) { edges { node { owner { name } readers { count edges { node { name } } } } } } }`);
        const related = statements.filter((st) => /\bFROM "Person"|JOIN "Person"/.test(st.text));
        expect(related.length).toBeGreaterThanOrEqual(2);
        for (const st of related) {
          expect(st.text).toMatch(/"_rperm" && \$\d+::text\[\]/);
          expect(st.params).toContainEqual(['*']);
        }
        statements.length = 0;
        await s.master(`{ docs { count edges { node { title } } } }`);
        const masterReads = statements.filter((st) => /\bFROM "Doc"/.test(st.text));
        expect(masterReads.length).toBeGreaterThanOrEqual(2);
        for (const st of masterReads) expect(st.text).not.toMatch(/_rperm/);
      } finally {
        stop();
      }
    });

    it('the read-permission column has a GIN index', async () => {
      const rows = await s.plinth.db.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE tablename = 'Doc' AND indexdef LIKE '%_rperm%'`);
      expect(rows.some((r) => /USING gin/i.test(r.indexdef))).toBe(true);
    });
  });
});
