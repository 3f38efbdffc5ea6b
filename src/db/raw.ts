import pg from 'pg';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { toDatabaseError } from './db-error.ts';
import type { Row } from './database.ts';

/** A result in node-postgres's shape: rows with the driver's own type parsing (Date, parsed JSON). */
export interface RawResult {
  rows: Row[];
}

/** Runs SQL written for node-postgres: `$n` parameters, or several statements in one text when there are none. */
export interface RawQueryable {
  query(text: string, values?: readonly unknown[]): Promise<RawResult>;
}

/** A connection of its own, kept until closed: session state (advisory locks) lives as long as it. */
export interface RawSession extends RawQueryable {
  /** Called once if the connection fails (its session state is gone). */
  onLost(listener: (error: Error) => void): void;
  close(): Promise<void>;
}

/**
 * The driver underneath the Prisma adapter (a pg Pool, or the PGlite instance), for SQL that
 * was written for node-postgres — the job engine's own statements — and for background work
 * that must not show up in `Database.onQuery` (golden tests watch only the API's statements).
 */
export interface RawSql extends RawQueryable {
  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: RawQueryable) => Promise<T>): Promise<T>;
  /** A dedicated connection (PostgreSQL); undefined on PGlite, which has a single session. */
  openSession: (() => Promise<RawSession>) | undefined;
}

function lastResult(result: pg.QueryResult | pg.QueryResult[]): RawResult {
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  return { rows: (last?.rows ?? []) as Row[] };
}

async function run(client: pg.Pool | pg.PoolClient | pg.Client, text: string, values?: readonly unknown[]): Promise<RawResult> {
  try {
    // Without parameters pg uses the simple protocol, which accepts several statements.
    return lastResult(await client.query(text, values?.length ? (values as unknown[]) : undefined));
  } catch (error) {
    throw toDatabaseError(error, text);
  }
}

/** The raw side of a PostgreSQL database: the pool the Prisma adapter uses, and new connections from `url`. */
export function postgresRaw(pool: pg.Pool, url: string): RawSql {
  return {
    async query(text, values) {
      if (values?.length) return run(pool, text, values);
      // A text of several statements may open its own transaction: if it fails midway, the
      // connection must leave that transaction before it goes back to the pool.
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        return await run(client, text);
      } catch (error) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        try {
          const result = await fn({ query: (text, values) => run(client, text, values) });
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch((e: Error) => (broken = e));
          throw error;
        }
      } finally {
        // A connection whose ROLLBACK failed is not given back to the pool.
        client.release(broken);
      }
    },
    async openSession() {
      const client = new pg.Client({ connectionString: url, options: '-c TimeZone=UTC' });
      let lost: ((error: Error) => void) | undefined;
      let closed = false;
      client.on('error', (error) => {
        if (!closed) lost?.(error);
      });
      client.on('end', () => {
        if (!closed) lost?.(new Error('the dedicated connection ended'));
      });
      await client.connect();
      return {
        query: (text, values) => run(client, text, values),
        onLost: (listener) => (lost = listener),
        async close() {
          closed = true;
          await client.end().catch(() => undefined);
        },
      };
    },
  };
}

async function pgliteRun(target: PGlite | Transaction, text: string, values?: readonly unknown[]): Promise<RawResult> {
  try {
    if (values?.length) return { rows: (await target.query<Row>(text, values as unknown[])).rows };
    // exec: the simple protocol, several statements in one text.
    const results = await target.exec(text);
    return { rows: (results[results.length - 1]?.rows ?? []) as Row[] };
  } catch (error) {
    throw toDatabaseError(error, text);
  }
}

/** The raw side of embedded PGlite: its one session, serialised by PGlite itself. */
export function pgliteRaw(pglite: PGlite): RawSql {
  return {
    async query(text, values) {
      try {
        return await pgliteRun(pglite, text, values);
      } catch (error) {
        // A multi-statement text that failed after its own BEGIN leaves the only session inside
        // an aborted transaction; end it so the next statement (anyone's) can run.
        if (pglite.isInTransaction()) await pglite.exec('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
    transaction: (fn) => pglite.transaction((tx) => fn({ query: (text, values) => pgliteRun(tx, text, values) })),
    openSession: undefined,
  };
}
