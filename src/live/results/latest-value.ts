/**
 * The consumer side of a live result set: an async iterator that holds at most one undelivered
 * value. A newer value replaces an undelivered older one, so a slow client gets the current
 * state, not a backlog. `fail` ends the iteration with an error after the pending value.
 */
export class LatestValue<T> implements AsyncIterableIterator<T> {
  private value: { v: T } | undefined;
  private waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  private error: { e: unknown } | undefined;
  private done = false;

  constructor(private readonly onClose: () => void) {}

  /** Offers the newest value. */
  push(v: T): void {
    if (this.done || this.error) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w.resolve({ value: v, done: false });
    } else this.value = { v };
  }

  /** Ends the iteration with `e` after the pending value (if any) is taken; stops the producer. */
  fail(e: unknown): void {
    if (this.done || this.error) return;
    this.error = { e };
    this.onClose();
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      this.done = true;
      w.reject(e);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.value) {
      const { v } = this.value;
      this.value = undefined;
      return Promise.resolve({ value: v, done: false });
    }
    if (this.error && !this.done) {
      this.done = true;
      return Promise.reject(this.error.e);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** The client went away (or the transport closed): stop everything. */
  return(): Promise<IteratorResult<T>> {
    if (!this.done) {
      this.done = true;
      this.value = undefined;
      if (!this.error) this.onClose();
      this.waiting?.resolve({ value: undefined, done: true });
      this.waiting = undefined;
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(e: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(e);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
