import { AsyncLocalStorage } from 'node:async_hooks';
import type { SqlDriverAdapter, SqlQuery, SqlQueryable, Transaction } from '@prisma/driver-adapter-utils';
import type { PrismaClient } from './generated/client.ts';
import type { ArrayResult, Database, QueryListener, Row, Sql } from './database.ts';
import type { RawSql } from './raw.ts';
import { toDatabaseError } from './db-error.ts';

const SCALAR = { scalarType: 'unknown', arity: 'scalar' } as const;
const LIST = { scalarType: 'unknown', arity: 'list' } as const;

function toQuery(text: string, params: readonly unknown[]): SqlQuery {
  return { sql: text, args: params as unknown[], argTypes: params.map((p) => (Array.isArray(p) ? LIST : SCALAR)) };
}

/** A transaction statements in its async context join (PGlite), within the one it is nested in. */
interface JoinableTransaction {
  sql: Sql;
  open: () => boolean;
  outer: JoinableTransaction | undefined;
}

/** Runs statements on a driver-adapter queryable (the pool, or one transaction's connection). */
class QueryRunner implements Sql {
  constructor(
    protected readonly target: SqlQueryable,
    protected readonly listeners: Set<QueryListener>,
  ) {}

  async queryArrays(text: string, params: readonly unknown[] = []): Promise<ArrayResult> {
    if (this.listeners.size) for (const l of this.listeners) l(text, params);
    try {
      const result = await this.target.queryRaw(toQuery(text, params));
      return { columns: result.columnNames, rows: result.rows };
    } catch (error) {
      throw toDatabaseError(error, text);
    }
  }

  async query<T extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    const { columns, rows } = await this.queryArrays(text, params);
    const out = new Array<T>(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const obj: Row = {};
      for (let c = 0; c < columns.length; c++) obj[columns[c]] = row[c];
      out[r] = obj as T;
    }
    return out;
  }

  async execute(text: string, params: readonly unknown[] = []): Promise<number> {
    if (this.listeners.size) for (const l of this.listeners) l(text, params);
    try {
      return await this.target.executeRaw(toQuery(text, params));
    } catch (error) {
      throw toDatabaseError(error, text);
    }
  }
}

/**
 * The database, reached through a Prisma driver adapter (@prisma/adapter-pg or the PGlite
 * adapter). Dynamic class SQL runs on the adapter's own `queryRaw` — the thinnest path Prisma
 * offers, with named prepared statements on PostgreSQL — and the catalog goes through the
 * Prisma client built on the same adapter factory.
 */
export class AdapterDatabase extends QueryRunner implements Database {
  /**
   * PGlite has one connection: while a transaction holds it, any other statement waits for it
   * to end. Code running inside the transaction (a cloud trigger of a transactional batch
   * reading through the database) would wait for itself. So on PGlite, statements made in the
   * transaction's async context run in it — they see its writes, as one connection must — and
   * a transaction opened there is a savepoint of it.
   */
  private readonly openTransaction = new AsyncLocalStorage<JoinableTransaction>();

  constructor(
    readonly kind: 'postgres' | 'pglite',
    private readonly adapter: SqlDriverAdapter,
    readonly prisma: PrismaClient,
    private readonly closeDriver: () => Promise<void>,
    readonly raw: RawSql,
  ) {
    super(adapter, new Set());
  }

  /** The transaction this statement must join (PGlite, inside one under way), or undefined. */
  private joined(): Sql | undefined {
    if (this.kind !== 'pglite') return undefined;
    // The innermost under way: a nested unit of work that has not begun yet runs in its outer one.
    for (let t = this.openTransaction.getStore(); t; t = t.outer) if (t.open()) return t.sql;
    return undefined;
  }

  within<T>(tx: Sql, open: () => boolean, fn: () => Promise<T>): Promise<T> {
    if (this.kind !== 'pglite') return fn();
    return this.openTransaction.run({ sql: tx, open, outer: this.openTransaction.getStore() }, fn);
  }

  override queryArrays(text: string, params: readonly unknown[] = []): Promise<ArrayResult> {
    const tx = this.joined();
    return tx ? tx.queryArrays(text, params) : super.queryArrays(text, params);
  }

  override execute(text: string, params: readonly unknown[] = []): Promise<number> {
    const tx = this.joined();
    return tx ? tx.execute(text, params) : super.execute(text, params);
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    const outer = this.joined();
    if (outer) return inSavepoint(outer, fn);
    let tx: Transaction;
    try {
      tx = await this.adapter.startTransaction();
    } catch (error) {
      throw toDatabaseError(error, 'BEGIN');
    }
    // Adapters that do not run BEGIN/COMMIT themselves ("phantom" transactions are handled by
    // the driver, as PGlite does) expect the caller to send COMMIT or ROLLBACK.
    const explicit = !tx.options.usePhantomQuery;
    const runner = new QueryRunner(tx, this.listeners);
    let open = true;
    let result: T;
    try {
      result = await this.within(
        runner,
        () => open,
        () => fn(runner),
      );
    } catch (error) {
      open = false;
      try {
        if (explicit) await tx.executeRaw(toQuery('ROLLBACK', []));
      } finally {
        await tx.rollback();
      }
      throw error;
    }
    // Work it started that outlives it (after-commit hooks) goes back to the database.
    open = false;
    try {
      if (explicit) await tx.executeRaw(toQuery('COMMIT', []));
      await tx.commit();
    } catch (error) {
      if (explicit) await tx.rollback().catch(() => undefined);
      throw toDatabaseError(error, 'COMMIT');
    }
    return result;
  }

  onQuery(listener: QueryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private closing: Promise<void> | undefined;

  /** Closes the client and the driver; safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.prisma.$disconnect().catch(() => undefined);
      await this.adapter.dispose().catch(() => undefined);
      await this.closeDriver();
    })();
    return this.closing;
  }
}

let savepoints = 0;

/** A transaction inside one already open (PGlite's single connection): a savepoint of it. */
async function inSavepoint<T>(outer: Sql, fn: (tx: Sql) => Promise<T>): Promise<T> {
  const name = `plinth_sp_${++savepoints}`;
  await outer.execute(`SAVEPOINT ${name}`);
  let result: T;
  try {
    result = await fn(outer);
  } catch (error) {
    await outer.execute(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => undefined);
    throw error;
  }
  await outer.execute(`RELEASE SAVEPOINT ${name}`);
  return result;
}
