import type { Logger } from '../../config/logger.ts';
import type { Sql } from '../../db/index.ts';
import { DELETE_OLDER_THAN } from './sql.ts';

/** Deletes the entries older than `days` days; returns how many. */
export function sweepAudit(sql: Sql, days: number): Promise<number> {
  return sql.execute(DELETE_OLDER_THAN, [days]);
}

/**
 * Sweeps the trail now and then every `everyMs` (default hourly) on this instance; several
 * instances sweeping is harmless (the same DELETE). Returns the function that stops it.
 */
export function startAuditRetention(sql: Sql, days: number, logger?: Logger, everyMs = 3_600_000): () => void {
  if (days <= 0) return () => undefined;
  const sweep = () =>
    sweepAudit(sql, days).then(
      (n) => (n > 0 ? logger?.info({ deleted: n, days }, 'audit trail: old entries removed') : undefined),
      (error: unknown) => logger?.error({ err: error }, 'audit trail: retention sweep failed'),
    );
  // The first sweep a minute after start-up (not in the way of it), then every `everyMs`.
  const first = setTimeout(sweep, Math.min(60_000, everyMs));
  const timer = setInterval(sweep, everyMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
