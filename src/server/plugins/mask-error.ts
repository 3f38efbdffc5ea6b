import { GraphQLError } from 'graphql';
import type { Logger } from '../../config/logger.ts';
import { ParseError, ErrorCode } from '../../errors/index.ts';
import { DatabaseError, SqlState } from '../../db/index.ts';

/**
 * Turns resolver failures into the API's error format: a ParseError keeps its message and puts
 * its code in `extensions.code`; GraphQL's own errors (validation, coercion) pass through;
 * anything else becomes code 1 "Internal server error", logged here with its detail.
 */
export function maskError(logger?: Logger) {
  return (error: unknown, message: string): Error => {
    const original = error instanceof GraphQLError ? (error.originalError ?? undefined) : error;
    const graphqlError = error instanceof GraphQLError ? error : undefined;
    const withCode = (code: number, msg: string) =>
      new GraphQLError(msg, { nodes: graphqlError?.nodes, source: graphqlError?.source, positions: graphqlError?.positions, path: graphqlError?.path, extensions: { code } });
    if (original instanceof ParseError) return withCode(original.code, original.message);
    if (original instanceof DatabaseError) {
      if (original.code === SqlState.INVALID_REGEX) return withCode(ErrorCode.INVALID_QUERY, `Invalid regular expression: ${original.message}`);
      if (original.code === '42704') return withCode(ErrorCode.INVALID_QUERY, `Invalid query: ${original.message}`);
      if (original.code === SqlState.QUERY_CANCELED) return withCode(ErrorCode.INVALID_QUERY, 'The query took too long and was cancelled.');
    }
    if (graphqlError && !graphqlError.originalError) return graphqlError;
    if (original instanceof GraphQLError) return withCode(typeof original.extensions?.code === 'number' ? original.extensions.code : ErrorCode.INVALID_QUERY, original.message);
    logger?.error({ err: original }, 'unexpected error in a request');
    void message;
    return withCode(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  };
}
