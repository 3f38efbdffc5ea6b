import type { Logger } from '../../config/logger.ts';
import type { RawQueryable, RawSql } from '../../db/index.ts';
import { newObjectId } from '../../core/index.ts';
import type { CompiledSchedule } from './schedule-spec.ts';
import { CLAIM_TICKS, PRUNE_TICKS, SET_LAST_RUN } from './sql.ts';

/** A schedule of a job, compiled: from the code (`cloud.job(…, {schedule})`) or a `_JobSchedule` object. */
export interface ScheduledJob {
  /** Identifies the schedule across instances: `code:<job>` or `db:<objectId>`. */
  key: string;
  jobName: string;
  origin: 'code' | 'database';
  /** The `_JobSchedule` objectId. */
  id?: string;
  params: Record<string, unknown>;
  compiled: CompiledSchedule;
}

export interface SchedulerDeps {
  raw: RawSql;
  /** How often the schedules of the database are read again (and the longest sleep). */
  pollMs: number;
  /** The schedules in force now (code and database), for jobs registered on this instance. */
  schedules(reload: boolean): Promise<ScheduledJob[]>;
  /** Queues the run of a tick this instance won, inside the claiming transaction. */
  enqueue(tx: RawQueryable, schedule: ScheduledJob, statusId: string): Promise<void>;
  /** After a claim committed: start the run here at once. */
  enqueued(): void;
  logger?: Logger;
}

/** Ticks found due in one look are claimed together but run once (missed ticks are not replayed). */
const MAX_TICKS_PER_LOOK = 1000;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Turns schedules into runs, once across instances: every instance computes the ticks (croner)
 * and wakes when one is due; it claims the tick by inserting (schedule, tick) under a primary key
 * and, only when its insert won, queues the run in the same transaction. Ticks passed while the
 * loop was held up are claimed too, so no other instance runs them, but make a single run.
 * A schedule is followed from the moment this instance first sees it.
 */
export class Scheduler {
  /** Per schedule key: the time up to which ticks were looked at. */
  private readonly since = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private cycle: Promise<void> | undefined;
  private lastReload = 0;
  private reloadAsked = true;
  private lastPrune = 0;
  private stopped = true;

  constructor(private readonly deps: SchedulerDeps) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.wakeAt(0);
  }

  /** Reads the schedules again now (a `_JobSchedule` was written here, or the cloud code changed). */
  refresh(): void {
    this.reloadAsked = true;
    if (!this.stopped && !this.cycle) this.wakeAt(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.cycle;
  }

  private wakeAt(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.cycle = this.look()
          .catch((error) => this.deps.logger?.warn({ err: error }, 'job scheduler: a look at the schedules failed'))
          .finally(() => {
            this.cycle = undefined;
            if (!this.stopped && !this.timer) this.wakeAt(this.nextDelay());
          });
      },
      Math.max(0, delayMs),
    );
    this.timer.unref();
  }

  private next: number | undefined;

  private nextDelay(): number {
    const now = Date.now();
    // A tick is claimed only once its time has passed: wake just after it.
    const untilTick = this.next === undefined ? Infinity : this.next - now + 2;
    return Math.min(untilTick, this.reloadAsked ? 0 : this.deps.pollMs - (now - this.lastReload));
  }

  private async look(): Promise<void> {
    const now = Date.now();
    const reload = this.reloadAsked || now - this.lastReload >= this.deps.pollMs;
    this.reloadAsked = false;
    const schedules = await this.deps.schedules(reload);
    if (reload) this.lastReload = now;
    const present = new Set(schedules.map((s) => s.key));
    for (const key of this.since.keys()) if (!present.has(key)) this.since.delete(key);
    let claimed = false;
    let next: number | undefined;
    for (const schedule of schedules) {
      const from = this.since.get(schedule.key) ?? now;
      const ticks: Date[] = [];
      let tick = schedule.compiled.next(new Date(from));
      while (tick && tick.getTime() <= now && ticks.length < MAX_TICKS_PER_LOOK) {
        ticks.push(tick);
        tick = schedule.compiled.next(tick);
      }
      if (ticks.length) {
        try {
          if (await this.claim(schedule, ticks)) claimed = true;
        } catch (error) {
          this.deps.logger?.warn({ err: error, job: schedule.jobName, schedule: schedule.key }, 'job scheduler: could not claim a tick');
          // Left unclaimed here: looked at again next time (another instance may win it meanwhile).
          this.since.set(schedule.key, from);
          continue;
        }
      }
      this.since.set(schedule.key, now);
      if (tick && (next === undefined || tick.getTime() < next)) next = tick.getTime();
    }
    this.next = next;
    if (claimed) this.deps.enqueued();
    if (now - this.lastPrune >= PRUNE_EVERY_MS && schedules.length) {
      this.lastPrune = now;
      await this.deps.raw.query(PRUNE_TICKS);
    }
  }

  /** Claims `ticks` of one schedule; true when this instance won at least one and queued the run. */
  private claim(schedule: ScheduledJob, ticks: Date[]): Promise<boolean> {
    const statusId = newObjectId();
    return this.deps.raw.transaction(async (tx) => {
      const { rows } = await tx.query(CLAIM_TICKS, [schedule.key, ticks.map((t) => t.toISOString()), statusId]);
      if (rows.length === 0) return false;
      await this.deps.enqueue(tx, schedule, statusId);
      if (schedule.id) await tx.query(SET_LAST_RUN, [schedule.id, Date.now()]);
      return true;
    });
  }
}
