/*
 * What the server wires for live queries: the hub (event subscriptions and the change feed of
 * this instance), the publishers that put committed changes and ended sessions on the pub/sub,
 * and the pub/sub itself.
 */
export {
  LiveHub,
  publishChanges,
  publishSessionsEnded,
  SharedInterest,
  type SharedInterestOptions,
  type LiveHubOptions,
  type PublishOptions,
  type SessionExpiries,
  type EndedSessionsSource,
} from './engine/index.ts';
export { createPubSub, MemoryPubSub, MemoryBus, RedisPubSub } from './pubsub/index.ts';
export { encodeLiveChange, decodeLiveChange } from './codec.ts';
export * from './types.ts';
export { RedisCounters } from './counters.ts';
export { AddressSlots } from './address-slots.ts';
