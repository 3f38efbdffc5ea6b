import type { Sql } from '../db/index.ts';
import type { Auth } from '../security/index.ts';
import type { ParseObject } from './object.ts';

/** A write as the extension points see it. `input` may be changed by `before` hooks. */
export interface WriteOperation {
  kind: 'create' | 'update' | 'delete';
  className: string;
  auth: Auth;
  /** Known for update and delete; set for create once the id is chosen. */
  objectId?: string;
  /** Field values being written (create, update). */
  input: Record<string, unknown>;
  /**
   * Values for internal text columns that are not fields (e.g. _User's "_hashed_password"),
   * set by hooks only, never from client input.
   */
  internal: Record<string, string | null>;
}

/**
 * The extension points of every write, named by the transaction:
 * - `before`: before anything is written; may change `op.input` or throw to abort (cloud
 *   code beforeSave/beforeDelete will plug in here);
 * - `inTransaction`: after the row is written, inside the transaction (consistency checks,
 *   derived writes that must commit together);
 * - `afterCommit`: once the transaction has committed (afterSave/afterDelete, live events,
 *   push); a failure here is logged, the write stands.
 */
export interface WriteHooks {
  before?(op: WriteOperation): void | Promise<void>;
  inTransaction?(op: WriteOperation, tx: Sql, object: ParseObject): void | Promise<void>;
  afterCommit?(op: WriteOperation, object: ParseObject): void | Promise<void>;
}

/** Hooks registered per class name, or for every class with "*". */
export class HookRegistry {
  private readonly byClass = new Map<string, WriteHooks[]>();

  register(className: string, hooks: WriteHooks): () => void {
    const list = this.byClass.get(className) ?? [];
    list.push(hooks);
    this.byClass.set(className, list);
    return () => {
      const i = list.indexOf(hooks);
      if (i >= 0) list.splice(i, 1);
    };
  }

  for(className: string): WriteHooks[] {
    const own = this.byClass.get(className);
    const all = this.byClass.get('*');
    if (!own) return all ?? EMPTY;
    if (!all) return own;
    return [...all, ...own];
  }
}

const EMPTY: WriteHooks[] = [];
