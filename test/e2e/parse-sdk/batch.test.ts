import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, master, Parse, ref, seed, signUp, startSdkServer, type SdkServer } from './harness.ts';

// Parse.Object.saveAll and destroyAll: the SDK's batch requests (`POST batch`), in several
// batches, with a failure, and as one transaction.

let s: SdkServer;
beforeAll(async () => {
  s = await startSdkServer();
  await seed('Item', [{ n: 0, label: 'setup' }]);
});
afterAll(() => s?.close());

const items = (count: number, from = 1) =>
  Array.from({ length: count }, (_, i) => {
    const o = new Parse.Object('Item');
    o.set({ n: from + i, label: `item ${from + i}` });
    return o;
  });
/** The stored items numbered from `from` to `from + 99`. */
const stored = (from: number) =>
  new Parse.Query('Item')
    .greaterThanOrEqualTo('n', from)
    .lessThan('n', from + 100)
    .ascending('n')
    .find(master);

describe('saveAll', () => {
  it('creates several objects, in more than one batch, each with its id and dates', async () => {
    const list = items(7, 100);
    const saved = await Parse.Object.saveAll(list, { ...master, batchSize: 3 });
    expect(saved).toHaveLength(7);
    for (const o of saved) {
      expect(o.id).toMatch(/^[A-Za-z0-9]{10}$/);
      expect(o.createdAt).toBeInstanceOf(Date);
    }
    expect(new Set(saved.map((o) => o.id)).size).toBe(7);
    expect((await stored(100)).map((o) => o.get('n'))).toEqual([100, 101, 102, 103, 104, 105, 106]);
  });

  it('updates several objects, with operations, and creates and updates in one call', async () => {
    const [a, b] = await Parse.Object.saveAll(items(2, 200), master);
    a.increment('n', 1000);
    b.set('label', 'item 2-renamed');
    const fresh = items(1, 300)[0];
    await Parse.Object.saveAll([a, b, fresh], master);
    expect(a.get('n')).toBe(1200);
    expect(fresh.id).toBeDefined();
    expect((await new Parse.Query('Item').get(a.id!, master)).get('n')).toBe(1200);
    expect((await new Parse.Query('Item').get(b.id!, master)).get('label')).toBe('item 2-renamed');
  });

  it('saves nested new objects first (a pointer to an unsaved object)', async () => {
    const owner = new Parse.Object('Owner');
    owner.set('name', 'nested');
    const [x, y] = items(2, 400);
    x.set('owner', owner);
    y.set('owner', owner);
    await Parse.Object.saveAll([x, y], master);
    expect(owner.id).toBeDefined();
    const got = await new Parse.Query('Item').include('owner').get(y.id!, master);
    expect(got.get('owner').get('name')).toBe('nested');
  });

  it('a failing object fails the call with its error; without a transaction the others are saved', async () => {
    const [good1, bad, good2] = items(3, 500);
    bad.set('n', 'not a number');
    await expect(Parse.Object.saveAll([good1, bad, good2], master)).rejects.toMatchObject({ code: Parse.Error.INCORRECT_TYPE });
    expect((await stored(500)).map((o) => o.get('n'))).toEqual([500, 502]);
  });

  it('with transaction: true, one failure saves nothing', async () => {
    const [good1, bad, good2] = items(3, 600);
    bad.set('n', 'not a number');
    // The batch fails as a whole (400 with the failure); the SDK rejects with one error per object of it.
    const failure = await Parse.Object.saveAll([good1, bad, good2], { ...master, transaction: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const errors = [failure].flat() as Parse.Error[];
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).toMatchObject({ code: Parse.Error.INCORRECT_TYPE });
    expect(await stored(600)).toEqual([]);
    const ok = await Parse.Object.saveAll(items(3, 700), { ...master, transaction: true });
    expect(ok.every((o) => o.id)).toBe(true);
    expect(await stored(700)).toHaveLength(3);
  });

  it('each object of a batch is written with the caller rights', async () => {
    const user = await signUp('batcher');
    const locked = new Parse.Object('Item');
    locked.set({ n: 800, label: 'item 8 locked' });
    locked.setACL(new Parse.ACL());
    await locked.save(null, master);
    const mine = items(1, 801)[0];
    const edit = ref('Item', locked.id!);
    edit.set('label', 'item 8 hijacked');
    await expect(Parse.Object.saveAll([mine, edit], as(user))).rejects.toMatchObject({ code: Parse.Error.OBJECT_NOT_FOUND });
    expect(mine.id).toBeDefined();
    expect((await new Parse.Query('Item').get(locked.id!, master)).get('label')).toBe('item 8 locked');
  });
});

describe('destroyAll', () => {
  it('deletes several objects in batches', async () => {
    const list = await Parse.Object.saveAll(items(5, 900), master);
    await Parse.Object.destroyAll(list, { ...master, batchSize: 2 });
    expect(await stored(900)).toEqual([]);
  });

  it('reports the objects it could not delete (AGGREGATE_ERROR with each error) and deletes the rest', async () => {
    const [a, b] = await Parse.Object.saveAll(items(2, 1000), master);
    const ghost = ref('Item', 'nosuchobj1');
    const error = await Parse.Object.destroyAll([a, ghost, b], master).then(
      () => undefined,
      (e: Parse.Error & { errors?: (Parse.Error & { object?: Parse.Object })[] }) => e,
    );
    expect(error?.code).toBe(Parse.Error.AGGREGATE_ERROR);
    expect(error!.errors).toHaveLength(1);
    expect(error!.errors![0].code).toBe(Parse.Error.OBJECT_NOT_FOUND);
    expect(error!.errors![0].object?.id).toBe('nosuchobj1');
    expect(await stored(1000)).toEqual([]);
  });
});
