import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { Database, Sql } from '../../db/index.ts';
import type { Logger } from '../../config/logger.ts';
import type { PubSub } from '../../live/index.ts';
import type { AdminPrincipal, AdminSessionResolver } from '../types.ts';
import { ADMIN_COOKIE, readCookie } from './cookie.ts';
import { principalOf } from './principal.ts';
import { userOf, type AdminRow } from './rows.ts';
import * as SQL from './sql.ts';

/** A session just started: the token goes into the cookie once; only its hash is kept. */
export interface NewAdminSession {
  token: string;
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
}

type SessionRow = AdminRow & { sessionId: string; csrfToken: string; browsingAs: string | null; expiresAt: string | Date };

/** 160 random bits in lower-case base32 (Lucia's token). */
export function randomToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/** The stored id of a token: its SHA-256, hex. */
export function tokenHash(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

/**
 * Dashboard sessions in Lucia's design (as auth/sessions.ts for app users): a random token in
 * the `plinth_admin` cookie, its SHA-256 as the row's id, sliding expiry (a session used in the
 * second half of its life is renewed), revocation by deleting rows. A disabled admin has no
 * session (disabling deletes them; a row left by a race still resolves to nothing). Sessions
 * that end are announced to `onEnded` listeners (the admin sockets close).
 */
export class AdminSessions implements AdminSessionResolver {
  private readonly listeners = new Set<(sessionIds: readonly string[]) => void>();
  /** Set by `share`: ended sessions are told to the other instances too. */
  private shared?: { pubsub: PubSub; channel: string };
  /** This instance's mark on what it publishes (it has told its own listeners already). */
  private readonly instance = randomToken();

  constructor(
    private readonly db: Database,
    private readonly lifetimeMs: number,
    private readonly logger?: Logger,
  ) {}

  async create(adminId: string, sql: Sql = this.db): Promise<NewAdminSession> {
    const token = randomToken();
    const sessionId = tokenHash(token);
    const csrfToken = randomToken();
    const expiresAt = new Date(Date.now() + this.lifetimeMs);
    await sql.execute(SQL.INSERT_SESSION, [sessionId, csrfToken, adminId, expiresAt.toISOString()]);
    return { token, sessionId, csrfToken, expiresAt };
  }

  async resolve(headers: Headers): Promise<AdminPrincipal | null> {
    const token = readCookie(headers.get('cookie'), ADMIN_COOKIE);
    return token ? this.validate(token) : null;
  }

  /** The principal of a cookie's token; null when unknown, expired (the row is deleted) or disabled. */
  async validate(token: string): Promise<AdminPrincipal | null> {
    // A token is 32 base32 characters; anything else is not looked up.
    if (!/^[a-z2-7]{32}$/.test(token)) return null;
    const [row] = await this.db.query<SessionRow>(SQL.SESSION_WITH_ADMIN, [tokenHash(token)]);
    if (!row) return null;
    const now = Date.now();
    const expires = new Date(row.expiresAt).getTime();
    if (expires <= now) {
      await this.end(row.sessionId);
      return null;
    }
    if (row.disabled) return null;
    if (expires - now < this.lifetimeMs / 2) await this.db.execute(SQL.RENEW_SESSION, [row.sessionId, new Date(now + this.lifetimeMs).toISOString()]);
    return principalOf(userOf(row), row);
  }

  /** Ends one session (logout). */
  async end(sessionId: string): Promise<void> {
    const rows = await this.db.query<{ id: string }>(SQL.DELETE_SESSION, [sessionId]);
    this.announce(rows.map((r) => r.id));
  }

  /** Ends every session of an admin but `exceptSessionId` (disable, delete, password change). */
  async endAllOf(adminId: string, exceptSessionId?: string, sql: Sql = this.db): Promise<string[]> {
    const rows = await sql.query<{ id: string }>(SQL.DELETE_ADMIN_SESSIONS, [adminId, exceptSessionId ?? null]);
    return rows.map((r) => r.id);
  }

  onEnded(listener: (sessionIds: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async setBrowsingAs(sessionId: string, userId: string | null): Promise<void> {
    await this.db.execute(SQL.SET_BROWSING_AS, [sessionId, userId]);
  }

  /**
   * Tells every instance's listeners of the sessions ended here, over the pub/sub (Redis when
   * several run): a dashboard user disabled through one instance loses their sockets on all.
   * Returns the unsubscribe function.
   */
  async share(pubsub: PubSub, appId: string): Promise<() => Promise<void>> {
    const channel = `plinth:${appId}:dashboard-sessions`;
    this.shared = { pubsub, channel };
    const stop = await pubsub.subscribe(channel, (message) => {
      let parsed: { from?: unknown; sessionIds?: unknown };
      try {
        parsed = JSON.parse(message);
      } catch {
        return;
      }
      if (parsed.from === this.instance || !Array.isArray(parsed.sessionIds)) return;
      this.notify(parsed.sessionIds.filter((id): id is string => typeof id === 'string'));
    });
    return async () => {
      this.shared = undefined;
      await stop();
    };
  }

  /** Tells listeners these sessions ended (after the transaction that ended them committed), here at once and on other instances. */
  announce(sessionIds: readonly string[]): void {
    if (!sessionIds.length) return;
    this.notify(sessionIds);
    if (this.shared) {
      const { pubsub, channel } = this.shared;
      pubsub
        .publish(channel, JSON.stringify({ from: this.instance, sessionIds }))
        .catch((error) => this.logger?.warn({ err: error }, 'could not tell other instances of ended dashboard sessions'));
    }
  }

  private notify(sessionIds: readonly string[]): void {
    for (const listener of this.listeners) {
      try {
        listener(sessionIds);
      } catch (error) {
        this.logger?.error({ err: error }, 'a dashboard session listener failed');
      }
    }
  }
}
