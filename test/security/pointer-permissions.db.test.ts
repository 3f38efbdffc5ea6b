import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createClass } from '../objects/helpers.ts';
import { ANONYMOUS, MASTER, as, clp, forbidden, needsLogin, notFound, ok, outcome, setClp, signedInUser, type Caller } from './helpers.ts';

/**
 * Pointer permissions (`readUserFields`, `writeUserFields`, an operation's `pointerFields`):
 * an operation the CLP does not grant outright is allowed on the objects whose user field — a
 * Pointer to _User or an Array of them — holds the caller. Compiled into the SQL as a filter.
 */
describe('pointer permissions', () => {
  let s: TestServer;
  let owner: Caller, editor: Caller, stranger: Caller;
  let callers: Caller[];
  const notes: Record<string, string> = {};
  let box = '';

  const user = (c: Caller) => ({ __type: 'Pointer', className: '_User', objectId: c.userId });

  beforeAll(async () => {
    s = await startTestServer();
    owner = await signedInUser(s, 'owner');
    editor = await signedInUser(s, 'editor');
    stranger = await signedInUser(s, 'stranger');
    callers = [ANONYMOUS, owner, editor, stranger, MASTER];
    await createClass(
      s,
      'Note',
      'addStrings: [{ name: "title" }], addPointers: [{ name: "owner", targetClassName: "_User" }], addArrays: [{ name: "editors" }]',
    );
    await createClass(
      s,
      'Box',
      'addStrings: [{ name: "label" }], addPointers: [{ name: "note", targetClassName: "Note" }], addRelations: [{ name: "notes", targetClassName: "Note" }]',
    );
    const make = async (title: string, fields: Record<string, unknown>) =>
      (await s.ok(`mutation($f: CreateNoteFieldsInput) { createNote(input: { fields: $f }) { note { objectId } } }`, { f: { title, ...fields } })).createNote
        .note.objectId;
    notes.owned = await make('owned', { owner: { link: owner.userId }, editors: [user(editor)] });
    notes.strangers = await make('strangers', { owner: { link: stranger.userId } });
    notes.orphan = await make('orphan', {});
    // The owner's ACL shuts them out: pointer permissions never widen the ACL.
    notes.shut = await make('shut', { owner: { link: owner.userId }, ACL: { users: [{ userId: editor.userId, read: true, write: true }] } });
    box = (
      await s.ok(
        `mutation($n: ID!, $all: [ID!]) { createBox(input: { fields: { label: "b", note: { link: $n }, notes: { add: $all } } }) { box { objectId } } }`,
        {
          n: notes.owned,
          all: Object.values(notes),
        },
      )
    ).createBox.box.objectId;
    await setClp(s, 'Note', clp({ get: {}, find: {}, count: {}, update: {}, delete: {}, readUserFields: ['owner', 'editors'], writeUserFields: ['owner'] }));
  });
  afterAll(() => s?.close());

  /**
   * What each caller may read and write. "shut" is readable by ACL only for the editor, whom no
   * user field names on it, and named for the owner, whom its ACL shuts out: both must allow.
   */
  const READS: Record<string, string[]> = {
    anonymous: [],
    owner: ['owned'],
    editor: ['owned'],
    stranger: ['strangers'],
    master: ['orphan', 'owned', 'shut', 'strangers'],
  };
  const WRITES: Record<string, string[]> = {
    anonymous: [],
    owner: ['owned'],
    editor: [],
    stranger: ['strangers'],
    master: ['orphan', 'owned', 'shut', 'strangers'],
  };

  it('read paths: get (101), find, count, joined and loaded pointers (null), relation pages, subqueries', async () => {
    for (const caller of callers) {
      const reads = READS[caller.name];
      const got: Record<string, unknown> = {};
      for (const [title, id] of Object.entries(notes)) {
        const r = await outcome(as(s, caller, `query($id: ID!) { note(id: $id) { title } }`, { id }), (d) => d.note.title);
        got[`get ${title}`] = r;
      }
      got.find = await outcome(as(s, caller, `{ notes(order: [title_ASC]) { count edges { node { title } } } }`), (d) => [
        d.notes.count,
        d.notes.edges.map((e: any) => e.node.title),
      ]);
      got.joined = await outcome(as(s, caller, `{ boxes { edges { node { note { title } } } } }`), (d) => d.boxes.edges[0].node.note?.title ?? null);
      got.loaded = await outcome(as(s, caller, `query($id: ID!) { box(id: $id) { note { title } } }`, { id: box }), (d) => d.box.note?.title ?? null);
      got.relation = await outcome(
        as(s, caller, `query($id: ID!) { box(id: $id) { notes(order: [title_ASC]) { count edges { node { title } } } } }`, { id: box }),
        (d) => [d.box.notes.count, d.box.notes.edges.map((e: any) => e.node.title)],
      );
      got.subquery = await outcome(as(s, caller, `{ boxes(where: { note: { have: { title: { equalTo: "owned" } } } }) { count } }`), (d) => d.boxes.count);

      const want: Record<string, unknown> = {};
      for (const title of Object.keys(notes)) want[`get ${title}`] = reads.includes(title) ? ok(title) : notFound;
      want.find = ok([reads.length, reads]);
      want.joined = ok(reads.includes('owned') ? 'owned' : null);
      want.loaded = want.joined;
      want.relation = want.find;
      want.subquery = ok(reads.includes('owned') ? 1 : 0);
      expect({ caller: caller.name, got }).toEqual({ caller: caller.name, got: want });
    }
  });

  it('the filter is in the SQL, never applied after it', async () => {
    const seen: string[] = [];
    const off = s.plinth.db.onQuery((text) => seen.push(text));
    await as(s, owner, `{ notes { edges { node { title } } } }`);
    off();
    const find = seen.find((q) => q.includes('FROM "Note"'));
    expect(find).toMatch(/"owner" = \$\d+::text/);
    expect(find).toMatch(/"editors" @>/);
  });

  it('writes: update and delete only where writeUserFields hold the caller (101 otherwise, nothing written)', async () => {
    for (const caller of callers) {
      for (const [title, id] of Object.entries(notes)) {
        const got = await outcome(
          as(s, caller, `mutation($id: ID!) { updateNote(input: { id: $id, fields: { title: "changed" } }) { note { objectId } } }`, { id }),
          (d) => d.updateNote.note.objectId,
        );
        const stored = (await s.plinth.db.query<{ title: string }>(`SELECT "title" FROM "Note" WHERE "objectId" = $1`, [id]))[0].title;
        const writes = WRITES[caller.name].includes(title);
        expect({ caller: caller.name, title, got, stored }).toEqual({
          caller: caller.name,
          title,
          got: writes ? ok(id) : notFound,
          stored: writes ? 'changed' : title,
        });
        await s.plinth.db.execute(`UPDATE "Note" SET "title" = $2 WHERE "objectId" = $1`, [id, title]);
      }
      const fresh = (
        await s.ok(`mutation($o: ID!) { createNote(input: { fields: { title: "tmp", owner: { link: $o } } }) { note { objectId } } }`, { o: owner.userId })
      ).createNote.note.objectId;
      const deleted = await outcome(
        as(s, caller, `mutation($id: ID!) { deleteNote(input: { id: $id }) { note { objectId } } }`, { id: fresh }),
        (d) => d.deleteNote.note.objectId,
      );
      expect({ caller: caller.name, deleted }).toEqual({ caller: caller.name, deleted: caller === owner || caller === MASTER ? ok(fresh) : notFound });
      await s.plinth.db.execute(`DELETE FROM "Note" WHERE "objectId" = $1`, [fresh]);
    }
  });

  it('an update that hands the object to someone else cannot read its payload back (101, nothing written)', async () => {
    const id = (
      await s.ok(`mutation($o: ID!) { createNote(input: { fields: { title: "mine", owner: { link: $o } } }) { note { objectId } } }`, { o: owner.userId })
    ).createNote.note.objectId;
    const away = await outcome(
      as(s, owner, `mutation($id: ID!, $o: ID!) { updateNote(input: { id: $id, fields: { owner: { link: $o } } }) { note { title } } }`, {
        id,
        o: stranger.userId,
      }),
      (d) => d,
    );
    expect(away).toEqual(notFound);
    expect((await s.plinth.db.query(`SELECT "owner" FROM "Note" WHERE "objectId" = $1`, [id]))[0]).toEqual({ owner: owner.userId });
    // Keeping read access through another field (the editors array) lets the payload be read.
    const kept = await outcome(
      as(
        s,
        owner,
        `mutation($id: ID!, $o: ID!, $e: [Any]) { updateNote(input: { id: $id, fields: { owner: { link: $o }, editors: $e } }) { note { title } } }`,
        {
          id,
          o: stranger.userId,
          e: [user(owner)],
        },
      ),
      (d) => d.updateNote.note.title,
    );
    expect(kept).toEqual(ok('mine'));
  });

  it("create: granted by the create CLP only — writeUserFields never grant it (Parse's write lockdown)", async () => {
    expect(
      await outcome(
        as(s, owner, `mutation($o: ID!) { createNote(input: { fields: { title: "n", owner: { link: $o } } }) { note { objectId } } }`, { o: owner.userId }),
        (d) => typeof d.createNote.note.objectId,
      ),
    ).toEqual(ok('string'));
    await createClass(s, 'Locked', 'addStrings: [{ name: "title" }], addPointers: [{ name: "owner", targetClassName: "_User" }]');
    await setClp(s, 'Locked', clp({ create: {}, writeUserFields: ['owner'] }));
    const res = await outcome(
      as(s, owner, `mutation($o: ID!) { createLocked(input: { fields: { title: "n", owner: { link: $o } } }) { locked { objectId } } }`, { o: owner.userId }),
      (d) => d,
    );
    expect(res).toEqual(forbidden('create', 'Locked'));
  });

  it("requiresAuthentication with readUserFields: anonymous 101, users only their own objects; an operation's own pointerFields", async () => {
    await createClass(
      s,
      'Memo',
      'addStrings: [{ name: "title" }], addPointers: [{ name: "owner", targetClassName: "_User" }, { name: "reviewer", targetClassName: "_User" }]',
    );
    for (const [title, o, r] of [
      ['a', owner, stranger],
      ['b', stranger, owner],
      ['c', editor, editor],
    ] as const) {
      await s.ok(
        `mutation($o: ID!, $r: ID!, $t: String) { createMemo(input: { fields: { title: $t, owner: { link: $o }, reviewer: { link: $r } } }) { memo { objectId } } }`,
        { o: o.userId, r: r.userId, t: title },
      );
    }
    await setClp(s, 'Memo', clp({ find: { requiresAuthentication: true }, count: { pointerFields: ['reviewer'] }, readUserFields: ['owner'] }));
    const titles = (c: Caller) =>
      outcome(as(s, c, `{ memos(order: [title_ASC]) { edges { node { title } } } }`), (d) => d.memos.edges.map((e: any) => e.node.title));
    const count = (c: Caller) => outcome(as(s, c, `{ memos { count } }`), (d) => d.memos.count);
    expect(await titles(ANONYMOUS)).toEqual(needsLogin);
    expect(await titles(owner)).toEqual(ok(['a']));
    expect(await titles(stranger)).toEqual(ok(['b']));
    // count: the operation's pointerFields (reviewer) and readUserFields (owner) both grant.
    expect(await count(owner)).toEqual(ok(2));
    expect(await count(editor)).toEqual(ok(1));
    expect(await count(ANONYMOUS)).toEqual(ok(0));
  });
});
