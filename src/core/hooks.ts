import type { Params, Sql } from '../db/index.ts';
import type { Condition, OrderKey, PageArgs } from '../query/index.ts';
import type { Auth } from '../security/index.ts';
import type { IncludeRequest } from './include.ts';
import type { ParseObject } from './object.ts';

/** A write as the extension points see it. `input` may be changed by `before` hooks. */
export interface WriteOperation {
  kind: 'create' | 'update' | 'delete';
  className: string;
  /** The caller; `auth.request` carries the request's context for cloud triggers. */
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
  /**
   * The caller's transaction when the write runs inside one that is under way: what a hook
   * reads must go through it (elsewhere it could wait on the transaction's locks — on PGlite,
   * whose one connection the transaction holds, forever). Absent: no transaction is open yet.
   */
  sql?: Sql;
  /**
   * Set by a `prepare` hook of a create: the existing object this create updates instead (an
   * upsert by a natural key, as _Installation merges a device saved again). The operation then
   * becomes an update of that object (`kind`, `objectId`): its `before` hooks see an update.
   */
  mergeInto?: string;
  /**
   * Set by a `prepare` hook of a create: the unique index whose violation means that a
   * concurrent create stored the same natural key first. A create that owns its transaction is
   * then prepared again, once, and merges into that object; elsewhere the violation is the
   * usual 137.
   */
  mergeOnIndex?: string;
}

/**
 * The extension points of every write, named by the transaction:
 * - `prepare`: first, before every hook's `before`: decides what the write is; may change
 *   `op.input`, turn a create into an update (`op.mergeInto`), point an update at another
 *   object (`op.objectId`), or throw;
 * - `before`: before anything is written; may change `op.input` or throw to abort (cloud
 *   code's beforeSave/beforeDelete plug in here);
 * - `beforeStatement`: inside the transaction, just before the row is written (or deleted):
 *   writes that must commit with it and come first (deletes that make room for it);
 * - `inTransaction`: after the row is written, inside the transaction (consistency checks,
 *   derived writes that must commit together, work queued to happen once it commits);
 * - `afterCommit`: once the transaction has committed (afterSave/afterDelete, live events,
 *   push); a failure here is logged, the write stands. With `wholeObjects`, `object` (in
 *   both) is the whole object after the write (before it, for delete) and `original` the
 *   whole object before an update — both read in the write's own statement.
 */
export interface WriteHooks {
  /**
   * The writes this hook takes part in (e.g. the audit trail: the master key's and dashboard
   * admins'), decided per write; absent: every write. For the others it is as if it were not
   * registered: none of its phases run, and it neither opens a transaction (a one-statement
   * write stays one statement) nor asks for whole objects — so a hook on "*" for a few
   * callers costs every other write one call of this predicate.
   */
  only?(op: WriteOperation): boolean;
  prepare?(op: WriteOperation): void | Promise<void>;
  before?(op: WriteOperation): void | Promise<void>;
  beforeStatement?(op: WriteOperation, tx: Sql): void | Promise<void>;
  inTransaction?(op: WriteOperation, tx: Sql, object: ParseObject, original?: ParseObject): void | Promise<void>;
  /**
   * For a create, in place of `inTransaction`: a statement that must commit with the new row and
   * needs nothing from the database but the object the create writes (the audit trail's entry).
   * It runs inside the create's own statement, as a data-modifying WITH, so that the create stays
   * one statement — no BEGIN and COMMIT, which cost a master-key create about as much as the rest
   * of it — and both commit together or not at all. Its parameters go into `params`, the create's.
   */
  withCreate?(op: WriteOperation, object: ParseObject, params: Params): string;
  afterCommit?(op: WriteOperation, object: ParseObject, original?: ParseObject): void | Promise<void>;
  wholeObjects?: boolean;
}

/**
 * A read as the extension points see it: what `beforeFind` may change (where, order, page,
 * fields, include) or answer itself (`objects`: the database is not asked).
 */
export interface ReadOperation {
  kind: 'find' | 'get' | 'count';
  className: string;
  auth: Auth;
  where: Condition;
  order?: OrderKey[];
  page?: PageArgs;
  /** Fields of each object to read. */
  fields: readonly string[];
  include?: IncludeRequest[];
  /** A read by id (get, node, pointer loads). */
  isGet: boolean;
  /** Set by a before hook to answer without reading the database. */
  objects?: ParseObject[];
}

/**
 * The extension points of every read (find, get and pointer loads, count, relation pages):
 * `beforeFind` may change the operation or answer it; `afterFind` returns the objects that
 * replace the result (it does not run for counts).
 */
export interface ReadHooks {
  beforeFind?(op: ReadOperation): void | Promise<void>;
  afterFind?(op: ReadOperation, objects: ParseObject[]): ParseObject[] | Promise<ParseObject[]>;
}

/** Hooks registered per class name, or for every class with "*". */
export class HookRegistry {
  private readonly byClass = new Map<string, WriteHooks[]>();
  private readonly readsByClass = new Map<string, ReadHooks[]>();

  /** Adds hooks to a class ("*": every class), after the ones it has — or before them with `first`. */
  register(className: string, hooks: WriteHooks, options: { first?: boolean } = {}): () => void {
    return add(this.byClass, className, hooks, options.first);
  }

  for(className: string): WriteHooks[] {
    return lookup(this.byClass, className);
  }

  /** Whether some write hook of the class (that applies to `op`, when given) wants whole objects. */
  wantsWholeObjects(className: string, op?: WriteOperation): boolean {
    for (const h of this.for(className)) if (h.wholeObjects && (!op || applies(h, op))) return true;
    return false;
  }

  registerReads(className: string, hooks: ReadHooks): () => void {
    return add(this.readsByClass, className, hooks);
  }

  readsFor(className: string): ReadHooks[] {
    return lookup(this.readsByClass, className);
  }
}

/** Whether a write hook takes part in this write (WriteHooks.only). */
export function applies(h: WriteHooks, op: WriteOperation): boolean {
  return !h.only || h.only(op);
}

function add<T>(map: Map<string, T[]>, className: string, hooks: T, first = false): () => void {
  let list = map.get(className);
  if (!list) map.set(className, (list = []));
  if (first) list.unshift(hooks);
  else list.push(hooks);
  return () => {
    const current = map.get(className);
    const i = current ? current.indexOf(hooks) : -1;
    if (i >= 0) current!.splice(i, 1);
    if (current && current.length === 0) map.delete(className);
  };
}

function lookup<T>(map: Map<string, T[]>, className: string): T[] {
  const own = map.get(className);
  const all = map.get('*');
  if (!own) return all ?? (EMPTY as T[]);
  if (!all) return own;
  return [...all, ...own];
}

const EMPTY: never[] = [];
