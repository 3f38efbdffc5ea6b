import type { Sql } from '../../src/db/index.ts';

/** What EXPLAIN printed, one plan line per row. */
function planText(rows: Record<string, unknown>[]): string {
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

/** EXECUTE's arguments are expressions, not parameters: values as SQL literals. */
function sqlLiteral(value: unknown): string {
  if (Array.isArray(value)) return `ARRAY[${value.map(sqlLiteral).join(', ')}]`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  throw new Error(`unexpected parameter ${JSON.stringify(value)}`);
}

/**
 * EXPLAIN of a statement: with sequential scans priced out of the planner's choice
 * (`noSeqScan`), or as the generic plan a prepared statement keeps for any values (`generic`:
 * parameters are unknown in it, so only what the SQL spells as literals can match an index).
 */
export async function explain(
  db: { transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> },
  text: string,
  params: readonly unknown[],
  options: { noSeqScan?: boolean; generic?: boolean } = {},
): Promise<string> {
  return db.transaction(async (tx) => {
    if (options.noSeqScan || options.generic) await tx.execute('SET LOCAL enable_seqscan = off');
    if (!options.generic) return planText(await tx.query(`EXPLAIN ${text}`, params));
    await tx.execute('SET LOCAL plan_cache_mode = force_generic_plan');
    await tx.execute(`PREPARE explained AS ${text}`);
    const plan = planText(await tx.query(`EXPLAIN EXECUTE explained(${params.map(sqlLiteral).join(', ')})`));
    await tx.execute('DEALLOCATE explained');
    return plan;
  });
}
