import path from 'node:path';
import { envValue, flag, int, type Env } from './env.ts';

/** How the log reads: JSON lines (for collectors) or text (for a developer at a terminal). */
export type LogFormat = 'json' | 'pretty';

const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

/** Running Plinth in production: metrics, trusted documents, the log's format. */
export interface OpsConfig {
  /** Serve Prometheus metrics at /metrics (PLINTH_METRICS, default off). */
  metrics: boolean;
  /** When set, /metrics asks for `Authorization: Bearer <token>` (PLINTH_METRICS_TOKEN). */
  metricsToken?: string;
  /**
   * A JSON map of document id (hash) → GraphQL document (PLINTH_TRUSTED_DOCUMENTS), as
   * graphql-codegen's persisted documents write it: callers without the master key may run
   * only these documents. Absent: any document.
   */
  trustedDocumentsFile?: string;
  /**
   * PLINTH_LOG_FORMAT: `pretty` by default in development when stdout is a terminal (a person
   * reads it); `json` lines otherwise — in production, and when the output goes to a file, a
   * pipe or a collector.
   */
  logFormat: LogFormat;
  /**
   * PLINTH_HEAP_GROWTH_PERCENT (default 100; 0 leaves V8's own choice): how far the JavaScript heap
   * may grow past what the last full collection kept before the next one. See server/heap-growth.ts.
   */
  heapGrowthPercent: number;
}

export type OpsConfigInput = Partial<OpsConfig>;

function logFormat(value: string | undefined, production: boolean, terminal: boolean): LogFormat {
  if (value === undefined) return !production && terminal ? 'pretty' : 'json';
  const format = value.trim().toLowerCase() as LogFormat;
  if (!LOG_FORMATS.includes(format)) throw new Error(`PLINTH_LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got "${value}"`);
  return format;
}

/**
 * Reads the operations part of the configuration; overrides win and are checked as the
 * environment is. `terminal`: whether stdout is a terminal (it decides the log's default format).
 */
export function loadOpsConfig(env: Env, production: boolean, overrides: OpsConfigInput = {}, terminal = process.stdout.isTTY === true): OpsConfig {
  const token = overrides.metricsToken ?? envValue(env, 'PLINTH_METRICS_TOKEN');
  // It travels in an HTTP header, and a short one is guessed.
  if (token !== undefined && !/^[\x21-\x7e]{16,}$/.test(token))
    throw new Error('PLINTH_METRICS_TOKEN must be at least 16 printable ASCII characters without spaces');
  const trusted = overrides.trustedDocumentsFile ?? envValue(env, 'PLINTH_TRUSTED_DOCUMENTS');
  return {
    metrics: overrides.metrics ?? flag(env, 'PLINTH_METRICS', false),
    metricsToken: token,
    trustedDocumentsFile: trusted === undefined ? undefined : path.resolve(trusted),
    logFormat: logFormat(overrides.logFormat ?? envValue(env, 'PLINTH_LOG_FORMAT'), production, terminal),
    heapGrowthPercent: overrides.heapGrowthPercent ?? int(env, 'PLINTH_HEAP_GROWTH_PERCENT', 100, 0, 1000),
  };
}
