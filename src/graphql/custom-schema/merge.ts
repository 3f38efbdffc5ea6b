import { extendSchema, validateSchema, type GraphQLSchema } from 'graphql';
import type { Logger } from '../../config/logger.ts';
import { classNameResolver } from './class-objects.ts';
import { refuseClashes } from './clashes.ts';
import { leaveOutMissing } from './leave-out-missing.ts';
import { attachResolvers } from './resolvers.ts';
import { fromGraphQLError } from './sdl-error.ts';
import type { CustomSchema } from './types.ts';

export interface MergeOptions {
  /** The classes the generated schema exposes (maps `User` back to `_User` for plain results). */
  classes?: Iterable<string>;
  /** Told which custom fields are left out because a type they need does not exist. */
  logger?: Logger;
}

/**
 * The generated schema with the custom schema merged in: its types added, its fields added to
 * Query, Mutation and class types, with `@resolve` / `@mock` resolvers. Runs at the end of every
 * schema build, since the generated part changes with the classes. A custom name that clashes
 * with a generated or built-in one throws an Error naming it and its line (at start-up this
 * stops the server); fields that need a class that does not exist are left out and logged.
 */
export function mergeCustomSchema(generated: GraphQLSchema, custom: CustomSchema, options: MergeOptions = {}): GraphQLSchema {
  const classNameOf = classNameResolver(options.classes);
  refuseClashes(generated, custom, classNameOf);
  const { document, leftOut } = leaveOutMissing(generated, custom);
  for (const message of leftOut) options.logger?.warn(message);
  let merged: GraphQLSchema;
  try {
    // graphql-js checks the extension too (unknown types, bad directive arguments…).
    merged = extendSchema(generated, document);
  } catch (error) {
    throw fromGraphQLError(custom.file, error as Error);
  }
  attachResolvers(merged, document, { classNameOf, typeOf: (name) => merged.getType(name) ?? undefined });
  const [problem] = validateSchema(merged);
  if (problem) throw fromGraphQLError(custom.file, problem);
  return merged;
}
