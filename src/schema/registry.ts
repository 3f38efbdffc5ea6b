import type { Database, Sql } from '../db/index.ts';
import { DatabaseError, SqlState, ident } from '../db/index.ts';
import type { Logger } from '../config/logger.ts';
import { errors, ParseError, ErrorCode } from '../errors/index.ts';
import { assertValidClassName } from './names.ts';
import { fromStored, toStored, type StoredSchema } from './stored.ts';
import { planChange, type ClassChange } from './change.ts';
import * as ddl from './ddl.ts';
import type { ClassDef, SchemaSnapshot } from './types.ts';

/** Checks a prospective catalog before a change commits (e.g. GraphQL name collisions). */
export type SchemaValidator = (next: SchemaSnapshot, changedClass: string) => void;
export type SchemaListener = (snapshot: SchemaSnapshot, previous: SchemaSnapshot) => void;

function parseStored(value: unknown): StoredSchema {
  return (typeof value === 'string' ? JSON.parse(value) : value) as StoredSchema;
}

/**
 * Holds the catalog as an immutable snapshot and changes it. A change runs its DDL and its
 * "_SCHEMA" write in one transaction (a trigger bumps the catalog version), then reloads the
 * snapshot and tells listeners, which rebuild the GraphQL schema off the request path. Changes
 * made by other processes are noticed by polling the version (and, later, over pub/sub).
 */
export class SchemaStore {
  private snapshot: SchemaSnapshot = { version: '0', classes: new Map() };
  private readonly listeners = new Set<SchemaListener>();
  private readonly validators: SchemaValidator[] = [];
  private poller: NodeJS.Timeout | undefined;
  private reloading: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly logger?: Logger,
  ) {}

  get current(): SchemaSnapshot {
    return this.snapshot;
  }

  getClass(className: string): ClassDef | undefined {
    return this.snapshot.classes.get(className);
  }

  onChange(listener: SchemaListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  addValidator(validator: SchemaValidator): void {
    this.validators.push(validator);
  }

  /** Reads the catalog; listeners hear of it when the version differs from the one held. */
  async load(): Promise<SchemaSnapshot> {
    const [versionRow, rows] = await Promise.all([
      this.db.prisma.schemaVersion.findUnique({ where: { id: 1 } }),
      this.db.prisma.classSchema.findMany(),
    ]);
    const classes = new Map<string, ClassDef>();
    for (const row of rows) {
      try {
        classes.set(row.className, fromStored({ ...parseStored(row.schema), className: row.className }));
      } catch (error) {
        this.logger?.warn({ err: error, className: row.className }, 'skipping a class whose stored schema cannot be read');
      }
    }
    const next: SchemaSnapshot = { version: String(versionRow?.version ?? 0), classes };
    const previous = this.snapshot;
    this.snapshot = next;
    if (previous.version !== next.version) for (const l of this.listeners) l(next, previous);
    return next;
  }

  /** Reloads if another process changed the catalog (one indexed single-row read). */
  async refreshIfChanged(): Promise<boolean> {
    const row = await this.db.prisma.schemaVersion.findUnique({ where: { id: 1 } });
    if (String(row?.version ?? 0) === this.snapshot.version) return false;
    await this.reload();
    return true;
  }

  private reload(): Promise<void> {
    this.reloading ??= this.load()
      .then(() => undefined)
      .finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  startPolling(intervalMs: number): void {
    this.stopPolling();
    this.poller = setInterval(() => {
      this.refreshIfChanged().catch((error) => this.logger?.warn({ err: error }, 'catalog version poll failed'));
    }, intervalMs);
    this.poller.unref();
  }

  stopPolling(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  async createClass(className: string, change: ClassChange): Promise<ClassDef> {
    assertValidClassName(className);
    if (className.startsWith('_')) throw errors.classExists(className);
    await this.db.transaction(async (tx) => {
      const existing = await this.lockStored(tx, className);
      if (existing) throw errors.classExists(className);
      const plan = planChange(this.snapshot, className, undefined, change);
      this.validate(plan.next);
      try {
        await tx.execute('INSERT INTO "_SCHEMA" ("className", "schema", "isParseClass") VALUES ($1, $2::jsonb, true)', [
          className,
          JSON.stringify(toStored(plan.next)),
        ]);
      } catch (error) {
        if (error instanceof DatabaseError && error.code === SqlState.UNIQUE_VIOLATION) throw errors.classExists(className);
        throw error;
      }
      await ddl.createClassTable(tx, className, plan.next.fields).catch(mapDdlError(className));
      await ddl.createIndexes(tx, className, plan.createIndexes).catch(mapDdlError(className));
    });
    await this.reload();
    return this.requireClass(className);
  }

  async updateClass(className: string, change: ClassChange): Promise<ClassDef> {
    assertValidClassName(className);
    await this.db.transaction(async (tx) => {
      const stored = await this.lockStored(tx, className);
      if (!stored) throw errors.classNotFound(className);
      const current = fromStored(stored);
      const plan = planChange(this.snapshot, className, current, change);
      this.validate(plan.next);
      for (const name of plan.dropIndexes) await ddl.dropIndex(tx, name);
      for (const [name, field] of plan.removed) await ddl.dropField(tx, className, name, field);
      for (const [name, field] of plan.added) await ddl.addField(tx, className, name, field);
      await ddl.createIndexes(tx, className, plan.createIndexes).catch(mapDdlError(className));
      await tx.execute('UPDATE "_SCHEMA" SET "schema" = $2::jsonb WHERE "className" = $1', [
        className,
        JSON.stringify(toStored(plan.next, stored)),
      ]);
    });
    await this.reload();
    return this.requireClass(className);
  }

  /** Drops an empty class (error 255 when it still has objects) and returns its last definition. */
  async deleteClass(className: string): Promise<ClassDef> {
    assertValidClassName(className);
    if (className.startsWith('_')) throw new ParseError(ErrorCode.INVALID_SCHEMA_OPERATION, `Class ${className} is a system class and cannot be deleted.`);
    let deleted: ClassDef | undefined;
    await this.db.transaction(async (tx) => {
      const stored = await this.lockStored(tx, className);
      if (!stored) throw errors.classNotFound(className);
      deleted = fromStored(stored);
      const [{ count }] = await tx.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${ident(className)}`).catch(() => [{ count: 0 }]);
      if (count > 0) throw errors.classNotEmpty(className, count);
      await ddl.dropClassTables(tx, className, deleted.fields);
      await tx.execute('DELETE FROM "_SCHEMA" WHERE "className" = $1', [className]);
    });
    await this.reload();
    return deleted!;
  }

  private requireClass(className: string): ClassDef {
    const def = this.snapshot.classes.get(className);
    if (!def) throw errors.classNotFound(className);
    return def;
  }

  private validate(next: ClassDef): void {
    if (!this.validators.length) return;
    const classes = new Map(this.snapshot.classes);
    classes.set(next.className, next);
    const prospective: SchemaSnapshot = { version: this.snapshot.version, classes };
    for (const v of this.validators) v(prospective, next.className);
  }

  /** Reads a class's stored schema and locks its row until the transaction ends. */
  private async lockStored(tx: Sql, className: string): Promise<StoredSchema | undefined> {
    const rows = await tx.query<{ schema: unknown }>('SELECT "schema" FROM "_SCHEMA" WHERE "className" = $1 FOR UPDATE', [className]);
    return rows.length ? { ...parseStored(rows[0].schema), className } : undefined;
  }
}

/** Index-name clashes (PostgreSQL index names are per schema, not per table) become 102. */
function mapDdlError(className: string) {
  return (error: unknown): never => {
    if (error instanceof DatabaseError && error.code === SqlState.DUPLICATE_TABLE) {
      throw errors.invalidQuery(`An index or table with that name already exists (class ${className}): ${error.message}`);
    }
    throw error;
  };
}
