import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { openDatabase, type Database } from '../../src/db/index.ts';
import { createPlinth, type Plinth } from '../../src/server/app.ts';
import { APP_ID, MASTER_KEY, startTestServer, type TestServer } from '../helpers/server.ts';
import { clientFor, expectError, rootQueryFields } from './support.ts';

/**
 * A second Plinth on the same database: its own connection pool on PostgreSQL; on PGlite (one
 * process, one database) the same database object, which it must not close.
 */
async function secondInstance(first: TestServer): Promise<Plinth> {
  const db: Database = first.database.url
    ? await openDatabase({ url: first.database.url, poolSize: 4 })
    : new Proxy(first.database.db, { get: (target, key) => (key === 'close' ? async () => undefined : Reflect.get(target, key, target)) });
  // The default poll interval (500 ms), as a real deployment runs it.
  const config = loadConfig({}, { appId: APP_ID, masterKey: MASTER_KEY, dataDir: '/tmp/plinth-test-unused', logLevel: 'silent' });
  expect(config.schemaPollMs).toBe(500);
  return createPlinth(config, { db });
}

/** Milliseconds until `check` passes (polled every 20 ms), or fails after `limit` ms. */
async function timeUntil(check: () => Promise<boolean>, limit = 3000): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > limit) throw new Error(`not visible after ${limit} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('two Plinth instances on one database', () => {
  let a: TestServer;
  let b: Plinth;
  let bc: ReturnType<typeof clientFor>;
  beforeAll(async () => {
    a = await startTestServer();
    b = await secondInstance(a);
    bc = clientFor(b);
    // Both instances share this test process: one warm-up round, so that the timings below
    // measure the poll, not the first (cold) schema builds of a fresh process.
    await a.ok(`mutation { createClass(input: { name: "Warmup" }) { class { name } } }`);
    await timeUntil(async () => !(await bc.master(`{ warmups { count } }`)).errors);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a class created through one is queryable through the other within a second', async () => {
    await a.ok(`mutation { createClass(input: { name: "Shared", schemaFields: { addStrings: [{ name: "title" }] } }) { class { name } } }`);
    const ms = await timeUntil(async () => !(await bc.master(`{ shareds { count } }`)).errors);
    expect(ms).toBeLessThan(1000);
    await a.ok(`mutation { createShared(input: { fields: { title: "from a" } }) { shared { objectId } } }`);
    const d = await bc.ok(`{ shareds { edges { node { title } } } }`);
    expect(d.shareds.edges).toEqual([{ node: { title: 'from a' } }]);
    const cls = await bc.ok(`{ class(name: "Shared") { schemaFields { name } } }`);
    expect(cls.class.schemaFields.map((f: any) => f.name)).toContain('title');
  });

  it('a field added through one is usable through the other within a second', async () => {
    await a.ok(`mutation { updateClass(input: { name: "Shared", schemaFields: { addNumbers: [{ name: "score" }] } }) { class { name } } }`);
    const ms = await timeUntil(async () => !(await bc.master(`mutation { createShared(input: { fields: { score: 2 } }) { shared { score } } }`)).errors);
    expect(ms).toBeLessThan(1000);
  });

  it('a class deleted through one disappears from the other within a second', async () => {
    await bc.ok(`mutation { createClass(input: { name: "Brief" }) { class { name } } }`);
    await timeUntil(async () => (await rootQueryFields(clientFor(a.plinth))).includes('briefs'));
    await bc.ok(`mutation { deleteClass(input: { name: "Brief" }) { class { name } } }`);
    const ms = await timeUntil(async () => !(await rootQueryFields(clientFor(a.plinth))).includes('briefs'));
    expect(ms).toBeLessThan(1000);
    expectError(await a.master(`{ class(name: "Brief") { name } }`), 103, 'Class Brief does not exist.');
  });

  it('the same class created through both at once exists once', async () => {
    const [ra, rb] = await Promise.all([
      a.master(`mutation { createClass(input: { name: "Twin", schemaFields: { addStrings: [{ name: "x" }] } }) { class { name } } }`),
      bc.master(`mutation { createClass(input: { name: "Twin", schemaFields: { addNumbers: [{ name: "x" }] } }) { class { name } } }`),
    ]);
    const failed = [ra, rb].filter((r) => r.errors);
    expect(failed).toHaveLength(1);
    expectError(failed[0], 103, 'Class Twin already exists.');
  });

  it('colliding classes created through both at once: one is refused, neither is hidden', async () => {
    const [ra, rb] = await Promise.all([
      a.master(`mutation { createClass(input: { name: "Boat" }) { class { name } } }`),
      bc.master(`mutation { createClass(input: { name: "boat" }) { class { name } } }`),
    ]);
    const failed = [ra, rb].filter((r) => r.errors);
    expect(failed).toHaveLength(1);
    expectError(failed[0], 103, /cannot be exposed in GraphQL: its type name Boat is already used by class (Boat|boat)/);
    const winner = ra.errors ? 'boat' : 'Boat';
    for (const client of [clientFor(a.plinth), bc]) {
      await timeUntil(async () => !(await client.master(`{ boats { count } }`)).errors);
      const d = await client.ok(`{ classes { name } }`);
      expect(d.classes.map((c: any) => c.name).filter((n: string) => n.toLowerCase() === 'boat')).toEqual([winner]);
    }
  });
});
