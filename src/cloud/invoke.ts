import type { Logger } from '../config/logger.ts';
import { DatabaseError } from '../db/index.ts';
import { ErrorCode, ParseError } from '../errors/index.ts';
import type { RequestInfo } from '../security/index.ts';
import type { CloudStats } from './stats.ts';
import type { SourceLocation } from './types.ts';

/** What every handler run needs from the server: limits, masking, the log and the statistics. */
export interface InvokeEnv {
  timeoutMs: number;
  slowMs: number;
  production: boolean;
  logger: Logger;
  stats: CloudStats;
}

/** A registered handler as `invoke` runs it: its statistics key, where it was registered, and a name for logs. */
export interface Invocable {
  key: string;
  source: SourceLocation;
}

/**
 * A thrown value as the client sees it (Parse's resolveError): a ParseError (CloudError) keeps
 * its code and message, and so does any value with a numeric `code`; an Error or a string
 * becomes `defaultCode` (141 for handlers, 142 for validators) with its message; anything else
 * is masked in production. A database failure is never shown: it is internal.
 */
export function toParseError(thrown: unknown, defaultCode: number, production: boolean, defaultMessage = 'Script failed.'): ParseError {
  if (thrown instanceof ParseError) return thrown;
  if (thrown instanceof DatabaseError) return new ParseError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  if (typeof thrown === 'object' && thrown !== null) {
    const { code, message } = thrown as { code?: unknown; message?: unknown };
    if (typeof code === 'number' && Number.isInteger(code)) return new ParseError(code, typeof message === 'string' && message ? message : defaultMessage);
    if (thrown instanceof Error) return new ParseError(defaultCode, thrown.message || defaultMessage);
  }
  if (typeof thrown === 'string') return new ParseError(defaultCode, thrown || defaultMessage);
  if (thrown === undefined || thrown === null || production) return new ParseError(defaultCode, defaultMessage);
  let shown: string;
  try {
    shown = JSON.stringify(thrown) ?? String(thrown);
  } catch {
    shown = String(thrown);
  }
  return new ParseError(defaultCode, shown);
}

/** Rejects after `ms` (0: never) unless `work` settles first; the timer never outlives the race. */
async function withTimeout<T>(work: Promise<T>, ms: number, label: string): Promise<T> {
  if (!ms) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ParseError(ErrorCode.SCRIPT_FAILED, `${label} timed out after ${ms} ms`)), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one handler (a function, a trigger, a validator's owner) the way every cloud handler
 * runs: with the time limit, its duration and outcome counted, named in the request's trace,
 * logged when slow. Its failure is re-thrown as is; callers turn it into a ParseError (the
 * code depends on what ran) with `toParseError`.
 */
export async function invoke<T>(entry: Invocable, label: string, env: InvokeEnv, request: RequestInfo | undefined, run: () => T | Promise<T>): Promise<T> {
  const started = performance.now();
  let failure: unknown;
  try {
    return await withTimeout(Promise.resolve().then(run), env.timeoutMs, label);
  } catch (error) {
    failure = error ?? new Error('undefined thrown');
    throw error;
  } finally {
    const ms = performance.now() - started;
    env.stats.record(entry.key, ms, failure);
    request?.trace?.push({ name: label, ms: Math.round(ms * 100) / 100, ...(failure !== undefined ? { error: true } : {}) });
    if (env.slowMs && ms > env.slowMs) {
      env.logger.warn(
        { cloud: label, ms: Math.round(ms), at: `${entry.source.file}:${entry.source.line}` },
        `slow cloud code: ${label} took ${Math.round(ms)} ms`,
      );
    }
  }
}
