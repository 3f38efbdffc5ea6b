import { ErrorCode, ParseError } from '../../errors/index.ts';
import type { ClassDef } from '../../schema/index.ts';
import type { Condition } from '../../query/index.ts';
import type { Auth } from '../../security/index.ts';
import type { LiveEvent, LiveEventKind } from '../types.ts';

/** An in-memory `where`: compiled once per subscriber (and again only if the class changes). */
export type Matcher = (object: Readonly<Record<string, unknown>>) => boolean;

/** What a subscriber needs from the hub that holds it. */
export interface SubscriberOwner {
  /** Takes the subscriber out of every index (it ended). */
  remove(sub: Subscriber): void;
  /** Re-reads the subscriber's session, which looked expired; ends the subscriber if it is. */
  confirmSession(sub: Subscriber): Promise<void>;
  readonly maxQueue: number;
}

/** A subscriber's session as the hub knows it (shared by the subscribers of one session). */
export interface SessionEntry {
  readonly sessionId: string;
  readonly userId: string;
  /** Milliseconds since the epoch; Infinity until known (or when expiry is not watched). */
  expiresAt: number;
  readonly subs: Set<Subscriber>;
}

const KIND_BITS: Record<LiveEventKind, number> = { CREATE: 1, ENTER: 2, UPDATE: 4, LEAVE: 8, DELETE: 16 };

/** The bit set of the requested event kinds (every kind when none is named). */
export function kindMask(events: readonly LiveEventKind[] | undefined): number {
  if (!events?.length) return 31;
  return events.reduce((m, e) => m | KIND_BITS[e], 0);
}

/**
 * One event subscription: its request (compiled), the Auth it decides with (replaced when the
 * user's roles change) and a bounded queue of events not yet pulled, as an async iterator.
 * Idle, it holds no timer and no promise beyond the pending `next()`.
 */
export class Subscriber implements AsyncIterableIterator<LiveEvent> {
  session?: SessionEntry;
  /** Parses the requested where again for the class as it is now (EventSubscriptionRequest.reparse). */
  reparse?: (cls: ClassDef) => Condition;
  /** The Auth the matcher was checked for (protected fields depend on roles). */
  compiledFor: Auth;
  private queue: LiveEvent[] | undefined;
  private waiter: { resolve: (r: IteratorResult<LiveEvent>) => void; reject: (e: unknown) => void } | undefined;
  private failure: unknown;
  private ended = false;
  private confirming = false;

  constructor(
    private readonly owner: SubscriberOwner,
    public auth: Auth,
    readonly className: string,
    /** The `where` as requested (parsed again by `reparse`, when given, as the class changes); compiled into `matcher` against `cls`. */
    public where: Condition,
    public cls: ClassDef,
    public matcher: Matcher,
    readonly kinds: number,
    /** The fields each event carries (objectId always); empty: every field the subscriber may see. */
    readonly fields: readonly string[],
  ) {
    this.compiledFor = auth;
  }

  wants(kind: LiveEventKind): boolean {
    return (this.kinds & KIND_BITS[kind]) !== 0;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Queues an event; a subscriber that falls `maxQueue` events behind is dropped with an error. */
  push(event: LiveEvent): void {
    if (this.ended) return;
    const queue = (this.queue ??= []);
    if (queue.length >= this.owner.maxQueue) {
      this.fail(new ParseError(ErrorCode.REQUEST_LIMIT_EXCEEDED, 'Subscription dropped: it fell too far behind the events of its class.'));
      return;
    }
    queue.push(event);
    this.pump();
  }

  /** Ends the subscription with an error (session ended, access revoked, too slow): the pending or next `next()` throws it. */
  fail(error: unknown): void {
    if (this.ended) return;
    this.finish();
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.reject(error);
    } else this.failure = error;
  }

  next(): Promise<IteratorResult<LiveEvent>> {
    if (this.failure !== undefined) {
      const error = this.failure;
      this.failure = undefined;
      return Promise.reject(error);
    }
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.pump();
    });
  }

  return(): Promise<IteratorResult<LiveEvent>> {
    if (!this.ended) this.finish();
    this.failure = undefined;
    const w = this.waiter;
    this.waiter = undefined;
    w?.resolve({ done: true, value: undefined });
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(): Promise<IteratorResult<LiveEvent>> {
    return this.return();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<LiveEvent> {
    return this;
  }

  /** Hands the oldest event to a waiting `next()`, once the session is known to live. */
  private pump(): void {
    if (!this.waiter || !this.queue?.length || this.confirming) return;
    if (this.session && this.session.expiresAt <= Date.now()) {
      this.confirming = true;
      void this.owner.confirmSession(this).finally(() => {
        this.confirming = false;
        this.pump();
      });
      return;
    }
    const w = this.waiter;
    this.waiter = undefined;
    w.resolve({ done: false, value: this.queue.shift()! });
  }

  private finish(): void {
    this.ended = true;
    this.queue = undefined;
    this.owner.remove(this);
  }
}
