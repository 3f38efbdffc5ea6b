import type { Sql } from '../../db/index.ts';
import { errors } from '../../errors/index.ts';
import { LIST_ENTRIES } from './sql.ts';

/** One entry of the audit trail, as the admin API's AuditEntry gives it. */
export interface AuditEntry {
  id: string;
  at: string;
  /** The admin's email, 'master key' or 'cloud code' (actor.ts). */
  actor: string;
  /** create, update, delete or schema. */
  action: string;
  className: string | null;
  objectId: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** The cursor of the next (older) page; null at the end. */
  next: string | null;
}

export interface AuditQuery {
  className?: string | null;
  objectId?: string | null;
  /** Page size, 1–500 (default 50). */
  first?: number | null;
  /** A `next` cursor from the page before. */
  after?: string | null;
}

type EntryRow = {
  id: string;
  at: string | Date;
  actor: string;
  action: string;
  className: string | null;
  objectId: string | null;
  before: unknown;
  after: unknown;
};

const MAX_PAGE = 500;

function json(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : (value ?? null);
}

/**
 * Reads the audit trail newest first, by keyset on the entry id (stable while entries are
 * added), optionally for one class or one object. Who may read it (owners) is the caller's
 * check. A cursor that is not one of ours is a clear 102, never a database error.
 */
export async function readAudit(sql: Sql, q: AuditQuery = {}): Promise<AuditPage> {
  const first = q.first ?? 50;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw errors.invalidQuery(`first must be an integer from 1 to ${MAX_PAGE}`);
  if (q.after != null && !/^[1-9][0-9]{0,18}$/.test(q.after)) throw errors.invalidQuery('Invalid audit cursor');
  const rows = await sql.query<EntryRow>(LIST_ENTRIES, [q.className ?? null, q.objectId ?? null, q.after ?? null, first + 1]);
  const more = rows.length > first;
  const entries = rows.slice(0, first).map((r) => ({
    id: r.id,
    at: r.at instanceof Date ? r.at.toISOString() : new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    className: r.className,
    objectId: r.objectId,
    before: json(r.before),
    after: json(r.after),
  }));
  return { entries, next: more ? entries[entries.length - 1].id : null };
}
