import type { GraphQLResolveInfo } from 'graphql';
import type { ClassDef } from '../../schema/index.ts';
import { parseWhere } from '../../query/index.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import type { EventSubscriptionRequest, LiveEvent, LiveEventKind } from '../../live/types.ts';
import { mapEvents } from '../../live/cloud-hooks.ts';
import type { GraphQLContext } from '../context.ts';
import type { Ref } from '../builder.ts';
import { eachPayload, endWithFailure, type StreamFailure } from '../stream-failure.ts';
import { inp, out } from '../type-spec.ts';
import { eventTypeName, eventsSubscriptionName, getQueryName, typeName, whereInputName } from '../inflection.ts';
import { selectedFields, subNodes } from '../selection.ts';
import { readFieldsFor } from '../read-fields.ts';
import type { GenContext } from './context.ts';

/** API.md's `enum LiveEvent`, in its order. */
export const LIVE_EVENT_KINDS: readonly LiveEventKind[] = ['CREATE', 'ENTER', 'UPDATE', 'LEAVE', 'DELETE'];

export function defineLiveEventEnum(ctx: GenContext): void {
  ctx.refs.set('LiveEvent', (ctx.builder as Ref).enumType('LiveEvent', { values: LIVE_EVENT_KINDS }));
}

export function declareEventType(ctx: GenContext, cls: ClassDef): void {
  ctx.refs.set(eventTypeName(cls.className), (ctx.builder as Ref).objectRef(eventTypeName(cls.className)));
}

/** `PostEvent { event: LiveEvent!, post: Post, original: Post }`. */
export function implementEventType(ctx: GenContext, cls: ClassDef): void {
  const objectRef = ctx.refs.get(typeName(cls.className));
  ctx.refs.get(eventTypeName(cls.className)).implement({
    fields: (t: Ref) => ({
      event: t.field({ ...out(ctx.refs.get('LiveEvent'), '!'), resolve: (e: LiveEvent) => e.event }),
      [getQueryName(cls.className)]: t.field({ ...out(objectRef, ''), resolve: (e: LiveEvent) => e.object ?? null }),
      original: t.field({ ...out(objectRef, ''), resolve: (e: LiveEvent) => e.original ?? null }),
    }),
  });
}

/**
 * `postEvents(where: PostWhereInput, events: [LiveEvent!]): PostEvent!`. The where input is
 * parsed as a find query's; the engine checks access at once (a refusal is this subscriber's
 * GraphQL error) and yields events already decided and masked for the subscriber.
 */
export function classSubscriptionFields(ctx: GenContext, cls: ClassDef, t: Ref): Record<string, Ref> {
  const className = cls.className;
  return {
    [eventsSubscriptionName(className)]: t.field({
      ...out(ctx.refs.get(eventTypeName(className)), '!'),
      args: {
        where: t.arg(inp(ctx.refs.get(whereInputName(className)), '')),
        events: t.arg(inp(ctx.refs.get('LiveEvent'), '[!]')),
      },
      subscribe: async (_root: unknown, args: { where?: unknown; events?: LiveEventKind[] | null }, c: GraphQLContext, info: GraphQLResolveInfo) => {
        const live = c.live;
        if (!live) throw new ParseError(ErrorCode.OTHER_CAUSE, 'Subscriptions are not available on this server.');
        const where = parseWhere(args.where ?? null, cls, { classes: ctx.all });
        const fields = eventFields(info, cls);
        let req: EventSubscriptionRequest = { auth: c.auth, className, where, events: args.events ?? undefined, fields };
        // Cloud code may refuse the subscription or narrow it (beforeSubscribe), and change or
        // drop each event for this subscriber (afterLiveQueryEvent).
        if (live.hooks) req = await live.hooks.beforeSubscribe(req);
        const events = live.events.subscribe(req);
        const hooks = live.hooks;
        if (!hooks?.hasAfterEvent(className)) return endWithFailure(events);
        return endWithFailure(mapEvents(events, (event) => hooks.afterEvent(req, event), live.onHookError ?? (() => undefined)));
      },
      resolve: (payload: LiveEvent | StreamFailure, _args: unknown, c: GraphQLContext) => eachPayload(payload, c),
    }),
  };
}

/** The class fields an event selection reads, on the object and on its original (objectId always). */
function eventFields(info: GraphQLResolveInfo, cls: ClassDef): string[] {
  const event = selectedFields(info, info.fieldNodes, eventTypeName(cls.className));
  const fields = new Set<string>(['objectId']);
  for (const name of [getQueryName(cls.className), 'original']) {
    const nodes = subNodes(event, name);
    if (nodes.length) for (const f of readFieldsFor(cls, selectedFields(info, nodes, typeName(cls.className)))) fields.add(f);
  }
  return [...fields];
}
