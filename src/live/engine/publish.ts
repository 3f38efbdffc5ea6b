import type { Logger } from '../../config/logger.ts';
import type { ChangeEvents, FullObjectInterest } from '../../core/index.ts';
import { encodeLiveChange } from '../codec.ts';
import { channels, type LiveChange, type PubSub, type SessionsEnded } from '../types.ts';

export interface PublishOptions {
  /**
   * The classes whose writes are published (and read whole objects for it). Default: every
   * class — required with several instances, where subscribers elsewhere are unknown here. A
   * single instance can pass `(c) => hub.isInterested(c)`: writes nobody follows then cost
   * nothing extra.
   */
  interest?: FullObjectInterest;
  logger?: Logger;
}

const EVERY_CLASS: FullObjectInterest = () => true;

/**
 * Forwards core's after-commit change events as LiveChange messages on the changes channel,
 * for every instance (this one included). An update or delete whose write did not read the
 * object before it (no interest yet as it started) is not published: it cannot be decided.
 * Returns a function that stops forwarding.
 */
export function publishChanges(events: ChangeEvents, pubsub: PubSub, appId: string, options: PublishOptions = {}): () => void {
  const interest = options.interest ?? EVERY_CLASS;
  const channel = channels.changes(appId);
  const undoInterest = events.declareInterest(interest);
  const off = events.on((e) => {
    if (!interest(e.className) || (e.kind !== 'create' && !e.original)) return;
    // While the transport is down (a Redis outage, logged once by the pub/sub) nothing can be
    // sent: skip the work, and a log line per write.
    if (!pubsub.connected) return;
    const change: LiveChange = { kind: e.kind, className: e.className, objectId: e.objectId, object: e.object };
    if (e.original) change.original = e.original;
    let message: string;
    try {
      message = encodeLiveChange(change);
    } catch (error) {
      options.logger?.error({ err: error, className: e.className }, 'live: could not encode a change');
      return;
    }
    pubsub.publish(channel, message).catch((error) => options.logger?.warn({ err: error, className: e.className }, 'live: could not publish a change'));
  });
  return () => {
    off();
    undoInterest();
  };
}

/** Something that reports ended sessions (auth's Sessions.onEnded). */
export interface EndedSessionsSource {
  onEnded(listener: (ended: SessionsEnded) => void): () => void;
}

/** Forwards ended sessions to every instance (sessions channel), so their subscriptions stop everywhere. */
export function publishSessionsEnded(sessions: EndedSessionsSource, pubsub: PubSub, appId: string, logger?: Logger): () => void {
  const channel = channels.sessions(appId);
  return sessions.onEnded((ended) => {
    pubsub.publish(channel, JSON.stringify(ended)).catch((error) => logger?.warn({ err: error }, 'live: could not publish ended sessions'));
  });
}
