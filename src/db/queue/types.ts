import type { Sql } from '../database.ts';
import type { RawQueryable } from '../raw.ts';

/** A queued job as its handler and lifecycle hooks see it. */
export interface QueueJob<T = Record<string, unknown>> {
  /** The engine's id (a UUID). */
  id: string;
  queue: string;
  data: T;
  /** 1 for the first run, 2 for the first retry, … */
  attempt: number;
  /** Whether a failure of this attempt will be retried (attempts are left). */
  retriesLeft: boolean;
}

/** How a run ended: its handler's result, or the message of what it threw (never a stack). */
export type Outcome = { ok: true; result: unknown } | { ok: false; message: string; retrying: boolean };

/**
 * Per queue, what must be written together with the engine's own bookkeeping: both run inside
 * the transaction that claims the job (or settles it), so a status can never disagree with the
 * queue — even when a process dies between two statements.
 */
export interface QueueHooks<T = Record<string, unknown>> {
  /** The job was claimed by this instance; its handler runs after this commits. */
  onClaimed?(job: QueueJob<T>, tx: RawQueryable): Promise<void>;
  /** The job ended: completed, failed (perhaps to be retried), or found abandoned by a dead instance. */
  onSettled?(job: QueueJob<T>, outcome: Outcome, tx: RawQueryable): Promise<void>;
}

export interface SendOptions {
  /**
   * Enqueue inside this transaction (the caller's): nothing is queued if it rolls back. On PGlite
   * call `prepare(queue)` before opening it (the engine's first use runs statements of its own).
   */
  tx?: Sql | RawQueryable;
  /** The job's id (a UUID); generated when absent. */
  id?: string;
  /** Attempts after a failure (default 0). */
  retries?: number;
  /** Delay before the first retry (ms, rounded up to whole seconds); doubles with each attempt when `backoff`. */
  retryDelayMs?: number;
  /** Exponential backoff with jitter between retries (default true). */
  backoff?: boolean;
  /** Not before this time. */
  startAfter?: Date;
  /** A run longer than this is failed (or retried) by the engine's maintenance (default 15 minutes, below 24 hours). */
  expireInSeconds?: number;
}

export interface WorkOptions {
  /** Jobs of this queue one instance runs at once (default 1). */
  concurrency?: number;
}

export type WorkHandler<T = Record<string, unknown>> = (job: QueueJob<T>) => Promise<unknown>;
