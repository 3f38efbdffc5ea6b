import type { Database } from '../../db/index.ts';
import type { AdminUser } from '../types.ts';
import { adminErrors } from './errors.ts';
import { randomToken, tokenHash, type AdminSessions, type NewAdminSession } from './sessions.ts';
import type { AdminUsers } from './users.ts';
import * as SQL from './sql.ts';

/** How long a printed setup link stays good. */
const SETUP_TTL_MS = 24 * 3600 * 1000;

/**
 * The first run: while no dashboard user exists, each start creates a one-time setup token and
 * prints `<publicUrl>/dashboard/setup#token=…` (the fragment never reaches logs of proxies).
 * Only the token's SHA-256 is stored. Completing the setup creates the first OWNER and spends
 * every token; once an admin exists no token works. Several instances starting together each
 * print their own token; any one of them works, once.
 */
export class AdminSetup {
  constructor(
    private readonly db: Database,
    private readonly users: AdminUsers,
    private readonly sessions: AdminSessions,
  ) {}

  /** A new setup token when no admin exists yet (undefined otherwise). */
  async prepare(): Promise<string | undefined> {
    return this.db.transaction(async (tx) => {
      await tx.execute(SQL.LOCK_SETUP);
      if ((await this.users.count(tx)) > 0) {
        await tx.execute(SQL.DELETE_ALL_SETUP);
        return undefined;
      }
      await tx.execute(SQL.DELETE_EXPIRED_SETUP);
      const token = randomToken();
      await tx.execute(SQL.INSERT_SETUP, [tokenHash(token), new Date(Date.now() + SETUP_TTL_MS).toISOString()]);
      return token;
    });
  }

  /** Creates the first owner with a valid token (403 otherwise) and signs them in. */
  async complete(token: string, email: string, password: string): Promise<{ user: AdminUser; session: NewAdminSession }> {
    if (typeof token !== 'string' || !/^[a-z2-7]{32}$/.test(token)) throw adminErrors.invalidSetup();
    return this.db.transaction(async (tx) => {
      await tx.execute(SQL.LOCK_SETUP);
      const valid = (await tx.query(SQL.SETUP_VALID, [tokenHash(token)])).length > 0;
      if (!valid || (await this.users.count(tx)) > 0) throw adminErrors.invalidSetup();
      const user = await this.users.create({ email, password, role: 'OWNER' }, tx);
      await tx.execute(SQL.DELETE_ALL_SETUP);
      const session = await this.sessions.create(user.id, tx);
      return { user, session };
    });
  }
}
