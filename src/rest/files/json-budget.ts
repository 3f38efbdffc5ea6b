/**
 * Memory for the JavaScript SDK's JSON-form uploads (`{base64, …, _ApplicationId}`): the body
 * must be read whole before its credentials, which come after the file, can be checked. One
 * budget per REST API, shared by every such request in flight, bounds what anonymous callers
 * can make the server hold at once, however many they send; each request gives back what it
 * took when it is answered.
 */
export class BodyBudget {
  private used = 0;

  constructor(readonly capacity: number) {}

  /** Bytes held now, across requests. */
  get inUse(): number {
    return this.used;
  }

  /** A new hold for one request, empty. */
  hold(): BudgetHold {
    return new BudgetHold(this);
  }

  /** Takes `bytes` more if they fit; false (and nothing taken) otherwise. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.capacity) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

/** What one request holds of a BodyBudget; `release` gives it all back (once). */
export class BudgetHold {
  private held = 0;

  constructor(private readonly budget: BodyBudget) {}

  take(bytes: number): boolean {
    if (!this.budget.take(bytes)) return false;
    this.held += bytes;
    return true;
  }

  release(): void {
    this.budget.give(this.held);
    this.held = 0;
  }
}
