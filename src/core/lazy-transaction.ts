import type { ArrayResult, Database, Row, Sql } from '../db/index.ts';

/**
 * A transaction that begins at its first statement. What a write does before it writes — its
 * before hooks, cloud triggers among them, which may read and write through the data API on
 * other connections — therefore runs outside any transaction, even when the write is the first
 * thing a caller's transaction does (signUp). On PGlite, whose single connection an open
 * transaction holds, such a trigger would otherwise wait for the transaction forever.
 */
export class LazyTransaction implements Sql {
  private tx: Promise<Sql> | undefined;
  private done: Promise<void> | undefined;
  private settle: ((failed: boolean) => void) | undefined;

  constructor(private readonly db: Database) {}

  private ended = false;

  /** Whether a statement has begun the transaction. */
  get begun(): boolean {
    return this.tx !== undefined;
  }

  /** Begun and not yet committed or rolled back. */
  get underWay(): boolean {
    return this.tx !== undefined && !this.ended;
  }

  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]> {
    return this.begin().then((tx) => tx.query<T>(text, params));
  }

  queryArrays(text: string, params?: readonly unknown[]): Promise<ArrayResult> {
    return this.begin().then((tx) => tx.queryArrays(text, params));
  }

  execute(text: string, params?: readonly unknown[]): Promise<number> {
    return this.begin().then((tx) => tx.execute(text, params));
  }

  /** Commits what was begun (nothing to do when no statement ran); a commit failure is thrown. */
  async commit(): Promise<void> {
    this.ended = true;
    if (!this.done) return;
    this.settle!(false);
    await this.done;
  }

  /** Rolls back what was begun; the caller rethrows its own error. */
  async rollback(): Promise<void> {
    this.ended = true;
    if (!this.done) return;
    this.settle!(true);
    await this.done.catch(() => undefined);
  }

  private begin(): Promise<Sql> {
    this.tx ??= new Promise<Sql>((resolve, reject) => {
      const outcome = new Promise<void>((ok, fail) => {
        this.settle = (failed) => (failed ? fail(ROLLED_BACK) : ok());
      });
      // Awaited by the transaction's callback, which never runs when BEGIN fails.
      outcome.catch(() => undefined);
      this.done = this.db.transaction(async (tx) => {
        resolve(tx);
        await outcome;
      });
      // BEGIN failed: the statements waiting for it fail with its error.
      this.done.catch(reject);
    });
    return this.tx;
  }
}

/** What the transaction's callback throws to roll back (never seen outside). */
const ROLLED_BACK = new Error('rolled back');
