import type { GraphQLResolveInfo } from 'graphql';
import type { ClassDef } from '../../schema/index.ts';
import { parseWhere } from '../../query/index.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import type { LiveEvent, LiveEventKind } from '../../live/types.ts';
import type { GraphQLContext } from '../context.ts';
import type { Ref } from '../builder.ts';
import { Loaders } from '../loaders.ts';
import { inp, out } from '../type-spec.ts';
import { eventTypeName, eventsSubscriptionName, getQueryName, typeName, whereInputName } from '../inflection.ts';
import { selectedFields, subNodes } from '../selection.ts';
import { readFieldsFor } from '../read-fields.ts';
import type { GenContext } from './context.ts';

/** API.md's `enum LiveEvent`, in its order. */
export const LIVE_EVENT_KINDS: readonly LiveEventKind[] = ['CREATE', 'ENTER', 'UPDATE', 'LEAVE', 'DELETE'];

/** What the event stream carries to the resolver: an event, or the error that ended the stream. */
type Payload = LiveEvent | { failed: unknown };

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
      subscribe: (_root: unknown, args: { where?: unknown; events?: LiveEventKind[] | null }, c: GraphQLContext, info: GraphQLResolveInfo) => {
        if (!c.live) throw new ParseError(ErrorCode.OTHER_CAUSE, 'Subscriptions are not available on this server.');
        const where = parseWhere(args.where ?? null, cls, { classes: ctx.all });
        const fields = eventFields(info, cls);
        return deliverErrors(c.live.events.subscribe({ auth: c.auth, className, where, events: args.events ?? undefined, fields }));
      },
      resolve: (payload: Payload, _args: unknown, c: GraphQLContext) => {
        if ('failed' in payload) throw payload.failed;
        // Each event is resolved with loaders of its own: a cached object must not outlive its event.
        c.loaders = new Loaders(c.core, c.auth);
        return payload;
      },
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

/**
 * The engine's stream, with an error that ends it (a session that ended: 209) delivered as one
 * last payload, so the subscriber gets it as a GraphQL error with its code rather than a
 * transport failure. Written by hand, not as an async generator: `return()` (disconnect,
 * complete) must reach the engine at once, even while a `next()` is waiting for an event.
 */
function deliverErrors(source: AsyncIterableIterator<LiveEvent>): AsyncIterableIterator<Payload> {
  let done = false;
  const finished = { done: true, value: undefined } as IteratorReturnResult<undefined>;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<Payload>> {
      if (done) return finished;
      try {
        const result = await source.next();
        if (result.done) done = true;
        return result;
      } catch (failed) {
        done = true;
        return { done: false, value: { failed } };
      }
    },
    async return(): Promise<IteratorResult<Payload>> {
      done = true;
      await source.return?.();
      return finished;
    },
  };
}
