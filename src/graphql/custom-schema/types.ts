import type { DocumentNode } from 'graphql';

/** Where something is written in the SDL file (1-based), for messages that point at it. */
export interface SdlPlace {
  line: number;
  column: number;
}

/**
 * A custom schema file (Parse's `graphQLSchema` option), parsed and checked once at start-up.
 * The generated part of the API changes with the classes, so this is merged again into every
 * schema that is built (see mergeCustomSchema).
 */
export interface CustomSchema {
  /** The file as messages name it. */
  file: string;
  /** The SDL as written, plus the `@resolve` and `@mock` declarations when the file has none. */
  document: DocumentNode;
  /** The types the file defines, by name. */
  types: ReadonlyMap<string, SdlPlace>;
  /** The fields the file adds to existing types (Query, Mutation, class types): type → field → place. */
  extensions: ReadonlyMap<string, ReadonlyMap<string, SdlPlace>>;
}
