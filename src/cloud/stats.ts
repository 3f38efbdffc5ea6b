/** What one function, trigger or job has done since the server started. */
export interface EntryStats {
  calls: number;
  errors: number;
  /** Median and 99th percentile of the recent durations, in milliseconds (undefined before the first call). */
  p50Ms: number | undefined;
  p99Ms: number | undefined;
  /** The last error's message and when it happened. */
  lastError?: { message: string; at: string };
}

/** How many recent durations the percentiles are taken over. */
const WINDOW = 1024;

class Recorder {
  calls = 0;
  errors = 0;
  lastError?: { message: string; at: string };
  private readonly durations = new Float64Array(WINDOW);
  private next = 0;

  record(ms: number, error?: unknown): void {
    this.calls++;
    this.durations[this.next++ % WINDOW] = ms;
    if (error !== undefined) {
      this.errors++;
      this.lastError = { message: messageOf(error), at: new Date().toISOString() };
    }
  }

  snapshot(): EntryStats {
    const n = Math.min(this.next, WINDOW);
    const sorted = Array.from(this.durations.subarray(0, n)).sort((a, b) => a - b);
    const at = (q: number) => (n ? round(sorted[Math.min(n - 1, Math.ceil(q * n) - 1)]) : undefined);
    return { calls: this.calls, errors: this.errors, p50Ms: at(0.5), p99Ms: at(0.99), lastError: this.lastError };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'non-error value thrown';
}

/**
 * Counts, errors and recent durations per registry entry (its `key`), kept across reloads of
 * the cloud file so that a handler's history survives an edit. Memory is fixed per entry.
 */
export class CloudStats {
  private readonly byKey = new Map<string, Recorder>();
  private readonly observers = new Set<(key: string, ms: number, failed: boolean) => void>();

  record(key: string, ms: number, error?: unknown): void {
    let r = this.byKey.get(key);
    if (!r) this.byKey.set(key, (r = new Recorder()));
    r.record(ms, error);
    for (const observe of this.observers) observe(key, ms, error !== undefined);
  }

  /** Hears every run as it is recorded (the server's Prometheus metrics); returns the unsubscribe function. */
  observe(listener: (key: string, ms: number, failed: boolean) => void): () => void {
    this.observers.add(listener);
    return () => this.observers.delete(listener);
  }

  of(key: string): EntryStats {
    return this.byKey.get(key)?.snapshot() ?? { calls: 0, errors: 0, p50Ms: undefined, p99Ms: undefined };
  }
}
