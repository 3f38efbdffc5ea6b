import type { Logger } from '../../config/logger.ts';
import type { QueueJob } from './types.ts';

export interface WorkerDeps<T> {
  queue: string;
  concurrency: number;
  pollMs: number;
  /** Claims up to `n` jobs (in one transaction with their leases). */
  claim(n: number): Promise<QueueJob<T>[]>;
  /** Runs one claimed job to its end (handler and settlement); never rejects. */
  run(job: QueueJob<T>): Promise<void>;
  logger?: Logger;
}

/**
 * One queue's loop on this instance: claims as many jobs as it has free slots, runs them, and
 * looks again when a run ends, when told that work was queued here, or every `pollMs`.
 */
export class QueueWorker<T> {
  private readonly running = new Map<string, { job: QueueJob<T>; done: Promise<void> }>();
  private stopping = false;
  private woken = false;
  private wake: (() => void) | undefined;
  private loopDone: Promise<void> = Promise.resolve();

  constructor(private readonly deps: WorkerDeps<T>) {}

  start(): void {
    this.loopDone = this.loop();
  }

  /** Looks for work now instead of at the next poll. */
  notify(): void {
    this.woken = true;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      this.woken = false;
      const free = this.deps.concurrency - this.running.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const jobs = await this.deps.claim(free);
          claimed = jobs.length;
          for (const job of jobs) this.track(job);
        } catch (error) {
          this.deps.logger?.warn({ err: error, queue: this.deps.queue }, 'job engine: could not claim jobs');
        }
      }
      // A full batch suggests more is waiting: look again at once.
      if (this.stopping || (free > 0 && claimed === free)) continue;
      await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    if (this.woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.deps.pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  private track(job: QueueJob<T>): void {
    const done = this.deps.run(job).finally(() => {
      this.running.delete(job.id);
      this.notify();
    });
    this.running.set(job.id, { job, done });
  }

  /**
   * Stops claiming, lets the runs in progress finish for up to `graceMs`, and returns the jobs
   * still running then (their handlers are left running; the caller settles them).
   */
  async stop(graceMs: number): Promise<QueueJob<T>[]> {
    this.stopping = true;
    this.notify();
    await this.loopDone;
    if (this.running.size) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.running.values()].map((r) => r.done)), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
    }
    return [...this.running.values()].map((r) => r.job);
  }
}
