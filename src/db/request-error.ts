import type { Logger } from '../config/logger.ts';
import { ErrorCode, ParseError } from '../errors/index.ts';
import { DatabaseError, SqlState, isDatabaseUnavailable } from './db-error.ts';

/** What a request hears while the database is unreachable (code 1, as any failure that is not the request's). */
export const DATABASE_UNAVAILABLE = 'The database is unavailable; try again.';

/**
 * A failure of a request's work as the API reports it, for every transport (GraphQL's masking,
 * REST, LiveQuery): a ParseError as it is; database errors caused by the request's input become
 * 102 (a pattern PostgreSQL refuses, a cancelled query) or 111 (a value it cannot take, without
 * PostgreSQL's text, which is logged); an unreachable database is code 1 with a retryable
 * message (and HTTP 503); anything else is code 1 "Internal server error", the detail (with its
 * stack) only in the log. Undefined for a value this does not know (GraphQL's own errors).
 */
export function requestError(error: unknown, logger?: Logger): ParseError | undefined {
  if (error instanceof ParseError) return error;
  if (error instanceof DatabaseError) {
    // A pattern JavaScript accepts but PostgreSQL's engine does not (a repetition over 255, …):
    // its reason, under the one prefix that query/parse/regex.ts gives JavaScript's refusals.
    if (error.code === SqlState.INVALID_REGEX)
      return new ParseError(ErrorCode.INVALID_QUERY, `Invalid regular expression: ${error.message.replace(/^invalid regular expression:\s*/i, '')}`);
    if (error.code === '42704') return new ParseError(ErrorCode.INVALID_QUERY, `Invalid query: ${error.message}`);
    if (error.code === SqlState.QUERY_CANCELED) return new ParseError(ErrorCode.INVALID_QUERY, 'The query took too long and was cancelled.');
    // Class 22 "data exception": a value the database cannot take that no check before SQL
    // caught (those name the field: query/values.ts). PostgreSQL's own text stays in the log.
    if (error.code?.startsWith('22')) {
      logger?.warn({ err: error }, 'the database refused a value sent in a request');
      return new ParseError(ErrorCode.INCORRECT_TYPE, 'Invalid value: the database cannot store a value sent in this request.');
    }
  }
  return undefined;
}

/** The last resort of requestError's rules: an outage (503, logged in one line) or an unexpected failure (500, logged with its stack). */
export function unexpectedError(error: unknown, logger?: Logger): ParseError {
  if (isDatabaseUnavailable(error)) {
    logger?.warn({ reason: (error as Error)?.message }, 'request failed: the database is unavailable');
    return new ParseError(ErrorCode.INTERNAL_SERVER_ERROR, DATABASE_UNAVAILABLE, 503);
  }
  logger?.error({ err: error }, 'unexpected error in a request');
  return new ParseError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error', 500);
}
