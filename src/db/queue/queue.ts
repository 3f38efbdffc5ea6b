import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Logger } from '../../config/logger.ts';
import type { Database } from '../database.ts';
import type { RawQueryable } from '../raw.ts';
import { rawBossDb, sqlBossDb } from './boss-db.ts';
import { AdvisoryLockLiveness, ProcessLiveness, type Liveness } from './liveness.ts';
import { INSERT_LEASES, OTHER_HOLDERS, RELEASE_LEASE, TAKE_LEASES } from './sql.ts';
import type { Outcome, QueueHooks, QueueJob, SendOptions, WorkHandler, WorkOptions } from './types.ts';
import { QueueWorker } from './worker.ts';

/** pg-boss's schema in the database: created and upgraded by pg-boss itself. */
export const ENGINE_SCHEMA = 'pgboss';

export interface JobQueueOptions {
  /** This instance's id (a random UUID by default): leases and the liveness lock carry it. */
  instanceId?: string;
  /** How often an idle worker looks for queued jobs. */
  pollMs: number;
  /** How often leases of dead instances are looked for. */
  sweepMs: number;
  /** At stop, how long runs in progress may finish. */
  graceMs: number;
  logger?: Logger;
}

export const ABANDONED_MESSAGE = 'the instance running the job stopped';
export const STOPPED_MESSAGE = 'the server stopped';

/** The message a thrown value is reported with: an error's message, never its stack. */
export function messageOf(error: unknown): string {
  if (typeof error === 'string' && error) return error;
  const message = (error as { message?: unknown })?.message;
  return typeof message === 'string' && message ? message : 'the job failed';
}

type BossJob = PgBoss.JobWithMetadata<unknown>;

function toQueueJob<T>(queue: string, job: BossJob): QueueJob<T> {
  const data = typeof job.data === 'string' ? JSON.parse(job.data) : job.data;
  return { id: job.id, queue, data: data as T, attempt: job.retryCount + 1, retriesLeft: job.retryCount < job.retryLimit };
}

/**
 * The PostgreSQL job engine every kind of background work shares (DESIGN.md, decision 10):
 * pg-boss for the queue itself — storage, SKIP LOCKED fetching, retries with backoff, expiry,
 * archiving — over the database's raw driver, so it runs on PostgreSQL and on embedded PGlite
 * alike. Around it, what pg-boss leaves to its users: a job is claimed together with a lease
 * naming this instance (and the queue's `onClaimed` writes), and settled together with its
 * `onSettled` writes, each in one transaction; a lease whose instance died is failed (or
 * retried) by the survivors at once, instead of after the job's expiry.
 *
 * pg-boss starts lazily, on the first send, work or takeover, so a server without background
 * work never creates its tables.
 */
export class JobQueue {
  readonly instanceId: string;
  private readonly liveness: Liveness;
  private readonly hooks = new Map<string, QueueHooks<any>>();
  private readonly workers = new Map<string, QueueWorker<any>>();
  private readonly queues = new Map<string, Promise<void>>();
  private engine: Promise<PgBoss> | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly options: JobQueueOptions,
  ) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.liveness = db.raw.openSession ? new AdvisoryLockLiveness(this.instanceId, db.raw, options.logger) : new ProcessLiveness(this.instanceId);
  }

  /**
   * At server start, once every queue's hooks are defined (`define`): takes over the jobs that
   * dead instances left (a process killed mid-job, and on PGlite every job left running by the
   * previous process), then keeps doing so every `sweepMs`.
   */
  async start(): Promise<void> {
    this.stopped = false;
    await this.sweep();
    this.sweeper = setInterval(() => {
      this.sweep().catch((error) => this.options.logger?.warn({ err: error }, 'job engine: sweep failed'));
    }, this.options.sweepMs);
    this.sweeper.unref();
  }

  /** Sets what is written with a queue's claims and settlements (see QueueHooks); one set per queue. */
  define<T>(queue: string, hooks: QueueHooks<T>): void {
    this.hooks.set(queue, hooks);
  }

  /**
   * Queues a job and returns its id. With `tx`, the job is written in the caller's transaction
   * and exists only if that commits (call `notify(queue)` after the commit to start it here at
   * once; otherwise a worker finds it within a poll).
   */
  async send<T>(queue: string, data: T, options: SendOptions = {}): Promise<string> {
    const boss = await this.ensureQueue(queue);
    const sendOptions: PgBoss.SendOptions = {
      retryLimit: options.retries ?? 0,
      retryDelay: Math.ceil((options.retryDelayMs ?? 0) / 1000),
      retryBackoff: options.backoff ?? true,
    };
    // pg-boss checks an option as soon as its key is present, even when undefined.
    if (options.id !== undefined) sendOptions.id = options.id;
    if (options.startAfter !== undefined) sendOptions.startAfter = options.startAfter;
    if (options.expireInSeconds !== undefined) sendOptions.expireInSeconds = options.expireInSeconds;
    if (options.tx) sendOptions.db = 'execute' in options.tx ? sqlBossDb(options.tx) : rawBossDb(options.tx);
    // The data goes as JSON text: the driver adapter of a caller's transaction takes no objects.
    const id = await boss.send(queue, JSON.stringify(data ?? null) as unknown as object, sendOptions);
    if (!id) throw new Error(`job engine: the job was not queued on ${queue}`);
    if (!options.tx) this.notify(queue);
    return id;
  }

  /** Wakes this instance's worker of `queue` (work was queued), if it has one. */
  notify(queue: string): void {
    this.workers.get(queue)?.notify();
  }

  /**
   * Runs the jobs of `queue` on this instance, `concurrency` at a time, until stop. A handler's
   * result completes the job; a throw fails it, to be retried while attempts are left.
   */
  async work<T>(queue: string, handler: WorkHandler<T>, options: WorkOptions = {}): Promise<void> {
    if (this.stopped) throw new Error('job engine: stopped');
    if (this.workers.has(queue)) throw new Error(`job engine: ${queue} already has a worker`);
    const boss = await this.ensureQueue(queue);
    const worker = new QueueWorker<T>({
      queue,
      concurrency: options.concurrency ?? 1,
      pollMs: this.options.pollMs,
      claim: (n) => this.claim<T>(boss, queue, n),
      run: (job) => this.run(boss, job, handler),
      logger: this.options.logger,
    });
    this.workers.set(queue, worker);
    worker.start();
  }

  private async claim<T>(boss: PgBoss, queue: string, n: number): Promise<QueueJob<T>[]> {
    return this.db.raw.transaction(async (tx) => {
      const jobs = (await boss.fetch(queue, { batchSize: n, includeMetadata: true, db: rawBossDb(tx) })) as BossJob[];
      if (jobs.length === 0) return [];
      await tx.query(INSERT_LEASES, [queue, jobs.map((j) => j.id), this.instanceId]);
      const claimed = jobs.map((j) => toQueueJob<T>(queue, j));
      const hooks = this.hooks.get(queue);
      if (hooks?.onClaimed) for (const job of claimed) await hooks.onClaimed(job, tx);
      return claimed;
    });
  }

  private async run<T>(boss: PgBoss, job: QueueJob<T>, handler: WorkHandler<T>): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = { ok: true, result: await handler(job) };
    } catch (error) {
      outcome = { ok: false, message: messageOf(error), retrying: job.retriesLeft };
    }
    try {
      await this.settle(boss, job, outcome);
    } catch (error) {
      // The lease stays: the job is settled by the engine's expiry, or by a survivor once this
      // instance is gone.
      this.options.logger?.error({ err: error, queue: job.queue, jobId: job.id }, 'job engine: could not record the end of a job');
    }
  }

  /** Completes or fails a job this instance holds, with its queue's `onSettled`, in one transaction; false when the lease was gone. */
  private settle<T>(boss: PgBoss, job: QueueJob<T>, outcome: Outcome): Promise<boolean> {
    return this.db.raw.transaction(async (tx) => {
      const { rows } = await tx.query(RELEASE_LEASE, [job.queue, job.id, this.instanceId]);
      if (rows.length === 0) return false;
      const db = rawBossDb(tx);
      if (outcome.ok) await boss.complete(job.queue, job.id, null as unknown as object, { db });
      else await boss.fail(job.queue, job.id, { message: outcome.message }, { db });
      await this.hooks.get(job.queue)?.onSettled?.(job, outcome, tx);
      return true;
    });
  }

  /**
   * Fails (or retries) the jobs of instances that are gone, with their queues' `onSettled`;
   * returns how many it took over. Runs at start and every `sweepMs`; overlapping calls share one run.
   */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<number> {
    const { rows } = await this.db.raw.query(OTHER_HOLDERS, [this.instanceId]);
    if (rows.length === 0) return 0;
    // Before any transaction: on PGlite a statement outside the open transaction would wait for it.
    const boss = await this.ensureEngine();
    let taken = 0;
    for (const { instanceId } of rows as { instanceId: string }[]) {
      taken += await this.db.raw.transaction(async (tx) => {
        if (!(await this.liveness.isGone(instanceId, tx))) return 0;
        return this.takeOver(boss, instanceId, tx);
      });
    }
    if (taken) this.options.logger?.warn({ jobs: taken }, 'job engine: took over the jobs of instances that stopped');
    return taken;
  }

  private async takeOver(boss: PgBoss, instanceId: string, tx: RawQueryable): Promise<number> {
    const { rows } = await tx.query(TAKE_LEASES, [instanceId]);
    const db = rawBossDb(tx);
    let taken = 0;
    for (const { queue, jobId } of rows as { queue: string; jobId: string }[]) {
      const found = (await boss.getJobById(queue, jobId, { db, includeArchive: false })) as BossJob | null;
      if (found?.state !== 'active') continue;
      const job = toQueueJob(queue, found);
      await boss.fail(queue, jobId, { message: ABANDONED_MESSAGE }, { db });
      await this.hooks.get(queue)?.onSettled?.(job, { ok: false, message: ABANDONED_MESSAGE, retrying: job.retriesLeft }, tx);
      taken++;
    }
    return taken;
  }

  /**
   * At server stop: stops claiming, lets runs in progress finish for `graceMs`, then fails the
   * rest ("the server stopped"; retried elsewhere while attempts are left), and stops the engine.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    await this.sweeping?.catch(() => undefined);
    const workers = [...this.workers.values()];
    this.workers.clear();
    const left = (await Promise.all(workers.map((w) => w.stop(this.options.graceMs)))).flat();
    if (this.engine) {
      const boss = await this.engine.catch(() => undefined);
      for (const job of left) {
        await this.settle(boss!, job, { ok: false, message: STOPPED_MESSAGE, retrying: job.retriesLeft }).catch((error) =>
          this.options.logger?.error({ err: error, queue: job.queue, jobId: job.id }, 'job engine: could not record a job stopped by the shutdown'),
        );
      }
      await boss?.stop({ graceful: false, close: false, wait: true }).catch(() => undefined);
    }
    await this.liveness.stop();
  }

  /** pg-boss, started once: its schema is created or upgraded by the first instance that needs it. */
  private ensureEngine(): Promise<PgBoss> {
    this.engine ??= (async () => {
      // The lock comes first: no lease may name this instance before it can be seen alive.
      await this.liveness.start();
      const boss = new PgBoss({ db: rawBossDb(this.db.raw), schema: ENGINE_SCHEMA, migrate: true, supervise: true, schedule: false });
      boss.on('error', (error) => this.options.logger?.warn({ err: error }, 'job engine: pg-boss reported an error'));
      await boss.start();
      return boss;
    })();
    this.engine.catch(() => (this.engine = undefined));
    return this.engine;
  }

  /** Starts the engine and creates `queue` if needed: before a `send` inside a transaction on PGlite. */
  async prepare(queue: string): Promise<void> {
    await this.ensureQueue(queue);
  }

  private async ensureQueue(queue: string): Promise<PgBoss> {
    const boss = await this.ensureEngine();
    let created = this.queues.get(queue);
    if (!created) {
      created = boss.createQueue(queue);
      this.queues.set(queue, created);
      created.catch(() => this.queues.delete(queue));
    }
    await created;
    return boss;
  }
}
