import type { PrismaClient } from './generated/client.ts';
import type { RawSql } from './raw.ts';

/** A row as returned by `query`: column name → value in the driver adapter's representation. */
export type Row = Record<string, unknown>;

/** Rows in array form, the cheapest shape to read on the hot path. */
export interface ArrayResult {
  columns: string[];
  rows: unknown[][];
}

/**
 * Something that runs SQL: the database itself or an open transaction. Parameters are plain
 * values (string, number, boolean, null, arrays of those); casts belong in the SQL text.
 * Values come back as the Prisma driver adapter normalises them on both PostgreSQL and PGlite:
 * timestamptz as ISO text, json/jsonb as JSON text, arrays as arrays, int8 as string or bigint.
 */
export interface Sql {
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  queryArrays(text: string, params?: readonly unknown[]): Promise<ArrayResult>;
  execute(text: string, params?: readonly unknown[]): Promise<number>;
}

export type QueryListener = (text: string, params: readonly unknown[]) => void;

export interface Database extends Sql {
  readonly kind: 'postgres' | 'pglite';
  /** The Prisma client over the same driver adapter, for the fixed catalog tables. */
  readonly prisma: PrismaClient;
  /** The driver underneath (pg Pool or PGlite), for the job engine's own SQL; not seen by `onQuery`. */
  readonly raw: RawSql;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` with `tx` as the transaction its async context is in: on PGlite, whose single
   * connection an open transaction holds, statements `fn` makes on the database itself (a cloud
   * trigger reading through the data API) run in `tx` while `open()` says it is under way,
   * instead of waiting for it forever. Elsewhere `fn` just runs.
   */
  within<T>(tx: Sql, open: () => boolean, fn: () => Promise<T>): Promise<T>;
  /** Observes every statement (golden tests, debugging); returns the unsubscribe function. */
  onQuery(listener: QueryListener): () => void;
  close(): Promise<void>;
}
