import { rmSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../helpers/database.ts';
import { CLASSES, createCrate, JOIN_CHECK, problems, readStored } from './fault-crates.ts';
import { startLoad, until } from './fault-load.ts';
import { ok } from './multi-cluster.ts';
import { buildOnce, startPlinth, tempDir, type PlinthProcess } from './process.ts';

// Issue 11 point 17: kill -9 under concurrent nested writes, then a restart on the same data.
// Many clients create crates, each with its lid (createAndLink) and its bottles (createAndAdd) in
// one mutation; the server is killed while dozens of those are in flight and started again with
// the same configuration, nothing done by hand in between. Every crate is then whole or absent:
// its pointer resolves, its relation holds exactly the bottles created with it, no lid or bottle
// is left without its crate, every write the server acknowledged is there — and the restarted
// server reads and writes as before. On PostgreSQL and on embedded PGlite with a data directory.

const APP_ID = 'faults-kill';
const MASTER_KEY = 'faults-kill-master-key-0123456789';
const master = { 'x-parse-application-id': APP_ID, 'x-parse-master-key': MASTER_KEY };
const WORKERS = 24;

const processes: PlinthProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  await buildOnce();
}, 180_000);

afterAll(async () => {
  for (const p of processes) await p.stop('SIGKILL');
  for (const c of cleanups) await c();
});

async function start(env: Record<string, string>): Promise<PlinthProcess> {
  const p = await startPlinth({ PLINTH_APP_ID: APP_ID, PLINTH_MASTER_KEY: MASTER_KEY, PLINTH_LOG_FORMAT: 'json', ...env }, 60_000);
  processes.push(p);
  return p;
}

interface Crash {
  /** tag → bottle count, for every createCrate sent. */
  sent: Map<string, number>;
  /** tag → objectId, for every createCrate the server acknowledged. */
  acknowledged: Map<string, string>;
  /** Requests the kill left without an answer. */
  cut: number;
}

/** Creates the classes, loads the server with nested creates and kills it (SIGKILL) once `ackBefore` were acknowledged, with requests in flight. */
async function killMidLoad(server: PlinthProcess, ackBefore: number): Promise<Crash> {
  for (const q of CLASSES) await ok(server.origin, q, master);
  const sent = new Map<string, number>();
  const load = startLoad(server.origin, WORKERS, (w, i) => {
    const tag = `w${w}-${i}`;
    const n = 1 + ((w + i) % 3);
    sent.set(tag, n);
    return createCrate(tag, n, master);
  });
  try {
    await until(`${ackBefore} acknowledged creates`, () => (load.count('ok') >= ackBefore ? true : undefined), 60_000, 5);
    // Wait for a moment with most workers' requests on the server, then kill in the same tick.
    await until('requests in flight', () => (load.inFlight() >= WORKERS / 2 ? true : undefined), 10_000, 1);
    server.child.kill('SIGKILL');
  } finally {
    await load.stop();
  }
  const exit = await server.exited;
  expect(exit.signal).toBe('SIGKILL');
  const unexpected = load.outcomes.filter((o) => o.kind !== 'ok' && o.kind !== 'cut');
  expect(unexpected, 'before the kill every request succeeds; at the kill they are cut, never answered wrongly').toEqual([]);
  const acknowledged = new Map<string, string>();
  for (const o of load.outcomes) if (o.kind === 'ok') acknowledged.set((o.meta as { tag: string }).tag, o.body.data.createCrate.crate.objectId);
  const cut = load.outcomes.filter((o) => o.kind === 'cut').length;
  console.info(`kill -9 with ${cut} requests cut: ${acknowledged.size} acknowledged of ${sent.size} sent`);
  return { sent, acknowledged, cut };
}

/** What every test checks after the restart, through the API with the master key. */
async function expectWholeOrAbsent(server: PlinthProcess, crash: Crash): Promise<number> {
  const stored = await readStored(server.origin, master);
  expect(problems(stored, crash.sent)).toEqual([]);
  const byTag = new Map(stored.crates.map((c) => [c.tag, c.objectId]));
  const lost = [...crash.acknowledged].filter(([tag, id]) => byTag.get(tag) !== id);
  expect(lost, 'acknowledged creates missing after the restart').toEqual([]);
  return stored.crates.length;
}

/** The restarted server writes and reads as before: a new nested create, and a nested relation add on a crate from before the crash. */
async function expectServing(server: PlinthProcess, crash: Crash): Promise<void> {
  const fresh = createCrate('after-restart', 2, master);
  const made = await ok(server.origin, fresh.query, master, fresh.variables);
  const id = made.createCrate.crate.objectId;
  const [oldTag, oldId] = [...crash.acknowledged][0]!;
  const n = crash.sent.get(oldTag)! + 1;
  await ok(
    server.origin,
    'mutation($id: ID!, $n: Float, $tag: String) { updateCrate(input: { id: $id, fields: { n: $n, bottles: { createAndAdd: [{ tag: $tag }] } } }) { crate { objectId } } }',
    master,
    { id: oldId, n, tag: oldTag },
  );
  const read = await ok(
    server.origin,
    'query($a: ID!, $b: ID!) { a: crate(id: $a) { tag lid { tag } bottles { count } } b: crate(id: $b) { tag n bottles { count } } }',
    master,
    { a: id, b: oldId },
  );
  expect(read.a).toEqual({ tag: 'after-restart', lid: { tag: 'after-restart' }, bottles: { count: 2 } });
  expect(read.b).toEqual({ tag: oldTag, n, bottles: { count: n } });
}

describe('kill -9 under concurrent nested writes, then restart on the same data', { timeout: 180_000 }, () => {
  it('PostgreSQL: every crate is whole or absent, acknowledged ones are all there, and the server serves as before', async () => {
    const database = await createPostgresDatabase();
    cleanups.push(() => database.drop());
    const dir = tempDir('faults-kill-pg');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = { DATABASE_URL: database.url, PLINTH_DATA_DIR: dir };

    const crash = await killMidLoad(await start(env), 150);
    expect(crash.cut, 'the kill cut requests in flight').toBeGreaterThan(0);

    const restarted = await start(env);
    const crates = await expectWholeOrAbsent(restarted, crash);
    expect(crates).toBeGreaterThanOrEqual(crash.acknowledged.size);
    // No join row points to a missing crate or bottle (the API would not show one).
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const [join] = (await client.query(JOIN_CHECK)).rows;
      expect(join.dangling).toBe(0);
      expect(join.rows).toBe(join.expected);
    } finally {
      await client.end();
    }
    await expectServing(restarted, crash);
    expect((await restarted.stop()).code).toBe(0);
  });

  it('PGlite with a data directory: the same, after the database itself died with the process', async () => {
    const dir = tempDir('faults-kill-pglite');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = { DATABASE_URL: '', PLINTH_DATA_DIR: dir };

    const crash = await killMidLoad(await start(env), 100);
    expect(crash.cut, 'the kill cut requests in flight').toBeGreaterThan(0);

    const restarted = await start(env);
    const crates = await expectWholeOrAbsent(restarted, crash);
    expect(crates).toBeGreaterThanOrEqual(crash.acknowledged.size);
    await expectServing(restarted, crash);
    expect((await restarted.stop()).code).toBe(0);

    // Only one process may open the data directory: the join rows are checked once the server has stopped.
    const db = await PGlite.create(path.join(dir, 'pglite'));
    try {
      const [join] = (await db.query<{ dangling: number; rows: number; expected: number }>(JOIN_CHECK)).rows;
      expect(join!.dangling).toBe(0);
      expect(join!.rows).toBe(join!.expected);
    } finally {
      await db.close();
    }
  });
});
