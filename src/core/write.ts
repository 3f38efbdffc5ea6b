import { DatabaseError, SqlState, ident, Params, type Sql } from '../db/index.ts';
import { errors, ParseError, ErrorCode } from '../errors/index.ts';
import type { ClassDef } from '../schema/index.ts';
import { joinTableName } from '../schema/index.ts';
import { selectList } from '../query/index.ts';
import { aclFromColumns, aclToColumns, writeFilterSql, PUBLIC_ACL, type Auth } from '../security/index.ts';
import { encodeForColumn } from './encode.ts';
import { rowDecoder } from './decode.ts';
import { mayBeObjectId, newObjectId } from './ids.ts';
import { CLASS, type ParseObject } from './object.ts';
import type { WriteOperation } from './hooks.ts';
import { planWrite, type PlannedWrite, type RelationInput, type WriteInput } from './write-input.ts';
import { columnOf, requireClass, type CoreRuntime } from './runtime.ts';
import { UnitOfWork } from './unit-of-work.ts';

export interface WriteOptions {
  /** The transaction of an enclosing write (nested creates); absent: the write opens its own. */
  uow?: UnitOfWork;
  /** Fields the caller wants back (update and delete read them back in the same statement). */
  fields?: readonly string[];
}

/**
 * Runs `fn` in the given unit of work, or in a new transaction whose after-commit work runs
 * after COMMIT. A write that is one statement (`single`) runs without BEGIN/COMMIT: a single
 * statement is atomic on its own, and the two round trips it saves are most of a create's cost.
 */
export async function inUnitOfWork<T>(rt: CoreRuntime, uow: UnitOfWork | undefined, fn: (uow: UnitOfWork) => Promise<T>, single = false): Promise<T> {
  if (uow) return fn(uow);
  let unit!: UnitOfWork;
  const result = single ? await fn((unit = new UnitOfWork(rt.db))) : await rt.db.transaction((tx) => fn((unit = new UnitOfWork(tx))));
  await unit.committed((error) => rt.logger?.error({ err: error }, 'after-commit work failed'));
  return result;
}

/** Whether a write is exactly one statement: no nested creates, no relation changes, no hook inside the transaction. */
function isSingleStatement(rt: CoreRuntime, className: string, plan?: PlannedWrite): boolean {
  if (plan && (plan.pointersToCreate.length || plan.relations.length)) return false;
  return !rt.hooks.for(className).some((h) => h.inTransaction);
}

async function runBefore(rt: CoreRuntime, op: WriteOperation): Promise<void> {
  for (const h of rt.hooks.for(op.className)) if (h.before) await h.before(op);
}

/**
 * Runs the inTransaction hooks now and schedules the change event and the afterCommit hooks
 * for after COMMIT, each on its own, so that one failing hook does not silence the others.
 */
async function finish(rt: CoreRuntime, uow: UnitOfWork, op: WriteOperation, object: ParseObject, fields: string[]): Promise<void> {
  const hooks = rt.hooks.for(op.className);
  for (const h of hooks) if (h.inTransaction) await h.inTransaction(op, uow.sql, object);
  uow.afterCommit(() => {
    if (rt.events.hasListeners) rt.events.emit({ kind: op.kind, className: op.className, objectId: object.objectId, object, fields });
  });
  for (const h of hooks) if (h.afterCommit) uow.afterCommit(() => h.afterCommit!(op, object));
}

/** Unique-index violations in Parse's terms: 202/203 for _User's username/email, 137 otherwise. */
function mapWriteError(error: unknown): never {
  if (error instanceof DatabaseError && error.code === SqlState.UNIQUE_VIOLATION) {
    if (/unique_username/.test(error.message)) throw new ParseError(ErrorCode.USERNAME_TAKEN, 'Account already exists for this username.');
    if (/unique_email/.test(error.message)) throw new ParseError(ErrorCode.EMAIL_TAKEN, 'Account already exists for this email address.');
    throw errors.duplicateValue();
  }
  throw error;
}

/** Creates the objects nested in pointer fields and returns their ids. */
async function createPointers(rt: CoreRuntime, auth: Auth, plan: PlannedWrite, uow: UnitOfWork): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (const [name, field, input] of plan.pointersToCreate) {
    const child = await create(rt, auth, field.targetClass!, input, { uow });
    out.push([name, child.objectId]);
  }
  return out;
}

async function applyRelations(rt: CoreRuntime, auth: Auth, cls: ClassDef, objectId: string, relations: [string, unknown, RelationInput][], uow: UnitOfWork): Promise<void> {
  for (const [name, , change] of relations) {
    const table = ident(joinTableName(cls.className, name));
    const target = cls.fields[name].targetClass!;
    const add = [...(change.add ?? [])];
    for (const input of change.create ?? []) add.push((await create(rt, auth, target, input, { uow })).objectId);
    if (change.remove?.length) {
      await uow.sql.execute(`DELETE FROM ${table} WHERE "owningId" = $1 AND "relatedId" = ANY($2::text[])`, [objectId, change.remove]);
    }
    if (add.length) {
      await uow.sql.execute(
        `INSERT INTO ${table} ("relatedId", "owningId") SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`,
        [add, objectId],
      );
    }
  }
}

/**
 * Parse's rule for `required` fields: on create each must have a value (after defaults); on
 * update none may be unset. null and the empty string count as no value; a relation counts as
 * given when the write changes it.
 */
function checkRequired(cls: ClassDef, values: Map<string, unknown>, relations: PlannedWrite['relations'], creating: boolean): void {
  for (const [name, field] of Object.entries(cls.fields)) {
    if (!field.required) continue;
    if (field.type === 'Relation') {
      if (creating && !relations.some(([n]) => n === name)) throw new ParseError(ErrorCode.VALIDATION_ERROR, `${name} is required`);
      continue;
    }
    const present = values.has(name);
    const value = values.get(name);
    const missing = value === null || value === '';
    if ((creating && (!present || missing)) || (!creating && present && missing)) {
      throw new ParseError(ErrorCode.VALIDATION_ERROR, `${name} is required`);
    }
  }
}

/**
 * Creates an object (and the objects nested in its pointers and relations) in one
 * transaction. Returns the object as stored, built from what was written: no read-back.
 */
export async function create(rt: CoreRuntime, auth: Auth, className: string, input: WriteInput, opts: WriteOptions = {}): Promise<ParseObject> {
  const cls = requireClass(rt, className);
  const op: WriteOperation = { kind: 'create', className, auth, input: { ...input }, internal: {} };
  await runBefore(rt, op);
  const plan = planWrite(cls, op.input);
  return inUnitOfWork(rt, opts.uow, async (uow) => {
    const values = new Map<string, unknown>(plan.columns.map(([n, , v]) => [n, v]));
    for (const [name, id] of await createPointers(rt, auth, plan, uow)) values.set(name, id);
    for (const [name, field] of Object.entries(cls.fields)) {
      // As in Parse, null (an unset) on create also takes the default.
      if (field.defaultValue !== undefined && (values.get(name) ?? null) === null) values.set(name, field.defaultValue);
    }
    checkRequired(cls, values, plan.relations, true);
    const objectId = newObjectId();
    op.objectId = objectId;
    const now = new Date().toISOString();
    const params = new Params();
    const cols = ['"objectId"', '"createdAt"', '"updatedAt"'];
    const idParam = params.add(objectId);
    const nowParam = params.add(now) + '::timestamptz';
    const exprs = [idParam, nowParam, nowParam];
    // The ACL as a later read gives it back (entries in stored order).
    let acl = PUBLIC_ACL;
    if (plan.acl) {
      const { rperm, wperm } = aclToColumns(plan.acl);
      cols.push('"_rperm"', '"_wperm"');
      exprs.push(params.add(rperm) + '::text[]', params.add(wperm) + '::text[]');
      acl = aclFromColumns(rperm, wperm);
    }
    for (const [name, value] of values) {
      cols.push(ident(name));
      exprs.push(encodeForColumn(cls.fields[name], value, params));
    }
    for (const [column, value] of Object.entries(op.internal)) {
      cols.push(ident(column));
      exprs.push(params.add(value) + '::text');
    }
    await uow.sql.execute(`INSERT INTO ${ident(className)} (${cols.join(', ')}) VALUES (${exprs.join(', ')})`, params.values).catch(mapWriteError);
    await applyRelations(rt, auth, cls, objectId, plan.relations, uow);
    const object = { [CLASS]: className, objectId, createdAt: now, updatedAt: now, ACL: acl } as ParseObject;
    for (const [name, value] of values) object[name] = value;
    await finish(rt, uow, op, object, [...values.keys(), ...plan.relations.map(([n]) => n)]);
    return object;
  }, isSingleStatement(rt, className, plan));
}

/**
 * Updates the fields given (null unsets) if the caller may write the object, and reads back
 * the requested fields in the same statement. 101 when the object does not exist or the
 * caller may not write it.
 */
export async function update(rt: CoreRuntime, auth: Auth, className: string, objectId: string, input: WriteInput, opts: WriteOptions = {}): Promise<ParseObject> {
  const cls = requireClass(rt, className);
  if (!mayBeObjectId(objectId)) throw errors.objectNotFound();
  const op: WriteOperation = { kind: 'update', className, auth, objectId, input: { ...input }, internal: {} };
  await runBefore(rt, op);
  const plan = planWrite(cls, op.input);
  return inUnitOfWork(rt, opts.uow, async (uow) => {
    const values = new Map<string, unknown>(plan.columns.map(([n, , v]) => [n, v]));
    for (const [name, id] of await createPointers(rt, auth, plan, uow)) values.set(name, id);
    checkRequired(cls, values, plan.relations, false);
    const params = new Params();
    const idParam = params.add(objectId);
    const sets = [`"updatedAt" = ${params.add(new Date().toISOString())}::timestamptz`];
    if (plan.acl !== undefined) {
      const { rperm, wperm } = plan.acl ? aclToColumns(plan.acl) : { rperm: null, wperm: null };
      sets.push(`"_rperm" = ${params.add(rperm)}::text[]`, `"_wperm" = ${params.add(wperm)}::text[]`);
    }
    for (const [name, value] of values) sets.push(`${ident(name)} = ${encodeForColumn(cls.fields[name], value, params)}`);
    for (const [column, value] of Object.entries(op.internal)) sets.push(`${ident(column)} = ${params.add(value)}::text`);
    const fields = new Set(['objectId', 'updatedAt', ...(opts.fields ?? []), ...values.keys()]);
    const returning = selectList(cls, fields, 't', columnOf(cls));
    const acl = writeFilterSql(auth, 't', params);
    const text = `UPDATE ${ident(className)} t SET ${sets.join(', ')} WHERE t."objectId" = ${idParam}${acl ? ' AND ' + acl : ''} RETURNING ${returning.join(', ')}`;
    const { columns, rows } = await uow.sql.queryArrays(text, params.values).catch(mapWriteError);
    if (rows.length === 0) throw errors.objectNotFound();
    const object = rowDecoder(cls, columns)(columns, rows[0]);
    await applyRelations(rt, auth, cls, objectId, plan.relations, uow);
    await finish(rt, uow, op, object, [...values.keys(), ...plan.relations.map(([n]) => n)]);
    return object;
  }, isSingleStatement(rt, className, plan));
}

/** Deletes an object the caller may write, with its own relation rows; returns it as it was. */
export async function destroy(rt: CoreRuntime, auth: Auth, className: string, objectId: string, opts: WriteOptions = {}): Promise<ParseObject> {
  const cls = requireClass(rt, className);
  if (!mayBeObjectId(objectId)) throw errors.objectNotFound();
  const op: WriteOperation = { kind: 'delete', className, auth, objectId, input: {}, internal: {} };
  await runBefore(rt, op);
  return inUnitOfWork(rt, opts.uow, async (uow) => {
    const params = new Params();
    const idParam = params.add(objectId);
    const returning = selectList(cls, new Set(['objectId', ...(opts.fields ?? [])]), 't', columnOf(cls));
    const acl = writeFilterSql(auth, 't', params);
    const text = `DELETE FROM ${ident(className)} t WHERE t."objectId" = ${idParam}${acl ? ' AND ' + acl : ''} RETURNING ${returning.join(', ')}`;
    const { columns, rows } = await uow.sql.queryArrays(text, params.values);
    if (rows.length === 0) throw errors.objectNotFound();
    const object = rowDecoder(cls, columns)(columns, rows[0]);
    for (const [name, field] of Object.entries(cls.fields)) {
      if (field.type === 'Relation') await uow.sql.execute(`DELETE FROM ${ident(joinTableName(className, name))} WHERE "owningId" = $1`, [objectId]);
    }
    await finish(rt, uow, op, object, []);
    return object;
  }, isSingleStatement(rt, className) && !Object.values(cls.fields).some((f) => f.type === 'Relation'));
}

export type { Sql };
