import type { Logger } from '../../config/logger.ts';
import { decodeLiveChange } from '../codec.ts';
import type { ChangeFeed, LiveChange, SessionsEnded } from '../types.ts';

type ClassListener = (change: LiveChange) => void;
type SessionsListener = (ended: SessionsEnded) => void;

/**
 * The change feed of one instance: every message of the changes channel decoded ONCE and
 * handed to the listeners of its class, in order. A `gate` may hold the feed while it brings
 * something up to date (the subscribers' roles after a `_Role` change): changes that arrive
 * meanwhile wait, so none is decided with stale roles.
 */
export class FeedRouter implements ChangeFeed {
  private readonly byClass = new Map<string, Set<ClassListener>>();
  private readonly sessionListeners = new Set<SessionsListener>();
  private backlog: LiveChange[] | undefined;

  constructor(
    private readonly gate: (change: LiveChange) => Promise<void> | undefined,
    private readonly logger?: Logger,
  ) {}

  /** Called when a class gains its first listener here or loses its last. */
  onFollowsChanged?: () => void;

  onClassChange(className: string, listener: ClassListener): () => void {
    let set = this.byClass.get(className);
    if (!set) {
      this.byClass.set(className, (set = new Set()));
      this.onFollowsChanged?.();
    }
    set.add(listener);
    return () => {
      const current = this.byClass.get(className);
      current?.delete(listener);
      if (current?.size === 0) {
        this.byClass.delete(className);
        this.onFollowsChanged?.();
      }
    };
  }

  /** The classes someone on this instance follows. */
  followed(): string[] {
    return [...this.byClass.keys()];
  }

  onSessionsEnded(listener: SessionsListener): () => void {
    this.sessionListeners.add(listener);
    return () => this.sessionListeners.delete(listener);
  }

  /** Whether anyone on this instance follows the class. */
  follows(className: string): boolean {
    return this.byClass.has(className);
  }

  /** A message of the changes channel. A malformed one is logged and dropped. */
  receiveChange(message: string): void {
    let change: LiveChange;
    try {
      change = decodeLiveChange(message);
    } catch (error) {
      this.logger?.warn({ err: error }, 'live: dropped a change message');
      return;
    }
    this.dispatch(change);
  }

  /** A message of the sessions channel: `{"sessionIds": [...]}` or `{"userId", "exceptSessionId"?}`. */
  receiveSessions(message: string): void {
    let ended: SessionsEnded;
    try {
      ended = JSON.parse(message) as SessionsEnded;
      if (typeof ended !== 'object' || ended === null) throw new Error('not an object');
    } catch (error) {
      this.logger?.warn({ err: error }, 'live: dropped a sessions message');
      return;
    }
    this.sessionsEnded(ended);
  }

  /** Tells the listeners that sessions ended (from the channel, or found expired here). */
  sessionsEnded(ended: SessionsEnded): void {
    for (const l of this.sessionListeners) {
      try {
        l(ended);
      } catch (error) {
        this.logger?.error({ err: error }, 'live: a sessions listener failed');
      }
    }
  }

  private dispatch(change: LiveChange): void {
    if (this.backlog) {
      this.backlog.push(change);
      return;
    }
    for (const l of this.byClass.get(change.className) ?? []) {
      try {
        l(change);
      } catch (error) {
        this.logger?.error({ err: error, className: change.className }, 'live: a change listener failed');
      }
    }
    const wait = this.gate(change);
    if (!wait) return;
    const backlog: LiveChange[] = (this.backlog = []);
    void wait
      .catch((error) => this.logger?.error({ err: error }, 'live: feed gate failed'))
      .finally(() => {
        this.backlog = undefined;
        for (let i = 0; i < backlog.length; i++) {
          // A change in the backlog may close the gate again: the rest waits behind it.
          if (this.backlog) {
            (this.backlog as LiveChange[]).push(...backlog.slice(i));
            return;
          }
          this.dispatch(backlog[i]);
        }
      });
  }
}
