import { useReadinessCheck, type Plugin } from 'graphql-yoga';
import type { Database } from '../../db/index.ts';
import type { Logger } from '../../config/logger.ts';

export const READY_PATH = '/ready';

/** One `/ready` answer: whether this instance should get traffic, and what each check found. */
export interface ReadyReport {
  ready: boolean;
  /** Why not, in a few words (absent when ready). */
  reason?: string;
  checks: {
    database: 'ok' | 'unreachable';
    migrations: 'ok' | 'missing' | 'unknown';
    schema: 'ok';
    redis: 'ok' | 'unreachable' | 'not configured';
  };
  /** The catalog version served. */
  schemaVersion: string;
}

export interface ReadinessSources {
  db: Database;
  /** The catalog version served (the GraphQL schema is built before the server listens). */
  schemaVersion: () => string;
  /** Whether the pub/sub reaches Redis; absent when no Redis is configured. */
  redisConnected?: () => boolean;
  logger: Logger;
  /** How long the database may take to answer before it counts as unreachable. */
  timeoutMs?: number;
}

/** Migrations applied, and finished: one statement is the database's ping and the migrations' check. */
const APPLIED = `SELECT count(*)::int AS "n" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`;

/**
 * Whether this instance can serve: the database answers (within `timeoutMs`), the migrations
 * it applied at start-up are still there (a database restored from an older backup is not),
 * and Redis is connected when it is configured; false from the moment the server starts
 * shutting down, so that load balancers stop sending it work. Probes arriving together share
 * one check, so a burst of them costs one query.
 */
export class Readiness {
  private stopping = false;
  private inFlight: Promise<ReadyReport> | undefined;
  private wasReady = true;
  private migrations = 0;

  constructor(private readonly sources: ReadinessSources) {}

  /** Counts the migrations applied (called once they have been, at start-up). */
  async start(): Promise<void> {
    this.migrations = await this.appliedMigrations();
  }

  /** The server is shutting down: not ready any more. */
  stop(): void {
    this.stopping = true;
  }

  check(): Promise<ReadyReport> {
    this.inFlight ??= this.run().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async appliedMigrations(): Promise<number> {
    const [row] = (await this.sources.db.raw.query(APPLIED)).rows;
    return Number(row?.n ?? 0);
  }

  private async run(): Promise<ReadyReport> {
    const { sources } = this;
    const report: ReadyReport = {
      ready: true,
      checks: { database: 'ok', migrations: 'ok', schema: 'ok', redis: 'not configured' },
      schemaVersion: sources.schemaVersion(),
    };
    const reasons: string[] = [];
    let failure: unknown;
    if (this.stopping) reasons.push('shutting down');
    try {
      const applied = await withTimeout(this.appliedMigrations(), sources.timeoutMs ?? 3000);
      if (applied < this.migrations) {
        report.checks.migrations = 'missing';
        reasons.push('database migrations are missing');
      }
    } catch (error) {
      failure = error;
      report.checks.database = 'unreachable';
      report.checks.migrations = 'unknown';
      reasons.push('the database is unreachable');
    }
    if (sources.redisConnected) {
      report.checks.redis = sources.redisConnected() ? 'ok' : 'unreachable';
      if (report.checks.redis === 'unreachable') reasons.push('Redis is unreachable');
    }
    if (reasons.length) Object.assign(report, { ready: false, reason: reasons.join('; ') });
    // Logged when the state changes, not at every probe.
    if (report.ready !== this.wasReady && !this.stopping) {
      if (report.ready) sources.logger.info('ready again');
      else sources.logger.warn({ reason: report.reason, err: failure }, `not ready: ${report.reason}`);
    }
    this.wasReady = report.ready;
    return report;
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /ready` for load balancers and orchestrators (Yoga's readiness plugin): 200 when this
 * instance can serve, 503 when not, with the report as JSON either way. Answered before
 * credentials are checked, and never cached. `GET /health` (Yoga's health check) only says the
 * process answers; this one asks the database.
 */
export function useReady(readiness: Readiness): Plugin {
  return useReadinessCheck({
    endpoint: READY_PATH,
    async check() {
      const report = await readiness.check();
      return new Response(JSON.stringify(report), {
        status: report.ready ? 200 : 503,
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      });
    },
  });
}
