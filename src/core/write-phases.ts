import type { Params, Sql } from '../db/index.ts';
import type { ParseObject } from './object.ts';
import { applies, type WriteHooks, type WriteOperation } from './hooks.ts';
import type { PlannedWrite } from './write-input.ts';
import type { CoreRuntime } from './runtime.ts';
import { UnitOfWork } from './unit-of-work.ts';
import { LazyTransaction } from './lazy-transaction.ts';

/*
 * The phases around a write's statement, named by the transaction (hooks.ts): its unit of
 * work, the hooks before it, inside it and after commit, and whether it needs a transaction
 * at all. Shared by create, update and delete (write.ts), which keep only what each writes.
 */

/**
 * Runs `fn` in the given unit of work, or in a new transaction whose after-commit work runs
 * after COMMIT. A write that is one statement (`single`) runs without BEGIN/COMMIT: a single
 * statement is atomic on its own, and the two round trips it saves are most of a create's cost.
 * The transaction begins at its first statement (LazyTransaction): a caller's transaction that
 * starts with a core write runs that write's before hooks outside it.
 */
export async function inUnitOfWork<T>(rt: CoreRuntime, uow: UnitOfWork | undefined, fn: (uow: UnitOfWork) => Promise<T>, single = false): Promise<T> {
  if (uow) return fn(uow);
  let result: T;
  let unit: UnitOfWork;
  if (single) {
    result = await fn((unit = new UnitOfWork(rt.db)));
  } else {
    const tx = new LazyTransaction(rt.db);
    const work = new UnitOfWork(tx);
    unit = work;
    try {
      // What fn's hooks read through the database itself joins the transaction once it is under
      // way (PGlite: else they would wait for its one connection).
      result = await rt.db.within(
        tx,
        () => tx.underWay,
        () => fn(work),
      );
    } catch (error) {
      await tx.rollback();
      throw error;
    }
    await tx.commit();
  }
  await unit.committed((error) => rt.logger?.error({ err: error }, 'after-commit work failed'));
  return result;
}

/**
 * The SQL a write's hooks may read through: the caller's transaction once it is under way (a
 * read elsewhere could wait on its locks, and on PGlite for its one connection forever).
 */
export function openSql(uow: UnitOfWork | undefined): Sql | undefined {
  if (!uow || (uow.sql instanceof LazyTransaction && !uow.sql.begun)) return undefined;
  return uow.sql;
}

/**
 * Whether a write is exactly one statement: no nested creates, no relation changes, no hook
 * inside the transaction (among those that apply to this write: WriteHooks.only).
 */
export function isSingleStatement(rt: CoreRuntime, op: WriteOperation, plan?: PlannedWrite, children: readonly unknown[] = []): boolean {
  if (children.length || (plan && (plan.pointersToCreate.length || plan.relations.length))) return false;
  return !rt.hooks.for(op.className).some((h) => ((h.inTransaction && !foldsIntoCreate(h, op)) || h.beforeStatement) && applies(h, op));
}

/** Whether a hook's work inside the transaction is, for this write, a statement folded into the create's (`withCreate`). */
function foldsIntoCreate(h: WriteHooks, op: WriteOperation): boolean {
  return op.kind === 'create' && h.withCreate !== undefined;
}

/**
 * The WITH clause that folds the hooks' statements (`withCreate`) into a create's INSERT, or ''
 * when none applies; their parameters go into the create's `params`.
 */
export function createCompanions(rt: CoreRuntime, op: WriteOperation, object: ParseObject, params: Params): string {
  const parts: string[] = [];
  for (const h of rt.hooks.for(op.className)) {
    if (h.withCreate && applies(h, op)) parts.push(`"w${parts.length}" AS (${h.withCreate(op, object, params)})`);
  }
  return parts.length ? `WITH ${parts.join(', ')} ` : '';
}

export async function runPrepare(rt: CoreRuntime, op: WriteOperation): Promise<void> {
  for (const h of rt.hooks.for(op.className)) if (h.prepare && applies(h, op)) await h.prepare(op);
}

export async function runBefore(rt: CoreRuntime, op: WriteOperation): Promise<void> {
  for (const h of rt.hooks.for(op.className)) if (h.before && applies(h, op)) await h.before(op);
}

export async function runBeforeStatement(rt: CoreRuntime, op: WriteOperation, tx: Sql): Promise<void> {
  for (const h of rt.hooks.for(op.className)) if (h.beforeStatement && applies(h, op)) await h.beforeStatement(op, tx);
}

/** The whole objects a change event carries when someone wants them (whole-objects.ts). */
export interface Whole {
  object: ParseObject;
  original?: ParseObject;
}

/**
 * Runs the inTransaction hooks now and schedules the change event and the afterCommit hooks
 * for after COMMIT, each on its own, so that one failing hook does not silence the others.
 * The event carries `whole` when the write read it, else the object the write knew.
 */
export async function finish(rt: CoreRuntime, uow: UnitOfWork, op: WriteOperation, object: ParseObject, fields: string[], whole?: Whole): Promise<void> {
  const hooks = rt.hooks.for(op.className);
  for (const h of hooks) {
    if (h.inTransaction && applies(h, op) && !foldsIntoCreate(h, op)) await h.inTransaction(op, uow.sql, whole?.object ?? object, whole?.original);
  }
  uow.afterCommit(() => {
    if (!rt.events.hasListeners) return;
    const changed = whole?.object ?? object;
    rt.events.emit({ kind: op.kind, className: op.className, objectId: object.objectId, object: changed, original: whole?.original, fields });
  });
  for (const h of hooks) if (h.afterCommit && applies(h, op)) uow.afterCommit(() => h.afterCommit!(op, whole?.object ?? object, whole?.original));
}

/** Whether a write must read whole objects (before and after) for change events or after-commit hooks. */
export function wantsWholeObjects(rt: CoreRuntime, op: WriteOperation): boolean {
  return rt.events.needsFullObjects(op.className) || rt.hooks.wantsWholeObjects(op.className, op);
}
