import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.ts';
import { migrate, openDatabase, type Database } from '../../src/db/index.ts';
import { MemoryBus, MemoryPubSub, RedisPubSub } from '../../src/live/pubsub/index.ts';
import { syncSchema } from '../../src/live/schema-sync.ts';
import type { PubSub } from '../../src/live/types.ts';
import { SchemaStore } from '../../src/schema/index.ts';
import { eventually, randomAppId } from '../conformance/pubsub.ts';
import { createTestDatabase, testDbKind, type TestDatabase } from '../helpers/database.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Far longer than any test here: a change that arrives came over pub/sub, not by polling. */
const SLOW_POLL_MS = 10 * 60_000;
const silent = createLogger('silent');

/**
 * Another instance's connection to the test database: its own pool on PostgreSQL; on PGlite
 * (one database in this process) the same one, which it must not close.
 */
async function anotherConnection(t: TestDatabase): Promise<Database> {
  if (t.url) return openDatabase({ url: t.url, poolSize: 2 });
  return new Proxy(t.db, { get: (target, key) => (key === 'close' ? async () => undefined : Reflect.get(target, key, target)) });
}

describe('schema changes broadcast over pub/sub', () => {
  let t: TestDatabase;
  const stops: (() => Promise<void>)[] = [];

  /** A Plinth instance's catalog: loaded, polling very slowly, synced over `pubsub` when given. */
  async function instance(pubsub?: PubSub, appId = 'app'): Promise<SchemaStore> {
    const db = await anotherConnection(t);
    const store = new SchemaStore(db, silent);
    await store.load();
    store.startPolling(SLOW_POLL_MS);
    stops.push(
      async () => store.stopPolling(),
      () => db.close(),
    );
    if (pubsub) stops.push(await syncSchema({ store, pubsub, appId, logger: silent }), () => pubsub.close());
    return store;
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    await migrate(t.db);
  });
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('a class created, changed and deleted through one instance reaches the other at once', async () => {
    const bus = new MemoryBus();
    const a = await instance(new MemoryPubSub(bus, silent));
    const b = await instance(new MemoryPubSub(bus, silent));
    const unsynced = await instance();

    await a.createClass('Shared', { addFields: { title: { type: 'String' } } });
    await eventually(() => b.getClass('Shared') !== undefined, 'the new class in the other instance');
    expect(b.current.version).toBe(a.current.version);
    expect(b.getClass('Shared')!.fields.title).toEqual({ type: 'String' });
    // An instance on the same database without the broadcast still waits for its poll.
    expect(unsynced.getClass('Shared')).toBeUndefined();

    await b.updateClass('Shared', { addFields: { score: { type: 'Number' } } });
    await eventually(() => a.getClass('Shared')?.fields.score !== undefined, 'the new field in the first instance');

    await a.deleteClass('Shared');
    await eventually(() => b.getClass('Shared') === undefined, 'the class to disappear from the other instance');
    expect(b.current.version).toBe(a.current.version);
  });

  it('tells listeners of the other instance, as a local change does', async () => {
    const bus = new MemoryBus();
    const a = await instance(new MemoryPubSub(bus, silent));
    const b = await instance(new MemoryPubSub(bus, silent));
    const heard: string[] = [];
    b.onChange((next) => heard.push(next.version));
    await a.createClass('Heard', {});
    await eventually(() => heard.includes(a.current.version), "b's listeners to hear the new version");
  });

  it('ignores other applications and malformed messages', async () => {
    const bus = new MemoryBus();
    const a = await instance(new MemoryPubSub(bus, silent), 'one');
    const b = await instance(new MemoryPubSub(bus, silent), 'two');
    const c = await instance(new MemoryPubSub(bus, silent), 'two');
    const noise = new MemoryPubSub(bus, silent);
    stops.push(() => noise.close());
    await noise.publish('plinth:two:schema', 'not json');
    await noise.publish('plinth:two:schema', JSON.stringify({ version: 'x' }));
    await c.createClass('OnlyTwo', {});
    await eventually(() => b.getClass('OnlyTwo') !== undefined, 'the class in the same application');
    expect(a.getClass('OnlyTwo')).toBeUndefined();
  });

  // Redis is the same seam (the conformance suite covers it); one end-to-end case is enough,
  // and PGlite cannot be shared by two processes anyway.
  it.skipIf(testDbKind() === 'pglite')('works over Redis (PostgreSQL only)', async () => {
    const appId = randomAppId();
    const [ra, rb] = [new RedisPubSub({ url: REDIS_URL, logger: silent }), new RedisPubSub({ url: REDIS_URL, logger: silent })];
    await eventually(() => ra.connected && rb.connected, `Redis at ${REDIS_URL} (the live tests need it)`).catch(async (error) => {
      await Promise.all([ra.close(), rb.close()]);
      throw error;
    });
    const a = await instance(ra, appId);
    const b = await instance(rb, appId);
    await a.createClass('OverRedis', { addFields: { n: { type: 'Number' } } });
    await eventually(() => b.getClass('OverRedis') !== undefined, 'the new class in the other instance');
    expect(b.current.version).toBe(a.current.version);
  });
});
