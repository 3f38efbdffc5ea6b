import type { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import type { Logger } from '../../config/logger.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import { DatabaseError, isDatabaseUnavailable } from '../../db/index.ts';

function isGraphQLError(value: unknown): value is GraphQLError {
  return value instanceof Error && (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'GraphQLError';
}

/**
 * The admin endpoint's errors in the public API's format: a ParseError's code in
 * `extensions.code` with its message; GraphQL's own errors (syntax, validation, coercion) as
 * they are; a value the database refused as 111; anything else code 1 "Internal server error",
 * its detail only in the log (never a stack or SQL in the page).
 */
export function adminMaskError(logger: Logger) {
  return (error: unknown): Error => {
    const graphqlError = isGraphQLError(error) ? error : undefined;
    const original = graphqlError ? (graphqlError.originalError ?? undefined) : error;
    const withCode = (code: number, message: string) =>
      createGraphQLError(message, {
        nodes: graphqlError?.nodes,
        source: graphqlError?.source,
        positions: graphqlError?.positions,
        path: graphqlError?.path,
        extensions: { code },
      });
    if (original instanceof ParseError) return withCode(original.code, original.message);
    if (graphqlError && !original) return graphqlError;
    if (isGraphQLError(original)) {
      const inner = original.extensions?.code;
      return withCode(typeof inner === 'number' ? inner : ErrorCode.INVALID_QUERY, graphqlError?.message ?? original.message);
    }
    if (original instanceof DatabaseError && original.code?.startsWith('22')) {
      logger.warn({ err: original }, 'the database refused a value sent to the dashboard API');
      return withCode(ErrorCode.INCORRECT_TYPE, 'Invalid value: the database cannot store a value sent in this request.');
    }
    if (isDatabaseUnavailable(original)) return withCode(ErrorCode.INTERNAL_SERVER_ERROR, 'The database is unavailable; try again.');
    logger.error({ err: original }, 'unexpected error in a dashboard API request');
    return withCode(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  };
}
