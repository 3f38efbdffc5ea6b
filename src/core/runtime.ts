import type { Database, Sql } from '../db/index.ts';
import { Params } from '../db/index.ts';
import type { Logger } from '../config/logger.ts';
import { errors } from '../errors/index.ts';
import type { ClassDef, SchemaStore } from '../schema/index.ts';
import { hasColumn } from '../schema/index.ts';
import { aliasCounter, and, type Condition, type SqlContext } from '../query/index.ts';
import { readFilterSql, type Auth, type FieldMask } from '../security/index.ts';
import { INCLUDED, type ParseObject } from './object.ts';
import type { HookRegistry } from './hooks.ts';
import type { ChangeEvents } from './events.ts';

/** What core operations run on: the database, the catalog, hooks and events, and limits. */
export interface CoreRuntime {
  db: Database;
  schema: SchemaStore;
  hooks: HookRegistry;
  events: ChangeEvents;
  logger?: Logger;
  defaultLimit: number;
  maxLimit: number;
  /** unaccent is installed (diacritic-insensitive text search). */
  unaccent: boolean;
}

export function requireClass(rt: CoreRuntime, className: string): ClassDef {
  const cls = rt.schema.current.classes.get(className);
  if (!cls) throw errors.classNotFound(className);
  return cls;
}

/** A fresh compile context: parameters, catalog, the caller's read filter, alias source. */
export function sqlContext(rt: CoreRuntime, auth: Auth, params = new Params()): SqlContext {
  return {
    params,
    classes: rt.schema.current.classes,
    readFilter: (alias, p) => readFilterSql(auth, alias, p),
    unaccent: rt.unaccent,
    nextAlias: aliasCounter(),
  };
}

/** Whether a field has a column to read (objectId, createdAt, updatedAt always do). */
export function columnOf(cls: ClassDef) {
  return (name: string): boolean => {
    const def = cls.fields[name];
    return !!def && hasColumn(cls.className, name, def);
  };
}

export type { Sql };

/** A where with a policy's pointer-permission rows added (unchanged without them). */
export function withRows(where: Condition, rows: Condition | undefined): Condition {
  return rows ? and([where, rows]) : where;
}

/** The fields to read for a caller: the requested ones and those its mask needs to decide per object. */
export function fieldsToRead(fields: readonly string[], mask: FieldMask | undefined): readonly string[] {
  if (!mask?.extra.length) return fields;
  return [...new Set([...fields, ...mask.extra])];
}

/**
 * Removes from objects what the caller may not see — protected fields, with the pointer
 * targets joined under them — and the fields read only to decide that. Runs on every object a
 * read path returns (pages, by-id reads, relation pages, joined pointers, mutation payloads).
 */
export function hideProtected(mask: FieldMask | undefined, objects: Iterable<ParseObject>, requested: readonly string[], keep?: ReadonlySet<string>): void {
  if (!mask) return;
  const temporary = mask.extra.filter((f) => !requested.includes(f));
  for (const o of objects) {
    const hidden = mask.hiddenIn(o);
    for (const f of hidden) {
      if (keep?.has(f)) continue;
      delete o[f];
      const included = o[INCLUDED];
      if (included) delete included[f];
    }
    for (const f of temporary) delete o[f];
  }
}
