import { CLASS, type ParseObject, type WriteHooks, type WriteOperation } from '../core/index.ts';
import { ErrorCode, errors, ParseError } from '../errors/index.ts';
import { readableFields } from './data/find-parts.ts';
import type { CloudRegistry } from './registry.ts';
import type { CloudRuntime } from './runtime.ts';
import type { CloudObject, DeleteRequest, SaveRequest } from './types.ts';

/**
 * The stored object a before-trigger of an update or delete sees, as Parse reads it: with the
 * caller's `get` rights (ACL, CLP, protected fields hidden; find triggers not run), so a
 * trigger never holds — nor can echo back in an error — what the caller may not read.
 * Undefined when the caller may not read it (or it does not exist).
 */
async function storedObject(rt: CloudRuntime, op: WriteOperation): Promise<ParseObject | undefined> {
  const cls = rt.deps.schema.current.classes.get(op.className);
  if (!cls) throw errors.classNotFound(op.className);
  try {
    const found = await rt.deps.core.getMany(op.auth, op.className, [op.objectId!], readableFields(cls), op.sql, false);
    return found.get(op.objectId!);
  } catch (error) {
    // A CLP that refuses the caller `get`: the trigger knows only the id.
    if (error instanceof ParseError && error.code !== ErrorCode.INTERNAL_SERVER_ERROR) return undefined;
    throw error;
  }
}

/**
 * The save and delete triggers of one class as core write hooks, for the registry in force:
 * - before (beforeSave, beforeDelete): before anything is written; `request.object` is the
 *   object as it will be (the stored one with the changes, on update), and what the triggers
 *   set, unset or increment replaces the write's input; a throw aborts the write;
 * - after commit (afterSave, afterDelete): the whole object as saved (and as it was), read in
 *   the write's own statement; a failure is logged and the write stands.
 */
export function writeTriggerHooks(rt: CloudRuntime, registry: CloudRegistry, className: string): WriteHooks | undefined {
  const beforeSave = registry.triggersFor('beforeSave', className);
  const afterSave = registry.triggersFor('afterSave', className);
  const beforeDelete = registry.triggersFor('beforeDelete', className);
  const afterDelete = registry.triggersFor('afterDelete', className);
  if (!beforeSave.length && !afterSave.length && !beforeDelete.length && !afterDelete.length) return undefined;
  const objects = rt.objects;
  const hooks: WriteHooks = {};
  if (beforeSave.length || beforeDelete.length) {
    hooks.before = async (op) => {
      if (op.kind === 'delete') {
        if (!beforeDelete.length) return;
        // Parse: a delete whose object the caller cannot read is not found, before any trigger.
        const stored = await storedObject(rt, op);
        if (!stored) throw errors.objectNotFound();
        const object = objects.fromStored(className, stored);
        await rt.runTriggers<DeleteRequest>(
          beforeDelete,
          'before',
          op.auth,
          (base) => ({ ...base, triggerName: 'beforeDelete', object }),
          (r) => ({ object: r.object }),
        );
        return;
      }
      if (!beforeSave.length) return;
      let object: CloudObject;
      let original: CloudObject | undefined;
      if (op.kind === 'create') {
        object = objects.forCreate(className, op.input);
      } else {
        // Parse: an object the caller cannot read reaches beforeSave as its id alone (the
        // write itself then decides, by the ACL, whether it happens).
        const stored = (await storedObject(rt, op)) ?? ({ [CLASS]: className, objectId: op.objectId! } as ParseObject);
        object = objects.forUpdate(className, stored, op.input);
        original = objects.fromStored(className, stored);
      }
      await rt.runTriggers<SaveRequest>(
        beforeSave,
        'before',
        op.auth,
        (base) => ({ ...base, triggerName: 'beforeSave', object, original }),
        (r) => ({ object: r.object, original: r.original }),
      );
      op.input = objects.changesOf(object);
    };
  }
  if (afterSave.length || afterDelete.length) {
    hooks.wholeObjects = true;
    hooks.afterCommit = async (op, saved, before) => {
      if (op.kind === 'delete') {
        if (!afterDelete.length) return;
        const object = objects.fromStored(className, saved);
        await rt.runTriggers<DeleteRequest>(afterDelete, 'after', op.auth, (base) => ({ ...base, triggerName: 'afterDelete', object }));
        return;
      }
      if (!afterSave.length) return;
      const object = objects.fromStored(className, saved);
      const original = before && objects.fromStored(className, before);
      await rt.runTriggers<SaveRequest>(afterSave, 'after', op.auth, (base) => ({ ...base, triggerName: 'afterSave', object, original }));
    };
  }
  return hooks;
}
