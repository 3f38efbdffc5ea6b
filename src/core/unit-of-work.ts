import type { Sql } from '../db/index.ts';

/**
 * One transaction and the work that must wait for its commit. Nested writes (createAndLink,
 * createAndAdd) share the outer unit, so after-commit hooks and change events fire only once
 * everything is stored.
 */
export class UnitOfWork {
  private readonly pending: (() => void | Promise<void>)[] = [];

  constructor(readonly sql: Sql) {}

  afterCommit(fn: () => void | Promise<void>): void {
    this.pending.push(fn);
  }

  /** Runs the after-commit work; failures are reported to `onError`, never undo the write. */
  async committed(onError: (error: unknown) => void): Promise<void> {
    for (const fn of this.pending) {
      try {
        await fn();
      } catch (error) {
        onError(error);
      }
    }
  }
}
