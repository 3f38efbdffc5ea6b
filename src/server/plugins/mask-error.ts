import type { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import type { Logger } from '../../config/logger.ts';
import { ParseError, ErrorCode } from '../../errors/index.ts';
import { DatabaseError, SqlState, isDatabaseUnavailable } from '../../db/index.ts';

/**
 * Turns request failures into the API's error format, at the boundary (Yoga's maskError):
 * - a ParseError keeps its message and puts its code in `extensions.code`;
 * - GraphQL's own errors (syntax, validation, request format) pass through as they are (a
 *   request parser's failure was made plain before: use-request-errors.ts);
 * - a GraphQLError wrapping another one (a value that failed coercion, a GraphQLError thrown
 *   in a resolver) keeps the outer message, which names the variable or field, and takes the
 *   inner numeric code — else 111 for a variable whose value does not fit its type, 102 otherwise;
 * - database errors caused by the query's input become 102, values it cannot take 111 (without
 *   PostgreSQL's text, which is logged);
 * - anything else is unexpected: code 1 "Internal server error" in the response, the detail
 *   (with its stack) only in the log.
 */
export function maskError(logger?: Logger) {
  return (error: unknown): Error => {
    const graphqlError = isGraphQLError(error) ? error : undefined;
    const original = graphqlError ? (graphqlError.originalError ?? undefined) : error;
    const withCode = (code: number, msg: string) =>
      createGraphQLError(msg, {
        nodes: graphqlError?.nodes,
        source: graphqlError?.source,
        positions: graphqlError?.positions,
        path: graphqlError?.path,
        extensions: { code },
      });
    if (original instanceof ParseError) return withCode(original.code, original.message);
    if (original instanceof DatabaseError) {
      // A pattern JavaScript accepts but PostgreSQL's engine does not (a repetition over 255, …):
      // its reason, under the one prefix that query/parse/regex.ts gives JavaScript's refusals.
      if (original.code === SqlState.INVALID_REGEX)
        return withCode(ErrorCode.INVALID_QUERY, `Invalid regular expression: ${original.message.replace(/^invalid regular expression:\s*/i, '')}`);
      if (original.code === '42704') return withCode(ErrorCode.INVALID_QUERY, `Invalid query: ${original.message}`);
      if (original.code === SqlState.QUERY_CANCELED) return withCode(ErrorCode.INVALID_QUERY, 'The query took too long and was cancelled.');
      // Class 22 "data exception": a value the database cannot take that no check before SQL
      // caught (those name the field: query/values.ts). PostgreSQL's own text stays in the log.
      if (original.code?.startsWith('22')) {
        logger?.warn({ err: original }, 'the database refused a value sent in a request');
        return withCode(ErrorCode.INCORRECT_TYPE, 'Invalid value: the database cannot store a value sent in this request.');
      }
    }
    if (graphqlError && !original) {
      // The compiled executor reports a variable that does not fit its type without a cause.
      if (!graphqlError.path && /^Variable "\$/.test(graphqlError.message) && graphqlError.extensions?.code === undefined) {
        return withCode(ErrorCode.INCORRECT_TYPE, graphqlError.message);
      }
      return graphqlError;
    }
    if (isGraphQLError(original)) {
      const inner = original.extensions?.code;
      // Errors raised while coercing variables come before execution: they have no path.
      const fallback = graphqlError?.path ? ErrorCode.INVALID_QUERY : ErrorCode.INCORRECT_TYPE;
      return withCode(typeof inner === 'number' ? inner : fallback, graphqlError?.message ?? original.message);
    }
    if (isDatabaseUnavailable(original)) {
      // An outage, not a bug: one short line per request, no stack; the client may retry.
      logger?.warn({ reason: (original as Error)?.message }, 'request failed: the database is unavailable');
      return withCode(ErrorCode.INTERNAL_SERVER_ERROR, DATABASE_UNAVAILABLE);
    }
    logger?.error({ err: original }, 'unexpected error in a request');
    return withCode(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  };
}

/** What a request hears while the database is unreachable (code 1, as any failure that is not the request's). */
export const DATABASE_UNAVAILABLE = 'The database is unavailable; try again.';

/**
 * A GraphQLError from any copy of graphql-js: where two copies are loaded (CommonJS and ESM
 * entries, as vitest does), `instanceof` fails for errors made by the other one. The masked
 * errors are made with Yoga's createGraphQLError for the same reason: Yoga must recognise them.
 */
export function isGraphQLError(value: unknown): value is GraphQLError {
  return value instanceof Error && (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'GraphQLError';
}
