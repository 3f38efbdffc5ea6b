import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { ABANDONED_MESSAGE } from '../../src/db/index.ts';
import { CLOUD_JOB_QUEUE } from '../../src/cloud/jobs/index.ts';
import { eventually, migrated, registry, settled, startEngine, status, statuses, type Engine } from './jobs-harness.ts';

let database: TestDatabase | undefined;
const engines: Engine[] = [];

async function setup(): Promise<TestDatabase> {
  database = await createTestDatabase();
  await migrated(database.db);
  return database;
}

async function engine(...args: Parameters<typeof startEngine>): Promise<Engine> {
  const e = await startEngine(...args);
  engines.push(e);
  return e;
}

afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop().catch(() => undefined);
  await database?.drop();
  database = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('cloud jobs: runs and their status', () => {
  it('queues a run as pending, runs it, and records running, progress messages, success and finishedAt', async () => {
    const { db } = await setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: unknown[] = [];
    const e = await engine(
      db,
      registry((cloud) =>
        cloud.job('report', async (req) => {
          seen.push({ params: req.params, jobId: req.jobId, source: req.source, jobName: req.jobName });
          await req.message('half way');
          await gate;
        }),
      ),
    );
    const id = await e.jobs.runJob('report', { month: 3 });
    const running = await eventually(async () => ((await status(db, id))?.message === 'half way' ? status(db, id) : undefined), 10_000, 'the progress message');
    expect(running).toMatchObject({ jobName: 'report', source: 'api', status: 'running', params: { month: 3 }, finishedAt: null, _rperm: [] });
    expect(running!.startedAt).toBeInstanceOf(Date);
    release();
    const done = await settled(db, id);
    expect(done).toMatchObject({ status: 'succeeded', message: 'half way' });
    expect(done.finishedAt!.getTime()).toBeGreaterThanOrEqual(done.startedAt!.getTime());
    expect(seen).toEqual([{ params: { month: 3 }, jobId: id, source: 'api', jobName: 'report' }]);
  });

  it('a string result becomes the final message (Parse)', async () => {
    const { db } = await setup();
    const e = await engine(
      db,
      registry((cloud) => cloud.job('greet', async () => 'all done')),
    );
    expect(await settled(db, await e.jobs.runJob('greet'))).toMatchObject({ status: 'succeeded', message: 'all done' });
  });

  it('a throw fails the run with the error’s message, never its stack', async () => {
    const { db } = await setup();
    const e = await engine(
      db,
      registry((cloud) =>
        cloud.job('broken', async () => {
          throw new Error('the ledger does not balance');
        }),
      ),
    );
    const row = await settled(db, await e.jobs.runJob('broken'));
    expect(row).toMatchObject({ status: 'failed', message: 'the ledger does not balance' });
    expect(row.finishedAt).toBeInstanceOf(Date);
  });

  it('an unknown job is refused with Parse’s error, and nothing is queued', async () => {
    const { db } = await setup();
    const e = await engine(
      db,
      registry((cloud) => cloud.job('known', async () => undefined)),
    );
    await expect(e.jobs.runJob('unknown')).rejects.toMatchObject({ code: 141, message: 'Invalid job.' });
    expect((await db.raw.query(`SELECT count(*)::int AS "n" FROM "_JobStatus"`)).rows[0].n).toBe(0);
  });

  it('retries a failed run with growing delays, pending in between, until it succeeds', async () => {
    const { db } = await setup();
    const attempts: number[] = [];
    const e = await engine(
      db,
      registry((cloud) =>
        cloud.job(
          'flaky',
          async () => {
            attempts.push(Date.now());
            if (attempts.length < 3) throw new Error(`attempt ${attempts.length} failed`);
            return 'third time lucky';
          },
          { retries: 2, retryDelayMs: 1000 },
        ),
      ),
    );
    const id = await e.jobs.runJob('flaky');
    const between = await eventually(
      async () => {
        const row = await status(db, id);
        return row?.status === 'pending' && row.message?.startsWith('Attempt 1 failed') ? row : undefined;
      },
      5000,
      'the pending status between attempts',
    );
    expect(between.message).toBe('Attempt 1 failed: attempt 1 failed. Retrying.');
    expect(await settled(db, id, ['succeeded', 'failed'], 20_000)).toMatchObject({ status: 'succeeded', message: 'third time lucky' });
    expect(attempts).toHaveLength(3);
    // pg-boss's backoff: delay × 2^(n-1), plus up to as much again of jitter (whole seconds).
    expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(900);
    expect(attempts[2] - attempts[1]).toBeGreaterThanOrEqual(1900);
  }, 30_000);

  it('fails for good once the retries are used up', async () => {
    const { db } = await setup();
    let calls = 0;
    const e = await engine(
      db,
      registry((cloud) =>
        cloud.job(
          'doomed',
          async () => {
            calls++;
            throw new Error('still broken');
          },
          { retries: 1, retryDelayMs: 0 },
        ),
      ),
      { retries: 5 },
    );
    expect(await settled(db, await e.jobs.runJob('doomed'), ['failed'], 15_000)).toMatchObject({ status: 'failed', message: 'still broken' });
    expect(calls).toBe(2);
  }, 20_000);

  it('a run queued inside a transaction that rolls back leaves nothing: no status, no queued job, no run', async () => {
    const { db } = await setup();
    let ran = 0;
    const e = await engine(
      db,
      registry((cloud) => cloud.job('tx', async () => void ran++)),
    );
    await e.queue.prepare(CLOUD_JOB_QUEUE);
    await expect(
      db.transaction(async (tx) => {
        await e.jobs.runJob('tx', { a: 1 }, { tx });
        throw new Error('the write failed');
      }),
    ).rejects.toThrow('the write failed');
    let committed = '';
    await db.transaction(async (tx) => {
      committed = await e.jobs.runJob('tx', { a: 2 }, { tx });
    });
    expect(await settled(db, committed)).toMatchObject({ status: 'succeeded', params: { a: 2 } });
    expect((await statuses(db, 'tx')).map((r) => r.objectId)).toEqual([committed]);
    const { rows } = await db.raw.query(`SELECT count(*)::int AS "n" FROM pgboss.job WHERE name = $1`, [CLOUD_JOB_QUEUE]);
    expect(rows[0].n).toBe(1);
    expect(ran).toBe(1);
  });

  it('a run whose instance died is failed by the survivors, not left running', async () => {
    const { db } = await setup();
    const jobs = registry((cloud) => cloud.job('long', () => new Promise(() => undefined)));
    const doomed = await engine(db, jobs);
    const id = await doomed.jobs.runJob('long');
    await settled(db, id, ['running']);
    // What a kill -9 leaves: the run claimed (lease, active job, running status), and the
    // instance's liveness gone (its lock's connection closed, or its process ended).
    await (doomed.queue as unknown as { liveness: { stop(): Promise<void> } }).liveness.stop();
    // A survivor (or the restarted server) takes the run over as it starts.
    await engine(db, jobs);
    expect(await status(db, id)).toMatchObject({ status: 'failed', message: ABANDONED_MESSAGE });
    expect((await db.raw.query(`SELECT count(*)::int AS "n" FROM "_PlinthJobLease"`)).rows[0].n).toBe(0);
  });

  it('a dead instance’s run with retries left is queued again and run by a survivor', async () => {
    const { db } = await setup();
    let calls = 0;
    const jobs = registry((cloud) =>
      cloud.job('resilient', () => (++calls === 1 ? new Promise(() => undefined) : 'done elsewhere'), { retries: 1, retryDelayMs: 0 }),
    );
    const doomed = await engine(db, jobs);
    const id = await doomed.jobs.runJob('resilient');
    await settled(db, id, ['running']);
    await (doomed.queue as unknown as { liveness: { stop(): Promise<void> } }).liveness.stop();
    await doomed.jobs.stop();
    // The doomed instance claims nothing more (a dead process would not either).
    await (doomed.queue as unknown as { workers: Map<string, { stop(ms: number): Promise<unknown> }> }).workers.get(CLOUD_JOB_QUEUE)!.stop(0);
    await engine(db, jobs);
    expect(await settled(db, id, ['succeeded', 'failed'], 10_000)).toMatchObject({ status: 'succeeded', message: 'done elsewhere' });
    expect(calls).toBe(2);
  });

  it('a live instance’s runs are left alone by the others’ sweeps', async () => {
    const { db } = await setup();
    const jobs = registry((cloud) => cloud.job('long', () => new Promise((r) => setTimeout(r, 1500))));
    const a = await engine(db, jobs);
    const id = await a.jobs.runJob('long');
    await settled(db, id, ['running']);
    const b = await engine(db, jobs);
    expect(await b.queue.sweep()).toBe(0);
    expect(await status(db, id)).toMatchObject({ status: 'running' });
    expect(await settled(db, id)).toMatchObject({ status: 'succeeded' });
  });

  it('at stop, runs still going after the grace period are marked failed ("the server stopped")', async () => {
    const { db } = await setup();
    const e = await startEngine(
      db,
      registry((cloud) => cloud.job('endless', () => new Promise(() => undefined))),
      { graceMs: 200 },
    );
    const id = await e.jobs.runJob('endless');
    await settled(db, id, ['running']);
    const started = Date.now();
    await e.stop();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await status(db, id)).toMatchObject({ status: 'failed', message: 'the server stopped' });
  });

  it('at stop, a run that ends within the grace period succeeds', async () => {
    const { db } = await setup();
    const e = await startEngine(
      db,
      registry((cloud) => cloud.job('short', () => sleep(300))),
      { graceMs: 5000 },
    );
    const id = await e.jobs.runJob('short');
    await settled(db, id, ['running']);
    await e.stop();
    expect(await status(db, id)).toMatchObject({ status: 'succeeded' });
  });
});

describe('cloud jobs: schedules', () => {
  it('a schedule in the code runs on its ticks, once across two instances', async () => {
    const { db } = await setup();
    const runs: number[] = [];
    const jobs = registry((cloud) => cloud.job('tick', async () => void runs.push(Date.now()), { schedule: '* * * * * *' }));
    await engine(db, jobs);
    await engine(db, jobs);
    await sleep(3200);
    const rows = await statuses(db, 'tick');
    const ticks = (await db.raw.query(`SELECT "tick", "jobStatusId" FROM "_PlinthJobTick" WHERE "schedule" = 'code:tick' ORDER BY "tick"`)).rows;
    // 3.2 s of a once-a-second schedule: 3 ticks (4 if the first came right after start).
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(4);
    expect(rows).toHaveLength(ticks.length);
    expect(new Set(ticks.map((t) => t.jobStatusId))).toEqual(new Set(rows.map((r) => r.objectId)));
    expect(rows.every((r) => r.source === 'schedule')).toBe(true);
  });

  it('a schedule written to _JobSchedule at run time runs, with its params, and stops when deleted', async () => {
    const { db } = await setup();
    const e = await engine(
      db,
      registry((cloud) => cloud.job('nightly', async (req) => `ran with ${JSON.stringify(req.params)}`)),
      { pollMs: 200 },
    );
    await db.raw.query(
      `INSERT INTO "_JobSchedule" ("objectId", "jobName", "params", "cron", "timeZone", "createdAt", "updatedAt", "_rperm", "_wperm")
       VALUES ('sched1', 'nightly', '{"region":"eu"}', '* * * * * *', 'Europe/Paris', now(), now(), '{}', '{}')`,
    );
    const first = await eventually(async () => (await statuses(db, 'nightly'))[0], 5000, 'a scheduled run');
    expect(first).toMatchObject({ source: 'schedule', params: { region: 'eu' } });
    expect(await settled(db, first.objectId)).toMatchObject({ message: 'ran with {"region":"eu"}' });
    expect(((await db.raw.query(`SELECT "lastRun" FROM "_JobSchedule"`)).rows[0].lastRun as number) > 0).toBe(true);
    await db.raw.query(`DELETE FROM "_JobSchedule"`);
    await sleep(600);
    const count = (await statuses(db, 'nightly')).length;
    await sleep(1500);
    expect((await statuses(db, 'nightly')).length).toBe(count);
    const [view] = (await e.jobs.describeAll()).filter((d) => d.name === 'nightly');
    expect(view).toMatchObject({ registered: true, schedules: [], lastRun: { source: 'schedule' } });
  });

  it('describe shows each schedule with its next run, and the last run', async () => {
    const { db } = await setup();
    const e = await engine(
      db,
      registry((cloud) => cloud.job('weekly', async () => 'ok', { schedule: '0 0 9 * * 1', timeZone: 'America/New_York' })),
    );
    const id = await e.jobs.runJob('weekly');
    await settled(db, id);
    const view = await e.jobs.describe('weekly');
    expect(view).toMatchObject({ name: 'weekly', registered: true, lastRun: { objectId: id, status: 'succeeded', source: 'api', message: 'ok' } });
    expect(view!.schedules).toHaveLength(1);
    const [s] = view!.schedules;
    expect(s).toMatchObject({ origin: 'code', schedule: '0 0 9 * * 1', timeZone: 'America/New_York' });
    // Monday 09:00 in New York: 13:00 or 14:00 UTC.
    expect(s.nextRunAt!.getUTCDay()).toBe(1);
    expect([13, 14]).toContain(s.nextRunAt!.getUTCHours());
    expect(await e.jobs.describe('nothing')).toBeUndefined();
  });
});
