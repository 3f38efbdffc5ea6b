import type { JobsConfig } from '../../config/index.ts';
import type { Logger } from '../../config/logger.ts';
import type { Database, JobQueue, QueueJob, RawQueryable, Sql } from '../../db/index.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import { newObjectId, type HookRegistry } from '../../core/index.ts';
import type { CloudHolder } from '../holder.ts';
import type { JobEntry } from '../registry.ts';
import { registerScheduleHooks } from './schedule-hooks.ts';
import { ScheduleSources } from './schedules.ts';
import { Scheduler, type ScheduledJob } from './scheduler.ts';
import { INSERT_STATUS, LAST_RUNS } from './sql.ts';
import { CLOUD_JOB_QUEUE, messageWriter, statusHooks, type CloudJobData } from './status.ts';
import type { JobDescription, JobRunner, JobSource, JobState, RunSummary, ScheduleDescription } from './types.ts';

/** pg-boss fails an active job after its expiry; runs are timed by the cloud runtime, so this is only the backstop (its maximum is below 24 h). */
const RUN_EXPIRY_SECONDS = 23 * 3600;

export interface CloudJobsOptions {
  db: Database;
  /** The job engine, shared with the other kinds of background work. */
  queue: JobQueue;
  /** The cloud code in force: which jobs exist, with their handlers and options. */
  holder: CloudHolder;
  /** Runs a job's handler (the cloud runtime builds its request). */
  run: JobRunner;
  config: JobsConfig;
  /** Where `_JobSchedule` writes are checked and heard of. */
  hooks?: HookRegistry;
  logger?: Logger;
}

export interface RunJobOptions {
  /** Default `api`. */
  source?: JobSource;
  /** Queue the run inside this transaction (the caller's): no run if it rolls back. */
  tx?: Sql | RawQueryable;
}

/**
 * Cloud jobs: runs on demand (`runJob`) and on schedules — from the code and from
 * `_JobSchedule` — once across instances, on the shared job engine; each run is a `_JobStatus`
 * row in Parse's layout (pending → running → succeeded | failed, with progress messages).
 */
export class CloudJobs {
  readonly queue: JobQueue;
  private readonly sources: ScheduleSources;
  private readonly scheduler: Scheduler;
  private databaseSchedules: ScheduledJob[] = [];
  private working: Promise<void> | undefined;
  private readonly stops: (() => void)[] = [];

  constructor(private readonly options: CloudJobsOptions) {
    this.queue = options.queue;
    this.sources = new ScheduleSources(options.logger);
    this.queue.define(CLOUD_JOB_QUEUE, statusHooks);
    this.scheduler = new Scheduler({
      raw: options.db.raw,
      pollMs: options.config.pollMs,
      schedules: (reload) => this.schedulesInForce(reload),
      enqueue: (tx, schedule, statusId) => {
        const entry = this.options.holder.current.jobs.get(schedule.jobName);
        // Gone since the schedules were read: the claim rolls back.
        if (!entry) throw new ParseError(ErrorCode.SCRIPT_FAILED, 'Invalid job.');
        return this.enqueue(tx, entry, statusId, schedule.params, 'schedule');
      },
      enqueued: () => this.queue.notify(CLOUD_JOB_QUEUE),
      logger: options.logger,
    });
  }

  get holder(): CloudHolder {
    return this.options.holder;
  }

  /**
   * At server start (after the queue's start, which took over the runs dead instances left):
   * follows the cloud code — working the run queue and following schedules once it has jobs —
   * and checks `_JobSchedule` writes.
   */
  async start(): Promise<void> {
    if (this.options.hooks) this.stops.push(registerScheduleHooks(this.options.hooks, this.options.holder, () => this.scheduler.refresh()));
    this.stops.push(this.options.holder.onChange(() => this.follow()));
    this.follow();
    await this.working;
  }

  /** On every registry swap: start working once jobs exist, and re-read the schedules. */
  private follow(): void {
    if (this.options.holder.current.jobs.size === 0) return;
    this.working ??= this.queue
      .work<CloudJobData>(CLOUD_JOB_QUEUE, (job) => this.execute(job), { concurrency: this.options.config.concurrency })
      .catch((error) => {
        this.working = undefined;
        this.options.logger?.error({ err: error }, 'cloud jobs: the run queue could not be started');
      });
    this.scheduler.start();
    this.scheduler.refresh();
  }

  /**
   * Queues a run of `jobName` and returns its `_JobStatus` objectId; the run itself happens
   * later, on whichever instance claims it. 141 "Invalid job." for a job the code does not
   * define. The caller checks the master key.
   */
  async runJob(jobName: string, params: Record<string, unknown> = {}, options: RunJobOptions = {}): Promise<string> {
    const entry = this.options.holder.current.jobs.get(jobName);
    if (!entry) throw new ParseError(ErrorCode.SCRIPT_FAILED, 'Invalid job.');
    // The engine's first use runs statements of its own: not inside the transaction (PGlite has one session).
    await this.queue.prepare(CLOUD_JOB_QUEUE);
    const statusId = newObjectId();
    const source = options.source ?? 'api';
    if (options.tx) await this.enqueue(options.tx, entry, statusId, params, source);
    else {
      await this.options.db.raw.transaction((tx) => this.enqueue(tx, entry, statusId, params, source));
      this.queue.notify(CLOUD_JOB_QUEUE);
    }
    return statusId;
  }

  /** The run's status row and its queued job, in one transaction. */
  private async enqueue(tx: Sql | RawQueryable, entry: JobEntry, statusId: string, params: Record<string, unknown>, source: JobSource): Promise<void> {
    await tx.query(INSERT_STATUS, [statusId, entry.name, source, JSON.stringify(params ?? {})]);
    const data: CloudJobData = { statusId, jobName: entry.name, params, source };
    await this.queue.send(CLOUD_JOB_QUEUE, data, {
      tx,
      retries: entry.options.retries ?? this.options.config.retries,
      retryDelayMs: entry.options.retryDelayMs ?? this.options.config.retryDelayMs,
      backoff: true,
      expireInSeconds: RUN_EXPIRY_SECONDS,
    });
  }

  /** One attempt of a run, on the instance that claimed it (its status is `running` already). */
  private async execute(job: QueueJob<CloudJobData>): Promise<unknown> {
    const { statusId, jobName, params, source } = job.data;
    const entry = this.options.holder.current.jobs.get(jobName);
    // The code changed since the run was queued (or differs on this instance).
    if (!entry) throw new ParseError(ErrorCode.SCRIPT_FAILED, 'Invalid job.');
    return this.options.run(entry, {
      jobId: statusId,
      params: params ?? {},
      source,
      attempt: job.attempt,
      message: messageWriter(this.options.db.raw, statusId),
    });
  }

  private async schedulesInForce(reload: boolean): Promise<ScheduledJob[]> {
    const registry = this.options.holder.current;
    if (registry.jobs.size === 0) return [];
    if (reload) this.databaseSchedules = await this.sources.readDatabase(this.options.db.raw);
    return this.sources.inForce(registry, this.databaseSchedules);
  }

  /** The registry view of one job (also of a job only a `_JobSchedule` names); undefined when neither knows it. */
  async describe(jobName: string): Promise<JobDescription | undefined> {
    return (await this.describeAll()).find((d) => d.name === jobName);
  }

  /** Every job the code defines or a `_JobSchedule` names: its schedules with their next run, and its last run. */
  async describeAll(): Promise<JobDescription[]> {
    const registry = this.options.holder.current;
    const database = await this.sources.readDatabase(this.options.db.raw);
    const names = [...new Set([...registry.jobs.keys(), ...database.map((s) => s.jobName)])].sort();
    const { rows } = await this.options.db.raw.query(LAST_RUNS, [names]);
    const last = new Map(rows.map((r) => [r.jobName as string, r]));
    const now = new Date();
    const describeSchedule = (s: ScheduledJob): ScheduleDescription => ({
      origin: s.origin,
      id: s.id,
      schedule: s.compiled.text,
      timeZone: s.compiled.timeZone,
      nextRunAt: s.compiled.next(now),
    });
    return names.map((name) => {
      const entry = registry.jobs.get(name);
      const code = entry ? this.sources.codeSchedule(entry) : undefined;
      const row = last.get(name);
      return {
        name,
        registered: entry !== undefined,
        schedules: [...(code ? [code] : []), ...database.filter((s) => s.jobName === name)].map(describeSchedule),
        lastRun: row ? summary(row) : undefined,
      };
    });
  }

  /** At server stop, before the queue's: no more ticks are claimed here. */
  async stop(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    await this.scheduler.stop();
  }
}

const asDate = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

function summary(row: Record<string, unknown>): RunSummary {
  return {
    objectId: row.objectId as string,
    status: row.status as JobState,
    source: row.source as JobSource,
    message: (row.message as string | null) ?? null,
    createdAt: asDate(row.createdAt)!,
    startedAt: asDate(row.startedAt),
    finishedAt: asDate(row.finishedAt),
  };
}
