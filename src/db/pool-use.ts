import type { Database } from './database.ts';

/** How a PostgreSQL connection pool is used at one moment (node-postgres's own counts). */
export interface PoolUse {
  /** Connections open, busy or idle. */
  total: number;
  /** Open connections waiting for work. */
  idle: number;
  /** Queries waiting for a connection (the pool is at its size). */
  waiting: number;
  /** The most connections the pool opens. */
  max: number;
}

const readers = new WeakMap<Database, () => PoolUse>();

/** Called by openDatabase for a database served by a pool: how to read its use. */
export function trackPoolUse(db: Database, read: () => PoolUse): void {
  readers.set(db, read);
}

/** The pool use of `db` now; undefined for a database without a pool (embedded PGlite). */
export function poolUseOf(db: Database): PoolUse | undefined {
  return readers.get(db)?.();
}
