import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.ts';
import type { Database } from '../../src/db/index.ts';
import { Readiness } from '../../src/server/routes/ready.ts';

// The decision behind GET /ready, with the database and Redis standing in (the database test
// health.db.test.ts runs it against real ones).
function logSink() {
  const lines: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk, _e, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger('info', sink) };
}

/** A database whose migrations count and failures the test decides; counts the statements it gets. */
function fakeDb(answer: () => Promise<number>) {
  const calls = { n: 0 };
  const db = { raw: { query: async () => (calls.n++, { rows: [{ n: await answer() }] }) } } as unknown as Database;
  return { db, calls };
}

describe('Readiness', () => {
  it('is ready when the database answers with its migrations and Redis is connected', async () => {
    const { db } = fakeDb(async () => 5);
    const readiness = new Readiness({ db, schemaVersion: () => '7', redisConnected: () => true, logger: logSink().logger });
    await readiness.start();
    expect(await readiness.check()).toEqual({ ready: true, checks: { database: 'ok', migrations: 'ok', schema: 'ok', redis: 'ok' }, schemaVersion: '7' });
  });

  it('is not ready while Redis is configured and unreachable, and says so', async () => {
    let connected = false;
    const { db } = fakeDb(async () => 5);
    const { lines, logger } = logSink();
    const readiness = new Readiness({ db, schemaVersion: () => '7', redisConnected: () => connected, logger });
    await readiness.start();
    expect(await readiness.check()).toMatchObject({ ready: false, reason: 'Redis is unreachable', checks: { database: 'ok', redis: 'unreachable' } });
    connected = true;
    expect((await readiness.check()).ready).toBe(true);
    expect(lines.map((l) => l.msg)).toEqual(['not ready: Redis is unreachable', 'ready again']);
  });

  it('is not ready when migrations it applied are gone (a database restored from an older backup)', async () => {
    let applied = 5;
    const { db } = fakeDb(async () => applied);
    const readiness = new Readiness({ db, schemaVersion: () => '1', logger: logSink().logger });
    await readiness.start();
    applied = 3;
    expect(await readiness.check()).toMatchObject({ ready: false, reason: 'database migrations are missing', checks: { migrations: 'missing' } });
    // More than it knows (a newer version migrated the database): still ready.
    applied = 6;
    expect((await readiness.check()).ready).toBe(true);
  });

  it('counts a database that does not answer within the time limit as unreachable', async () => {
    let hang = false;
    const { db } = fakeDb(() => (hang ? new Promise<number>(() => undefined) : Promise.resolve(1)));
    const readiness = new Readiness({ db, schemaVersion: () => '1', logger: logSink().logger, timeoutMs: 20 });
    await readiness.start();
    hang = true;
    expect(await readiness.check()).toMatchObject({
      ready: false,
      reason: 'the database is unreachable',
      checks: { database: 'unreachable', migrations: 'unknown' },
    });
  });

  it('answers probes that arrive together with one query', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    const { db, calls } = fakeDb(async () => {
      if (!first) await gate;
      first = false;
      return 1;
    });
    const readiness = new Readiness({ db, schemaVersion: () => '1', logger: logSink().logger });
    await readiness.start();
    const probes = [readiness.check(), readiness.check(), readiness.check()];
    release();
    const reports = await Promise.all(probes);
    expect(reports.every((r) => r.ready)).toBe(true);
    expect(calls.n).toBe(2); // start() and one check
  });

  it('is not ready once stopped (the server is shutting down)', async () => {
    const { db } = fakeDb(async () => 1);
    const readiness = new Readiness({ db, schemaVersion: () => '1', logger: logSink().logger });
    await readiness.start();
    readiness.stop();
    expect(await readiness.check()).toMatchObject({ ready: false, reason: 'shutting down' });
  });
});
