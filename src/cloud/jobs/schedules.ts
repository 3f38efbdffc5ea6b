import type { Logger } from '../../config/logger.ts';
import type { RawQueryable } from '../../db/index.ts';
import type { CloudRegistry, JobEntry } from '../registry.ts';
import { compileSchedule } from './schedule-spec.ts';
import type { ScheduledJob } from './scheduler.ts';
import { READ_SCHEDULES } from './sql.ts';

/** A `_JobSchedule` row as stored. */
interface ScheduleRow {
  objectId: string;
  jobName: string | null;
  params: string | null;
  cron: string | null;
  timeZone: string | null;
  startAfter: string | null;
  repeatMinutes: number | null;
  timeOfDay: string | null;
  daysOfWeek: unknown;
}

/**
 * The schedules of the code and of the database, compiled once per definition. A schedule
 * that cannot be compiled is reported once and left out; the others run.
 */
export class ScheduleSources {
  private readonly fromCode = new WeakMap<JobEntry, ScheduledJob | null>();
  private fromDatabase = new Map<string, { signature: string; schedule: ScheduledJob | null }>();

  constructor(private readonly logger?: Logger) {}

  /** The schedule a job's code gives it (`cloud.job(name, handler, {schedule, timeZone})`). */
  codeSchedule(entry: JobEntry): ScheduledJob | undefined {
    let schedule = this.fromCode.get(entry);
    if (schedule === undefined) {
      schedule = null;
      if (entry.options.schedule) {
        try {
          const compiled = compileSchedule({ cron: entry.options.schedule, timeZone: entry.options.timeZone });
          schedule = { key: `code:${entry.name}`, jobName: entry.name, origin: 'code', params: {}, compiled };
        } catch (error) {
          this.logger?.error({ job: entry.name, source: entry.source, err: error }, `job ${entry.name}: its schedule is not valid and does not run`);
        }
      }
      this.fromCode.set(entry, schedule);
    }
    return schedule ?? undefined;
  }

  /** Every `_JobSchedule` object, compiled (those that cannot be are reported once and skipped). */
  async readDatabase(raw: RawQueryable): Promise<ScheduledJob[]> {
    const { rows } = await raw.query(READ_SCHEDULES);
    const next = new Map<string, { signature: string; schedule: ScheduledJob | null }>();
    for (const row of rows as unknown as ScheduleRow[]) {
      const signature = JSON.stringify(row);
      const known = this.fromDatabase.get(row.objectId);
      next.set(row.objectId, known?.signature === signature ? known : { signature, schedule: this.compileRow(row) });
    }
    this.fromDatabase = next;
    return [...next.values()].flatMap((e) => (e.schedule ? [e.schedule] : []));
  }

  private compileRow(row: ScheduleRow): ScheduledJob | null {
    try {
      if (!row.jobName) throw new Error('it names no job');
      const params = row.params ? JSON.parse(row.params) : {};
      if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new Error('its params are not a JSON object');
      const compiled = compileSchedule({ ...row, repeatMinutes: row.repeatMinutes === null ? null : Number(row.repeatMinutes) });
      return { key: `db:${row.objectId}`, jobName: row.jobName, origin: 'database', id: row.objectId, params, compiled };
    } catch (error) {
      this.logger?.error(
        { schedule: row.objectId, job: row.jobName, err: error },
        `_JobSchedule ${row.objectId} is not valid and does not run: ${(error as Error).message}`,
      );
      return null;
    }
  }

  /** The schedules in force for the jobs of `registry`: the code's, then the database's (as last read). */
  inForce(registry: CloudRegistry, database: ScheduledJob[]): ScheduledJob[] {
    const out: ScheduledJob[] = [];
    for (const entry of registry.jobs.values()) {
      const schedule = this.codeSchedule(entry);
      if (schedule) out.push(schedule);
    }
    for (const schedule of database) if (registry.jobs.has(schedule.jobName)) out.push(schedule);
    return out;
  }
}
