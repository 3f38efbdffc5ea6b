import type { Logger } from '../../config/logger.ts';
import type { RawQueryable, RawSession, RawSql } from '../raw.ts';

/**
 * Whether another instance is still alive, decided without waiting for a timeout: the job
 * engine fails (or retries) the jobs that a dead instance held, at once.
 */
export interface Liveness {
  readonly instanceId: string;
  /** Announces this instance as alive (before it claims any job). */
  start(): Promise<void>;
  /** Inside `tx`: true when `instanceId` is gone for good (its jobs may be taken over). */
  isGone(instanceId: string, tx: RawQueryable): Promise<boolean>;
  stop(): Promise<void>;
}

const lockKey = (instanceId: string) => `plinth-instance:${instanceId}`;

/**
 * PostgreSQL: each instance holds a session-level advisory lock keyed by its id on a dedicated
 * connection for its whole life. PostgreSQL releases it when the process dies (the connection
 * closes), so a survivor that can take the lock knows the instance is gone. The survivor takes
 * it at transaction level, so it is released again when its sweep commits.
 */
export class AdvisoryLockLiveness implements Liveness {
  private session: RawSession | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    readonly instanceId: string,
    private readonly raw: RawSql,
    private readonly logger?: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.hold();
  }

  private async hold(): Promise<void> {
    const session = await this.raw.openSession!();
    session.onLost((error) => {
      if (this.stopped) return;
      // Without the lock, survivors take this instance for dead and fail its running jobs; take
      // it again as soon as the database answers.
      this.logger?.error({ err: error }, 'job engine: the connection holding this instance’s lock was lost; reconnecting');
      this.session = undefined;
      this.scheduleRetry();
    });
    await session.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [lockKey(this.instanceId)]);
    this.session = session;
  }

  private scheduleRetry(): void {
    if (this.retry || this.stopped) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.hold().catch(() => this.scheduleRetry());
    }, 1000);
    this.retry.unref();
  }

  async isGone(instanceId: string, tx: RawQueryable): Promise<boolean> {
    const { rows } = await tx.query('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS "free"', [lockKey(instanceId)]);
    return rows[0]?.free === true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.session?.close();
    this.session = undefined;
  }
}

/** The instances alive in this process (PGlite: one process owns the data directory). */
const ALIVE_HERE = new Set<string>();

/**
 * PGlite: only one process can open a data directory, so an instance is alive exactly when it
 * runs in this process; anything else that left a job behind died with its process.
 */
export class ProcessLiveness implements Liveness {
  constructor(readonly instanceId: string) {}

  async start(): Promise<void> {
    ALIVE_HERE.add(this.instanceId);
  }

  async isGone(instanceId: string): Promise<boolean> {
    return !ALIVE_HERE.has(instanceId);
  }

  async stop(): Promise<void> {
    ALIVE_HERE.delete(this.instanceId);
  }
}
