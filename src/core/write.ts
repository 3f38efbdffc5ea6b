import { DatabaseError, SqlState, ident, Params, type Sql } from '../db/index.ts';
import { errors, ParseError, ErrorCode } from '../errors/index.ts';
import type { ClassDef } from '../schema/index.ts';
import { isWriteOnly, joinTableName } from '../schema/index.ts';
import { atomicSql, selectList } from '../query/index.ts';
import {
  accessSql,
  aclFromColumns,
  classDefaultAcl,
  aclToColumns,
  canRead,
  fieldMask,
  readPolicy,
  writePolicy,
  PUBLIC_ACL,
  type Auth,
  type ReadPolicy,
} from '../security/index.ts';
import { encodeForColumn } from './encode.ts';
import { rowDecoder } from './decode.ts';
import { mayBeObjectId, newObjectId } from './ids.ts';
import { CLASS, type ParseObject } from './object.ts';
import type { WriteOperation } from './hooks.ts';
import { planWrite, unknownFields, type PlannedWrite, type RelationInput, type WriteInput } from './write-input.ts';
import { columnOf, fieldsToRead, hideProtected, requireClass, sqlContext, type CoreRuntime } from './runtime.ts';
import type { UnitOfWork } from './unit-of-work.ts';
import { decodeSlice, wholeRow } from './whole-objects.ts';
import { isAtomicOp, valueFromNothing } from './atomic.ts';
import { fieldRules } from './field-rules.ts';
import {
  createCompanions,
  finish,
  inUnitOfWork,
  isSingleStatement,
  openSql,
  runBefore,
  runBeforeStatement,
  runPrepare,
  wantsWholeObjects,
} from './write-phases.ts';

export interface WriteOptions {
  /** The transaction of an enclosing write (nested creates); absent: the write opens its own. */
  uow?: UnitOfWork;
  /**
   * Fields the caller wants back (update and delete read them back in the same statement).
   * Beyond the ids and timestamps this is a read, with the caller's `get` rights (see payloadRead).
   */
  fields?: readonly string[];
  /**
   * Parse's schema on write (REST): called with the fields of the input that the class does not
   * have once the before hooks have run — a beforeSave may set new ones — and answers the class
   * with them added and their values in core's form. Only while no transaction is under way: a
   * schema change is DDL on another connection, which would wait for it (on PGlite, whose one
   * connection it holds, forever); inside one, unknown fields stay 105. Absent: always 105.
   */
  addFields?: AddFields;
}

/** See WriteOptions.addFields. */
export type AddFields = (fields: Record<string, unknown>) => Promise<{ cls: ClassDef; values: WriteInput }>;

/**
 * The class a write plans against once its before hooks have run: with the fields its input
 * names that the class lacks, added by `addFields` (their values decoded into the input).
 */
async function withAddedFields(cls: ClassDef, op: WriteOperation, addFields: AddFields | undefined): Promise<ClassDef> {
  if (!addFields || op.sql) return cls;
  const unknown = unknownFields(cls, op.input);
  if (Object.keys(unknown).length === 0) return cls;
  const added = await addFields(unknown);
  for (const [name, value] of Object.entries(added.values)) {
    Object.defineProperty(op.input, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return added.cls;
}

/**
 * The payload fields that need no read: what Parse's GraphQL mutations answer without
 * fetching the object again (create: ids and timestamps; update: id and updatedAt; delete: id).
 */
const NO_READ: Record<'create' | 'update' | 'delete', ReadonlySet<string>> = {
  create: new Set(['objectId', 'createdAt', 'updatedAt']),
  update: new Set(['objectId', 'updatedAt']),
  delete: new Set(['objectId']),
};

/**
 * The caller's `get` rights over a mutation's payload when it selects more than NO_READ — as
 * Parse reads a payload back with a get by the caller. Plinth decides before writing anything:
 * a CLP that refuses `get` fails the mutation here (119, or 101 for `requiresAuthentication`)
 * rather than after the write as in Parse; the object's own read access is checked in the
 * write's statement (101, nothing written).
 */
function payloadRead(auth: Auth, cls: ClassDef, kind: 'create' | 'update' | 'delete', fields: readonly string[] | undefined): ReadPolicy | undefined {
  // A dashboard admin's payload is a read too: its scope masks fields (policy.ts).
  if ((auth.isMaster && !auth.admin) || !fields?.some((f) => !NO_READ[kind].has(f))) return undefined;
  return readPolicy(auth, cls, 'get');
}

/**
 * The payload as the caller may see it: a copy (hooks and change events keep the whole
 * object) without the protected fields it did not write itself (Parse echoes written values).
 */
function payload(auth: Auth, cls: ClassDef, object: ParseObject, requested: readonly string[], written: Iterable<string>): ParseObject {
  const mask = fieldMask(auth, cls);
  if (!mask) return object;
  const copy = { ...object };
  hideProtected(mask, [copy], requested, new Set(written));
  return copy;
}

/**
 * A create that lost the race for its merge key (WriteOperation.mergeOnIndex): 137 to whoever
 * cannot prepare it again (see create).
 */
class MergeConflict extends ParseError {
  constructor() {
    super(ErrorCode.DUPLICATE_VALUE, errors.duplicateValue().message);
  }
}

/**
 * Unique-index violations in Parse's terms: 202/203 for _User's username/email, 137 otherwise
 * (a MergeConflict when it is the index of the create's merge key).
 */
function mapWriteError(error: unknown, mergeOnIndex?: string): never {
  if (error instanceof DatabaseError && error.code === SqlState.UNIQUE_VIOLATION) {
    if (/unique(_lower)?_username/.test(error.message)) throw new ParseError(ErrorCode.USERNAME_TAKEN, 'Account already exists for this username.');
    if (/unique(_lower)?_email/.test(error.message)) throw new ParseError(ErrorCode.EMAIL_TAKEN, 'Account already exists for this email address.');
    if (mergeOnIndex && error.message.includes(`"${mergeOnIndex}"`)) throw new MergeConflict();
    throw errors.duplicateValue();
  }
  throw error;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Prepares the objects nested in a write's input — `{create}` in a pointer field, `create` in
 * a relation field — as Parse does with them: before the object that holds them (each runs
 * its own before hooks now, outside any transaction), each with its id chosen, which takes
 * its place in the input (the pointer's id, an id added to the relation). Shapes it does not
 * recognise are left for planWrite to refuse.
 */
async function prepareNested(rt: CoreRuntime, auth: Auth, cls: ClassDef, input: WriteInput, sql: Sql | undefined): Promise<PreparedCreate[]> {
  const children: PreparedCreate[] = [];
  for (const [name, value] of Object.entries(input)) {
    const field = Object.hasOwn(cls.fields, name) ? cls.fields[name] : undefined;
    if (!field?.targetClass || !isPlainObject(value)) continue;
    if (field.type === 'Pointer' && isPlainObject(value.create)) {
      const child = await prepareCreate(rt, auth, field.targetClass, value.create, undefined, sql);
      children.push(child);
      input[name] = child.objectId;
    } else if (
      field.type === 'Relation' &&
      Array.isArray(value.create) &&
      value.create.every(isPlainObject) &&
      (value.add == null || Array.isArray(value.add))
    ) {
      const made: PreparedCreate[] = [];
      for (const nested of value.create) made.push(await prepareCreate(rt, auth, field.targetClass, nested, undefined, sql));
      children.push(...made);
      const { create: _created, ...rest } = value;
      input[name] = { ...rest, add: [...((value.add as unknown[] | null | undefined) ?? []), ...made.map((c) => c.objectId)] };
    }
  }
  return children;
}

async function applyRelations(cls: ClassDef, objectId: string, relations: [string, unknown, RelationInput][], uow: UnitOfWork): Promise<void> {
  for (const [name, , change] of relations) {
    const table = ident(joinTableName(cls.className, name));
    const add = change.add ?? [];
    if (change.remove?.length) {
      await uow.sql.execute(`DELETE FROM ${table} WHERE "owningId" = $1 AND "relatedId" = ANY($2::text[])`, [objectId, change.remove]);
    }
    if (add.length) {
      await uow.sql.execute(`INSERT INTO ${table} ("relatedId", "owningId") SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`, [add, objectId]);
    }
  }
}

/**
 * Parse's rule for `required` fields: on create each must have a value (after defaults); on
 * update none may be unset. null and the empty string count as no value; a relation counts as
 * given when the write changes it.
 */
function checkRequired(cls: ClassDef, values: Map<string, unknown>, relations: PlannedWrite['relations'], creating: boolean): void {
  for (const [name, field] of fieldRules(cls).required) {
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

/** A create whose before work is done: what it will write, and the nested objects to write first. */
interface PreparedCreate {
  cls: ClassDef;
  op: WriteOperation;
  plan: PlannedWrite;
  /** Chosen ahead, so that the object holding a nested one can point to it before it is written. */
  objectId: string;
  /** Nested objects, written before this one (as Parse creates them first). */
  children: PreparedCreate[];
  reading?: ReadPolicy;
  fields?: readonly string[];
  /** The keys the caller gave (protected fields it wrote itself stay in the payload). */
  written: string[];
  /** A create merged into an existing object (WriteOperation.mergeInto): written as this update. */
  merge?: PreparedUpdate;
}

/** The fields a merged create answers with when the caller names none: the whole object, as it is after the merge. */
function mergedFields(cls: ClassDef): string[] {
  return Object.keys(cls.fields).filter((name) => !isWriteOnly(cls.className, name));
}

/**
 * The part of a create done before the transaction: the prepare hooks (which may make it an
 * update of an existing object, then prepared as one), the CLP, the nested objects (their own
 * before hooks first), then the object's before hooks, which see nested objects as pointers.
 */
async function prepareCreate(
  rt: CoreRuntime,
  auth: Auth,
  className: string,
  input: WriteInput,
  fields?: readonly string[],
  sql?: Sql,
  addFields?: AddFields,
): Promise<PreparedCreate> {
  const cls = requireClass(rt, className);
  const op: WriteOperation = { kind: 'create', className, auth, input: { ...input }, internal: {}, sql };
  await runPrepare(rt, op);
  if (op.mergeInto) {
    op.kind = 'update';
    op.objectId = op.mergeInto;
    const merge = await prepareUpdate(rt, cls, op, fields ?? mergedFields(cls), 'create', Object.keys(input), addFields);
    return { cls, op, plan: merge.plan, objectId: op.mergeInto, children: [], fields, written: Object.keys(input), merge };
  }
  writePolicy(auth, cls, 'create', op.input);
  const reading = payloadRead(auth, cls, 'create', fields);
  const children = await prepareNested(rt, auth, cls, op.input, sql);
  await runBefore(rt, op);
  // Objects a before hook nested in the input.
  children.push(...(await prepareNested(rt, auth, cls, op.input, sql)));
  const planned = await withAddedFields(cls, op, addFields);
  return { cls: planned, op, plan: planWrite(planned, op.input), objectId: newObjectId(), children, reading, fields, written: Object.keys(input) };
}

/**
 * Creates an object (and the objects nested in its pointers and relations) in one
 * transaction. Returns the object as stored, built from what was written: no read-back.
 * Every before hook (the nested objects' first) runs before the transaction begins.
 * A create that a prepare hook merges into an existing object is that object's update, and
 * answers with the object as it is after it. One that loses the race for its merge key to a
 * concurrent create is prepared again, once, when it owns its transaction, and then merges.
 */
export async function create(
  rt: CoreRuntime,
  auth: Auth,
  className: string,
  input: WriteInput,
  opts: WriteOptions = {},
  mayRetry = true,
): Promise<ParseObject> {
  const prepared = await prepareCreate(rt, auth, className, input, opts.fields, openSql(opts.uow), opts.addFields);
  const single = prepared.merge ? prepared.merge.single : isSingleStatement(rt, prepared.op, prepared.plan, prepared.children);
  try {
    return await inUnitOfWork(rt, opts.uow, (uow) => writeCreate(rt, prepared, uow), single);
  } catch (error) {
    if (error instanceof MergeConflict && mayRetry && !opts.uow) return create(rt, auth, className, input, opts, false);
    throw error;
  }
}

/** The statements of a prepared create (its nested objects' first), in the unit of work. */
async function writeCreate(rt: CoreRuntime, prepared: PreparedCreate, uow: UnitOfWork): Promise<ParseObject> {
  if (prepared.merge) return prepared.merge.write(uow);
  const { cls, op, plan, reading, objectId } = prepared;
  const { auth, className } = op;
  for (const child of prepared.children) await writeCreate(rt, child, uow);
  // An operation on a new object acts on nothing: Increment gives its amount, Add its items.
  const values = new Map<string, unknown>(plan.columns.map(([n, , v]) => [n, isAtomicOp(v) ? valueFromNothing(v) : v]));
  // As in Parse, null (an unset) on create also takes the default.
  for (const [name, defaultValue] of fieldRules(cls).defaults) if ((values.get(name) ?? null) === null) values.set(name, defaultValue);
  checkRequired(cls, values, plan.relations, true);
  op.objectId = objectId;
  const now = new Date().toISOString();
  const params = new Params();
  const cols = ['"objectId"', '"createdAt"', '"updatedAt"'];
  const idParam = params.add(objectId);
  const nowParam = params.add(now) + '::timestamptz';
  const exprs = [idParam, nowParam, nowParam];
  // The ACL as a later read gives it back (entries in stored order).
  let acl = PUBLIC_ACL;
  let rperm: string[] | null = null;
  const givenAcl = plan.acl || classDefaultAcl(cls.classLevelPermissions.ACL, auth.userId);
  if (givenAcl) {
    const columns = aclToColumns(givenAcl);
    rperm = columns.rperm;
    cols.push('"_rperm"', '"_wperm"');
    exprs.push(params.add(columns.rperm) + '::text[]', params.add(columns.wperm) + '::text[]');
    acl = aclFromColumns(columns.rperm, columns.wperm);
  }
  // The payload is read back (Parse): the new object must be readable by the caller.
  if (reading && (!canRead(auth, rperm) || (reading.allows && !reading.allows(Object.fromEntries(values))))) throw errors.objectNotFound();
  for (const [name, value] of values) {
    cols.push(ident(name));
    exprs.push(encodeForColumn(cls.fields[name], value, params));
  }
  for (const [column, value] of Object.entries(op.internal)) {
    cols.push(ident(column));
    exprs.push(params.add(value) + '::text');
  }
  const object = { [CLASS]: className, objectId, createdAt: now, updatedAt: now, ACL: acl } as ParseObject;
  for (const [name, value] of values) object[name] = value;
  const companions = createCompanions(rt, op, object, params);
  await runBeforeStatement(rt, op, uow.sql);
  await uow.sql
    .execute(`${companions}INSERT INTO ${ident(className)} (${cols.join(', ')}) VALUES (${exprs.join(', ')})`, params.values)
    .catch((error) => mapWriteError(error, op.mergeOnIndex));
  await applyRelations(cls, objectId, plan.relations, uow);
  await finish(rt, uow, op, object, [...values.keys(), ...plan.relations.map(([n]) => n)]);
  return payload(auth, cls, object, prepared.fields ?? [...values.keys()], prepared.written);
}

/**
 * Updates the fields given (null unsets) if the caller may write the object — CLP `update`
 * (119), the ACL and pointer permissions in the statement (101) — and reads back the
 * requested fields in the same statement. A payload that needs a read also needs read access
 * to the object as it is after the update, checked in the same statement (101, nothing
 * written); protected fields the caller did not write are left out of it.
 */
export async function update(
  rt: CoreRuntime,
  auth: Auth,
  className: string,
  objectId: string,
  input: WriteInput,
  opts: WriteOptions = {},
): Promise<ParseObject> {
  const cls = requireClass(rt, className);
  if (!mayBeObjectId(objectId)) throw errors.objectNotFound();
  const op: WriteOperation = { kind: 'update', className, auth, objectId, input: { ...input }, internal: {}, sql: openSql(opts.uow) };
  await runPrepare(rt, op);
  const prepared = await prepareUpdate(rt, cls, op, opts.fields, 'update', Object.keys(input), opts.addFields);
  return inUnitOfWork(rt, opts.uow, prepared.write, prepared.single);
}

/** An update whose before work is done: its statements, to run in a unit of work. */
interface PreparedUpdate {
  plan: PlannedWrite;
  /** Whether it is one statement (it may then run without BEGIN/COMMIT). */
  single: boolean;
  write(uow: UnitOfWork): Promise<ParseObject>;
}

/**
 * The part of an update done before the transaction, once its prepare hooks have run (the
 * object it updates is `op.objectId`): the CLP, the nested objects, the before hooks. `answer`
 * names the mutation the payload answers: a merged create's ids and timestamps need no read.
 */
async function prepareUpdate(
  rt: CoreRuntime,
  stored: ClassDef,
  op: WriteOperation,
  fields: readonly string[] | undefined,
  answer: 'create' | 'update',
  written: readonly string[],
  addFields?: AddFields,
): Promise<PreparedUpdate> {
  const { auth, className, sql } = op;
  const policy = writePolicy(auth, stored, 'update', op.input);
  const reading = payloadRead(auth, stored, answer, fields);
  // Nested objects first, as Parse creates them before the update (their triggers too).
  const children = await prepareNested(rt, auth, stored, op.input, sql);
  await runBefore(rt, op);
  children.push(...(await prepareNested(rt, auth, stored, op.input, sql)));
  const cls = await withAddedFields(stored, op, addFields);
  const plan = planWrite(cls, op.input);
  const objectId = op.objectId!;
  return {
    plan,
    single: isSingleStatement(rt, op, plan, children),
    write: async (uow) => {
      for (const child of children) await writeCreate(rt, child, uow);
      const values = new Map<string, unknown>(plan.columns.map(([n, , v]) => [n, v]));
      checkRequired(cls, values, plan.relations, false);
      const params = new Params();
      const idParam = params.add(objectId);
      const sets = [`"updatedAt" = ${params.add(new Date().toISOString())}::timestamptz`];
      // The value each changed column gets, to test read access on the row as it will be.
      const newValues = new Map<string, string>();
      if (plan.acl !== undefined) {
        const { rperm, wperm } = plan.acl ? aclToColumns(plan.acl) : { rperm: null, wperm: null };
        newValues.set('_rperm', `${params.add(rperm)}::text[]`);
        sets.push(`"_rperm" = ${newValues.get('_rperm')}`, `"_wperm" = ${params.add(wperm)}::text[]`);
      }
      for (const [name, value] of values) {
        const expression = isAtomicOp(value) ? atomicSql(value, `t.${ident(name)}`, params) : encodeForColumn(cls.fields[name], value, params);
        newValues.set(name, expression);
        sets.push(`${ident(name)} = ${expression}`);
      }
      for (const [column, value] of Object.entries(op.internal)) sets.push(`${ident(column)} = ${params.add(value)}::text`);
      const requested = fields ?? [];
      const reads = new Set(['objectId', 'updatedAt', ...fieldsToRead(requested, reading?.mask), ...values.keys()]);
      const returning = selectList(cls, reads, 't', columnOf(cls));
      const ctx = sqlContext(rt, auth, params);
      const conditions = [`t."objectId" = ${idParam}`];
      const access = accessSql(auth, policy.rows, 't', ctx, true);
      if (access) conditions.push(access);
      if (reading) conditions.push(readableAfter(auth, cls, reading, newValues, ctx));
      // Change events want the whole row after and before: the old one is locked and read in
      // the same statement (the FROM sees the row as it was), returned after the new one.
      const whole = wantsWholeObjects(rt, op) ? wholeRow(cls, 't') : undefined;
      let from = '';
      if (whole) {
        returning.push(...whole.list, ...wholeRow(cls, 'o').list);
        from = ` FROM (SELECT * FROM ${ident(className)} WHERE "objectId" = ${idParam} FOR UPDATE) o`;
        conditions.push('o."objectId" = t."objectId"');
      }
      const text = `UPDATE ${ident(className)} t SET ${sets.join(', ')}${from} WHERE ${conditions.join(' AND ')} RETURNING ${returning.join(', ')}`;
      await runBeforeStatement(rt, op, uow.sql);
      const { columns, rows } = await uow.sql.queryArrays(text, params.values).catch((error) => mapWriteError(error));
      if (rows.length === 0) throw errors.objectNotFound();
      const own = columns.length - (whole ? 2 * whole.width : 0);
      const object = whole ? decodeSlice(cls, columns, rows[0], 0, own) : rowDecoder(cls, columns)(columns, rows[0]);
      const full = whole && {
        object: decodeSlice(cls, columns, rows[0], own, own + whole.width),
        original: decodeSlice(cls, columns, rows[0], own + whole.width, columns.length),
      };
      await applyRelations(cls, objectId, plan.relations, uow);
      await finish(rt, uow, op, object, [...values.keys(), ...plan.relations.map(([n]) => n)], full);
      return reading ? payload(auth, cls, object, requested, written) : object;
    },
  };
}

/**
 * SQL that is true when the caller may read the row as an UPDATE leaves it: the read ACL and
 * pointer permissions over the new values where the update changes them (a one-row
 * subselect of those columns), else over the stored ones.
 */
function readableAfter(auth: Auth, cls: ClassDef, reading: ReadPolicy, newValues: ReadonlyMap<string, string>, ctx: ReturnType<typeof sqlContext>): string {
  const names = ['_rperm', ...(reading.rowFields ?? [])];
  if (!names.some((n) => newValues.has(n))) return accessSql(auth, reading.rows, 't', ctx) ?? 'TRUE';
  // Typed like the columns, so that an unset (NULL) compares as the column would.
  const type = (n: string) => (n === '_rperm' ? 'text[]' : cls.fields[n]?.type === 'Array' ? 'jsonb' : 'text');
  const row = names.map((n) => `${newValues.has(n) ? `(${newValues.get(n)})::${type(n)}` : `t.${ident(n)}`} AS ${ident(n)}`).join(', ');
  return `EXISTS (SELECT 1 FROM (SELECT ${row}) n WHERE ${accessSql(auth, reading.rows, 'n', ctx) ?? 'TRUE'})`;
}

/**
 * Deletes an object the caller may write (CLP `delete`, ACL and pointer permissions), with
 * its own relation rows; returns it as it was. A payload beyond the id is a read: it needs
 * the caller's `get` rights and read access to the object, checked in the same statement
 * (nothing is deleted without them), and leaves protected fields out.
 */
export async function destroy(rt: CoreRuntime, auth: Auth, className: string, objectId: string, opts: WriteOptions = {}): Promise<ParseObject> {
  const cls = requireClass(rt, className);
  if (!mayBeObjectId(objectId)) throw errors.objectNotFound();
  const op: WriteOperation = { kind: 'delete', className, auth, objectId, input: {}, internal: {}, sql: openSql(opts.uow) };
  await runPrepare(rt, op);
  const policy = writePolicy(auth, cls, 'delete');
  const reading = payloadRead(auth, cls, 'delete', opts.fields);
  await runBefore(rt, op);
  return inUnitOfWork(
    rt,
    opts.uow,
    async (uow) => {
      const params = new Params();
      const idParam = params.add(objectId);
      const requested = opts.fields ?? [];
      const returning = selectList(cls, new Set(['objectId', ...fieldsToRead(requested, reading?.mask)]), 't', columnOf(cls));
      const ctx = sqlContext(rt, auth, params);
      const conditions = [`t."objectId" = ${idParam}`];
      const access = accessSql(auth, policy.rows, 't', ctx, true);
      if (access) conditions.push(access);
      const readable = reading && accessSql(auth, reading.rows, 't', ctx);
      if (readable) conditions.push(readable);
      // Change events want the whole row as it was: returned after the caller's columns.
      const whole = wantsWholeObjects(rt, op) ? wholeRow(cls, 't') : undefined;
      if (whole) returning.push(...whole.list);
      const text = `DELETE FROM ${ident(className)} t WHERE ${conditions.join(' AND ')} RETURNING ${returning.join(', ')}`;
      await runBeforeStatement(rt, op, uow.sql);
      const { columns, rows } = await uow.sql.queryArrays(text, params.values);
      if (rows.length === 0) throw errors.objectNotFound();
      const own = columns.length - (whole?.width ?? 0);
      const object = whole ? decodeSlice(cls, columns, rows[0], 0, own) : rowDecoder(cls, columns)(columns, rows[0]);
      const before = whole && decodeSlice(cls, columns, rows[0], own, columns.length);
      for (const [name, field] of Object.entries(cls.fields)) {
        if (field.type === 'Relation') await uow.sql.execute(`DELETE FROM ${ident(joinTableName(className, name))} WHERE "owningId" = $1`, [objectId]);
      }
      await finish(rt, uow, op, object, [], before && { object: before, original: before });
      return reading ? payload(auth, cls, object, requested, []) : object;
    },
    isSingleStatement(rt, op) && !Object.values(cls.fields).some((f) => f.type === 'Relation'),
  );
}

export type { Sql };
