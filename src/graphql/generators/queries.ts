import type { GraphQLResolveInfo } from 'graphql';
import type { ClassDef } from '../../schema/index.ts';
import type { GraphQLContext } from '../context.ts';
import type { Ref } from '../builder.ts';
import { inp, out } from '../type-spec.ts';
import { connectionTypeName, findQueryName, getQueryName, toObjectId, typeName } from '../inflection.ts';
import { selectedFields } from '../selection.ts';
import { readFieldsFor } from '../read-fields.ts';
import type { GenContext } from './context.ts';
import { findArgs, findRequest, type FindArgs } from './find-args.ts';

/**
 * `post(id: ID!, options): Post!` and `posts(where, order, skip, after, first, before, last, options): PostConnection!`,
 * described as Parse describes them; a class whose plural is its singular has `sheep` and `sheepList` (inflection.ts).
 */
export function classQueryFields(ctx: GenContext, cls: ClassDef, t: Ref): Record<string, Ref> {
  const className = cls.className;
  const get = getQueryName(className);
  const find = findQueryName(className);
  return {
    [get]: t.field({
      ...out(ctx.refs.get(typeName(className)), '!'),
      description: `The ${get} query can be used to get an object of the ${typeName(className)} class by its id.`,
      args: { id: t.arg(inp('ID', '!')), options: t.arg(inp(ctx.refs.get('ReadOptionsInput'), '')) },
      resolve: (_root: unknown, args: { id: string }, c: GraphQLContext, info: GraphQLResolveInfo) => {
        const fields = readFieldsFor(cls, selectedFields(info, info.fieldNodes, typeName(className)));
        return c.core.get(c.auth, className, toObjectId(args.id, className), fields);
      },
    }),
    [find]: t.field({
      ...out(ctx.refs.get(connectionTypeName(className)), '!'),
      description: `The ${find} query can be used to find objects of the ${typeName(className)} class.`,
      args: findArgs(t, ctx, className),
      resolve: (_root: unknown, args: FindArgs, c: GraphQLContext, info: GraphQLResolveInfo) => {
        const req = findRequest(info, info.fieldNodes, cls, ctx.all, args, true);
        return c.core.find(c.auth, className, req);
      },
    }),
  };
}
