import { errors } from '../../errors/index.ts';
import { parseWhere } from '../../query/index.ts';
import { isValidClassName, isValidFieldName, type ClassDef } from '../../schema/index.ts';
import { fromStored } from '../../schema/stored.ts';
import { fieldMask, type Auth } from '../../security/index.ts';
import type { EventSubscriptionRequest, LiveEvent } from '../../live/index.ts';
import { mapEvents } from '../../live/cloud-hooks.ts';
import { ALWAYS_SENT, type EventShape } from './events.ts';
import type { LiveQuerySpec } from './messages.ts';
import type { LiveQueryContext } from './context.ts';

/** A subscription the engine accepted: its events, decided and masked for its subscriber. */
export interface OpenedSubscription {
  events: AsyncIterableIterator<LiveEvent>;
  shape: EventShape;
}

/**
 * The fields a subscription's `keys` ask for (a dotted key reads its first field): the class's,
 * and names the class may have later (a field added after subscribing is then sent).
 */
function keyFields(keys: readonly string[], cls: ClassDef): string[] {
  const named = keys.map((k) => k.split('.')[0]!).filter((k) => Object.hasOwn(cls.fields, k) || isValidFieldName(k));
  return [...new Set<string>([...ALWAYS_SENT, ...named])];
}

/** A watched field the subscriber may not filter by would reveal its changes: refused as Parse does (119). */
function guardWatch(auth: Auth, cls: ClassDef, watch: readonly string[]): void {
  const hidden = fieldMask(auth, cls)?.queryHidden;
  if (hidden && watch.some((f) => hidden.has(f.split('.')[0]!))) throw errors.forbidden();
}

/**
 * Opens one LiveQuery subscription on the live engine, as `<class>Events` does for GraphQL:
 * the REST `where` parsed into the query AST, cloud code's beforeSubscribe, then the engine's
 * checks (class, CLP `find`, protected fields in the where: ParseErrors) and, per event,
 * afterLiveQueryEvent. Watched fields are read with the keys so that changes can be seen.
 */
export async function openSubscription(ctx: LiveQueryContext, auth: Auth, query: LiveQuerySpec): Promise<OpenedSubscription> {
  const classes = ctx.schema.current.classes;
  if (!isValidClassName(query.className)) throw errors.invalidClassName(query.className);
  // As Parse LiveQuery: a class may be subscribed to before it exists, and the where may name
  // fields it lacks (a missing value), parsed again as the class changes.
  const cls = classes.get(query.className) ?? fromStored({ className: query.className, fields: {} });
  const reparse = (now: ClassDef) => parseWhere(query.where, now, { classes: ctx.schema.current.classes, absentFields: true });
  const where = reparse(cls);
  if (query.watch) guardWatch(auth, cls, query.watch);
  let req: EventSubscriptionRequest = {
    auth,
    className: cls.className,
    where,
    fields: query.keys ? keyFields(query.keys, cls) : [],
    reparse,
    classMayAppear: true,
  };
  const hooks = ctx.hooks;
  if (hooks) req = await hooks.beforeSubscribe(req);
  // A beforeSubscribe that set its own where keeps it as it set it.
  if (req.where !== where) req = { ...req, reparse: undefined };
  const keys = req.fields.length ? new Set(req.fields) : undefined;
  const fields = keys && query.watch ? [...new Set([...req.fields, ...query.watch.map((f) => f.split('.')[0]!)])] : req.fields;
  let events = ctx.events.subscribe({ ...req, fields });
  if (hooks?.hasAfterEvent(cls.className)) {
    const asked = req;
    events = mapEvents(events, (event) => hooks.afterEvent(asked, event), ctx.onHookError ?? (() => undefined));
  }
  return { events, shape: { className: cls.className, keys, watch: query.watch, encode: ctx.encode } };
}
