import type { Params } from '../db/index.ts';
import { errors } from '../errors/index.ts';
import { newRecord } from '../schema/index.ts';
import type { Auth } from './auth.ts';

/**
 * An ACL in Parse's JSON form: entity ("*", user id, "role:Name") → rights. Those built here
 * have no prototype: an entity is any string, `constructor` and `__proto__` included.
 */
export type AclMap = Record<string, { read?: boolean; write?: boolean }>;

/**
 * Public read and write: what an object without a stored ACL grants. Objects read without one
 * carry this very value (frozen, shared), which is how an encoder tells "no ACL" — which Parse's
 * REST API leaves out — from an explicit public ACL.
 */
export const PUBLIC_ACL: AclMap = Object.freeze({ '*': Object.freeze({ read: true, write: true }) });

/**
 * Reads the stored permission arrays into an ACL. NULL arrays (objects written without an
 * ACL, as Parse stores them) mean public.
 */
export function aclFromColumns(rperm: readonly string[] | null | undefined, wperm: readonly string[] | null | undefined): AclMap {
  if (rperm == null && wperm == null) return PUBLIC_ACL;
  const acl: AclMap = newRecord();
  for (const e of rperm ?? ['*']) (acl[e] ??= {}).read = true;
  for (const e of wperm ?? ['*']) (acl[e] ??= {}).write = true;
  return acl;
}

/**
 * Parse 9's class default ACL (the CLP's `ACL` key): what a new object written without an ACL
 * gets. Its `currentUser` entry stands for the creating user (left out when there is none). The
 * public default, which every class has unless it is set, stores nothing: undefined.
 */
export function classDefaultAcl(clpAcl: Readonly<Record<string, unknown>> | undefined, userId: string | undefined): AclMap | undefined {
  if (!clpAcl || publicDefaults.has(clpAcl)) return undefined;
  const acl: AclMap = newRecord();
  for (const [entity, rights] of Object.entries(clpAcl)) {
    const { read, write } = (rights ?? {}) as { read?: unknown; write?: unknown };
    const target = entity === 'currentUser' ? userId : entity;
    if (!target || (read !== true && write !== true)) continue;
    acl[target] = { ...(read === true ? { read: true } : {}), ...(write === true ? { write: true } : {}) };
  }
  const entities = Object.keys(acl);
  if (entities.length === 1 && entities[0] === '*' && acl['*'].read && acl['*'].write) {
    // Public whoever creates (no currentUser entry): the next create of the class skips the work.
    if (!('currentUser' in clpAcl)) publicDefaults.add(clpAcl);
    return undefined;
  }
  return acl;
}

/** Class default ACLs (of immutable class definitions) found public for every creator: every class's unless it sets one. */
const publicDefaults = new WeakSet<object>();

/** Splits an ACL into the two stored arrays. */
export function aclToColumns(acl: AclMap): { rperm: string[]; wperm: string[] } {
  const rperm: string[] = [];
  const wperm: string[] = [];
  for (const [entity, rights] of Object.entries(acl)) {
    if (rights.read) rperm.push(entity);
    if (rights.write) wperm.push(entity);
  }
  return { rperm, wperm };
}

/** "*", "role:<name>" (no control characters, which text[] cannot always hold) or a user id. */
const ENTITY = /^(\*|role:[^\s\x00-\x1f][^\x00-\x1f]{0,127}|[A-Za-z0-9_-]{1,128})$/;

/** Checks an ACL map (rights must be booleans; entities "*", a user id or "role:Name"); 123 if not. */
export function validateAcl(acl: unknown): AclMap {
  if (typeof acl !== 'object' || acl === null || Array.isArray(acl)) throw errors.invalidAcl();
  const out: AclMap = newRecord();
  for (const [entity, rights] of Object.entries(acl as Record<string, unknown>)) {
    if (!ENTITY.test(entity) || typeof rights !== 'object' || rights === null) throw errors.invalidAcl(`Invalid ACL entry: ${entity}`);
    const { read, write, ...rest } = rights as Record<string, unknown>;
    if (Object.keys(rest).length || (read !== undefined && typeof read !== 'boolean') || (write !== undefined && typeof write !== 'boolean')) {
      throw errors.invalidAcl(`Invalid ACL rights for ${entity}`);
    }
    if (read || write) out[entity] = { ...(read ? { read: true } : {}), ...(write ? { write: true } : {}) };
  }
  return out;
}

/**
 * The SQL that limits `alias` to rows the caller may read: NULL (no ACL) or an overlap of the
 * row's read list with the caller's access keys — a GIN-indexable array test, inside the query,
 * never a filter after it. Null for the master key.
 */
export function readFilterSql(auth: Auth, alias: string, params: Params): string | null {
  if (auth.isMaster) return null;
  return `(${alias}."_rperm" IS NULL OR ${alias}."_rperm" && ${params.add(auth.accessKeys)}::text[])`;
}

/** Like readFilterSql, for the write list (update and delete). */
export function writeFilterSql(auth: Auth, alias: string, params: Params): string | null {
  if (auth.isMaster) return null;
  return `(${alias}."_wperm" IS NULL OR ${alias}."_wperm" && ${params.add(auth.accessKeys)}::text[])`;
}

/** Whether the caller may read an object with these permission arrays (in-memory counterpart). */
export function canRead(auth: Auth, rperm: readonly string[] | null | undefined): boolean {
  return auth.isMaster || rperm == null || auth.accessKeys.some((k) => rperm.includes(k));
}
