import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import type { ClassDef } from '../../schema/index.ts';
import type { FindResult } from '../../core/index.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import { Auth } from '../../security/index.ts';
import { TRUE } from '../../query/index.ts';
import { classesReadBy, findResultFingerprint, openLiveResultSet, wherePrefilter } from '../../live/results/index.ts';
import type { GraphQLContext } from '../context.ts';
import type { Ref } from '../builder.ts';
import { eachPayload, endWithFailure, type StreamFailure } from '../stream-failure.ts';
import { out } from '../type-spec.ts';
import { connectionTypeName, edgeTypeName, findQueryName, typeName } from '../inflection.ts';
import { selectedFields, subNodes } from '../selection.ts';
import type { GenContext } from './context.ts';
import { findArgs, findRequest, type FindArgs } from './find-args.ts';

/**
 * Live result sets on the Subscription type: `posts(where, order, skip, after, first, before,
 * last): PostConnection!` takes the find query's arguments and emits the same connection the
 * query returns, then a new one whenever a change altered what this subscriber sees. The find
 * runs through core with the subscriber's Auth, so ACL, CLP and protected fields apply exactly
 * as for the query.
 */
export function liveResultFields(ctx: GenContext, cls: ClassDef, t: Ref): Record<string, Ref> {
  return {
    [findQueryName(cls.className)]: t.field({
      ...out(ctx.refs.get(connectionTypeName(cls.className)), '!'),
      args: findArgs(t, ctx, cls.className),
      subscribe: async (_root: unknown, args: FindArgs, c: GraphQLContext, info: GraphQLResolveInfo) =>
        endWithFailure(await subscribeToFind(ctx, cls, args, c, info)),
      resolve: (payload: FindResult | StreamFailure, _args: unknown, c: GraphQLContext) => eachPayload(payload, c),
    }),
  };
}

async function subscribeToFind(ctx: GenContext, cls: ClassDef, args: FindArgs, c: GraphQLContext, info: GraphQLResolveInfo) {
  const live = c.live;
  if (!live) throw new ParseError(ErrorCode.OTHER_CAUSE, 'Subscriptions are not available on this server.');
  let req = findRequest(info, info.fieldNodes, cls, ctx.all, args, true);
  if (live.hooks) {
    // beforeSubscribe may refuse or narrow a live result set as it does an event subscription.
    const narrowed = await live.hooks.beforeSubscribe({ auth: c.auth, className: cls.className, where: req.where ?? TRUE, fields: req.fields });
    req = { ...req, where: narrowed.where, fields: narrowed.fields };
  }
  const { opaque, pageRelation } = deeperReads(ctx, cls, info);
  // A relation of the page's objects is loaded while rendering; adding to or removing from it
  // updates its owner, so the owner's updatedAt puts membership changes into the fingerprint.
  if (pageRelation && !req.fields.includes('updatedAt')) req = { ...req, fields: [...req.fields, 'updatedAt'] };
  const targets = new Set(opaque);
  for (const inc of req.include ?? []) {
    const target = cls.fields[inc.field]?.targetClass;
    if (target) targets.add(target);
  }
  const watched = classesReadBy(req.where, new Set([cls.className, ...targets]));
  for (const name of opaque) watched.delete(name);
  // A user's roles can change while subscribed: a role change re-runs the query with the roles
  // as they are then (and the emission's loaders use them too: the context is this stream's).
  const { userId, sessionId } = c.auth;
  const rolesOf = live.rolesOf;
  if (userId && rolesOf) opaque.add('_Role');
  const run = async () => {
    if (userId && rolesOf) {
      const roles = await rolesOf(userId);
      if (roles.join('\n') !== c.auth.roles.join('\n')) c.auth = Auth.user(userId, roles, sessionId);
    }
    return c.core.find(c.auth, cls.className, req);
  };
  return openLiveResultSet<FindResult>({
    feed: live.feed,
    auth: c.auth,
    watched: [...watched],
    opaque: [...opaque],
    run,
    fingerprint: findResultFingerprint,
    mayAffect: wherePrefilter(cls, req.where, targets),
    debounceMs: live.resultDebounceMs,
  });
}

interface DeeperReads {
  /** Classes whose changes always emit. */
  opaque: Set<string>;
  /** The page's objects themselves have a relation selected. */
  pageRelation: boolean;
}

/**
 * Classes the selection reads outside the page's own statement: relations of the page's
 * objects, and anything below the first level of pointers (loaded while the emission is
 * rendered). Their values are not in the result's fingerprint, so their changes always emit.
 */
function deeperReads(ctx: GenContext, cls: ClassDef, info: GraphQLResolveInfo): DeeperReads {
  const into: DeeperReads = { opaque: new Set(), pageRelation: false };
  const connection = selectedFields(info, info.fieldNodes, connectionTypeName(cls.className));
  const nodes = subNodes(selectedFields(info, subNodes(connection, 'edges'), edgeTypeName(cls.className)), 'node');
  walk(ctx, info, cls, nodes, 0, into);
  return into;
}

function walk(ctx: GenContext, info: GraphQLResolveInfo, cls: ClassDef, nodes: readonly FieldNode[], depth: number, into: DeeperReads): void {
  if (!nodes.length) return;
  for (const [name, fieldNodes] of selectedFields(info, nodes, typeName(cls.className))) {
    const def = Object.hasOwn(cls.fields, name) ? cls.fields[name] : undefined;
    const target = def?.targetClass ? ctx.classes.get(def.targetClass) : undefined;
    if (!target) continue;
    if (def!.type === 'Pointer') {
      if (depth > 0) into.opaque.add(target.className);
      walk(ctx, info, target, fieldNodes, depth + 1, into);
    } else if (def!.type === 'Relation') {
      into.opaque.add(target.className);
      // Membership changes update the owner; below the page, the owner's updatedAt is not read.
      if (depth === 0) into.pageRelation = true;
      else into.opaque.add(cls.className);
      const connection = selectedFields(info, fieldNodes, connectionTypeName(target.className));
      const edges = selectedFields(info, subNodes(connection, 'edges'), edgeTypeName(target.className));
      walk(ctx, info, target, subNodes(edges, 'node'), depth + 1, into);
    }
  }
}
