import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { JobQueue, type Outcome, type QueueJob } from '../../src/db/index.ts';
import { eventually, migrated, silent } from './jobs-harness.ts';

// The job engine as internal queues use it (webhook delivery, push batches): send — also inside
// a caller's transaction — and work, with the queue's hooks written in the engine's transactions.

let database: TestDatabase | undefined;
const queues: JobQueue[] = [];

async function setup(): Promise<{ db: TestDatabase['db']; queue: JobQueue }> {
  database = await createTestDatabase();
  await migrated(database.db);
  const queue = new JobQueue(database.db, { pollMs: 100, sweepMs: 60_000, graceMs: 200, logger: silent });
  queues.push(queue);
  await queue.start();
  return { db: database.db, queue };
}

afterEach(async () => {
  for (const q of queues.splice(0)) await q.stop().catch(() => undefined);
  await database?.drop();
  database = undefined;
});

describe('the job engine for internal queues', () => {
  it('a job sent inside a transaction exists only if it commits, and then runs with its data', async () => {
    const { db, queue } = await setup();
    const seen: QueueJob<{ to: string }>[] = [];
    await queue.work<{ to: string }>('webhooks', async (job) => void seen.push(job));
    await queue.prepare('webhooks');
    await expect(
      db.transaction(async (tx) => {
        await queue.send('webhooks', { to: 'https://rolled.back' }, { tx });
        throw new Error('the write failed');
      }),
    ).rejects.toThrow('the write failed');
    await db.transaction(async (tx) => {
      await queue.send('webhooks', { to: 'https://committed' }, { tx });
    });
    queue.notify('webhooks');
    await eventually(async () => seen.length > 0, 5000, 'the committed job to run');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.map((j) => j.data)).toEqual([{ to: 'https://committed' }]);
    expect(seen[0]).toMatchObject({ queue: 'webhooks', attempt: 1, retriesLeft: false });
  });

  it('runs up to `concurrency` jobs of a queue at once on one instance', async () => {
    const { queue } = await setup();
    let running = 0;
    let most = 0;
    let done = 0;
    await queue.work(
      'push',
      async () => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 200));
        running--;
        done++;
      },
      { concurrency: 3 },
    );
    for (let i = 0; i < 6; i++) await queue.send('push', { batch: i });
    await eventually(async () => done === 6, 10_000, 'six jobs');
    expect(most).toBe(3);
  });

  it('settles each attempt with the queue’s hooks: a failure to retry, then the success', async () => {
    const { db, queue } = await setup();
    const outcomes: { attempt: number; outcome: Outcome }[] = [];
    queue.define<{ n: number }>('mail', {
      async onSettled(job, outcome, tx) {
        // Inside the engine's transaction: a statement here commits with the settlement.
        await tx.query('SELECT 1');
        outcomes.push({ attempt: job.attempt, outcome });
      },
    });
    let calls = 0;
    await queue.work('mail', async () => {
      if (++calls === 1) throw new Error('smtp refused');
      return 'sent';
    });
    await queue.send('mail', { n: 1 }, { retries: 1, retryDelayMs: 0 });
    await eventually(async () => outcomes.length === 2, 10_000, 'two attempts');
    expect(outcomes).toEqual([
      { attempt: 1, outcome: { ok: false, message: 'smtp refused', retrying: true } },
      { attempt: 2, outcome: { ok: true, result: 'sent' } },
    ]);
    expect((await db.raw.query(`SELECT count(*)::int AS "n" FROM "_PlinthJobLease"`)).rows[0].n).toBe(0);
  });
});
