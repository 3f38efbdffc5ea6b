import { parseWhere } from '../query/index.ts';
import { conditionToRest } from '../query/rest/index.ts';
import type { Auth } from '../security/index.ts';
import { CloudQueryImpl } from '../cloud/query/index.ts';
import type { CloudRuntime } from '../cloud/runtime.ts';
import type { CloudObject, CloudQuery, ConnectRequest, LiveEventName, LiveEventRequest, SubscribeRequest } from '../cloud/types.ts';
import type { EventSubscriptionRequest, LiveEvent, LiveEventKind } from './types.ts';

/**
 * Cloud code around live queries: whether a connection may open (beforeConnect), whether a
 * subscription may start and on what query (beforeSubscribe), and what each subscriber gets of
 * each event (afterLiveQueryEvent). Each runs only when the registry in force has the trigger.
 */
export interface LiveHooks {
  /** Throws to refuse a WebSocket connection. */
  beforeConnect(connection: { auth: Auth; sessionToken?: string; installationId?: string }): Promise<void>;
  /** The subscription as the triggers leave it (narrowed where, fewer fields); throws to refuse. */
  beforeSubscribe(req: EventSubscriptionRequest): Promise<EventSubscriptionRequest>;
  /** Whether events of this subscription pass through afterEvent. */
  hasAfterEvent(className: string): boolean;
  /** The event this subscriber gets, or null to drop it for this subscriber. */
  afterEvent(req: EventSubscriptionRequest, event: LiveEvent): Promise<LiveEvent | null>;
}

/** How busy the live server is, as Parse's LiveQuery triggers report it. */
export interface LiveCounts {
  clients(): number;
  subscriptions(): number;
}

const EVENT_NAMES: Record<LiveEventKind, LiveEventName> = { CREATE: 'create', ENTER: 'enter', UPDATE: 'update', LEAVE: 'leave', DELETE: 'delete' };

/** LiveHooks over the cloud runtime (the registry in force is read on every call). */
export function cloudLiveHooks(rt: CloudRuntime, counts: LiveCounts): LiveHooks {
  return {
    async beforeConnect({ auth, sessionToken, installationId }) {
      const triggers = rt.registry.triggersFor('beforeConnect', '@Connect');
      if (!triggers.length) return;
      await rt.runTriggers<ConnectRequest>(triggers, 'before', auth, (base) => ({
        ...base,
        installationId: installationId ?? base.installationId,
        triggerName: 'beforeConnect',
        useMasterKey: auth.isMaster,
        sessionToken,
        clients: counts.clients(),
        subscriptions: counts.subscriptions(),
      }));
    },

    async beforeSubscribe(req) {
      const triggers = rt.registry.triggersFor('beforeSubscribe', req.className);
      if (!triggers.length) return req;
      const cls = rt.deps.schema.current.classes.get(req.className);
      if (!cls) return req;
      const keys = req.fields.length ? [...req.fields] : undefined;
      let query: CloudQuery = new CloudQueryImpl(req.className, { where: conditionToRest(req.where), keys });
      const initial = JSON.stringify((query as CloudQueryImpl).result());
      const runs = await rt.runTriggers<SubscribeRequest>(triggers, 'before', req.auth, (base) => ({
        ...base,
        triggerName: 'beforeSubscribe',
        query,
        useMasterKey: req.auth.isMaster,
        sessionToken: undefined,
        clients: counts.clients(),
        subscriptions: counts.subscriptions(),
      }));
      for (const { result } of runs) if (result instanceof CloudQueryImpl && result.className === req.className) query = result;
      const result = (query as CloudQueryImpl).result();
      if (JSON.stringify(result) === initial) return req;
      const where = parseWhere(result.where ?? {}, cls, { classes: rt.deps.schema.current.classes, absentFields: true });
      const fields = result.keys ? ['objectId', ...result.keys.filter((k) => Object.hasOwn(cls.fields, k))] : req.fields;
      return { ...req, where, fields };
    },

    hasAfterEvent: (className) => rt.registry.has('afterLiveQueryEvent', className),

    async afterEvent(req, event) {
      const triggers = rt.registry.triggersFor('afterLiveQueryEvent', req.className);
      if (!triggers.length) return event;
      const objects = rt.objects;
      let request: LiveEventRequest | undefined;
      await rt.runTriggers<LiveEventRequest>(
        triggers,
        'before',
        req.auth,
        (base) =>
          (request ??= {
            ...base,
            triggerName: 'afterLiveQueryEvent',
            event: EVENT_NAMES[event.event],
            object: objects.fromStored(req.className, event.object),
            original: event.original && objects.fromStored(req.className, event.original),
            sendEvent: true,
            useMasterKey: req.auth.isMaster,
            clients: counts.clients(),
            subscriptions: counts.subscriptions(),
          }),
      );
      if (!request || request.sendEvent === false) return request ? null : event;
      const stored = (o: CloudObject | undefined) => (o && objects.isObject(o) ? objects.toStored(o) : undefined);
      return { event: event.event, object: stored(request.object) ?? event.object, original: stored(request.original) };
    },
  };
}

/**
 * An event stream whose events pass through `map` (null drops one), one at a time and in
 * order. Written by hand like endWithFailure: `return()` reaches the source at once.
 */
export function mapEvents(
  source: AsyncIterableIterator<LiveEvent>,
  map: (event: LiveEvent) => Promise<LiveEvent | null>,
  onError: (error: unknown) => void,
): AsyncIterableIterator<LiveEvent> {
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<LiveEvent>> {
      for (;;) {
        const r = await source.next();
        if (r.done) return r;
        try {
          const mapped = await map(r.value);
          if (mapped) return { done: false, value: mapped };
        } catch (error) {
          // The event is dropped for this subscriber; the subscription goes on (as Parse's does).
          onError(error);
        }
      }
    },
    async return(): Promise<IteratorResult<LiveEvent>> {
      await source.return?.();
      return { done: true, value: undefined };
    },
  };
}
