import type { JobEntry } from '../registry.ts';

/** How a run started: `runJob` (api) or a schedule's tick. */
export type JobSource = 'api' | 'schedule';

/** A `_JobStatus` row's `status`. */
export type JobState = 'pending' | 'running' | 'succeeded' | 'failed';

/** One run as the engine hands it to the cloud runtime. */
export interface JobRun {
  /** The `_JobStatus` objectId of this run. */
  jobId: string;
  params: Record<string, unknown>;
  source: JobSource;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
  /** Records a progress message on the run's status (empty and non-string messages are ignored, as Parse does). */
  message(text: string): Promise<void>;
}

/**
 * Runs one job's handler: builds the JobRequest (data API, log, timeouts) and resolves to the
 * handler's result; a throw fails the run. The cloud runtime provides it.
 */
export type JobRunner = (entry: JobEntry, run: JobRun) => Promise<unknown>;

/** A schedule as the registry view shows it. */
export interface ScheduleDescription {
  /** `code`: `cloud.job(…, {schedule})`; `database`: a `_JobSchedule` object (its objectId in `id`). */
  origin: 'code' | 'database';
  id?: string;
  /** The cron expression, or Parse's fields rendered (`every 15 minutes from …`). */
  schedule: string;
  timeZone: string;
  nextRunAt: Date | undefined;
}

/** A job's last run, from `_JobStatus`. */
export interface RunSummary {
  objectId: string;
  status: JobState;
  source: JobSource;
  message: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** What the registry view shows of one job. */
export interface JobDescription {
  name: string;
  /** Registered in the cloud code now (a `_JobSchedule` may name a job that is not). */
  registered: boolean;
  schedules: ScheduleDescription[];
  lastRun: RunSummary | undefined;
}
