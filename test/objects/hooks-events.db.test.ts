import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors/index.ts';
import { newObjectId, type ChangeEvent, type WriteOperation } from '../../src/core/index.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { countRows, createClass, expectError } from './helpers.ts';

/** The three extension points of every write (before / inTransaction / afterCommit) and change events. */
describe('write hooks and change events', () => {
  let s: TestServer;
  const cleanups: (() => void)[] = [];
  const on = (className: string, hooks: Parameters<TestServer['plinth']['hooks']['register']>[1]) => cleanups.push(s.plinth.hooks.register(className, hooks));
  const events: ChangeEvent[] = [];

  beforeAll(async () => {
    s = await startTestServer();
    await createClass(s, 'Item', 'addStrings: [{ name: "name" }]');
    await createClass(s, 'Audit', 'addStrings: [{ name: "what" }]');
    await createClass(
      s,
      'Note',
      `addStrings: [{ name: "title" }, { name: "slug" }], addNumbers: [{ name: "n" }],
       addPointers: [{ name: "item", targetClassName: "Item" }], addRelations: [{ name: "items", targetClassName: "Item" }]`,
    );
    s.plinth.events.on((e) => events.push(e));
  });
  afterEach(() => {
    while (cleanups.length) cleanups.pop()!();
    events.length = 0;
  });
  afterAll(() => s?.close());

  const createNote = (fields: Record<string, unknown>) =>
    s.master(`mutation($f: CreateNoteFieldsInput) { createNote(input: { fields: $f }) { note { objectId title slug n } } }`, { f: fields });

  describe('before', () => {
    it('can change the input of a create and of an update', async () => {
      on('Note', {
        before(op) {
          const title = op.input.title;
          if (typeof title === 'string') {
            op.input.title = title.trim();
            op.input.slug = title.trim().toLowerCase().replace(/\s+/g, '-');
          }
        },
      });
      const r = await createNote({ title: '  Hello World ' });
      expect(r.data!.createNote.note).toMatchObject({ title: 'Hello World', slug: 'hello-world' });
      const id = r.data!.createNote.note.objectId;
      const [row] = await s.plinth.db.query<{ title: string; slug: string }>(`SELECT "title", "slug" FROM "Note" WHERE "objectId" = $1`, [id]);
      expect(row).toEqual({ title: 'Hello World', slug: 'hello-world' });
      const u = await s.ok(`mutation($id: ID!) { updateNote(input: { id: $id, fields: { title: "Next Title" } }) { note { title slug } } }`, { id });
      expect(u.updateNote.note).toEqual({ title: 'Next Title', slug: 'next-title' });
    });

    it('sees the kind, class, caller and objectId of the write', async () => {
      const seen: Omit<WriteOperation, 'input' | 'internal' | 'auth'>[] = [];
      on('*', { before: (op) => void seen.push({ kind: op.kind, className: op.className, objectId: op.objectId }) });
      const id = (await createNote({ title: 'x' })).data!.createNote.note.objectId;
      await s.ok(`mutation($id: ID!) { updateNote(input: { id: $id, fields: { n: 1 } }) { note { objectId } } }`, { id });
      await s.ok(`mutation($id: ID!) { deleteNote(input: { id: $id }) { note { objectId } } }`, { id });
      expect(seen).toEqual([
        { kind: 'create', className: 'Note', objectId: undefined },
        { kind: 'update', className: 'Note', objectId: id },
        { kind: 'delete', className: 'Note', objectId: id },
      ]);
    });

    it('can abort a write: its error reaches the client and nothing is written', async () => {
      on('Note', {
        before(op) {
          if (op.input.title === 'forbidden') throw new ParseError(142, 'Titles like that are not allowed.');
          if (op.kind === 'delete') throw new ParseError(119, 'Notes cannot be deleted.');
        },
      });
      const before = await countRows(s, 'Note');
      expectError(await createNote({ title: 'forbidden' }), 142, 'Titles like that are not allowed.');
      expect(await countRows(s, 'Note')).toBe(before);
      const id = (await createNote({ title: 'fine' })).data!.createNote.note.objectId;
      expectError(await s.master(`mutation($id: ID!) { updateNote(input: { id: $id, fields: { title: "forbidden" } }) { note { title } } }`, { id }), 142);
      expectError(await s.master(`mutation($id: ID!) { deleteNote(input: { id: $id }) { note { title } } }`, { id }), 119, 'Notes cannot be deleted.');
      expect((await s.ok(`query($id: ID!) { note(id: $id) { title } }`, { id })).note.title).toBe('fine');
      expect(events.filter((e) => e.kind !== 'create')).toEqual([]);
    });

    it('a before hook of a nested create that aborts rolls back the whole mutation', async () => {
      on('Item', {
        before(op) {
          if (op.input.name === 'bad') throw new ParseError(142, 'bad item');
        },
      });
      const before = [await countRows(s, 'Note'), await countRows(s, 'Item'), await countRows(s, '_Join:items:Note')];
      const r = await createNote({
        title: 'parent',
        item: { createAndLink: { name: 'good' } },
        items: { createAndAdd: [{ name: 'good too' }, { name: 'bad' }] },
      });
      expectError(r, 142, 'bad item');
      expect([await countRows(s, 'Note'), await countRows(s, 'Item'), await countRows(s, '_Join:items:Note')]).toEqual(before);
      expect(events).toEqual([]);
    });

    it('an unexpected failure in a hook is masked as code 1 Internal server error', async () => {
      on('Note', {
        before() {
          throw new TypeError('secret detail from /srv/app/hooks.ts');
        },
      });
      const before = await countRows(s, 'Note');
      const r = await createNote({ title: 'x' });
      expectError(r, 1, /^Internal server error$/);
      expect(JSON.stringify(r.body)).not.toContain('secret detail');
      expect(await countRows(s, 'Note')).toBe(before);
    });
  });

  describe('inTransaction', () => {
    it('runs inside the transaction, after the row is written: its writes commit with the object', async () => {
      on('Note', {
        async inTransaction(op, tx, object) {
          const [row] = await tx.query<{ title: string }>(`SELECT "title" FROM "Note" WHERE "objectId" = $1`, [object.objectId]);
          await tx.execute(`INSERT INTO "Audit" ("objectId", "createdAt", "updatedAt", "what") VALUES ($1, now(), now(), $2)`, [
            newObjectId(),
            `${op.kind} ${row?.title}`,
          ]);
        },
      });
      const r = await createNote({ title: 'audited' });
      expect(r.errors).toBeUndefined();
      const audits = await s.plinth.db.query<{ what: string }>(`SELECT "what" FROM "Audit" WHERE "what" LIKE 'create audited'`);
      expect(audits).toHaveLength(1);
    });

    it('throwing there rolls everything back: the object, its nested objects, relation rows and the hook’s own writes', async () => {
      on('Note', {
        async inTransaction(_op, tx, object) {
          await tx.execute(`INSERT INTO "Audit" ("objectId", "createdAt", "updatedAt", "what") VALUES ($1, now(), now(), 'doomed')`, [newObjectId()]);
          if (object.title === 'veto') throw new ParseError(142, 'vetoed inside the transaction');
        },
      });
      const tables = ['Note', 'Item', '_Join:items:Note', 'Audit'];
      const counts = async () => Promise.all(tables.map((t) => countRows(s, t)));
      const before = await counts();
      const r = await createNote({ title: 'veto', item: { createAndLink: { name: 'i1' } }, items: { createAndAdd: [{ name: 'i2' }, { name: 'i3' }] } });
      expectError(r, 142, 'vetoed inside the transaction');
      expect(await counts()).toEqual(before);
      expect(events).toEqual([]);

      const kept = (await createNote({ title: 'kept' })).data!.createNote.note.objectId;
      const u = await s.master(
        `mutation($id: ID!) { updateNote(input: { id: $id, fields: { title: "veto", items: { createAndAdd: [{ name: "i4" }] } } }) { note { title } } }`,
        { id: kept },
      );
      expectError(u, 142);
      expect((await s.ok(`query($id: ID!) { note(id: $id) { title items { count } } }`, { id: kept })).note).toEqual({ title: 'kept', items: { count: 0 } });
    });

    it('a failure in a nested object’s inTransaction hook rolls back the parent too', async () => {
      on('Item', {
        inTransaction(_op, _tx, object) {
          if (object.name === 'explode') throw new ParseError(142, 'item refused');
        },
      });
      const before = [await countRows(s, 'Note'), await countRows(s, 'Item')];
      expectError(await createNote({ title: 'p', items: { createAndAdd: [{ name: 'fine' }, { name: 'explode' }] } }), 142, 'item refused');
      expect([await countRows(s, 'Note'), await countRows(s, 'Item')]).toEqual(before);
    });
  });

  describe('afterCommit and change events', () => {
    it('fire after the commit, once per object, also for a mutation with nested creates', async () => {
      const calls: { className: string; kind: string; id: string; visible: Record<string, boolean> }[] = [];
      /** Whether each object is visible outside the transaction: "Class:objectId" → found. */
      const visibility = async (refs: [string, string | undefined][]) => {
        const out: Record<string, boolean> = {};
        for (const [table, id] of refs) {
          if (id) out[`${table}:${id}`] = (await s.plinth.db.query(`SELECT 1 FROM "${table}" WHERE "objectId" = $1`, [id])).length === 1;
        }
        return out;
      };
      let noteId: string | undefined;
      const itemIds: string[] = [];
      on('Note', {
        inTransaction(_op, _tx, object) {
          noteId = object.objectId;
        },
        async afterCommit(op, object) {
          // Outside the transaction: the note and every nested item must already be visible.
          const vis = await visibility([['Note', object.objectId], ...itemIds.map((id): [string, string] => ['Item', id])]);
          calls.push({ className: 'Note', kind: op.kind, id: object.objectId, visible: vis });
        },
      });
      on('Item', {
        inTransaction(_op, _tx, object) {
          itemIds.push(object.objectId);
        },
        async afterCommit(op, object) {
          calls.push({
            className: 'Item',
            kind: op.kind,
            id: object.objectId,
            visible: await visibility([
              ['Item', object.objectId],
              ['Note', noteId],
            ]),
          });
        },
      });
      const r = await createNote({ title: 'tree', item: { createAndLink: { name: 'a' } }, items: { createAndAdd: [{ name: 'b' }, { name: 'c' }] } });
      expect(r.errors).toBeUndefined();
      expect(calls).toHaveLength(4);
      expect(itemIds).toHaveLength(3);
      const allVisible = Object.fromEntries([`Note:${noteId}`, ...itemIds.map((id) => `Item:${id}`)].map((k) => [k, true]));
      expect(calls.filter((c) => c.className === 'Note')).toEqual([{ className: 'Note', kind: 'create', id: noteId, visible: allVisible }]);
      const items = calls.filter((c) => c.className === 'Item');
      expect(items.map((c) => c.id).sort()).toEqual([...itemIds].sort());
      for (const c of items) expect(c.visible).toEqual({ [`Item:${c.id}`]: true, [`Note:${noteId}`]: true });

      expect(events.map((e) => [e.kind, e.className, e.objectId]).sort()).toEqual(
        [['create', 'Note', noteId], ...itemIds.map((id) => ['create', 'Item', id])].sort() as never,
      );
      const noteEvent = events.find((e) => e.className === 'Note')!;
      expect(noteEvent.object).toMatchObject({ objectId: noteId, title: 'tree' });
      expect(noteEvent.fields).toEqual(expect.arrayContaining(['title', 'item', 'items']));
    });

    it('update and delete emit one event each, delete with the object as it was', async () => {
      const id = (await createNote({ title: 'life', n: 1 })).data!.createNote.note.objectId;
      events.length = 0;
      await s.ok(`mutation($id: ID!) { updateNote(input: { id: $id, fields: { n: 2 } }) { note { objectId } } }`, { id });
      await s.ok(`mutation($id: ID!) { deleteNote(input: { id: $id }) { note { objectId } } }`, { id });
      expect(events.map((e) => [e.kind, e.objectId])).toEqual([
        ['update', id],
        ['delete', id],
      ]);
      expect(events[0].fields).toEqual(['n']);
      expect(events[0].object).toMatchObject({ objectId: id, n: 2 });
    });

    it('nothing fires for a write that failed or was rolled back', async () => {
      let called = 0;
      on('Note', { afterCommit: () => void called++ });
      on('Item', { afterCommit: () => void called++ });
      await createNote({ title: 'x', items: { createAndAdd: [{ name: 'ok' }] }, item: { createAndLink: { name: 'y' } }, n: 'not a number' as never });
      await createNote({ title: 'x', items: { createAndAdd: [{ name: 'ok' }] }, item: { link: 'x', createAndLink: { name: 'both' } } });
      expectError(
        await s.master(`mutation { updateNote(input: { id: "missing000", fields: { items: { createAndAdd: [{ name: "z" }] } } }) { note { objectId } } }`),
        101,
      );
      expect(called).toBe(0);
      expect(events).toEqual([]);
    });

    it('a failing afterCommit hook is logged; the write stands, the client gets its result and other hooks still run', async () => {
      let later = 0;
      on('Note', {
        afterCommit() {
          throw new Error('after-commit failure');
        },
      });
      on('Note', { afterCommit: () => void later++ });
      const r = await createNote({ title: 'stands' });
      expect(r.errors).toBeUndefined();
      const id = r.data!.createNote.note.objectId;
      expect(await s.plinth.db.query(`SELECT 1 FROM "Note" WHERE "objectId" = $1`, [id])).toHaveLength(1);
      expect(events.filter((e) => e.objectId === id)).toHaveLength(1);
      expect(later).toBe(1);
    });
  });
});
