import { ident } from '../db/index.ts';
import { newRecord, type ClassDef } from '../schema/index.ts';
import { compileFind, orderKeys, type FindSql, type SqlContext } from '../query/index.ts';
import { accessSql, readPolicy, type Auth, type FieldMask } from '../security/index.ts';
import { ParseError } from '../errors/index.ts';
import { rowDecoder } from './decode.ts';
import { INCLUDED, type ParseObject } from './object.ts';
import type { RowLayout } from './page.ts';
import { columnOf, fieldsToRead, hideProtected, requireClass, type CoreRuntime } from './runtime.ts';

/** A pointer field of a find whose target objects are read in the same statement. */
export interface IncludeRequest {
  field: string;
  /** Fields of the target to read. */
  fields: readonly string[];
}

interface Included {
  field: string;
  target: ClassDef;
  /** The target fields asked for, and the caller's protected-field mask over the target. */
  fields: readonly string[];
  mask?: FieldMask;
  prefix: string;
  /** The target column behind each result column `<prefix><k>`, by k. */
  names: string[];
}

export interface IncludeSql {
  sql: string;
  included: Included[];
  /**
   * Pointer fields into classes a dashboard admin's scope leaves out: not joined, never loaded;
   * attached as null (unresolved), so that the pointer stays a bare pointer.
   */
  unresolved: string[];
}

/**
 * The target's columns, each under a positional name ("i0:0", "i0:1", …): a field name may take
 * all 63 bytes of an identifier, so the prefix cannot be put in front of it without PostgreSQL
 * truncating the result. Returns the SELECT-list entries and the column behind each position.
 */
function includedColumns(target: ClassDef, fields: readonly string[], alias: string, prefix: string): { sql: string[]; names: string[] } {
  const has = columnOf(target);
  const sql: string[] = [];
  const names: string[] = [];
  const add = (expression: string, name: string) => {
    sql.push(`${expression} AS ${ident(prefix + names.length)}`);
    names.push(name);
  };
  for (const name of new Set(['objectId', ...fields])) {
    const def = target.fields[name];
    if (!def) continue;
    if (def.type === 'ACL') {
      add(`${alias}."_rperm"`, '_rperm');
      add(`${alias}."_wperm"`, '_wperm');
    } else if (has(name)) {
      const cast = def.type === 'GeoPoint' || def.type === 'Polygon' ? '::text' : '';
      add(`${alias}.${ident(name)}${cast}`, name);
    }
  }
  return { sql, names };
}

/**
 * The page of a find with its selected pointers' targets joined in: the page is limited first
 * (the inner SELECT, exactly the find's own SQL), then each target is LEFT JOINed by id with
 * the caller's read access to it in the join condition — the target's ACL and pointer
 * permissions, as a by-id read (`get`) would apply them — then the page's order is applied
 * again. One statement instead of a page and a batch per pointer; the bench floor measured
 * limit-then-join as the fastest shape for "a list with its author". A target whose CLP
 * refuses the caller `get` is not joined: its pointers load through getMany, which reports
 * the refusal — except a dashboard admin's scope refusal: that pointer is left unresolved.
 */
export function includeSql(
  rt: CoreRuntime,
  auth: Auth,
  cls: ClassDef,
  page: FindSql,
  include: readonly IncludeRequest[],
  ctx: SqlContext,
): IncludeSql | undefined {
  const included: Included[] = [];
  const unresolved: string[] = [];
  const joins: string[] = [];
  const columns: string[] = [];
  const pageFields = new Set(page.columns);
  for (const [i, inc] of include.entries()) {
    const def = cls.fields[inc.field];
    if (def?.type !== 'Pointer' || !def.targetClass) continue;
    const target = requireClass(rt, def.targetClass);
    let policy: ReturnType<typeof readPolicy>;
    try {
      policy = readPolicy(auth, target, 'get');
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      // The master key bypasses CLPs: an admin's refusal is its scope, which no later load may pass.
      if (auth.admin) unresolved.push(inc.field);
      continue;
    }
    // A class with read hooks (cloud beforeFind/afterFind) is read through getMany, which runs them.
    if (rt.hooks.readsFor(target.className).length) continue;
    const alias = `i${i}`;
    const prefix = `${alias}:`;
    const access = accessSql(auth, policy.rows, alias, ctx);
    joins.push(`LEFT JOIN ${ident(target.className)} ${alias} ON ${alias}."objectId" = t.${ident(inc.field)}${access ? ' AND ' + access : ''}`);
    const read = includedColumns(target, fieldsToRead(inc.fields, policy.mask), alias, prefix);
    columns.push(...read.sql);
    included.push({ field: inc.field, target, fields: inc.fields, mask: policy.mask, prefix, names: read.names });
    pageFields.add(`t.${ident(inc.field)}`);
  }
  if (!included.length) return unresolved.length ? { sql: compileFind(page, ctx), included, unresolved } : undefined;
  // The inner page must carry the pointer columns and the order keys the outer ORDER BY uses.
  const keys = orderKeys(page.order);
  for (const k of keys) pageFields.add(`t.${ident(k.field.name)}`);
  const inner = compileFind({ ...page, columns: [...pageFields] }, ctx);
  const order = keys.map((k) => `t.${ident(k.field.name)}${k.descending ? ' DESC' : ''}`).join(', ');
  const sql = `SELECT t.*, ${columns.join(', ')} FROM (${inner}) t ${joins.join(' ')} ORDER BY ${order}`;
  return { sql, included, unresolved };
}

/** How to read the rows of an include query: the page's columns, then each target's, attached. */
export function includeLayout(include: IncludeSql, columns: readonly string[]): RowLayout {
  const first = columns.findIndex((c) => c.includes(':'));
  const to = first < 0 ? columns.length : first;
  const parts = include.included.map((inc) => {
    // includeSql selects a target's columns together, in its own order: they are read in place
    // in each row (from `start`), without a copy of them per row.
    const start = columns.findIndex((c) => c.startsWith(inc.prefix));
    const names: string[] = [];
    for (let i = start; i >= 0 && i < columns.length && columns[i].startsWith(inc.prefix); i++)
      names.push(inc.names[Number(columns[i].slice(inc.prefix.length))]);
    const id = names.indexOf('objectId');
    return { inc, start, names, decode: rowDecoder(inc.target, names), idIndex: id < 0 ? -1 : start + id };
  });
  return {
    to,
    attach(row, object) {
      const attached = newRecord<ParseObject | null>();
      for (const field of include.unresolved) attached[field] = null;
      for (const p of parts) {
        if (row[p.idIndex] == null) {
          attached[p.inc.field] = null;
          continue;
        }
        const target = p.decode(p.names, row, p.start);
        hideProtected(p.inc.mask, [target], p.inc.fields);
        attached[p.inc.field] = target;
      }
      object[INCLUDED] = attached;
    },
  };
}
