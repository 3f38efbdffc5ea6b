/**
 * When a live result set re-runs its query. Changes only mark the result stale; a stale result
 * is re-run `debounceMs` after the first change that made it stale (later ones join that run),
 * never more than one run at a time, and changes that arrive while a run is in flight cause
 * exactly one more run after it. So a burst of 1,000 writes costs a handful of runs, and a run
 * always starts after the last change.
 */
export class RerunScheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private dirty = false;
  private stopped = false;

  constructor(
    private readonly debounceMs: number,
    /** One run; the scheduler waits for it before starting another. Must not reject. */
    private readonly run: () => Promise<void>,
  ) {}

  /** Something changed that may affect the result (called from the feed: cheap, never throws). */
  markStale(): void {
    if (this.stopped) return;
    if (this.running) this.dirty = true;
    else this.arm();
  }

  /** Runs now (by default the scheduled run; the initial run passes its own), one at a time. */
  async runNow(run: () => Promise<void> = this.run): Promise<void> {
    this.running = true;
    try {
      await run();
    } finally {
      this.running = false;
      this.afterRun();
    }
  }

  /** No more runs; a pending timer is cleared (an in-flight run finishes but schedules nothing). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) void this.runNow();
    }, this.debounceMs);
  }

  private afterRun(): void {
    if (this.dirty && !this.stopped) {
      this.dirty = false;
      this.arm();
    }
  }
}
