import { offsetCursor, TRUE } from '../query/index.ts';
import type { Auth } from '../security/index.ts';
import type { ReadHooks, ReadOperation } from './hooks.ts';
import type { ParseObject } from './object.ts';
import type { FindRequest, FindResult } from './read.ts';

/*
 * The read hooks around core reads (cloud code's beforeFind and afterFind): each read path
 * builds a ReadOperation, lets the before hooks change or answer it, reads, and hands the
 * objects to the after hooks. Reads of classes without hooks never get here.
 */

/** The operation a find request describes. */
export function findOperation(className: string, auth: Auth, req: FindRequest, kind: ReadOperation['kind'] = 'find'): ReadOperation {
  return { kind, className, auth, where: req.where ?? TRUE, order: req.order, page: req.page, fields: req.fields, include: req.include, isGet: false };
}

/** Runs the before hooks in order; the first one that answers with objects ends the chain. */
export async function runBeforeFind(hooks: readonly ReadHooks[], op: ReadOperation): Promise<void> {
  for (const h of hooks) {
    if (h.beforeFind) await h.beforeFind(op);
    if (op.objects) return;
  }
}

/** Runs the after hooks in order, each on the list the previous one returned. */
export async function runAfterFind(hooks: readonly ReadHooks[], op: ReadOperation, objects: ParseObject[]): Promise<ParseObject[]> {
  let out = objects;
  for (const h of hooks) if (h.afterFind) out = await h.afterFind(op, out);
  return out;
}

/** The find request as the before hooks left it. */
export function requestAfterHooks(req: FindRequest, op: ReadOperation): FindRequest {
  return { ...req, where: op.where, order: op.order, page: op.page, fields: op.fields, include: op.include };
}

/** A whole result made of objects a hook gave: one page, offset cursors. */
export function resultOf(objects: ParseObject[], wantCount: boolean): FindResult {
  return { objects, count: wantCount ? objects.length : undefined, skip: 0, hasNextPage: false, hasPreviousPage: false, cursor: (i) => offsetCursor(i) };
}

/**
 * A page whose objects an after hook replaced: the same position and flags; cursors by offset,
 * since keyset cursors come from the rows the page read.
 */
export function withObjects(result: FindResult, objects: ParseObject[]): FindResult {
  if (objects === result.objects) return result;
  return { ...result, objects, cursor: (i) => offsetCursor(result.skip + i) };
}
