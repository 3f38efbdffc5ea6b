import type { ClassDef } from '../schema/index.ts';
import type { ParseObject } from '../core/index.ts';
import type { Condition } from '../query/index.ts';
import type { Auth } from '../security/index.ts';

/*
 * The seams of live queries, agreed before their parts were written: the pub/sub that carries
 * messages between instances, and the change message every instance receives for each
 * committed write. Implementations: live/pubsub/ (memory, Redis), live/engine/ (subscribers).
 */

/** A message handler; it must not throw (a failure is the handler's to log). */
export type MessageHandler = (message: string) => void;

/**
 * Fan-out between Plinth instances (and within one). In-memory by default; Redis when
 * `REDIS_URL` is set. A message published on a channel reaches every subscriber of that
 * channel on every instance, including the publisher's own, at most once each.
 */
export interface PubSub {
  /**
   * Sends without waiting for subscribers. Rejects when the message cannot be sent (transport
   * down, closed); the promise is already handled, so a write path may ignore it.
   */
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is active; the returned function ends it. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;
  /** False while the transport is down (Redis outage); messages published meanwhile may be lost. */
  readonly connected: boolean;
  /** Called with true/false when the transport comes back / goes away. Returns an unsubscribe. */
  onConnectionChange(listener: (connected: boolean) => void): () => void;
  close(): Promise<void>;
}

/** Channel names, prefixed per application so that apps sharing a Redis never cross. */
export const channels = {
  /** LiveChange messages (JSON, see live/codec.ts). */
  changes: (appId: string) => `plinth:${appId}:changes`,
  /** Catalog version bumps: `{"version": n}`; every instance reloads its schema. */
  schema: (appId: string) => `plinth:${appId}:schema`,
  /** Which classes each instance follows (live/engine/interest.ts), so that writes nobody follows are not published. */
  interest: (appId: string) => `plinth:${appId}:interest`,
  /** Ended sessions: `{"sessionIds": [...]} | {"userId": "..."}`; their subscriptions stop. */
  sessions: (appId: string) => `plinth:${appId}:sessions`,
} as const;

/**
 * A committed write, as subscribers decide on it: the whole object after the write (every
 * field, with its ACL) and, for update and delete, the whole object before it.
 */
export interface LiveChange {
  kind: 'create' | 'update' | 'delete';
  className: string;
  objectId: string;
  /** After the write (create, update); before it for delete. All fields, ACL included. */
  object: ParseObject;
  /** Before the write (update, delete). */
  original?: ParseObject;
}

/** What ended sessions look like on the sessions channel. */
export interface SessionsEnded {
  sessionIds?: string[];
  /** Every session of this user (password change, reset, user deleted). */
  userId?: string;
  /** …except this one (the session that changed the password). */
  exceptSessionId?: string;
}

/**
 * The change feed an instance offers its subscription machinery (event streams and live result
 * sets): every committed change of a class from any instance, and ended sessions.
 */
export interface ChangeFeed {
  onClassChange(className: string, listener: (change: LiveChange) => void): () => void;
  onSessionsEnded(listener: (ended: SessionsEnded) => void): () => void;
}

/** API.md's `enum LiveEvent`. */
export type LiveEventKind = 'CREATE' | 'ENTER' | 'UPDATE' | 'LEAVE' | 'DELETE';

/** One event as one subscriber may see it: copies, masked for that subscriber. */
export interface LiveEvent {
  event: LiveEventKind;
  /**
   * The object after the write; before it for DELETE, and for a LEAVE of an object the
   * subscriber may no longer read (its new state is not the subscriber's to see).
   */
  object: ParseObject;
  /** The object before the write (UPDATE, ENTER, LEAVE, DELETE), as this subscriber may see it. */
  original?: ParseObject;
}

/** A subscriber's request: `<class>Events(where, events)`. */
export interface EventSubscriptionRequest {
  auth: Auth;
  className: string;
  where: Condition;
  /** Only these kinds (all when absent or empty). */
  events?: readonly LiveEventKind[];
  /** The fields the subscriber's selection reads (objectId always). */
  fields: readonly string[];
  /**
   * The `where` parsed again for the class as it is now, when its fields or CLP change (Parse
   * LiveQuery's where names fields freely: one the class lacks when subscribing matches as a
   * missing value, until the class has it). Absent: `where` stands as parsed.
   */
  reparse?: (cls: ClassDef) => Condition;
  /**
   * A class that does not exist yet is subscribed to as an empty class with the default CLP, as
   * Parse LiveQuery allows (an app subscribes before the first object is saved); its events
   * start once it exists, under its CLP then. Otherwise such a subscription is 103.
   */
  classMayAppear?: boolean;
}

/**
 * Event streams per subscriber (live/engine/). `subscribe` checks the request at once and
 * throws a ParseError (CLP `find` refused → 119, a `where` that cannot be decided in memory → a
 * clear error); the iterator then yields this subscriber's events until `return()` is called,
 * and ends with a ParseError 209 when the subscriber's session ends.
 */
export interface LiveEvents {
  subscribe(req: EventSubscriptionRequest): AsyncIterableIterator<LiveEvent>;
}
