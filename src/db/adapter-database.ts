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
  constructor(
    readonly kind: 'postgres' | 'pglite',
    private readonly adapter: SqlDriverAdapter,
    readonly prisma: PrismaClient,
    private readonly closeDriver: () => Promise<void>,
    readonly raw: RawSql,
  ) {
    super(adapter, new Set());
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
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
    let result: T;
    try {
      result = await fn(runner);
    } catch (error) {
      try {
        if (explicit) await tx.executeRaw(toQuery('ROLLBACK', []));
      } finally {
        await tx.rollback();
      }
      throw error;
    }
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
