import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditedSchemaChange, readAudit, sweepAudit, type AuditEntry } from '../../src/admin/audit/index.ts';
import type { CloudApi } from '../../src/cloud/types.ts';
import { Auth } from '../../src/security/index.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createClass } from '../objects/helpers.ts';

/**
 * The audit trail (issue 14 point 8): every write made by a dashboard admin or with the master
 * key — through the front door, or by cloud code with the master key — is recorded with its
 * actor and the whole object before and after, in the write's own transaction. Clients' writes
 * and the server's own are not recorded, and stay one statement without whole-object reads.
 */
describe('audit trail', () => {
  let s: TestServer;
  const admin = Auth.admin({ adminId: 'adm1', email: 'ops@example.com', readOnly: false });

  function cloud(api: CloudApi) {
    api.define('stamp', async (req) => {
      const made = await req.data.create('Note', { title: 'from cloud' }, { useMasterKey: true });
      return made.id;
    });
  }

  const entries = async (objectId?: string): Promise<AuditEntry[]> => (await readAudit(s.plinth.db, { objectId, first: 500 })).entries;
  const count = async () => (await s.plinth.db.query<{ n: number }>('SELECT count(*)::int AS "n" FROM "_PlinthAudit"'))[0].n;

  beforeAll(async () => {
    s = await startTestServer({}, { cloud });
    await createClass(s, 'Note', 'addStrings: [{ name: "title" }], addNumbers: [{ name: "n" }], addDates: [{ name: "due" }]');
    await s.plinth.db.execute('DELETE FROM "_PlinthAudit"');
  });
  afterAll(() => s?.close());

  it('records a master-key create, update and delete through the API, with the whole object before and after', async () => {
    const created = await s.ok(`mutation { createNote(input: { fields: { title: "a", n: 1, due: "2030-01-02T03:04:05.000Z" } }) { note { objectId } } }`);
    const id = created.createNote.note.objectId as string;
    await s.ok(`mutation($id: ID!) { updateNote(input: { id: $id, fields: { n: 2 } }) { note { objectId } } }`, { id });
    await s.ok(`mutation($id: ID!) { deleteNote(input: { id: $id }) { note { objectId } } }`, { id });

    const [deleted, updated, create] = await entries(id);
    expect(create).toMatchObject({ actor: 'master key', action: 'create', className: 'Note', objectId: id, before: null });
    expect(create.after).toMatchObject({ objectId: id, title: 'a', n: 1, due: { __type: 'Date', iso: '2030-01-02T03:04:05.000Z' } });
    expect(typeof (create.after as Record<string, unknown>).createdAt).toBe('string');
    // The update wrote only n: both sides are still whole objects.
    expect(updated).toMatchObject({ action: 'update', before: { title: 'a', n: 1 }, after: { title: 'a', n: 2 } });
    expect(deleted).toMatchObject({ action: 'delete', after: null, before: { objectId: id, title: 'a', n: 2 } });
    expect(Date.parse(deleted.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('records a schema change made with the master key through the public API', async () => {
    await createClass(s, 'Ledger', 'addStrings: [{ name: "memo" }]');
    const [entry] = (await readAudit(s.plinth.db, { className: 'Ledger' })).entries;
    expect(entry).toMatchObject({ actor: 'master key', action: 'schema', className: 'Ledger', before: null });
    expect((entry.after as { fields: Record<string, unknown> }).fields.memo).toEqual({ type: 'String' });
  });

  it("records a dashboard admin's writes with its email", async () => {
    const o = await s.plinth.core.create(admin, 'Note', { title: 'by admin' });
    const [entry] = await entries(o.objectId);
    expect(entry).toMatchObject({ actor: 'ops@example.com', action: 'create', after: { title: 'by admin' } });
  });

  it('records cloud code writing with the master key as cloud code', async () => {
    const res = await s.anon(`mutation { callCloudCode(input: { functionName: stamp }) { result } }`);
    const id = res.data?.callCloudCode.result as string;
    const [entry] = await entries(id);
    expect(entry).toMatchObject({ actor: 'cloud code', action: 'create', after: { title: 'from cloud' } });
  });

  it("leaves no entry for clients' writes and the server's own", async () => {
    const before = await count();
    const res = await s.anon(`mutation { createNote(input: { fields: { title: "anon" } }) { note { objectId } } }`);
    const id = res.data?.createNote.note.objectId as string;
    await s.anon(`mutation($id: ID!) { updateNote(input: { id: $id, fields: { n: 5 } }) { note { objectId } } }`, { id });
    await s.plinth.core.update(Auth.master(), 'Note', id, { n: 6 });
    expect(await count()).toBe(before);
  });

  it("keeps a client's write one statement, without whole-object reads; an audited one reads both sides", async () => {
    const seen: string[] = [];
    const stop = s.plinth.db.onQuery((text) => seen.push(text));
    try {
      const o = await s.plinth.core.create(Auth.anonymous(), 'Note', { title: 'quiet' });
      await s.plinth.core.update(Auth.anonymous(), 'Note', o.objectId, { n: 1 });
      expect(seen.filter((t) => /_PlinthAudit|FOR UPDATE/.test(t))).toEqual([]);
      expect(seen.filter((t) => /^(BEGIN|COMMIT)/i.test(t))).toEqual([]);
      seen.length = 0;
      await s.plinth.core.update(Auth.masterKey(), 'Note', o.objectId, { n: 2 });
      expect(seen.some((t) => t.includes('FOR UPDATE'))).toBe(true);
      expect(seen.some((t) => t.includes('_PlinthAudit'))).toBe(true);
    } finally {
      stop();
    }
  });

  it("folds a create's entry into the create's own statement: no BEGIN or COMMIT, and a create that fails leaves none", async () => {
    const seen: string[] = [];
    const stop = s.plinth.db.onQuery((text) => seen.push(text));
    let created: { objectId: string };
    try {
      created = await s.plinth.core.create(Auth.masterKey(), 'Note', { title: 'one statement', n: 7 });
    } finally {
      stop();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^WITH .*INSERT INTO "_PlinthAudit".*\) INSERT INTO "Note"/s);
    const [entry] = await entries(created.objectId);
    expect(entry).toMatchObject({ actor: 'master key', action: 'create', className: 'Note', objectId: created.objectId, before: null });
    expect(entry.after).toMatchObject({ objectId: created.objectId, title: 'one statement', n: 7 });
    // The same username twice: the second INSERT fails on the unique index, and its entry with it.
    const before = await count();
    await s.plinth.core.create(Auth.masterKey(), '_User', { username: 'audited-twice', password: 'pw-123456' });
    const afterFirst = await count();
    expect(afterFirst).toBe(before + 1);
    await expect(s.plinth.core.create(Auth.masterKey(), '_User', { username: 'audited-twice', password: 'pw-123456' })).rejects.toMatchObject({ code: 202 });
    expect(await count()).toBe(afterFirst);
  });

  it('writes the entry in the same transaction: a write that rolls back leaves none', async () => {
    const before = await count();
    // A later hook of the class fails inside the transaction, after the audit hook wrote its entry.
    const off = s.plinth.hooks.register('Note', {
      inTransaction: async (op, tx) => {
        const [{ n }] = await tx.query<{ n: number }>('SELECT count(*)::int AS "n" FROM "_PlinthAudit" WHERE "object_id" = $1', [op.objectId]);
        expect(n).toBe(1); // visible inside the write's transaction
        throw new Error('refused inside the transaction');
      },
    });
    try {
      await expect(s.plinth.core.create(Auth.masterKey(), 'Note', { title: 'rolled back' })).rejects.toThrow('refused inside the transaction');
    } finally {
      off();
    }
    // An enclosing transaction that fails after the write.
    await expect(
      s.plinth.core.transaction(async (uow) => {
        await s.plinth.core.create(admin, 'Note', { title: 'also rolled back' }, { uow });
        throw new Error('later failure');
      }),
    ).rejects.toThrow('later failure');
    expect(await count()).toBe(before);
    const notes = await s.plinth.core.count(Auth.master(), 'Note', undefined);
    expect(notes).toBeGreaterThan(0);
  });

  it("never records a user's password or credentials", async () => {
    const u = await s.plinth.core.create(Auth.masterKey(), '_User', {
      username: 'alice',
      password: 'correct-horse-battery',
      email: 'alice@example.com',
      authData: { anonymous: { id: 'device-secret-id' } },
    });
    await s.plinth.core.update(Auth.masterKey(), '_User', u.objectId, { password: 'another-long-password' });
    const logged = await entries(u.objectId);
    expect(logged.map((e) => e.action)).toEqual(['update', 'create']);
    const text = JSON.stringify(logged);
    expect(text).not.toContain('correct-horse-battery');
    expect(text).not.toContain('another-long-password');
    expect(text).not.toContain('device-secret-id');
    expect(text).not.toMatch(/hashed_password|\$argon2/);
    expect(logged[1].after).toMatchObject({ username: 'alice', email: 'alice@example.com', authData: { anonymous: '[redacted]' } });
  });

  it('pages newest first by keyset, filtered by class or object', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await s.plinth.core.create(admin, 'Note', { title: `p${i}`, n: i })).objectId);
    const first = await readAudit(s.plinth.db, { className: 'Note', first: 3 });
    expect(first.entries.map((e) => e.objectId)).toEqual([ids[4], ids[3], ids[2]]);
    expect(first.next).not.toBeNull();
    const second = await readAudit(s.plinth.db, { className: 'Note', first: 2, after: first.next });
    expect(second.entries.map((e) => e.objectId)).toEqual([ids[1], ids[0]]);
    const one = await readAudit(s.plinth.db, { objectId: ids[2] });
    expect(one).toEqual({ entries: [expect.objectContaining({ objectId: ids[2] })], next: null });
    expect((await readAudit(s.plinth.db, { className: 'Nothing' })).entries).toEqual([]);
    await expect(readAudit(s.plinth.db, { after: '1; DROP TABLE x' })).rejects.toMatchObject({ code: 102 });
    await expect(readAudit(s.plinth.db, { first: 0 })).rejects.toMatchObject({ code: 102 });
  });

  it("records an admin's schema change with the class before and after, and refuses read-only and scoped admins", async () => {
    const store = s.plinth.schemaStore;
    await auditedSchemaChange(s.plinth.db, store, admin, 'Gadget', () =>
      store.createClass('Gadget', { addFields: { size: { type: 'Number' } }, removeFields: [] }),
    );
    await auditedSchemaChange(s.plinth.db, store, admin, 'Gadget', () =>
      store.updateClass('Gadget', { addFields: { color: { type: 'String' } }, removeFields: [] }),
    );
    const [updated, created] = (await readAudit(s.plinth.db, { className: 'Gadget' })).entries;
    expect(created).toMatchObject({
      actor: 'ops@example.com',
      action: 'schema',
      before: null,
      after: { className: 'Gadget', fields: { size: { type: 'Number' } } },
    });
    expect(updated.before).not.toHaveProperty('fields.color');
    expect(updated.after).toHaveProperty('fields.color', { type: 'String' });

    const readOnly = Auth.admin({ adminId: 'ro', email: 'ro@example.com', readOnly: true });
    const scoped = Auth.admin({ adminId: 'sc', email: 'sc@example.com', readOnly: false, classes: new Map([['Gadget', { write: true }]]) });
    for (const who of [readOnly, scoped]) {
      await expect(auditedSchemaChange(s.plinth.db, store, who, 'Gadget', () => store.deleteClass('Gadget'))).rejects.toMatchObject({ code: 119 });
    }
    expect(store.current.classes.has('Gadget')).toBe(true);
    expect((await readAudit(s.plinth.db, { className: 'Gadget' })).entries).toHaveLength(2);
  });

  it('removes entries older than the retention', async () => {
    await s.plinth.db.execute(`UPDATE "_PlinthAudit" SET "at" = now() - interval '100 days' WHERE "class_name" = 'Gadget'`);
    const removed = await sweepAudit(s.plinth.db, 90);
    expect(removed).toBe(2);
    expect((await readAudit(s.plinth.db, { className: 'Gadget' })).entries).toEqual([]);
    expect((await readAudit(s.plinth.db, { className: 'Note' })).entries.length).toBeGreaterThan(0);
  });
});
