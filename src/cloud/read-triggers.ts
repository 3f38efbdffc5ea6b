import type { IncludeRequest, ParseObject, ReadHooks, ReadOperation } from '../core/index.ts';
import { errors } from '../errors/index.ts';
import { parseOrder, parseWhere, type OrderKey } from '../query/index.ts';
import { conditionToRest } from '../query/rest/index.ts';
import type { ClassDef } from '../schema/index.ts';
import { readableFields } from './data/find-parts.ts';
import { CloudQueryImpl, type QueryInit, type QueryParts } from './query/index.ts';
import type { CloudRegistry } from './registry.ts';
import type { CloudRuntime } from './runtime.ts';
import type { AfterFindRequest, BeforeFindRequest, CloudObject, CloudQuery } from './types.ts';

/** An order as Parse's keys: `-field` for descending. */
function orderKeysOf(order: readonly OrderKey[] | undefined): string[] | undefined {
  return order?.length ? order.map((k) => (k.descending ? '-' : '') + k.field.name) : undefined;
}

/** The query a read operation shows its triggers (Parse's REST form), and that form as JSON to notice changes. */
function queryOf(op: ReadOperation): { query: CloudQuery; initial: string } {
  const parts: QueryInit = {
    where: conditionToRest(op.where),
    limit: op.page?.first ?? undefined,
    skip: op.page?.skip ?? undefined,
    order: orderKeysOf(op.order),
    keys: op.isGet || op.kind === 'count' ? undefined : [...op.fields],
    include: op.include?.map((i) => i.field),
  };
  const query = new CloudQueryImpl(op.className, parts);
  return { query, initial: JSON.stringify(query.result()) };
}

/** The parts of a query a trigger left (its own CloudQuery, or one it returned). */
function resultOf(query: CloudQuery): QueryParts {
  if (query instanceof CloudQueryImpl) return query.result();
  throw errors.invalidQuery('A trigger must leave or return a query made by the server (request.query)');
}

/**
 * Applies what the triggers made of the query to the operation. Nothing is re-parsed unless it
 * changed, so a trigger that only reads the query leaves the read exactly as it was.
 */
function applyQuery(op: ReadOperation, cls: ClassDef, classes: ReadonlyMap<string, ClassDef>, query: CloudQuery, initial: string): void {
  const result = resultOf(query);
  if (JSON.stringify(result) === initial) return;
  const before = JSON.parse(initial) as QueryParts;
  if (JSON.stringify(result.where) !== JSON.stringify(before.where)) op.where = parseWhere(result.where ?? {}, cls, { classes, absentFields: true });
  if (JSON.stringify(result.order) !== JSON.stringify(before.order)) {
    op.order = parseOrder(
      (result.order ?? []).map((k) => (k.startsWith('-') ? `${k.slice(1)}_DESC` : `${k}_ASC`)),
      cls,
      { absentFields: true },
    );
  }
  if (result.limit !== before.limit || result.skip !== before.skip) {
    op.page = { ...op.page, first: result.limit ?? op.page?.first, skip: result.skip ?? op.page?.skip };
    if (result.limit !== before.limit) op.page.last = undefined;
  }
  if (JSON.stringify(result.keys) !== JSON.stringify(before.keys) && result.keys) {
    op.fields = ['objectId', 'createdAt', 'updatedAt', ...result.keys.filter((k) => Object.hasOwn(cls.fields, k))];
  }
  // Parse: excluded keys are left out of what is read (the ids and dates always come).
  if (result.excludeKeys) {
    const excluded = new Set(result.excludeKeys);
    op.fields = op.fields.filter((f) => !excluded.has(f) || f === 'objectId' || f === 'createdAt' || f === 'updatedAt');
  }
  if (JSON.stringify(result.include) !== JSON.stringify(before.include)) op.include = includesOf(cls, classes, result.include ?? [], op.include);
}

function includesOf(
  cls: ClassDef,
  classes: ReadonlyMap<string, ClassDef>,
  names: readonly string[],
  current: IncludeRequest[] | undefined,
): IncludeRequest[] | undefined {
  const out = [...(current ?? [])];
  for (const name of names) {
    if (out.some((i) => i.field === name)) continue;
    const def = Object.hasOwn(cls.fields, name) ? cls.fields[name] : undefined;
    const target = def?.type === 'Pointer' && def.targetClass ? classes.get(def.targetClass) : undefined;
    if (target) out.push({ field: name, fields: readableFields(target) });
  }
  return out.length ? out : undefined;
}

/** Objects a trigger answered with (CloudObjects, or Parse JSON of objects) in core's form. */
function storedObjects(rt: CloudRuntime, className: string, list: unknown, kind: string): ParseObject[] {
  if (!Array.isArray(list)) throw errors.invalidQuery(`${kind} ${className} must return a list of objects`);
  return list.map((item) => {
    if (rt.objects.isObject(item)) return rt.objects.toStored(item);
    if (typeof item === 'object' && item !== null && typeof (item as { objectId?: unknown }).objectId === 'string') {
      return rt.objects.toStored(rt.objects.fromJson(className, item as Record<string, unknown>));
    }
    throw errors.invalidQuery(`${kind} ${className} returned something that is not an object`);
  });
}

/**
 * The find triggers of one class as core read hooks, for the registry in force: beforeFind
 * sees the read as a Parse.Query-like object it may narrow or change (or replace by returning
 * one), or answer by returning objects; afterFind gets the objects read and returns the list
 * that replaces them. Both run on every read path of the class: finds, gets and `node`,
 * pointer loads, relation pages, counts (beforeFind only, with `count` true).
 */
export function readTriggerHooks(rt: CloudRuntime, registry: CloudRegistry, className: string): ReadHooks | undefined {
  const beforeFind = registry.triggersFor('beforeFind', className);
  const afterFind = registry.triggersFor('afterFind', className);
  if (!beforeFind.length && !afterFind.length) return undefined;
  const hooks: ReadHooks = {};
  const classes = () => rt.deps.schema.current.classes;
  if (beforeFind.length) {
    hooks.beforeFind = async (op) => {
      const cls = classes().get(className);
      if (!cls) return;
      let { query, initial } = queryOf(op);
      const runs = await rt.runTriggers<BeforeFindRequest>(beforeFind, 'before', op.auth, (base) => ({
        ...base,
        triggerName: 'beforeFind',
        query,
        count: op.kind === 'count',
        isGet: op.isGet,
      }));
      for (const { result } of runs) {
        if (Array.isArray(result)) {
          op.objects = storedObjects(rt, className, result, 'beforeFind');
          return;
        }
        // Parse: a beforeFind may return a query that replaces the one it was given.
        if (result && typeof result === 'object' && typeof (result as CloudQuery).toJSON === 'function' && (result as CloudQuery).className === className)
          query = result as CloudQuery;
      }
      applyQuery(op, cls, classes(), query, initial);
    };
  }
  if (afterFind.length) {
    hooks.afterFind = async (op, found) => {
      const { query } = queryOf(op);
      // Parse: each afterFind gets the list the previous one left (its return value, or
      // request.objects as it left it, changed in place or not), and that list is the result.
      let objects: CloudObject[] = found.map((o) => rt.objects.fromStored(className, o));
      await rt.runTriggers<AfterFindRequest>(
        afterFind,
        'before',
        op.auth,
        (base) => ({ ...base, triggerName: 'afterFind', objects, query, isGet: op.isGet }),
        () => ({}),
        (result, request) => {
          objects = (result ?? request.objects) as CloudObject[];
        },
      );
      return storedObjects(rt, className, objects, 'afterFind');
    };
  }
  return hooks;
}
