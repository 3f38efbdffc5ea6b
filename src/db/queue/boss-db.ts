import type { Sql } from '../database.ts';
import type { RawQueryable } from '../raw.ts';

/** What pg-boss runs its SQL through (its `db` option): node-postgres's `query` shape. */
export interface BossDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

/** pg-boss over the raw driver (or one raw transaction): its own type parsing, several statements per text. */
export function rawBossDb(raw: RawQueryable): BossDb {
  return { executeSql: (text, values) => raw.query(text, values) };
}

/**
 * pg-boss inside a caller's transaction (a `Sql` from `Database.transaction`), for enqueueing
 * together with the write that causes the work. Only single statements with parameters run
 * here (pg-boss's insert); pg-boss leaves options it was not given undefined, which the driver
 * adapter does not take, so they become NULL.
 */
export function sqlBossDb(sql: Sql): BossDb {
  return {
    executeSql: async (text, values = []) => ({
      rows: await sql.query(
        text,
        values.map((v) => (v === undefined ? null : v)),
      ),
    }),
  };
}
