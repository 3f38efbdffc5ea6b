import type { ASTNode, GraphQLError } from 'graphql';
import type { SdlPlace } from './types.ts';

/** The place a node starts at (line 0 for a node without a location, e.g. one we added). */
export function placeOf(node: ASTNode): SdlPlace {
  const token = node.loc?.startToken;
  return { line: token?.line ?? 0, column: token?.column ?? 0 };
}

/** `schema.graphql:3:7` — the form editors and terminals turn into a link. */
export function where(file: string, place: SdlPlace): string {
  return `${file}:${place.line}:${place.column}`;
}

/** A problem in the custom schema file, naming the file, line and column. */
export function sdlError(file: string, place: SdlPlace, message: string): Error {
  return new Error(`Custom GraphQL schema ${where(file, place)}: ${message}`);
}

/**
 * A GraphQL error about the custom document (a syntax error, or graphql-js's own checks when
 * merging) restated with the file; its first location is in the custom document.
 */
export function fromGraphQLError(file: string, error: GraphQLError | Error): Error {
  const location = (error as GraphQLError).locations?.[0];
  return location ? sdlError(file, location, error.message) : new Error(`Custom GraphQL schema ${file}: ${error.message}`);
}
