import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { Database, Sql } from '../db/index.ts';
import { CLASS, newObjectId, type ParseObject } from '../core/index.ts';

export interface SessionOptions {
  /** How long a session lives without use, in milliseconds; each use within the second half renews it. */
  lifetimeMs: number;
  /**
   * Leave the tokens Parse Server stored in plain text as they are (a database it still shares:
   * it reads them), instead of rewriting each to its hash on first use.
   */
  keepParseTokens?: boolean;
}

/** A session as the server knows it: never the token, only who and until when. */
export interface Session {
  sessionId: string;
  userId: string;
  expiresAt: Date;
}

export interface NewSession extends Session {
  /** The token, given to the client once; only its SHA-256 is stored. */
  token: string;
}

/**
 * Sessions that just ended (logOut, revocation, expiry): their ids, or every session of a user
 * but one. Listeners (live subscriptions, wired by the server) stop what those sessions opened.
 */
export interface EndedSessions {
  sessionIds?: string[];
  userId?: string;
  exceptSessionId?: string;
}

export type EndedSessionsListener = (ended: EndedSessions) => void;

/** How a session came to be (Parse's createdWith): {action: "login" | "signup", authProvider?}. */
export type CreatedWith = { action: 'login' | 'signup' | 'upgrade'; authProvider?: string };

/**
 * Sessions in Lucia's design: a random token (160 bits, base32) handed to the client once;
 * the database keeps only its SHA-256, so a leaked table yields no usable token. Expiry
 * slides: a session used in the second half of its life is renewed. Revocation deletes rows.
 * Tokens carry Parse's "r:" prefix, which Parse SDKs read as "revocable session". The table is
 * also the `_Session` class of the data API (Session, sessions(…)): its rules are in
 * session-rules.ts and security/policy.ts, and its "sessionToken" column is never read there
 * (schema/defaults.ts SECRET_FIELDS).
 */
export class Sessions {
  private readonly endedListeners = new Set<EndedSessionsListener>();

  constructor(
    private readonly db: Database,
    private readonly options: SessionOptions,
  ) {}

  static hash(token: string): string {
    return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
  }

  static newToken(): string {
    const bytes = new Uint8Array(20);
    crypto.getRandomValues(bytes);
    return 'r:' + encodeBase32LowerCaseNoPadding(bytes);
  }

  /**
   * Starts a session for a user (inside the caller's transaction when `sql` is given). A session
   * from an installation replaces the user's earlier sessions from it (Parse's
   * destroyDuplicatedSessions): one device, one session. Those end at once — in a caller's
   * transaction the user is one it has just created, who has none.
   */
  async create(userId: string, createdWith: CreatedWith, sql: Sql = this.db, installationId?: string | null): Promise<NewSession> {
    const token = Sessions.newToken();
    const sessionId = newObjectId();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.options.lifetimeMs);
    await sql.execute(
      `INSERT INTO "_Session" ("objectId", "createdAt", "updatedAt", "restricted", "user", "installationId", "sessionToken", "expiresAt", "createdWith", "_rperm", "_wperm")
       VALUES ($1, $2::timestamptz, $2::timestamptz, false, $3, $4, $5, $6::timestamptz, $7::jsonb, $8::text[], $8::text[])`,
      [sessionId, now.toISOString(), userId, installationId ?? null, Sessions.hash(token), expiresAt.toISOString(), JSON.stringify(createdWith), [userId]],
    );
    if (installationId) {
      const replaced = await sql.query<{ objectId: string }>(
        'DELETE FROM "_Session" WHERE "user" = $1 AND "installationId" = $2 AND "objectId" <> $3 RETURNING "objectId"',
        [userId, installationId, sessionId],
      );
      if (replaced.length) this.ended({ sessionIds: replaced.map((r) => r.objectId) });
    }
    return { token, sessionId, userId, expiresAt };
  }

  /** A session as cloud code sees it (afterLogout): its fields, never its token. Undefined when it is gone. */
  async describe(sessionId: string, sql: Sql = this.db): Promise<ParseObject | undefined> {
    const rows = await sql.query<Record<string, unknown>>(
      `SELECT "objectId", "createdAt", "updatedAt", "user", "installationId", "expiresAt", "createdWith", "restricted" FROM "_Session" WHERE "objectId" = $1`,
      [sessionId],
    );
    const row = rows[0];
    if (!row) return undefined;
    const session = { [CLASS]: '_Session' } as ParseObject;
    for (const [key, value] of Object.entries(row)) {
      if (value === null || value === undefined) continue;
      session[key] = key === 'createdWith' && typeof value === 'string' ? JSON.parse(value) : value;
    }
    return session;
  }

  /**
   * The live session behind a token, or undefined (unknown or expired; an expired one is
   * deleted). Renews the expiry when more than half of the lifetime has passed.
   */
  async validate(token: string): Promise<Session | undefined> {
    const hash = Sessions.hash(token);
    const row = (await this.findByStoredToken(hash)) ?? (isParseToken(token) ? await this.adoptParseSession(token, hash) : undefined);
    if (!row?.user) return undefined;
    const expiresAt = row.expiresAt ? new Date(row.expiresAt) : new Date(0);
    const now = Date.now();
    if (expiresAt.getTime() <= now) {
      await this.db.execute('DELETE FROM "_Session" WHERE "objectId" = $1', [row.objectId]);
      this.ended({ sessionIds: [row.objectId] });
      return undefined;
    }
    if (expiresAt.getTime() - now < this.options.lifetimeMs / 2) {
      const renewed = new Date(now + this.options.lifetimeMs);
      await this.db.execute('UPDATE "_Session" SET "expiresAt" = $2::timestamptz, "updatedAt" = now() WHERE "objectId" = $1', [
        row.objectId,
        renewed.toISOString(),
      ]);
      return { sessionId: row.objectId, userId: row.user, expiresAt: renewed };
    }
    return { sessionId: row.objectId, userId: row.user, expiresAt };
  }

  private async findByStoredToken(stored: string): Promise<SessionRow | undefined> {
    const rows = await this.db.query<SessionRow>('SELECT "objectId", "user", "expiresAt" FROM "_Session" WHERE "sessionToken" = $1', [stored]);
    return rows[0];
  }

  /**
   * A session Parse Server created on this database stores its token in plain text. Such a token
   * still works here (a migrated app's users stay logged in). On first use its row is rewritten
   * to hold the hash, so that the table stops holding a usable token — unless Parse Server still
   * shares the database (keepParseTokens), which needs the plain token. Only tokens with Parse's
   * "r:" prefix are looked up in plain: a stored hash (hex) never has it, so a leaked hash can
   * never be presented as a token.
   */
  private async adoptParseSession(token: string, hash: string): Promise<SessionRow | undefined> {
    if (this.options.keepParseTokens) return this.findByStoredToken(token);
    const rows = await this.db.query<SessionRow>(
      'UPDATE "_Session" SET "sessionToken" = $2 WHERE "sessionToken" = $1 RETURNING "objectId", "user", "expiresAt"',
      [token, hash],
    );
    return rows[0];
  }

  /** Ends one session (logOut). */
  async delete(sessionId: string, sql: Sql = this.db): Promise<void> {
    await sql.execute('DELETE FROM "_Session" WHERE "objectId" = $1', [sessionId]);
    this.ended({ sessionIds: [sessionId] });
  }

  /**
   * Ends every session of a user, except one (a password change keeps the session that made it).
   * Listeners hear of it at once, unless `announce` is false: a caller inside a transaction
   * announces it after COMMIT (announceEnded), so that a rollback ends nothing.
   */
  async revokeUser(userId: string, exceptSessionId?: string, sql: Sql = this.db, announce = true): Promise<number> {
    const count = await sql.execute('DELETE FROM "_Session" WHERE "user" = $1 AND "objectId" IS DISTINCT FROM $2', [userId, exceptSessionId ?? null]);
    if (announce) this.announceEnded(revokedOf(userId, exceptSessionId));
    return count;
  }

  /** Tells the listeners that sessions ended (revokeUser's announcement, once its transaction committed). */
  announceEnded(ended: EndedSessions): void {
    this.ended(ended);
  }

  /** When sessions end here (the server forwards them to every instance). Returns an unsubscribe. */
  onEnded(listener: EndedSessionsListener): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  /** When the given sessions expire (as stored now); ended ones are absent. For watchers of long-lived uses. */
  async expiries(sessionIds: readonly string[]): Promise<Map<string, Date>> {
    const rows = await this.db.query<{ objectId: string; expiresAt: string | null }>(
      'SELECT "objectId", "expiresAt" FROM "_Session" WHERE "objectId" = ANY($1::text[])',
      [sessionIds],
    );
    return new Map(rows.map((r) => [r.objectId, new Date(r.expiresAt ?? 0)]));
  }

  private ended(ended: EndedSessions): void {
    for (const l of this.endedListeners) {
      try {
        l(ended);
      } catch {
        // A listener reports its own failures; revocation has happened either way.
      }
    }
  }
}

type SessionRow = { objectId: string; user: string | null; expiresAt: string | null };

/** Parse's revocable session tokens ("r:" and 32 hex digits; ours are "r:" and base32). */
function isParseToken(token: string): boolean {
  return token.startsWith('r:') && token.length <= 64;
}

/** What revokeUser ends: every session of the user but one. */
export function revokedOf(userId: string, exceptSessionId?: string): EndedSessions {
  return { userId, ...(exceptSessionId ? { exceptSessionId } : {}) };
}
