import type { Config } from '../config/index.ts';
import type { Logger } from '../config/logger.ts';
import type { SchemaStore } from '../schema/index.ts';
import type { ChangeEvents } from '../core/index.ts';
import type { RoleResolver } from '../security/index.ts';
import type { Sessions } from '../auth/index.ts';
import { AddressSlots, createPubSub, LiveHub, publishChanges, publishSessionsEnded, SharedInterest, type PubSub } from '../live/index.ts';
import { syncSchema } from '../live/schema-sync.ts';
import type { LiveContext } from '../graphql/context.ts';
import { cloudLiveHooks, type LiveHooks } from '../live/cloud-hooks.ts';
import type { CloudRuntime } from '../cloud/runtime.ts';

/** Live queries of one instance, as the server runs them. */
export interface LiveQueries {
  pubsub: PubSub;
  hub: LiveHub;
  /** What subscription resolvers use (GraphQL context). */
  context: LiveContext;
  /** Cloud code's beforeConnect and friends, when cloud code runs here. */
  hooks?: LiveHooks;
  /** Long-lived connections per client address: one budget for graphql-ws, SSE subscriptions and LiveQuery sockets. */
  connections: AddressSlots;
  /** Tells the hooks how many WebSocket connections this instance holds (the ws server, once listening). */
  countClients(count: () => number): void;
  /** Stops in order: no more publishing and schema messages, subscriptions end, then the pub/sub closes. */
  close(): Promise<void>;
}

export interface LiveDeps {
  config: Config;
  logger: Logger;
  schemaStore: SchemaStore;
  events: ChangeEvents;
  sessions: Sessions;
  roles: RoleResolver;
  /** Cloud code around subscriptions (beforeConnect, beforeSubscribe, afterLiveQueryEvent). */
  cloud?: CloudRuntime;
}

/**
 * Starts live queries at server start-up: the pub/sub (Redis when REDIS_URL is set, else in
 * memory), the hub that decides events per subscriber, the forwarding of committed changes and
 * ended sessions onto the pub/sub, and schema changes travelling the same way. On a single
 * instance (no Redis), writes read whole objects only for classes someone follows here.
 */
export async function startLive(deps: LiveDeps): Promise<LiveQueries> {
  const { config, logger } = deps;
  const appId = config.appId;
  const pubsub = createPubSub(config.live, logger);
  const hub = new LiveHub({ pubsub, appId, schema: deps.schemaStore, roles: deps.roles, sessions: deps.sessions, logger });
  const stops: (() => unknown)[] = [];
  try {
    await hub.start();
    // Several instances (Redis): a write is published when its class is followed here or on
    // any other instance, as they announce; one instance: when followed here.
    let interest = (className: string) => hub.isInterested(className);
    if (config.live.redisUrl) {
      const shared = new SharedInterest({ pubsub, appId, local: () => hub.followedClasses(), logger });
      await shared.start();
      stops.push(() => shared.close());
      hub.onFollowsChanged = () => shared.changed();
      interest = (className) => hub.isInterested(className) || shared.has(className);
    }
    stops.push(publishChanges(deps.events, pubsub, appId, { interest, logger }));
    stops.push(publishSessionsEnded(deps.sessions, pubsub, appId, logger));
    // A role change from any instance makes this instance's cached roles stale at once (live
    // result sets re-resolve their users' roles on it; requests would otherwise wait for the poll).
    stops.push(hub.onClassChange('_Role', () => deps.roles.invalidate()));
    stops.push(await syncSchema({ store: deps.schemaStore, pubsub, appId, logger }));
  } catch (error) {
    await Promise.all(stops.map((stop) => stop()));
    await hub.close().catch(() => undefined);
    await pubsub.close().catch(() => undefined);
    throw error;
  }
  let clients = () => 0;
  const hooks = deps.cloud && cloudLiveHooks(deps.cloud, { clients: () => clients(), subscriptions: () => hub.subscriptionCount });
  const onHookError = (error: unknown) => logger.warn({ err: error }, 'afterLiveQueryEvent failed: the event was not sent to that subscriber');
  const connections = new AddressSlots(config.live.maxConnectionsPerIp);
  return {
    pubsub,
    hub,
    hooks,
    connections,
    countClients(count) {
      clients = count;
    },
    context: { events: hub, feed: hub, rolesOf: (userId) => deps.roles.rolesOf(userId), hooks, onHookError, connections },
    async close() {
      await Promise.all(stops.map((stop) => stop()));
      await hub.close();
      await pubsub.close();
    },
  };
}
