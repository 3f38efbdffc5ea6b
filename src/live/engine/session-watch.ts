import type { Logger } from '../../config/logger.ts';
import { errors } from '../../errors/index.ts';
import type { SessionsEnded } from '../types.ts';
import type { SessionEntry, Subscriber } from './subscriber.ts';

/** Where the hub reads when sessions expire (auth's Sessions.expiries); ended sessions are absent. */
export interface SessionExpiries {
  expiries(sessionIds: readonly string[]): Promise<Map<string, Date>>;
}

/** setTimeout's longest delay. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * The sessions that live subscriptions were opened with, indexed by session and by user, so
 * that an ended session (logOut, revocation, expiry) stops its subscriptions with 209. Expiry
 * is watched with ONE timer for the whole hub, set to the earliest known expiry; when it fires
 * the due sessions are read again (another request may have renewed them).
 */
export class SessionWatch {
  private readonly bySession = new Map<string, SessionEntry>();
  private readonly byUser = new Map<string, Set<Subscriber>>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private fresh: SessionEntry[] | undefined;
  private closed = false;

  constructor(
    private readonly store: SessionExpiries | undefined,
    /** Told of the sessions found expired here (the hub passes them on to its feed's listeners). */
    private readonly onExpired: (ended: SessionsEnded) => void,
    private readonly logger?: Logger,
  ) {}

  /** The subscribers of each user (for role changes and revocations). */
  get users(): ReadonlyMap<string, ReadonlySet<Subscriber>> {
    return this.byUser;
  }

  add(sub: Subscriber): void {
    const { userId, sessionId } = sub.auth;
    if (!userId) return;
    let subs = this.byUser.get(userId);
    if (!subs) this.byUser.set(userId, (subs = new Set()));
    subs.add(sub);
    if (!sessionId) return;
    let entry = this.bySession.get(sessionId);
    const fresh = !entry;
    if (!entry) this.bySession.set(sessionId, (entry = { sessionId, userId, expiresAt: Infinity, subs: new Set() }));
    entry.subs.add(sub);
    sub.session = entry;
    // The session may have ended between resolving the request's Auth and now; new sessions
    // of one tick are read together.
    if (fresh && this.store) {
      if (!this.fresh) {
        const batch: SessionEntry[] = (this.fresh = []);
        setImmediate(() => {
          this.fresh = undefined;
          void this.check(batch);
        });
      }
      this.fresh.push(entry);
    }
  }

  remove(sub: Subscriber): void {
    const userId = sub.auth.userId;
    if (!userId) return;
    const subs = this.byUser.get(userId);
    subs?.delete(sub);
    if (subs?.size === 0) this.byUser.delete(userId);
    const entry = sub.session;
    if (entry) {
      entry.subs.delete(sub);
      if (entry.subs.size === 0 && this.bySession.get(entry.sessionId) === entry) this.bySession.delete(entry.sessionId);
    }
  }

  /** Stops the subscriptions of sessions that ended (a message on the sessions channel). */
  ended(msg: SessionsEnded): void {
    const victims: Subscriber[] = [];
    for (const id of msg.sessionIds ?? []) for (const s of this.bySession.get(id)?.subs ?? []) victims.push(s);
    if (msg.userId) {
      for (const s of this.byUser.get(msg.userId) ?? []) if (!s.auth.sessionId || s.auth.sessionId !== msg.exceptSessionId) victims.push(s);
    }
    for (const s of victims) s.fail(errors.invalidSessionToken());
  }

  /** Reads a session that looked expired once more; its subscribers end if it has. Never throws. */
  async confirm(entry: SessionEntry): Promise<void> {
    if (!this.store) return;
    await this.check([entry]);
  }

  /** Reads the expiry of the given sessions; ends the missing and expired ones, then sets the timer. */
  private async check(entries: SessionEntry[]): Promise<void> {
    if (this.closed) return;
    let found: Map<string, Date>;
    try {
      found = await this.store!.expiries(entries.map((e) => e.sessionId));
    } catch (error) {
      this.logger?.warn({ err: error }, 'live: could not read session expiries; will retry');
      for (const e of entries) if (e.expiresAt <= Date.now()) e.expiresAt = Date.now() + 5_000;
      this.schedule();
      return;
    }
    const now = Date.now();
    const expired: string[] = [];
    for (const e of entries) {
      const at = found.get(e.sessionId)?.getTime();
      if (at === undefined || at <= now) {
        expired.push(e.sessionId);
        for (const s of [...e.subs]) s.fail(errors.invalidSessionToken());
      } else e.expiresAt = at;
    }
    if (expired.length) this.onExpired({ sessionIds: expired });
    this.schedule();
  }

  /** Sets the one timer to the earliest expiry (only ever moved earlier, or re-set when it fires). */
  private schedule(): void {
    if (this.closed) return;
    let earliest = Infinity;
    for (const e of this.bySession.values()) if (e.expiresAt < earliest) earliest = e.expiresAt;
    if (earliest === Infinity || earliest >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = earliest;
    this.timer = setTimeout(() => this.fire(), Math.min(MAX_DELAY, Math.max(0, earliest - Date.now())));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    const due = [...this.bySession.values()].filter((e) => e.expiresAt <= now);
    if (due.length) void this.check(due);
    else this.schedule();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}
