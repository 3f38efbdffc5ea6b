import type { Sql } from '../../db/index.ts';
import { newObjectId } from '../../core/index.ts';
import { DELETE_VIEW, LIST_VIEWS, SAVE_VIEW } from './sql.ts';

export interface SavedView {
  id: string;
  className: string;
  name: string;
  state: unknown;
}

/**
 * Saved grid views (filters, order, columns), stored per dashboard user: every statement is
 * bound to the admin, so one admin never reads nor deletes another's views.
 */
export class SavedViews {
  constructor(private readonly db: Sql) {}

  async list(adminId: string, className: string): Promise<SavedView[]> {
    return (await this.db.query<SavedView & Record<string, unknown>>(LIST_VIEWS, [adminId, className])).map(withState);
  }

  async save(adminId: string, className: string, name: string, state: unknown): Promise<SavedView> {
    const rows = await this.db.query<SavedView & Record<string, unknown>>(SAVE_VIEW, [newObjectId(), adminId, className, name, JSON.stringify(state)]);
    return withState(rows[0]);
  }

  /** False when the admin has no view with this id (someone else's included). */
  async delete(adminId: string, id: string): Promise<boolean> {
    return (await this.db.execute(DELETE_VIEW, [id, adminId])) > 0;
  }
}

/** jsonb comes back as text through some drivers: the state as the page saved it. */
function withState(row: SavedView): SavedView {
  return typeof row.state === 'string' ? { ...row, state: JSON.parse(row.state) } : row;
}
