import { type GraphQLSchema, defaultFieldResolver } from 'graphql';
import type { GraphQLContext } from '../context.ts';

/**
 * Makes every root mutation field of `schema` a unit for the request's uploads: the files a
 * field claims (createFile, `{upload}` in its input) are used if it completes and released if
 * it throws — a failed write leaves its files to be deleted after the request. Requests
 * without uploads pass straight through. Runs once per built schema, before it is served.
 */
export function trackUploadClaims(schema: GraphQLSchema): GraphQLSchema {
  const fields = schema.getMutationType()?.getFields() ?? {};
  for (const field of Object.values(fields)) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context: GraphQLContext, info) => {
      const uploads = context?.uploads;
      return uploads ? uploads.runField(() => resolve(source, args, context, info)) : resolve(source, args, context, info);
    };
  }
  return schema;
}
