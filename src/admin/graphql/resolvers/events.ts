import { ErrorCode, ParseError } from '../../../errors/index.ts';
import { readableFields } from '../../../cloud/data/find-parts.ts';
import type { EventSubscriptionRequest, LiveEvent } from '../../../live/types.ts';
import { mapEvents } from '../../../live/cloud-hooks.ts';
import { endWithFailure, StreamFailure } from '../../../graphql/stream-failure.ts';
import { restObject } from '../codec.ts';
import { requireClass, requireDataFeature, type AdminContext } from '../context.ts';
import { whereOf } from './objects.ts';
import { TRUE } from '../../../query/index.ts';

/**
 * The live grid: `objectEvents(className, where)` through the live-query engine, as the public
 * `<class>Events` subscription does, with the admin's Auth (or the browsed-as user's) — the
 * engine decides and masks each event for that subscriber. Objects come in REST JSON.
 */
export const objectEvents = {
  async subscribe(_root: unknown, args: { className: string; where?: unknown }, c: AdminContext) {
    requireDataFeature(c, args.className);
    const cls = requireClass(c, args.className);
    const live = c.deps.live;
    if (!live) throw new ParseError(ErrorCode.OTHER_CAUSE, 'Subscriptions are not available on this server.');
    let req: EventSubscriptionRequest = {
      auth: await c.dataAuth(),
      className: cls.className,
      where: whereOf(c, cls, args.where) ?? TRUE,
      fields: readableFields(cls),
    };
    if (live.hooks) req = await live.hooks.beforeSubscribe(req);
    const events = live.events.subscribe(req);
    const hooks = live.hooks;
    if (!hooks?.hasAfterEvent(cls.className)) return endWithFailure(events);
    return endWithFailure(mapEvents(events, (event) => hooks.afterEvent(req, event), live.onHookError ?? (() => undefined)));
  },
  resolve(payload: LiveEvent | StreamFailure, args: { className: string }, c: AdminContext) {
    if (payload instanceof StreamFailure) throw payload.error;
    const cls = requireClass(c, args.className);
    return {
      kind: payload.event,
      object: restObject(cls, payload.object, c.env),
      original: payload.original ? restObject(cls, payload.original, c.env) : null,
    };
  },
};
