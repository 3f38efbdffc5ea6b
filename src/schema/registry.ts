import type { Database, Sql } from '../db/index.ts';
import { DatabaseError, SqlState, ident } from '../db/index.ts';
import type { Logger } from '../config/logger.ts';
import { errors, ParseError, ErrorCode } from '../errors/index.ts';
import { assertValidClassName, SYSTEM_CLASSES } from './names.ts';
import { fromStored, toStored, type StoredSchema } from './stored.ts';
import { planChange, type ClassChange } from './change.ts';
import * as ddl from './ddl.ts';
import type { ClassDef, SchemaSnapshot } from './types.ts';

/**
 * Checks a prospective catalog before a change commits (e.g. GraphQL name collisions): `next`
 * is the catalog with the change applied, `previous` the catalog it was planned against.
 */
export type SchemaValidator = (next: SchemaSnapshot, changedClass: string, previous: SchemaSnapshot) => void;
export type SchemaListener = (snapshot: SchemaSnapshot, previous: SchemaSnapshot) => void;

/**
 * Serialises schema changes across every process on the database (a transaction-level
 * advisory lock), so that a change is planned and validated against the catalog as committed.
 */
const SCHEMA_LOCK_KEY = '7369826462';

/** The catalog version and every class, read by one statement: one consistent snapshot. */
const READ_CATALOG = `SELECT v."version"::text AS "version", s."className", s."schema"
  FROM "_PlinthSchemaVersion" v LEFT JOIN "_SCHEMA" s ON true WHERE v."id" = 1`;

function parseStored(value: unknown): StoredSchema {
  return (typeof value === 'string' ? JSON.parse(value) : value) as StoredSchema;
}

interface Catalog {
  snapshot: SchemaSnapshot;
  stored: Map<string, StoredSchema>;
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
  private polling = false;
  /** Loads run one after another, each reading after the previous one finished. */
  private loads: Promise<unknown> = Promise.resolve();

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

  /**
   * Reads the catalog (a read that starts after this call) and makes it current; listeners hear
   * of it when the version differs from the one held.
   */
  load(): Promise<SchemaSnapshot> {
    const next = this.loads.catch(() => undefined).then(() => this.readAndSwap());
    this.loads = next;
    return next;
  }

  private async readAndSwap(): Promise<SchemaSnapshot> {
    const { snapshot: next } = await this.readCatalog(this.db);
    const previous = this.snapshot;
    this.snapshot = next;
    if (previous.version !== next.version) for (const l of this.listeners) l(next, previous);
    return next;
  }

  private async readCatalog(sql: Sql): Promise<Catalog> {
    const rows = await sql.query<{ version: string; className: string | null; schema: unknown }>(READ_CATALOG);
    const classes = new Map<string, ClassDef>();
    const stored = new Map<string, StoredSchema>();
    for (const row of rows) {
      if (row.className === null) continue;
      try {
        const s = { ...parseStored(row.schema), className: row.className };
        classes.set(row.className, fromStored(s));
        stored.set(row.className, s);
      } catch (error) {
        this.logger?.warn({ err: error, className: row.className }, 'skipping a class whose stored schema cannot be read');
      }
    }
    return { snapshot: { version: String(rows[0]?.version ?? 0), classes }, stored };
  }

  /** Reloads if another process changed the catalog (one indexed single-row read). */
  async refreshIfChanged(): Promise<boolean> {
    // Raw SQL over the driver adapter rather than Prisma's model API (model SchemaVersion): the
    // model API loads Prisma's WebAssembly query compiler, about 70 MiB of resident memory that
    // a poll every half second does not need.
    const [row] = await this.db.query<{ version: unknown }>('SELECT "version" FROM "_PlinthSchemaVersion" WHERE "id" = 1');
    if (String(row?.version ?? 0) === this.snapshot.version) return false;
    await this.load();
    return true;
  }

  /** Polls the catalog version every `intervalMs` (a slow poll is never overlapped by the next). */
  startPolling(intervalMs: number): void {
    this.stopPolling();
    this.poller = setInterval(() => {
      if (this.polling) return;
      this.polling = true;
      this.refreshIfChanged()
        .catch((error) => this.logger?.warn({ err: error }, 'catalog version poll failed'))
        .finally(() => (this.polling = false));
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
    return this.change(async (tx, catalog) => {
      if (catalog.stored.has(className)) throw errors.classExists(className);
      const plan = planChange(catalog.snapshot.classes, className, undefined, change);
      this.validate(catalog.snapshot, plan.next);
      try {
        await tx.execute('INSERT INTO "_SCHEMA" ("className", "schema", "isParseClass") VALUES ($1, $2::jsonb, true)', [
          className,
          JSON.stringify(toStored(plan.next)),
        ]);
        await ddl.createClassTable(tx, className, plan.next.fields);
      } catch (error) {
        if (error instanceof DatabaseError && (error.code === SqlState.UNIQUE_VIOLATION || error.code === SqlState.DUPLICATE_TABLE)) {
          throw new ParseError(ErrorCode.INVALID_CLASS_NAME, `Class ${className} cannot be created: a table named "${className}" already exists.`);
        }
        throw error;
      }
      await ddl.createIndexes(tx, className, plan.next.fields, plan.createIndexes).catch(indexError(className));
      return plan.next;
    });
  }

  async updateClass(className: string, change: ClassChange): Promise<ClassDef> {
    assertValidClassName(className);
    return this.change(async (tx, catalog) => {
      const stored = catalog.stored.get(className);
      const current = catalog.snapshot.classes.get(className);
      if (!stored || !current) throw errors.classNotFound(className);
      const plan = planChange(catalog.snapshot.classes, className, current, change);
      this.validate(catalog.snapshot, plan.next);
      for (const name of plan.dropIndexes) await ddl.dropIndex(tx, className, name);
      for (const [name, field] of plan.removed) await ddl.dropField(tx, className, name, field);
      for (const [name, field] of plan.added) {
        await ddl.addField(tx, className, name, field).catch((error: unknown) => {
          if (error instanceof DatabaseError && error.code === SqlState.DUPLICATE_COLUMN) throw errors.duplicateField(name);
          throw error;
        });
      }
      await ddl.createIndexes(tx, className, plan.next.fields, plan.createIndexes).catch(indexError(className));
      await tx.execute('UPDATE "_SCHEMA" SET "schema" = $2::jsonb WHERE "className" = $1', [className, JSON.stringify(toStored(plan.next, stored))]);
      return plan.next;
    });
  }

  /** Drops an empty class (error 255 when it still has objects) and returns its last definition. */
  async deleteClass(className: string): Promise<ClassDef> {
    assertValidClassName(className);
    if (SYSTEM_CLASSES.has(className)) {
      throw new ParseError(ErrorCode.INVALID_SCHEMA_OPERATION, `Class ${className} is a system class and cannot be deleted.`);
    }
    return this.change(async (tx, catalog) => {
      const deleted = catalog.snapshot.classes.get(className);
      const stored = catalog.stored.get(className);
      if (!deleted || !stored) throw errors.classNotFound(className);
      if (await ddl.tableExists(tx, className)) {
        // Blocks writers until the drop commits: no object can slip in between count and drop.
        await tx.execute(`LOCK TABLE ${ident(className)} IN ACCESS EXCLUSIVE MODE`);
        const [{ count }] = await tx.query<{ count: string }>(`SELECT count(*)::text AS "count" FROM ${ident(className)}`);
        if (Number(count) > 0) throw errors.classNotEmpty(className, Number(count));
      }
      // The stored fields, not only the served ones: a relation Plinth cannot serve still has a join table.
      await ddl.dropClassTables(
        tx,
        className,
        Object.keys(stored.fields ?? {}).filter((name) => stored.fields[name]?.type === 'Relation'),
      );
      await tx.execute('DELETE FROM "_SCHEMA" WHERE "className" = $1', [className]);
      return deleted;
    });
  }

  /**
   * Runs one schema change: in a transaction holding the schema lock, against the catalog read
   * inside it; then makes the committed catalog current before returning, so the next request
   * sees the change.
   */
  private async change<T>(fn: (tx: Sql, catalog: Catalog) => Promise<T>): Promise<T> {
    const result = await this.db.transaction(async (tx) => {
      await tx.execute('SELECT pg_advisory_xact_lock($1::bigint)', [SCHEMA_LOCK_KEY]);
      return fn(tx, await this.readCatalog(tx));
    });
    await this.load();
    return result;
  }

  private validate(catalog: SchemaSnapshot, next: ClassDef): void {
    if (!this.validators.length) return;
    const classes = new Map(catalog.classes);
    classes.set(next.className, next);
    const prospective: SchemaSnapshot = { version: catalog.version, classes };
    for (const v of this.validators) v(prospective, next.className, catalog);
  }
}

/** A user index that PostgreSQL refuses (e.g. its name is taken: index names are per schema) is a bad index: 102. */
function indexError(className: string) {
  return (error: unknown): never => {
    if (error instanceof DatabaseError && error.code === SqlState.DUPLICATE_TABLE) {
      throw errors.invalidQuery(`Cannot create the index on class ${className}: ${error.message}`);
    }
    throw error;
  };
}
