import type { Database, Sql } from '../db/index.ts';
import { Params } from '../db/index.ts';
import type { Logger } from '../config/logger.ts';
import { errors } from '../errors/index.ts';
import type { ClassDef, SchemaStore } from '../schema/index.ts';
import { hasColumn } from '../schema/index.ts';
import { aliasCounter, type SqlContext } from '../query/index.ts';
import { readFilterSql, type Auth } from '../security/index.ts';
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
