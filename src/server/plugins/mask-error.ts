import type { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import type { Logger } from '../../config/logger.ts';
import { ErrorCode } from '../../errors/index.ts';
import { requestError, unexpectedError } from '../../db/index.ts';

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
    const known = requestError(original, logger);
    if (known) return withCode(known.code, known.message);
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
    const unexpected = unexpectedError(original, logger);
    return withCode(unexpected.code, unexpected.message);
  };
}

export { DATABASE_UNAVAILABLE } from '../../db/index.ts';

/**
 * A GraphQLError from any copy of graphql-js: where two copies are loaded (CommonJS and ESM
 * entries, as vitest does), `instanceof` fails for errors made by the other one. The masked
 * errors are made with Yoga's createGraphQLError for the same reason: Yoga must recognise them.
 */
export function isGraphQLError(value: unknown): value is GraphQLError {
  return value instanceof Error && (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'GraphQLError';
}
