import { DatabaseError, SqlState, type Database, type Sql } from '../../db/index.ts';
import { ErrorCode, ParseError } from '../../errors/index.ts';
import { newObjectId } from '../../core/index.ts';
import { hashPassword } from '../../auth/passwords.ts';
import type { AdminRole, AdminUser, StoredScope } from '../types.ts';
import { checkPassword, checkRole, checkScope, normalEmail, scopeOf, userOf, type AdminRow } from './rows.ts';
import type { AdminSessions } from './sessions.ts';
import * as SQL from './sql.ts';

export interface NewAdmin {
  email: string;
  password: string;
  role: AdminRole;
  scope?: StoredScope | null;
}

export interface AdminChanges {
  role?: AdminRole;
  /** null: no scope (SCOPED admins then reach nothing). */
  scope?: StoredScope | null;
  disabled?: boolean;
  password?: string;
}

const emailTaken = () => new ParseError(ErrorCode.EMAIL_TAKEN, 'A dashboard user with this email already exists.');
const lastOwner = () => new ParseError(ErrorCode.OPERATION_FORBIDDEN, 'The last owner cannot be deleted, disabled or given another role.');
const notFound = () => new ParseError(ErrorCode.OBJECT_NOT_FOUND, 'Dashboard user not found.');

/**
 * Dashboard users (`_PlinthAdmin`): created by the first-run setup, the CLI and owners (the admin
 * GraphQL API checks that the caller is an owner). Disabling, deleting or changing the password
 * of a user ends their sessions (and so their sockets).
 */
export class AdminUsers {
  constructor(
    private readonly db: Database,
    private readonly sessions: AdminSessions,
  ) {}

  async count(sql: Sql = this.db): Promise<number> {
    const [row] = await sql.query<{ n: number }>(SQL.COUNT_ADMINS);
    return Number(row?.n ?? 0);
  }

  async create(input: NewAdmin, sql: Sql = this.db): Promise<AdminUser> {
    const email = normalEmail(input.email);
    const role = checkRole(input.role);
    const scope = checkScope(input.scope);
    const hash = await hashPassword(checkPassword(input.password));
    try {
      const [row] = await sql.query<AdminRow>(SQL.INSERT_ADMIN, [newObjectId(), email, hash, role, scope ? JSON.stringify(scope) : null]);
      return userOf(row);
    } catch (error) {
      if (error instanceof DatabaseError && error.code === SqlState.UNIQUE_VIOLATION) throw emailTaken();
      throw error;
    }
  }

  async list(): Promise<AdminUser[]> {
    return (await this.db.query<AdminRow>(SQL.LIST_ADMINS)).map(userOf);
  }

  async get(id: string): Promise<AdminUser | undefined> {
    const [row] = await this.db.query<AdminRow>(SQL.GET_ADMIN, [id]);
    return row ? userOf(row) : undefined;
  }

  /**
   * Changes a user. Disabling, a new role or scope end their sessions (signed in again, they get
   * the new reach, sockets included); a new password ends them all but the session that made the
   * change (`bySessionId`: an owner changing their own password stays signed in).
   */
  async update(id: string, changes: AdminChanges, bySessionId?: string): Promise<AdminUser> {
    const role = changes.role === undefined ? null : checkRole(changes.role);
    const hasScope = changes.scope !== undefined;
    const scope = hasScope ? checkScope(changes.scope) : null;
    const hash = changes.password === undefined ? null : await hashPassword(checkPassword(changes.password));
    const { user, ended } = await this.db.transaction(async (tx) => {
      const [before] = await tx.query<AdminRow>(SQL.GET_ADMIN, [id]);
      if (!before) throw notFound();
      const stopsOwning = (changes.role !== undefined && changes.role !== 'OWNER') || changes.disabled === true;
      if (before.role === 'OWNER' && !before.disabled && stopsOwning) await this.keepAnOwner(tx, id);
      const [row] = await tx.query<AdminRow>(SQL.UPDATE_ADMIN, [id, role, changes.disabled ?? null, hash, scope ? JSON.stringify(scope) : null, hasScope]);
      // A change of reach ends every session (open sockets hold the old principal); a new
      // password ends the others.
      const reach =
        changes.disabled === true || (role !== null && role !== before.role) || (hasScope && JSON.stringify(scopeOf(before.scope)) !== JSON.stringify(scope));
      const ended = reach || hash !== null ? await this.sessions.endAllOf(id, reach ? undefined : bySessionId, tx) : [];
      return { user: userOf(row), ended };
    });
    this.sessions.announce(ended);
    return user;
  }

  /** Refuses a change that would leave no enabled owner (nobody could manage admins any more). */
  private async keepAnOwner(sql: Sql, id: string): Promise<void> {
    const [row] = await sql.query<{ n: number }>(SQL.OTHER_OWNERS, [id]);
    if (Number(row?.n ?? 0) === 0) throw lastOwner();
  }

  /** Deletes a user and their sessions and saved views; false when there was none. */
  async delete(id: string): Promise<boolean> {
    const { deleted, ended } = await this.db.transaction(async (tx) => {
      const [target] = await tx.query<AdminRow>(SQL.GET_ADMIN, [id]);
      if (target?.role === 'OWNER' && !target.disabled) await this.keepAnOwner(tx, id);
      const ended = await this.sessions.endAllOf(id, undefined, tx);
      return { deleted: (await tx.execute(SQL.DELETE_ADMIN, [id])) > 0, ended };
    });
    this.sessions.announce(ended);
    return deleted;
  }
}
