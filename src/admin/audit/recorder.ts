import type { Params, Sql } from '../../db/index.ts';
import type { HookRegistry, ParseObject, WriteHooks, WriteOperation } from '../../core/index.ts';
import type { ClassDef } from '../../schema/index.ts';
import type { Auth } from '../../security/index.ts';
import { auditActor } from './actor.ts';
import { auditJson, classJson } from './json.ts';
import { INSERT_ENTRY, insertEntry } from './sql.ts';

export interface AuditRecorderDeps {
  /** The current class definitions (to write objects in Parse's JSON). */
  classes(): ReadonlyMap<string, ClassDef>;
}

/**
 * The write hook of the audit trail, on every class ("*"): for the writes `auditActor` names
 * an actor for (dashboard admins, the master key, cloud code with the master key), one entry
 * with the whole object before and after, inserted inside the write's own transaction — a
 * write that rolls back leaves no entry, and no entry is lost for a write that commits.
 * Every other write skips it (`only`): it stays one statement and reads no whole object.
 */
export function auditHook(deps: AuditRecorderDeps): WriteHooks {
  return {
    only: (op) => auditActor(op.auth) !== undefined,
    wholeObjects: true,
    // A create's entry rides in the create's own statement (no transaction needed for it).
    withCreate(op: WriteOperation, object: ParseObject, params: Params) {
      const after = auditJson(deps.classes().get(op.className), object);
      const p = (value: unknown) => params.add(value);
      return insertEntry(p(auditActor(op.auth)!), p('create'), p(op.className), p(object.objectId), 'NULL', p(JSON.stringify(after)));
    },
    async inTransaction(op: WriteOperation, tx: Sql, object: ParseObject, original?: ParseObject) {
      const cls = deps.classes().get(op.className);
      const before = op.kind === 'create' ? null : auditJson(cls, original ?? object);
      const after = op.kind === 'delete' ? null : auditJson(cls, object);
      await tx.execute(INSERT_ENTRY, [
        auditActor(op.auth)!,
        op.kind,
        op.className,
        op.objectId ?? object.objectId,
        before && JSON.stringify(before),
        after && JSON.stringify(after),
      ]);
    },
  };
}

const registered = new WeakMap<HookRegistry, () => void>();

/** Registers the audit trail's write hook (once per registry); returns the function that removes it. */
export function registerAudit(hooks: HookRegistry, deps: AuditRecorderDeps): () => void {
  const existing = registered.get(hooks);
  if (existing) return existing;
  const off = hooks.register('*', auditHook(deps));
  const remove = () => {
    off();
    registered.delete(hooks);
  };
  registered.set(hooks, remove);
  return remove;
}

/**
 * Removes the audit hook a server registered (e.g. `unregisterAudit(plinth.hooks)` in tests
 * that record the SQL of master-key writes without the audit's statements). False when none was.
 */
export function unregisterAudit(hooks: HookRegistry): boolean {
  const remove = registered.get(hooks);
  remove?.();
  return !!remove;
}

/**
 * Records a schema change (action 'schema', before and after as class definitions; null for a
 * class created or deleted) when its caller is audited. Schema changes are not core writes:
 * whoever makes one with an Auth calls this once it has succeeded (see auditedSchemaChange).
 */
export async function recordSchemaChange(sql: Sql, auth: Auth, className: string, before?: ClassDef, after?: ClassDef): Promise<void> {
  const actor = auditActor(auth);
  if (!actor) return;
  const b = classJson(before);
  const a = classJson(after);
  await sql.execute(INSERT_ENTRY, [actor, 'schema', className, null, b && JSON.stringify(b), a && JSON.stringify(a)]);
}
