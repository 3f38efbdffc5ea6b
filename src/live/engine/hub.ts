import type { Logger } from '../../config/logger.ts';
import { errors, ParseError } from '../../errors/index.ts';
import type { ClassDef, SchemaStore } from '../../schema/index.ts';
import { fromStored } from '../../schema/stored.ts';
import { compileMatcher } from '../../query/index.ts';
import { guardWhere, readPolicy, type RoleResolver } from '../../security/index.ts';
import {
  channels,
  type ChangeFeed,
  type EventSubscriptionRequest,
  type LiveChange,
  type LiveEvent,
  type LiveEvents,
  type PubSub,
  type SessionsEnded,
} from '../types.ts';
import { decide, prepareChange } from './decide.ts';
import { FeedRouter } from './feed.ts';
import { refreshRoles } from './role-refresh.ts';
import { SessionWatch, type SessionExpiries } from './session-watch.ts';
import { kindMask, Subscriber, type SubscriberOwner } from './subscriber.ts';

export interface LiveHubOptions {
  pubsub: PubSub;
  appId: string;
  schema: SchemaStore;
  /** Re-resolves subscribers' roles after a role change; without it roles stay as subscribed. */
  roles?: RoleResolver;
  /** Where session expiries are read (auth's Sessions); without it only ended-session messages end subscriptions. */
  sessions?: SessionExpiries;
  logger?: Logger;
  /** Events a subscriber may have waiting before it is dropped (default 1,000). */
  maxQueue?: number;
}

/**
 * Live queries on one instance: the change feed (changes of every instance, from the pub/sub)
 * and the event subscriptions decided on it — per subscriber, with its access (ACL, CLP,
 * protected fields), its `where` and its session. Subscribers are indexed by class, so a
 * change costs a little work per subscriber of its class and nothing for the others.
 */
export class LiveHub implements LiveEvents, ChangeFeed, SubscriberOwner {
  readonly maxQueue: number;
  private readonly feed: FeedRouter;
  private readonly watch: SessionWatch;
  private readonly byClass = new Map<string, { subs: Set<Subscriber>; stop: () => void }>();
  private unsubscribe: (() => Promise<void>)[] = [];

  constructor(private readonly options: LiveHubOptions) {
    this.maxQueue = options.maxQueue ?? 1000;
    this.feed = new FeedRouter((change) => this.gate(change), options.logger);
    this.watch = new SessionWatch(options.sessions, (ended) => this.feed.sessionsEnded(ended), options.logger);
    this.feed.onSessionsEnded((ended) => this.watch.ended(ended));
  }

  /** Starts listening to the changes and sessions channels (resolves once both are active). */
  async start(): Promise<void> {
    const { pubsub, appId } = this.options;
    this.unsubscribe = await Promise.all([
      pubsub.subscribe(channels.changes(appId), (m) => this.feed.receiveChange(m)),
      pubsub.subscribe(channels.sessions(appId), (m) => this.feed.receiveSessions(m)),
    ]);
  }

  /** Stops listening and ends every subscription (their iterators finish). */
  async close(): Promise<void> {
    const stops = this.unsubscribe;
    this.unsubscribe = [];
    await Promise.all(stops.map((s) => s().catch(() => undefined)));
    for (const { subs } of [...this.byClass.values()]) for (const s of [...subs]) void s.return();
    this.watch.close();
  }

  onClassChange(className: string, listener: (change: LiveChange) => void): () => void {
    return this.feed.onClassChange(className, listener);
  }

  onSessionsEnded(listener: (ended: SessionsEnded) => void): () => void {
    return this.feed.onSessionsEnded(listener);
  }

  /** Event subscriptions open on this instance. */
  get subscriptionCount(): number {
    let n = 0;
    for (const { subs } of this.byClass.values()) n += subs.size;
    return n;
  }

  /** Called when the classes followed here may have changed (SharedInterest announces them). */
  set onFollowsChanged(listener: (() => void) | undefined) {
    this.feed.onFollowsChanged = listener;
  }

  /** The classes whose changes are wanted here: those followed, and `_Role` while users subscribe (their roles). */
  followedClasses(): string[] {
    const classes = this.feed.followed();
    if (this.watch.users.size > 0 && !classes.includes('_Role')) classes.push('_Role');
    return classes;
  }

  /** Whether changes of this class are wanted here (for publishChanges' interest on a single instance). */
  isInterested(className: string): boolean {
    return this.feed.follows(className) || (className === '_Role' && this.watch.users.size > 0);
  }

  /**
   * Opens an event subscription. Checked at once: the class exists (103), the CLP allows
   * `find` (119, or 101 for `requiresAuthentication`), the `where` filters by no protected
   * field (119) and can be decided in memory (102).
   */
  subscribe(req: EventSubscriptionRequest): AsyncIterableIterator<LiveEvent> {
    const known = this.options.schema.current.classes.get(req.className);
    if (!known && !req.classMayAppear) throw errors.classNotFound(req.className);
    // A class yet to be created: an empty one with the default CLP until it exists (fanOut then recompiles).
    const cls = known ?? fromStored({ className: req.className, fields: {} });
    readPolicy(req.auth, cls, 'find');
    const matcher = compileMatcher(guardWhere(req.auth, cls, req.where, this.options.schema.current.classes), cls);
    const fields = req.fields.length && !req.fields.includes('objectId') ? ['objectId', ...req.fields] : req.fields;
    const sub = new Subscriber(this, req.auth, req.className, req.where, cls, matcher, kindMask(req.events), fields);
    sub.reparse = req.reparse;
    let entry = this.byClass.get(req.className);
    if (!entry) {
      const subs = new Set<Subscriber>();
      entry = { subs, stop: this.feed.onClassChange(req.className, (change) => this.fanOut(change, subs)) };
      this.byClass.set(req.className, entry);
    }
    entry.subs.add(sub);
    this.watch.add(sub);
    // A user's first subscription makes `_Role` followed (followedClasses).
    if (sub.session || req.auth.userId) this.feed.onFollowsChanged?.();
    return sub;
  }

  remove(sub: Subscriber): void {
    const entry = this.byClass.get(sub.className);
    if (entry?.subs.delete(sub) && entry.subs.size === 0) {
      entry.stop();
      this.byClass.delete(sub.className);
    }
    this.watch.remove(sub);
    if (sub.session || sub.auth.userId) this.feed.onFollowsChanged?.();
  }

  confirmSession(sub: Subscriber): Promise<void> {
    return sub.session ? this.watch.confirm(sub.session) : Promise.resolve();
  }

  /** Decides one change for every subscriber of its class. */
  private fanOut(change: LiveChange, subs: ReadonlySet<Subscriber>): void {
    const cls = this.options.schema.current.classes.get(change.className);
    if (!cls) return;
    const prepared = prepareChange(change, cls);
    // Deleting from a Set while iterating it is safe: a subscriber that fails leaves the set.
    for (const sub of subs) {
      try {
        if (sub.cls !== cls || sub.compiledFor !== sub.auth) this.recompile(sub, cls);
        const event = decide(sub, prepared);
        if (event) sub.push(event);
      } catch (error) {
        // The CLP or the class changed so that this subscription is no longer allowed (a
        // ParseError for the subscriber); anything else is a fault, logged here.
        if (!(error instanceof ParseError)) this.options.logger?.error({ err: error, className: change.className }, 'live: deciding an event failed');
        sub.fail(error);
      }
    }
  }

  /** The class (fields, CLP) or the subscriber's roles changed: the where is checked and compiled again. */
  private recompile(sub: Subscriber, cls: ClassDef): void {
    if (sub.reparse && sub.cls !== cls) sub.where = sub.reparse(cls);
    sub.matcher = compileMatcher(guardWhere(sub.auth, cls, sub.where, this.options.schema.current.classes), cls);
    sub.cls = cls;
    sub.compiledFor = sub.auth;
  }

  /** After a role change, the feed waits until subscribers' roles are resolved again. */
  private gate(change: LiveChange): Promise<void> | undefined {
    if (change.className !== '_Role' || !this.options.roles || this.watch.users.size === 0) return undefined;
    return refreshRoles(this.options.roles, this.watch.users, this.options.logger);
  }
}
