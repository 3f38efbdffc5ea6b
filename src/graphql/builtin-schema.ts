import type { GraphQLSchema } from 'graphql';
import { fromStored } from '../schema/stored.ts';
import type { ClassDef } from '../schema/index.ts';
import { buildGraphQLSchema } from './build-schema.ts';

/**
 * The schema of a fresh server: the built-in API with only the system classes (_User, _Role,
 * _Session, _Installation, _PushStatus, _JobStatus, _JobSchedule).
 * schema.graphql at the repository root is this schema printed.
 */
export function builtInSchema(): GraphQLSchema {
  const classes = new Map<string, ClassDef>();
  for (const className of ['_Role', '_User', '_Session', '_Installation', '_PushStatus', '_JobStatus', '_JobSchedule'])
    classes.set(className, fromStored({ className, fields: {} }));
  return buildGraphQLSchema({ version: 'builtin', classes });
}
