import { int, type Env } from './env.ts';

/** Background work: cloud jobs, their schedules and the internal queues (one PostgreSQL job engine). */
export interface JobsConfig {
  /** How often an idle instance looks for queued work and re-reads `_JobSchedule` (PLINTH_JOBS_POLL_MS, default 1000). */
  pollMs: number;
  /** Cloud job runs one instance runs at once (PLINTH_JOBS_CONCURRENCY, default 4). */
  concurrency: number;
  /** Attempts after a failed run, for jobs that do not set `retries` (PLINTH_JOB_RETRIES, default 0). */
  retries: number;
  /** Delay before the first retry; doubles with each attempt, with jitter (PLINTH_JOB_RETRY_DELAY_MS, default 5000). */
  retryDelayMs: number;
  /** At shutdown, how long runs in progress may finish before they are marked failed (PLINTH_JOBS_GRACE_MS, default 10000). */
  graceMs: number;
  /** How often runs of instances that died are looked for (PLINTH_JOBS_SWEEP_MS, default 10000). */
  sweepMs: number;
}

export type JobsConfigInput = Partial<JobsConfig>;

function checked(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

/** Reads the jobs part of the configuration; overrides win and are checked as the environment is. */
export function loadJobsConfig(env: Env, overrides: JobsConfigInput = {}): JobsConfig {
  const setting = (key: keyof JobsConfig, name: string, fallback: number, min: number, max: number) =>
    overrides[key] !== undefined ? checked(key, overrides[key], min, max) : int(env, name, fallback, min, max);
  return {
    pollMs: setting('pollMs', 'PLINTH_JOBS_POLL_MS', 1000, 50, 600_000),
    concurrency: setting('concurrency', 'PLINTH_JOBS_CONCURRENCY', 4, 1, 1000),
    retries: setting('retries', 'PLINTH_JOB_RETRIES', 0, 0, 100),
    retryDelayMs: setting('retryDelayMs', 'PLINTH_JOB_RETRY_DELAY_MS', 5000, 0, 86_400_000),
    graceMs: setting('graceMs', 'PLINTH_JOBS_GRACE_MS', 10_000, 0, 3_600_000),
    sweepMs: setting('sweepMs', 'PLINTH_JOBS_SWEEP_MS', 10_000, 100, 3_600_000),
  };
}
