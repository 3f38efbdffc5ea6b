import { createLogger } from '../../src/config/logger.ts';
import { loadJobsConfig, type JobsConfig } from '../../src/config/jobs.ts';
import { JobQueue, migrate, type Database } from '../../src/db/index.ts';
import { CloudHolder } from '../../src/cloud/holder.ts';
import { RegistryBuilder, type CloudRegistry } from '../../src/cloud/registry.ts';
import type { CloudApi, CloudData } from '../../src/cloud/types.ts';
import { CloudJobs, type JobRunner } from '../../src/cloud/jobs/index.ts';
import { HookRegistry } from '../../src/core/index.ts';

/** Helpers for the cloud jobs suites: registries, engines on one database, status reads. */

export const silent = createLogger('silent');

/** A registry built the way a cloud file builds it. */
export function registry(setup: (cloud: CloudApi) => void): CloudRegistry {
  const builder = new RegistryBuilder({} as CloudData, silent);
  setup(builder);
  return builder.build();
}

/** The runner the server uses until the cloud runtime provides its own. */
export const plainRunner: JobRunner = (entry, run) => Promise.resolve(entry.handler({ ...run, jobName: entry.name, log: silent }));

export interface Engine {
  jobs: CloudJobs;
  queue: JobQueue;
  holder: CloudHolder;
  hooks: HookRegistry;
  stop(): Promise<void>;
}

/** A job engine on `db` (already migrated), as the server starts it: the queue first, then cloud jobs. */
export async function startEngine(db: Database, initial: CloudRegistry, config: Partial<JobsConfig> = {}): Promise<Engine> {
  const full = loadJobsConfig({}, { pollMs: 100, sweepMs: 60_000, graceMs: 500, retryDelayMs: 1000, ...config });
  const holder = new CloudHolder(initial);
  const hooks = new HookRegistry();
  const queue = new JobQueue(db, { pollMs: full.pollMs, sweepMs: full.sweepMs, graceMs: full.graceMs, logger: silent });
  const jobs = new CloudJobs({ db, queue, holder, hooks, run: plainRunner, config: full, logger: silent });
  await queue.start();
  await jobs.start();
  return {
    jobs,
    queue,
    holder,
    hooks,
    async stop() {
      await jobs.stop();
      await queue.stop();
    },
  };
}

export async function migrated(db: Database): Promise<Database> {
  await migrate(db);
  return db;
}

export interface StatusRow {
  objectId: string;
  jobName: string;
  source: string;
  status: string;
  message: string | null;
  params: unknown;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  _rperm: string[];
}

export async function status(db: Database, id: string): Promise<StatusRow | undefined> {
  const { rows } = await db.raw.query(`SELECT * FROM "_JobStatus" WHERE "objectId" = $1`, [id]);
  return rows[0] as unknown as StatusRow | undefined;
}

export async function statuses(db: Database, jobName: string): Promise<StatusRow[]> {
  const { rows } = await db.raw.query(`SELECT * FROM "_JobStatus" WHERE "jobName" = $1 ORDER BY "createdAt", "objectId"`, [jobName]);
  return rows as unknown as StatusRow[];
}

/** Polls `check` until it returns a value (not undefined/false) or `timeoutMs` passes. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until a run reaches one of `states`. */
export function settled(db: Database, id: string, states = ['succeeded', 'failed'], timeoutMs = 10_000): Promise<StatusRow> {
  return eventually(
    async () => {
      const row = await status(db, id);
      return row && states.includes(row.status) ? row : undefined;
    },
    timeoutMs,
    `run ${id} to reach ${states.join('/')}`,
  );
}
