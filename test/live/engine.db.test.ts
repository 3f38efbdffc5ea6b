import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Auth } from '../../src/security/index.ts';
import { CLASS } from '../../src/core/index.ts';
import { createClass } from '../objects/helpers.ts';
import { settle, startLiveFixture, type LiveFixture } from './engine-fixture.ts';

/**
 * Event subscriptions (API.md "Beyond Parse"): which event a subscriber gets for a committed
 * write, from "matched before" and "matches after", through core writes on a test server.
 */
describe('live engine: events', () => {
  let f: LiveFixture;
  const master = Auth.master();

  beforeAll(async () => {
    f = await startLiveFixture();
    await createClass(
      f.s,
      'Item',
      'addStrings: [{ name: "title" }, { name: "color" }], addNumbers: [{ name: "n" }], addArrays: [{ name: "tags" }], addBooleans: [{ name: "flag" }]',
    );
  });
  afterAll(() => f?.close());

  const core = () => f.s.plinth.core;

  it('gives CREATE, UPDATE, LEAVE, ENTER and DELETE as the object moves in and out of the where', async () => {
    const all = f.subscribe(master, 'Item');
    const big = f.subscribe(master, 'Item', { where: { n: { greaterThan: 5 } } });
    const item = await core().create(master, 'Item', { title: 'a', n: 10 });
    await core().update(master, 'Item', item.objectId, { n: 7 });
    await core().update(master, 'Item', item.objectId, { n: 1 });
    await core().update(master, 'Item', item.objectId, { n: 9 });
    await core().create(master, 'Item', { title: 'small', n: 2 });
    await core().delete(master, 'Item', item.objectId);
    await settle(all, 6);
    expect(all.kinds).toEqual(['CREATE', 'UPDATE', 'UPDATE', 'UPDATE', 'CREATE', 'DELETE']);
    expect(big.kinds).toEqual(['CREATE', 'UPDATE', 'LEAVE', 'ENTER', 'DELETE']);
    const [created, updated, left, entered, deleted] = big.events;
    expect(created.object).toMatchObject({ objectId: item.objectId, title: 'a', n: 10 });
    expect(created.object[CLASS]).toBe('Item');
    expect(created.original).toBeUndefined();
    // The whole object after and before, though the update wrote only n.
    expect(updated.object).toMatchObject({ title: 'a', n: 7 });
    expect(updated.original).toMatchObject({ title: 'a', n: 10 });
    expect(left.object).toMatchObject({ n: 1 });
    expect(left.original).toMatchObject({ n: 7 });
    expect(entered.object).toMatchObject({ n: 9, title: 'a' });
    expect(entered.original).toMatchObject({ n: 1 });
    expect(deleted.object).toMatchObject({ objectId: item.objectId, title: 'a', n: 9 });
  });

  it('filters by the requested events', async () => {
    const all = f.subscribe(master, 'Item');
    const moves = f.subscribe(master, 'Item', { where: { color: { equalTo: 'red' } }, events: ['ENTER', 'LEAVE'] });
    const item = await core().create(master, 'Item', { color: 'red' });
    await core().update(master, 'Item', item.objectId, { color: 'blue' });
    await core().update(master, 'Item', item.objectId, { color: 'red' });
    await core().update(master, 'Item', item.objectId, { title: 'still red' });
    await core().delete(master, 'Item', item.objectId);
    await settle(all, 5);
    expect(moves.kinds).toEqual(['LEAVE', 'ENTER']);
  });

  it('decides wheres of several operator families in memory', async () => {
    const all = f.subscribe(master, 'Item');
    const cases = {
      inList: f.subscribe(master, 'Item', { where: { color: { in: ['red', 'green'] } } }),
      regex: f.subscribe(master, 'Item', { where: { title: { matchesRegex: '^ha', options: 'i' } } }),
      exists: f.subscribe(master, 'Item', { where: { flag: { exists: true } } }),
      array: f.subscribe(master, 'Item', { where: { tags: { contains: ['x', 'y'] } } }),
      or: f.subscribe(master, 'Item', {
        where: { OR: [{ n: { lessThan: 0 } }, { AND: [{ n: { greaterThanOrEqualTo: 100 } }, { color: { notEqualTo: 'red' } }] }] },
      }),
    };
    const writes: Record<string, unknown>[] = [
      { title: 'Hat', color: 'green', n: 100 }, // inList, regex, or
      { title: 'shoe', color: 'red', n: 100, flag: false }, // inList, exists
      { title: 'hack', tags: ['y', 'x', 'z'], n: -3 }, // regex, array, or
      { title: 'box', tags: ['x'], color: 'blue', n: 5 }, // none
    ];
    const ids: string[] = [];
    for (const w of writes) ids.push((await core().create(master, 'Item', w)).objectId);
    await settle(all, writes.length);
    const got = Object.fromEntries(Object.entries(cases).map(([k, p]) => [k, p.events.map((e) => ids.indexOf(e.object.objectId))]));
    expect(got).toEqual({ inList: [0, 1], regex: [0, 2], exists: [1], array: [2], or: [0, 2] });
  });

  it('carries only the fields asked for (objectId always)', async () => {
    const all = f.subscribe(master, 'Item');
    const narrow = f.subscribe(master, 'Item', { fields: ['title'] });
    await core().create(master, 'Item', { title: 'narrow', n: 3, color: 'red' });
    await settle(all, 1);
    await narrow.waitFor(1);
    expect(Object.keys(narrow.events[0].object).sort()).toEqual(['objectId', 'title']);
  });

  it('refuses a where that cannot be decided in memory with 102, and a missing class with 103', async () => {
    expect(() => f.subscribe(master, 'Item', { where: { title: { inQueryKey: { key: 'title', query: { className: 'Item', where: {} } } } } })).toThrowError(
      expect.objectContaining({ code: 102 }),
    );
    expect(() => f.s && f.hub.subscribe({ auth: master, className: 'Nope', where: { kind: 'const', value: true }, fields: [] })).toThrowError(
      expect.objectContaining({ code: 103 }),
    );
  });

  it('reads the whole object before and after an update, and before a delete, in the write statement itself', async () => {
    const item = await core().create(master, 'Item', { title: 'counted', n: 1, color: 'red' });
    const all = f.subscribe(master, 'Item');
    const statements: string[] = [];
    const stop = f.s.plinth.db.onQuery((sql) => statements.push(sql));
    try {
      await core().update(master, 'Item', item.objectId, { n: 2 });
      await core().delete(master, 'Item', item.objectId);
    } finally {
      stop();
    }
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/^UPDATE .* FOR UPDATE\) o WHERE .* RETURNING /s);
    expect(statements[1]).toMatch(/^DELETE FROM /);
    await settle(all, 2);
    expect(all.events[0].original).toMatchObject({ title: 'counted', n: 1, color: 'red' });
    expect(all.events[0].object).toMatchObject({ title: 'counted', n: 2, color: 'red' });
    expect(all.events[1].object).toMatchObject({ title: 'counted', n: 2, color: 'red' });
  });

  it('gives concurrent updates of one object originals that chain (each sees the row the previous one left)', async () => {
    const item = await core().create(master, 'Item', { n: 0 });
    const all = f.subscribe(master, 'Item', { where: { objectId: { equalTo: item.objectId } } });
    await Promise.all([1, 2, 3, 4, 5].map((n) => core().update(master, 'Item', item.objectId, { n })));
    await all.waitFor(5);
    const next = new Map(all.events.map((e) => [e.original!.n, e.object.n]));
    const chain = [0];
    while (next.has(chain[chain.length - 1]) && chain.length < 10) chain.push(next.get(chain[chain.length - 1]) as number);
    expect(chain.slice(1).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('serves a subscriber on another instance: its events, and the end of its session', async () => {
    const other = await f.otherInstance();
    const user = await f.user('elsewhere');
    const there = f.subscribe(user.auth, 'Item', { where: { color: { equalTo: 'teal' } } }, other);
    await core().create(master, 'Item', { color: 'teal', title: 'seen elsewhere' });
    await there.waitFor(1);
    expect(there.events[0]).toMatchObject({ event: 'CREATE', object: { title: 'seen elsewhere' } });
    await f.s.plinth.accounts.logOut(user.auth);
    expect(await there.endedWith()).toBe(209);
  });

  it('drops a subscriber that falls too far behind with an error, without holding up the others', async () => {
    const small = await f.otherInstance({ maxQueue: 2 });
    const slow = small.subscribe({ auth: master, className: 'Item', where: f.where('Item'), fields: [] });
    const fast = f.subscribe(master, 'Item', {}, small);
    for (const title of ['q1', 'q2', 'q3']) await core().create(master, 'Item', { title });
    await fast.waitFor(3);
    await expect(slow.next()).rejects.toMatchObject({ code: 155 });
    await expect(slow.next()).resolves.toMatchObject({ done: true });
  });

  it('stops yielding after return() and forgets the subscriber', async () => {
    const all = f.subscribe(master, 'Item');
    const gone = f.subscribe(master, 'Item');
    await gone.stop();
    await core().create(master, 'Item', { title: 'after return' });
    await settle(all, 1);
    expect(gone.events).toEqual([]);
    expect(gone.done).toBe(true);
  });
});
